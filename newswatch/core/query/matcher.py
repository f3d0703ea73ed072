"""Match one document against many topics at once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from newswatch.core.errors import QueryError
from newswatch.core.language import language_code
from newswatch.core.query.compiled import Query, parse_query
from newswatch.core.query.document import MatchDocument
from newswatch.core.query.evaluator import evaluate, hits
from newswatch.core.query.highlight import Highlight, highlight, matched_words, select
from newswatch.core.query.index import TopicIndex


@dataclasses.dataclass(frozen=True)
class TopicSpec:
    name: str
    query: str
    languages: tuple[str, ...] = ()  # two-letter codes; empty: every language


@dataclasses.dataclass(frozen=True)
class TopicMatch:
    """A topic that matched a document, with what it found there: ``matched`` lists the
    distinct words as the article writes them (not the query's patterns); ``highlights``
    every occurrence (field, offsets) of the clauses that fired."""

    topic: str
    matched: list[str]
    highlights: tuple[Highlight, ...] = ()


@dataclasses.dataclass(frozen=True)
class _Topic:
    name: str
    query: Query
    languages: frozenset[str]

    def accepts(self, language: str) -> bool:
        # an article of unknown language is never filtered out
        return not self.languages or not language or language in self.languages


class TopicMatcher:
    """All topics compiled once; ``match`` evaluates only the candidates a document triggers."""

    def __init__(self, specs: Iterable[TopicSpec]) -> None:
        self._topics = tuple(_compile(spec) for spec in specs)
        self._index = TopicIndex([t.query.root for t in self._topics])

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(t.name for t in self._topics)

    def __len__(self) -> int:
        return len(self._topics)

    def candidates(self, doc: MatchDocument) -> list[int]:
        """The numbers of the topics presearch picks for ``doc`` (what ``match`` evaluates)."""
        return self._index.candidates(doc)

    def match(self, doc: MatchDocument) -> list[TopicMatch]:
        """The topics that match ``doc``, in the order they were given."""
        found: list[TopicMatch] = []
        for number in self._index.candidates(doc):
            topic = self._topics[number]
            if not topic.accepts(doc.language):
                continue
            if evaluate(topic.query.root, doc):
                fired = hits(topic.query.root, doc)
                highlights = select(
                    (highlight(doc, h.words.text, h.field, h.span) for h in fired), nested=False
                )
                found.append(TopicMatch(topic.name, matched_words(highlights), highlights))
        return found


def _compile(spec: TopicSpec) -> _Topic:
    try:
        query = parse_query(spec.query)
    except QueryError as err:
        raise QueryError(
            f"topic '{spec.name}': {_detail(err)}",
            query=err.query,
            position=err.position,
            hint=err.hint,
        ) from err
    # a lone string ("en") is one language, not the letters "e" and "n"
    given = (spec.languages,) if isinstance(spec.languages, str) else spec.languages
    languages = frozenset(language_code(lang) for lang in given if lang.strip())
    return _Topic(spec.name, query, languages)


def _detail(err: QueryError) -> str:
    """The message of a QueryError without the position and hint it appends."""
    suffix = f" at position {err.position + 1}" + (f" ({err.hint})" if err.hint else "")
    return err.message.removesuffix(suffix)
