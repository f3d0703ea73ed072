"""The one validation of each catalogue type, as the API and the CLI use it: problems located
by field, with the position in a query and a hint."""

from __future__ import annotations

import pytest

from newswatch.core.catalog import Feed, Subscription, Topic
from newswatch.core.problems import InvalidInput
from newswatch.core.validate import (
    check_feed,
    check_subscription,
    check_topic,
    validate_feed,
    validate_subscription,
    validate_topic,
)


def test_a_valid_item_of_each_kind() -> None:
    assert validate_feed({"url": "https://a.example/rss", "interval": "15m"}) == Feed(
        url="https://a.example/rss", interval=900
    )
    assert validate_topic({"name": "t", "query": "a OR b", "languages": ["EN"]}) == Topic(
        name="t", query="a OR b", languages=("en",)
    )
    assert validate_subscription({"name": "desk", "topics": ["t"]}) == Subscription(
        name="desk", topics=("t",)
    )


def test_a_query_fault_has_its_field_position_and_hint() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_topic({"name": "t", "query": "summit AND"})
    (problem,) = caught.value.problems
    assert problem.loc == ("query",)
    assert problem.position == 7
    assert problem.hint
    assert problem.to_dict() == {
        "field": "query",
        "message": problem.message,
        "position": 8,
        "offset": 7,
        "hint": problem.hint,
    }
    assert f"at position 8 ({problem.hint})" in problem.message


def test_every_problem_of_an_item_at_once() -> None:
    topic, problems = check_topic({"name": "Bad", "query": "", "languages": ["en", "english"]})
    assert topic is None
    assert [p.loc for p in problems] == [("name",), ("query",), ("languages", 1)]
    feed, problems = check_feed({"url": "ftp://x", "fetch_pages": "no", "colour": 1})
    assert feed is None
    assert [p.loc for p in problems] == [("colour",), ("url",), ("fetch_pages",)]
    assert problems[0].message.startswith("unknown key 'colour'; allowed here: url, name")
    assert problems[2].message == "expected true or false, got a string ('no')"


def test_not_a_mapping() -> None:
    _, (problem,) = check_feed(["https://a.example/rss"])
    assert problem.loc == ()
    assert problem.message == (
        "expected a mapping with keys url, name, interval, fetch_pages, got a list"
    )


def test_channels_are_accepted_and_checked_by_the_delivery_tier() -> None:
    seen = []

    def apprise_check(url: str) -> str | None:
        seen.append(url)
        return "apprise does not understand this URL" if url.startswith("bogus") else None

    good, problems = check_subscription(
        {"name": "desk", "topics": ["t"], "channels": ["mailto://me@example.org"]},
        channels=apprise_check,
    )
    assert good is not None and problems == []
    _, (problem,) = check_subscription(
        {"name": "desk", "topics": ["t"], "channels": ["bogus://x/y"]}, channels=apprise_check
    )
    assert problem.loc == ("channels", 0)
    assert problem.message == "apprise does not understand this URL: bogus://***"
    assert seen == ["mailto://me@example.org", "bogus://x/y"]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1:8000/rss", "loopback"),
        ("http://localhost/feed", "loopback"),
        ("http://[::1]/feed", "loopback"),
        ("http://192.168.1.20/rss", "private"),
    ],
)
def test_a_feed_on_the_local_network_is_a_warning(url: str, kind: str) -> None:
    feed, (warning,) = check_feed({"url": url})
    assert feed is not None
    assert warning.severity == "warning"
    assert f"is a {kind} address" in warning.message
    assert "allow_private_networks" in warning.message


def test_a_public_feed_has_no_warning() -> None:
    assert check_feed({"url": "https://news.example.org/rss"})[1] == []


def test_pack_references_are_resolved_when_packs_are_given() -> None:
    packs = {"summits": ("summit AND president", ("en",))}
    topic = validate_topic({"name": "s", "pack": "summits"}, packs=packs.get)
    assert topic == Topic(name="s", query="summit AND president", languages=("en",), pack="summits")
    with pytest.raises(InvalidInput, match="no topic 'nope' in the topic pack"):
        validate_topic({"name": "s", "pack": "nope"}, packs=packs.get)
    with pytest.raises(InvalidInput, match="unknown key 'pack'"):
        validate_topic({"name": "s", "pack": "summits"})  # no packs: no such field
    with pytest.raises(InvalidInput, match="give either query or pack, not both"):
        validate_topic({"name": "s", "pack": "summits", "query": "x"}, packs=packs.get)
