"""Trying queries before saving them, on real stored articles (the shared corpora's ECB+ news
reports): ``topics test`` and ``topics backtest`` from the command line and over HTTP, and
``?backfill=DAYS`` raising alerts for articles stored before the topic existed."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import redis

from newswatch.api.app import create_app
from newswatch.api.auth import AccessPolicy
from newswatch.config import Settings
from newswatch.core.alerting import article_document
from newswatch.core.models import Article
from newswatch.core.query import explain
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from tests.support.api import serve
from tests.support.cli import newswatch
from tests.support.origin import Origin, Route
from tests.support.pages import article_page
from tests.support.stored import corpus_articles, store_articles
from tests.support.stories import HEADLINE, PARAGRAPHS

TOKEN = "t0ken-for-the-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
NOW = datetime.now(UTC)


@pytest.fixture
def stored(corpora: Path, redis_client: redis.Redis) -> list[Article]:
    articles = corpus_articles(corpora, now=NOW, days=30)
    store_articles(redis_client, articles)
    return articles


@pytest.fixture
def api(redis_client: redis.Redis) -> Iterator[httpx.Client]:
    policy = AccessPolicy(TOKEN, reads_open=True, token_hint="set a token")
    app = create_app(redis_client, settings=Settings(), policy=policy)
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as client:
        yield client


def in_window(articles: list[Article], days: int) -> list[Article]:
    since = NOW.timestamp() - days * 86400
    return [a for a in articles if datetime.fromisoformat(a.extracted_at).timestamp() >= since]


def matching(articles: list[Article], query: str, days: int) -> list[Article]:
    """What the query matches among the articles stored in the last ``days`` days, by the
    explanation (the reference evaluator), independently of the backtest's reading."""
    return [a for a in in_window(articles, days) if explain(query, article_document(a)).matched]


def test_backtest_counts_every_match_per_day_over_a_month(
    api: httpx.Client, stored: list[Article]
) -> None:
    query = "earthquake OR quake"
    expected = matching(stored, query, 30)
    assert len(expected) > 20  # the corpus reports several earthquakes

    response = api.post("/api/topics/backtest", json={"query": query, "days": 30})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["matches"] == len(expected)
    assert report["articles"] == len(stored)
    by_day = Counter(a.extracted_at[:10] for a in expected)
    assert {d["day"]: d["matches"] for d in report["per_day"] if d["matches"]} == by_day
    assert sum(d["articles"] for d in report["per_day"]) == len(stored)
    newest = sorted(expected, key=lambda a: a.extracted_at, reverse=True)[:10]
    assert [s["id"] for s in report["sample"]] == [a.id for a in newest]
    assert all(s["matched"] for s in report["sample"])


def test_backtest_reads_only_the_window(api: httpx.Client, stored: list[Article]) -> None:
    query = "police"
    report = api.post("/api/topics/backtest", json={"query": query, "days": 7}).json()
    assert report["matches"] == len(matching(stored, query, 7))
    assert report["articles"] < len(stored)
    assert len(report["per_day"]) == 8  # the seven days back and today


def test_topics_test_explains_a_near_miss_on_a_stored_article(
    stored: list[Article], redis_url: str
) -> None:
    lohan = stored[1]
    assert lohan.title == "Lindsay Lohan checks into Betty Ford Center"
    miss = newswatch(
        "topics", "test", "Lohan NEAR/3 rehabilitation", "--article", lohan.id, redis_url=redis_url
    )
    assert miss.returncode == 1, miss.stderr
    assert miss.stdout.startswith("NO MATCH: Lohan NEAR/3 rehabilitation")
    assert (
        "missed: Lohan and rehabilitation both occur, but at best 12 words apart in the text "
        "(at most 3 allowed)" in miss.stdout
    )
    assert 'found "rehabilitation" (rehabilitation) in text at 60-74' in miss.stdout

    hit = newswatch(
        "topics", "test", "Lohan NEAR/15 rehabilitation", "--article", lohan.id,
        redis_url=redis_url,
    )  # fmt: skip
    assert hit.returncode == 0, hit.stderr
    assert hit.stdout.startswith("MATCH:")
    assert "matched words: Lohan, rehabilitation" in hit.stdout
    assert lohan.text[60:74] == "rehabilitation"


