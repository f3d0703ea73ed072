"""The per-document hot path of matching: the compiled kernel (``_kernel.c``, built by
``pip install``) when it can be imported, else its pure-Python twin (``_pure.py``), with the
same results. Setting ``NEWSWATCH_PURE_PYTHON=1`` makes the compiled one decline to load (the
check is in C: this package reads no environment). ``active`` is the one in use; ``use``
switches (the property tests run both against the reference evaluator)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from newswatch.core.query import _pure
from newswatch.core.query._pure import Hit, Item, Presearch, Program, Span


class Kernel(Protocol):
    def positions(self, tokens: list[str], /) -> dict[str, list[int]]: ...

    def words(self, text: str, pattern: re.Pattern[str], /) -> tuple[list[str], frozenset[str]]: ...

    def token_offsets(self, text: str, tokens: list[str], /) -> list[int]: ...

    def original_offsets(
        self,
        bounds: list[int],
        fold_starts: list[int],
        fold_ends: list[int],
        orig_starts: list[int],
        orig_ends: list[int],
        /,
    ) -> list[int]: ...

    def single_spans(self, offsets: list[int], /) -> list[Span]: ...

    def phrase_spans(
        self,
        present: frozenset[str],
        positions: dict[str, list[int]],
        tokens: list[str],
        words: list[str],
        /,
    ) -> list[Span]: ...

    def new_program(self) -> Program: ...

    def new_presearch(self) -> Presearch: ...

    def items(
        self,
        hits: list[Hit],
        cache: dict[Hit, Item],
        fields: dict[str, tuple[int, str, list[int] | bytes]],
        cls: type,
        make: Callable[[Hit], Item],
        /,
    ) -> list[Item]: ...

    def fast_report(
        self,
        items: list[Item],
        max_highlights: int,
        max_words: int,
        limited: Callable[[list[Item]], list[Item]],
        /,
    ) -> tuple[tuple[str, ...], tuple[Any, ...]] | None: ...


def _compiled() -> Kernel | None:
    try:
        from newswatch.core.query import _kernel
    except ImportError:  # not built (no compiler at install), or NEWSWATCH_PURE_PYTHON set
        return None
    return _kernel


PURE: Kernel = _pure
COMPILED: Kernel | None = _compiled()
active: Kernel = COMPILED or PURE


def use(compiled: bool) -> Kernel:
    """Make the compiled kernel (when there is one) or the pure one the active one; returns
    the one active before."""
    global active
    before = active
    active = (COMPILED or PURE) if compiled else PURE
    return before
