"""Configuration: runtime Settings (env NEWSWATCH_* over the YAML ``settings:`` block) and the
watch configuration (``feeds:``, ``topics:``, ``subscriptions:``) read from a YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from newswatch.core.models import short_hash


class Settings(BaseSettings):
    """Runtime settings. Every field can be set by the environment as NEWSWATCH_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="NEWSWATCH_", extra="forbid")

    redis_url: str | None = None  # None: `newswatch up` starts an embedded Redis
    data_dir: Path = Path(".newswatch")
    api_host: str = "127.0.0.1"
    api_port: int = Field(8080, ge=0, le=65535)
    metrics_port: int = Field(9108, ge=0, le=65535)  # standalone scheduler/worker exposition
    workers: int = Field(0, ge=0)  # 0: one per CPU core

    # fetching
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
    fetch_concurrency: int = Field(64, ge=1)
    fetch_per_host: int = Field(2, ge=1)
    fetch_timeout: float = Field(20.0, gt=0)  # seconds, whole request deadline
    max_feed_bytes: int = Field(10 * 1024 * 1024, gt=0)
    max_page_bytes: int = Field(5 * 1024 * 1024, gt=0)
    max_redirects: int = Field(5, ge=0)
    allow_private_networks: bool = False  # only for tests and private deployments

    # pipeline
    page_ttl: int = Field(24 * 3600, gt=0)  # seconds a fetched page waits for a worker
    batch_size: int = Field(8, ge=1)  # articles per rq job
    batch_linger: float = Field(0.25, ge=0)  # seconds to wait for a batch to fill
    alert_stream_maxlen: int = Field(100_000, ge=100)
    min_backoff: int = Field(60, ge=1)
    max_backoff: int = Field(6 * 3600, ge=1)


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    name: str = ""
    interval: int = Field(900, ge=30)  # seconds between polls
    fetch_pages: bool = True  # fetch each article page (else use the feed's own text)

    @property
    def id(self) -> str:
        return short_hash("feed", self.url, length=16)

    @property
    def display_name(self) -> str:
        return self.name or self.url


class TopicConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    query: str
    languages: list[str] = Field(default_factory=list)  # empty: any language


class SubscriptionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    topics: list[str]
    channels: list[str] = Field(default_factory=list)
    mode: Literal["instant", "digest"] = "instant"


class WatchConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: dict[str, object] = Field(default_factory=dict)
    feeds: list[FeedConfig] = Field(default_factory=list)
    topics: list[TopicConfig] = Field(default_factory=list)
    subscriptions: list[SubscriptionConfig] = Field(default_factory=list)
