"""The syntax tree of a topic query.

Every node is a frozen dataclass; positions (0-based offsets in the query) are kept for error
messages but left out of equality. ``describe`` renders a tree as a compact s-expression, which
is how tests state the shape a query parses into.

Growing the language means adding a node type here, a case in the parser and a case in the
evaluator; nothing else changes.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """``cls``, a frozen dataclass with slots, with an ``__init__`` that fills the slots
    through their descriptors: the one dataclasses writes for a frozen class calls
    ``object.__setattr__`` by name for each field, three times as long, and compiling a
    catalogue makes hundreds of thousands of nodes. Same signature, same values."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    namespace: dict[str, Any] = {}
    params = []
    for f in fields:
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is dataclasses.MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"    _set_{f.name}(self, {f.name})\n" for f in fields)
    exec(f"def __init__(self, {', '.join(params)}):\n{body}", namespace)  # noqa: S102
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class WordPattern:
    """One folded word of a term or phrase; ``prefix`` when written with a trailing ``*``."""

    word: str
    prefix: bool = False

    def __str__(self) -> str:
        return self.word + ("*" if self.prefix else "")


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Words:
    """A term or a phrase: consecutive words in a token field.

    ``field`` is "title", "text" or "feed", or None for the default scope (title and text).
    A bare term that folds to several words (``Jean-Luc``, ``U.S.``) is a phrase too.
    """

    words: tuple[WordPattern, ...]
    text: str  # as written in the query, without quotes: reported as "matched"
    field: str | None = None
    quoted: bool = False
    position: int = dataclasses.field(default=0, compare=False)


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Meta:
    """A value compared with document metadata: ``source:``, ``url:``, ``lang:``."""

    field: str
    value: str  # folded
    position: int = dataclasses.field(default=0, compare=False)


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Not:
    child: Node
    position: int = dataclasses.field(default=0, compare=False)


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Near:
    """``left NEAR/n right``: at most ``distance`` words between the two, in the same field.

    ``ordered`` (ONEAR) requires ``left`` to come first.
    """

    left: Node
    right: Node
    distance: int
    ordered: bool = False
    position: int = dataclasses.field(default=0, compare=False)


Node = Words | Meta | And | Or | Not | Near


def describe(node: Node) -> str:
    """A compact rendering: ``(OR putin (AND xi "arrest warrant"))``."""
    if isinstance(node, Words):
        body = " ".join(str(w) for w in node.words)
        body = f'"{body}"' if len(node.words) > 1 or node.quoted else body
        return f"{node.field}:{body}" if node.field else body
    if isinstance(node, Meta):
        return f"{node.field}:{node.value}"
    if isinstance(node, And):
        return "(AND " + " ".join(describe(c) for c in node.children) + ")"
    if isinstance(node, Or):
        return "(OR " + " ".join(describe(c) for c in node.children) + ")"
    if isinstance(node, Not):
        return f"(NOT {describe(node.child)})"
    op = "ONEAR" if node.ordered else "NEAR"
    return f"({op}/{node.distance} {describe(node.left)} {describe(node.right)})"


def to_query(node: Node) -> str:
    """The query text of a tree: parsing it gives the same tree back."""
    if isinstance(node, Words):
        body = f'"{node.text}"' if node.quoted else node.text
        return f"{node.field}:{body}" if node.field else body
    if isinstance(node, Meta):
        plain = node.value and not any(c.isspace() or c in '()"' for c in node.value)
        return (
            f"{node.field}:{node.value}"
            if plain and node.value[0] != "-"
            else (f'{node.field}:"{node.value}"')
        )
    if isinstance(node, Not):
        return "-" + _operand(node.child)
    if isinstance(node, Near):
        op = "ONEAR" if node.ordered else "NEAR"
        return f"{_operand(node.left)} {op}/{node.distance} {_operand(node.right)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return joiner.join(_operand(c) for c in node.children)


def _operand(node: Node) -> str:
    text = to_query(node)
    return f"({text})" if isinstance(node, And | Or | Near) else text


# tuples: ``A | B`` in an isinstance test would build the union at each call
_UNWORDED = (Meta, Not)
_REQUIRING = (Words, Meta, Near)


def positive_words(node: Node) -> list[Words]:
    """The Words nodes not under a NOT, in query order."""
    if isinstance(node, Words):
        return [node]
    if isinstance(node, _UNWORDED):
        return []
    if isinstance(node, Near):
        return positive_words(node.left) + positive_words(node.right)
    return [w for child in node.children for w in positive_words(child)]


def is_positive(node: Node) -> bool:
    """True when the node requires something to be present (it can select articles)."""
    if isinstance(node, _REQUIRING):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(is_positive(c) for c in node.children)
    return all(is_positive(c) for c in node.children)
