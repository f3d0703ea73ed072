"""A topic's query as a short list of ints that the matching kernel evaluates (``_kernel.c``,
or its twin ``_pure.Program``), in place of a walk over the tree.

Every node is one header int, ``op | payload << 4``, followed by its children for NOT, AND and
OR (their payload: how many ints the children take, so a node is skipped without reading it):

- ``TERM``  a term or phrase (payload: its number in the kernel's table of terms);
- ``NEAR``  a proximity search (its number among the kernel's proximity searches);
- ``LANG``, ``SOURCE``, ``URL``  a filter (the number of its value);
- ``NOT``, ``AND``, ``OR``.

Terms and proximity searches are the matcher's shared ``program.CompiledWords`` and
``program.CompiledNear`` (made once per distinct one, numbered by the kernel when made): a
document's look-ups of them are made once and shared by all topics. Evaluating a topic gives
what the generated functions before it gave: None when it does not match, else the terms and
proximity searches that fired, in the order the reference evaluator collects their hits (every
term of a matching AND, the alternatives of an OR that match, nothing under a NOT), each once.

``(putin OR xi) AND summit -sport`` is ``AND[OR[TERM 0, TERM 1], TERM 2, NOT[TERM 3]]``:
``[6 | 6 << 4, 7 | 2 << 4, 0, 1 << 4, 2 << 4, 5 | 1 << 4, 3 << 4]``.
"""

from __future__ import annotations

from newswatch.core.query.ast import And, Meta, Near, Node, Not, Words
from newswatch.core.query.program import Interner

TERM, NEAR, LANG, SOURCE, URL, NOT, AND, OR = range(8)
_FILTERS = {"lang": LANG, "source": SOURCE, "url": URL}
# payloads fit the 28 bits left of a 32-bit int (the kernel keeps the code as int32)
MAX_PAYLOAD = (1 << 27) - 1


def compile_code(root: Node, intern: Interner) -> list[int]:
    """The code of ``root`` (see the module's description)."""
    code: list[int] = []
    _emit(root, intern, code)
    return code


def _emit(node: Node, intern: Interner, code: list[int]) -> None:
    if isinstance(node, Words):
        code.append(_header(TERM, intern.term(node).index))
    elif isinstance(node, Near):
        code.append(_header(NEAR, intern.near(node).index))
    elif isinstance(node, Meta):
        code.append(_header(_FILTERS[node.field], intern.value(node.value)))
    else:
        at = len(code)
        code.append(0)
        if isinstance(node, Not):
            _emit(node.child, intern, code)
            op = NOT
        else:
            for child in node.children:
                _emit(child, intern, code)
            op = AND if isinstance(node, And) else OR
        code[at] = _header(op, len(code) - at - 1)


def _header(op: int, payload: int) -> int:
    if payload > MAX_PAYLOAD:
        raise ValueError(f"a query or a catalogue too large to compile ({payload} > {MAX_PAYLOAD})")
    return op | payload << 4
