"""Match one document against many topics at once."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import Iterable, Iterator

from newswatch.core.errors import QueryError
from newswatch.core.language import language_code
from newswatch.core.query import kernel
from newswatch.core.query.bytecode import compile_code
from newswatch.core.query.compiled import Query, as_query, query_text
from newswatch.core.query.document import MatchDocument
from newswatch.core.query.highlight import Highlight
from newswatch.core.query.index import Plan, TopicIndex, plan
from newswatch.core.query.program import DocumentState, Interner


@dataclasses.dataclass(frozen=True, slots=True)
class TopicSpec:
    """A topic to match: ``query`` as text (parsed under the cap on untrusted queries), or
    already parsed by whoever may allow more (the topic pack hands over its own)."""

    name: str
    query: str | Query
    languages: tuple[str, ...] = ()  # two-letter codes; empty: every language


@dataclasses.dataclass(frozen=True, slots=True)
class TopicMatch:
    """A topic that matched a document, with what it found there: ``matched`` lists the
    distinct words as the article writes them (not the query's patterns); ``highlights``
    every occurrence (field, offsets) of the clauses that fired.

    A value: topics reporting the same words share them, so both are tuples (the compiled
    kernel then leaves the results of a document out of the cyclic collector's walks)."""

    topic: str
    matched: tuple[str, ...]
    highlights: tuple[Highlight, ...] = ()


class _Topic:
    """A parsed topic; its code (bytecode.py) is made the first time presearch picks it (most
    topics of a large catalogue are never candidates for most of the news)."""

    __slots__ = ("languages", "plan", "query", "spec")

    def __init__(
        self, spec: TopicSpec, parsed: tuple[Query, Plan], languages: frozenset[str]
    ) -> None:
        self.spec = spec
        self.query, self.plan = parsed
        self.languages = languages

    @property
    def name(self) -> str:
        return self.spec.name


class TopicMatcher:
    """All topics compiled once; ``match`` evaluates only the candidates a document triggers.

    Topics can be added, replaced and removed one at a time (``update`` brings the matcher
    to a new list of topics that way): nothing else is compiled again."""

    def __init__(self, specs: Iterable[TopicSpec] = ()) -> None:
        # the kernel's tables and topic code: the active kernel's when the matcher is made
        self._program = kernel.active.new_program()
        self._intern = Interner(self._program)
        self._coded = 0  # topics given code since the objects were last frozen (``_code``)
        self._slots: list[_Topic | None] = []  # topic numbers; a removed topic leaves None
        self._numbers: dict[str, int] = {}  # name -> number
        self._index = TopicIndex()
        with _collector_paused():
            parsed: _Parsed = {}
            compiled = [_compile(spec, parsed) for spec in specs]  # all or nothing
            for topic in compiled:
                self._put(topic)
            _settle(len(compiled))

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(t.name for t in self._slots if t is not None)

    def __len__(self) -> int:
        return len(self._numbers)

    def add(self, spec: TopicSpec) -> None:
        """Add a topic, or replace the topic of the same name (it then matches after the
        others). Raises QueryError, and changes nothing, when the query is malformed."""
        self._put(_compile(spec, {}))

    def remove(self, name: str) -> None:
        number = self._numbers.pop(name, None)
        if number is not None:
            self._slots[number] = None
            self._index.remove(number)
            self._program.remove(number)

    def spec(self, name: str) -> TopicSpec | None:
        """The spec of topic ``name``; None when there is no such topic."""
        number = self._numbers.get(name)
        topic = self._slots[number] if number is not None else None
        return topic.spec if topic is not None else None

    def update(self, specs: Iterable[TopicSpec]) -> None:
        """Bring the topics to ``specs``: the topics gone are removed, the new and changed
        ones compiled and added, the unchanged ones left as they are. Raises QueryError, and
        changes nothing, when a new query is malformed."""
        wanted = {spec.name: spec for spec in specs}
        self.change(wanted.values(), [name for name in self._numbers if name not in wanted])

    def change(self, specs: Iterable[TopicSpec], removed: Iterable[str] = ()) -> None:
        """Add or replace the topics of ``specs`` (those unchanged are left as they are) and
        remove the topics named in ``removed``; the other topics are not looked at, so a
        change costs what changed, not the catalogue. Raises QueryError, and changes
        nothing, when a new query is malformed."""
        with _collector_paused():
            parsed: _Parsed = {}
            fresh = [_compile(spec, parsed) for spec in specs if self.spec(spec.name) != spec]
            for name in removed:
                self.remove(name)
            for topic in fresh:
                self._put(topic)
            _settle(len(fresh))

    def _put(self, topic: _Topic) -> None:
        self.remove(topic.name)
        number = len(self._slots)
        self._slots.append(topic)
        self._numbers[topic.name] = number
        self._index.add(number, topic.query.root, topic.plan)
        self._program.put(number, topic.name, topic.languages)

    def candidates(self, doc: MatchDocument) -> list[int]:
        """The numbers of the topics presearch picks for ``doc`` (what ``match`` evaluates)."""
        return self._index.candidates(doc)

    def match(self, doc: MatchDocument) -> list[TopicMatch]:
        """The topics that match ``doc``, in the order they were added."""
        # matching a document makes tens of thousands of short-lived tuples, lists and
        # dicts (spans, hits, reports), and no reference cycle: reference counting frees
        # them, and the cyclic collector walking them over and over cost a third of it
        with _collector_paused():
            return self._program.match(
                self._index.candidates(doc),
                doc,
                DocumentState(doc),
                TopicMatch,
                Highlight,
                self._code,
            )

    def _code(self, number: int) -> list[int]:
        """The code of topic ``number`` (asked by the kernel the first time it is a candidate)."""
        topic = self._slots[number]
        assert topic is not None  # the kernel asks for the topics it holds
        code = compile_code(topic.query.root, self._intern)
        # the terms and proximity searches made for it live as long as the matcher: after
        # BULK topics, out of the collector's way as a build's are (full collections walked
        # the 200,000 of 100,000 topics, a tenth of matching)
        self._coded += 1
        if self._coded >= BULK:
            self._coded = 0
            _settle(BULK)
        return code


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Compiling many topics makes millions of objects and no garbage cycle; the cyclic
    collector would walk the growing heap again and again (a third of the build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# topics compiled at once from which the new objects are frozen (see ``_settle``)
BULK = 5_000


def _settle(compiled: int) -> None:
    """After compiling ``compiled`` topics with the collector paused: when they are many,
    move every object out of the collector's reach (``gc.freeze``), as the worker does after
    each build anyway. Otherwise the first allocation once the collector is back walks the
    millions of new objects in one young-generation pass (a fifth of building 100,000
    topics), only to find no garbage: compiled topics live as long as the matcher, and
    frozen ones are still freed by reference counting when it goes."""
    if compiled >= BULK:
        gc.freeze()


# query text -> its tree and presearch plan, for one build: topics of the same query (a pack
# topic many people follow; a fifth of the bench's generated topics) are parsed once and
# share one tree (immutable values)
_Parsed = dict[str, tuple[Query, Plan]]


_EVERY: frozenset[str] = frozenset()


def _compile(spec: TopicSpec, parsed: _Parsed) -> _Topic:
    try:
        text = query_text(spec.query)
        found = parsed.get(text)
        if found is None:
            query = as_query(spec.query)
            found = parsed[text] = (query, plan(query.root))
    except QueryError as err:
        raise QueryError(
            f"topic '{spec.name}': {_detail(err)}",
            query=err.query,
            position=err.position,
            hint=err.hint,
        ) from err
    # a lone string ("en") is one language, not the letters "e" and "n"
    given = (spec.languages,) if isinstance(spec.languages, str) else spec.languages
    # the empty set shared by the topics of every language (most of them)
    languages = frozenset(language_code(lang) for lang in given if lang.strip()) or _EVERY
    return _Topic(spec, found, languages)


def _detail(err: QueryError) -> str:
    """The message of a QueryError without the position and hint it appends."""
    suffix = f" at position {err.position + 1}" + (f" ({err.hint})" if err.hint else "")
    return err.message.removesuffix(suffix)
