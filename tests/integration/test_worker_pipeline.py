"""The worker tier end to end on the suite's real Redis: jobs enqueued by path string with rq's
JSON serializer, exactly as the scheduler does, and run by a burst SimpleWorker."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest
import redis
from prometheus_client import REGISTRY
from rq import Queue, SimpleWorker
from rq.job import JobStatus
from rq.serializers import JSONSerializer

from newswatch.config import Settings
from newswatch.core.catalog import Catalog, Topic
from newswatch.core.models import ArticleJob
from newswatch.store import keys
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.pages import put_page
from worker import pipeline
from worker.context import OTHER_TOPICS, WorkerContext

TOPICS = [
    Topic(name="summit", query="(Putin OR Xi) NEAR/10 (summit OR talks OR visit)"),
    Topic(name="icc", query='"arrest warrant" OR (ICC AND warrant*)'),
    Topic(name="sport", query='football OR tennis OR "world cup"'),
    Topic(name="summit-es", query="Putin", languages=("es",)),
]
URL = "https://news.example.com/world/2023/03/putin-xi-new-era?id=7"


@pytest.fixture(scope="module")
def seed(corpora: Path) -> tuple[str, list[str]]:
    """(headline, body paragraphs) of the seed article; its first line is page chrome."""
    paragraphs = [
        p.strip() for p in (corpora / "seed-article.txt").read_text("utf-8").split("\n\n")
    ]
    paragraphs = [p for p in paragraphs if p and p != "Skip to content"]
    body = [p for p in paragraphs[1:] if not p.startswith(("Share this", "globalhappenings"))]
    return paragraphs[0], body[:-1]  # the last one is a "most popular" widget


def news_page(title: str, paragraphs: list[str], *, site: str = "The Daily Planet") -> bytes:
    """A realistic article page: head metadata, navigation, the article, related links,
    newsletter box and footer."""
    esc = html.escape
    body = "\n".join(f"      <p>{esc(p)}</p>" for p in paragraphs)
    related = "".join(
        f'<li><a href="/world/{n}">{esc(t)}</a></li>'
        for n, t in enumerate(
            ["Markets slide as rate fears return", "Ten recipes for a spring weekend"]
        )
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>{esc(title)} | {esc(site)}</title>
  <meta property="og:title" content="{esc(title)}">
  <meta property="og:site_name" content="{esc(site)}">
  <meta name="author" content="Staff reporter">
  <meta property="article:published_time" content="2023-03-17T09:30:00Z">
  <link rel="stylesheet" href="/static/site.css">
  <script>window.dataLayer = window.dataLayer || []; dataLayer.push({{"page": "article"}});</script>
</head>
<body>
  <a class="skip" href="#main">Skip to content</a>
  <header><div class="logo">{esc(site)}</div>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
    <li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav>
  </header>
  <main id="main">
    <article>
      <h1>{esc(title)}</h1>
      <div class="byline">By Staff reporter · 17 March 2023</div>
{body}
    </article>
    <aside class="related"><h2>Related stories</h2><ul>{related}</ul></aside>
    <section class="newsletter"><h2>Get the morning briefing</h2>
      <form><input type="email" placeholder="Your email"><button>Sign up</button></form>
    </section>
  </main>
  <footer><p>© 2023 {esc(site)}. All rights reserved.</p>
    <a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body>
</html>""".encode()


def publish_topics(client: redis.Redis, topics: list[Topic]) -> None:
    CatalogStore(client).apply(Catalog(topics=tuple(topics)), owner="test", prune=True)


def make_job(
    client: redis.Redis,
    article_id: str,
    url: str,
    page: bytes | None,
    *,
    feed_id: str = "feed1",
    title: str = "",
) -> dict[str, Any]:
    """The job dict the scheduler enqueues; ``page`` None leaves the page key unset in Redis
    (an expired page)."""
    page_key = (
        put_page(client, article_id, page, ttl=600) if page is not None else keys.page(article_id)
    )
    return ArticleJob(
        article_id=article_id,
        feed_id=feed_id,
        feed_name=f"Feed {feed_id}",
        url=url,
        item_key=url,
        title=title,
        page_key=page_key,
        queued_at="2023-03-17T09:31:00+00:00",
    ).to_dict()


