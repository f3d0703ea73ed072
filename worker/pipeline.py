"""One batch of articles through the CPU tier.

:func:`process_article` reads like the pipeline, one function per stage:

    canonical URL -> copy of a claimed URL? -> already processed? -> page -> extract
    -> build article -> fingerprint -> place in a story (copies of a claimed URL stop here)
    -> save and alert (one per story and topic: a copy updates the story's alerts)

An article costs two Redis round trips: the story placement script, then the article's save
and the alerts script in one pipeline (the save first, as if sent alone).

Extraction runs one article ahead (:class:`_Ahead`): as soon as an article's page is
extracted, the next page that will surely need it goes to the extraction sandbox, which works
on it while this process places, matches and stores the article.

Each stage either hands its value to the next or ends the article with an :class:`Outcome`
(extracted, duplicate or failed, with the stage and reason of a failure). The batch around it
reads its pages, the known URLs and the catalogue's topic version in one round trip, and drops
the pages at the end. A page is decompressed when its turn comes, not all at the batch's
start: the first one goes to the extractor at once, each other one when it is sent.

One bad article never fails the batch: it is recorded in the failure stream and counted.
Only a Redis outage propagates, so rq marks the job failed and its pages (kept until the
batch is done, or their TTL) are still there for a retry. Every write is idempotent for a
given article id, so re-running a batch after a crash creates nothing twice.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import redis

from newswatch import freshness, metrics
from newswatch.core import neardup
from newswatch.core.alerting import alerts_of, article_document
from newswatch.core.errors import NewswatchError
from newswatch.core.extract import Extracted
from newswatch.core.fingerprint import url_key, words_fingerprint
from newswatch.core.item_text import ItemText, dedup_words, item_text
from newswatch.core.language import language_code
from newswatch.core.models import Article, ArticleJob
from newswatch.core.query import MatchDocument, TopicMatcher
from newswatch.core.urls import canonical_url, source_of_canonical
from newswatch.logs import bound, get_logger
from newswatch.store.pages import decode_page, drop_pages, stored_pages_on
from newswatch.store.stories import Placement
from worker.context import WorkerContext

log = get_logger(__name__)


class Result(enum.StrEnum):
    """What became of an article, as counted in metrics.ARTICLES_PROCESSED."""

    EXTRACTED = "extracted"
    DUPLICATE = "duplicate"
    FAILED = "failed"


# failures at these stages mean "no text from this page" (metrics.EXTRACTION_FAILURES)
_EXTRACTION_STAGES = frozenset({"load", "extract"})


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The end of one article's way through the pipeline. A failure names its stage and
    reason (recorded in the failure log, never retried); ``alerts`` counts new alerts,
    ``updates`` the alerts whose story it brought new sources."""

    result: Result
    alerts: int = 0
    updates: int = 0
    stage: str = ""
    reason: str = ""
    message: str = ""

    @classmethod
    def extracted(cls, alerts: tuple[int, int], *, copy: bool = False) -> Outcome:
        """An article stored and alerted; ``copy``: an exact copy of another (counted as a
        duplicate, though it joins the story)."""
        result = Result.DUPLICATE if copy else Result.EXTRACTED
        return cls(result, alerts=alerts[0], updates=alerts[1])

    @classmethod
    def duplicate(cls) -> Outcome:
        return cls(Result.DUPLICATE)

    @classmethod
    def failed(cls, stage: str, reason: str, message: str) -> Outcome:
        return cls(Result.FAILED, stage=stage, reason=reason, message=message)

    @property
    def no_text(self) -> bool:
        """A failure that means the page gave no text (counted as an extraction failure)."""
        return self.result is Result.FAILED and self.stage in _EXTRACTION_STAGES


@dataclasses.dataclass(frozen=True)
class _Located:
    """The job's URL in canonical form and its publisher domain."""

    canonical: str
    source: str


