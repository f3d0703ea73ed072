"""quick_init: the nodes' faster __init__ makes the values the dataclass's own would."""

from __future__ import annotations

import dataclasses

import pytest

from newswatch.core.query.ast import Near, WordPattern, Words, quick_init


@quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class _Sample:
    first: str
    second: int = 2
    third: tuple[int, ...] = dataclasses.field(default=(), compare=False)


def test_quick_init_takes_positions_keywords_and_defaults() -> None:
    assert _Sample("a") == _Sample("a", 2)
    made = _Sample("a", third=(1,), second=5)
    assert (made.first, made.second, made.third) == ("a", 5, (1,))
    with pytest.raises(TypeError):
        _Sample()  # type: ignore[call-arg]


def test_quick_nodes_stay_frozen_equal_and_hashable() -> None:
    word = Words((WordPattern("putin"),), "Putin", "title", quoted=False, position=7)
    same = Words((WordPattern("putin"),), "Putin", "title", False, 0)  # positions not compared
    assert word == same and hash(word) == hash(same)
    assert word.position == 7 and same.position == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        word.text = "Xi"  # type: ignore[misc]
    near = Near(word, same, 3)
    assert (near.distance, near.ordered, near.position) == (3, False, 0)
    assert dataclasses.replace(word, field=None).field is None
