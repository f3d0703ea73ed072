# The compiled matching kernel (_kernel.c): the same functions as _pure.py.
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from newswatch.core.query._pure import Hit, Item, State, Topic

M = TypeVar("M")
Span = tuple[int, int]
Checks = tuple[tuple[str, ...], ...]  # clauses: each a tuple of atoms

def positions(tokens: list[str], /) -> dict[str, list[int]]: ...
def candidates(
    present: frozenset[str],
    direct: dict[str, set[int]],
    checked: dict[str, dict[int, Checks]],
    always: set[int],
    /,
) -> list[int]: ...
def seconds(pairs: Iterable[tuple[object, str]], /) -> set[str]: ...
def token_offsets(parts: list[str], /) -> list[int]: ...
def single_spans(offsets: list[int], /) -> list[Span]: ...
def phrase_spans(
    present: frozenset[str],
    positions: dict[str, list[int]],
    tokens: list[str],
    words: list[str],
    /,
) -> list[Span]: ...
def evaluate(
    numbers: list[int],
    topics: Sequence[Topic | None],
    state: State,
    title: frozenset[str],
    text: frozenset[str],
    feed: frozenset[str],
    language: str,
    cls: Callable[[str, list[str], tuple[Any, ...]], M],
    /,
) -> list[M]: ...
def fast_report(
    items: list[Item],
    max_highlights: int,
    max_words: int,
    limited: Callable[[list[Item]], list[Item]],
    /,
) -> tuple[list[str], tuple[Any, ...]] | None: ...
def items(
    hits: list[Hit],
    cache: dict[Hit, Item],
    fields: dict[str, tuple[int, str, list[int]]],
    cls: type,
    make: Callable[[Hit], Item],
    /,
) -> list[Item]: ...
