"""Runtime settings: the environment (NEWSWATCH_*) over the ``settings:`` block of a
configuration file over the defaults.

The file itself (its ``settings:`` block and its catalogue) is read by
:mod:`newswatch.config_file`, which depends on this module and never the other way round.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    SecretStr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from newswatch.core.errors import ConfigError
from newswatch.core.extract_limits import MAX_ELEMENTS
from newswatch.core.item_text import DEFAULT_MIN_TEXT_CHARS
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


TOKEN_CHARS = (16, 1024)


def _check_header_value(value: str, what: str, chars: tuple[int, int], spaces: bool) -> None:
    """A value sent in an HTTP header: its length within ``chars`` and printable ASCII (a line
    break or a non-ASCII letter would fail every request at send time, far from the setting).
    The message never shows the value."""
    low, high = chars
    if not low <= len(value) <= high:
        raise _invalid(f"{what} has {low} to {high} characters, this one has {len(value)}")
    if not all(("!", " ")[spaces] <= char <= "~" for char in value):
        kind = "printable ASCII" if spaces else "printable ASCII without spaces"
        raise _invalid(f"{what} is {kind} (it is sent in a header)")


def _check_token(value: SecretStr | None) -> SecretStr | None:
    """A bearer token: printable ASCII without spaces."""
    if value is not None:
        _check_header_value(value.get_secret_value(), "an API token", TOKEN_CHARS, spaces=False)
    return value


# the schemes redis-py opens (store.connection counts each one's connections), the one list
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


REDIS_URL_CHARS = 2048


def _check_redis_url(value: str | None) -> str | None:
    """A URL redis-py can open (else every process failed later with a traceback). The scheme
    is written in lower case: redis-py refuses ``REDIS://``."""
    if not value:  # "": unset
        return value
    scheme, sep, rest = value.partition("://")
    value = scheme.lower() + sep + rest
    if len(value) > REDIS_URL_CHARS:
        raise _invalid(f"must be at most {REDIS_URL_CHARS} characters, this one has {len(value)}")
    if not value.startswith(REDIS_SCHEMES):
        shown = value.split("@")[-1][:80]  # never the password of a mistyped URL
        raise _invalid(f"must start with {', '.join(REDIS_SCHEMES)}, got {shown!r}")
    return value


PATH_CHARS = 4096  # Linux's PATH_MAX


def _check_data_dir(value: Path) -> Path:
    """A directory the OS can open: at most PATH_MAX characters, no NUL (else `newswatch up`
    failed later, far from the setting)."""
    text = str(value)
    if len(text) > PATH_CHARS or "\0" in text:
        raise _invalid(
            f"must be a path of at most {PATH_CHARS} characters without NUL, "
            f"this one has {len(text)}"
        )
    return value


USER_AGENT_CHARS = (1, 512)


def _check_user_agent(value: str) -> str:
    """A header value: printable ASCII, spaces allowed."""
    _check_header_value(value, "a user agent", USER_AGENT_CHARS, spaces=True)
    return value


HOST_CHARS = (1, 253)  # a DNS name's longest written form
_HOST_LABEL = re.compile(r"[^\W_]([\w-]{0,61}[^\W_])?")  # letters of any script, digits, -


def _check_host(value: str, what: str, why: str) -> str:
    """An IP address or a host name (labels of 1 to 63 letters, digits or hyphens), folded to
    lower case as URLs carry it; the message says ``why`` the setting needs one."""
    low, high = HOST_CHARS
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    labels = value.removesuffix(".").split(".")
    if not low <= len(value) <= high or not all(_HOST_LABEL.fullmatch(part) for part in labels):
        raise _invalid(
            f"{what}must be an IP address or a host name of {low} to {high} characters "
            f"({why}), got {value[:80]!r}"
        )
    return value.lower()


def _check_api_host(value: str) -> str:
    return _check_host(value, "", "the address the API listens on")


RETRY_AFTER_HOSTS = 1000  # the most hosts retry_after_hosts may list


def _check_retry_after_hosts(value: list[str]) -> list[str]:
    """Host names (``*``: every host), as the fetcher compares them."""
    if len(value) > RETRY_AFTER_HOSTS:
        raise _invalid(f"must list 0 to {RETRY_AFTER_HOSTS} hosts, this one lists {len(value)}")
    why = "a host whose Retry-After pauses it; '*' for every host"
    return [host if host == "*" else _check_host(host, "each entry ", why) for host in value]


SCHEDULER_NAME = re.compile(r"[A-Za-z0-9._-]{0,64}")


def _check_scheduler_name(value: str) -> str:
    """Names this scheduler's leases in Redis and its log lines: a host-name-like word."""
    if not SCHEDULER_NAME.fullmatch(value):
        raise _invalid(
            "must be 0 to 64 letters, digits, '.', '_' or '-' (it names this scheduler's leases "
            f"in Redis; empty: the host name), got {value[:80]!r}"
        )
    return value


