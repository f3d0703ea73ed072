"""Feed parsing the scheduler can wait for without freezing: :func:`parse_feed` in child
processes with a deadline and a memory bound (:mod:`newswatch.sandbox`).

The guard in :mod:`newswatch.core.feed_guard` removes what is known to be slow or explosive in
feedparser; this is the backstop for what is not known yet. A parse that takes longer than
``feed_parse_timeout`` or grows by more than ``feed_parse_memory_mb`` is stopped and the feed
refused (:class:`FeedParseError`, reason ``too_slow`` or ``too_large``); no other feed waits
for it, since each parse has a process of its own and the event loop only awaits a thread that
waits on a socket.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor

from newswatch.config import Settings
from newswatch.core.errors import FeedParseError
from newswatch.core.feed import ParsedFeed, parse_feed
from newswatch.sandbox import SandboxError, SandboxPool

PARSE_PROCESSES = 2  # feeds parsed at once
PARSE = parse_feed  # what runs in the child (tests put an importable stand-in here)


class FeedParsers:
    """``await parsers.parse(body, url=..., content_type=...)``; ``close()`` when done."""

    def __init__(self, settings: Settings, *, processes: int = PARSE_PROCESSES) -> None:
        self.timeout = settings.feed_parse_timeout
        self._pool = SandboxPool(
            processes,
            memory_mb=settings.feed_parse_memory_mb,
            preload=("newswatch.core.feed",),
            name="feed parser",
        )
        # the threads only wait on the child's socket; one per child
        self._threads = ThreadPoolExecutor(processes, thread_name_prefix="newswatch-feed-parse")

    def spawn(self) -> None:
        """Start the child processes now without waiting for them: they import their modules
        while the first feeds are fetched, instead of after (about a second each)."""
        self._pool.spawn()

    async def parse(
        self,
        body: bytes,
        *,
        url: str,
        content_type: str | None,
        known: Collection[str] = (),
    ) -> ParsedFeed:
        """``known``: the item hashes of the feed's last parse (see :func:`parse_feed`)."""
        loop = asyncio.get_running_loop()
        call = functools.partial(self._parse, body, url=url, content_type=content_type, known=known)
        return await loop.run_in_executor(self._threads, call)

    def _parse(
        self, body: bytes, *, url: str, content_type: str | None, known: Collection[str]
    ) -> ParsedFeed:
        extra = {"known": known} if known else {}
        try:
            return self._pool.call(
                PARSE, body, url=url, content_type=content_type, timeout=self.timeout, **extra
            )
        except SandboxError as exc:
            raise FeedParseError(
                _refusal(exc, self.timeout, len(body)), reason=exc.reason
            ) from None

    def close(self) -> None:
        """Stop the threads and the child processes (a parse under way is killed)."""
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._pool.close()


def _refusal(exc: SandboxError, timeout: float, size: int) -> str:
    if exc.reason == "too_slow":
        return f"the feed ({size} bytes) took longer than {timeout:g} s to parse; refused"
    if exc.reason == "too_large":
        return f"parsing the feed ({size} bytes) took too much memory; refused ({exc.message})"
    return f"the feed parser failed ({exc.message})"
