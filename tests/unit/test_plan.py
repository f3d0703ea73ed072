"""The plan of an apply: who owns what, and how each change is printed."""

from __future__ import annotations

from newswatch.core.catalog import Catalog, Feed, Topic
from newswatch.core.plan import Stored, describe_change, plan_apply

FILE = "file:/etc/newswatch.yaml"
T = Topic(name="t", query="a")


def test_changes_are_described_for_people() -> None:
    stored = {
        "topic": {
            "t": Stored(T, FILE),
            "api-made": Stored(Topic(name="api-made", query="x"), "api"),
        },
        "feed": {
            Feed(url="https://a.example/rss").id: Stored(Feed(url="https://a.example/rss"), FILE)
        },
    }
    desired = Catalog(
        feeds=(Feed(url="https://b.example/rss", name="B"),),
        topics=(Topic(name="t", query="a OR b", languages=("en",)),),
    )
    plan = plan_apply(stored, desired, owner=FILE)
    lines = sorted(describe_change(change) for change in plan.changes)
    assert lines == [
        "+ feed B <https://b.example/rss>",
        "- feed https://a.example/rss (written by file:/etc/newswatch.yaml)",
        "~ topic t (query a -> a OR b, languages '' -> en)",
    ]
    assert [entry.item.key for entry in plan.kept] == ["api-made"]
    assert plan.problems == ()