MAX_WORKERS_PER_CORE = 4  # more worker processes than this only queue for the CPU
MAX_WORKERS = MAX_WORKERS_PER_CORE * (os.cpu_count() or 1)
_MB = 1024 * 1024
_DAY = 24 * 3600
_CONNECTIONS = _in_range(1, 100_000, unit=" connections")


class Settings(BaseSettings):
    """Runtime settings. Every field can be set by the environment as NEWSWATCH_<NAME>.
    Every number has a range (a setting Redis or the OS would refuse later is refused here)."""

    model_config = SettingsConfigDict(env_prefix="NEWSWATCH_", extra="forbid")

    # None: `newswatch up` starts an embedded Redis
    redis_url: Annotated[str | None, AfterValidator(_check_redis_url)] = None
    data_dir: Annotated[Path, AfterValidator(_check_data_dir)] = Path(".newswatch")
    api_host: Annotated[str, AfterValidator(_check_api_host)] = "127.0.0.1"
    # bearer token for API writes (and reads beyond loopback); unset: DATA_DIR/api-token
    api_token: Annotated[SecretStr | None, AfterValidator(_check_token)] = None
    api_port: Annotated[int, _in_range(0, 65535)] = 8080
    # seconds a client has to send a request's line and headers (then 408, connection closed)
    api_head_timeout: Annotated[float, _in_range(0, 600, above=True, unit=" seconds")] = 10.0
    # seconds a client has to send a request's body, JSON or a web form (then 408)
    api_body_timeout: Annotated[float, _in_range(0, 3600, above=True, unit=" seconds")] = 30.0
    # open connections the API keeps, in all and from one client address; beyond: 503
    api_max_connections: Annotated[int, _CONNECTIONS] = 512
    api_max_connections_per_client: Annotated[int, _CONNECTIONS] = 32
    metrics_port: Annotated[int, _in_range(0, 65535)] = 9108  # standalone process exposition
    # log lines: JSON objects, readable lines, or auto (JSON unless stderr is a terminal)
    log_format: Literal["auto", "json", "console"] = "auto"
    # 0: one per CPU core
    workers: Annotated[
        int, _in_range(0, MAX_WORKERS, unit=f" ({MAX_WORKERS_PER_CORE} per CPU core here)")
    ] = 0

    # fetching
    user_agent: Annotated[str, AfterValidator(_check_user_agent)] = (
        "newswatch/0.1 (self-hosted news monitor)"
    )
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
    # seconds between the starts of two requests to one host, across every scheduler
    fetch_host_gap: Annotated[float, _in_range(0, 60, unit=" seconds")] = 0.25
    # hosts whose Retry-After pauses the host ("*": all)
    retry_after_hosts: Annotated[list[str], AfterValidator(_check_retry_after_hosts)] = []

    # scheduling: bounds of the adaptive interval (a feed's own interval fixes it)
    poll_interval_min: Annotated[int, _in_range(30, 7 * _DAY, unit=" seconds")] = 300
    poll_interval_max: Annotated[int, _in_range(30, 7 * _DAY, unit=" seconds")] = _DAY
    # names this scheduler's leases; "" = the host name
    scheduler_name: Annotated[str, AfterValidator(_check_scheduler_name)] = ""
    # seconds a claimed feed stays a scheduler's without renewal
    scheduler_lease: Annotated[float, _in_range(5, 600, unit=" seconds")] = 30.0

    # hostile input
    feed_parse_timeout: Annotated[float, _in_range(0, 600, above=True, unit=" seconds")] = 20.0
    feed_parse_memory_mb: Annotated[int, _in_range(32, 16384, unit=" MB")] = 512
    extract_timeout: Annotated[float, _in_range(0, 600, above=True, unit=" seconds")] = 10.0
    extract_memory_mb: Annotated[int, _in_range(32, 16384, unit=" MB")] = 512
    # HTML elements of a page handed to trafilatura; more: refused (reason too_large)
    extract_max_elements: Annotated[int, _in_range(1000, 10_000_000, unit=" elements")] = (
        MAX_ELEMENTS
    )
    # articles extracted between two resets of trafilatura's caches
    extract_cache_reset: Annotated[int, _in_range(1, 1_000_000)] = 1000

    # pipeline
    # seconds a fetched page waits for a worker
    page_ttl: Annotated[int, _in_range(1, 30 * _DAY, unit=" seconds")] = _DAY
    batch_size: Annotated[int, _in_range(1, 1000)] = 8  # articles per rq job
    # seconds to wait for a batch to fill
    batch_linger: Annotated[float, _in_range(0, 60, unit=" seconds")] = 0.25
    alert_stream_maxlen: Annotated[int, _in_range(100, 100_000_000)] = 100_000
    # alerts one topic keeps in that list: a busy topic drops its own oldest alerts
    alert_topic_maxlen: Annotated[int, _in_range(10, 100_000_000)] = 10_000
    # topics whose alerts newswatch_alerts_created_total counts under their own name
    topic_metric_labels: Annotated[int, _in_range(0, 10_000)] = 100
    # alert events kept for cursor readers once every consumer group has acknowledged them
    alert_events_keep: Annotated[int, _in_range(1000, 10_000_000)] = 100_000
    # articles and duplicate claims expire after this
    retention_days: Annotated[int, _in_range(1, 3650, unit=" days")] = 90
    # how far back the near-duplicate index looks for an earlier copy of a story
    story_window_days: Annotated[int, _in_range(1, 30, unit=" days")] = 7
    # page text shorter than this makes a short item, matched on title + feed summary + text
    min_text_chars: Annotated[int, _in_range(0, 100_000, unit=" characters")] = (
        DEFAULT_MIN_TEXT_CHARS
    )
    min_backoff: Annotated[int, _in_range(1, 7 * _DAY, unit=" seconds")] = 60
    max_backoff: Annotated[int, _in_range(1, 30 * _DAY, unit=" seconds")] = 6 * 3600

    # delivery
    # seconds one delivery attempt may take (connect, send, answer)
    delivery_timeout: Annotated[float, _in_range(0, 120, above=True, unit=" seconds")] = 10.0
    delivery_attempts: Annotated[int, _in_range(1, 50)] = 8  # then the dead-letter list
    # seconds before the first retry; doubled for each one after, jittered
    delivery_retry_base: Annotated[float, _in_range(0, 3600, above=True, unit=" seconds")] = 10.0
    # no retry waits longer (a Retry-After beyond it included)
    delivery_retry_max: Annotated[float, _in_range(1, _DAY, unit=" seconds")] = 3600.0
    # seconds a sender holds a delivery: one killed mid-send is retried after this
    delivery_lease: Annotated[float, _in_range(1, 3600, unit=" seconds")] = 60.0
    delivery_ports: str = "25,80,443,465,587"  # ports deliveries may connect to

    # liveness
    # seconds without a heartbeat after which a worker's started jobs are taken back
    reap_after: Annotated[int, _in_range(3, 3600, unit=" seconds")] = 60
    # an external Redis that evicts keys or persists nothing is refused (false: only warned)
    redis_strict: bool = True

    # web pages (newswatch/web): readable without logging in only when this is true
    web_public: bool = False
    # hours a login lasts (the session cookie and its record in Redis expire together)
    web_session_hours: Annotated[int, _in_range(1, 90 * 24, unit=" hours")] = 12
    # the session cookie is marked Secure (https only) even when the request came over http:
    # for pages served over https by a proxy in front of the API
    web_cookie_secure: bool = False
    # the Grafana dashboard's address, linked from the status page ("" = no link)
    grafana_url: str = ""

    _valid_ports = field_validator("allowed_ports", "delivery_ports")(
        lambda cls, value: _check_ports(value)
    )
    _ordered = model_validator(mode="after")(lambda self: _check_order(self))
    _grafana = field_validator("grafana_url")(lambda cls, value: _check_link(value))


