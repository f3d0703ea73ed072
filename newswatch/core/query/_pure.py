"""The per-document hot path of matching in Python: the fallback of the compiled kernel
(``_kernel.c``), with the same results. ``kernel.py`` picks one of the two."""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

from newswatch.core.text import original_offset

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


def words(text: str, pattern: re.Pattern[str], /) -> tuple[list[str], frozenset[str]]:
    """The words of ``text`` in order and the set of them; ``pattern``: its words' pattern
    (``text.words_pattern``; the compiled kernel scans a one-byte text itself, taking its
    words as the runs of alphanumeric characters, as that pattern does on such text, and
    makes each distinct word once)."""
    if type(text) is not str:
        raise TypeError("words() takes a str and its words' pattern")
    tokens = pattern.findall(text)
    return tokens, frozenset(tokens)


def token_offsets(text: str, tokens: list[str], /) -> list[int]:
    """Where each of ``tokens`` starts and ends in ``text``, ``[start, end, start, end,
    ...]``: each found first from the end of the one before (a tokeniser's tokens in order,
    the gap before each holding no character a word starts with)."""
    if not isinstance(text, str) or not isinstance(tokens, list):
        raise TypeError("token_offsets() takes a str and a list of str")
    bounds: list[int] = []
    at = 0
    for token in tokens:
        if not isinstance(token, str):
            raise TypeError("token_offsets() takes a str and a list of str")
        found = text.find(token, at)
        if found < 0:
            raise ValueError("a token not in the text after the one before")
        at = found + len(token)
        bounds += (found, at)
    return bounds


def original_offsets(
    bounds: list[int],
    fold_starts: list[int],
    fold_ends: list[int],
    orig_starts: list[int],
    orig_ends: list[int],
    /,
) -> list[int]:
    """``bounds`` (offsets in a folded text, ``[start, end, start, end, ...]`` of its tokens)
    mapped to the original text by its irregular segments (``text.FoldedOffsets``), each as
    ``text.original_offset`` maps it: a token's start as a start, its end as an end."""
    if not len(fold_starts) == len(fold_ends) == len(orig_starts) == len(orig_ends):
        raise TypeError("original_offsets() takes segments of one length")
    segments = (fold_starts, fold_ends, orig_starts, orig_ends)
    return [original_offset(offset, bool(j & 1), *segments) for j, offset in enumerate(bounds)]


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


class State(Protocol):
    """What ``Program.match`` reads of the document state (program.DocumentState): the
    report of the terms and proximity searches that fired (made once per document for the
    same ones, kept in ``_reports``); the compiled kernel makes them itself as ``report``
    would (the hits of proximity searches paired as ``evaluator.near`` pairs them), with its
    items (``_items``, ``_plain``, ``_item``: see ``items``) and
    its limits (``_limits``: see ``fast_report``)."""

    @property
    def _reports(self) -> dict[Any, tuple[tuple[str, ...], tuple[Any, ...]]]: ...

    @property
    def _items(self) -> dict[Hit, Item]: ...

    @property
    def _plain(self) -> dict[str, tuple[int, str, list[int] | bytes]]: ...

    @property
    def _limits(self) -> tuple[int, int, Callable[[list[Item]], list[Item]]]: ...

    def _item(self, hit: Hit, /) -> Item: ...

    def report(self, fired: Any, /) -> tuple[tuple[str, ...], tuple[Any, ...]]: ...


class Field(Protocol):
    """What ``Program.match`` reads of a word field (document.FieldIndex)."""

    @property
    def words(self) -> frozenset[str]: ...

    @property
    def tokens(self) -> list[str]: ...

    @property
    def positions(self) -> dict[str, list[int]]: ...


