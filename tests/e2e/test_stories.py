"""One alert per story, end to end: `newswatch up` with two workers polls three outlets on
three loopback hosts (three publishers) that carry one story with their own headlines and
boilerplate, one with a paragraph removed. The result is one story with three sources and
exactly one alert per matching topic with sources_count 3, and a restart between the copies
changes nothing of that.

Run twice: on a story written for the tests (always), and on the real syndicated seed article
of the shared corpora (marked ``corpora``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import yaml

from newswatch.core.models import AlertEvent
from newswatch.store.alert_events import AlertEvents
from newswatch.store.connection import connect
from tests.support.origin import Origin, Route, rss
from tests.support.pages import article_page, seed_article
from tests.support.stories import (
    HEADLINE,
    PARAGRAPHS,
    TOPICS,
    UNRELATED,
    WARRANT,
    outlet_copies,
)
from tests.support.up import Up, wait_for

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "newswatch.yaml"
HOSTS = ("127.0.0.1", "127.0.0.2", "127.0.0.3")


@dataclasses.dataclass
class Scenario:
    topics: list[dict[str, str]]  # as the configuration file writes them
    matching: set[str]  # the topics the story matches
    copies: list[tuple[str, bytes]]  # (headline, page) per outlet


def written_story() -> Scenario:
    topics = [{"name": name, "query": query} for name, query in TOPICS.items()]
    return Scenario(topics, {"fishing", "summits", "warrants"}, outlet_copies())


def seed_story(corpora: Path) -> Scenario:
    title, paragraphs = seed_article(corpora)
    topics = yaml.safe_load(EXAMPLE.read_text())["topics"]  # the example's: pack topics
    return Scenario(topics, {t["name"] for t in topics}, outlet_copies(title, paragraphs, drop=4))


@pytest.fixture(
    params=[
        pytest.param("written", id="written-story"),
        pytest.param("seed", id="seed-article", marks=pytest.mark.corpora),
    ]
)
def scenario(request: pytest.FixtureRequest) -> Scenario:
    if request.param == "seed":
        return seed_story(request.getfixturevalue("corpora"))
    return written_story()


@pytest.fixture
def outlets(scenario: Scenario) -> Iterator[list[Origin]]:
    with ExitStack() as stack:
        sites = [stack.enter_context(Origin(hosts=(host,)).running()) for host in HOSTS]
        for n, (site, (headline, page)) in enumerate(zip(sites, scenario.copies, strict=True)):
            items = [{"title": headline, "link": site.url(f"/news/{n}.html"), "guid": f"s{n}"}]
            site.routes[f"/news/{n}.html"] = Route(page)
            if n == 0:  # and an article that is no copy of anything
                title, paragraphs = UNRELATED[0]
                site.routes["/local.html"] = Route(article_page(title, paragraphs))
                items.append({"title": title, "link": site.url("/local.html"), "guid": "u"})
            site.routes["/feed.xml"] = Route(
                rss(f"Outlet {n}", items), content_type="application/rss+xml"
            )
        yield sites


def write_config(path: Path, scenario: Scenario, sites: list[Origin]) -> None:
    config = {
        "feeds": [{"url": s.url("/feed.xml"), "name": s.hosts[0], "interval": 600} for s in sites],
        "topics": scenario.topics,
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def test_three_outlets_one_story_one_alert_per_topic_across_a_restart(
    tmp_path: Path, scenario: Scenario, outlets: list[Origin]
) -> None:
    config, data_dir, log = tmp_path / "newswatch.yaml", tmp_path / "data", tmp_path / "up.log"
    one_per_job = {"NEWSWATCH_BATCH_SIZE": "1"}  # each copy its own job: both workers busy

    # two outlets first, two workers at once
    write_config(config, scenario, outlets[:2])
    up = Up(config, data_dir, log, workers=2, extra_env=one_per_job)
    try:
        wait_for("three articles", lambda: up.metric("newswatch_articles_processed_total") >= 3)
        stories = up.get("/api/stories")["stories"]
        (story,) = [s for s in stories if s["sources_count"] > 1]
        assert (
            story["sources"] == sorted(story["sources"], key=HOSTS.index)
            or len(story["sources"]) == 2
        )
        assert set(story["sources"]) == set(HOSTS[:2])
    finally:
        assert up.stop() == 0, log.read_text()[-4000:]

    # a restart, and the third outlet's copy arrives
    write_config(config, scenario, outlets)
    up = Up(config, data_dir, log, workers=2, extra_env=one_per_job)
    try:
        wait_for("the third copy", lambda: up.metric("newswatch_articles_processed_total") >= 1)
        stories = up.get("/api/stories")["stories"]
        (story,) = [s for s in stories if s["sources_count"] > 1]
        assert story["sources_count"] == 3 and set(story["sources"]) == set(HOSTS)
        assert len(stories) == 2  # and the unrelated article's own
        detail = up.get(f"/api/stories/{story['id']}")
        assert len(detail["articles"]) == 3

        alerts = up.get("/api/alerts")["alerts"]
        assert sorted(a["topic"] for a in alerts) == sorted(scenario.matching)
        for alert in alerts:
            assert alert["story_id"] == story["id"]
            assert alert["sources_count"] == 3 and set(alert["sources"]) == set(HOSTS)

        # the event stream: one "created" per topic, the later sources as updates
        client = connect((data_dir / "redis.url").read_text().strip())
        try:
            _, events = AlertEvents(client).read("0-0")
        finally:
            client.close()
        created = sorted(e.topic for e in events if e.kind == "created")
        assert created == sorted(scenario.matching)
        for topic in scenario.matching:
            announced = [s for e in events if e.topic == topic for s in e.new_sources]
            assert sorted(announced) == sorted(HOSTS)
    finally:
        assert up.stop() == 0, log.read_text()[-4000:]


def test_the_written_story_is_not_the_seed() -> None:
    """The in-repository story is text of its own (nothing copied from the corpora)."""
    assert "Putin" not in " ".join(PARAGRAPHS) and "Valdoria" in HEADLINE


def test_three_copies_at_two_workers_at_once_make_one_story_and_one_alert_per_topic(
    tmp_path: Path, scenario: Scenario, outlets: list[Origin]
) -> None:
    """The three outlets from the first poll: their copies are three jobs that two worker
    processes take at once, on one Redis."""
    config, data_dir, log = tmp_path / "newswatch.yaml", tmp_path / "data", tmp_path / "up.log"
    write_config(config, scenario, outlets)
    up = Up(config, data_dir, log, workers=2, extra_env={"NEWSWATCH_BATCH_SIZE": "1"})
    try:
        wait_for("four articles", lambda: up.metric("newswatch_articles_processed_total") >= 4)
        stories = up.get("/api/stories")["stories"]
        assert len(stories) == 2  # the story, and the unrelated article's own
        (story,) = [s for s in stories if s["sources_count"] > 1]
        assert story["sources_count"] == 3 and set(story["sources"]) == set(HOSTS)

        alerts = up.get("/api/alerts")["alerts"]
        assert sorted(a["topic"] for a in alerts) == sorted(scenario.matching)
        for alert in alerts:
            assert alert["story_id"] == story["id"]
            assert alert["sources_count"] == 3 and set(alert["sources"]) == set(HOSTS)
        events = _events(data_dir)
        assert sorted(e.topic for e in events if e.kind == "created") == sorted(scenario.matching)
        for topic in scenario.matching:
            announced = [s for e in events if e.topic == topic for s in e.new_sources]
            assert sorted(announced) == sorted(HOSTS)  # each source announced once
    finally:
        assert up.stop() == 0, log.read_text()[-4000:]


def test_after_a_crash_a_longer_copy_raises_only_the_topic_the_first_ones_missed(
    tmp_path: Path,
) -> None:
    """Two outlets carry the story without its arrest-warrant paragraph; every newswatch
    process is SIGKILLed; after the restart a third outlet carries the whole story. The
    copies seen before the crash raised their topics once; the longer copy adds its source to
    those alerts and raises the warrant topic on the same story, nothing else."""
    short = [p for n, p in enumerate(PARAGRAPHS) if n != WARRANT]
    first, second, _ = outlet_copies(HEADLINE, short)
    third = outlet_copies(HEADLINE, PARAGRAPHS)[2]
    scenario = Scenario(
        [{"name": name, "query": query} for name, query in TOPICS.items()],
        {"fishing", "summits", "warrants"},
        [first, second, third],
    )
    config, data_dir, log = tmp_path / "newswatch.yaml", tmp_path / "data", tmp_path / "up.log"
    with ExitStack() as stack:
        sites = [stack.enter_context(Origin(hosts=(host,)).running()) for host in HOSTS]
        for n, (site, (headline, page)) in enumerate(zip(sites, scenario.copies, strict=True)):
            items = [{"title": headline, "link": site.url(f"/news/{n}.html"), "guid": f"s{n}"}]
            site.routes[f"/news/{n}.html"] = Route(page)
            site.routes["/feed.xml"] = Route(
                rss(f"Outlet {n}", items), content_type="application/rss+xml"
            )

        write_config(config, scenario, sites[:2])
        up = Up(config, data_dir, log, workers=2, extra_env={"NEWSWATCH_BATCH_SIZE": "1"})
        try:
            wait_for("two articles", lambda: up.metric("newswatch_articles_processed_total") >= 2)
            before = _events(data_dir)
        finally:
            up.kill()
        assert sorted(e.topic for e in before if e.kind == "created") == ["fishing", "summits"]

        write_config(config, scenario, sites)
        up = Up(config, data_dir, log, workers=2, extra_env={"NEWSWATCH_BATCH_SIZE": "1"})
        try:
            # (waiting on what it does, not on a count: a job the crash interrupted may run
            # again first, and must change nothing)
            wait_for(
                "the warrant alert",
                lambda: any(a["topic"] == "warrants" for a in up.get("/api/alerts")["alerts"]),
            )
            (story,) = up.get("/api/stories")["stories"]
            assert story["sources_count"] == 3 and set(story["sources"]) == set(HOSTS)
            alerts = {a["topic"]: a for a in up.get("/api/alerts")["alerts"]}
            assert sorted(alerts) == ["fishing", "summits", "warrants"]
            for alert in alerts.values():
                assert alert["story_id"] == story["id"] and alert["sources_count"] == 3
            assert alerts["warrants"]["article"]["url"].endswith("/news/2.html")
            assert alerts["fishing"]["article"]["url"].endswith(("/news/0.html", "/news/1.html"))
            after = _events(data_dir)
        finally:
            assert up.stop() == 0, log.read_text()[-4000:]
    created = [e for e in after if e.kind == "created"]
    assert sorted(e.topic for e in created) == ["fishing", "summits", "warrants"]
    (warrants,) = [e for e in created if e.topic == "warrants"]
    assert warrants.sources_count == 3 and warrants.story_id == story["id"]
    for topic in ("fishing", "summits"):
        announced = [s for e in after if e.topic == topic for s in e.new_sources]
        assert sorted(announced) == sorted(HOSTS)  # the third as an update, once


def _events(data_dir: Path) -> list[AlertEvent]:
    """Every alert event so far, read from the running deployment's Redis."""
    client = connect((data_dir / "redis.url").read_text().strip())
    try:
        _, events = AlertEvents(client).read("0-0")
    finally:
        client.close()
    return events
