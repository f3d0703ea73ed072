"""The real thing: `newswatch up` in a subprocess (embedded Redis, scheduler, worker, API)
polls feeds served on 127.0.0.1 and alerts through /api/alerts."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.origin import Origin, Route, rss
from tests.support.pages import UNRELATED_PARAGRAPHS, UNRELATED_TITLE, article_page, seed_article
from tests.support.up import Up, alive, wait_for

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "newswatch.yaml"
EXAMPLE_TOPICS = {"summits", "arrest-warrants", "arms-deliveries"}


@pytest.fixture
def origin(corpora: Path) -> Iterator[Origin]:
    title, paragraphs = seed_article(corpora)
    site = Origin()
    with site.running():
        seed_url = site.url("/world/putin-xi-new-era.html")
        site.routes["/world/putin-xi-new-era.html"] = Route(
            article_page(title, paragraphs, canonical=seed_url)
        )
        site.routes["/local/gardens.html"] = Route(
            article_page(UNRELATED_TITLE, UNRELATED_PARAGRAPHS)
        )
        site.routes["/world.xml"] = Route(
            rss(
                "World",
                [
                    {"title": title, "link": seed_url, "guid": "world-1"},
                    {
                        "title": UNRELATED_TITLE,
                        "link": site.url("/local/gardens.html"),
                        "guid": "world-2",
                    },
                    {"title": "Gone", "link": site.url("/world/deleted.html"), "guid": "world-3"},
                ],
            ),
            content_type="application/rss+xml",
        )
        # a wire feed carrying the same story, with tracking parameters on the link
        site.routes["/wire.xml"] = Route(
            rss(
                "Wire",
                [
                    {
                        "title": title,
                        "guid": "wire-77",
                        "link": seed_url + "?utm_source=rss&utm_medium=feed",
                    }
                ],
            ),
            content_type="application/rss+xml",
        )
        site.routes["/mirror.xml"] = Route(
            rss("Mirror", [{"title": title, "link": seed_url, "guid": "mirror-1"}]),
            content_type="application/rss+xml",
        )
        site.routes["/broken.xml"] = Route(
            b"<html><head><title>Oops</title></head><body><p>Database error</p></body></html>",
            content_type="text/html",
        )
        yield site


def write_config(path: Path, origin: Origin, feeds: list[str]) -> None:
    example = yaml.safe_load(EXAMPLE.read_text())
    config = {
        "feeds": [{"url": origin.url(f), "name": f.strip("/"), "interval": 600} for f in feeds],
        "topics": example["topics"],
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def test_feeds_in_alerts_out_once_per_story_across_restarts(tmp_path: Path, origin: Origin) -> None:
    config = tmp_path / "newswatch.yaml"
    data_dir = tmp_path / "data"
    log = tmp_path / "up.log"
    write_config(config, origin, ["/world.xml", "/wire.xml", "/broken.xml"])

    up = Up(config, data_dir, log)
    try:
        # every feed polled: the broken one shows a specific error, the others are fine
        feeds = wait_for(
            "all three feeds polled",
            lambda: (f := up.feeds()) and all(s.get("last_polled_at") for s in f.values()) and f,
        )
        assert feeds["broken.xml"]["last_status"] == "error"
        assert re.search(r"not a feed|html", feeds["broken.xml"]["last_error"], re.I)
        assert feeds["world.xml"]["last_status"] == "ok"
        assert feeds["wire.xml"]["last_status"] == "ok"

        # the seed story alerts once for each of the three example topics
        alerts = wait_for(
            "alerts for all example topics",
            lambda: (
                (a := up.get("/api/alerts")["alerts"])
                and {x["topic"] for x in a} >= EXAMPLE_TOPICS
                and a
            ),
        )
        # both copies of the story (world + wire) and the unrelated article are through
        wait_for(
            "three articles processed", lambda: up.metric("newswatch_articles_processed_total") >= 3
        )
        alerts = up.get("/api/alerts")["alerts"]
        assert sorted(a["topic"] for a in alerts) == sorted(EXAMPLE_TOPICS)
        seed_path = "/world/putin-xi-new-era.html"
        for alert in alerts:
            # the first copy processed is the story (either feed's): its canonical URL is clean
            assert alert["article"]["canonical_url"].endswith(seed_path)
            assert "Putin" in alert["article"]["title"]
            assert alert["matched"] and alert["snippet"]
            assert set(alert) >= {"id", "topic", "created_at", "matched", "snippet", "article"}
            assert set(alert["article"]) >= {
                "id", "url", "canonical_url", "title", "source", "published_at", "language",
            }  # fmt: skip
        assert up.metric("newswatch_articles_processed_total", result="duplicate") == 1
        assert up.metric("newswatch_articles_processed_total", result="extracted") == 2
        # the 404 page was fetched, reported, and did not stop the rest
        assert origin.hits("/world/deleted.html") >= 1
        assert up.metric("newswatch_pages_fetched_total", result="error") >= 1
        failures = up.get("/api/failures")["failures"]
        assert any("404" in f["message"] for f in failures)
        # the article behind an alert is served whole
        article = up.get(f"/api/articles/{alerts[0]['article']['id']}")
        assert "International Criminal Court" in article["text"]
        # the CLI prints the same alerts
        cli = subprocess.run(
            [sys.executable, "-m", "newswatch.cli", "alerts", "--json", "--data-dir",
             str(data_dir)],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        assert len(cli.stdout.strip().splitlines()) == 3

        children = up.descendants()
        assert len(children) >= 4  # redis, scheduler, worker, api
    finally:
        code = up.stop()
    assert code == 0, log.read_text()[-4000:]
    leftovers = [pid for pid in children if alive(pid)]
    assert not leftovers, f"processes left running after stop: {leftovers}"

    # restart on the same data directory, with one more feed carrying the same story
    write_config(config, origin, ["/world.xml", "/wire.xml", "/broken.xml", "/mirror.xml"])
    world_hits = origin.hits("/world.xml")
    up = Up(config, data_dir, log)
    try:
        wait_for("the new feed polled", lambda: up.feeds()["mirror.xml"].get("last_polled_at"))
        wait_for(
            "the mirrored copy processed",
            lambda: up.metric("newswatch_articles_processed_total") >= 1,
        )
        assert up.metric("newswatch_articles_processed_total", result="duplicate") == 1
        assert len(up.get("/api/alerts")["alerts"]) == 3
        # feeds polled before the restart keep their schedule instead of being hit again
        assert origin.hits("/world.xml") == world_hits
    finally:
        code = up.stop()
    assert code == 0, log.read_text()[-4000:]