def test_topics_test_on_text_shows_positions_and_lint_warnings(tmp_path: Path) -> None:
    text = "The court issued an arrest warrant for the former president on Friday."
    result = newswatch(
        "topics", "test", '"arrest warrant" and president', "--text", text, "--json",
        redis_url=None,
    )  # fmt: skip
    assert result.returncode == 1  # "and" is a word here, absent from the text
    body = json.loads(result.stdout)
    assert body["matched"] is False
    assert body["failed"] == ["and does not occur in the title or the text"]
    (warning,) = body["warnings"]
    assert (warning["field"], warning["position"], warning["severity"]) == ("query", 18, "warning")
    assert "write AND" in warning["hint"]
    found = {(f["text"], f["start"], f["end"]) for f in body["found"]}
    assert ("arrest warrant", 20, 34) in found

    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Warrant</title></head><body><article><h1>Warrant issued</h1>"
        + "<p>The court issued an arrest warrant for the former president on Friday. " * 5
        + "</p></article></body></html>"
    )
    fromfile = newswatch("topics", "test", '"arrest warrant"', "--file", str(page), redis_url=None)
    assert fromfile.returncode == 0, fromfile.stderr
    assert "matched words: arrest warrant" in fromfile.stdout


def test_invalid_queries_are_refused_with_their_position(
    api: httpx.Client, stored: list[Article], redis_url: str
) -> None:
    bad = {"query": "summit AND (president OR", "text": "x"}
    tested = api.post("/api/topics/test", json=bad)
    assert tested.status_code == 422
    as_topic = api.post("/api/topics", json={"name": "s", "query": bad["query"]}, headers=AUTH)
    assert as_topic.status_code == 422
    assert tested.json()["problems"] == as_topic.json()["problems"]  # exactly the same 422
    (problem,) = tested.json()["problems"]
    assert (problem["field"], problem["position"], problem["offset"]) == ("query", 23, 22)
    backtested = api.post("/api/topics/backtest", json={"query": bad["query"]})
    assert backtested.status_code == 422
    assert backtested.json()["problems"] == as_topic.json()["problems"]

    cli = newswatch("topics", "backtest", bad["query"], "--days", "3", redis_url=redis_url)
    assert cli.returncode == 2
    assert "at position 23" in cli.stderr
    assert "\n" + " " * (4 + 22) + "^" in cli.stderr  # under the OR

    unknown = api.post("/api/topics/test", json={"query": "x", "txt": "y"})
    assert unknown.status_code == 422
    assert "did you mean 'text'" in unknown.json()["error"]
    assert api.post("/api/topics/test", json={"query": "x"}).status_code == 422
    missing = api.post("/api/topics/test", json={"query": "x", "article": "nope"})
    assert missing.status_code == 404
    assert api.post("/api/topics/backtest", json={"query": "x", "days": 0}).status_code == 422


