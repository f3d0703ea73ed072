"""The compiled matching kernel (``_kernel.c``) against its pure-Python twin (``_pure.py``):
the same results on random inputs, errors instead of crashes on wrong ones, no references
leaked; and the switch that turns it off."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import sys
from collections.abc import Callable
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.core.query import (
    Highlight,
    MatchDocument,
    TopicMatch,
    TopicMatcher,
    TopicSpec,
    _pure,
    kernel,
    parse_query,
)
from newswatch.core.query.bytecode import compile_code
from newswatch.core.query.program import DocumentState, Interner
from newswatch.core.text import WORD, FoldedOffsets, fold, words_pattern
from tests.support.compiled import compiled_module, pure_python, run_pure_python


@pytest.fixture(scope="module")
def compiled() -> ModuleType:
    return compiled_module("newswatch.core.query._kernel", "the compiled kernel")


def test_the_compiled_kernel_is_built_and_used_unless_turned_off() -> None:
    if pure_python():
        assert kernel.active is kernel.PURE
    else:
        assert kernel.COMPILED is not None, "pip install -e . builds newswatch/core/query/_kernel"
        assert kernel.active is kernel.COMPILED


def test_newswatch_pure_python_turns_the_compiled_kernel_off() -> None:
    code = (
        "from newswatch.core.query import kernel; "
        "print(kernel.COMPILED is None, kernel.active is kernel.PURE)"
    )
    assert run_pure_python(code) == ["True", "True"]


WORDS = ["a", "b", "c", "dd", "é", "a"]
tokens = st.lists(st.sampled_from(WORDS), max_size=40)


@settings(max_examples=300, deadline=None)
@given(tokens, st.lists(st.sampled_from([*WORDS, "zz"]), min_size=2, max_size=4))
def test_positions_and_spans_are_those_of_the_pure_kernel(
    compiled: ModuleType, words: list[str], phrase: list[str]
) -> None:
    # tokens as a tokeniser makes them: equal words, distinct objects
    words = [w.encode().decode() for w in words]
    positions = compiled.positions(words)
    assert positions == _pure.positions(words)
    assert list(positions) == list(_pure.positions(words))  # order of first occurrence
    present = frozenset(words)
    for word in set(phrase):
        offsets = positions.get(word, [])
        assert compiled.single_spans(offsets) == _pure.single_spans(offsets)
    assert compiled.phrase_spans(present, positions, words, phrase) == _pure.phrase_spans(
        present, positions, words, phrase
    )


# characters folding longer ("ß", "…", "ﬁ"), into nothing (combining accents) or into fewer
# (conjoining and compatibility jamo), and ones folding as they are
FOLDING = "aZ ’“ßﬁ…½é\u0301\u1100\u1161\u11a8ㄱㅏ가İ한\U0001d400x-\n"


# one-byte text: letters, digits, numbers (½, ²), ordinals (ª), signs, "_" and spaces; and
# beyond it
LATIN = "aZé9½²ªµ×÷ß_-' \xa0\x85\xff"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=LATIN, max_size=40) | st.text(alphabet=LATIN + FOLDING, max_size=20))
def test_words_are_those_of_the_pure_kernel_and_the_tokeniser(
    compiled: ModuleType, text: str
) -> None:
    folded = fold(text)
    pattern = words_pattern(folded)
    expected = pattern.findall(folded)
    for twin in (compiled, _pure):
        tokens, words = twin.words(folded, pattern)
        assert tokens == expected
        assert type(words) is frozenset and words == frozenset(expected)
    # a text not folded (capitals; its pattern is the general one) all the same
    assert compiled.words(text, WORD) == _pure.words(text, WORD)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=FOLDING + "_'.\u0301a1", max_size=40), st.data())
def test_offsets_are_those_of_the_pure_kernel_and_the_tokeniser(
    compiled: ModuleType, text: str, data: st.DataObject
) -> None:
    folded = fold(text)
    pattern = words_pattern(folded)
    tokens = pattern.findall(folded)
    expected = [bound for m in pattern.finditer(folded) for bound in m.span()]
    assert compiled.token_offsets(folded, tokens) == expected
    assert _pure.token_offsets(folded, tokens) == expected
    # any strings: the same offsets, or the same error
    other = data.draw(st.lists(st.sampled_from(["a", "b", "", "ab", "é"]), max_size=4))
    twins = []
    for twin in (compiled, _pure):
        try:
            twins.append(twin.token_offsets("abéab" * 2, other))
        except ValueError:
            twins.append(None)
    assert twins[0] == twins[1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=FOLDING, max_size=30))
def test_original_offsets_map_tokens_as_folded_offsets_do(compiled: ModuleType, text: str) -> None:
    index = MatchDocument.build(text=text).text
    bounds = index.token_offsets
    offsets = FoldedOffsets(text)
    expected = [offsets.end(b) if k & 1 else offsets.start(b) for k, b in enumerate(bounds)]
    segments = offsets.segments()
    assert compiled.original_offsets(bounds, *segments) == expected
    assert _pure.original_offsets(bounds, *segments) == expected
    assert index.original_offsets == expected


# words, prefixes (one the whole of a word, one of no word, one of a word beyond the BMP, one
# of an accented word), title atoms and filters
ATOMS = [
    *("w1", "w2", "w3", "p*", "w1*", "wx*", "é*", "\U0001d400b*"),
    *("title:w1", "title:éa", "title:p*", "lang:en", "source:x.org"),
]
DOC_WORDS = ["w1", "w2", "w3", "p", "pa", "pq", "w10", "éa", "\U0001d400bc", "x", "w"]
clauses = st.lists(st.sampled_from(ATOMS), min_size=1, max_size=3).map(tuple)
ways = st.tuples(
    st.one_of(st.none(), st.lists(st.sampled_from(ATOMS), min_size=1, max_size=3).map(tuple)),
    st.lists(clauses, max_size=4).map(tuple),
)
filings = st.tuples(st.integers(0, 40), st.lists(ways, max_size=3).map(tuple))
# a topic filed (number, ways), or removed (its number)
operations = st.lists(st.one_of(filings, st.integers(0, 40)), max_size=60)
documents = st.tuples(
    st.tuples(*[st.frozensets(st.sampled_from(DOC_WORDS)) for _ in range(3)]),
    st.lists(st.sampled_from(["lang:en", "lang:de", "source:x.org", "source:org"])).map(tuple),
)


def _presearch_reference(
    filed: dict[int, tuple[_pure.Way, ...]],
    fields: tuple[frozenset[str], ...],
    filters: tuple[str, ...],
) -> list[int]:
    """The candidates by their definition: the atoms held are the words, the prefixes some
    word starts with, the words of the title (the first field) as title atoms, the filters;
    a topic is picked when one of its ways is met: an atom of its trigger is held (or it
    has none) and every clause of its checks has an atom held."""
    words = set().union(*fields)
    held = words | set(filters) | {"title:" + word for word in fields[0]}
    atoms = {a for ways in filed.values() for t, c in ways for a in (*(t or ()), *sum(c, ()))}
    held |= {a for a in atoms if a.endswith("*") and any(w.startswith(a[:-1]) for w in words)}

    def met(trigger: tuple[str, ...] | None, checks: _pure.Checks) -> bool:
        return (trigger is None or bool(held & set(trigger))) and all(held & set(c) for c in checks)

    return sorted(number for number, ways in filed.items() if any(met(*way) for way in ways))


@settings(max_examples=300, deadline=None)
@given(operations, st.lists(documents, min_size=1, max_size=4))
def test_presearch_candidates_are_those_of_the_pure_kernel_and_the_reference(
    compiled: ModuleType,
    operations: list[tuple[int, tuple[_pure.Way, ...]] | int],
    docs: list[tuple[tuple[frozenset[str], ...], tuple[str, ...]]],
) -> None:
    twins = [compiled.new_presearch(), _pure.new_presearch()]
    filed: dict[int, tuple[_pure.Way, ...]] = {}
    for operation in operations:
        for twin in twins:
            if isinstance(operation, int):
                twin.remove(operation)
            else:
                twin.file(*operation)
        if isinstance(operation, int):
            filed.pop(operation, None)
        else:
            filed[operation[0]] = operation[1]
        for fields, filters in docs[:1]:  # between changes too (stamps, postings moved)
            expected = _presearch_reference(filed, fields, filters)
            assert [twin.candidates(fields, filters) for twin in twins] == [expected] * 2
    for fields, filters in docs:
        expected = _presearch_reference(filed, fields, filters)
        assert [twin.candidates(fields, filters) for twin in twins] == [expected] * 2


def test_presearch_keeps_its_candidates_over_many_changes(compiled: ModuleType) -> None:
    """Filing and removing thousands of topics (the compiled kernel moves the records of
    those filed when most of its pool is of removed ones): the candidates stay right."""
    twins = [compiled.new_presearch(), _pure.new_presearch()]
    fields = (frozenset({"w1", "pa"}), frozenset({"w3"}), frozenset())
    for round in range(6):
        for number in range(2000):
            for twin in twins:
                way = ((f"n{number}", "w1", "p*"), ((f"m{round}", "w3"),))
                twin.file(number, (way, ((f"o{number}",), ())))
        for number in range(0, 2000, 2):
            for twin in twins:
                twin.remove(number)
        for twin in twins:
            twin.file(5000 + round, ((None, ()),))
        expected = [*range(1, 2000, 2), *range(5000, 5001 + round)]
        assert [twin.candidates(fields, ()) for twin in twins] == [expected] * 2


places = st.tuples(st.integers(0, 2), st.integers(0, 9), st.integers(-12, -1))
items = st.lists(
    st.tuples(places, st.integers(), st.sampled_from(["a", "b", "c"]), st.sampled_from("xyz")),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(items, st.integers(0, 5), st.integers(0, 5), st.booleans())
def test_reports_are_those_of_the_pure_kernel(
    compiled: ModuleType,
    made: list[tuple[tuple[int, int, int], int, str, str]],
    most: int,
    words: int,
    repeat: bool,
) -> None:
    made.sort(key=lambda item: item[0])
    if repeat and made:  # the same hit of two terms
        made.insert(1, made[0])

    def limited(kept: list[_pure.Item]) -> list[_pure.Item]:
        return kept[::2]

    assert compiled.fast_report(made, most, words, limited) == _pure.fast_report(
        made, most, words, limited
    )


def _document() -> MatchDocument:
    return MatchDocument.build(title="Putin met Xi", text="The summit talks", language="en")


def _state() -> DocumentState:
    return DocumentState(_document())


class Unreported(DocumentState):
    """Reports nothing: for units that are no terms or proximity searches."""

    def report(self, fired: tuple[object, ...]) -> tuple[list[str], tuple[Highlight, ...]]:
        return ([], ())


def _program(kernel_module: ModuleType) -> _pure.Program:
    program: _pure.Program = kernel_module.new_program()
    program.add_term(3, ("putin",), (False,), "Putin", "putin")
    program.add_term(2, ("summ",), (True,), "summ*", "summ*")
    program.add_value("en")
    program.put(0, "a", frozenset())
    return program


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("add_term", (0, ("a",), (False,), "t", None)),  # no field
        ("add_term", (8, ("a",), (False,), "t", None)),
        ("add_term", (1, (), (), "t", None)),
        ("add_term", (1, ("a", "b"), (False,), "t", None)),
        ("add_term", (1, ["a"], [False], "t", None)),
        ("add_term", (1, (3,), (False,), "t", None)),
        ("add_or", ((0, 99 << 2),)),
        ("add_or", ((3,),)),  # no such kind
        ("add_or", ([0],)),
        ("add_near", (-1, False, 0, 4, (0,), (4,), 1, None)),
        ("add_near", (1, False, 0, 4, (1,), (4,), 1, None)),  # an OR as an alternative
        ("add_near", (1, False, 0, 8 << 2, (0,), (4,), 1, None)),
        ("add_near", (1, False, 0, 4, (0,), (4,), 9, None)),
        ("add_value", (3,)),
        ("put", (-1, "x", frozenset())),
        ("put", (1, "x", 3)),
        (
            "match",
            ([0], _document(), None, TopicMatch, Highlight, lambda n: [0]),
        ),  # a state without reports
        ("match", ((0,), _document(), _state(), TopicMatch, Highlight, lambda n: [0])),
        ("match", (["0"], _document(), _state(), TopicMatch, Highlight, lambda n: [0])),
        ("match", ([0], object(), _state(), TopicMatch, Highlight, lambda n: [0])),
        ("match", ([0], _document(), _state(), TopicMatch, int, lambda n: [0])),
        ("match", ([0], _document(), _state(), int, Highlight, lambda n: [0])),
        ("match", ([0], _document(), _state(), TopicMatch, Highlight, lambda n: (0,))),
        ("match", ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [])),
        (
            "match",
            ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [2 << 4]),
        ),  # no term 2
        (
            "match",
            ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [1 << 4 | 1]),
        ),  # no NEAR
        (
            "match",
            ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [1 << 4 | 2]),
        ),  # no value 1
        ("match", ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [9])),  # no such op
        ("match", ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [-1])),
        ("match", ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [2**40])),
        (
            "match",
            ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [6 | 2 << 4, 0]),
        ),  # short
        (
            "match",
            ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [5 | 2 << 4, 0, 16]),
        ),
        ("match", ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [5, 0])),
        (
            "match",
            ([0], _document(), _state(), TopicMatch, Highlight, lambda n: [0, 0]),
        ),  # two nodes
    ],
)
@pytest.mark.parametrize("twin", ["compiled", "pure"])
def test_a_program_refuses_what_it_cannot_evaluate(
    compiled: ModuleType, twin: str, method: str, args: tuple[object, ...]
) -> None:
    program = _program(compiled if twin == "compiled" else _pure)
    with pytest.raises((TypeError, ValueError, AttributeError, IndexError)):
        getattr(program, method)(*args)


@pytest.mark.parametrize("twin", ["compiled", "pure"])
def test_a_program_reports_what_fired(compiled: ModuleType, twin: str) -> None:
    program = (compiled if twin == "compiled" else _pure).new_program()
    intern = Interner(program)
    code = {0: compile_code(parse_query("xi -(putin text:summ*)").root, intern)}
    match = program.match
    program.put(0, "a", frozenset())
    assert match([0], _document(), _state(), TopicMatch, Highlight, code.get) == []
    program.put(0, "b", frozenset({"de"}))
    code[0] = compile_code(parse_query("Putin (text:summ* OR lang:en)").root, intern)
    assert match([0], _document(), _state(), TopicMatch, Highlight, code.get) == []  # not de
    program.put(0, "c", frozenset({"en", "de"}))
    lights = (
        Highlight("title", 0, 5, "Putin", "Putin"),
        Highlight("text", 4, 10, "summit", "summ*"),
    )
    assert match([0], _document(), _state(), TopicMatch, Highlight, code.get) == [
        TopicMatch("c", ("Putin", "summit"), lights)
    ]
    program.remove(0)
    assert match([0], _document(), _state(), TopicMatch, Highlight, code.get) == []


def test_topic_numbers_beyond_the_topics_raise(compiled: ModuleType) -> None:
    for twin in (compiled, _pure):
        program = _program(twin)
        for number in (-1, 1, 2**70):
            with pytest.raises((IndexError, OverflowError)):
                program.match([number], _document(), _state(), TopicMatch, Highlight, lambda n: [0])


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("positions", ("not a list",)),
        ("positions", (None,)),
        ("single_spans", ([1, "x"],)),
        ("single_spans", ((1, 2),)),
        ("phrase_spans", (frozenset(), {}, [], "ab")),
        ("phrase_spans", (frozenset({"a"}), {"a": 3}, ["a"], ["a", "a"])),
        ("phrase_spans", (frozenset({"a"}), {"a": [0, "x"]}, ["a"], ["a", "a"])),
        ("items", ([("t", "title", (0, 1))], {}, {"title": (0, "a", "x")}, Highlight, None)),
        ("items", ([("t", "title", (0, 1))], {}, {"title": ()}, Highlight, None)),
        ("items", ([("t", "title", (0, 1))], {}, {}, int, None)),
        ("items", ((), {}, {}, Highlight, None)),
        ("words", (b"ab", WORD)),
        ("words", ("ab",)),
        ("words", ("a\u0101", None)),
        ("words", ("ab", None)),
        ("token_offsets", ("ab", ("a", "b"))),
        ("token_offsets", ("a1b", ["a", 1, "b"])),
        ("token_offsets", (["a"],)),
        ("token_offsets", ("ab", ["b", "a"])),
        ("original_offsets", ([0, 1], [0], [1], [0], "x")),
        ("original_offsets", ([0, 1], [0], [1], [0], [1, 2])),
        ("original_offsets", ([0, "a"], [], [], [], [])),
        ("original_offsets", ([0, 1], [0], [1], [0])),
        ("fast_report", ((), 1, 1, list)),
        ("fast_report", ([(1, 2, 3, 4)], 1, 1, list)),
        ("fast_report", ([((1, 2), 2, 3, 4)], 1, 1, list)),
        ("fast_report", ([((0, 0, -1), 2, "a", "a"), ((0, 1, -2), 2, "b", "b")], 1, 1, tuple)),
        ("fast_report", ([(1, 2)], 1, 1, list)),
    ],
)
def test_wrong_arguments_raise_instead_of_crashing(
    compiled: ModuleType, name: str, args: tuple[object, ...]
) -> None:
    with pytest.raises((TypeError, AttributeError, ValueError)):
        getattr(compiled, name)(*args)


class Str(str):
    """A str of another class (its hash and comparison could run Python code)."""


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("file", (1,)),
        ("file", (1, ((("a",), ()),), ())),
        ("file", (-1, ((("a",), ()),))),
        ("file", (2**40, ((("a",), ()),))),
        ("file", ("1", ((("a",), ()),))),
        ("file", (1, [(("a",), ())])),
        (
            "file",
            (
                1,
                (["a"], ()),
            ),
        ),
        ("file", (1, ((("a",),),))),
        ("file", (1, ((("a",), (), ()),))),
        ("file", (1, ((["a"], ()),))),
        ("file", (1, ((("a",), [("b",)]),))),
        ("file", (1, ((("a",), (["b"],)),))),
        ("file", (1, (((1,), ()),))),
        ("file", (1, ((("a",), (("b", None),)),))),
        ("file", (1, (((Str("a"),), ()),))),
        ("remove", (-1,)),
        ("remove", ("x",)),
        ("candidates", ((frozenset({"a"}),),)),
        ("candidates", ([frozenset({"a"})], ())),
        ("candidates", ((["a"],), ())),
        ("candidates", ((frozenset({1}),), ())),
        ("candidates", ((frozenset({Str("a")}),), ())),
        ("candidates", ((frozenset({"a"}),), ("lang:en", 3))),
        ("candidates", ((frozenset({"a"}),), ["lang:en"])),
    ],
)
def test_wrong_presearch_arguments_raise_instead_of_crashing(
    compiled: ModuleType, method: str, args: tuple[object, ...]
) -> None:
    presearch = compiled.new_presearch()
    presearch.file(1, ((("a", "b*"), (("c",),)),))
    with pytest.raises((TypeError, IndexError, OverflowError)):
        getattr(presearch, method)(*args)
    # what was filed is still there, and right
    assert presearch.candidates((frozenset({"a", "c"}),), ()) == [1]
    assert presearch.candidates((frozenset({"bc", "c"}),), ()) == [1]


def test_words_of_an_ascii_field_are_made_as_in_python(compiled: ModuleType) -> None:
    made: list[object] = []

    def make(hit: _pure.Hit) -> object:
        made.append(hit)
        return ("made", hit)

    cache: dict[_pure.Hit, _pure.Item] = {}
    hits = [("war*", "text", (1, 2)), ("a b", "text", (0, 2)), ("x", "text", (5, 6))]
    found = compiled.items(hits, cache, {"text": (1, "Le Warrant", [0, 2, 3, 10])}, Highlight, make)
    word = ((1, 3, -10), Highlight("text", 3, 10, "Warrant", "war*"), "warrant", "Warrant")
    words = ((1, 0, -10), Highlight("text", 0, 10, "Le Warrant", "a b"), "le warrant", "Le Warrant")
    assert found == [word, words, ("made", hits[2])]  # beyond the offsets: made in Python
    assert cache == {hits[0]: word, hits[1]: words}  # make keeps its own
    assert compiled.items(hits[:1], cache, {}, Highlight, make)[0] is found[0]


# gaps between words a phrase spans: every ASCII whitespace (``\s`` and str.strip agree on
# them), runs of it, punctuation, a non-ASCII dash (Python makes those) and an ellipsis
# (folded longer: the offsets of the words after it move)
GAPS = [" ", "\n\t ", "\x0b\x0c\r", "\x1c\x1d\x1e\x1f", ", ", " -- ", "'s ", " \u2014 ", "\u2026 "]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["Putin", "SUMMIT", "talks", "a", "x1"]), min_size=1, max_size=8),
    st.lists(st.sampled_from(GAPS), min_size=9, max_size=9),
    st.sampled_from(["", " ", "\n"]),
)
def test_the_items_of_words_and_phrases_are_those_python_makes(
    compiled: ModuleType, words: list[str], gaps: list[str], edge: str
) -> None:
    text = edge + "".join(w + g for w, g in zip(words, gaps, strict=False)).rstrip() + edge
    doc = MatchDocument.build(title=text, text=text.upper(), feed=text.lower())
    python, plain = DocumentState(doc), {}
    for order, name in enumerate(("title", "text", "feed")):
        index = doc.field(name)
        plain[name] = (order, index.original, index.original_offsets)
    count = len(doc.title.tokens)
    hits = [
        (f"term {n}", name, (start, start + n))
        for name in ("title", "text", "feed")
        for n in (1, 2, 3)
        for start in range(count - n + 1)
    ]
    found = compiled.items(hits, {}, plain, Highlight, python._item)
    assert found == [python._item(hit) for hit in hits]


# proximity searches as topics write them, nested: the compiled kernel reports them itself
VOCABULARY = ["putin", "xi", "summit", "talks", "arms", "deliver", "the"]
positional = st.recursive(
    st.one_of(
        st.sampled_from(VOCABULARY),
        st.sampled_from(["summ*", "deliv*", "th*", "xi*"]),
        st.sampled_from(['"the summit"', '"putin xi"', '"arms deliv*"', '"th* talks"']),
        st.tuples(st.sampled_from(["title:", "text:", "feed:"]), st.sampled_from(VOCABULARY)).map(
            "".join
        ),
    ),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["NEAR", "ONEAR"]), st.integers(0, 3), inner).map(
            lambda t: f"({t[0]} {t[1]}/{t[2]} {t[3]})"
        ),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + " OR ".join(xs) + ")"),
    ),
    max_leaves=5,
)
proximity = st.one_of(
    positional.filter(lambda q: "NEAR" in q),
    st.tuples(positional, st.sampled_from(VOCABULARY)).map(lambda t: f"{t[0]} AND {t[1]}"),
    st.tuples(positional, positional).map(lambda t: f"{t[0]} OR {t[1]}"),
)
GAPS_WRITTEN = st.sampled_from([" ", ", ", "\n", " \u2014 "])
written = st.lists(
    st.tuples(st.sampled_from([*VOCABULARY, "Summits", "Delivered", "THE", "x1"]), GAPS_WRITTEN),
    max_size=40,
).map(lambda pairs: "".join(w + g for w, g in pairs))


@settings(max_examples=300, deadline=None)
@given(st.lists(proximity, min_size=1, max_size=6), written, written, st.sampled_from(["", "Xi"]))
def test_reports_of_proximity_searches_are_those_of_the_pure_kernel(
    compiled: ModuleType, queries: list[str], title: str, text: str, feed: str
) -> None:
    """What each topic reports (words, highlights), made by the compiled kernel for the
    terms and proximity searches that fired, is what the pure twin makes (the state's, in
    Python): NEAR and ONEAR nested, ORs, phrases, prefixes, fields, words repeated."""
    specs = [TopicSpec(f"t{i}", q) for i, q in enumerate(queries)]
    doc = MatchDocument.build(title=title, text=text, feed=feed)
    found = {}
    for twin in (True, False):
        before = kernel.use(twin)
        try:
            found[twin] = [
                (m.topic, m.matched, m.highlights) for m in TopicMatcher(specs).match(doc)
            ]
        finally:
            kernel.active = before
    assert found[True] == found[False]


MANY = [f"w{i}" for i in range(150)]  # more words than a small table of a field holds


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(MANY), min_size=1, max_size=300),
    st.lists(st.lists(st.sampled_from(MANY), min_size=1, max_size=3), min_size=1, max_size=8),
)
def test_spans_in_long_text_are_those_of_the_pure_kernel(
    compiled: ModuleType, words: list[str], phrases: list[list[str]]
) -> None:
    """Where the words of a long text stand (the compiled kernel's own table of them):
    the same matches and highlights as the pure twin's, for words and phrases."""
    specs = [TopicSpec(f"t{i}", '"' + " ".join(p) + '"') for i, p in enumerate(phrases)]
    doc = MatchDocument.build(text=" ".join(words))
    found = {}
    for twin in (True, False):
        before = kernel.use(twin)
        try:
            found[twin] = [(m.topic, m.highlights) for m in TopicMatcher(specs).match(doc)]
        finally:
            kernel.active = before
    assert found[True] == found[False]


# words sharing initials, and two sharing one modulo 256 ("ѣ" is U+0463, "c" U+0063)
INITIALED = ["cat", "car", "cow", "ca", "c", "ѣла", "ѣc", "dog", "do", "d", "éa"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(INITIALED), min_size=0, max_size=200),
    st.lists(
        st.lists(
            st.sampled_from(["ca*", "co*", "ѣл*", "ѣc*", "do*", "éa*", "cow"]),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_prefix_spans_are_those_of_the_pure_kernel(
    compiled: ModuleType, words: list[str], terms: list[list[str]]
) -> None:
    """Terms made of prefixes (the compiled kernel looks among the tokens of the prefix's
    initial only): the same matches and highlights as the pure twin's."""
    specs = [TopicSpec(f"t{i}", '"' + " ".join(t) + '"') for i, t in enumerate(terms)]
    specs += [TopicSpec(f"n{i}", f"{t[0]} NEAR/2 {t[-1]}") for i, t in enumerate(terms)]
    doc = MatchDocument.build(title=" ".join(words[:5]), text=" ".join(words))
    found = {}
    for twin in (True, False):
        before = kernel.use(twin)
        try:
            found[twin] = [(m.topic, m.highlights) for m in TopicMatcher(specs).match(doc)]
        finally:
            kernel.active = before
    assert found[True] == found[False]


def test_tokens_that_are_not_words_raise(compiled: ModuleType) -> None:
    doc = MatchDocument.build(text="a b")
    doc.text.tokens = ["a", 1]  # never made so, but not trusted
    before = kernel.use(True)
    try:
        with pytest.raises(TypeError, match="tokens are str"):
            TopicMatcher([TopicSpec("t", '"a b"')]).match(doc)
    finally:
        kernel.active = before


@pytest.mark.parametrize(
    ("query", "matched"),
    [
        # two pairs make the span of "Putin xi talks": the first found names its words
        ('(putin OR "putin xi") NEAR/1 talks', ["Putin", "talks"]),
        ('(putin OR "putin xi") ONEAR/2 (talks OR "xi talks")', ["Putin", "xi talks"]),
        ('talks NEAR/1 ("putin xi" OR xi)', ["Putin xi", "talks"]),
        ("title:summit NEAR/3 (putin OR xi*)", ["Xi", "summit"]),
        ("(putin NEAR/0 xi) ONEAR/1 (talks OR summit)", ["Putin", "xi", "talks"]),
    ],
)
@pytest.mark.parametrize("twin", ["compiled", "pure"])
def test_a_proximity_search_reports_the_words_of_the_first_pair_found(
    compiled: ModuleType, twin: str, query: str, matched: list[str]
) -> None:
    before = kernel.use(twin == "compiled")
    try:
        doc = MatchDocument.build(title="Xi at the summit", text="Putin xi talks")
        (found,) = TopicMatcher([TopicSpec("a", query)]).match(doc)
    finally:
        kernel.active = before
    assert found.matched == tuple(matched)


def test_phrase_offsets_beyond_the_tokens_are_ignored(compiled: ModuleType) -> None:
    # positions that do not fit the tokens (never made by positions(), but not trusted)
    spans = compiled.phrase_spans(
        frozenset({"a", "b"}), {"a": [-5, 0, 99], "b": [1]}, ["a", "b"], ["a", "b"]
    )
    assert spans == [(0, 2)]


def _calls(compiled: ModuleType) -> list[Callable[[], object]]:
    words = ["a", "b", "a", "c", "a", "b"]
    positions = compiled.positions(words)
    present = frozenset(words)
    presearch = compiled.new_presearch()
    presearch.file(1, ((("a",), (("b",),)),))
    presearch.file(2, ((("a",), (("zz", "yy"),)), (("b",), ())))
    presearch.file(3, ((("c*", "a"), (("a",), ("zz",))),))
    presearch.file(4, ((None, ()),))
    items = [((0, 0, -1), "x", "a", "A"), ((0, 2, -3), "y", "b", "B"), ((1, 0, -1), "z", "a", "a")]
    hits = [("a", "title", (0, 1)), ("b*", "title", (1, 2)), ("a b", "title", (0, 2))]
    ascii = {"title": (0, "A Bc", [0, 1, 2, 4])}

    def make(hit: object) -> object:
        raise TypeError("beyond the offsets given: made in Python")

    program = _program(compiled)
    program.add_near(3, False, 0, 4, (0,), (4,), 2, "near")  # putin NEAR/3 summ*
    program.add_or((0, 4))
    program.add_near(1, True, 2, 4, (2,), (4,), 2, "near2")  # (that) ONEAR/1 summ*: ref 6
    program.add_near(9, False, 1, 6, (0, 4), (6,), 2, "near3")  # (putin OR summ*) NEAR/9 that
    program.put(1, "b", frozenset({"en"}))
    program.put(2, "c", frozenset())
    doc = MatchDocument.build(title="Putin, summit", text="Putin at the summit: summits " * 20)
    code = {0: [7 | 3 << 4, 1, 2 << 4 | 1, 1 << 4 | 1], 1: [6 | 2 << 4, 1 << 4 | 1, 2]}
    matcher = TopicMatcher(
        [
            TopicSpec("a", '"arrest warrant" OR (ICC AND warrant*)'),
            TopicSpec("b", "(putin OR xi) NEAR/5 (summit* ONEAR/2 talks) -sport"),
        ]
    )
    text = MatchDocument.build(text="Putin and Xi at the summit for talks; an arrest warrant " * 9)

    return [
        lambda: program.match([0, 1], doc, Unreported(doc), TopicMatch, Highlight, code.get),
        lambda: program.match([0, 2], doc, Unreported(doc), TopicMatch, Highlight, tuple),  # raises
        lambda: matcher.match(text),
        lambda: compiled.positions(words),
        lambda: compiled.single_spans(positions["a"]),
        lambda: compiled.phrase_spans(present, positions, words, ["a", "b"]),
        lambda: presearch.candidates((present, frozenset({"xyz"}), present), ("lang:en",)),
        lambda: presearch.candidates((present, ["a"]), ()),  # raises
        lambda: presearch.file(7, ((("a", "b*"), (("c", "lang:en"),)), (None, (("d",),)))),
        lambda: presearch.file(8, ((("a",), (("c", 1),)),)),  # raises
        lambda: presearch.remove(7),
        lambda: compiled.fast_report(items, 1, 5, lambda kept: kept[:1]),
        lambda: compiled.words("the word, the words 42 café", WORD),
        lambda: compiled.words("the word: \u0101", WORD),
        lambda: compiled.words(b"the word", WORD),  # raises
        lambda: compiled.token_offsets("a bc", ["a", "bc"]),
        lambda: compiled.token_offsets("a bc", ["a", 2]),  # raises, one token done
        lambda: compiled.original_offsets([0, 2, 3, 5], [1], [3], [1], [2]),
        lambda: compiled.original_offsets([0, 2], [1], [3], [1], "x"),  # raises
        lambda: compiled.items(hits, {}, ascii, Highlight, lambda hit: hit),
        lambda: compiled.items(hits, {}, {"title": (0, "ab", [0, 1])}, Highlight, make),
        lambda: compiled.fast_report([*items, items[0]], 9, 5, list),
        lambda: compiled.fast_report([(1,)], 9, 5, list),  # raises
    ]


def test_no_reference_is_leaked(compiled: ModuleType) -> None:
    """The interpreter's count of all references (debug builds) is not available: count
    the references to the arguments and the objects alive before and after many calls:
    those the collector tracks, and the results, which the kernel leaves out of its reach
    (each holds a reference to its class)."""
    for call in _calls(compiled):
        for _ in range(10):  # warm caches (small ints, interned strings)
            with contextlib.suppress(TypeError):
                call()
        gc.collect()
        before, results = len(gc.get_objects()), _references()
        for _ in range(2000):
            with contextlib.suppress(TypeError):
                call()
        gc.collect()
        assert len(gc.get_objects()) - before < 50
        assert _references() == results


def _references() -> tuple[int, int]:
    return sys.getrefcount(TopicMatch), sys.getrefcount(Highlight)


def test_results_are_values_out_of_the_collectors_reach(compiled: ModuleType) -> None:
    """A document's results (TopicMatch, its words and highlights) are values: tuples and
    frozen dataclasses holding strings, ints and such values, in no reference cycle. The
    compiled kernel leaves those it makes out of the cyclic collector, which walked every
    one of them after matching a document; what a Python class makes stays tracked."""
    before = kernel.use(True)
    try:
        doc = MatchDocument.build(title="Putin at the summit", text="Summit talks. Putin, Xi.")
        specs = [TopicSpec("a", "Putin NEAR/3 summit"), TopicSpec("b", "summit* OR Xi")]
        matcher = TopicMatcher(specs)
        found = matcher.match(doc)
        tracked = matcher._program.match(
            [0, 1], doc, DocumentState(doc), Plain, Highlight, matcher._code
        )
    finally:
        kernel.active = before
    assert [m.topic for m in found] == ["a", "b"]
    for match in found:
        assert match.matched and match.highlights
        parts = (match, match.matched, match.highlights, *match.highlights)
        assert not any(gc.is_tracked(part) for part in parts)
    assert [(m.topic, m.matched, m.highlights) for m in tracked] == [
        (m.topic, m.matched, m.highlights) for m in found
    ]
    assert all(gc.is_tracked(m) for m in tracked)  # not a frozen dataclass: left alone


@dataclasses.dataclass(slots=True)
class Plain:
    topic: str
    matched: tuple[str, ...]
    highlights: tuple[Highlight, ...]


def test_matching_many_documents_does_not_grow_memory() -> None:
    """Matching the same documents again and again (the compiled kernel when there is one):
    the resident set stays where the first rounds left it. A leak grows it in every window
    of rounds; an allocator mapping a region once does not (the sanitized build's grew 8 MB
    once in one of two windows, the same in every full run of scripts/sanitize-kernel.sh,
    and not at all over 18,000 rounds run alone)."""
    matcher = TopicMatcher(
        [
            TopicSpec("a", '"arrest warrant" OR (ICC AND warrant*)'),
            TopicSpec("b", "(putin OR xi) NEAR/5 summit*"),
            TopicSpec("c", "title:summit -sport"),
            TopicSpec("d", 'lang:en "the summit"'),
        ]
    )
    text = " ".join(
        ["Putin and Xi met at the summit.", "The ICC issued an arrest warrant.", "Warrants"] * 30
    )

    def rounds(n: int) -> None:
        for _ in range(n):
            doc = MatchDocument.build(title="Summit talks", text=text, language="en")
            assert len(matcher.match(doc)) == 4

    rounds(300)
    gc.collect()
    first = _rss()
    rounds(3000)
    gc.collect()
    second = _rss()
    rounds(3000)
    gc.collect()
    assert min(second - first, _rss() - second) < 4 * 2**20


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.parametrize("compiled_kernel", [True, False])
def test_matching_makes_no_reference_cycle(compiled_kernel: bool) -> None:
    """``match`` pauses the cyclic collector (reference counting frees what it makes): it
    must make no cycle, or the garbage would wait for the next collection. Both kernels
    (the pure one's check of topic code was a recursive closure: a cycle per topic)."""
    before = kernel.use(compiled_kernel)
    try:
        matcher = TopicMatcher(
            [
                TopicSpec("a", '"arrest warrant" OR (ICC AND warrant*)'),
                TopicSpec("b", "(putin OR xi) NEAR/5 (summit* OR talks) -sport"),
                TopicSpec("c", 'title:summit ("the summit" ONEAR/3 putin)'),
                TopicSpec("d", "lang:en source:example.com url:news", ("en",)),
            ]
        )
    finally:
        kernel.active = before
    _no_cycle(matcher)


def _no_cycle(matcher: TopicMatcher) -> None:
    text = "Putin and Xi met at the summit. The ICC issued an arrest warrant. Warrants " * 60
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(3):  # the first compiles the topics' code
            doc = MatchDocument.build(
                title="The summit, Putin", text=text, language="en",
                source="example.com", url="https://example.com/news/1",
            )  # fmt: skip
            assert [m.topic for m in matcher.match(doc)] == ["a", "b", "c", "d"]
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
    matcher.match(doc)
    assert gc.isenabled() == enabled  # match leaves the collector as it found it


def test_the_kernel_makes_the_ascii_words_of_any_text() -> None:
    """Quotes and dashes leave a text's offsets as folding finds them; a sharp s, an ellipsis
    or a decomposed accent move those after them: the kernel makes the highlights of ASCII
    words of both from the offsets of the tokens in the text (Python those of "Straße")."""
    assert FoldedOffsets("Putin’s “summit” — Kyiv").keeps_offsets()
    assert not FoldedOffsets("Straße").keeps_offsets()
    matcher = TopicMatcher([TopicSpec("a", "putin summit* strasse")])
    doc = MatchDocument.build(title="Putin’s “summit” — Kyiv", text="Die Straße… a summit")
    (found,) = matcher.match(doc)
    assert found.matched == ("Putin", "summit", "Straße")
    assert [(h.field, h.start, h.end, h.text) for h in found.highlights] == [
        ("title", 0, 5, "Putin"),
        ("title", 9, 15, "summit"),
        ("text", 4, 10, "Straße"),
        ("text", 14, 20, "summit"),
    ]


def _unpacked(info: tuple[int, str, list[int] | bytes]) -> tuple[int, str, list[int]]:
    """A plain field's offsets as a list of ints, packed by the kernel or not."""
    number, text, bounds = info
    if isinstance(bounds, bytes):
        bounds = memoryview(bounds).cast("n").tolist()
    return number, text, bounds


def test_the_kernel_enters_the_fields_as_python_does() -> None:
    """The compiled kernel enters a field among the state's plain fields itself (then makes
    the items of its ASCII words from the first one on), as the state's ``_item`` would:
    with the offsets of its tokens in its text."""
    doc = MatchDocument.build(
        title="Putin met Xi", text="Die Straße, a summit", feed="Summit daily"
    )
    matcher = TopicMatcher([TopicSpec("a", "putin OR summit OR feed:daily")])
    state = DocumentState(doc)
    (found,) = matcher._program.match(
        matcher.candidates(doc), doc, state, TopicMatch, Highlight, matcher._code
    )
    python = DocumentState(doc)
    for field in ("title", "text", "feed"):
        python._item(("x", field, (0, 1)))
    assert python._plain.keys() == {"title", "text", "feed"}
    assert python._plain["text"] == (1, "Die Straße, a summit", [0, 3, 4, 10, 12, 13, 14, 20])
    assert {name: _unpacked(info) for name, info in state._plain.items()} == python._plain
    # the offsets of an ASCII field the compiled kernel finds itself, packed (no int object
    # per word boundary)
    if kernel.active is kernel.COMPILED:
        assert isinstance(state._plain["title"][2], bytes)
    assert found.matched == ("Putin", "summit", "daily")


@dataclasses.dataclass(frozen=True, slots=True)
class Checked:
    """A highlight class with a __post_init__: the kernel calls it instead of setting its
    slots (which would skip the check)."""

    field: str
    start: int
    end: int
    text: str
    term: str

    def __post_init__(self) -> None:
        if self.text.isupper():
            raise ValueError("shouting")


def test_a_class_with_a_post_init_is_called(compiled: ModuleType) -> None:
    plain = {"text": (1, "Le WARRANT", [0, 2, 3, 10])}
    hits = [("war*", "text", (1, 2))]
    with pytest.raises(ValueError, match="shouting"):
        compiled.items(hits, {}, plain, Checked, lambda hit: hit)
    plain = {"text": (1, "Le Warrant", [0, 2, 3, 10])}
    (item,) = compiled.items(hits, {}, plain, Checked, lambda hit: hit)
    assert item[1] == Checked("text", 3, 10, "Warrant", "war*")
