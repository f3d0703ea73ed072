"""The per-document hot path of matching in Python: the fallback of the compiled kernel
(``_kernel.c``), with the same results. ``kernel.py`` picks one of the two."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

M = TypeVar("M")
Span = tuple[int, int]
Checks = tuple[tuple[str, ...], ...]  # clauses: each a tuple of atoms


def positions(tokens: list[str], /) -> dict[str, list[int]]:
    """word -> token offsets where it occurs, ascending (words in order of first occurrence)."""
    found: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        where = found.get(token)
        if where is None:
            found[token] = [i]
        else:
            where.append(i)
    return found


def candidates(
    present: frozenset[str],
    direct: dict[str, set[int]],
    checked: dict[str, dict[int, Checks]],
    always: set[int],
    /,
) -> list[int]:
    """The topic numbers filed under an atom ``present``: all of ``direct``, those of
    ``checked`` whose every clause has an atom present; and ``always``; sorted."""
    found = set(always)
    disjoint = present.isdisjoint
    # one pass over the document's atoms, each looked up in both postings (cheaper than
    # intersecting the atoms with each postings' keys)
    for atom in present:
        numbers = direct.get(atom)
        if numbers is not None:
            found |= numbers
        topics = checked.get(atom)
        if topics is None:
            continue
        for number, checks in topics.items():
            # the checks are few (index.CHECKED_CLAUSES): unrolled, a topic costs no loop
            if (
                disjoint(checks[0])
                or (len(checks) > 1 and disjoint(checks[1]))
                or (len(checks) > 2 and any(map(disjoint, checks[2:])))
            ):
                continue
            found.add(number)
    return sorted(found)


def seconds(pairs: Iterable[tuple[object, str]], /) -> set[str]:
    """The second items of ``pairs`` (the atoms an automaton found, after their ends)."""
    return {second for _first, second in pairs}


def token_offsets(parts: list[str], /) -> list[int]:
    """The running sums of the lengths of ``parts`` but the last: ``[gap, word, gap, ...,
    word, gap]`` gives where each word starts and ends."""
    return list(itertools.accumulate(map(len, itertools.islice(parts, max(len(parts) - 1, 0)))))


def single_spans(offsets: list[int], /) -> list[Span]:
    """The spans of one word standing at ``offsets``."""
    return [(p, p + 1) for p in offsets]


def phrase_spans(
    present: frozenset[str],
    positions: dict[str, list[int]],
    tokens: list[str],
    words: list[str],
    /,
) -> list[Span]:
    """Spans where ``words`` (two or more, no wildcard) stand one after the other in
    ``tokens`` (whose distinct words are ``present``, and their offsets ``positions``),
    found from the offsets of the word occurring least often."""
    for word in words:
        if word not in present:
            return []
    at, least = 0, positions.get(words[0])
    if least is None:
        return []
    for i in range(1, len(words)):
        other = positions.get(words[i])
        if other is None:
            return []
        if len(other) < len(least):
            at, least = i, other
    n = len(words)
    return [(p - at, p - at + n) for p in least if p >= at and tokens[p - at : p - at + n] == words]


class _Spec(Protocol):
    @property
    def name(self) -> str: ...


class Topic(Protocol):
    """What ``evaluate`` reads of a topic (matcher._Topic)."""

    @property
    def languages(self) -> frozenset[str]: ...

    @property
    def spec(self) -> _Spec: ...

    @property
    def run(self) -> Callable[..., Hashable | None]: ...


class State(Protocol):
    """What ``evaluate`` reads of the document state (program.DocumentState)."""

    def report(self, fired: Any, /) -> tuple[list[str], tuple[Any, ...]]: ...


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
) -> list[M]:
    """``cls(name, matched words, highlights)`` of each topic numbered in ``numbers`` that
    matches: one of the document's ``language`` (any, when it is unknown), whose function
    returns what fired (made into a report by the state, once per document for the same
    fired units)."""
    found: list[M] = []
    report = state.report
    for number in numbers:
        topic = topics[number]
        if topic is None or (language and topic.languages and language not in topic.languages):
            continue
        fired = topic.run(state, title, text, feed)
        if fired is not None:
            matched, highlights = report(fired)
            found.append(cls(topic.spec.name, matched, highlights))
    return found


# an item: (its place in article order, highlight, folded text, text)
Item = tuple[tuple[int, int, int], Any, str, str]
# a hit: (the term as written, the field, the token span)
Hit = tuple[str, str, Span]


def items(
    hits: list[Hit],
    cache: dict[Hit, Item],
    fields: dict[str, tuple[int, str, list[int]]],
    cls: type,
    make: Callable[[Hit], Item],
    /,
) -> list[Item]:
    """The item of each hit, made by ``make`` (which keeps it in ``cache``). The compiled
    kernel makes those of one ASCII word of a field of ``fields`` (where a word's offsets
    are its token's) itself, as ``make`` would, highlight of class ``cls`` included."""
    return list(map(make, hits))


def fast_report(
    items: list[Item],
    max_highlights: int,
    max_words: int,
    limited: Callable[[list[Item]], list[Item]],
    /,
) -> tuple[list[str], tuple[Any, ...]] | None:
    """From items in article order: the outermost highlights, at most ``max_highlights``
    of them (``limited`` chooses when there are more), and the first ``max_words`` of their
    distinct words. None when two different hits stand at the same place."""
    kept: list[Item] = []
    for item in items:
        if kept:
            last = kept[-1]
            if last[0] == item[0]:
                if last is item:
                    continue  # the same hit of two terms
                return None
            if last[0][0] == item[0][0] and -item[0][2] <= -last[0][2]:
                continue  # inside the previous one
        kept.append(item)
    if len(kept) > max_highlights:
        kept = limited(kept)
    words: dict[str, str] = {}
    for item in kept:
        words.setdefault(item[2], item[3])
    return list(words.values())[:max_words], tuple(item[1] for item in kept)
