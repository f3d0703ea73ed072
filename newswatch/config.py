"""Configuration: runtime Settings (env NEWSWATCH_* over the YAML ``settings:`` block) and the
watch configuration (``feeds:``, ``topics:``, ``subscriptions:``) read from a YAML file.

``load_config`` reports every problem of a file at once, each located as
``FILE:LINE: feeds[3].url: what is wrong and why`` (the YAML reading and locating lives in
``newswatch.config_file``); ``load_settings`` merges the environment over the file's
``settings:`` block over the defaults.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from newswatch.core.errors import ConfigError, QueryError
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
    user_agent: str = "newswatch/0.1 (self-hosted news monitor)"
    fetch_concurrency: int = Field(64, ge=1)
    fetch_per_host: int = Field(2, ge=1)
    fetch_timeout: float = Field(20.0, gt=0)  # seconds, whole request deadline
    max_feed_bytes: int = Field(10 * 1024 * 1024, gt=0)
    max_page_bytes: int = Field(5 * 1024 * 1024, gt=0)
    max_redirects: int = Field(5, ge=0)
    poll_deadline: float = Field(300.0, gt=0)  # seconds one poll may spend on its new items
    allow_private_networks: bool = False  # only for tests and private deployments

    # pipeline
    page_ttl: int = Field(24 * 3600, gt=0)  # seconds a fetched page waits for a worker
    batch_size: int = Field(8, ge=1)  # articles per rq job
    batch_linger: float = Field(0.25, ge=0)  # seconds to wait for a batch to fill
    alert_stream_maxlen: int = Field(100_000, ge=100)
    # alert events kept for cursor readers once every consumer group has acknowledged them
    alert_events_keep: int = Field(100_000, ge=1000, le=10_000_000)
    retention_days: int = Field(90, ge=1)  # articles and duplicate claims expire after this
    min_backoff: int = Field(60, ge=1)
    max_backoff: int = Field(6 * 3600, ge=1)


# The same fields as Settings, validated without reading the environment: this is what the
# file's ``settings:`` block is checked against (Settings itself always reads NEWSWATCH_*).
FileSettings: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "FileSettings",
    __config__=ConfigDict(extra="forbid"),
    **{name: (info.annotation, info) for name, info in Settings.model_fields.items()},
)


# -- intervals -----------------------------------------------------------------------------

MIN_INTERVAL = 30  # seconds; polling a feed more often is rude and rarely useful
MAX_INTERVAL = 7 * 24 * 3600
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL_RE = re.compile(r"(?:\d+[smhd])+")
_INTERVAL_PART_RE = re.compile(r"(\d+)([smhd])")
_INTERVAL_FORMS = 'an integer number of seconds or a duration like "90s", "15m", "2h", "1h30m"'


def parse_interval(value: object) -> int:
    """Seconds from an integer (seconds) or a duration string ("90s", "15m", "2h", "1h30m").

    Raises ValueError saying what was given and what is accepted, including the bounds
    (MIN_INTERVAL..MAX_INTERVAL)."""
    if isinstance(value, bool):  # bool is an int in Python; `interval: yes` is a mistake
        raise ValueError(f"interval must be {_INTERVAL_FORMS}, got a boolean")
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str):
        text = value.strip().lower()
        if text.isdigit():
            seconds = int(text)
        elif _INTERVAL_RE.fullmatch(text):
            seconds = sum(
                int(n) * _UNIT_SECONDS[unit] for n, unit in _INTERVAL_PART_RE.findall(text)
            )
        else:
            raise ValueError(f"interval must be {_INTERVAL_FORMS}, got {value!r}")
    else:
        raise ValueError(f"interval must be {_INTERVAL_FORMS}, got {type(value).__name__}")
    if seconds < MIN_INTERVAL:
        raise ValueError(
            f"interval of {seconds}s is too short: the minimum is {MIN_INTERVAL}s "
            "(polling more often burdens the publisher)"
        )
    if seconds > MAX_INTERVAL:
        raise ValueError(
            f"interval of {format_interval(seconds)} is too long: the maximum is "
            f"{format_interval(MAX_INTERVAL)}"
        )
    return seconds


def format_interval(seconds: int) -> str:
    """The shortest duration string for ``seconds`` ("15m", "1h30m", "90s" stays "1m30s")."""
    parts = []
    rest = seconds
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return "".join(parts) or "0s"


# -- identifiers and URLs ----------------------------------------------------------------------

NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
NAME_RULE = (
    "use 1-64 characters from a-z, 0-9, '_' and '-', starting with a letter or digit "
    "(names appear in URLs and as metric labels)"
)
_LANGUAGE_RE = re.compile(r"[a-z]{2}")


def _invalid(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as written (no "Value error, " prefix)."""
    return PydanticCustomError("newswatch", message)


