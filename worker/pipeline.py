"""One batch of articles through the CPU tier:

    load pages and known URLs (one round trip each) -> canonical URL (a URL already claimed
    stops here, before any parsing) -> extract -> fingerprint -> claim (exact duplicates by
    URL or text stop here) -> save article -> match topics -> write alerts -> drop pages

One bad article never fails the batch: it is recorded in the failure stream and counted.
Only a Redis outage propagates, so rq marks the job failed and its pages (kept until the
batch is done, or their TTL) are still there for a retry. Every write is idempotent for a
given article id, so re-running a batch after a crash creates nothing twice.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import redis

from newswatch import metrics
from newswatch.core.errors import NewswatchError
from newswatch.core.extract import Extracted, extract_article, language_code
from newswatch.core.fingerprint import words_fingerprint
from newswatch.core.models import Alert, Article, ArticleJob
from newswatch.core.query import MatchDocument, TopicMatcher
from newswatch.core.snippet import make_snippet
from newswatch.core.urls import canonical_url, source_of
from newswatch.store.pages import drop_pages, load_pages
from worker.context import WorkerContext

log = logging.getLogger(__name__)

# results, as counted in metrics.ARTICLES_PROCESSED and returned by process_batch
EXTRACTED = "extracted"
DUPLICATE = "duplicate"
FAILED = "failed"


# failures at these stages mean "no text from this page" (metrics.EXTRACTION_FAILURES)
_EXTRACTION_STAGES = frozenset({"load", "extract"})


class _Failure(Exception):
    """An article that yields nothing, for a known reason (recorded, never retried)."""

    def __init__(self, stage: str, reason: str, message: str):
        super().__init__(message)
        self.stage = stage
        self.reason = reason
        self.message = message


@contextmanager
def _timed(stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        metrics.STAGE_SECONDS.labels(stage).observe(time.perf_counter() - start)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def process_batch(context: WorkerContext, jobs: list[ArticleJob]) -> dict[str, int]:
    """Process ``jobs``; returns counts by result (extracted, duplicate, failed) and the
    number of new alerts (``alerts``)."""
    counts: collections.Counter[str] = collections.Counter({EXTRACTED: 0, DUPLICATE: 0, FAILED: 0})
    counts["alerts"] = 0
    with _timed("job"):
        page_keys = sorted({job.page_key for job in jobs if job.page_key})
        pages = load_pages(context.client, page_keys)
        canonicals = {job.article_id: _canonical_or_none(job.url) for job in jobs}
        url_holders = context.articles.url_holders(
            sorted({url for url in canonicals.values() if url is not None})
        )
        matcher = context.matcher()
        for job in jobs:
            html = pages.get(job.page_key) if job.page_key else None
            canonical = canonicals[job.article_id]
            holder = url_holders.get(canonical) if canonical is not None else None
            try:
                result, alerts = _process_one(context, matcher, job, html, canonical, holder)
            except _Failure as failure:
                _record_failure(context, job, failure)
                result, alerts = FAILED, 0
            except redis.exceptions.RedisError:
                raise  # Redis is gone: fail the whole job, rq will tell
            except Exception as exc:  # a bug must not cost the rest of the batch
                log.exception("article %s failed unexpectedly", job.article_id)
                _record_failure(
                    context, job, _Failure("pipeline", "internal", f"{type(exc).__name__}: {exc}")
                )
                result, alerts = FAILED, 0
            metrics.ARTICLES_PROCESSED.labels(result).inc()
            counts[result] += 1
            counts["alerts"] += alerts
        drop_pages(context.client, page_keys)
    return dict(counts)


def _record_failure(context: WorkerContext, job: ArticleJob, failure: _Failure) -> None:
    log.info(
        "article %s failed at %s (%s): %s",
        job.article_id,
        failure.stage,
        failure.reason,
        failure.message,
    )
    if failure.stage in _EXTRACTION_STAGES:
        metrics.EXTRACTION_FAILURES.labels(failure.reason).inc()
    context.articles.record_failure(
        failure.stage, failure.reason, job.article_id, job.feed_id, failure.message
    )


def _canonical_or_none(url: str) -> str | None:
    try:
        return canonical_url(url)
    except NewswatchError:
        return None  # _process_one records why


def _process_one(
    context: WorkerContext,
    matcher: TopicMatcher,
    job: ArticleJob,
    html: bytes | None,
    canonical: str | None,
    url_holder: str | None,
) -> tuple[str, int]:
    """Returns (result, number of new alerts); raises _Failure for a recorded failure.
    ``canonical`` is the job URL's canonical form, computed for the whole batch (None when
    the URL is invalid); ``url_holder`` is the article that had claimed this URL when the
    batch started."""
    with _timed("dedup"):
        try:
            # the batch found the URL invalid: ask again for the reason, to record it
            canonical = canonical or canonical_url(job.url)
            source = source_of(job.url)
        except NewswatchError as exc:
            raise _Failure("canonicalize", exc.reason, exc.message) from exc
    if url_holder is not None and url_holder != job.article_id:
        log.debug("article %s duplicates %s by URL", job.article_id, url_holder)
        return DUPLICATE, 0

    if html is None:
        if url_holder == job.article_id:
            # delivered again (the scheduler re-enqueues after a crash) and already done:
            # the first run claimed the URL and dropped the page
            log.debug("article %s was already processed", job.article_id)
            return DUPLICATE, 0
        if job.page_key:
            raise _Failure(
                "load", "page_expired", f"page expired before a worker took it: {job.url}"
            )
        raise _Failure("load", "no_page", f"job carries no page: {job.url}")

    if url_holder == job.article_id:
        stored = context.articles.get(job.article_id)
        if stored is not None:
            # run before (a retried batch, or re-enqueued by a restarted scheduler with the
            # page fetched again): finish from the stored article, not from the page, whose
            # text may have changed since and would make a second alert under a new fingerprint
            log.debug("article %s was already extracted", job.article_id)
            return EXTRACTED, _alert(context, matcher, stored, _document(stored, job))

    with _timed("extract"):
        try:
            extracted = extract_article(
                html,
                url=job.url,
                max_bytes=context.settings.max_page_bytes,
                # the feed's date wins anyway: skip the costly search of the page for one
                metadata_fallback=not job.published_at,
            )
        except NewswatchError as exc:
            raise _Failure("extract", exc.reason, exc.message) from exc

    article = _build_article(job, extracted, canonical, source)
    with _timed("match"):
        # tokenised once: the same words make the fingerprint and feed the matcher
        document = _document(article, job)
    with _timed("dedup"):
        fingerprint = words_fingerprint(document.text.tokens)
        earlier = context.articles.claim(job.article_id, canonical, fingerprint)
    if earlier is not None:
        log.debug("article %s duplicates %s", job.article_id, earlier)
        return DUPLICATE, 0

    article = dataclasses.replace(article, fingerprint=fingerprint)
    with _timed("store"):
        context.articles.save(article)
    return EXTRACTED, _alert(context, matcher, article, document)


def _document(article: Article, job: ArticleJob) -> MatchDocument:
    return MatchDocument.build(
        title=article.title,
        text=article.text,
        language=article.language,
        source=article.source,
        url=article.url,
        feed=job.feed_name,
    )


def _alert(
    context: WorkerContext, matcher: TopicMatcher, article: Article, document: MatchDocument
) -> int:
    """Write the alerts of a stored article; returns how many are new (alert ids are
    deterministic per topic and fingerprint, so writing them again adds nothing)."""
    with _timed("match"):
        matches = matcher.match(document)

    created = 0
    with _timed("store"):
        for match in matches:
            alert = Alert(
                id=Alert.make_id(match.topic, article.fingerprint),
                topic=match.topic,
                created_at=_now(),
                matched=list(match.matched),
                snippet=make_snippet(article.text, match.matched),
                article=article.summary(),
            )
            if context.alerts.add(alert):
                metrics.ALERTS_CREATED.labels(match.topic).inc()
                created += 1
    return created


def _build_article(job: ArticleJob, extracted: Extracted, canonical: str, source: str) -> Article:
    """The feed's title, date and author win (the publisher wrote them for this item, with a
    time of day); the page fills what the feed left out. The page's language wins (it is
    declared per page, the feed's per channel)."""
    return Article(
        id=job.article_id,
        url=job.url,
        canonical_url=canonical,
        title=job.title.strip() or extracted.title,
        source=source,
        published_at=job.published_at or extracted.published_at,
        language=extracted.language or language_code(job.language),
        author=job.author.strip() or extracted.author,
        text=extracted.text,
        fingerprint="",  # set once the text is tokenised
        feed_id=job.feed_id,
        feed_name=job.feed_name,
        extracted_at=_now(),
    )
