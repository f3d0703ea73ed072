"""Why a query matches a document or not, clause by clause, in words.

``explain`` evaluates the query with the reference evaluator (so it can never disagree with
what the matcher would do) and describes every clause: the words it found with their field and
offsets, or what was missing. For a miss, ``failed`` names the clauses that made it fail, the
innermost ones first reached from the top: a near miss (a phrase whose words are all there but
apart, a NEAR a few words too far, an exclusion that struck) reads as such.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from newswatch.core.language import language_code
from newswatch.core.query.ast import And, Meta, Near, Node, Not, Words, positive_words, to_query
from newswatch.core.query.compiled import Query, as_query
from newswatch.core.query.document import WORD_FIELDS, MatchDocument
from newswatch.core.query.evaluator import (
    Occurrences,
    evaluate,
    fields_of,
    hits,
    occurrences,
)
from newswatch.core.query.highlight import Highlight, highlight, select

_FIELD_NAMES = {"title": "the title", "text": "the text", "feed": "the feed name"}


@dataclasses.dataclass(frozen=True)
class Clause:
    """One clause of the query: whether it matched and why, in words."""

    kind: str  # words, meta, and, or, not, near
    query: str  # the clause, written as query text
    matched: bool
    reason: str
    children: tuple[Clause, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "query": self.query,
            "matched": self.matched,
            "reason": self.reason,
            "children": [c.to_dict() for c in self.children],
        }


@dataclasses.dataclass(frozen=True)
class Explanation:
    """The verdict on one document.

    ``highlights``: what a match reports (the occurrences of the clauses that fired, as an
    alert carries them); empty for a miss. ``found``: every occurrence of the query's terms
    in the document, whether the query matched or not. ``failed``: for a miss, why, one
    sentence per failing clause.
    """

    query: str
    matched: bool
    highlights: tuple[Highlight, ...]
    found: tuple[Highlight, ...]
    failed: tuple[str, ...]
    clause: Clause

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "matched": self.matched,
            "highlights": [h.to_dict() for h in self.highlights],
            "found": [h.to_dict() for h in self.found],
            "failed": list(self.failed),
            "clause": self.clause.to_dict(),
        }

    def __str__(self) -> str:
        lines = [f"{'MATCH' if self.matched else 'NO MATCH'}: {self.query}"]
        lines += [f"  missed: {reason}" for reason in self.failed]
        lines += [
            f'  found {h.term!s} in {h.field} at {h.start}-{h.end}: "{h.text}"' for h in self.found
        ]
        return "\n".join(lines)


def explain(
    query: str | Query, document: MatchDocument, languages: Iterable[str] = ()
) -> Explanation:
    """Explain whether ``query`` matches ``document``. ``languages``: the topic's language
    filter (an article of unknown language passes it). Raises QueryError for a query that
    does not parse."""
    parsed = as_query(query)
    clause = _clause(parsed.root, document)
    failed = _failures(clause)
    wanted = {language_code(lang) for lang in languages if lang.strip()}
    if wanted and document.language and document.language not in wanted:
        failed.insert(
            0,
            f"the topic takes articles in {', '.join(sorted(wanted))}; "
            f"this one is in {document.language}",
        )
    matched = not failed
    fired = hits(parsed.root, document) if matched else []
    return Explanation(
        query=parsed.text,
        matched=matched,
        highlights=select(highlight(document, h.words.text, h.field, h.span) for h in fired),
        found=_found(parsed.root, document),
        failed=tuple(failed),
        clause=clause,
    )


def _found(root: Node, doc: MatchDocument) -> tuple[Highlight, ...]:
    """Every occurrence of the positive terms; the words of a phrase one by one where the
    phrase itself does not occur (what a near miss needs to show)."""
    every = []
    for words in positive_words(root):
        for field in fields_of(words):
            index = doc.field(field)
            spans = index.find(words.words)
            every += [highlight(doc, words.text, field, span) for span in spans]
            if not spans and len(words.words) > 1:
                every += [
                    highlight(doc, str(word), field, span)
                    for word in words.words
                    for span in index.find((word,))
                ]
    return select(every)


def _failures(clause: Clause) -> list[str]:
    if clause.matched:
        return []
    if clause.kind == "and":  # say which parts failed rather than that some did
        return [r for child in clause.children for r in _failures(child)]
    return [clause.reason]


def _clause(node: Node, doc: MatchDocument) -> Clause:
    matched = evaluate(node, doc)
    text = to_query(node)
    if isinstance(node, Words):
        return Clause("words", text, matched, _words_reason(node, doc, matched))
    if isinstance(node, Meta):
        return Clause("meta", text, matched, _meta_reason(node, doc, matched))
    if isinstance(node, Not):
        child = _clause(node.child, doc)
        reason = (
            f"excluded, and absent: {child.query}"
            if matched
            else f"excluded, but present: {child.reason}"
        )
        return Clause("not", text, matched, reason, (child,))
    if isinstance(node, Near):
        sides = (_clause(node.left, doc), _clause(node.right, doc))
        reason = _near_reason(node, doc, matched, sides)
        return Clause("near", text, matched, reason, sides)
    children = tuple(_clause(c, doc) for c in node.children)
    hit = sum(c.matched for c in children)
    if isinstance(node, And):
        reason = (
            f"all {len(children)} parts match"
            if matched
            else f"{len(children) - hit} of {len(children)} parts fail"
        )
        return Clause("and", text, matched, reason, children)
    reason = (
        f"{hit} of {len(children)} alternatives match"
        if matched
        else f"none of {len(children)} alternatives matches: "
        + "; ".join(c.reason for c in children)
    )
    return Clause("or", text, matched, reason, children)


def _where(fields: Iterable[str]) -> str:
    return " or ".join(_FIELD_NAMES[f] for f in fields)


def _words_reason(node: Words, doc: MatchDocument, matched: bool) -> str:
    fields = fields_of(node)
    term = to_query(dataclasses.replace(node, field=None))
    if matched:
        where = [f for f in fields if doc.field(f).find(node.words)]
        count = sum(len(doc.field(f).find(node.words)) for f in where)
        return f"{term} found in {_where(where)} ({count}x)"
    elsewhere = [f for f in WORD_FIELDS if f not in fields and doc.field(f).find(node.words)]
    if elsewhere:
        return f"{term} occurs in {_where(elsewhere)}, not in {_where(fields)}"
    missing = [w for w in node.words if not any(doc.field(f).has(w) for f in fields)]
    if len(node.words) > 1 and not missing:
        together = [f for f in fields if all(doc.field(f).has(w) for w in node.words)]
        if not together:
            return f"the words of {term} never occur together in one field"
        return f"every word of {term} occurs in {_where(together)}, but never in a row"
    if len(node.words) > 1:
        return f"{term}: {', '.join(str(w) for w in missing)} does not occur in {_where(fields)}"
    if node.words[0].prefix:
        return f"no word starting with '{node.words[0].word}' in {_where(fields)}"
    return f"{term} does not occur in {_where(fields)}"


def _meta_reason(node: Meta, doc: MatchDocument, matched: bool) -> str:
    if node.field == "lang":
        if matched:
            return f"the article is in {doc.language}"
        if not doc.language:
            return f"the article's language is unknown, not {node.value}"
        return f"the article is in {doc.language}, not {node.value}"
    if node.field == "source":
        if matched:
            return f"the article comes from {doc.source}"
        return f"the article comes from {doc.source or 'an unknown site'}, not {node.value}"
    if matched:
        return f"the URL contains '{node.value}'"
    return f"the URL does not contain '{node.value}'"


def _near_reason(node: Near, doc: MatchDocument, matched: bool, sides: tuple[Clause, ...]) -> str:
    left, right = (to_query(n) for n in (node.left, node.right))
    op = f"{'ONEAR' if node.ordered else 'NEAR'}/{node.distance}"
    if matched:
        where = [f for f in WORD_FIELDS if occurrences(node, doc, f)]
        return f"{left} {op} {right} found in {_where(where)}"
    absent = [side for side in sides if not side.matched]
    if absent:
        return "; ".join(side.reason for side in absent)
    gaps = []
    shared = False
    for field in WORD_FIELDS:
        lefts = occurrences(node.left, doc, field)
        rights = occurrences(node.right, doc, field)
        if lefts and rights:
            shared = True
            gap = Occurrences(lefts).gap(Occurrences(rights), node.ordered)
            if gap is not None:
                gaps.append((gap, field))
    if not shared:
        return f"{left} and {right} both occur, but never in the same field"
    if not gaps:
        return f"{left} and {right} both occur, but never with {left} first"
    gap, field = min(gaps)
    first = f", {left} first" if node.ordered else ""
    return (
        f"{left} and {right} both occur, but at best {gap} words apart in {_FIELD_NAMES[field]}"
        f"{first} (at most {node.distance} allowed)"
    )
