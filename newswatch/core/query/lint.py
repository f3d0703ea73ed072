"""Warnings about queries that parse but probably do not mean what their author wants.

``lint`` never refuses a query (``parse_query`` does that); it points at likely mistakes with
the position in the query and a hint, for ``check``, ``apply``, the API and ``topics test``.
"""

from __future__ import annotations

import dataclasses
import math
import re

from newswatch.core.query.ast import And, Meta, Near, Node, Not, Or, Words, positive_words
from newswatch.core.query.compiled import Query, as_query
from newswatch.core.query.lexer import Kind, tokenize_query
from newswatch.core.query.rarity import Rarity, news_rarity

# a prefix matching this many of the table's common news words matches thousands in the wild
BROAD_PREFIX = 40
# a topic whose words are all this common...
COMMON_WORD = 0.05
# ...and that would match this share of news articles is flagged
COMMON_TOPIC = 0.10

_OPERATOR_WORDS = {"and": "AND", "or": "OR", "not": "NOT"}
_NEAR_WORD = re.compile(r"(o?near)(?:/(.*))?", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class LintWarning:
    code: str  # lowercase-operator, near-distance, broad-wildcard, common-words
    message: str
    position: int  # 0-based offset in the query
    hint: str

    def __str__(self) -> str:
        return f"{self.message} at position {self.position + 1} ({self.hint})"


def lint(query: str | Query, rarity: Rarity | None = None) -> list[LintWarning]:
    """Warnings for ``query``, in query order. Raises QueryError if it does not parse."""
    parsed = as_query(query)
    rarity = rarity or news_rarity()
    warnings = _operator_words(parsed.text)
    warnings += _broad_wildcards(parsed, rarity)
    warnings += _common_words(parsed.root, rarity)
    return sorted(warnings, key=lambda w: w.position)


def _operator_words(query: str) -> list[LintWarning]:
    warnings = []
    for tok in tokenize_query(query):
        if tok.kind is not Kind.WORD:
            continue
        word = tok.text
        if word.lower() in _OPERATOR_WORDS:
            op = _OPERATOR_WORDS[word.lower()]
            warnings.append(
                LintWarning(
                    "lowercase-operator",
                    f"'{word}' is searched for as a word, not used as the operator {op}",
                    tok.position,
                    f'operators are upper case: write {op}; to search for the word, write "{word}"',
                )
            )
            continue
        near = _NEAR_WORD.fullmatch(word)
        if near is None:
            continue
        name, distance = near.group(1), near.group(2)
        op = name.upper()
        if distance is not None and not distance.isdigit():
            message = f"'{word}' is searched for as words: the {op} distance must be a number"
            hint = f"write it like {op}/5 (at most 5 words apart)"
        else:
            message = f"'{word}' is searched for as a word, not used as the operator {op}"
            hint = f"operators are upper case: write {op}/{distance or 5}"
        warnings.append(LintWarning("near-distance", message, tok.position, hint))
    return warnings


def _broad_wildcards(query: Query, rarity: Rarity) -> list[LintWarning]:
    warnings = []
    for words in _all_words(query.root):
        star = words.position
        for pattern in words.words:
            if not pattern.prefix:
                continue
            star = query.text.find("*", star)
            common = rarity.words_starting(pattern.word)
            if len(common) >= BROAD_PREFIX:
                examples = ", ".join(common[:4])
                warnings.append(
                    LintWarning(
                        "broad-wildcard",
                        f"'{pattern}' matches {len(common)} different words of everyday news "
                        f"({examples}, …)",
                        max(star - len(pattern.word), words.position),
                        "give more letters before *, or list the words you mean with OR",
                    )
                )
            star += 1
    return warnings


def _common_words(root: Node, rarity: Rarity) -> list[LintWarning]:
    words = positive_words(root)
    # a phrase is a deliberate choice, however common its words
    if not words or any(
        len(w.words) > 1 or rarity.pattern_share(w.words[0]) < COMMON_WORD for w in words
    ):
        return []
    share = _share(root, rarity)
    if share < COMMON_TOPIC:
        return []
    return [
        LintWarning(
            "common-words",
            f"every word of this topic is common: it would match about {math.ceil(share * 100)}%"
            " of news articles",
            words[0].position,
            "add a rarer word, a name or a phrase that the articles you want share",
        )
    ]


def _share(node: Node, rarity: Rarity) -> float:
    """The share of news articles the node would match if words occurred independently."""
    if isinstance(node, Words):
        return min(rarity.pattern_share(p) for p in node.words)
    if isinstance(node, Meta):
        return 1.0  # unknown from words alone: no reason to warn
    if isinstance(node, Not):
        return 1.0 - _share(node.child, rarity)
    if isinstance(node, Near):
        return _share(node.left, rarity) * _share(node.right, rarity)
    if isinstance(node, And):
        return math.prod(_share(c, rarity) for c in node.children)
    assert isinstance(node, Or)
    return 1.0 - math.prod(1.0 - _share(c, rarity) for c in node.children)


def _all_words(node: Node) -> list[Words]:
    if isinstance(node, Words):
        return [node]
    if isinstance(node, Meta):
        return []
    if isinstance(node, Not):
        return _all_words(node.child)
    if isinstance(node, Near):
        return _all_words(node.left) + _all_words(node.right)
    return [w for c in node.children for w in _all_words(c)]
