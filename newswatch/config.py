"""Configuration: runtime Settings (env NEWSWATCH_* over the YAML ``settings:`` block) and the
watch configuration (``feeds:``, ``topics:``, ``subscriptions:``) read from a YAML file.

``load_config`` reports every problem of a file at once, each located as
``FILE:LINE: feeds[3].url: what is wrong and why`` (the YAML reading and locating lives in
``newswatch.config_file``); ``load_settings`` merges the environment over the file's
``settings:`` block over the defaults.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from newswatch.core.errors import ConfigError, QueryError
from newswatch.core.models import short_hash
from newswatch.core.ports import format_port_ranges, parse_port_ranges


def _in_range(low: float, high: float, *, above: bool = False, unit: str = "") -> WrapValidator:
    """A validator refusing what is not a number from ``low`` to ``high`` (``above``: more
    than ``low``), infinity and NaN included, with a message that states the range."""
    rule = f"{'more than' if above else 'from'} {_number(low)} {'up to' if above else 'to'} "
    rule += f"{_number(high)}{unit}"

    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            result = handler(value)
        except ValidationError:
            raise _invalid(f"must be a number {rule}, got {value!r}") from None
        if not ((low < result) if above else (low <= result)) or not result <= high:
            raise _invalid(f"{result!r} is out of range: must be {rule}")
        return result

    return WrapValidator(check)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


MAX_WORKERS_PER_CORE = 4  # more worker processes than this only queue for the CPU
_MAX_WORKERS = MAX_WORKERS_PER_CORE * (os.cpu_count() or 1)
_MB = 1024 * 1024
_DAY = 24 * 3600


class Settings(BaseSettings):
    """Runtime settings. Every field can be set by the environment as NEWSWATCH_<NAME>.
    Every number has a range (a setting Redis or the OS would refuse later is refused here)."""

    model_config = SettingsConfigDict(env_prefix="NEWSWATCH_", extra="forbid")

    redis_url: str | None = None  # None: `newswatch up` starts an embedded Redis
    data_dir: Path = Path(".newswatch")
    api_host: str = "127.0.0.1"
    api_port: Annotated[int, _in_range(0, 65535)] = 8080
    metrics_port: Annotated[int, _in_range(0, 65535)] = 9108  # standalone process exposition
    # 0: one per CPU core
    workers: Annotated[
        int, _in_range(0, _MAX_WORKERS, unit=f" ({MAX_WORKERS_PER_CORE} per CPU core here)")
    ] = 0

    # fetching
    user_agent: str = "newswatch/0.1 (self-hosted news monitor)"
    fetch_concurrency: Annotated[int, _in_range(1, 4096)] = 64
    fetch_per_host: Annotated[int, _in_range(1, 64)] = 2
    fetch_timeout: Annotated[float, _in_range(0, 600, above=True, unit=" seconds")] = 20.0
    max_feed_bytes: Annotated[int, _in_range(1, 256 * _MB, unit=" bytes")] = 10 * _MB
    max_page_bytes: Annotated[int, _in_range(1, 256 * _MB, unit=" bytes")] = 5 * _MB
    max_redirects: Annotated[int, _in_range(0, 20)] = 5
    # seconds one poll may spend on its new items
    poll_deadline: Annotated[float, _in_range(0, 3600, above=True, unit=" seconds")] = 300.0
    allow_private_networks: bool = False  # only for tests and private deployments
    allowed_ports: str = "80,443"  # ports fetched from: "80,443,8000-8099"; "1-65535" for any

    # hostile input
    feed_parse_timeout: Annotated[float, _in_range(0, 600, above=True, unit=" seconds")] = 20.0
    feed_parse_memory_mb: Annotated[int, _in_range(32, 16384, unit=" MB")] = 512
    extract_timeout: Annotated[float, _in_range(0, 600, above=True, unit=" seconds")] = 10.0
    extract_memory_mb: Annotated[int, _in_range(32, 16384, unit=" MB")] = 512
    # articles extracted between two resets of trafilatura's caches
    extract_cache_reset: Annotated[int, _in_range(1, 1_000_000)] = 1000

    # pipeline
    # seconds a fetched page waits for a worker
    page_ttl: Annotated[int, _in_range(1, 30 * _DAY, unit=" seconds")] = _DAY
    batch_size: Annotated[int, _in_range(1, 1000)] = 8  # articles per rq job
    # seconds to wait for a batch to fill
    batch_linger: Annotated[float, _in_range(0, 60, unit=" seconds")] = 0.25
    alert_stream_maxlen: Annotated[int, _in_range(100, 100_000_000)] = 100_000
    # alert events kept for cursor readers once every consumer group has acknowledged them
    alert_events_keep: Annotated[int, _in_range(1000, 10_000_000)] = 100_000
    # articles and duplicate claims expire after this
    retention_days: Annotated[int, _in_range(1, 3650, unit=" days")] = 90
    min_backoff: Annotated[int, _in_range(1, 7 * _DAY, unit=" seconds")] = 60
    max_backoff: Annotated[int, _in_range(1, 30 * _DAY, unit=" seconds")] = 6 * 3600

    # liveness
    # seconds without a heartbeat after which a worker's started jobs are taken back
    reap_after: Annotated[int, _in_range(10, 3600, unit=" seconds")] = 60
    # an external Redis that evicts keys or persists nothing is refused (false: only warned)
    redis_strict: bool = True

    _valid_ports = field_validator("allowed_ports")(lambda cls, value: _check_ports(value))
    _ordered = model_validator(mode="after")(lambda self: _check_order(self))


_ORDERED = (("min_backoff", "max_backoff"), ("fetch_per_host", "fetch_concurrency"))


def _check_ports(value: str) -> str:
    try:
        return format_port_ranges(parse_port_ranges(value))
    except ValueError as exc:
        raise _invalid(str(exc)) from None


def _check_order(settings: Any) -> Any:
    """Settings that bound each other: the lower must not exceed the higher."""
    for low, high in _ORDERED:
        if getattr(settings, low) > getattr(settings, high):
            raise _invalid(
                f"{low} ({getattr(settings, low)!r}) must not be larger than "
                f"{high} ({getattr(settings, high)!r})"
            )
    return settings


# The same fields as Settings, validated without reading the environment: this is what the
# file's ``settings:`` block is checked against (Settings itself always reads NEWSWATCH_*).
FileSettings: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "FileSettings",
    __config__=ConfigDict(extra="forbid"),
    __validators__={
        "_valid_ports": field_validator("allowed_ports")(lambda cls, value: _check_ports(value)),
        "_ordered": model_validator(mode="after")(lambda self: _check_order(self)),
    },
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
        return Settings()
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
    merged = env.model_copy(update=overrides)
    try:
        _check_order(merged)  # one bound may come from the file, the other from the environment
    except PydanticCustomError as exc:
        raise ConfigError([f"settings: with the environment: {exc.message()}"]) from None
    return merged