class Document(Protocol):
    """What ``Program.match`` reads of a document (document.MatchDocument)."""

    @property
    def title(self) -> Field: ...

    @property
    def text(self) -> Field: ...

    @property
    def feed(self) -> Field: ...

    @property
    def language(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def url(self) -> str: ...


# topic code (bytecode.py): a header ``op | payload << 4``, the children of NOT/AND/OR after it
TERM, NEAR, LANG, SOURCE, URL, NOT, AND, OR = range(8)
# what a proximity search joins: ``number << 2 | kind`` (program.TERM_REF, OR_REF, NEAR_REF)
_TERM_REF, _OR_REF, _NEAR_REF = range(3)
_FIELDS = 3  # title, text, feed: bit i of a field mask is field i


class _Term:
    __slots__ = ("fields", "prefixes", "single", "unit", "words")

    def __init__(self, fields: int, words: tuple[str, ...], prefixes: tuple[bool, ...],
                 unit: object) -> None:  # fmt: skip
        self.fields = fields
        self.words = words
        self.prefixes = prefixes
        self.single = words[0] if len(words) == 1 and not prefixes[0] else None
        self.unit = unit


class _Near:
    __slots__ = ("distance", "fields", "left", "lefts", "ordered", "right", "rights", "unit")

    def __init__(self, distance: int, ordered: bool, left: int, right: int,
                 lefts: tuple[int, ...], rights: tuple[int, ...], fields: int,
                 unit: object) -> None:  # fmt: skip
        self.distance = distance
        self.ordered = ordered
        self.left, self.right = left, right
        self.lefts, self.rights = lefts, rights
        self.fields = fields
        self.unit = unit


class _Topic:
    __slots__ = ("code", "languages", "name")

    def __init__(self, name: object, languages: frozenset[str]) -> None:
        self.name = name
        self.languages = languages
        self.code: list[int] | None = None


class Program:
    """The terms, proximity searches, filter values and topic code of a matcher, and the
    evaluation of candidate topics against a document (see bytecode.py): the compiled kernel
    keeps them in flat arrays and evaluates in C; this twin gives the same results."""

    def __init__(self) -> None:
        self._terms: list[_Term] = []
        self._ors: list[tuple[int, ...]] = []
        self._nears: list[_Near] = []
        self._values: list[str] = []
        self._topics: list[_Topic | None] = []

    def add_term(
        self,
        fields: int,
        words: tuple[str, ...],
        prefixes: tuple[bool, ...],
        text: str,
        unit: object,
        /,
    ) -> int:
        """Number a term: its fields (a mask), its words (folded; those of ``prefixes``
        true are prefixes), its text as written (what its highlights name: the compiled
        kernel makes the reports) and what ``match`` reports as fired for it;
        returns its number."""
        if not isinstance(text, str):
            raise TypeError("a term's text is a str")
        if not isinstance(words, tuple) or not isinstance(prefixes, tuple):
            raise TypeError("add_term() takes a mask, two tuples and a unit")
        if not all(isinstance(word, str) for word in words):
            raise TypeError("a term's words are str")
        if not words or len(prefixes) != len(words) or not 0 < fields < 1 << _FIELDS:
            raise ValueError("a term has words, a prefix flag each and some fields")
        self._terms.append(_Term(fields, tuple(words), tuple(map(bool, prefixes)), unit))
        return len(self._terms) - 1

    def add_or(self, refs: tuple[int, ...], /) -> int:
        """Number an OR of positional parts (refs of terms, ORs, proximity searches)."""
        if not isinstance(refs, tuple):
            raise TypeError("parts are a tuple of ints")
        for ref in refs:
            self._check(ref)
        self._ors.append(tuple(refs))
        return len(self._ors) - 1

    def add_near(
        self,
        distance: int,
        ordered: bool,
        left: int,
        right: int,
        lefts: tuple[int, ...],
        rights: tuple[int, ...],
        fields: int,
        unit: object,
        /,
    ) -> int:
        """Number a proximity search: at most ``distance`` words between ``left`` and
        ``right`` (refs), ``left`` first when ``ordered``; ``lefts``/``rights``: their
        alternatives (no OR among them); ``fields``: where both can occur (a mask)."""
        if not isinstance(lefts, tuple) or not isinstance(rights, tuple):
            raise TypeError("parts are a tuple of ints")
        if distance < 0 or not 0 <= fields < 1 << _FIELDS:
            raise ValueError("a proximity search has a distance of 0 or more and fields")
        for ref in (left, right, *lefts, *rights):
            self._check(ref)
        if any(ref & 3 == _OR_REF for ref in (*lefts, *rights)):
            raise ValueError("alternatives are terms or proximity searches")
        near = _Near(
            distance, bool(ordered), left, right, tuple(lefts), tuple(rights), fields, unit
        )
        self._nears.append(near)
        return len(self._nears) - 1

    def add_value(self, value: str, /) -> int:
        """Number the value of a filter."""
        if not isinstance(value, str):
            raise TypeError("a filter's value is a str")
        self._values.append(value)
        return len(self._values) - 1

    def put(self, number: int, name: object, languages: frozenset[str], /) -> None:
        """Topic ``number`` (replacing any): reported as ``name``; when ``languages`` is not
        empty, only for documents of one of them or of an unknown language. Its code is
        asked for the first time it is a candidate (``match``'s ``compile``)."""
        if number < 0:
            raise IndexError("no topic of that number")
        if number >= len(self._topics):
            self._topics.extend([None] * (number + 1 - len(self._topics)))
        self._topics[number] = _Topic(name, frozenset(languages))

    def remove(self, number: int, /) -> None:
        if 0 <= number < len(self._topics):
            self._topics[number] = None

    def match(
        self,
        numbers: list[int],
        doc: Document,
        state: State,
        cls: Callable[[Any, tuple[str, ...], tuple[Any, ...]], M],
        light: type,
        compile: Callable[[int], list[int]],
        /,
    ) -> list[M]:
        """``cls(name, matched words, highlights)`` of each topic numbered in ``numbers``
        that matches ``doc`` (``compile(number)`` gives the code of a topic that has none
        yet); the report is the state's, of the terms and proximity searches that fired
        (the compiled kernel makes it itself, with highlights of class ``light``, as the
        state would; the state only when two different hits stand at one place)."""
        if not isinstance(numbers, list) or not isinstance(light, type):
            raise TypeError("match() takes a list of numbers and a class")
        run = _Run(self, doc)
        found: list[M] = []
        language = doc.language
        for number in numbers:
            if not 0 <= number < len(self._topics):
                raise IndexError("no topic of that number")
            topic = self._topics[number]
            if topic is None or (language and topic.languages and language not in topic.languages):
                continue
            code = topic.code
            if code is None:
                code = _checked(compile(number), self)
                topic = self._topics[number]  # compile may have changed the topics
                if topic is None:
                    continue
                topic.code = code
            if not run.test(code, 0):
                continue
            units: list[int] = []
            run.collect(code, 0, units)
            fired = tuple(
                self._terms[u >> 1].unit if u & 1 == 0 else self._nears[u >> 1].unit
                for u in dict.fromkeys(units)
            )
            matched, highlights = state.report(fired)
            found.append(cls(topic.name, matched, highlights))
        return found

    def _check(self, ref: int) -> None:
        table: Sequence[object] = (self._terms, self._ors, self._nears, ())[ref & 3]
        if not 0 <= ref >> 2 < len(table):
            raise ValueError(f"no part {ref}")


def new_program() -> Program:
    return Program()


def _checked(code: list[int], program: Program) -> list[int]:
    """``code`` when it is well formed and refers to what ``program`` holds."""
    if not isinstance(code, list):
        raise TypeError("topic code is a list of ints")
    sizes = {TERM: len(program._terms), NEAR: len(program._nears), LANG: len(program._values)}
    if not code or _node(code, 0, len(code), sizes) != len(code):
        raise ValueError("topic code is one node")
    return code


def _node(code: list[int], at: int, end: int, sizes: dict[int, int]) -> int:
    """The end of the well-formed node at ``code[at]`` (before ``end``); a module function,
    not a closure: a recursive closure is a reference cycle, left to the collector."""
    if not at < end:
        raise ValueError("topic code ends inside a node")
    header = code[at]
    op, payload = header & 15, header >> 4
    if not 0 <= header < 1 << 31 or op > OR:
        raise ValueError("not topic code")
    if op <= URL:
        if payload >= sizes.get(op, sizes[LANG]):
            raise ValueError("topic code refers to nothing")
        return at + 1
    stop = at + 1 + payload
    if stop > end or (op == NOT and _node(code, at + 1, stop, sizes) != stop):
        raise ValueError("topic code ends inside a node")
    at += 1
    while at < stop:
        at = _node(code, at, stop, sizes)
    return stop


class _Run:
    """One document as topic code sees it: each term, proximity search and span list
    looked up once."""

    def __init__(self, program: Program, doc: Document) -> None:
        self.program = program
        self.doc = doc
        self.fields = (doc.title, doc.text, doc.feed)
        self.sets = tuple(f.words for f in self.fields)
        self.terms: dict[int, bool] = {}
        self.nears: dict[int, bool] = {}
        self.spans: dict[tuple[int, int], list[Span]] = {}  # (ref, field)

    def test(self, code: list[int], at: int) -> bool:
        header = code[at]
        op, payload = header & 15, header >> 4
        if op == TERM:
            return self.term(payload)
        if op == NEAR:
            return self.near(payload)
        if op == LANG:
            return self.doc.language == self.program._values[payload]
        if op == SOURCE:
            value, source = self.program._values[payload], self.doc.source
            return source == value or source.endswith("." + value)
        if op == URL:
            return self.program._values[payload] in self.doc.url
        if op == NOT:
            return not self.test(code, at + 1)
        stop = at + 1 + payload
        at += 1
        want = op == OR
        while at < stop:
            if self.test(code, at) is want:
                return want
            at = _skip(code, at)
        return not want

    def collect(self, code: list[int], at: int, units: list[int]) -> None:
        """The terms and proximity searches that fired in a node that matches (a term
        ``number << 1``, a proximity search ``number << 1 | 1``)."""
        header = code[at]
        op, payload = header & 15, header >> 4
        if op == TERM:
            units.append(payload << 1)
        elif op == NEAR:
            units.append(payload << 1 | 1)
        elif op in (AND, OR):
            stop = at + 1 + payload
            at += 1
            while at < stop:
                if op == AND or self.test(code, at):
                    self.collect(code, at, units)
                at = _skip(code, at)

    def term(self, number: int) -> bool:
        found = self.terms.get(number)
        if found is None:
            term = self.program._terms[number]
            fields = range(_FIELDS)
            if term.single is not None:
                found = any(term.fields >> f & 1 and term.single in self.sets[f] for f in fields)
            else:
                ref = number << 2 | _TERM_REF
                found = any(term.fields >> f & 1 and bool(self.span_list(ref, f)) for f in fields)
            self.terms[number] = found
        return found

    def near(self, number: int) -> bool:
        found = self.nears.get(number)
        if found is None:
            found = self.nears[number] = self._near(self.program._nears[number])
        return found

    def _near(self, near: _Near) -> bool:
        for f in range(_FIELDS):
            if not near.fields >> f & 1:
                continue
            for left in near.lefts:
                spans = self.span_list(left, f)
                if not spans:
                    continue
                for right in near.rights:
                    other = self.span_list(right, f)
                    if other and _within(spans, other, near.distance, near.ordered):
                        return True
        return False

    def span_list(self, ref: int, field: int) -> list[Span]:
        """The spans of a positional part in a field, sorted."""
        key = (ref, field)
        found = self.spans.get(key)
        if found is None:
            kind, number = ref & 3, ref >> 2
            if kind == _TERM_REF:
                found = self._term_spans(self.program._terms[number], field)
            elif kind == _OR_REF:
                found = sorted(
                    {s for child in self.program._ors[number] for s in self.span_list(child, field)}
                )
            else:
                near = self.program._nears[number]
                left = self.span_list(near.left, field)
                right = self.span_list(near.right, field) if left else []
                found = near_spans(near.distance, near.ordered, left, right)
            self.spans[key] = found
        return found

    def _term_spans(self, term: _Term, f: int) -> list[Span]:
        if not term.fields >> f & 1:
            return []
        index = self.fields[f]
        if term.single is not None:
            return single_spans(index.positions.get(term.single, []))
        return word_spans(index, term.words, term.prefixes)


def _skip(code: list[int], at: int) -> int:
    """Where the node after the one at ``at`` starts."""
    header = code[at]
    return at + 1 + (header >> 4 if header & 15 >= NOT else 0)


def word_spans(index: Field, words: tuple[str, ...], prefixes: tuple[bool, ...]) -> list[Span]:
    """Spans where ``words`` stand one after the other in a field (a word of ``prefixes``
    true: any word starting with it), ascending: from the offsets of the exact word occurring
    least often, or when there is none, of the words the first prefix starts."""
    present = index.words
    positions = index.positions
    tokens = index.tokens
    at, least = -1, None
    for k, word in enumerate(words):
        if prefixes[k]:
            continue
        if word not in present:
            return []
        where = positions.get(word)
        if where is None:
            return []
        if least is None or len(where) < len(least):
            at, least = k, where
    if least is None:
        at, least = 0, [i for i, token in enumerate(tokens) if token.startswith(words[0])]
    n, count = len(words), len(tokens)
    found = []
    for p in least:
        start = p - at
        if start < 0 or start + n > count:
            continue
        for k in range(n):
            token = tokens[start + k]
            if not (token.startswith(words[k]) if prefixes[k] else token == words[k]):
                break
        else:
            found.append((start, start + n))
    return found


def _within(left: list[Span], right: list[Span], n: int, ordered: bool) -> bool:
    """Whether a span of ``right`` follows one of ``left`` (or, unless ordered, precedes
    it) with at most ``n`` words between them (both sorted by start)."""
    starts = [start for start, _end in right]
    for _start, end in left:
        i = bisect.bisect_left(starts, end)
        if i < len(starts) and starts[i] <= end + n:
            return True
    if ordered:
        return False
    ends = sorted(end for _start, end in right)
    for start, _end in left:
        i = bisect.bisect_right(ends, start)
        if i and ends[i - 1] >= start - n:
            return True
    return False


def near_spans(distance: int, ordered: bool, left: list[Span], right: list[Span]) -> list[Span]:
    """The spans of ``evaluator.near`` (of occurrences with these spans), without the hits:
    each occurrence paired with the nearest partner on each side, when close enough."""
    if not left or not right:
        return []
    n = distance
    found: set[Span] = set()
    for near, far, first in ((left, right, True), (right, left, False)):
        starts = [span for span in far]  # sorted by (start, end)
        by_end = sorted(far, key=lambda s: (s[1], s[0]))
        ends = [e for _s, e in by_end]
        for start, end in near:
            # the partner after: the first starting at or after this one's end
            if first or not ordered:
                i = bisect.bisect_left(starts, (end, -1))
                if i < len(starts) and starts[i][0] <= end + n:
                    found.add((start, starts[i][1]))
            # the partner before: the last ending at or before this one's start
            if not first or not ordered:
                i = bisect.bisect_right(ends, start)
                if i and by_end[i - 1][1] >= start - n:
                    found.add((by_end[i - 1][0], end))
    return sorted(found)


# an item: (its place in article order, highlight, folded text, text)
Item = tuple[tuple[int, int, int], Any, str, str]
# a hit: (the term as written, the field, the token span)
Hit = tuple[str, str, Span]


def items(
    hits: list[Hit],
    cache: dict[Hit, Item],
    fields: dict[str, tuple[int, str, list[int] | bytes]],
    cls: type,
    make: Callable[[Hit], Item],
    /,
) -> list[Item]:
    """The item of each hit, made by ``make`` (which keeps it in ``cache``). The compiled
    kernel makes those of ASCII words (one word, or a phrase's) of a field of ``fields``
    (its place in article order, its text, the offsets of its tokens in that text: see
    ``FieldIndex.original_offsets``; where folding kept every offset, the compiled kernel's
    own entries hold them packed, a bytes object of machine-size ints) itself, as ``make``
    would, highlight of class ``cls`` included."""
    return list(map(make, hits))


def fast_report(
    items: list[Item],
    max_highlights: int,
    max_words: int,
    limited: Callable[[list[Item]], list[Item]],
    /,
) -> tuple[tuple[str, ...], tuple[Any, ...]] | None:
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
    return tuple(words.values())[:max_words], tuple(item[1] for item in kept)


# a way to find a topic: its trigger (None: every document) and its checks
Way = tuple[tuple[str, ...] | None, Checks]


class Presearch:
    """The topics filed by the atoms they require (see index.py), and the candidates of a
    document: a topic is one when one of its ways is met, that is when the document holds an
    atom of the way's trigger (or the way has none) and an atom of every clause of its
    checks. An atom is a word, a prefix ``warr*`` (held by a document with a word starting
    ``warr``) or any other string the document is given as held (a filter ``lang:es``). The
    compiled kernel numbers the atoms and marks those of a document in arrays; this twin
    gives the same results. A title atom ``title:word`` is held by a document with the word
    in its title, its first field."""

    def __init__(self) -> None:
        # atom -> {topic: the checks of each of its ways filed under the atom}
        self._postings: dict[str, dict[int, list[Checks]]] = {}
        self._filed: dict[int, tuple[Way, ...]] = {}
        self._always: dict[int, list[Checks]] = {}  # the ways without trigger
        # the prefixes of the atoms "warr*" ever filed ("warr" -> "warr*"), and their lengths
        self._prefixes: dict[str, str] = {}
        self._lengths: list[int] = []
        self._titles: set[str] = set()  # the words of the title atoms ever filed

    def file(self, number: int, ways: tuple[Way, ...], /) -> None:
        """File topic ``number`` (replacing any) by each of its ``ways``: (trigger, checks),
        filed under each atom of the trigger (None: for every document), met when every
        clause of the checks has an atom the document holds."""
        if not isinstance(ways, tuple) or not all(_is_way(way) for way in ways):
            raise TypeError("file() takes a number and a tuple of (trigger, checks) ways")
        if not 0 <= number < 2**31 - 1:
            raise IndexError("no topic of that number")
        self.remove(number)
        for trigger, checks in ways:
            for atom in (*(trigger or ()), *itertools.chain.from_iterable(checks)):
                if len(atom) > 1 and atom.endswith("*") and atom[:-1] not in self._prefixes:
                    self._prefixes[atom[:-1]] = atom
                    if len(atom) - 1 not in self._lengths:
                        bisect.insort(self._lengths, len(atom) - 1)
                if len(atom) > len(TITLE) and atom.startswith(TITLE):
                    self._titles.add(atom[len(TITLE) :])
            if trigger is None:
                self._always.setdefault(number, []).append(checks)
            for atom in trigger or ():
                self._postings.setdefault(atom, {}).setdefault(number, []).append(checks)
        self._filed[number] = ways

    def remove(self, number: int, /) -> None:
        if not 0 <= number < 2**31 - 1:
            raise IndexError("no topic of that number")
        ways = self._filed.pop(number, None)
        if ways is None:
            return
        self._always.pop(number, None)
        for trigger, _checks in ways:
            for atom in trigger or ():
                topics = self._postings.get(atom)
                if topics is not None and topics.pop(number, None) is not None and not topics:
                    del self._postings[atom]

    def candidates(
        self, fields: tuple[frozenset[str], ...], filters: tuple[str, ...], /
    ) -> list[int]:
        """The sorted numbers of the topics a document triggers: ``fields``, the sets of
        words of its fields, its title first; ``filters``, the other atoms it holds
        (``lang:en``, ...)."""
        present = set(filters)
        for words in fields:
            present.update(words)
        if fields and self._titles:
            present.update(TITLE + word for word in self._titles.intersection(fields[0]))
        if self._lengths:
            prefixes, lengths = self._prefixes, self._lengths
            for words in fields:
                for word in words:
                    for n in lengths:
                        if n > len(word):
                            break
                        atom = prefixes.get(word[:n])
                        if atom is not None:
                            present.add(atom)
        disjoint = present.isdisjoint
        found = {
            number
            for number, ways in self._always.items()
            if any(not any(map(disjoint, checks)) for checks in ways)
        }
        for atom in present:
            topics = self._postings.get(atom)
            if topics is None:
                continue
            for number, ways in topics.items():
                if number not in found and any(not any(map(disjoint, c)) for c in ways):
                    found.add(number)
        return sorted(found)


TITLE = "title:"  # a title atom: "title:" and a word of the title (index.py files them)


def _is_way(way: object) -> bool:
    if not isinstance(way, tuple) or len(way) != 2:
        return False
    trigger, checks = way
    clauses = [
        *([] if trigger is None else [trigger]),
        *(checks if isinstance(checks, tuple) else [0]),
    ]
    return all(
        isinstance(clause, tuple) and all(type(atom) is str for atom in clause)
        for clause in clauses
    )


def new_presearch() -> Presearch:
    return Presearch()