def test_cli_backtest_prints_days_and_newest_titles(stored: list[Article], redis_url: str) -> None:
    expected = matching(stored, "earthquake", 30)
    result = newswatch(
        "topics", "backtest", "earthquake", "--days", "30", "--sample", "3", redis_url=redis_url
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{len(expected)} of {len(stored)} articles matched")
    newest = sorted(expected, key=lambda a: a.extracted_at, reverse=True)[:3]
    titles = [line for line in lines if line.startswith("  ") and " — " in line]
    assert [t.split(" — ")[0].strip() for t in titles] == [a.title for a in newest]


def test_backfill_raises_alerts_once_for_stored_articles(
    api: httpx.Client, stored: list[Article], redis_client: redis.Redis
) -> None:
    query = "earthquake"
    expected = matching(stored, query, 10)
    topic = {"name": "quakes", "query": query}
    refused = api.post("/api/topics?backfill=0", json=topic, headers=AUTH)
    assert refused.status_code == 400
    assert "backfill" in refused.json()["error"]

    created = api.post("/api/topics?backfill=10", json=topic, headers=AUTH)
    assert created.status_code == 201, created.text
    assert created.json()["backfill"] == {
        "days": 10,
        "articles": len(in_window(stored, 10)),
        "matched": len(expected),
        "created": len(expected),
    }
    alerts = api.get("/api/alerts", params={"topic": "quakes", "limit": 500}).json()["alerts"]
    assert sorted(a["article"]["id"] for a in alerts) == sorted(a.id for a in expected)
    assert all(a["backfilled"] is True for a in alerts)

    again = api.put("/api/topics/quakes?backfill=10", json={}, headers=AUTH)
    assert again.status_code == 200
    assert again.json()["backfill"]["created"] == 0  # one alert per story and topic
    assert AlertStore(redis_client).count("quakes") == len(expected)


def test_cli_topics_add_backfills(stored: list[Article], redis_url: str) -> None:
    expected = matching(stored, "earthquake", 10)
    added = newswatch(
        "topics", "add", "quakes", "earthquake", "--backfill", "10", redis_url=redis_url
    )
    assert added.returncode == 0, added.stderr
    assert (
        f"backfill: {len(expected)} of {len(in_window(stored, 10))} articles stored in the "
        f"last 10 days match; {len(expected)} alerts raised (backfilled)" in added.stdout
    )
    listed = newswatch(
        "alerts", "--topic", "quakes", "--json", "--limit", "500", redis_url=redis_url
    )
    alerts = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(alerts) == len(expected)
    assert all(a["backfilled"] for a in alerts)


def test_topics_test_on_a_page_fetched_from_its_url() -> None:
    site = Origin()
    with site.running():
        site.routes["/story.html"] = Route(article_page(HEADLINE, PARAGRAPHS))
        url = site.url("/story.html")
        refused = newswatch(
            "topics", "test", "fishing", "--url", url, redis_url=None, allowed_ports="1-65535"
        )
        assert refused.returncode == 2
        assert "allow_private_networks" in refused.stderr  # the refusal names the setting
        fetched = newswatch(
            "topics", "test", '"fishing accord" AND title:Valdoria', "--url", url,
            redis_url=None, allow_private_networks="true", allowed_ports="1-65535",
        )  # fmt: skip
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.startswith('MATCH: "fishing accord" AND title:Valdoria')
    assert 'found "Valdoria" (Valdoria) in title at 0-8' in fetched.stdout


def test_articles_stored_before_the_time_index_are_indexed_once(
    stored: list[Article], redis_client: redis.Redis
) -> None:
    redis_client.delete(keys.ARTICLES_BY_TIME)  # as a release before the index left them
    store = ArticleStore(redis_client)
    assert list(store.window(0)) == []
    assert store.index_unindexed() == len(stored)
    assert sum(len(batch) for batch in store.window(0)) == len(stored)
    assert store.index_unindexed() == 0  # the index is there: nothing to do


def test_api_test_on_a_page_fetched_from_its_url(redis_client: redis.Redis) -> None:
    settings = Settings(allow_private_networks=True, allowed_ports="1-65535")
    policy = AccessPolicy(TOKEN, reads_open=True, token_hint="set a token")
    site = Origin()
    with site.running():
        site.routes["/story.html"] = Route(article_page(HEADLINE, PARAGRAPHS))
        site.routes["/gone.html"] = Route(b"gone", status=404)
        app = create_app(redis_client, settings=settings, policy=policy)
        with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as api:
            body = {"query": "fishing ONEAR/2 accord", "url": site.url("/story.html")}
            tested = api.post("/api/topics/test", json=body)
            gone = api.post("/api/topics/test", json={**body, "url": site.url("/gone.html")})
    assert tested.status_code == 200, tested.text
    result = tested.json()
    assert result["matched"] is True
    assert {h["text"] for h in result["highlights"]} >= {"fishing", "accord"}
    assert gone.status_code == 422
    assert gone.json()["problems"][0]["field"] == "url"
    assert "404" in gone.json()["problems"][0]["message"]
