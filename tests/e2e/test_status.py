"""`newswatch status` against a running `newswatch up` processing local feeds: one screen with
the processes, the queue, feeds by health with the worst ones, the last hour and the last
alerts; the same as JSON; and from the Redis URL alone, as for any deployment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.origin import Origin, Route, rss
from tests.support.pages import UNRELATED_PARAGRAPHS, UNRELATED_TITLE, article_page
from tests.support.up import Up, wait_for

pytestmark = pytest.mark.e2e

TOPICS = [{"name": "gardens", "query": "allotment OR orchard"}]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Up, Path]]:
    tmp = tmp_path_factory.mktemp("status")
    origin = Origin()
    with origin.running():
        published = format_datetime(datetime.now(UTC) - timedelta(minutes=2), usegmt=True)
        origin.routes["/local/gardens.html"] = Route(
            article_page(UNRELATED_TITLE, UNRELATED_PARAGRAPHS)
        )
        origin.routes["/news.xml"] = Route(
            rss("News", [{"title": UNRELATED_TITLE, "link": origin.url("/local/gardens.html"),
                          "guid": "g1", "pubDate": published}]),
            content_type="application/rss+xml",
        )  # fmt: skip
        origin.routes["/broken.xml"] = Route(b"<html><body>gone</body></html>")
        config = tmp / "newswatch.yaml"
        config.write_text(
            yaml.safe_dump({
                "feeds": [{"url": origin.url("/news.xml"), "name": "news", "interval": 600},
                          {"url": origin.url("/broken.xml"), "name": "broken", "interval": 600}],
                "topics": TOPICS,
            })
        )  # fmt: skip
        data_dir = tmp / "data"
        up = Up(config, data_dir, tmp / "up.log")
        try:
            wait_for("an alert", lambda: up.get("/api/alerts")["alerts"])
            wait_for(
                "the broken feed failing",
                lambda: up.feeds()["broken.xml"].get("last_status") == "error",
            )
            yield up, data_dir
        finally:
            up.stop()


def status(up: Up, *args: str) -> str:
    env = {**os.environ, "NEWSWATCH_API_PORT": str(up.port)}
    env.pop("NEWSWATCH_REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "status", *args],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_status_shows_the_deployment_on_one_screen(running: tuple[Up, Path]) -> None:
    up, data_dir = running
    screen = status(up, "--data-dir", str(data_dir))
    lines = screen.splitlines()
    assert len(lines) <= 40, "one screen"
    assert "1 scheduler alive" in screen and "1 worker alive" in screen
    assert "newswatch-articles: 0 queued" in screen
    assert "Deliveries  0 dead letters" in screen
    assert "Feeds       2: 1 ok, 0 slow, 1 failing, 0 parked" in screen
    worst = lines[lines.index("  worst") + 1]
    assert "failing" in worst and "broken" in worst
    assert "Last hour   1 alerts" in screen
    assert "Freshness   published -> alerted: p50" in screen
    assert "Since start" in screen and "1 extracted" in screen
    assert UNRELATED_TITLE in screen.split("Last alerts")[1]


def test_status_as_json_from_the_redis_url_alone(running: tuple[Up, Path]) -> None:
    up, data_dir = running
    url = (data_dir / "redis.url").read_text().strip()
    report: dict[str, Any] = json.loads(status(up, "--redis-url", url, "--json"))
    assert report["processes"] == {"scheduler": 1, "worker": 1}
    assert report["feeds"]["by_health"]["failing"] == 1
    assert report["feeds"]["worst"][0]["name"] == "broken"
    assert report["last_hour"]["alerts"] == 1
    assert report["last_hour"]["measured"] == 1
    assert 0 < report["last_hour"]["freshness"]["p50"] < 3600
    assert report["last_alerts"][0]["title"] == UNRELATED_TITLE


def test_status_says_when_redis_is_not_there(tmp_path: Path) -> None:
    from newswatch.embedded_redis import free_port

    done = subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "status", "--redis-url",
         f"redis://127.0.0.1:{free_port()}/0"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "cannot read Redis" in done.stderr
