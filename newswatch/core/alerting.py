"""What a stored article raises for a topic that matched it: the alert, as the worker and a
backfill build it (one function, so both write the same JSON)."""

from __future__ import annotations

from collections.abc import Sequence

from newswatch.core.models import Alert, Article
from newswatch.core.query import MatchDocument, TopicMatch
from newswatch.core.snippet import Snippets


def article_document(article: Article) -> MatchDocument:
    """A stored article prepared for matching, as the worker matched it."""
    return MatchDocument.build(
        title=article.title,
        text=article.text,
        language=article.language,
        source=article.source,
        url=article.url,
        feed=article.feed_name,
    )


def alerts_of(
    matches: Sequence[TopicMatch], article: Article, story_id: str, now: str
) -> list[Alert]:
    """The alerts of all the topics that matched ``article``, with one snippet maker for
    them all (topics that found the same words share their snippet)."""
    snippets = Snippets(article.text)
    return [alert_of(m, article, story_id, now, snippets=snippets) for m in matches]


def alert_of(
    match: TopicMatch,
    article: Article,
    story_id: str,
    now: str,
    *,
    backfilled: bool = False,
    snippets: Snippets | None = None,
) -> Alert:
    """The alert of ``match`` on ``article`` (of story ``story_id``) raised at ``now`` (ISO);
    ``backfilled`` when it was raised for an article stored before its topic existed;
    ``snippets``: the article's snippet maker when it raised other alerts too."""
    # the highlights carry the offsets: a snippet is a cut, no search of the text
    snippet = (snippets or Snippets(article.text)).make(match.highlights)
    return Alert(
        id=Alert.make_id(match.topic, story_id),
        topic=match.topic,
        created_at=now,
        matched=list(match.matched),
        snippet=snippet.text,
        article=article.summary(),
        highlights=[h.to_dict() for h in match.highlights],
        snippet_marks=[list(m) for m in snippet.marks],
        story_id=story_id,
        backfilled=backfilled,
    )