class _timed:
    """Times a stage into metrics.STAGE_SECONDS. A class with its labelled series looked up
    once per stage, not a generator-based context manager: it is entered about ten times per
    article, and that halves what each costs."""

    __slots__ = ("_series", "_start")
    _by_stage: ClassVar[dict[str, Any]] = {}

    def __init__(self, stage: str) -> None:
        series = self._by_stage.get(stage)
        if series is None:
            series = self._by_stage[stage] = metrics.STAGE_SECONDS.labels(stage)
        self._series = series
        self._start = 0.0

    def __enter__(self) -> None:
        self._start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._series.observe(time.perf_counter() - self._start)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def process_batch(context: WorkerContext, jobs: list[ArticleJob]) -> dict[str, int]:
    """Process ``jobs``; returns counts by result (extracted, duplicate, failed), the number
    of new alerts (``alerts``) and of alerts updated with new sources (``updates``)."""
    counts: collections.Counter[str] = collections.Counter({r.value: 0 for r in Result})
    counts["alerts"] = counts["updates"] = 0
    with _timed("job"):
        page_keys = sorted({job.page_key for job in jobs if job.page_key})
        canonicals = {job.article_id: _canonical_or_none(job.url) for job in jobs}
        pages, url_holders, stamp = _batch_reads(
            context, page_keys, sorted({url for url in canonicals.values() if url is not None})
        )
        matcher = context.matcher(stamp)
        work = []  # each job with its page, canonical URL and that URL's holder
        for job in jobs:
            canonical = canonicals[job.article_id]
            holder = url_holders.get(canonical) if canonical is not None else None
            work.append((job, pages.get(job.page_key) if job.page_key else None, canonical, holder))
        # the pages sure to be extracted: a valid URL nobody claimed, a page still there
        planned = [(j, p) for j, p, c, u in work if p is not None and c and u is None]
        ahead = _Ahead(context, planned)
        try:
            for job, page, canonical, url_holder in work:
                html = page.html if page is not None else None
                outcome = _guarded(context, matcher, ahead, job, html, canonical, url_holder)
                if outcome.result is Result.FAILED:
                    _record_failure(context, job, outcome)
                metrics.ARTICLES_PROCESSED.labels(outcome.result.value).inc()
                counts[outcome.result.value] += 1
                counts["alerts"] += outcome.alerts
                counts["updates"] += outcome.updates
        finally:
            ahead.drop()
        drop_pages(context.client, page_keys)
        if counts["alerts"] or counts["updates"]:
            context.events.trim()
    return dict(counts)


class _Page:
    """A page as stored (compressed), decompressed when first asked for: the batch's first
    page goes to the extractor without waiting for the others, each of which is decompressed
    when it is sent (:meth:`_Ahead._start`, once the page before it is back)."""

    __slots__ = ("_html", "_stored")

    def __init__(self, stored: bytes) -> None:
        self._stored = stored
        self._html: bytes | None = None

    @property
    def html(self) -> bytes:
        if self._html is None:
            self._html = decode_page(self._stored)
        return self._html


def _batch_reads(
    context: WorkerContext, page_keys: list[str], canonical_urls: list[str]
) -> tuple[dict[str, _Page | None], dict[str, str | None], tuple[str, int]]:
    """The batch's reads in one round trip: its pages (None: expired), which article holds
    each canonical URL, and the catalogue's topic stamp (for the matcher)."""
    pipe = context.client.pipeline(transaction=False)
    stored = stored_pages_on(pipe, page_keys)
    holders = context.articles.url_holders_on(pipe, canonical_urls)
    stamp = context.catalog.stamp_on(pipe, "topic")
    replies = iter(pipe.execute())
    pages = {k: (_Page(v) if v is not None else None) for k, v in stored(replies).items()}
    return pages, holders(replies), stamp(replies)


def _guarded(
    context: WorkerContext,
    matcher: TopicMatcher,
    ahead: _Ahead,
    job: ArticleJob,
    html: bytes | None,
    canonical: str | None,
    url_holder: str | None,
) -> Outcome:
    """:func:`process_article`, with a bug turned into a recorded failure of this article
    alone. A Redis error propagates: Redis is gone, the whole job fails and rq says so."""
    with bound(article_id=job.article_id, feed_id=job.feed_id):
        try:
            outcome = process_article(context, matcher, job, html, canonical, url_holder, ahead)
        except redis.exceptions.RedisError:
            raise
        except Exception as exc:  # a bug must not cost the rest of the batch
            log.exception("article failed unexpectedly")
            return Outcome.failed("pipeline", "internal", f"{type(exc).__name__}: {exc}")
        if outcome.result is not Result.FAILED:  # failures have their own line
            log.info("article", result=outcome.result.value, alerts=outcome.alerts,
                     updates=outcome.updates)  # fmt: skip
        return outcome


def _record_failure(context: WorkerContext, job: ArticleJob, outcome: Outcome) -> None:
    log.info(
        "article failed", article_id=job.article_id, feed_id=job.feed_id, stage=outcome.stage,
        reason=outcome.reason, error=outcome.message,
    )  # fmt: skip
    if outcome.no_text:
        metrics.EXTRACTION_FAILURES.labels(outcome.reason).inc()
    context.articles.record_failure(
        outcome.stage, outcome.reason, job.article_id, job.feed_id, outcome.message
    )


def _canonical_or_none(url: str) -> str | None:
    try:
        return canonical_url(url)
    except NewswatchError:
        return None  # _locate records why