def _check_name(kind: str, value: str) -> str:
    if not NAME_RE.fullmatch(value):
        raise _invalid(f"{kind} name {value!r} is not allowed: {NAME_RULE}")
    return value


def feed_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a feed URL (None when it can): http(s) with a host."""
    if not url.strip():
        return "the URL is empty"
    if url != url.strip() or any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        return "the URL contains whitespace or control characters"
    if len(url) > 2048:
        return "the URL is longer than 2048 characters"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"the URL does not parse ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        got = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        return f"must be an http:// or https:// URL, got {got}"
    if not parts.hostname:
        return "the URL has no host"
    return None


# -- the watch configuration -------------------------------------------------------------------


class FeedConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    name: str = ""
    interval: int = Field(900, ge=MIN_INTERVAL, le=MAX_INTERVAL)  # seconds between polls
    fetch_pages: bool = True  # fetch each article page (else use the feed's own text)

    @field_validator("url")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        problem = feed_url_problem(value)
        if problem:
            raise _invalid(f"{problem}: {value[:200]!r}")
        return value

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: object) -> int:
        try:
            return parse_interval(value)
        except ValueError as exc:
            raise _invalid(str(exc)) from None

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

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return _check_name("topic", value)

    @field_validator("query")
    @classmethod
    def _query_parses(cls, value: str) -> str:
        from newswatch.core.query import parse_query  # the query language (helper A)

        try:
            parse_query(value)
        except QueryError as exc:
            raise _invalid(str(exc)) from None
        return value

    @field_validator("languages")
    @classmethod
    def _valid_languages(cls, value: list[str]) -> list[str]:
        codes = [code.strip().lower() for code in value]
        bad = [code for code in codes if not _LANGUAGE_RE.fullmatch(code)]
        if bad:
            raise _invalid(
                f"not a language code: {', '.join(map(repr, bad))} "
                "(use two-letter ISO 639-1 codes such as 'en', 'fr', 'es')"
            )
        return codes


class SubscriptionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    topics: list[str] = Field(min_length=1)
    channels: list[str] = Field(default_factory=list)
    mode: Literal["instant", "digest"] = "instant"

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return _check_name("subscription", value)


class WatchConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    settings: dict[str, object] = Field(default_factory=dict)
    feeds: list[FeedConfig] = Field(default_factory=list)
    topics: list[TopicConfig] = Field(default_factory=list)
    subscriptions: list[SubscriptionConfig] = Field(default_factory=list)


# -- loading -------------------------------------------------------------------------------------


def load_config(path: Path) -> WatchConfig:
    """Read, validate and return the watch configuration in ``path``.

    Raises ConfigError listing every problem found, each as ``FILE:LINE: key.path: message``.
    """
    from newswatch.config_file import read_watch_config

    return read_watch_config(path)


def _problems(error: ValidationError, source: str) -> list[str]:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        problems.append(f"{source} {where}: {item['msg']}")
    return problems


def _env_settings() -> Settings:
    try:
        # mypy reads Field(8080, ...) as a required argument; every field has a default
        return Settings()  # type: ignore[call-arg]
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            name = str(item["loc"][0]) if item["loc"] else "?"
            problems.append(f"environment NEWSWATCH_{name.upper()}: {item['msg']}")
        raise ConfigError(problems) from None


def load_settings(cfg: WatchConfig | None = None) -> Settings:
    """Settings from the environment (NEWSWATCH_*), over the ``settings:`` block of ``cfg``,
    over the defaults. Raises ConfigError for an invalid block or environment value."""
    env = _env_settings()
    block: dict[str, Any] = dict(cfg.settings) if cfg is not None else {}
    if not block:
        return env
    try:
        from_file = FileSettings.model_validate(block)
    except ValidationError as exc:
        raise ConfigError(_problems(exc, "settings:")) from None
    overrides = {
        name: getattr(from_file, name) for name in from_file.model_fields_set - env.model_fields_set
    }
    return env.model_copy(update=overrides)
