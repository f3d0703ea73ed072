"""The subscription model: its validation (shared by the file, the API and the CLI) and the
pure decisions of delivery on a clock the test sets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswatch.core.catalog import Subscription
from newswatch.core.channels import channel_kind, redact_channel
from newswatch.core.delivery import (
    DigestSchedule,
    RetryPolicy,
    Route,
    digest_due,
    parse_quiet_hours,
    permanent_status,
    retry_delay,
    route,
    zone,
)
from newswatch.core.validate import check_subscription, validate_subscription

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def _problems(**fields: object) -> dict[str, str]:
    _, problems = check_subscription({"name": "s", "topics": ["t"], **fields})
    return {".".join(map(str, p.loc)): p.message for p in problems}


def test_every_field_is_checked_with_a_reason() -> None:
    problems = _problems(
        mode="weekly",
        timezone="Mars/Olympus",
        quiet_hours="22-7",
        max_per_hour=-1,
        min_sources=0,
        channels=["https://hooks.example.com/x"],
        webhook_secrets=["hunter2"],
    )
    assert "mode must be 'instant' or 'digest'" in problems["mode"]
    assert "unknown time zone 'Mars/Olympus'" in problems["timezone"]
    assert 'written "HH:MM-HH:MM"' in problems["quiet_hours"]
    assert "0 to 3600" in problems["max_per_hour"]
    assert "1 to 10000" in problems["min_sources"]
    assert "whsec_" in problems["webhook_secrets.0"]


def test_fields_that_only_make_sense_together() -> None:
    assert "needs a schedule" in _problems(mode="digest")["digest"]
    assert "only applies with mode" in _problems(digest="1d")["digest"]
    assert "set quiet_hours too" in _problems(urgent_topics=["t"])["urgent_topics"]
    assert (
        "not one of this subscription's topics"
        in _problems(quiet_hours="22:00-07:00", urgent_topics=["x"])["urgent_topics.0"]
    )
    assert "signed" in _problems(channels=["https://hooks.example.com/x"])["webhook_secrets"]
    assert "only used by https://" in _problems(webhook_secrets=[SECRET])["webhook_secrets"]
    assert "above min_sources" in _problems(min_sources=3, notify_at_sources=3)["notify_at_sources"]
    assert "at least 60s" in _problems(mode="digest", digest="30s")["digest"]
    assert "cron" in _problems(mode="digest", digest="61 * * * *")["digest"]


def test_a_full_subscription_round_trips_and_shows_no_secret() -> None:
    sub = validate_subscription(
        {
            "name": "desk",
            "topics": ["trade", "war"],
            "channels": ["https://hooks.example.com/p/T0K3N", "mailto://me:pw@smtp.example.com"],
            "mode": "digest",
            "digest": "0 8 * * 1-5",
            "timezone": "Europe/Paris",
            "quiet_hours": "22:00-07:00",
            "urgent_topics": ["war"],
            "max_per_hour": 10,
            "min_sources": 2,
            "notify_at_sources": 5,
            "webhook_secrets": [SECRET],
        }
    )
    assert Subscription.from_dict(sub.to_dict()) == sub
    shown = str(sub.public_dict())
    assert "T0K3N" not in shown and "pw" not in shown and SECRET not in shown
    assert sub.public_dict()["channels"] == [
        "https://hooks.example.com/***",
        "mailto://***@smtp.example.com",
    ]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("slack://T1/B2/C3", "slack://***"),
        ("tgram://123456:ABC-def/987", "tgram://***"),
        ("ntfy://ntfy.example.com/secret-topic", "ntfy://ntfy.example.com/***"),
        ("json://127.0.0.1:8080/path?token=x", "json://127.0.0.1:8080/***"),
        ("no scheme at all", "***"),
    ],
)
def test_redaction_hides_every_token(url: str, shown: str) -> None:
    assert redact_channel(url) == shown


def test_channel_kinds_are_a_bounded_label() -> None:
    assert channel_kind("https://x.example/h") == "webhook"
    assert channel_kind("mailtos://x") == "mailtos"
    assert channel_kind("json://x") == "json"


def _at(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(UTC)


def test_quiet_hours_in_the_subscribers_time_zone_with_urgent_topics() -> None:
    sub = validate_subscription(
        {
            "name": "s",
            "topics": ["t", "war"],
            "quiet_hours": "22:00-07:00",
            "timezone": "America/New_York",
            "urgent_topics": ["war"],
        }
    )
    quiet, tz = parse_quiet_hours(sub.quiet_hours), zone(sub.timezone)
    night = _at("2027-01-15T03:30:00+00:00")  # 22:30 in New York
    day = _at("2027-01-15T13:00:00+00:00")  # 08:00 in New York
    assert route(sub, "t", night, sent_last_hour=0, quiet=quiet, tz=tz) == (
        Route.HOLD,
        "quiet_hours",
    )
    assert route(sub, "war", night, sent_last_hour=0, quiet=quiet, tz=tz)[0] is Route.SEND
    assert route(sub, "t", day, sent_last_hour=0, quiet=quiet, tz=tz)[0] is Route.SEND
    common = {"anchor": night, "sent_last_hour": 0, "quiet": quiet, "schedule": None, "tz": tz}
    assert not digest_due(sub, night, held=2, **common)  # type: ignore[arg-type]
    assert digest_due(sub, day, held=2, **common)  # type: ignore[arg-type]
    assert not digest_due(sub, day, held=0, **common)  # type: ignore[arg-type]


def test_rate_cap_holds_the_rest_until_the_hour_allows_one_more() -> None:
    sub = validate_subscription({"name": "s", "topics": ["t"], "max_per_hour": 2})
    now = _at("2027-01-15T12:00:00+00:00")
    args = {"quiet": None, "tz": zone("UTC")}
    assert route(sub, "t", now, sent_last_hour=1, **args)[0] is Route.SEND  # type: ignore[arg-type]
    assert route(sub, "t", now, sent_last_hour=2, **args) == (Route.HOLD, "rate_cap")  # type: ignore[arg-type]


def test_cron_digests_follow_the_local_clock() -> None:
    schedule = DigestSchedule(cron="0 8 * * *")
    paris = zone("Europe/Paris")
    after = schedule.next_after(_at("2027-07-01T06:30:00+00:00"), paris)  # 08:30 in Paris
    assert after == _at("2027-07-02T06:00:00+00:00")  # 08:00 summer time is 06:00 UTC
    sub = validate_subscription(
        {"name": "s", "topics": ["t"], "mode": "digest", "digest": "0 8 * * *"}
    )
    anchor = _at("2027-07-01T06:30:00+00:00")
    kwargs = {
        "anchor": anchor,
        "held": 0,
        "sent_last_hour": 0,
        "quiet": None,
        "schedule": schedule,
        "tz": paris,
    }
    assert not digest_due(sub, _at("2027-07-02T05:59:00+00:00"), **kwargs)  # type: ignore[arg-type]
    assert digest_due(sub, _at("2027-07-02T06:00:00+00:00"), **kwargs)  # type: ignore[arg-type]


def test_retries_grow_with_jitter_and_honour_retry_after() -> None:
    policy = RetryPolicy(attempts=5, base=10, cap=600)
    assert retry_delay(policy, 1, jitter=0.5, retry_after=None) == 10
    assert retry_delay(policy, 3, jitter=0.5, retry_after=None) == 40
    assert retry_delay(policy, 3, jitter=0.0, retry_after=None) == 20
    assert retry_delay(policy, 3, jitter=0.99, retry_after=None) == pytest.approx(59.6)
    assert retry_delay(policy, 1, jitter=0.5, retry_after=120) == 120
    assert retry_delay(policy, 1, jitter=0.5, retry_after=10_000) == 600
    assert retry_delay(policy, 20, jitter=0.5, retry_after=None) == 600


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (404, True), (410, True), (408, False), (429, False), (500, False)],
)
def test_which_answers_are_permanent(status: int, permanent: bool) -> None:
    assert permanent_status(status) is permanent
