"""`feeds add URL` with a site's page: fetch it through the one guarded fetcher, and when it
is not a feed, find the feeds it announces (:mod:`newswatch.core.discovery`), then the usual
places; keep the candidates that really are feeds.

Everything goes through the scheduler's own parts: :class:`~newswatch.net.fetcher.Fetcher`
(SSRF guard, allowed ports, deadline and byte cap; a loopback page needs
``allow_private_networks``) and :class:`~newswatch.feed_parsing.FeedParsers` (each parse in a
child process with a deadline and a memory bound).
"""

from __future__ import annotations

import asyncio
import dataclasses

from newswatch.config import Settings
from newswatch.core.discovery import FeedLink, clean_title, feed_links, usual_feed_urls
from newswatch.core.errors import FeedParseError, FetchError
from newswatch.core.feed import ParsedFeed
from newswatch.core.validate import feed_identity
from newswatch.feed_parsing import FeedParsers
from newswatch.net.fetcher import Fetcher, FetchPolicy, FetchResult

GIVEN, ANNOUNCED, USUAL = "given", "announced", "usual place"


@dataclasses.dataclass(frozen=True)
class FoundFeed:
    url: str  # as it will be stored: the candidate's URL, not where it redirected
    title: str  # the feed's own title, else the title the page gave its link
    found_as: str  # GIVEN (the URL is a feed), ANNOUNCED (a <link> of the page), USUAL


@dataclasses.dataclass(frozen=True)
class Discovery:
    """What a URL led to: the feeds (in the order they should be offered) and each candidate
    that was not one, with why."""

    url: str
    feeds: list[FoundFeed]
    rejected: list[tuple[str, str]]  # (candidate URL, why it is not a feed)
    announced: int  # feed links the page had (0 for a feed, or a page with none)


class Discoverer:
    """``async with Discoverer(settings) as d: discovery = await d.discover(url)``."""

    def __init__(self, settings: Settings, *, fetcher: Fetcher | None = None) -> None:
        self._settings = settings
        self._fetcher = fetcher or Fetcher(FetchPolicy.from_settings(settings))
        self._parsers: FeedParsers | None = None

    async def __aenter__(self) -> Discoverer:
        await self._fetcher.__aenter__()
        self._parsers = FeedParsers(self._settings, processes=1)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._fetcher.aclose()
        if self._parsers is not None:
            self._parsers.close()

    async def discover(self, url: str) -> Discovery:
        """The feeds at ``url``. Raises :class:`FetchError` when ``url`` itself cannot be
        fetched, :class:`FeedParseError` when it is neither a feed nor an HTML page."""
        page = await self._fetch(url, self._settings.max_page_bytes)
        try:
            feed = await self._parse(page, url)
        except FeedParseError as exc:
            if not _is_html(page):
                raise FeedParseError(f"{url} is neither a feed nor a web page: {exc}") from None
        else:
            return Discovery(url, [FoundFeed(url, clean_title(feed.title), GIVEN)], [], 0)
        # a large page takes a while to parse: not on the event loop (the API's)
        links = await asyncio.to_thread(
            feed_links, page.body, url=page.url, content_type=page.content_type
        )
        feeds, rejected = await self._verify(links, ANNOUNCED)
        if not feeds:  # nothing announced works: the usual places
            guesses = [FeedLink(u, "", "") for u in usual_feed_urls(page.url)]
            more, not_there = await self._verify(guesses, USUAL)
            feeds, rejected = more, rejected + not_there
        return Discovery(url, feeds, rejected, len(links))

    async def _verify(
        self, links: list[FeedLink], found_as: str
    ) -> tuple[list[FoundFeed], list[tuple[str, str]]]:
        outcomes = await asyncio.gather(*(self._check(link) for link in links))
        feeds: list[FoundFeed] = []
        rejected: list[tuple[str, str]] = []
        seen: set[str] = set()
        for link, (outcome, final) in zip(links, outcomes, strict=True):
            if isinstance(outcome, str):
                rejected.append((link.url, outcome))
            elif feed_identity(final) not in seen:  # /feed and /rss often lead to one feed
                seen.add(feed_identity(final))
                feeds.append(
                    FoundFeed(link.url, clean_title(outcome.title) or link.title, found_as)
                )
        return feeds, rejected

    async def _check(self, link: FeedLink) -> tuple[ParsedFeed | str, str]:
        """The parsed feed at the link and where it ended up, or why it is not a feed."""
        try:
            result = await self._fetch(link.url, self._settings.max_feed_bytes)
            return await self._parse(result, link.url), result.url
        except (FetchError, FeedParseError) as exc:
            return str(exc), link.url

    async def _fetch(self, url: str, max_bytes: int) -> FetchResult:
        return await self._fetcher.fetch(url, max_bytes=max_bytes)

    async def _parse(self, result: FetchResult, url: str) -> ParsedFeed:
        assert self._parsers is not None, "use `async with`"
        return await self._parsers.parse(result.body, url=url, content_type=result.content_type)


def _is_html(result: FetchResult) -> bool:
    media_type = result.content_type.split(";", 1)[0].strip().lower()
    if media_type in ("text/html", "application/xhtml+xml"):
        return True
    head = result.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<head" in head


def discover(url: str, settings: Settings) -> Discovery:
    """:meth:`Discoverer.discover` for a command line."""

    async def run() -> Discovery:
        async with Discoverer(settings) as discoverer:
            return await discoverer.discover(url)

    return asyncio.run(run())
