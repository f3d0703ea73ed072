"""A topic's query written as one Python function, so that evaluating a candidate is one call
with no tree walk.

The function takes the document state and the word sets of the title, the text and the feed
(``run(s, T, X, F)``) and returns None when the query does not match, else the terms and
proximity searches that fired (``program.Unit``), in the order the reference evaluator
collects their hits: every term of a matching AND, the alternatives of an OR that match,
nothing under a NOT. A one-word term is a set look-up written in place; phrases, prefixes and
proximity searches are looked up through the shared state once per document.

``(putin OR xi) AND summit -sport`` becomes::

    def run(s, T, X, F, c0=None, c1=None, c2=None, c3=None, c4=None, c5=None, c6=None):
        if not (((c0 in T or c0 in X) or (c1 in T or c1 in X)) and (c2 in T or c2 in X)
                and (not (c3 in T or c3 in X))):
            return None
        R = []
        if (c0 in T or c0 in X):
            R.append(c4)
        if (c1 in T or c1 in X):
            R.append(c5)
        R.append(c6)
        return tuple(R)

where the ``c`` are the query's words and terms, given as default values: queries of the same
shape share one code object, and a topic costs a function object, not a compilation. No text
of a query is ever written into the source: it is made of these names, operators and fixed
method names only.
"""

from __future__ import annotations

import builtins
import functools
import types
from collections.abc import Callable

from newswatch.core.query.ast import And, Meta, Near, Node, Not, Words
from newswatch.core.query.program import DocumentState, Interner, Unit, compile_near

Run = Callable[
    [DocumentState, frozenset[str], frozenset[str], frozenset[str]], "tuple[Unit, ...] | None"
]

# the word sets a one-word term is looked up in, by its field
_SETS = {None: ("T", "X"), "title": ("T",), "text": ("X",), "feed": ("F",)}
_GLOBALS = {"__builtins__": builtins}
# a step of collecting what fired: a unit ("", unit, []), or a test and the steps taken when
# it holds (test, None, steps)
_Step = tuple[str, "Unit | None", "list[_Step]"]


def compile_run(root: Node, intern: Interner) -> Run:
    """The function evaluating ``root`` (see the module's description)."""
    writer = _Writer(intern)
    test = writer.test(root)
    steps = writer.collect(root)
    lines = [f"    if not {test}:", "        return None"]
    if _static(steps):
        fired = tuple(dict.fromkeys(_units(steps)))
        lines.append(f"    return {writer.constant(fired)}")
    else:
        lines.append("    R = []")
        _write(steps, writer, lines, "    ")
        units = _units(steps)
        twice = len(set(units)) < len(units)  # a term collected twice: once in the result
        lines.append("    return tuple(dict.fromkeys(R))" if twice else "    return tuple(R)")
    params = "".join(f", c{i}=None" for i in range(len(writer.values)))
    source = f"def run(s, T, X, F{params}):\n" + "\n".join(lines) + "\n"
    run: Run = types.FunctionType(_code(source), _GLOBALS, "run", tuple(writer.values))
    return run


@functools.lru_cache(maxsize=4096)
def _code(source: str) -> types.CodeType:
    namespace: dict[str, object] = {}
    exec(compile(source, "<topic>", "exec"), _GLOBALS, namespace)  # noqa: S102 - our own source
    function = namespace["run"]
    assert isinstance(function, types.FunctionType)
    return function.__code__


class _Writer:
    """Writes the test of a query and the steps that collect what fired; every value the
    code needs becomes a parameter ``c<n>`` (one per distinct value)."""

    def __init__(self, intern: Interner) -> None:
        self.intern = intern
        self.values: list[object] = []
        self._names: dict[object, str] = {}
        self._near: dict[int, Unit] = {}  # id() of a Near node -> its unit

    def constant(self, value: object) -> str:
        # strings by value; terms and proximity searches by identity (their default hash)
        name = self._names.get(value)
        if name is None:
            name = self._names[value] = f"c{len(self.values)}"
            self.values.append(value)
        return name

    def unit(self, node: Words | Near) -> Unit:
        if isinstance(node, Words):
            return self.intern.term(node)
        found = self._near.get(id(node))
        if found is None:
            found = self._near[id(node)] = compile_near(node, self.intern)
        return found

    def test(self, node: Node) -> str:
        """A Python expression true when ``node`` matches."""
        if isinstance(node, Words):
            term = self.intern.term(node)
            if term.single is not None:
                word = self.constant(term.single)
                return "(" + " or ".join(f"{word} in {s}" for s in _SETS[node.field]) + ")"
            return f"s.occurs({self.constant(term)})"
        if isinstance(node, Meta):
            value = self.constant(node.value)
            if node.field == "lang":
                return f"(s.language == {value})"
            if node.field == "source":
                dotted = self.constant("." + node.value)
                return f"(s.source == {value} or s.source.endswith({dotted}))"
            return f"({value} in s.url)"
        if isinstance(node, Not):
            return f"(not {self.test(node.child)})"
        if isinstance(node, Near):
            return f"{self.constant(self.unit(node))}.matches(s)"
        joiner = " and " if isinstance(node, And) else " or "
        return "(" + joiner.join(self.test(c) for c in node.children) + ")"

    def collect(self, node: Node) -> list[_Step]:
        """The steps collecting what fired in ``node``, which matches."""
        if isinstance(node, Words | Near):
            return [("", self.unit(node), [])]
        if isinstance(node, Meta | Not):
            return []
        if isinstance(node, And):
            return [step for child in node.children for step in self.collect(child)]
        steps: list[_Step] = []
        for child in node.children:
            inner = self.collect(child)
            if inner:
                steps.append((self.test(child), None, inner))
        return steps


def _static(steps: list[_Step]) -> bool:
    return all(unit is not None for _test, unit, _inner in steps)


def _units(steps: list[_Step]) -> list[Unit]:
    found: list[Unit] = []
    for _kind, unit, inner in steps:
        if unit is not None:
            found.append(unit)
        found += _units(inner)
    return found


def _write(steps: list[_Step], writer: _Writer, lines: list[str], indent: str) -> None:
    for test, unit, inner in steps:
        if unit is not None:
            lines.append(f"{indent}R.append({writer.constant(unit)})")
        else:
            lines.append(f"{indent}if {test}:")
            _write(inner, writer, lines, indent + "    ")
