"""newswatch: a self-hosted news-monitoring stream processor."""

__version__ = "0.1.0"