_ORDERED = (
    ("min_backoff", "max_backoff"),
    ("fetch_per_host", "fetch_concurrency"),
    ("api_max_connections_per_client", "api_max_connections"),
    ("poll_interval_min", "poll_interval_max"),
    ("delivery_retry_base", "delivery_retry_max"),
    ("delivery_timeout", "delivery_lease"),
)


def _check_ports(value: str) -> str:
    try:
        return format_port_ranges(parse_port_ranges(value))
    except ValueError as exc:
        raise _invalid(str(exc)) from None


def _check_link(value: str) -> str:
    """An address shown as a link: http(s) only (never javascript:), at most 2048 characters."""
    value = value.strip()
    if value and (not re.fullmatch(r"https?://[^\s<>\"']+", value) or len(value) > 2048):
        raise _invalid(f"must be an http:// or https:// address, got {value[:80]!r}")
    return value


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
        "_valid_ports": field_validator("allowed_ports", "delivery_ports")(
            lambda cls, value: _check_ports(value)
        ),
        "_ordered": model_validator(mode="after")(lambda self: _check_order(self)),
        "_grafana": field_validator("grafana_url")(lambda cls, value: _check_link(value)),
    },
    **{name: (info.annotation, info) for name, info in Settings.model_fields.items()},
)


def _invalid(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as written (no "Value error, " prefix)."""
    return PydanticCustomError("newswatch", message)


def _problems(error: ValidationError, source: str) -> list[str]:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        problems.append(f"{source} {where}: {item['msg']}")
    return problems


def _env_settings() -> Settings:
    try:
        return Settings()
    except SettingsError as exc:  # a list or mapping that is not JSON: named, not a traceback
        found = re.search(r'field "([a-z_]+)"', str(exc))
        name = found.group(1).upper() if found else "?"
        raise ConfigError(
            [f'environment NEWSWATCH_{name}: not JSON: a list is written as \'["a", "b"]\'']
        ) from None
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            name = str(item["loc"][0]) if item["loc"] else "?"
            problems.append(f"environment NEWSWATCH_{name.upper()}: {item['msg']}")
        raise ConfigError(problems) from None


def load_settings(block: Mapping[str, object] | None = None) -> Settings:
    """Settings from the environment (NEWSWATCH_*), over a file's ``settings:`` block, over
    the defaults. Raises ConfigError for an invalid block or environment value."""
    env = _env_settings()
    block = dict(block or {})
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
