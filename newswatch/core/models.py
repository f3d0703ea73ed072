"""The small data contracts that travel between stages (and through Redis as JSON).

Every model is a frozen dataclass of primitive fields with ``to_dict``/``from_dict``; times are
ISO-8601 strings in UTC (the clock lives at the edges, not here).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from typing import Any, Self


class _Model:
    """to_dict/from_dict for flat dataclasses; unknown keys are ignored on the way in."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload, no-any-return]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})


def short_hash(*parts: str, length: int = 20) -> str:
    """A stable id made of ``[0-9a-f]`` from the given parts (safe for keys and job ids)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclasses.dataclass(frozen=True)
class FeedItem(_Model):
    """One entry of a parsed feed."""

    key: str  # identity within the feed: the GUID, else the canonical URL
    url: str  # the article link ("" when the entry has none)
    title: str = ""
    summary: str = ""
    content_html: str = ""  # full text when the feed carries it (content:encoded, atom content)
    published_at: str | None = None
    author: str = ""
    language: str = ""


@dataclasses.dataclass(frozen=True)
class ArticleJob(_Model):
    """What the scheduler hands to a worker for one new article."""

    article_id: str
    feed_id: str
    feed_name: str
    url: str  # final URL of the page (after redirects), else the item link
    item_key: str
    title: str = ""
    published_at: str | None = None
    author: str = ""
    language: str = ""
    summary: str = ""  # the feed's summary of the item (plain text): matched for short items
    charset: str = ""  # charset label of the page response's Content-Type ("" when none)
    page_key: str | None = None  # Redis key holding the compressed HTML, None if absent
    from_feed_content: bool = False  # True when the HTML is the feed's own full text
    queued_at: str = ""
    discovered_at: str = ""  # when a poll found the item (ISO 8601, milliseconds): freshness


# the article fields every alert carries: part of the public contract, added to, never renamed
ALERT_ARTICLE_FIELDS = (
    "id",
    "url",
    "canonical_url",
    "title",
    "source",
    "published_at",
    "language",
)


@dataclasses.dataclass(frozen=True)
class Article(_Model):
    """An extracted article, as stored and served by the API."""

    id: str
    url: str
    canonical_url: str
    title: str
    source: str  # the registered domain of the article
    published_at: str | None
    language: str
    author: str
    text: str
    fingerprint: str  # hash of the normalised text
    feed_id: str
    feed_name: str
    extracted_at: str
    story_id: str = ""  # the story it belongs to ("" in articles stored before stories)

    def summary(self) -> dict[str, Any]:
        """The article fields an alert carries (the alert contract)."""
        return {name: getattr(self, name) for name in ALERT_ARTICLE_FIELDS}


@dataclasses.dataclass(frozen=True)
class Alert(_Model):
    """One topic matched by a story: raised by the first of its articles that matched
    (``article``). The JSON contract users rely on: fields are only ever added, never
    renamed."""

    id: str
    topic: str
    created_at: str
    matched: list[str]  # the words found in the article, as it writes them
    snippet: str
    article: dict[str, Any]
    # where the found words stand: {field, start, end, text, term}, offsets into the
    # article's title or text (see newswatch.core.query.Highlight)
    highlights: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    # [start, end) of the found words inside ``snippet``, to show them marked
    snippet_marks: list[list[int]] = dataclasses.field(default_factory=list)
    # the story and the outlets carrying it, as of the last update (read from the story)
    story_id: str = ""
    sources: list[str] = dataclasses.field(default_factory=list)
    sources_count: int = 0
    updated_at: str = ""
    latest_article: dict[str, Any] = dataclasses.field(default_factory=dict)
    # raised for an article stored before its topic was added (``topics add --backfill``)
    backfilled: bool = False

    @staticmethod
    def make_id(topic: str, story_id: str) -> str:
        """Deterministic, so a story can never be alerted twice for one topic."""
        return short_hash("alert", topic, story_id)


@dataclasses.dataclass(frozen=True)
class Story(_Model):
    """The copies of one news story across outlets: named after its first article."""

    id: str
    title: str  # representative: the first non-empty headline of its articles
    first_seen: str
    updated_at: str
    first_article: dict[str, Any]  # ALERT_ARTICLE_FIELDS of the first article
    latest_article: dict[str, Any]
    sources: list[str]  # publisher domains, in the order they carried it
    articles: list[str]  # article ids, in the order they arrived

    @property
    def sources_count(self) -> int:
        return len(self.sources)


class EventKind(enum.StrEnum):
    CREATED = "created"  # a new alert
    UPDATED = "updated"  # an alert's story gained sources


@dataclasses.dataclass(frozen=True)
class AlertEvent(_Model):
    """One entry of the alert event stream: an alert was created, or its story gained
    sources (``new_sources``, in the order they arrived). ``id`` is the stream entry id,
    the position a reader acknowledges or resumes after."""

    id: str
    kind: str  # an EventKind value
    alert_id: str
    topic: str
    story_id: str = ""
    sources_count: int = 0
    new_sources: list[str] = dataclasses.field(default_factory=list)
    article_id: str = ""  # the article whose arrival caused the event
    at: str = ""
