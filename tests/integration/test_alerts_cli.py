"""`newswatch alerts` run as a real subprocess against the suite's real Redis."""

from __future__ import annotations

import contextlib
import json
import queue
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import redis

from newswatch.core import neardup
from newswatch.core.models import Alert, Article
from newswatch.core.text import tokenize
from newswatch.store.alerts import AlertStore
from newswatch.store.stories import StoryStore
from tests.support.cli import NEWSWATCH, cli_env, interruptible
from tests.support.stories import HEADLINE, NOW, PARAGRAPHS
from tests.support.stories import make_article as make_story_article

BASE = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
WAIT = 30  # seconds: a generous deadline for a line that is expected, never an assertion


def make_alert(n: int, topic: str = "summits", title: str | None = None) -> Alert:
    return Alert(
        id=Alert.make_id(topic, f"fp{n}"),
        topic=topic,
        created_at=(BASE + timedelta(minutes=n)).isoformat(),
        matched=["summit"],
        snippet=f"... summit {n} ...",
        article={
            "id": f"art{n:04d}",
            "url": f"https://news.example.org/{n}",
            "canonical_url": f"https://news.example.org/{n}",
            "title": title if title is not None else f"Summit story {n}",
            "source": "example.org",
            "published_at": None,
            "language": "en",
        },
    )


def run_cli(args: list[str], redis_url: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSWATCH, "alerts", *args],
        env=cli_env(redis_url),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_json_lines_newest_first_with_topic_and_limit(
    redis_url: str, redis_client: redis.Redis
) -> None:
    store = AlertStore(redis_client)
    alerts = [make_alert(n, "summits" if n % 2 else "warrants") for n in range(5)]
    for alert in alerts:
        store.add(alert)

    result = run_cli(["--json"], redis_url)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in lines] == [a.id for a in reversed(alerts)]
    assert set(lines[0]) == {
        "id", "topic", "created_at", "matched", "snippet", "article", "highlights",
        "snippet_marks", "story_id", "sources_count", "sources", "updated_at", "latest_article",
        "backfilled",
    }  # fmt: skip
    assert lines[0]["article"]["url"] == alerts[4].article["url"]

    result = run_cli(["--json", "--topic", "summits", "--limit", "1"], redis_url)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["id"] for a in lines] == [alerts[3].id]


def test_human_lines_show_topic_title_source_and_url(
    redis_url: str, redis_client: redis.Redis
) -> None:
    AlertStore(redis_client).add(make_alert(1, title="Leaders meet\x1b[31m at summit\n"))
    result = run_cli([], redis_url)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert "  [summits]  " in line
    assert "Leaders meet [31m at summit — example.org  https://news.example.org/1" in line
    assert "\x1b" not in line


def test_no_redis_configured_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(["--data-dir", str(tmp_path)], None)
    assert result.returncode == 2
    assert "NEWSWATCH_REDIS_URL" in result.stderr
    assert str(tmp_path / "redis.url") in result.stderr
    assert "Traceback" not in result.stderr