def run_batch(client: redis.Redis, jobs: list[dict[str, Any]], job_id: str) -> Any:
    queue = Queue(keys.ARTICLE_QUEUE, connection=client, serializer=JSONSerializer)
    job = queue.enqueue("worker.tasks.process_batch", jobs, job_id=job_id)
    SimpleWorker([queue], connection=client, serializer=JSONSerializer).work(burst=True)
    job.refresh()
    assert job.get_status() == JobStatus.FINISHED, job.latest_result()
    return job.return_value()


def sample(name: str, labels: dict[str, str] | None = None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def test_batch_alerts_dedups_and_records_failures(
    redis_client: redis.Redis, seed: tuple[str, list[str]], keep_signal_handlers: None
) -> None:
    title, paragraphs = seed
    publish_topics(redis_client, TOPICS)
    # the same story syndicated: another site's chrome, other whitespace, curly quotes kept
    mirrored = news_page(title, [" ".join(p.split()) + " " for p in paragraphs], site="Mirror")
    jobs = [
        make_job(redis_client, "art-original", URL, news_page(title, paragraphs), title=title),
        make_job(  # same URL via another feed, with tracking parameters and a fragment
            redis_client,
            "art-tracked",
            "https://NEWS.example.com/world/2023/03/putin-xi-new-era?utm_source=rss&id=7&fbclid=x#top",
            news_page(title, paragraphs),
            feed_id="feed2",
        ),
        make_job(redis_client, "art-mirror", "https://mirror.example.org/p/123", mirrored),
        make_job(redis_client, "art-pdf", "https://news.example.com/report.pdf", b"%PDF-1.7\n%"),
        make_job(redis_client, "art-expired", "https://news.example.com/gone", None),
    ]
    before = {
        "extracted": sample("newswatch_articles_processed_total", {"result": "extracted"}),
        "duplicate": sample("newswatch_articles_processed_total", {"result": "duplicate"}),
        "failed": sample("newswatch_articles_processed_total", {"result": "failed"}),
        "not_html": sample("newswatch_extraction_failures_total", {"reason": "not_html"}),
        "expired": sample("newswatch_extraction_failures_total", {"reason": "page_expired"}),
        "summit": sample("newswatch_alerts_created_total", {"topic": "summit"}),
        "extract_n": sample("newswatch_stage_duration_seconds_count", {"stage": "extract"}),
    }

    counts = run_batch(redis_client, jobs, "batch-1")

    # the mirror is an exact copy under another URL: a duplicate, but it joins the story and
    # brings the story's two alerts a second source
    assert counts == {"extracted": 1, "duplicate": 2, "failed": 2, "alerts": 2, "updates": 2}
    alerts = AlertStore(redis_client)
    summit, icc = alerts.list(topic="summit"), alerts.list(topic="icc")
    assert len(summit) == 1 and len(icc) == 1
    assert summit[0].story_id == "art-original"
    assert summit[0].sources == ["news.example.com", "mirror.example.org"]
    assert summit[0].sources_count == 2
    assert alerts.list(topic="sport") == [] and alerts.list(topic="summit-es") == []
    assert summit[0].article["id"] == "art-original"
    assert (
        summit[0].article["canonical_url"]
        == "https://news.example.com/world/2023/03/putin-xi-new-era?id=7"
    )
    assert summit[0].article["source"] == "news.example.com"
    assert summit[0].article["language"] == "en"
    # matched: the words as the article writes them; highlights point into the stored article
    assert icc[0].matched[0] == "arrest warrant" and "ICC" in icc[0].matched
    article = ArticleStore(redis_client).get("art-original")
    assert article is not None
    fields = {"title": article.title, "text": article.text}
    for found in icc[0].highlights:
        assert fields[found["field"]][found["start"] : found["end"]] == found["text"]
    assert {h["text"] for h in icc[0].highlights} >= {"arrest warrant", "ICC"}
    # the snippet shows the found words, marked
    marked = [icc[0].snippet[a:b] for a, b in icc[0].snippet_marks]
    assert marked and {w.lower() for w in marked} <= {"arrest warrant", "icc", "warrant"}
    assert article.title == title
    assert "International Criminal Court" in article.text
    assert "All rights reserved" not in article.text and "Related stories" not in article.text
    assert ArticleStore(redis_client).get("art-tracked") is None
    mirror_copy = ArticleStore(redis_client).get("art-mirror")
    assert mirror_copy is not None and mirror_copy.story_id == "art-original"

    failures = [
        {k.decode(): v.decode() for k, v in fields.items()}
        for _, fields in redis_client.xrange(keys.FAILURES)
    ]
    assert {(f["article_id"], f["reason"]) for f in failures} == {
        ("art-pdf", "not_html"),
        ("art-expired", "page_expired"),
    }
    assert redis_client.exists(*(keys.page(j["article_id"]) for j in jobs)) == 0

    assert (
        sample("newswatch_articles_processed_total", {"result": "extracted"})
        == before["extracted"] + 1
    )
    assert (
        sample("newswatch_articles_processed_total", {"result": "duplicate"})
        == before["duplicate"] + 2
    )
    assert (
        sample("newswatch_articles_processed_total", {"result": "failed"}) == before["failed"] + 2
    )
    assert (
        sample("newswatch_extraction_failures_total", {"reason": "not_html"})
        == before["not_html"] + 1
    )
    assert (
        sample("newswatch_extraction_failures_total", {"reason": "page_expired"})
        == before["expired"] + 1
    )
    assert sample("newswatch_alerts_created_total", {"topic": "summit"}) == before["summit"] + 1
    assert (
        sample("newswatch_stage_duration_seconds_count", {"stage": "extract"})
        == before["extract_n"] + 4  # the URL copy in the same batch was parsed, then claimed
    )

    # a later batch: a copy of a URL claimed earlier is dropped before any parsing
    later = make_job(
        redis_client,
        "art-later",
        URL.replace("?id=7", "?utm_medium=social&id=7"),
        news_page(title, paragraphs),
        feed_id="feed3",
    )
    assert run_batch(redis_client, [later], "batch-2") == {
        "extracted": 0,
        "duplicate": 1,
        "failed": 0,
        "alerts": 0,
        "updates": 0,
    }
    assert (
        sample("newswatch_stage_duration_seconds_count", {"stage": "extract"})
        == before["extract_n"] + 4
    )
    assert AlertStore(redis_client).count() == 2


def test_rerun_after_a_crash_creates_nothing_twice(
    redis_client: redis.Redis, seed: tuple[str, list[str]]
) -> None:
    title, paragraphs = seed
    publish_topics(redis_client, TOPICS)
    context = WorkerContext(redis_client, Settings())
    page = news_page(title, paragraphs)
    job = ArticleJob.from_dict(make_job(redis_client, "art-1", URL, page))

    first = pipeline.process_batch(context, [job])
    put_page(redis_client, "art-1", page, ttl=600)  # the pages of a crashed job are still there
    again = pipeline.process_batch(context, [job])

    # the scheduler re-enqueued it after the first run completed: nothing to do, no failure
    once_more = pipeline.process_batch(context, [job])

    assert first == {"extracted": 1, "duplicate": 0, "failed": 0, "alerts": 2, "updates": 0}
    assert again == {"extracted": 1, "duplicate": 0, "failed": 0, "alerts": 0, "updates": 0}
    assert once_more == {"extracted": 0, "duplicate": 1, "failed": 0, "alerts": 0, "updates": 0}
    assert AlertStore(redis_client).count() == 2
    assert redis_client.xlen(keys.FAILURES) == 0


def test_matcher_follows_the_catalogue(
    redis_client: redis.Redis, seed: tuple[str, list[str]]
) -> None:
    title, paragraphs = seed
    publish_topics(redis_client, TOPICS[:1])
    context = WorkerContext(redis_client, Settings())
    matcher = context.matcher()
    assert context.matcher() is matcher  # unchanged version: no rebuild

    version = context.topics_version
    publish_topics(redis_client, [*TOPICS, Topic(name="ukraine", query="Zelensky")])
    assert context.matcher() is matcher  # updated in place: the new topics compiled only
    assert context.topics_version != version
    assert set(matcher.topics) == {t.name for t in TOPICS} | {"ukraine"}
    job = ArticleJob.from_dict(make_job(redis_client, "art-2", URL, news_page(title, paragraphs)))
    assert pipeline.process_batch(context, [job])["alerts"] == 3
    assert AlertStore(redis_client).topics() == {"summit": 1, "icc": 1, "ukraine": 1}


def test_topics_beyond_the_metric_label_budget_count_under_one_label(
    redis_client: redis.Redis, seed: tuple[str, list[str]]
) -> None:
    title, paragraphs = seed
    publish_topics(redis_client, TOPICS)  # "icc" and "summit" match; "icc" comes first
    context = WorkerContext(redis_client, Settings(topic_metric_labels=1))
    before = {t: sample("newswatch_alerts_created_total", {"topic": t}) for t in TOPIC_LABELS}
    job = ArticleJob.from_dict(make_job(redis_client, "art-m", URL, news_page(title, paragraphs)))
    assert pipeline.process_batch(context, [job])["alerts"] == 2
    after = {t: sample("newswatch_alerts_created_total", {"topic": t}) for t in TOPIC_LABELS}
    assert {t: after[t] - before[t] for t in TOPIC_LABELS} == {
        "icc": 1,
        "summit": 0,
        OTHER_TOPICS: 1,
    }


TOPIC_LABELS = ("icc", "summit", OTHER_TOPICS)


def test_a_pack_topic_is_matched_with_the_pack_query_the_worker_resolves(
    redis_client: redis.Redis, seed: tuple[str, list[str]]
) -> None:
    title, paragraphs = seed
    # stored by a release whose pack query was narrower: the worker matches with today's
    publish_topics(redis_client, [Topic(name="leaders", query="nothingmatches", pack="summits")])
    context = WorkerContext(redis_client, Settings())
    job = ArticleJob.from_dict(make_job(redis_client, "art-p", URL, news_page(title, paragraphs)))
    assert pipeline.process_batch(context, [job])["alerts"] == 1
    assert AlertStore(redis_client).topics() == {"leaders": 1}


def test_an_invalid_url_costs_one_article_only(
    redis_client: redis.Redis, seed: tuple[str, list[str]]
) -> None:
    title, paragraphs = seed
    publish_topics(redis_client, TOPICS)
    context = WorkerContext(redis_client, Settings())
    jobs = [
        ArticleJob.from_dict(
            make_job(redis_client, "bad-url", "mailto:x@example.com", news_page(title, paragraphs))
        ),
        ArticleJob.from_dict(make_job(redis_client, "good", URL, news_page(title, paragraphs))),
    ]
    counts = pipeline.process_batch(context, jobs)
    assert counts == {"extracted": 1, "duplicate": 0, "failed": 1, "alerts": 2, "updates": 0}
    (failure,) = redis_client.xrange(keys.FAILURES)
    assert failure[1][b"stage"] == b"canonicalize"
    assert failure[1][b"reason"] == b"invalid_url"


def test_a_malformed_job_does_not_fail_the_batch(
    redis_client: redis.Redis, seed: tuple[str, list[str]], keep_signal_handlers: None
) -> None:
    title, paragraphs = seed
    publish_topics(redis_client, TOPICS)
    good = make_job(redis_client, "good", URL, news_page(title, paragraphs))
    broken = {"article_id": "broken", "feed_id": "feed9", "url": URL}  # no feed_name, item_key
    counts = run_batch(redis_client, [broken, good], "batch-malformed")
    assert counts == {"extracted": 1, "duplicate": 0, "failed": 1, "alerts": 2, "updates": 0}
    (failure,) = redis_client.xrange(keys.FAILURES)
    assert failure[1][b"reason"] == b"bad_job"
    assert failure[1][b"article_id"] == b"broken"


def test_a_redelivered_article_whose_page_changed_is_not_alerted_twice(
    redis_client: redis.Redis, seed: tuple[str, list[str]]
) -> None:
    """The scheduler re-enqueues an item after a restart (same article id) with its page
    fetched again; news pages change between fetches, so the text, and its fingerprint, too."""
    title, paragraphs = seed
    publish_topics(redis_client, TOPICS)
    context = WorkerContext(redis_client, Settings())
    page = news_page(title, paragraphs)
    first = pipeline.process_batch(
        context, [ArticleJob.from_dict(make_job(redis_client, "art-1", URL, page))]
    )
    updated = news_page(
        title,
        [*paragraphs, "Update, 11:05: the Kremlin said the summit talks would go on tomorrow."],
    )
    again = pipeline.process_batch(
        context, [ArticleJob.from_dict(make_job(redis_client, "art-1", URL, updated))]
    )

    assert first["alerts"] == 2
    assert again["alerts"] == 0
    assert AlertStore(redis_client).count() == 2
    assert redis_client.xlen(keys.FAILURES) == 0


def test_an_article_costs_two_redis_round_trips(
    redis_url: str, seed: tuple[str, list[str]]
) -> None:
    """Counted by the worker's own client: per article the story placement, then the save
    and the alerts in one pipeline; per batch one read (the pages, the URL claims and the
    topic version) and the pages' removal (and the event stream's trim when alerts were
    raised or updated)."""
    from newswatch import metrics
    from newswatch.store.connection import connect

    client = connect(redis_url, client="worker_articles")
    title, paragraphs = seed
    publish_topics(client, TOPICS)
    context = WorkerContext(client, Settings())
    page = news_page(title, paragraphs)
    # a first batch loads the scripts (the first call of each is answered NOSCRIPT)
    first = ArticleJob.from_dict(make_job(client, "art-0", URL, page))
    assert pipeline.process_batch(context, [first])["alerts"] == 2

    trips = metrics.REDIS_ROUND_TRIPS.labels("worker_articles")
    jobs = [
        ArticleJob.from_dict(make_job(client, f"art-{n}", f"{URL}&copy={n}", page))
        for n in range(1, 4)
    ]
    before = trips._value.get()
    counts = pipeline.process_batch(context, jobs)
    assert counts["duplicate"] == 3 and counts["updates"] == 0  # copies of art-0's text
    assert trips._value.get() - before == 2 * len(jobs) + 2
    client.close()


HARBOUR = [
    "The harbour authority said repairs to the northern pier would resume next week.",
    "A winter storm damaged the breakwater in January, and ferries were moved to the south.",
    "Engineers found the foundations sound, though two cranes will have to be replaced.",
    "Fishermen welcomed the news after months of landing their catch at a smaller port.",
]
ORCHARD = [
    "Apple growers in the valley expect a smaller harvest after a late frost in April.",
    "The cooperative said prices would rise, and that some orchards lost half their blossom.",
    "Bees were brought in from the coast to pollinate what survived, at twice the usual cost.",
    "Cider makers plan to buy fruit from the neighbouring province to keep their presses busy.",
]


def test_pages_are_extracted_one_article_ahead_with_the_batch_outcome_unchanged(
    redis_client: redis.Redis, seed: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the sandbox the next sure page is extracted while the worker stores the current
    article; an article off the plan (here one resumed from a run that stopped after its
    placement) has the page in flight dropped and is extracted alone, the dropped one later."""
    from worker.extraction import SandboxedExtractor

    title, paragraphs = seed
    publish_topics(redis_client, TOPICS)
    calls: list[str] = []

    class Recording(SandboxedExtractor):
        def submit(self, html: bytes, **kwargs: Any) -> None:
            calls.append(kwargs["url"].rsplit("/", 1)[-1])
            super().submit(html, **kwargs)

        def collect(self) -> Any:
            calls.append("collect")
            return super().collect()

    extractor = Recording(Settings())
    context = WorkerContext(redis_client, Settings(), extractor=extractor)
    resumed = ArticleJob.from_dict(
        make_job(redis_client, "art-r", "https://b.example/r", news_page("Orchards", ORCHARD))
    )

    def stopped(*args: Any, **kwargs: Any) -> Any:
        raise redis.exceptions.ConnectionError("stopped after the placement")

    try:
        with monkeypatch.context() as patch:  # its URL claimed, then the run stopped
            patch.setattr(context.alerts, "record", stopped)
            with pytest.raises(redis.exceptions.ConnectionError):
                pipeline.process_batch(context, [resumed])
        calls.clear()
        jobs = [
            ArticleJob.from_dict(
                make_job(redis_client, "art-a", URL, news_page(title, paragraphs))
            ),
            resumed,
            ArticleJob.from_dict(make_job(redis_client, "art-x", "https://b.example/x", None)),
            ArticleJob.from_dict(
                make_job(redis_client, "art-b", "https://b.example/b", news_page("Pier", HARBOUR))
            ),
            ArticleJob.from_dict(  # the same URL as art-a: claimed by art-a at its placement
                make_job(redis_client, "art-c", URL, news_page(title, paragraphs))
            ),
        ]
        counts = pipeline.process_batch(context, jobs)
    finally:
        extractor.close()

    assert counts == {"extracted": 3, "duplicate": 1, "failed": 1, "alerts": 2, "updates": 0}
    page_a = URL.rsplit("/", 1)[-1]
    assert calls == [
        page_a, "collect", "b",  # art-a alone, then art-b ahead of it
        "r", "collect",  # art-r off the plan: art-b dropped, art-r alone
        "b", "collect", page_a,  # art-b again, then art-c ahead
        "collect",
    ]  # fmt: skip
    assert not extractor.sandbox.in_flight
    stored = ArticleStore(redis_client)
    assert {a.id for a in stored.get_many(["art-a", "art-r", "art-b"]) if a} == {
        "art-a", "art-r", "art-b"
    }  # fmt: skip
    assert AlertStore(redis_client).topics() == {"summit": 1, "icc": 1}
