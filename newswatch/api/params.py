"""Validation of path and query parameters: each refusal names the parameter and the form it
expects."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from newswatch.api.errors import ApiError

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_TOPIC_CHARS = 200
MAX_REF_CHARS = 2048  # a feed's URL, a name or an id
_SHOWN_CHARS = 80


def _shown(value: str) -> str:
    """The offending value, shortened, for an error message."""
    return repr(value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "...")


def parse_id(value: str, *, what: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise ApiError(
            400,
            f"invalid {what} id {_shown(value)}: expected 1 to 64 characters of A-Z a-z 0-9 _ -",
        )
    return value


def parse_ref(value: str, *, what: str = "id or name") -> str:
    """A catalogue item's id or name (a feed's also its URL), in a path or a query."""
    if not value or len(value) > MAX_REF_CHARS:
        raise ApiError(
            400, f"invalid {what} {_shown(value)}: expected 1 to {MAX_REF_CHARS} characters"
        )
    return value


def parse_limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(
            400, f"invalid limit {_shown(value)}: expected an integer from 1 to {MAX_LIMIT}"
        )
    return limit


def parse_since(value: str | None) -> datetime | None:
    """An ISO-8601 date or date-time; without an offset it means UTC. A ``+`` of an offset
    that arrived unescaped in the query string (and so became a space) is restored."""
    if value is None or value == "":
        return None
    candidates = [value]
    if " " in value.strip():
        head, _, tail = value.strip().rpartition(" ")
        candidates.append(f"{head}+{tail}")
    for candidate in candidates:
        try:
            moment = datetime.fromisoformat(candidate.strip())
        except ValueError:
            continue
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    raise ApiError(
        400,
        f"invalid since {_shown(value)}: expected an ISO-8601 date or date-time, "
        "e.g. 2026-11-28 or 2026-11-28T16:20:00Z",
    )


def parse_topic(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if len(value) > MAX_TOPIC_CHARS:
        raise ApiError(400, f"invalid topic: longer than {MAX_TOPIC_CHARS} characters")
    return value