def process_article(
    context: WorkerContext,
    matcher: TopicMatcher,
    job: ArticleJob,
    html: bytes | None,
    canonical: str | None,
    url_holder: str | None,
    ahead: _Ahead | None = None,
) -> Outcome:
    """One article, stage by stage. ``canonical`` is the job URL's canonical form, computed
    for the whole batch (None when the URL is invalid); ``url_holder`` is the article that
    had claimed this URL when the batch started; ``html`` is its page (None: expired);
    ``ahead``: the batch's extractions (None: this article's page is extracted alone)."""
    located = _locate(job, canonical)
    if isinstance(located, Outcome):
        return located
    if url_holder is not None and url_holder != job.article_id:
        log.debug("duplicate by URL", of=url_holder)
        return Outcome.duplicate()
    if url_holder == job.article_id:
        resumed = _resume(context, matcher, job, html)
        if resumed is not None:
            return resumed
    if html is None:
        return _missing_page(job)

    extracted = _extract(context, job, html, ahead or _Ahead(context, []))
    if isinstance(extracted, Outcome):
        return extracted
    extracted_at = time.time()
    freshness.extracted(job, extracted_at)
    article = _build_article(job, extracted, located)
    content = _item_text(context, job, article)
    if isinstance(content, Outcome):
        return content
    article = dataclasses.replace(article, text=content.text)
    with _timed("match"):
        # tokenised once: the same words make the fingerprint and feed the matcher
        document = article_document(article)  # its feed_name is the job's

    # a short item is told apart by its title too: teasers share their boilerplate text
    words = dedup_words(document.title.tokens, document.text.tokens, short=content.short)
    placed = _place(context, _fingerprinted(article, words), words)
    if isinstance(placed, Outcome):
        return placed
    article, placement = placed
    # saved in the alerts' round trip, ahead of them (as a save then an alert would be)
    created, updated = _alert(context, matcher, article, document, save=True)
    freshness.alerted(job, extracted_at, created, time.time())
    return Outcome.extracted((created, updated), copy=placement.status == "exact")


def _locate(job: ArticleJob, canonical: str | None) -> _Located | Outcome:
    with _timed("dedup"):
        try:
            # the batch found the URL invalid: ask again for the reason, to record it
            canonical = canonical or canonical_url(job.url)
        except NewswatchError as exc:
            return Outcome.failed("canonicalize", exc.reason, exc.message)
        return _Located(canonical, source_of_canonical(canonical))


def _resume(
    context: WorkerContext, matcher: TopicMatcher, job: ArticleJob, html: bytes | None
) -> Outcome | None:
    """This article claimed its URL in an earlier run. Finish from what that run left, or
    None to process the page as new (the run stopped between claim and save)."""
    if html is None:
        # delivered again (the scheduler re-enqueues after a crash) and already done:
        # the first run claimed the URL and dropped the page
        log.debug("already processed")
        return Outcome.duplicate()
    stored = context.articles.get(job.article_id)
    if stored is None:
        return None
    # run before (a retried batch, or re-enqueued by a restarted scheduler with the page
    # fetched again): finish from the stored article, not from the page, whose text may have
    # changed since and would make a second alert under a new fingerprint
    log.debug("already extracted")
    # matched under the job's feed name, as a first run matches it
    document = article_document(dataclasses.replace(stored, feed_name=job.feed_name))
    return Outcome.extracted(_alert(context, matcher, stored, document))


def _missing_page(job: ArticleJob) -> Outcome:
    if job.page_key:
        return Outcome.failed(
            "load", "page_expired", f"page expired before a worker took it: {job.url}"
        )
    return Outcome.failed("load", "no_page", f"job carries no page: {job.url}")


def _extract(
    context: WorkerContext, job: ArticleJob, html: bytes, ahead: _Ahead
) -> Extracted | Outcome:
    with _timed("extract"):  # the time the worker waits for it (it may have started ahead)
        try:
            return ahead.extract(job, html)
        except NewswatchError as exc:
            return Outcome.failed("extract", exc.reason, exc.message)


def _extract_options(context: WorkerContext, job: ArticleJob) -> dict[str, Any]:
    return {
        "url": job.url,
        "max_bytes": context.settings.max_page_bytes,
        "charset": job.charset,
        # the feed's date wins anyway: skip the costly search of the page for one
        "metadata_fallback": not job.published_at,
    }