def test_redis_url_is_found_in_the_data_dir(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    AlertStore(redis_client).add(make_alert(3))
    (tmp_path / "redis.url").write_text(redis_url + "\n")
    result = run_cli(["--json", "--data-dir", str(tmp_path)], None)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == make_alert(3).id


def test_unreachable_redis_is_exit_2_without_traceback() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli([], f"redis://:secret@127.0.0.1:{port}/0")
    assert result.returncode == 2
    assert f"cannot read alerts from Redis at redis://:***@127.0.0.1:{port}/0" in result.stderr
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr


def _pump(pipe: IO[str], lines: queue.Queue[str]) -> threading.Thread:
    """Read lines in a thread, so the test can wait for one with a deadline."""

    def pump() -> None:
        for line in pipe:
            lines.put(line)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread


@contextlib.contextmanager
def _following(args: list[str], redis_url: str) -> Iterator[subprocess.Popen[str]]:
    """``newswatch alerts --follow`` with ``args``, its pipes open; killed if a test fails
    before it ends."""
    with subprocess.Popen(
        interruptible(NEWSWATCH, "alerts", *args, "--follow"),
        env=cli_env(redis_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_follow_prints_alerts_added_after_start(redis_url: str, redis_client: redis.Redis) -> None:
    store = AlertStore(redis_client)
    store.add(make_alert(1))
    with _following(["--json", "--topic", "summits"], redis_url) as process:
        assert process.stdout is not None and process.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        reader = _pump(process.stdout, lines)
        assert json.loads(lines.get(timeout=WAIT))["id"] == make_alert(1).id  # backlog

        store.add(make_alert(2, topic="warrants"))  # another topic: filtered out
        store.add(make_alert(3))
        assert json.loads(lines.get(timeout=WAIT))["id"] == make_alert(3).id

        process.send_signal(signal.SIGINT)  # Ctrl-C ends a follow cleanly
        assert process.wait(timeout=WAIT) == 0
        reader.join(timeout=WAIT)
        assert lines.empty()  # nothing else was printed (the warrants alert was not)
        assert "Traceback" not in process.stderr.read()


def test_follow_shows_a_new_source_of_a_story(redis_url: str, redis_client: redis.Redis) -> None:
    stories, store = StoryStore(redis_client), AlertStore(redis_client)

    def arrive(article: Article) -> None:
        near = neardup.fingerprint(tokenize(article.text))
        story = stories.place(article, near, url_key=article.id, now=NOW).story_id
        alert = Alert(
            id=Alert.make_id("fishing", story),
            topic="fishing",
            created_at="2026-11-28T16:00:00+00:00",
            matched=["fishing"],
            snippet="...",
            article=article.summary(),
            story_id=story,
        )
        store.record(story, [alert], article_id=article.id, at=alert.created_at)

    with _following([], redis_url) as process:
        assert process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        _pump(process.stdout, lines)
        # the first alert is printed as backlog or as an event: either way the follower has
        # its position by then, so the update comes as an event
        arrive(make_story_article("c1", "herald.example", PARAGRAPHS, HEADLINE))
        assert f"[fishing]  {HEADLINE} — herald.example" in lines.get(timeout=WAIT)
        arrive(make_story_article("c2", "courier.example", PARAGRAPHS[1:], "Other title"))
        update = lines.get(timeout=WAIT)
        assert f"[fishing]  +1 source: courier.example (2 sources)  {HEADLINE}" in update
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0


def test_an_empty_list_says_so_with_its_filter(redis_url: str, redis_client: redis.Redis) -> None:
    from newswatch.core.catalog import Topic
    from newswatch.store.catalog import CatalogStore

    CatalogStore(redis_client).add(Topic("summits", "summit"), origin="test")
    shown = run_cli([], redis_url)
    assert (shown.returncode, shown.stdout) == (0, "no alerts yet\n"), shown.stderr
    shown = run_cli(["--topic", "summits"], redis_url)
    assert shown.stdout == "no alerts yet for topic 'summits'\n"
    assert run_cli(["--json"], redis_url).stdout == ""  # JSON lines: no line, no list
    AlertStore(redis_client).add(make_alert(1, topic="summits"))
    assert run_cli(["--limit", "0"], redis_url).stdout == "no alerts shown (--limit 0)\n"


def test_a_limit_out_of_its_range_is_refused_naming_the_option(redis_url: str) -> None:
    from newswatch.alerts_cli import MAX_LIMIT

    for limit in (-1, MAX_LIMIT + 1):
        refused = run_cli(["--limit", str(limit)], redis_url)
        assert refused.returncode == 2 and refused.stdout == ""
        assert "Invalid value for '--limit'" in refused.stderr
    assert run_cli(["--limit", str(MAX_LIMIT)], redis_url).returncode == 0


def test_following_an_empty_list_says_so_on_stderr_and_prints_only_alerts(
    redis_url: str, redis_client: redis.Redis
) -> None:
    with _following([], redis_url) as process:
        assert process.stdout is not None and process.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        notices: queue.Queue[str] = queue.Queue()
        _pump(process.stdout, lines)
        _pump(process.stderr, notices)
        notice = notices.get(timeout=WAIT)
        assert notice == "no alerts yet; waiting for new ones (Ctrl-C stops)\n"
        AlertStore(redis_client).add(make_alert(1))
        assert "Summit story 1" in lines.get(timeout=WAIT)  # the first line on stdout
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
