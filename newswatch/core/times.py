"""Times as newswatch writes them: ISO 8601 in UTC with an explicit offset
(``2026-11-28T16:20:00+00:00``), the form the alert JSON has always used."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_from_unix(ts: float, *, timespec: str = "seconds") -> str:
    """``1700000000.0`` -> ``2023-11-14T22:13:20+00:00``."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec=timespec)


def unix_from_iso(value: str) -> float:
    """Unix time of an ISO 8601 date or date-time; one without an offset is taken as UTC.
    Raises ValueError for anything else."""
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
