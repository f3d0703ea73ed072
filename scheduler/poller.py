"""Poll one feed: fetch -> decide -> one write.

- **fetch**: the request :func:`plan_request` asks for (conditional, or unconditional to check
  the validators), then, for a new body, the parse and the new items (each item's page fetched
  or the feed's own text used, handed to the workers as soon as it is in);
- **decide**: the outcome goes through the pure :func:`next_state` (interval, backoff, health,
  validators, redirects), with the poll's END as "now";
- **write**: the new state, the items taken, the failures and the end of the lease in one
  transaction (:meth:`PollStore.write`).

Failures stay local: a feed that fails records a specific error and backs off; an article page
that fails is recorded (non-retryable) or retried on later polls (retryable, up to
:data:`PAGE_ATTEMPTS`), and never holds back the feed's other items.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import redis

from newswatch import freshness, metrics
from newswatch.config import Settings
from newswatch.core.catalog import Feed
from newswatch.core.charset import content_type_charset
from newswatch.core.errors import FeedParseError, FetchError, HTTPStatusError, InvalidURLError
from newswatch.core.feed import ParsedFeed
from newswatch.core.feed_state import (
    FeedState,
    PollOutcome,
    PollPolicy,
    PollResult,
    RequestPlan,
    body_unchanged,
    churn_suspected,
    freshness_seconds,
    next_state,
    plan_request,
    transitions,
)
from newswatch.core.models import ArticleJob, FeedItem, short_hash
from newswatch.core.urls import canonical_url
from newswatch.feed_parsing import FeedParsers
from newswatch.logs import get_logger
from newswatch.net import Fetcher, FetchResult
from newswatch.store.failures import failure_entry
from newswatch.store.polling import Claim, PollStore, PollWrite
from scheduler.batcher import JobBatcher
from scheduler.churn import alt_keys
from scheduler.pages import carries_full_text, feed_item_html, is_html

log = get_logger(__name__)

PAGE_ATTEMPTS = 3  # tries at a page failing with a retryable error before giving it up
MAX_ITEMS_PER_POLL = 200  # new items handled per poll; the rest wait for the next poll

Clock = Callable[[], float]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def policy_from_settings(settings: Settings) -> PollPolicy:
    return PollPolicy(
        min_interval=settings.poll_interval_min,
        max_interval=settings.poll_interval_max,
        min_backoff=settings.min_backoff,
        max_backoff=max(settings.max_backoff, settings.min_backoff),
    )


@dataclasses.dataclass
class PollReport:
    """What one poll did (also what the poll's log line says)."""

    feed_id: str
    feed_name: str
    result: str  # ok, not_modified, unchanged, error
    next_poll_at: float
    new_items: int = 0  # articles handed to the workers
    failed_items: int = 0  # items given up (recorded in the failure log)
    retry_items: int = 0  # items left for a later poll (retryable page failure)
    deferred_items: int = 0  # new items beyond the per-poll cap or deadline, left for later
    churned_items: int = 0  # "new" items the churn guard recognised by URL or title
    error: str = ""
    reason: str = ""
    interval: int = 0
    events: list[str] = dataclasses.field(default_factory=list)


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


_ItemOutcome = _Ready | _Failed | _Retry


@dataclasses.dataclass
class _Found:
    """What the fetch part of a poll found, before the decision."""

    outcome: PollOutcome
    write: PollWrite
    report: PollReport


def _feed_error_message(url: str, exc: Exception) -> str:
    message = str(exc) or type(exc).__name__
    if isinstance(exc, FeedParseError):
        message = f"cannot read feed: {message}"
    elif not isinstance(exc, FetchError):
        message = f"internal error while polling: {exc!r}"
    return message if url in message else f"{url}: {message}"


def _published_times(items: list[FeedItem]) -> tuple[float, ...]:
    out = []
    for item in items:
        if item.published_at:
            try:
                out.append(datetime.fromisoformat(item.published_at).timestamp())
            except ValueError:
                continue
    return tuple(out)


class FeedPoller:
    """Polls feeds with shared resources (store, fetcher, batcher)."""

    def __init__(
        self,
        store: PollStore,
        fetcher: Fetcher,
        batcher: JobBatcher,
        settings: Settings,
        *,
        clock: Clock = time.time,
        max_items_per_poll: int = MAX_ITEMS_PER_POLL,
    ):
        self.store = store
        self.fetcher = fetcher
        self.batcher = batcher
        self.settings = settings
        self.policy = policy_from_settings(settings)
        self.clock = clock
        self.max_items_per_poll = max_items_per_poll
        self._parsers: FeedParsers | None = None
        self._fixed: dict[int, PollPolicy] = {}  # policy by configured interval (few)

    def policy_for(self, feed: Feed) -> PollPolicy:
        if feed.interval is None:
            return self.policy
        policy = self._fixed.get(feed.interval)
        if policy is None:
            policy = self._fixed[feed.interval] = dataclasses.replace(
                self.policy, fixed_interval=feed.interval
            )
        return policy

    async def poll(self, feed: Feed, claim: Claim) -> PollReport:
        """Poll ``feed`` once and reschedule it. Feed-level failures are recorded, not raised;
        Redis errors propagate (the caller hands the feed back)."""
        started = self.clock()
        plan = plan_request(claim.state, started, self.policy_for(feed))
        try:
            found = await self._fetch(feed, claim.state, plan, started)
        except (FetchError, FeedParseError) as exc:
            found = self._failure(feed, claim.state, started, exc)
        return await self._decide_and_write(feed, claim.state, found)

    async def record_crash(self, feed: Feed, claim: Claim, exc: Exception) -> PollReport:
        """Record a poll that ended in an unexpected error (a bug) like any failed poll: in
        the feed's status and the failure log, with backoff, so the feed is neither polled
        every ``min_backoff`` for ever nor shown as fine."""
        found = self._failure(feed, claim.state, self.clock(), exc, reason="internal")
        return await self._decide_and_write(feed, claim.state, found)

    def spawn_parsers(self) -> None:
        """Start the feed parser processes now (see :meth:`FeedParsers.spawn`) rather than at
        the first parse."""
        self._feed_parsers().spawn()

    def close(self) -> None:
        """Stop the parser processes (a parse under way is killed)."""
        if self._parsers is not None:
            self._parsers.close()
            self._parsers = None

    # -- decide and write --------------------------------------------------------------------

    async def _decide_and_write(self, feed: Feed, state: FeedState, found: _Found) -> PollReport:
        ended = self.clock()
        after = next_state(state, found.outcome, ended, self.policy_for(feed), seed=feed.id)
        found.write.state = after
        await self.store.write(found.write, ended)
        report = dataclasses.replace(
            found.report,
            next_poll_at=after.next_poll_at,
            interval=after.interval,
            events=found.report.events + transitions(state, after),
        )
        self._count(report, ended - found.outcome.started_at)
        return report

    def _count(self, report: PollReport, took: float) -> None:
        metrics.FEED_POLLS.labels(result=report.result).inc()
        metrics.STAGE_SECONDS.labels(stage="poll").observe(took)
        if report.reason:
            metrics.FEED_POLL_ERRORS.labels(reason=report.reason).inc()
        for event in report.events:
            metrics.FEED_EVENTS.labels(event=event).inc()
            log.info("feed event", feed_id=report.feed_id, feed=report.feed_name, transition=event)
        fields: dict[str, object] = {
            "feed_id": report.feed_id,
            "feed": report.feed_name,
            "result": report.result,
            "new_items": report.new_items,
            "interval": report.interval,
            "next_in": round(report.next_poll_at - self.clock()),
        }
        if report.result == "error":
            log.warning("poll", **fields, reason=report.reason, error=report.error)
            return
        for name in ("failed_items", "retry_items", "deferred_items", "churned_items"):
            if getattr(report, name):
                fields[name] = getattr(report, name)
        if report.result == "ok" or log.enabled(logging.DEBUG):
            log.info("poll", **fields)

    # -- fetch -------------------------------------------------------------------------------

    def _failure(
        self,
        feed: Feed,
        state: FeedState,
        started: float,
        exc: Exception,
        *,
        reason: str | None = None,
    ) -> _Found:
        url = state.fetch_url or feed.url
        if reason is None:
            reason = exc.reason if isinstance(exc, FetchError | FeedParseError) else "internal"
        message = _feed_error_message(url, exc)
        status = exc.status if isinstance(exc, HTTPStatusError) else None
        retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        outcome = PollOutcome(
            PollResult.ERROR,
            started,
            status=status,
            reason=reason,
            error=message,
            retry_after=retry_after,
        )
        entry = failure_entry(kind="feed", reason=reason, message=message, at=started,
                              feed_id=feed.id, url=url)  # fmt: skip
        write = PollWrite(feed.id, state, failures=[entry])
        report = PollReport(feed.id, feed.display_name, "error", 0.0, error=message, reason=reason)
        return _Found(outcome, write, report)

    async def _fetch(
        self, feed: Feed, state: FeedState, plan: RequestPlan, started: float
    ) -> _Found:
        url = state.fetch_url or feed.url
        began = time.perf_counter()
        try:
            result = await self.fetcher.fetch(
                url,
                max_bytes=self.settings.max_feed_bytes,
                etag=plan.etag,
                last_modified=plan.last_modified,
            )
        finally:
            metrics.FETCH_SECONDS.labels(kind="feed").observe(time.perf_counter() - began)
        common = PollOutcome(
            PollResult.NOT_MODIFIED,
            started,
            status=result.status,
            conditional=plan.conditional,
            etag=result.etag,
            last_modified=result.last_modified,
            moved_to=result.moved_to,
            max_age=freshness_seconds(result.cache_control, result.expires, started),
        )
        write = PollWrite(feed.id, state)
        if result.not_modified:
            return _Found(common, write, PollReport(feed.id, feed.display_name, "not_modified", 0))
        metrics.FETCH_BODY_BYTES.labels(kind="feed").observe(len(result.body))
        body_hash = hashlib.blake2b(result.body, digest_size=16).hexdigest()
        if body_unchanged(state, body_hash):
            outcome = dataclasses.replace(common, result=PollResult.UNCHANGED, body_hash=body_hash)
            return _Found(outcome, write, PollReport(feed.id, feed.display_name, "unchanged", 0))
        parsed = await self.parse(result, known=await self._known_items(feed, state))
        write.item_hashes = parsed.item_hashes
        return await self._take_items(feed, state, parsed, common, body_hash, write)

    async def _known_items(self, feed: Feed, state: FeedState) -> frozenset[str]:
        """The items of the feed's last parsed body, which this parse may skip; none when
        every item must be read: items wait for another try, or the first parse (the
        publishing rate is learnt from every item's date)."""
        if state.pending_items or state.rate_at is None or not state.body_hash:
            return frozenset()
        return await self.store.item_hashes(feed.id)

    async def parse(
        self, result: FetchResult, *, known: frozenset[str] = frozenset()
    ) -> ParsedFeed:
        """The one place feeds are parsed: in child processes with a deadline and a memory
        bound (:mod:`newswatch.feed_parsing`), so no feed can stall the loop or another feed;
        a parse past them raises FeedParseError (reason too_slow / too_large). Items written
        as in ``known`` are not parsed again (:func:`newswatch.core.feed.parse_feed`)."""
        parsed = await self._feed_parsers().parse(
            result.body, url=result.url, content_type=result.content_type, known=known
        )
        metrics.FEED_PARSES.labels(read="new_items" if parsed.partial else "whole").inc()
        return parsed

    def _feed_parsers(self) -> FeedParsers:
        if self._parsers is None:
            self._parsers = FeedParsers(self.settings)
        return self._parsers

    # -- items -------------------------------------------------------------------------------

    async def _take_items(
        self,
        feed: Feed,
        state: FeedState,
        parsed: ParsedFeed,
        common: PollOutcome,
        body_hash: str,
        write: PollWrite,
    ) -> _Found:
        for warning in parsed.warnings:
            log.info("feed warning", feed_id=feed.id, feed=feed.display_name, warning=warning)
        items = parsed.items  # parse_feed already dropped repeated entries
        in_feed = parsed.in_feed if parsed.partial else len(items)  # partial: the new only
        unseen = set(await self.store.unseen(feed.id, [item.key for item in items]))
        new = [item for item in items if item.key in unseen]
        new, churned = await self._churn_guard(feed, state, in_feed, new, write)
        metrics.FEED_ITEMS_NEW.inc(len(new))
        freshness.discovered(new, common.started_at)
        batch, deferred = new[: self.max_items_per_poll], max(len(new) - self.max_items_per_poll, 0)

        outcomes, unfinished = await self._take_all(feed, batch, common.started_at)
        ready = [o for o in outcomes if isinstance(o, _Ready)]
        failed = [o for o in outcomes if isinstance(o, _Failed)]
        retry = [o for o in outcomes if isinstance(o, _Retry)]
        for o in ready + failed:
            write.seen[o.item.key] = alt_keys(o.item)
        for o in failed:
            write.failures.append(
                failure_entry(
                    kind="page",
                    reason=o.reason,
                    message=o.message,
                    at=common.started_at,
                    feed_id=feed.id,
                    url=o.url,
                    item_key=o.item.key,
                )
            )
        deferred += unfinished
        outcome = dataclasses.replace(
            common,
            result=PollResult.OK,
            body_hash=body_hash,
            items_seen=in_feed,
            new_items=len(new),
            taken=len(ready),
            pending=len(retry) + deferred,
            title=parsed.title,
            feed_ttl=parsed.ttl,
            published=_published_times(items) if state.rate_at is None else (),
        )
        report = PollReport(
            feed.id,
            feed.display_name,
            "ok",
            0.0,
            new_items=len(ready),
            failed_items=len(failed),
            retry_items=len(retry),
            deferred_items=deferred,
            churned_items=len(churned),
            events=["churn"] if churned else [],
        )
        return _Found(outcome, write, report)

    async def _churn_guard(
        self,
        feed: Feed,
        state: FeedState,
        in_feed: int,
        new: list[FeedItem],
        write: PollWrite,
    ) -> tuple[list[FeedItem], list[FeedItem]]:
        """When an established feed suddenly presents mostly new items (``in_feed``: items in
        the feed), the ones known by canonical URL or title under an old GUID are remembered
        under the new GUID and not queued. Returns (new items, items held back)."""
        if not churn_suspected(state, in_feed, len(new), self.policy):
            return new, []
        alts = {item.key: alt_keys(item) for item in new}
        known = await self.store.known_alt(feed.id, [k for keys in alts.values() for k in keys])
        churned = [item for item in new if any(k in known for k in alts[item.key])]
        for item in churned:
            write.seen[item.key] = alts[item.key]
        metrics.CHURN_ITEMS.inc(len(churned))
        log.warning(
            "guid churn", feed_id=feed.id, feed=feed.display_name, items=in_feed,
            new=len(new), known=len(churned),
        )  # fmt: skip
        held = {item.key for item in churned}
        return [item for item in new if item.key not in held], churned

    async def _take_all(
        self, feed: Feed, items: list[FeedItem], now: float
    ) -> tuple[list[_ItemOutcome], int]:
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
                "poll deadline", feed_id=feed.id, feed=feed.display_name,
                deadline=self.settings.poll_deadline, left_for_next_poll=len(pending),
            )  # fmt: skip
        return [task.result() for task in tasks if task in done], len(pending)

    async def _take_one(self, feed: Feed, item: FeedItem, discovered: float) -> _ItemOutcome:
        """Fetch one new item's page and hand it to the workers, or say why not. The item is
        marked seen (in the poll's write) only once its job is enqueued, so a scheduler that
        dies half-way loses nothing."""
        outcome = await self._prepare_safely(feed, item)
        if isinstance(outcome, _Ready):
            job = dataclasses.replace(
                outcome.job, queued_at=iso(self.clock()), discovered_at=freshness.stamp(discovered)
            )
            await self.batcher.submit(job, outcome.html)  # raises if Redis refused
        return outcome

    async def _prepare_safely(self, feed: Feed, item: FeedItem) -> _ItemOutcome:
        """:meth:`_prepare`, with an unexpected error counted as a failed attempt (so a bug
        tripped by one item neither stops the feed nor loops on that item forever)."""
        try:
            return await self._prepare(feed, item)
        except (redis.RedisError, asyncio.CancelledError):
            raise
        except Exception as exc:
            log.exception("item failed", feed_id=feed.id, feed=feed.display_name, item=item.key)
            attempts = await self.store.record_attempt(feed.id, item.key)
            if attempts < PAGE_ATTEMPTS:
                return _Retry(item)
            return _Failed(item, "internal", f"item {item.key!r} of {feed.url}: {exc!r}", item.url)

    async def _prepare(self, feed: Feed, item: FeedItem) -> _ItemOutcome:
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
        job = ArticleJob(
            article_id=short_hash("article", feed.id, item.key),
            feed_id=feed.id,
            feed_name=feed.display_name,
            url=item.url,
            item_key=item.key,
            title=item.title,
            published_at=item.published_at,
            author=item.author,
            language=item.language,
            summary=item.summary,
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

    async def _fetch_page(self, feed: Feed, item: FeedItem, job: ArticleJob) -> _ItemOutcome:
        began = time.perf_counter()
        try:
            result = await self.fetcher.fetch(item.url, max_bytes=self.settings.max_page_bytes)
        except FetchError as exc:
            metrics.PAGES_FETCHED.labels(result="error").inc()
            return await self._page_failed(feed, item, exc)
        finally:
            metrics.FETCH_SECONDS.labels(kind="page").observe(time.perf_counter() - began)
        metrics.FETCH_BODY_BYTES.labels(kind="page").observe(len(result.body))
        if not is_html(result.content_type):
            metrics.PAGES_FETCHED.labels(result="error").inc()
            return _Failed(
                item,
                "not_html",
                f"{result.url}: the page is {result.content_type!r}, not HTML",
                result.url,
            )
        metrics.PAGES_FETCHED.labels(result="ok").inc()
        charset = content_type_charset(result.content_type)
        return _Ready(item, dataclasses.replace(job, url=result.url, charset=charset), result.body)

    async def _page_failed(self, feed: Feed, item: FeedItem, exc: FetchError) -> _ItemOutcome:
        message = str(exc) if item.url in str(exc) else f"{item.url}: {exc}"
        if exc.retryable:
            attempts = await self.store.record_attempt(feed.id, item.key)
            if attempts < PAGE_ATTEMPTS:
                log.info(
                    "page retry", feed_id=feed.id, feed=feed.display_name, item=item.key,
                    reason=exc.reason, attempt=attempts, error=message,
                )  # fmt: skip
                return _Retry(item)
            message = f"{message} (gave up after {attempts} attempts)"
        log.info(
            "page failed", feed_id=feed.id, feed=feed.display_name, item=item.key,
            reason=exc.reason, error=message,
        )  # fmt: skip
        return _Failed(item, exc.reason, message, item.url)
