"""The catalogue is live data: with `newswatch up` running on a local origin, a topic added
through the API (with the token `up` wrote) alerts on the next new article without a restart,
a feed added through the CLI is polled at once, a removed topic raises nothing more while a
topic added beside it does, and `apply` of the running file twice changes nothing (and keeps
what the API and CLI wrote). Fixtures from the repository only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.origin import Origin, Route, rss
from tests.support.pages import article_page
from tests.support.stories import HEADLINE, PARAGRAPHS, UNRELATED
from tests.support.up import Up, wait_for

pytestmark = pytest.mark.e2e

GARDENS, RAIL = UNRELATED
LOOPBACK = {"NEWSWATCH_ALLOW_PRIVATE_NETWORKS": "true", "NEWSWATCH_ALLOWED_PORTS": "1-65535"}


@pytest.fixture
def origin() -> Iterator[Origin]:
    site = Origin()
    with site.running():
        for name, (title, paragraphs) in {
            "rail": RAIL, "fishing": (HEADLINE, PARAGRAPHS), "gardens": GARDENS,
        }.items():  # fmt: skip
            page = f"/{name}/story.html"
            site.routes[page] = Route(article_page(title, paragraphs, canonical=site.url(page)))
            site.routes[f"/{name}.xml"] = Route(
                rss(name.title(), [{"title": title, "link": site.url(page), "guid": name}]),
                content_type="application/rss+xml",
            )
        yield site


def cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(LOOPBACK)
    return subprocess.run(
        [sys.executable, "-m", "newswatch.cli", *args, "--data-dir", str(data_dir)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def alerts_of(up: Up, topic: str) -> list[dict[str, Any]]:
    alerts: list[dict[str, Any]] = up.get("/api/alerts", limit=500)["alerts"]
    return [a for a in alerts if a["topic"] == topic]


def test_topics_and_feeds_change_while_it_runs(tmp_path: Path, origin: Origin) -> None:
    config = tmp_path / "newswatch.yaml"
    data_dir = tmp_path / "data"
    config.write_text(
        yaml.safe_dump(
            {
                "feeds": [{"url": origin.url("/rail.xml"), "name": "rail"}],
                "topics": [{"name": "sport", "query": "football OR tennis"}],
            }
        )
    )
    up = Up(config, data_dir, tmp_path / "up.log")
    try:
        wait_for("the rail article processed", lambda: up.get("/api/articles")["count"] == 1)
        auth = {"Authorization": f"Bearer {(data_dir / 'api-token').read_text().strip()}"}
        topic = {"name": "live", "query": "(fishing AND accord) OR allotment*"}
        assert up.http.post("/api/topics", json=topic).status_code == 401  # no token
        started = time.monotonic()
        added = up.http.post("/api/topics", json=topic, headers=auth)
        assert added.status_code == 201, added.text

        feed = cli("feeds", "add", origin.url("/fishing.xml"), data_dir=data_dir)
        assert feed.returncode == 0, feed.stderr
        (alert,) = wait_for(
            "the fishing story alerted for the new topic", lambda: alerts_of(up, "live")
        )
        took = time.monotonic() - started
        print(f"topic added -> alert on the next new article: {took:.1f}s")
        assert alert["article"]["title"] == HEADLINE
        assert origin.hits("/fishing.xml") >= 1  # polled without a restart

        # the running file applied twice changes nothing and keeps what the API and CLI wrote
        for _ in range(2):
            applied = cli("apply", "--config", str(config), data_dir=data_dir)
            assert applied.returncode == 0, applied.stderr
            assert "nothing to change" in applied.stdout
            assert "2 items the file does not list kept" in applied.stdout
        assert {t["name"] for t in up.get("/api/topics")["topics"]} >= {"sport", "live"}

        # remove the topic and add another: the next article alerts for the new one only
        assert up.http.delete("/api/topics/live", headers=auth).status_code == 200
        gardening = {"name": "gardening", "query": "allotment*"}
        assert up.http.post("/api/topics", json=gardening, headers=auth).status_code == 201
        added_feed = up.http.post(
            "/api/feeds", json={"url": origin.url("/gardens.xml")}, headers=auth
        )
        assert added_feed.status_code == 201, added_feed.text
        wait_for("the gardens story alerted", lambda: alerts_of(up, "gardening"))
        # the gardens article matches the removed topic's query: it raised nothing for it
        assert [a["article"]["title"] for a in alerts_of(up, "live")] == [HEADLINE]
        assert up.get("/api/articles")["count"] == 3
    finally:
        code = up.stop()
    assert code == 0, (tmp_path / "up.log").read_text()[-4000:]
