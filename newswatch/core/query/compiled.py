"""A parsed query: its text, its tree, and what it matches in a document."""

from __future__ import annotations

import dataclasses

from newswatch.core.query.ast import Node, Words, positive_words, quick_init
from newswatch.core.query.document import MatchDocument
from newswatch.core.query.evaluator import evaluate, is_present
from newswatch.core.query.parser import MAX_QUERY_LENGTH, parse_tree
from newswatch.core.text import fold


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Query:
    text: str
    root: Node

    def terms(self) -> list[str]:
        """The positive terms and phrases as written (no field prefix), deduplicated."""
        return [w.text for w in self._reported()]

    def evaluate(self, doc: MatchDocument) -> list[str] | None:
        """None when the document does not match; else the positive terms present in it.

        The list can be empty when only metadata (``lang:``, ``source:``, ``url:``) matched.
        """
        if not evaluate(self.root, doc):
            return None
        return [w.text for w in self._reported() if is_present(w, doc)]

    def _reported(self) -> list[Words]:
        """Positive words in query order, one per folded spelling; feed: scopes left out."""
        seen: set[str] = set()
        found: list[Words] = []
        for words in positive_words(self.root):
            key = fold(words.text)
            if words.field != "feed" and key not in seen:
                seen.add(key)
                found.append(words)
        return found


def parse_query(text: str, *, max_length: int = MAX_QUERY_LENGTH) -> Query:
    """Parse a topic query; raises QueryError (with position and hint) when it is malformed
    or longer than ``max_length`` characters (by default the cap on what people send)."""
    return Query(text, parse_tree(text, max_length))


def as_query(query: str | Query) -> Query:
    """``query`` parsed: text under the cap on what people send, a Query as it is (parsed
    already by whoever may allow more, such as the topic pack)."""
    return parse_query(query) if isinstance(query, str) else query


def query_text(query: str | Query) -> str:
    """The text of ``query``, parsed or not."""
    return query if isinstance(query, str) else query.text
