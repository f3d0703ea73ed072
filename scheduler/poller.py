"""Poll one feed, end to end: conditional GET, parse, find new items, get each item's HTML
(fetched page or the feed's own text), store the pages, enqueue the jobs, and only then mark
the items seen; record the outcome and schedule the next poll.

Failures stay local: a feed that fails records a specific error and backs off; an article page
that fails is recorded (non-retryable) or retried on later polls (retryable, up to
:data:`PAGE_ATTEMPTS`), and never holds back the feed's other items.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import redis

from newswatch import metrics
from newswatch.config import Settings
from newswatch.core.catalog import Feed
from newswatch.core.errors import FeedParseError, FetchError, InvalidURLError
from newswatch.core.feed import ParsedFeed
from newswatch.core.models import ArticleJob, FeedItem, short_hash
from newswatch.core.schedule import next_poll_delay
from newswatch.core.urls import canonical_url
from newswatch.feed_parsing import FeedParsers
from newswatch.net import Fetcher, FetchResult
from newswatch.store.failures import record_failure
from newswatch.store.feeds import FeedStateStore
from newswatch.store.pages import put_page
from scheduler.batcher import JobBatcher
from scheduler.logfmt import kv
from scheduler.pages import carries_full_text, feed_item_html, is_html

log = logging.getLogger("newswatch.scheduler")

PAGE_ATTEMPTS = 3  # tries at a page failing with a retryable error before giving it up
MAX_ITEMS_PER_POLL = 200  # new items handled per poll; the rest wait for the next poll

Clock = Callable[[], float]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclasses.dataclass
class PollReport:
    """What one poll did (also what the poll's log line says)."""

    feed_id: str
    feed_name: str
    result: str  # ok, not_modified, error
    next_poll_at: float
    new_items: int = 0  # articles handed to the workers
    failed_items: int = 0  # items given up (recorded in the failure log)
    retry_items: int = 0  # items left for a later poll (retryable page failure)
    deferred_items: int = 0  # new items beyond the per-poll cap, left for the next poll
    error: str = ""
    reason: str = ""


@dataclasses.dataclass
class _Ready:
    item: FeedItem
    job: ArticleJob
    html: bytes


@dataclasses.dataclass
class _Failed:
    item: FeedItem
    reason: str
    message: str
    url: str


@dataclasses.dataclass
class _Retry:
    item: FeedItem


_Outcome = _Ready | _Failed | _Retry


def _unique_items(items: list[FeedItem]) -> list[FeedItem]:
    """First occurrence of each item key (feeds do repeat entries)."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.key not in seen:
            seen.add(item.key)
            out.append(item)
    return out


def _feed_error_message(feed: Feed, exc: Exception) -> str:
    message = str(exc) or type(exc).__name__
    if isinstance(exc, FeedParseError):
        message = f"cannot read feed: {message}"
    elif not isinstance(exc, FetchError):
        message = f"internal error while polling: {exc!r}"
    return message if feed.url in message else f"{feed.url}: {message}"


class FeedPoller:
    """Polls feeds with shared resources (Redis client, fetcher, batcher)."""

    def __init__(
        self,
        client: redis.Redis,
        fetcher: Fetcher,
        batcher: JobBatcher,
        settings: Settings,
        *,
        clock: Clock = time.time,
        max_items_per_poll: int = MAX_ITEMS_PER_POLL,
    ):
        self.client = client
        self.fetcher = fetcher
        self.batcher = batcher
        self.settings = settings
        self.store = FeedStateStore(client)
        self.clock = clock
        self.max_items_per_poll = max_items_per_poll
        self._parsers: FeedParsers | None = None

    async def poll(self, feed: Feed) -> PollReport:
        """Poll ``feed`` once and reschedule it. Feed-level failures are recorded, not raised;
        Redis errors propagate (the caller releases the lease)."""
        now = self.clock()
        state = self.store.get_state(feed.id)
        # items waiting for another try are only found in a full body: skip the 304 then
        waiting = int(state.get("pending_items", 0) or 0) > 0
        started = time.perf_counter()
        try:
            result = await self.fetcher.fetch(
                feed.url,
                max_bytes=self.settings.max_feed_bytes,
                etag=None if waiting else state.get("etag"),
                last_modified=None if waiting else state.get("last_modified"),
            )
            parsed = None if result.not_modified else await self._parse(result)
        except (FetchError, FeedParseError) as exc:
            return self._record_error(feed, state, now, exc, exc.reason)
        finally:
            metrics.STAGE_SECONDS.labels(stage="poll").observe(time.perf_counter() - started)

        if parsed is None:
            return self._record_not_modified(
                feed, now, etag=result.etag, last_modified=result.last_modified
            )
        return await self._take_items(
            feed,
            now,
            parsed,
            etag=result.etag,
            last_modified=result.last_modified,
            status=result.status,
        )

    async def _parse(self, result: FetchResult) -> ParsedFeed:
        """The one place feeds are parsed: in child processes with a deadline and a memory
        bound (:mod:`newswatch.feed_parsing`), so no feed can stall the loop or another feed;
        a parse past them raises FeedParseError (reason too_slow / too_large)."""
        if self._parsers is None:
            self._parsers = FeedParsers(self.settings)
        return await self._parsers.parse(
            result.body, url=result.url, content_type=result.content_type
        )

    def close(self) -> None:
        """Stop the parser processes (a parse under way is killed)."""
        if self._parsers is not None:
            self._parsers.close()
            self._parsers = None

    # -- outcomes of the feed request ------------------------------------------------------

    def _next_poll(self, feed: Feed, now: float, errors: int, retry_after: int | None) -> float:
        delay = next_poll_delay(
            feed.interval,
            errors,
            min_backoff=self.settings.min_backoff,
            max_backoff=self.settings.max_backoff,
            retry_after=retry_after,
            seed=feed.id,
        )
        return now + delay

    def record_crash(self, feed: Feed, exc: Exception) -> PollReport:
        """Record a poll that ended in an unexpected error (a bug) like any failed poll: in
        the feed's status and the failure log, with backoff, so the feed is neither polled
        every ``min_backoff`` for ever nor shown as fine."""
        state = self.store.get_state(feed.id)
        return self._record_error(feed, state, self.clock(), exc, "internal")

    def _record_error(
        self, feed: Feed, state: dict[str, Any], now: float, exc: Exception, reason: str
    ) -> PollReport:
        errors = int(state.get("consecutive_errors", 0) or 0) + 1
        retry_after = getattr(exc, "retry_after", None)
        next_at = self._next_poll(
            feed, now, errors, retry_after if isinstance(retry_after, int) else None
        )
        message = _feed_error_message(feed, exc)
        self.store.save_poll_result(
            feed.id,
            url=feed.url,
            name=feed.display_name,
            last_polled_at=now,
            last_status="error",
            last_error=message,
            error_reason=reason,
            consecutive_errors=errors,
            next_poll_at=next_at,
        )
        record_failure(
            self.client,
            kind="feed",
            reason=reason,
            message=message,
            at=now,
            feed_id=feed.id,
            url=feed.url,
        )
        self.store.reschedule(feed.id, next_at)
        metrics.FEED_POLLS.labels(result="error").inc()
        metrics.FEED_POLL_ERRORS.labels(reason=reason).inc()
        report = PollReport(
            feed.id, feed.display_name, "error", next_at, error=message, reason=reason
        )
        log.warning(
            "poll %s",
            kv(
                feed=feed.display_name,
                result="error",
                reason=reason,
                errors=errors,
                retry_in=round(next_at - now),
                error=message,
            ),
        )
        return report

    def _record_not_modified(
        self, feed: Feed, now: float, *, etag: str | None, last_modified: str | None
    ) -> PollReport:
        next_at = self._next_poll(feed, now, 0, None)
        fields: dict[str, Any] = {}
        if etag:
            fields["etag"] = etag
        if last_modified:
            fields["last_modified"] = last_modified
        self.store.save_poll_result(
            feed.id,
            url=feed.url,
            name=feed.display_name,
            last_polled_at=now,
            last_status="not_modified",
            last_error=None,
            error_reason=None,
            consecutive_errors=0,
            next_poll_at=next_at,
            last_new_items=0,
            **fields,
        )
        self.store.reschedule(feed.id, next_at)
        metrics.FEED_POLLS.labels(result="not_modified").inc()
        log.info("poll %s", kv(feed=feed.display_name, result="not_modified", new_items=0))
        return PollReport(feed.id, feed.display_name, "not_modified", next_at)

    # -- items -----------------------------------------------------------------------------

    async def _take_items(
        self,
        feed: Feed,
        now: float,
        parsed: ParsedFeed,
        *,
        etag: str | None,
        last_modified: str | None,
        status: int,
    ) -> PollReport:
        for warning in parsed.warnings:
            log.info("feed warning %s", kv(feed=feed.display_name, warning=warning))
        items = _unique_items(parsed.items)
        unseen = set(self.store.filter_unseen(feed.id, [item.key for item in items]))
        new = [item for item in items if item.key in unseen]
        metrics.FEED_ITEMS_NEW.inc(len(new))
        batch, deferred = new[: self.max_items_per_poll], len(new) - self.max_items_per_poll

        outcomes, unfinished = await self._take_all(feed, batch, now)
        ready = [o for o in outcomes if isinstance(o, _Ready)]
        failed = [o for o in outcomes if isinstance(o, _Failed)]
        retry = [o for o in outcomes if isinstance(o, _Retry)]
        jobs = [o.job for o in ready]
        deferred = max(deferred, 0) + unfinished

        pending = len(retry) + deferred
        next_at = self._next_poll(feed, now, 0, None)
        self.store.save_poll_result(
            feed.id,
            add_items=len(jobs),
            url=feed.url,
            name=feed.display_name,
            title=parsed.title or None,
            last_polled_at=now,
            last_status="ok",
            last_http_status=status,
            last_error=None,
            error_reason=None,
            consecutive_errors=0,
            next_poll_at=next_at,
            etag=etag,
            last_modified=last_modified,
            last_new_items=len(jobs),
            pending_items=pending,
        )
        self.store.reschedule(feed.id, next_at)
        metrics.FEED_POLLS.labels(result="ok").inc()
        log.info(
            "poll %s",
            kv(
                feed=feed.display_name,
                result="ok",
                items=len(items),
                new_items=len(jobs),
                failed_items=len(failed),
                retry_items=len(retry),
                deferred_items=max(deferred, 0),
            ),
        )
        return PollReport(
            feed.id,
            feed.display_name,
            "ok",
            next_at,
            new_items=len(jobs),
            failed_items=len(failed),
            retry_items=len(retry),
            deferred_items=max(deferred, 0),
        )

    async def _take_all(
        self, feed: Feed, items: list[FeedItem], now: float
    ) -> tuple[list[_Outcome], int]:
        """Take ``items`` concurrently, each handed to the workers as soon as its page is in
        (not when the whole feed is: a feed of 50 items on a slow host would otherwise keep
        the workers idle for seconds). Returns the outcomes and how many items were left for
        the next poll because the poll ran out of its ``settings.poll_deadline``: one slow
        host must not hold a poll slot for half an hour. If one item fails on Redis, the
        others are cancelled (not left running after the poll ended) and the error raised."""
        if not items:
            return [], 0
        tasks = [asyncio.create_task(self._take_one(feed, item, now)) for item in items]
        done, pending = await asyncio.wait(
            tasks, timeout=self.settings.poll_deadline, return_when=asyncio.FIRST_EXCEPTION
        )
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            error = task.exception()
            if error is not None:
                raise error
        if pending:
            log.info(
                "poll deadline %s",
                kv(feed=feed.display_name, deadline=self.settings.poll_deadline,
                   left_for_next_poll=len(pending)),
            )  # fmt: skip
        return [task.result() for task in tasks if task in done], len(pending)

    async def _take_one(self, feed: Feed, item: FeedItem, now: float) -> _Outcome:
        """Fetch one new item's page and hand it to the workers, or record why not. The item is
        marked seen only once its job is enqueued (or its failure recorded), so a scheduler
        that dies half-way loses nothing."""
        outcome = await self._prepare_safely(feed, item)
        if isinstance(outcome, _Ready):
            page_key = put_page(
                self.client, outcome.job.article_id, outcome.html, self.settings.page_ttl
            )
            outcome.job = dataclasses.replace(
                outcome.job, page_key=page_key, queued_at=iso(self.clock())
            )
            await self.batcher.submit([outcome.job])  # raises if Redis refused
        elif isinstance(outcome, _Failed):
            record_failure(
                self.client,
                kind="page",
                reason=outcome.reason,
                message=outcome.message,
                at=now,
                feed_id=feed.id,
                url=outcome.url,
                item_key=outcome.item.key,
            )
        else:
            return outcome
        self.store.mark_seen(feed.id, [item.key], now)
        return outcome

    async def _prepare_safely(self, feed: Feed, item: FeedItem) -> _Outcome:
        """:meth:`_prepare`, with an unexpected error counted as a failed attempt (so a bug
        tripped by one item neither stops the feed nor loops on that item forever)."""
        try:
            return await self._prepare(feed, item)
        except (redis.RedisError, asyncio.CancelledError):
            raise
        except Exception as exc:
            log.exception("item failed %s", kv(feed=feed.display_name, item=item.key))
            attempts = self.store.record_attempt(feed.id, item.key)
            if attempts < PAGE_ATTEMPTS:
                return _Retry(item)
            return _Failed(item, "internal", f"item {item.key!r} of {feed.url}: {exc!r}", item.url)

    async def _prepare(self, feed: Feed, item: FeedItem) -> _Outcome:
        """The HTML and job for one new item, or why there is none."""
        canonical: str | None = None
        link_problem = ""
        if item.url:
            try:
                canonical = canonical_url(item.url)
            except InvalidURLError as exc:
                link_problem = str(exc)
        # one id per (feed, item): a copy of the story in another feed is a different article
        # that the worker's URL/text claims recognise as a duplicate, while a re-run of this
        # very job stays idempotent
        article_id = short_hash("article", feed.id, item.key)
        job = ArticleJob(
            article_id=article_id,
            feed_id=feed.id,
            feed_name=feed.display_name,
            url=item.url,
            item_key=item.key,
            title=item.title,
            published_at=item.published_at,
            author=item.author,
            language=item.language,
        )
        if canonical is None or not feed.fetch_pages or carries_full_text(item):
            if canonical is None and not (item.content_html or item.summary):
                why = link_problem or "the item has no link"
                return _Failed(
                    item,
                    "invalid_url" if link_problem else "no_link",
                    f"item {item.key!r} of {feed.url}: {why} and no content",
                    item.url,
                )
            metrics.PAGES_FETCHED.labels(result="feed_content").inc()
            return _Ready(
                item, dataclasses.replace(job, from_feed_content=True), feed_item_html(item)
            )
        return await self._fetch_page(feed, item, job)

    async def _fetch_page(self, feed: Feed, item: FeedItem, job: ArticleJob) -> _Outcome:
        started = time.perf_counter()
        try:
            result = await self.fetcher.fetch(item.url, max_bytes=self.settings.max_page_bytes)
        except FetchError as exc:
            metrics.PAGES_FETCHED.labels(result="error").inc()
            message = str(exc) if item.url in str(exc) else f"{item.url}: {exc}"
            if exc.retryable:
                attempts = self.store.record_attempt(feed.id, item.key)
                if attempts < PAGE_ATTEMPTS:
                    log.info(
                        "page retry %s",
                        kv(
                            feed=feed.display_name,
                            reason=exc.reason,
                            attempt=attempts,
                            error=message,
                        ),
                    )
                    return _Retry(item)
                message = f"{message} (gave up after {attempts} attempts)"
            log.info("page failed %s", kv(feed=feed.display_name, reason=exc.reason, error=message))
            return _Failed(item, exc.reason, message, item.url)
        finally:
            metrics.STAGE_SECONDS.labels(stage="fetch_page").observe(time.perf_counter() - started)
        if not is_html(result.content_type):
            metrics.PAGES_FETCHED.labels(result="error").inc()
            return _Failed(
                item,
                "not_html",
                f"{result.url}: the page is {result.content_type!r}, not HTML",
                result.url,
            )
        metrics.PAGES_FETCHED.labels(result="ok").inc()
        return _Ready(item, dataclasses.replace(job, url=result.url), result.body)
