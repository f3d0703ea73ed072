"""Article extraction with a deadline, a memory bound and flat memory over days.

A stranger's page can take trafilatura 13-20 s and 200-440 MB (5 MB of ``<p>`` or of table
rows). In the worker, extraction runs in a warm child process (:mod:`newswatch.sandbox`):
past ``extract_timeout`` seconds or ``extract_memory_mb`` of growth the child is killed and
the article fails with reason ``too_slow`` / ``too_large``; the rest of the batch goes on, and
the worker's own thread (and heartbeat) never waits on the GIL of a runaway parse.

trafilatura and its helpers (htmldate, courlan, justext) keep LRU caches that grow with every
page: every ``extract_cache_reset`` articles they are emptied
(``trafilatura.meta.reset_caches``), in the process that extracts.
"""

from __future__ import annotations

from typing import Any, Protocol

from newswatch.config import Settings
from newswatch.core.extract import Extracted, extract_article
from newswatch.sandbox import Sandbox

_extracted = 0  # articles extracted by this process since its last cache reset
resets = 0  # cache resets done by this process (tests and logs)


def extract_counting(html: bytes, *, reset_every: int, **kwargs: Any) -> Extracted:
    """:func:`extract_article`, emptying trafilatura's caches every ``reset_every`` calls (in
    whichever process runs it: the sandbox child, or the worker itself)."""
    global _extracted, resets
    try:
        return extract_article(html, **kwargs)
    finally:
        _extracted += 1
        if _extracted >= reset_every:
            from trafilatura.meta import reset_caches

            reset_caches()
            _extracted = 0
            resets += 1


class Extractor(Protocol):
    def start(self) -> None:
        """Be ready for the first page now (the sandbox child imports its modules)."""

    def extract(self, html: bytes, **kwargs: Any) -> Extracted: ...

    def submit(self, html: bytes, **kwargs: Any) -> None:
        """Start extracting ``html``; :meth:`collect` gives the result. One page at a time:
        a page still in flight is collected first and its result dropped."""

    def collect(self) -> Extracted:
        """The result of the page :meth:`submit` started (raising as :meth:`extract` does)."""

    def discard(self) -> None:
        """Drop the page in flight, if any (waiting for it to end)."""

    def close(self) -> None: ...


class InProcessExtractor:
    """No deadline, no bound: for tests and tools that run the pipeline in their own process."""

    def __init__(self, settings: Settings) -> None:
        self.reset_every = settings.extract_cache_reset
        self.max_elements = settings.extract_max_elements
        self._in_flight: tuple[bytes, dict[str, Any]] | None = None

    def start(self) -> None:
        pass

    def extract(self, html: bytes, **kwargs: Any) -> Extracted:
        return extract_counting(
            html, reset_every=self.reset_every, max_elements=self.max_elements, **kwargs
        )

    def submit(self, html: bytes, **kwargs: Any) -> None:
        # nothing runs beside the caller here: the page is extracted when collected
        self._in_flight = (html, kwargs)

    def collect(self) -> Extracted:
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is None:
            raise RuntimeError("no page in flight")
        return self.extract(in_flight[0], **in_flight[1])

    def discard(self) -> None:
        self._in_flight = None

    def close(self) -> None:
        pass


class SandboxedExtractor:
    """Extraction in a killable child process (what ``newswatch worker`` uses). Raises
    :class:`~newswatch.sandbox.SandboxError` (a NewswatchError with reason ``too_slow``,
    ``too_large`` or ``crashed``) when the child is stopped."""

    def __init__(self, settings: Settings) -> None:
        self.reset_every = settings.extract_cache_reset
        self.max_elements = settings.extract_max_elements
        self.timeout = settings.extract_timeout
        self.sandbox = Sandbox(
            memory_mb=settings.extract_memory_mb,
            preload=("worker.extraction",),
            name="extraction",
        )

    def start(self) -> None:
        self.sandbox.start()

    def extract(self, html: bytes, **kwargs: Any) -> Extracted:
        self.submit(html, **kwargs)
        return self.collect()

    def submit(self, html: bytes, **kwargs: Any) -> None:
        self.sandbox.submit(
            extract_counting,
            html,
            reset_every=self.reset_every,
            max_elements=self.max_elements,
            timeout=self.timeout,
            **kwargs,
        )

    def collect(self) -> Extracted:
        extracted: Extracted = self.sandbox.collect()
        return extracted

    def discard(self) -> None:
        self.sandbox.discard()

    def close(self) -> None:
        self.sandbox.close()
