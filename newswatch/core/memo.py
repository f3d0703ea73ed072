"""A bounded memo for pure functions asked about the same few values very often."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    """``memo[key]`` is ``make(key)``, computed once per key. A dict: a hit is one look-up,
    where ``functools.lru_cache`` also moves the entry to the front of its list at each hit,
    reading and writing links spread over the heap (compiling a catalogue's topics asks
    about its tens of thousands of words millions of times: the moves made such a call a
    third dearer). Emptied when it holds ``bound`` keys, so a long-running process keeps
    only the recent ones."""

    __slots__ = ("_bound", "_make")

    def __init__(self, make: Callable[[K], V], bound: int = 1 << 16) -> None:
        super().__init__()
        self._make = make
        self._bound = bound

    def __missing__(self, key: K) -> V:
        if len(self) >= self._bound:
            self.clear()
        value = self[key] = self._make(key)
        return value
