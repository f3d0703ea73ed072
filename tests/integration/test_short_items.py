"""Short items are matched, not dropped: a page with little text is matched on its title, the
feed's summary and that text; only an item with none of them fails. Through the real
scheduler (fetcher, local origin) and the real worker pipeline on the suite's Redis."""

from __future__ import annotations

import gzip
import html
from pathlib import Path

import pytest
import redis

from newswatch.core.catalog import Topic
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.failures import read_failures
from tests.support.flow import flow_settings, poll_and_process
from tests.support.origin import Origin, Route, rss
from tests.support.pages import article_page

TOPICS = [
    Topic(name="summits", query="summit OR summits"),
    Topic(name="trade", query='"trade tariffs"'),
]
TEASER = "Leaders arrived on Thursday evening. Subscribe to read the full story."


def serve(origin: Origin, items: list[dict[str, str]]) -> None:
    for item in items:
        item["link"] = origin.url(item["link"])
    origin.routes["/feed.xml"] = Route(rss("news", items), content_type="application/rss+xml")


def test_short_pages_are_matched_on_title_and_summary_and_empty_ones_fail(
    redis_client: redis.Redis, redis_url: str
) -> None:
    origin = Origin()
    # two teasers with the same page text: their titles keep them apart
    origin.routes["/venice"] = Route(article_page("Leaders meet", [TEASER]))
    origin.routes["/osaka"] = Route(article_page("Leaders meet", [TEASER]))
    # a script-rendered page (no text, no title) and no title or summary in the feed
    origin.routes["/blank"] = Route(
        b"<html><head><script src='/app.js'></script></head>"
        b"<body><div id='root'></div></body></html>"
    )
    items = [
        {
            "title": "LEADERS GATHER AT VENICE SUMMIT",
            "link": "/venice",
            "guid": "venice",
            "description": "Trade tariffs top the agenda of the two-day meeting.",
        },
        {"title": "Leaders gather in Osaka", "link": "/osaka", "guid": "osaka"},
        {"title": "", "link": "/blank", "guid": "blank"},
    ]
    with origin.running():
        serve(origin, items)
        jobs, counts = poll_and_process(
            redis_client, flow_settings(redis_url), origin.url("/feed.xml"), TOPICS
        )

    assert (counts["extracted"], counts["duplicate"], counts["failed"]) == (2, 0, 1), counts
    assert counts["alerts"] == 2, counts
    by_key = {job.item_key: job for job in jobs}
    assert by_key["venice"].summary == "Trade tariffs top the agenda of the two-day meeting."
    alerts = AlertStore(redis_client)
    (summit,) = alerts.list(topic="summits")
    (trade,) = alerts.list(topic="trade")  # words found only in the feed's summary
    assert summit.article["id"] == trade.article["id"] == by_key["venice"].article_id
    assert "trade tariffs" in trade.snippet.lower()
    article = ArticleStore(redis_client).get(by_key["venice"].article_id)
    assert article is not None
    assert TEASER in article.text
    assert article.text.endswith("\n\nTrade tariffs top the agenda of the two-day meeting.")
    osaka = ArticleStore(redis_client).get(by_key["osaka"].article_id)
    assert osaka is not None and TEASER in osaka.text
    assert osaka.fingerprint != article.fingerprint

    (failure,) = read_failures(redis_client)
    assert (failure["article_id"], failure["reason"]) == (by_key["blank"].article_id, "empty")
    assert "nothing to match" in failure["message"]


@pytest.mark.corpora
def test_a_real_page_under_the_minimum_is_matched_on_its_feed_summary(
    redis_client: redis.Redis, redis_url: str, corpora: Path
) -> None:
    """A real news page (443 characters of text) under a raised minimum: the feed's summary
    joins its text, and a topic found only in the summary alerts."""
    path = corpora / "article-extraction-benchmark" / "html"
    real = next(path.glob("e372e42c*.html.gz"))  # jpost.com, a breaking-news brief
    origin = Origin()
    origin.routes["/berlin"] = Route(gzip.decompress(real.read_bytes()))
    summary = "Leaders at the Venice summit sent their condolences to the family."
    items = [
        {
            "title": "Son of former German president stabbed to death",
            "link": "/berlin",
            "guid": "berlin",
            "description": html.escape(summary),
        }
    ]
    with origin.running():
        serve(origin, items)
        jobs, counts = poll_and_process(
            redis_client,
            flow_settings(redis_url, min_text_chars=1000),
            origin.url("/feed.xml"),
            TOPICS,
        )

    assert (counts["extracted"], counts["failed"], counts["alerts"]) == (1, 0, 1), counts
    article = ArticleStore(redis_client).get(jobs[0].article_id)
    assert article is not None
    assert "Weizsäcker" in article.text
    assert article.text.endswith(summary)
    (alert,) = AlertStore(redis_client).list(topic="summits")
    assert alert.article["id"] == jobs[0].article_id
