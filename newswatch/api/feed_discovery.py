"""``POST /api/feeds?discover=1``: the ``url`` may be a site's page, as with ``newswatch feeds
add``. It is fetched through the guarded fetcher; a feed is added under its own title (unless
the body names it), a page's first working feed is added instead of the page. The answer
says what was found (``discovery``). When nothing is found the answer is a 422 on ``url``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from newswatch.api.errors import ApiError
from newswatch.core.discovery import USUAL_PATHS
from newswatch.core.errors import FeedParseError, FetchError
from newswatch.core.problems import InvalidInput, Problem
from newswatch.discovering import Discoverer, Discovery


def wants_discovery(request: Request) -> bool:
    value = request.query_params.get("discover", "")
    if value not in ("", "0", "1", "true", "false"):
        raise ApiError(400, f"invalid discover {value[:40]!r}: expected 1 or 0")
    return value in ("1", "true")


def _refused(message: str) -> InvalidInput:
    return InvalidInput([Problem(("url",), message)], what="feed")


async def discovered_body(request: Request, body: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The body with ``url`` (and ``name``, unless given) of the feed found at its ``url``,
    and what was found, for the answer. The body has been validated as a feed already."""
    url = body["url"]
    try:
        async with Discoverer(request.app.state.settings) as discoverer:
            discovery = await discoverer.discover(url)
    except (FetchError, FeedParseError) as exc:
        raise _refused(f"cannot discover a feed at {url!r}: {exc}") from None
    if not discovery.feeds:
        announced = "none of its feed links works" if discovery.announced else "it announces none"
        raise _refused(
            f"no feed found at {url!r}: {announced}, nor is one at {', '.join(USUAL_PATHS)}"
        )
    found = discovery.feeds[0]
    chosen = {**body, "url": found.url}
    if "name" not in body and found.title:
        chosen["name"] = found.title
    return chosen, _view(discovery)


def _view(discovery: Discovery) -> dict[str, Any]:
    return {
        "url": discovery.url,
        "announced": discovery.announced,
        "found": [
            {"url": f.url, "title": f.title, "found_as": f.found_as} for f in discovery.feeds
        ],
        "not_feeds": [{"url": url, "why": why} for url, why in discovery.rejected],
    }
