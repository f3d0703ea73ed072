"""Memo: a value computed once per key, and a bounded number of keys kept."""

from __future__ import annotations

from newswatch.core.memo import Memo


def test_a_value_is_computed_once_per_key() -> None:
    asked: list[str] = []

    def make(key: str) -> str:
        asked.append(key)
        return key.upper()

    memo = Memo(make)
    assert [memo["a"], memo["b"], memo["a"]] == ["A", "B", "A"]
    assert asked == ["a", "b"]


def test_it_starts_again_when_full() -> None:
    memo = Memo(lambda key: key * 2, bound=3)
    for key in range(3):
        assert memo[key] == key * 2
    assert len(memo) == 3
    assert memo[10] == 20  # a fourth key: the three are dropped first
    assert dict(memo) == {10: 20}