class _Ahead:
    """A batch's extractions, one article ahead: once an article's page is extracted, the
    next page of ``planned`` (the articles sure to be extracted, in batch order) goes to the
    extractor, which works on it while the worker places, matches and stores the article.
    An article whose page is not the one in flight (not planned, or the plan fell out of
    step) has the one in flight dropped and its own extracted alone: slower, never wrong, as
    extraction depends on the page and the job alone."""

    def __init__(self, context: WorkerContext, planned: list[tuple[ArticleJob, _Page]]) -> None:
        self._context = context
        self._planned = planned
        self._next = {id(job): n + 1 for n, (job, _) in enumerate(planned)}
        self._in_flight: ArticleJob | None = None

    def extract(self, job: ArticleJob, html: bytes) -> Extracted:
        """``job``'s page extracted (raises the extraction's NewswatchError)."""
        extractor = self._context.extractor
        if self._in_flight is not job:
            self.drop()
            extractor.submit(html, **_extract_options(self._context, job))
        self._in_flight = None
        try:
            return extractor.collect()
        finally:  # whether this page failed or not, the next one is worth starting
            self._start(self._next.get(id(job)))

    def _start(self, n: int | None) -> None:
        if n is None or n >= len(self._planned):
            return
        job, page = self._planned[n]
        try:
            html = page.html
        except Exception:  # a stored page that does not decompress fails in its own turn
            return
        try:
            self._context.extractor.submit(html, **_extract_options(self._context, job))
        except NewswatchError:  # no child to start it in: the article will try again alone
            return
        self._in_flight = job

    def drop(self) -> None:
        """Drop the extraction in flight (waiting for it to end), if any."""
        if self._in_flight is not None:
            self._in_flight = None
            self._context.extractor.discard()


def _item_text(context: WorkerContext, job: ArticleJob, article: Article) -> ItemText | Outcome:
    """A short page is still an item: matched on its title, the feed's summary and its text."""
    try:
        return item_text(
            article.text,
            title=article.title,
            summary=job.summary,
            min_chars=context.settings.min_text_chars,
            url=job.url,
        )
    except NewswatchError as exc:
        return Outcome.failed("extract", exc.reason, exc.message)


def _build_article(job: ArticleJob, extracted: Extracted, located: _Located) -> Article:
    """The feed's title, date and author win (the publisher wrote them for this item, with a
    time of day); the page fills what the feed left out. The page's language wins (it is
    declared per page, the feed's per channel)."""
    return Article(
        id=job.article_id,
        url=job.url,
        canonical_url=located.canonical,
        title=job.title.strip() or extracted.title,
        source=located.source,
        published_at=job.published_at or extracted.published_at,
        language=extracted.language or language_code(job.language),
        author=job.author.strip() or extracted.author,
        text=extracted.text,
        fingerprint="",  # set by _fingerprinted, once the text is tokenised
        feed_id=job.feed_id,
        feed_name=job.feed_name,
        extracted_at=_now(),
    )


def _fingerprinted(article: Article, words: Sequence[str]) -> Article:
    with _timed("dedup"):
        return dataclasses.replace(article, fingerprint=words_fingerprint(words))


def _place(
    context: WorkerContext, article: Article, words: Sequence[str]
) -> tuple[Article, Placement] | Outcome:
    """Claim the URL and the text and put the article in its story: an exact copy joins its
    original's story, a near copy its match's, anything else starts one. A copy of a URL
    another article claimed meanwhile stops here, as a duplicate."""
    with _timed("dedup"):
        near = neardup.fingerprint(words)
        placement = context.stories.place(article, near, url_key=url_key(article.canonical_url))
    metrics.STORY_PLACEMENTS.labels(placement.status).inc()
    metrics.NEARDUP_CANDIDATES.inc(placement.candidates)
    if placement.status == "near":
        metrics.NEARDUP_CONFIRMED.inc()
    if placement.status == "url":
        log.debug("duplicate by URL", of=placement.similar_to)
        return Outcome.duplicate()
    if placement.similar_to:
        log.debug(
            "joins story", story_id=placement.story_id, copy=placement.status,
            of=placement.similar_to, similarity=round(placement.similarity, 2),
        )  # fmt: skip
    return dataclasses.replace(article, story_id=placement.story_id), placement


def _alert(
    context: WorkerContext,
    matcher: TopicMatcher,
    article: Article,
    document: MatchDocument,
    *,
    save: bool = False,
) -> tuple[int, int]:
    """Raise the alerts of an article's topics on its story, and bring the story's other
    alerts up to its sources; returns (alerts created, alerts updated). ``save``: store the
    article first, in the same round trip (a stored article, resumed, is not saved again).
    Alert ids are deterministic per story and topic, so recording them again adds nothing."""
    with _timed("match"):
        matches = matcher.match(document)

    story_id = article.story_id or article.id  # stored before stories: its own story
    now = _now()
    with _timed("store"):
        alerts = alerts_of(matches, article, story_id, now)
        created, updated = context.alerts.record(
            story_id,
            alerts,
            article_id=article.id,
            at=now,
            before=(lambda pipe: context.articles.save_on(pipe, article)) if save else None,
        )
    for topic in created:
        metrics.ALERTS_CREATED.labels(context.metric_topic(topic)).inc()
        log.info("alert created", topic=topic, story_id=story_id)
    metrics.ALERTS_UPDATED.inc(updated)
    return len(created), updated
