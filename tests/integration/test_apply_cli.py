"""`newswatch apply` as a subprocess against the suite's Redis: what it prints, that twice
is a no-op, what a file owns, --dry-run and --prune."""

from __future__ import annotations

from pathlib import Path

import redis

from newswatch.core.catalog import Subscription, Topic
from newswatch.store.catalog import CatalogStore
from tests.support.cli import newswatch

FIRST = """\
feeds:
  - url: https://a.example/rss
    name: A
topics:
  - name: summits
    query: summit AND president
subscriptions:
  - name: desk
    topics: [summits]
"""
SECOND = """\
feeds:
  - url: https://a.example/rss
    name: A
    interval: 1h
topics:
  - name: summits
    query: summit AND president
"""


def test_apply_twice_then_change_then_prune(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text(FIRST)
    first = newswatch("apply", "--config", str(path), redis_url=redis_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "+ feed A <https://a.example/rss>",
        "+ topic summits",
        "+ subscription desk",
        "3 added",
    ]
    again = newswatch("apply", "--config", str(path), redis_url=redis_url)
    assert again.stdout.splitlines() == ["nothing to change"]
    store = CatalogStore(redis_client)
    assert store.version() == 1

    store.add(Topic(name="ukraine", query="Zelensky"), origin="api")
    path.write_text(SECOND)
    dry = newswatch("apply", "--config", str(path), "--dry-run", redis_url=redis_url)
    assert dry.stdout.splitlines() == [
        "~ feed A <https://a.example/rss> (interval unset -> 3600)",
        f"- subscription desk (written by file:{path.resolve()})",
        "dry run, nothing written: 1 changed, 1 removed; 1 item the file does not list kept "
        "(written through the API or CLI; --prune removes them)",
    ]
    assert store.version() == 2
    applied = newswatch("apply", "--config", str(path), redis_url=redis_url)
    assert applied.returncode == 0
    assert [s.name for s in store.subscriptions()] == []
    assert [t.name for t in store.topics()] == ["summits", "ukraine"]

    pruned = newswatch("apply", "--config", str(path), "--prune", redis_url=redis_url)
    assert pruned.stdout.splitlines() == ["- topic ukraine (written by api)", "1 removed"]


def test_an_invalid_file_writes_nothing(tmp_path: Path, redis_url: str) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text("topics:\n  - name: t\n    query: summit AND\n")
    result = newswatch("apply", "--config", str(path), redis_url=redis_url)
    assert result.returncode == 2
    assert f"{path}:3: topics[0].query: nothing to search for after AND" in result.stderr


def test_an_inconsistent_result_is_refused(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text("topics:\n  - name: t\n    query: summit\n")
    assert newswatch("apply", "--config", str(path), redis_url=redis_url).returncode == 0
    store = CatalogStore(redis_client)
    store.add(Subscription(name="desk", topics=("t",)), origin="api")
    path.write_text("topics: []\n")
    result = newswatch("apply", "--config", str(path), redis_url=redis_url)
    assert result.returncode == 2
    assert "unknown topic 't'" in result.stderr
    assert "not applied" in result.stderr
    assert [t.name for t in store.topics()] == ["t"]


def test_no_redis_says_how_to_get_one(tmp_path: Path) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text("topics: []\n")
    result = newswatch(
        "apply", "--config", str(path), "--data-dir", str(tmp_path / "nothing"), redis_url=None
    )
    assert result.returncode == 2
    assert "no Redis configured" in result.stderr
