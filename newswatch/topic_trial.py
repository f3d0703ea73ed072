"""Trying a query before saving it: ``topics test`` on one text, page or stored article, and
``topics backtest`` over the stored articles of the last days; shared by the CLI and the API.

The query is validated exactly as the catalogue validates a topic (the same positioned
problems) and linted (warnings, never refusals). Matching uses the worker's own matcher and
explanation (:mod:`newswatch.core.query`), on the article as the worker would see it.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from newswatch import topics as topic_pack
from newswatch.config import Settings
from newswatch.core.backtest import MAX_SAMPLE, SAMPLE, Backtest, days_between
from newswatch.core.errors import NewswatchError, NotFoundError
from newswatch.core.extract import extract_article
from newswatch.core.models import Article
from newswatch.core.pack import matcher_query
from newswatch.core.problems import InvalidInput, Problem
from newswatch.core.query import Explanation, MatchDocument, Query, explain, lint
from newswatch.core.urls import source_of
from newswatch.core.validate import check_topic
from newswatch.store.articles import ArticleStore

MAX_DAYS = 3650  # the longest retention_days allows
MAX_TEXT_CHARS = 1_000_000


class TrialError(NewswatchError):
    """The sample to test on cannot be had (no such article, a page that does not extract)."""

    reason = "trial"


@dataclasses.dataclass(frozen=True)
class TrialQuery:
    """A validated query with the topic's language filter and its lint warnings."""

    query: str | Query  # a pack topic's comes parsed (newswatch.core.pack.matcher_query)
    languages: tuple[str, ...]
    warnings: tuple[Problem, ...]


def trial_query(raw: dict[str, Any]) -> TrialQuery:
    """``raw`` holds ``query`` or ``pack``, and optionally ``languages``: checked as a topic's
    fields are (InvalidInput with the same positioned problems otherwise), then linted."""
    fields: dict[str, Any] = {"name": "trial"}
    fields.update((k, raw[k]) for k in ("query", "pack", "languages") if k in raw)
    topic, problems = check_topic(fields, packs=topic_pack.lookup)
    errors = [p for p in problems if p.severity == "error"]
    if topic is None or errors:
        raise InvalidInput(errors, what="query")
    query = matcher_query(topic.query, topic.pack, topic_pack.load_pack())
    return TrialQuery(query, topic.languages, tuple(lint_problems(query)))


def lint_problems(query: str | Query) -> list[Problem]:
    """The query's lint warnings as problems of the ``query`` field (severity warning)."""
    return [
        Problem(("query",), str(w), position=w.position, hint=w.hint, severity="warning")
        for w in lint(query)
    ]


# -- one sample ------------------------------------------------------------------------------


def document_of_text(
    text: str, *, title: str = "", language: str = "", url: str = ""
) -> MatchDocument:
    if len(text) > MAX_TEXT_CHARS:
        raise TrialError(f"the text has {len(text)} characters, over the {MAX_TEXT_CHARS} tested")
    return MatchDocument.build(
        title=title, text=text, language=language, url=url, source=_source(url)
    )


def document_of_page(html: bytes, *, url: str, settings: Settings) -> MatchDocument:
    """A page as the worker reads it: its main text extracted, its title and language."""
    try:
        page = extract_article(html, url=url, max_bytes=settings.max_page_bytes)
    except NewswatchError as exc:
        raise TrialError(f"cannot extract an article from {url or 'the page'}: {exc}") from None
    return MatchDocument.build(
        title=page.title, text=page.text, language=page.language, url=url, source=_source(url)
    )


def document_of_file(path: Path, *, settings: Settings, title: str = "") -> MatchDocument:
    """A saved page (``.html``/``.htm``, or content that starts like HTML) is extracted;
    anything else is plain text."""
    try:
        with path.open("rb") as handle:
            data = handle.read(settings.max_page_bytes + 1)
    except OSError as exc:
        raise TrialError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > settings.max_page_bytes:
        raise TrialError(f"{path} is over the {settings.max_page_bytes} byte cap (max_page_bytes)")
    if path.suffix.lower() in (".html", ".htm") or data.lstrip()[:1] == b"<":
        return document_of_page(data, url=path.resolve().as_uri(), settings=settings)
    return document_of_text(data.decode("utf-8", errors="replace"), title=title)


def stored_article(client: redis.Redis, article_id: str) -> Article:
    article = ArticleStore(client).get(article_id)
    if article is None:
        raise NotFoundError(
            f"no stored article {article_id!r} (articles are kept for retention_days; "
            "ids are in GET /api/articles and in alerts)"
        )
    return article


def try_query(trial: TrialQuery, document: MatchDocument) -> Explanation:
    return explain(trial.query, document, trial.languages)


def _source(url: str) -> str:
    try:
        return source_of(url) if url.startswith(("http://", "https://")) else ""
    except NewswatchError:
        return ""


def explanation_view(trial: TrialQuery, result: Explanation) -> dict[str, Any]:
    """The JSON of a test: the verdict, the words found with their places, why it missed,
    the lint warnings."""
    return {**result.to_dict(), "warnings": [w.to_dict() for w in trial.warnings]}


# -- backtest --------------------------------------------------------------------------------


def backtest(
    client: redis.Redis,
    trial: TrialQuery,
    *,
    days: int,
    sample: int = SAMPLE,
    now: float | None = None,
) -> dict[str, Any]:
    """The query over the articles stored in the last ``days`` days: matches per day, a
    sample of the newest matching titles, and how long it took."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be from 1 to {MAX_DAYS}, got {days}")
    sample = max(0, min(sample, MAX_SAMPLE))
    started = time.perf_counter()
    until = time.time() if now is None else now
    since = until - days * 86400
    first = datetime.fromtimestamp(since, UTC).date()
    run = Backtest(
        trial.query,
        trial.languages,
        days=days_between(first, datetime.fromtimestamp(until, UTC).date()),
        sample_size=sample,
    )
    for batch in ArticleStore(client).window(since, until):
        run.add(batch)
    return {
        **run.to_dict(),
        "days": days,
        "since": datetime.fromtimestamp(since, UTC).isoformat(timespec="seconds"),
        "until": datetime.fromtimestamp(until, UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 3),
        "warnings": [w.to_dict() for w in trial.warnings],
    }
