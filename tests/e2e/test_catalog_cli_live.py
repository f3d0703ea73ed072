"""The catalogue changed from the command line while `newswatch up` runs, found through its
data directory: a feed added from a site's page is polled and alerts, a topic added matches
the next article, a removed topic raises nothing more, all without a restart. Fixtures only
(no shared corpora)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import newswatch
from tests.support.origin import Origin, Route, rss
from tests.support.pages import article_page
from tests.support.up import Up, wait_for

pytestmark = pytest.mark.e2e

LOCAL = {"allow_private_networks": "true", "allowed_ports": "1-65535"}  # the origin's
STORIES = {
    "volcano": (
        "Volcano erupts on remote island, forcing evacuation of three villages",
        [
            "A volcano on the island of Nuevo Arenal erupted before dawn on Tuesday, sending a "
            "column of ash eight kilometres into the sky and forcing the evacuation of three "
            "villages on its northern slopes.",
            "The eruption followed weeks of tremors recorded by the national seismic service, "
            "which had raised its alert level twice since the start of the month.",
            "Flights to the island were suspended while ash fell on the harbour town, and "
            "emergency crews opened shelters in two schools for the evacuated families.",
        ],
    ),
    "glacier": (
        "Alpine glacier melting faster than forecast, survey finds",
        [
            "The Rhone glacier lost more ice this summer than in any year since measurements "
            "began, a survey published by the federal institute for snow research found.",
            "Researchers said the melting had outpaced the forecasts of their own models, "
            "with the tongue of the glacier retreating by more than sixty metres.",
            "Local guides say paths laid out a decade ago now end above bare rock, and the ice "
            "grotto cut into the glacier each spring had to be moved again.",
        ],
    ),
    "glacier2": (
        "Glacier melting exposes a village buried for a century",
        [
            "As the glacier above the valley keeps melting, the walls of a mountain village "
            "abandoned in 1920 have come out of the ice for the first time in living memory.",
            "Historians from the cantonal archive have begun mapping the houses, the chapel "
            "and a mill wheel, racing the autumn snow that will cover them again.",
            "The survey team said the glacier's retreat this year was the second largest on "
            "record, after the heatwave summer two years ago.",
        ],
    ),
}


@pytest.fixture
def origin() -> Iterator[Origin]:
    site = Origin()
    with site.running():
        for key, (title, paragraphs) in STORIES.items():
            site.routes[f"/{key}.html"] = Route(article_page(title, paragraphs))
            feed = rss(key, [{"title": title, "link": site.url(f"/{key}.html"), "guid": key}])
            site.routes[f"/{key}.xml"] = Route(feed, content_type="application/rss+xml")
        site.routes["/"] = Route(
            b'<!doctype html><html><head><link rel="alternate" type="application/rss+xml" '
            b'href="/volcano.xml" title="Volcano news"></head><body>Home</body></html>'
        )
        yield site


def cli(data_dir: Path, *args: str) -> str:
    result = newswatch(*args, "--data-dir", str(data_dir), redis_url=None, **LOCAL)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def topics_alerted(up: Up) -> list[str]:
    return sorted(alert["topic"] for alert in up.get("/api/alerts")["alerts"])


def test_feeds_and_topics_changed_from_the_cli_while_up_runs(
    tmp_path: Path, origin: Origin
) -> None:
    config = tmp_path / "newswatch.yaml"
    config.write_text("topics:\n  - name: volcano\n    query: volcano AND (erupts OR eruption)\n")
    data_dir = tmp_path / "data"
    up = Up(config, data_dir, tmp_path / "up.log")
    try:
        added = cli(data_dir, "feeds", "add", origin.url("/"))
        assert f"added feed volcano <{origin.url('/volcano.xml')}>" in added
        wait_for("the discovered feed polled", lambda: origin.hits("/volcano.xml") >= 1)
        wait_for("its article alerted", lambda: topics_alerted(up) == ["volcano"])

        cli(data_dir, "topics", "add", "glacier", "glacier AND melting")
        assert "glacier" in cli(data_dir, "topics", "list")
        cli(data_dir, "feeds", "add", origin.url("/glacier.xml"), "--no-discover")
        wait_for("the new topic alerted", lambda: topics_alerted(up) == ["glacier", "volcano"])

        cli(data_dir, "topics", "remove", "glacier")
        # a control topic: the next glacier article alerts for it, as a story of its own
        cli(data_dir, "topics", "add", "village", "village AND glacier")
        cli(data_dir, "feeds", "add", origin.url("/glacier2.xml"), "--no-discover")
        wait_for("the control topic alerted", lambda: "village" in topics_alerted(up))
        alerts = up.get("/api/alerts")["alerts"]
        village = [a for a in alerts if a["topic"] == "village"]
        assert village[0]["article"]["url"].endswith("/glacier2.html")
        assert topics_alerted(up) == ["glacier", "village", "volcano"]  # none for glacier again

        feeds = cli(data_dir, "feeds", "list")
        assert feeds.count("ok      ok") == 3, feeds  # every feed polled, healthy
    finally:
        code = up.stop()
    assert code == 0
