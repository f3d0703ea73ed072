"""The one guarded HTTP fetcher: every feed and page request goes through :class:`Fetcher`."""

from newswatch.net.fetcher import Fetcher, FetchResult

__all__ = ["FetchResult", "Fetcher"]
