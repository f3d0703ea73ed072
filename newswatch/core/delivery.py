"""The decisions of delivery, pure: what an alert event tells a subscription, whether it goes
out now or waits for a digest, when a digest is due, what it holds, and how long to wait
before trying a failed delivery again.

Nothing here reads a clock: every function takes ``now`` (an aware datetime), so tests run
quiet hours and digests on a clock they control.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from newswatch.core.catalog import Subscription

RATE_WINDOW = 3600.0  # seconds: max_per_hour counts the messages of the last hour
MIN_DIGEST_INTERVAL = 60  # seconds
_QUIET_RE = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)")


# -- parsing the subscription's fields (validation and decisions share these) ---------------


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ValueError naming it when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name[:60]!r}: use an IANA name such as 'UTC', "
            "'Europe/Paris', 'America/New_York'"
        ) from None


@dataclasses.dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def contains(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # across midnight


def parse_quiet_hours(text: str) -> QuietHours:
    """``"22:00-07:00"`` (local time, may cross midnight); ValueError otherwise."""
    found = _QUIET_RE.fullmatch(text.strip())
    if not found:
        raise ValueError(f'quiet hours are written "HH:MM-HH:MM", like "22:00-07:00"; got {text!r}')
    h1, m1, h2, m2 = (int(part) for part in found.groups())
    if (h1, m1) == (h2, m2):
        raise ValueError(f"quiet hours {text!r} start and end at the same time")
    return QuietHours(time(h1, m1), time(h2, m2))


@dataclasses.dataclass(frozen=True)
class DigestSchedule:
    """Every ``interval`` seconds, or at the times of a cron expression (local time)."""

    interval: int = 0
    cron: str = ""

    def next_after(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """The first digest time after ``moment``."""
        if self.interval:
            return moment + timedelta(seconds=self.interval)
        following: datetime = croniter(self.cron, moment.astimezone(tz)).get_next(datetime)
        return following.astimezone(UTC)


def parse_schedule(text: str, parse_interval: Any) -> DigestSchedule:
    """An interval ("1d", "6h", 3600: ``parse_interval`` reads it) or a five-field cron
    expression ("0 8 * * 1-5"). ValueError saying what is accepted."""
    text = text.strip()
    if len(text.split()) == 5:
        if not croniter.is_valid(text):
            raise ValueError(
                f"{text!r} is not a valid cron expression (minute hour day month "
                "weekday, like '0 8 * * 1-5')"
            )
        return DigestSchedule(cron=text)
    too_short = f"a digest interval is at least {MIN_DIGEST_INTERVAL}s, got {text!r}"
    try:
        seconds = int(parse_interval(text))
    except ValueError as exc:
        if "too short" in str(exc):  # the feed interval's minimum, with a feed's reason
            raise ValueError(too_short) from None
        raise ValueError(
            f"a digest runs on an interval or a cron expression ('0 8 * * *'): {exc}"
        ) from None
    if seconds < MIN_DIGEST_INTERVAL:
        raise ValueError(too_short)
    return DigestSchedule(interval=seconds)


# -- what an alert event tells a subscription -----------------------------------------------


def news_of(subscription: Subscription, *, before: int, after: int) -> str | None:
    """What a subscription hears when a story goes from ``before`` to ``after`` sources
    (``before`` 0: the alert is new): "new" when it reaches ``min_sources`` now, the crossing
    ("sources-N") when a story already sent reaches ``notify_at_sources``, else None (a
    story that gains sources after it was sent is not sent again)."""
    need = max(1, subscription.min_sources)
    if before < need <= after:
        return "new"
    crossing = subscription.notify_at_sources
    if crossing and before >= need and before < crossing <= after:
        return f"sources-{crossing}"
    return None


class Route(enum.StrEnum):
    SEND = "send"  # a message now
    HOLD = "hold"  # kept for the next digest


def route(
    subscription: Subscription,
    topic: str,
    now: datetime,
    *,
    sent_last_hour: int,
    quiet: QuietHours | None,
    tz: ZoneInfo,
) -> tuple[Route, str]:
    """Whether a message for ``topic`` goes out now or waits, and why it waits ("digest",
    "quiet_hours", "rate_cap")."""
    if subscription.mode == "digest":
        return Route.HOLD, "digest"
    if quiet and topic not in subscription.urgent_topics and in_quiet(quiet, now, tz):
        return Route.HOLD, "quiet_hours"
    if subscription.max_per_hour and sent_last_hour >= subscription.max_per_hour:
        return Route.HOLD, "rate_cap"
    return Route.SEND, ""


def in_quiet(quiet: QuietHours, now: datetime, tz: ZoneInfo) -> bool:
    return quiet.contains(now.astimezone(tz).time())


def digest_due(
    subscription: Subscription,
    now: datetime,
    *,
    anchor: datetime,
    held: int,
    sent_last_hour: int,
    quiet: QuietHours | None,
    schedule: DigestSchedule | None,
    tz: ZoneInfo,
) -> bool:
    """Whether the held alerts of a channel go out now as one digest. ``anchor``: the last
    digest (or when the channel was first seen). A digest subscription's period ends on its
    schedule (the caller sends nothing when nothing is held); an instant one sends what it
    held as soon as quiet hours are over and the rate cap allows one more message."""
    if subscription.mode == "digest":
        # the period ends whether or not anything is held: an empty one starts the next
        return schedule is not None and now >= schedule.next_after(anchor, tz)
    if held == 0:
        return False
    if quiet and in_quiet(quiet, now, tz):
        return False
    return not (subscription.max_per_hour and sent_last_hour >= subscription.max_per_hour)


# -- what a digest holds --------------------------------------------------------------------


def digest_sections(alerts: Sequence[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Alerts (JSON dicts) grouped by topic, newest first within a topic; the topic with the
    newest alert first."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for alert in sorted(alerts, key=_when, reverse=True):
        groups.setdefault(str(alert.get("topic", "")), []).append(alert)
    return list(groups.items())


def _when(alert: dict[str, Any]) -> str:
    return str(alert.get("updated_at") or alert.get("created_at") or "")


# -- retrying -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8  # in all, the first included
    base: float = 10.0  # seconds before the first retry
    cap: float = 3600.0  # no wait is longer (a Retry-After beyond it too)


def retry_delay(
    policy: RetryPolicy, attempt: int, *, jitter: float, retry_after: float | None
) -> float:
    """Seconds before attempt ``attempt + 1`` after ``attempt`` failed: growing (x2 each
    time), jittered (``jitter`` in [0, 1) spreads it over 50-150 %), never shorter than the
    receiver's Retry-After, never longer than the cap."""
    grown: float = policy.base * 2.0 ** max(0, attempt - 1)
    delay = grown * (0.5 + jitter)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(max(delay, 0.0), policy.cap)


def permanent_status(status: int) -> bool:
    """A 4xx answer other than 408 (timeout) and 429 (slow down) will not change by itself."""
    return 400 <= status < 500 and status not in (408, 429)
