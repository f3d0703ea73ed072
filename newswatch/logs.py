"""One logger for every newswatch process: one line per event, on stderr.

A line is an event name and fields: ``log.info("poll", feed_id=feed.id, result="ok")``.
The fields that name what a line is about have one spelling everywhere (:data:`STABLE_KEYS`),
so a log pipeline can follow a feed, an article, a job or a topic across processes. Lines are
JSON objects when stderr is not a terminal (a container, a file, a log shipper) and readable
``time level logger: event key=value`` lines on a terminal; ``NEWSWATCH_LOG_FORMAT`` (``auto``,
``json``, ``console``) overrides the choice. Libraries' lines (rq's, uvicorn's, apprise's)
go through the same handler, so they are JSON too, with their text as the event.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from types import MappingProxyType
from typing import IO, Any, Final, Literal

STABLE_KEYS: Final = ("feed_id", "article_id", "job_id", "topic", "reason")
LogFormat = Literal["auto", "json", "console"]
FORMATS: Final[tuple[LogFormat, ...]] = ("auto", "json", "console")
FORMAT_ENV: Final = "NEWSWATCH_LOG_FORMAT"
# the keys every JSON line has; an event's field of the same name is kept under "<key>_"
BASE_KEYS: Final = ("ts", "level", "logger", "event", "pid")

# libraries that log per request or per page at INFO/WARNING: one line per fetched URL is
# noise (and URLs of strangers' pages) in an operator's log
_CHATTY = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "trafilatura": logging.ERROR,
    "htmldate": logging.ERROR,
    "courlan": logging.ERROR,
}
_ANSI: Final = re.compile(r"\x1b\[[0-9;]*m")
_FIELDS: Final = "newswatch_fields"  # the LogRecord attribute carrying an event's fields
_NOTHING: Final[Mapping[str, object]] = MappingProxyType({})
_bound: ContextVar[Mapping[str, object]] = ContextVar("newswatch_log_fields", default=_NOTHING)


@contextlib.contextmanager
def bound(**fields: object) -> Iterator[None]:
    """Add ``fields`` to every line logged inside the block (in this thread or task), e.g.
    the rq job id around a job."""
    token = _bound.set({**_bound.get(), **fields})
    try:
        yield
    finally:
        _bound.reset(token)


class Log:
    """A module's logger: ``log.warning("poll failed", feed_id=..., reason=...)``."""

    def __init__(self, name: str) -> None:
        self.logger = logging.getLogger(name)

    def enabled(self, level: int) -> bool:
        return self.logger.isEnabledFor(level)

    def log(self, level: int, event: str, /, **fields: object) -> None:
        self._emit(level, event, fields)

    def debug(self, event: str, /, **fields: object) -> None:
        self._emit(logging.DEBUG, event, fields)

    def info(self, event: str, /, **fields: object) -> None:
        self._emit(logging.INFO, event, fields)

    def warning(self, event: str, /, **fields: object) -> None:
        self._emit(logging.WARNING, event, fields)

    def error(self, event: str, /, **fields: object) -> None:
        self._emit(logging.ERROR, event, fields)

    def exception(
        self, event: str, /, *, exc: BaseException | None = None, **fields: object
    ) -> None:
        """An error with its traceback under ``exc``: ``exc``'s, or the one being handled."""
        self._emit(logging.ERROR, event, fields, exc_info=exc or True)

    def _emit(self, level: int, event: str, fields: dict[str, object], **kw: Any) -> None:
        if self.logger.isEnabledFor(level):
            self.logger.log(level, event, extra={_FIELDS: fields}, stacklevel=3, **kw)


def get_logger(name: str) -> Log:
    return Log(name)


def fields_of(record: logging.LogRecord) -> dict[str, object]:
    """The bound fields and the event's own, the event's winning."""
    return {**_bound.get(), **getattr(record, _FIELDS, {})}


def _timestamp(created: float) -> str:
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created))
    return f"{whole}.{int(created % 1 * 1000):03d}Z"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, event, pid, then the fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": _timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": _ANSI.sub("", record.getMessage()),  # rq colours parts of its lines
            "pid": record.process,
        }
        for key, value in fields_of(record).items():
            line[f"{key}_" if key in BASE_KEYS else key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _value(value: object) -> str:
    text = str(value)
    if text and not any(ch.isspace() or ch in '"=' for ch in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def kv(fields: Mapping[str, object]) -> str:
    """``{"feed_id": "bbc", "new_items": 3}`` -> ``feed_id=bbc new_items=3`` (logfmt)."""
    return " ".join(f"{name}={_value(value)}" for name, value in fields.items())


class ConsoleFormatter(logging.Formatter):
    """``06:10:02 INFO scheduler.poller: poll feed_id=bbc result=ok`` for a person."""

    def format(self, record: logging.LogRecord) -> str:
        clock = time.strftime("%H:%M:%S", time.localtime(record.created))
        text = f"{clock} {record.levelname} {record.name}: {record.getMessage()}"
        fields = fields_of(record)
        if fields:
            text += " " + kv(fields)
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def choose_format(wanted: str | None, stream: IO[str]) -> Literal["json", "console"]:
    """``auto`` (or nothing): JSON unless the stream is a terminal."""
    wanted = (wanted or "auto").strip().lower()
    if wanted not in FORMATS:
        raise ValueError(f"{FORMAT_ENV} must be one of {', '.join(FORMATS)}, got {wanted!r}")
    if wanted == "auto":
        isatty = getattr(stream, "isatty", None)
        return "console" if isatty is not None and isatty() else "json"
    return "json" if wanted == "json" else "console"


def setup_logging(
    level: int = logging.INFO, *, log_format: str | None = None, stream: IO[str] | None = None
) -> None:
    """Route every logger (ours and the libraries') through one handler on stderr, in the
    format :func:`choose_format` picks from ``log_format`` (the ``log_format`` setting; by
    default the environment's). Calling it again (once the settings are read) replaces the
    handler."""
    stream = stream or sys.stderr
    try:
        chosen = choose_format(log_format or os.environ.get(FORMAT_ENV), stream)
    except ValueError as exc:
        print(f"newswatch: {exc}; writing JSON lines", file=sys.stderr)
        chosen = "json"
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if chosen == "json" else ConsoleFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet_level in _CHATTY.items():
        logging.getLogger(name).setLevel(quiet_level)
    route_library_loggers()


def route_library_loggers() -> None:
    """Libraries that install a handler of their own (rq puts a coloured one on ``rq.worker``)
    would print a second, differently formatted copy of each line: theirs are removed and the
    lines propagate to the root handler."""
    for name in ("rq", "rq.worker", "rq.scheduler", "rq.queue", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.propagate = True
