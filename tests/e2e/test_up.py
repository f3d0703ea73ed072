"""The real thing: `newswatch up` in a subprocess (embedded Redis, scheduler, worker, API)
polls feeds served on 127.0.0.1 and alerts through /api/alerts."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from newswatch.embedded_redis import free_port
from tests.support.origin import Origin, Route, rss
from tests.support.pages import UNRELATED_PARAGRAPHS, UNRELATED_TITLE, article_page, seed_article

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "newswatch.yaml"
EXAMPLE_TOPICS = {"summits", "arrest-warrants", "arms-deliveries"}
DEADLINE = 120.0  # seconds; generous because CI machines are slow, never asserted


def wait_for(what: str, probe: Callable[[], Any], deadline: float = DEADLINE) -> Any:
    """Poll until probe() returns something truthy; fail naming what we waited for."""
    end = time.monotonic() + deadline
    last_error: Exception | None = None
    while time.monotonic() < end:
        try:
            value = probe()
            if value:
                return value
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            last_error = exc
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what} (last error: {last_error!r})")


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


class Up:
    """A running `newswatch up` and a client for its API."""

    def __init__(self, config: Path, data_dir: Path, log: Path) -> None:
        self.port = free_port()
        env = dict(os.environ)
        env.pop("NEWSWATCH_REDIS_URL", None)
        env.update(
            NEWSWATCH_API_PORT=str(self.port),
            NEWSWATCH_ALLOW_PRIVATE_NETWORKS="true",  # the origin is on 127.0.0.1
            NEWSWATCH_BATCH_LINGER="0.1",
        )
        self.log = log
        self._log_file = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newswatch.cli", "up", "--config", str(config),
             "--workers", "1", "--data-dir", str(data_dir)],
            env=env, stdout=self._log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        wait_for("/healthz", lambda: self._alive() and self.http.get("/healthz").status_code == 200)

    def _alive(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"newswatch up exited early:\n{self.log.read_text()[-4000:]}")
        return True

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def feeds(self) -> dict[str, dict[str, Any]]:
        return {f["url"].rsplit("/", 1)[-1]: f for f in self.get("/api/feeds")["feeds"]}

    def metric(self, name: str, **labels: str) -> float:
        text = self.http.get("/metrics").text
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            if all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def descendants(self) -> list[int]:
        """Pids of every process below `newswatch up` (children start their own sessions,
        so walk parent links in /proc)."""
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                parents[int(entry.name)] = ppid
        found, frontier = [], [self.process.pid]
        while frontier:
            pid = frontier.pop()
            kids = [p for p, pp in parents.items() if pp == pid]
            found += kids
            frontier += kids
        return found

    def stop(self) -> int:
        self.http.close()
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(60)
        finally:
            self._log_file.close()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


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
