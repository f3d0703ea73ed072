"""The topic pack: curated, multilingual topics shipped with newswatch and used by reference.

A topic in the configuration (or the catalogue) either carries its own ``query`` or names a
pack topic with ``pack: summits``. Validation copies the pack's query into the stored topic
(what the API shows, and the fallback), and the worker takes the pack's query again each time
it builds its matcher, so an improved pack reaches every user on upgrade.

This module is pure: it turns the pack's data (already read from its files by
:mod:`newswatch.topics`) into :class:`PackTopic` values and resolves references.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping

from newswatch.core.errors import PackError, QueryError
from newswatch.core.query import Query, parse_query
from newswatch.core.query.index import triggers
from newswatch.core.query.lexer import QUOTES
from newswatch.core.query.parser import MAX_QUERY_LENGTH

# A pack topic is held to the cap on what people send (MAX_QUERY_LENGTH) as its file writes
# it: its clauses with each @name as written, each named list once, its exclusion. Written
# out (lists expanded, searches guarded) it is longer; that form is parsed only here, from the
# shipped files, and handed over parsed (PackTopic.compiled), so the cap on untrusted text
# never has to grow for it. This bounds the parse work of the written-out form. A topic that
# needs more is written as a union: `clauses` and further `parts` (each a mapping of language
# clauses like `clauses`), each held to the cap with the lists it uses and the exclusion, as
# several queries a person could send, whose matches the topic reports together.
MAX_PACK_QUERY_LENGTH = 4 * MAX_QUERY_LENGTH

# ISO 639-1 codes, as the topics' `languages:` lists use them
_LANGUAGE = re.compile(r"[a-z]{2}")
_FIELDS = frozenset(
    {"name", "title", "intent", "blind_spots", "lists", "clauses", "parts", "exclude"}
)
# a named list of the file (`lists:`), used in its clauses as @name
_LIST_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_LIST_REFERENCE = re.compile(r"@([A-Za-z0-9_]*)")
# a quoted phrase (to its closing quote, or the end): an @ inside it is text, not a list
_QUOTE_CHARS = "".join(sorted(QUOTES))
_QUOTED = re.compile(f"([{_QUOTE_CHARS}][^{_QUOTE_CHARS}]*[{_QUOTE_CHARS}]?)")


@dataclasses.dataclass(frozen=True)
class PackTopic:
    """One curated topic: a query clause per language, ORed, minus what ``exclude`` finds."""

    name: str
    title: str
    intent: str
    blind_spots: tuple[str, ...]
    # language code -> query clause, its named lists expanded (a language's clauses of the
    # file's further parts ORed after its clause of `clauses`)
    clauses: Mapping[str, str]
    exclude: str = ""  # a query; a document it matches never matches the topic
    lists: Mapping[str, str] = dataclasses.field(default_factory=dict)  # name -> OR list

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.clauses)

    @functools.cached_property
    def query(self) -> str:
        """The whole query in the topic query language, written out (the text the stored
        topic carries and the API shows; what :attr:`compiled` parses).

        Each proximity search is guarded by the few words one of which any document it
        matches must contain (its presearch triggers): AND evaluates left to right and stops at
        the first miss, so a document without them skips a search over hundreds of words.
        Without the guards the pack costs several times the extraction of the article.
        """
        alternatives = [alt for clause in self.clauses.values() for alt in _alternatives(clause)]
        either = " OR ".join(_guarded(alt) for alt in alternatives)
        if not self.exclude:
            return either
        return f"({either}) AND NOT ({self.exclude})"

    @functools.cached_property
    def compiled(self) -> Query:
        """:attr:`query` parsed once, under the pack's bound: what the matcher, a topic trial
        and a backfill take for a topic that names this pack topic (QueryError when the
        written-out query is malformed or longer than MAX_PACK_QUERY_LENGTH)."""
        return parse_query(self.query, max_length=MAX_PACK_QUERY_LENGTH)


def _alternatives(clause: str) -> list[str]:
    """The top-level OR operands of ``clause``, as text (OR binds loosest, so each operand
    is a query of its own)."""
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    i = 0
    while i < len(clause):
        ch = clause[i]
        if ch in QUOTES:
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and clause.startswith(" OR ", i):
            parts.append(clause[start:i])
            start = i + 4
            i += 3
        i += 1
    parts.append(clause[start:])
    return [part.strip() for part in parts if part.strip()]


def _guarded(alternative: str) -> str:
    if "NEAR/" not in alternative:
        return f"({alternative})"  # word and phrase look-ups: nothing to save
    words = triggers(parse_query(alternative).root)
    if not words:
        return f"({alternative})"
    guard = " OR ".join(sorted(f"{w.word}*" if w.prefix else f'"{w.word}"' for w in words))
    return f"(({guard}) AND ({alternative}))"


def parse_pack_topic(data: object, source: str) -> PackTopic:
    """A :class:`PackTopic` from the mapping of one pack file (``source`` names it in errors)."""
    if not isinstance(data, Mapping):
        raise PackError(f"{source}: a pack topic is a mapping, not {type(data).__name__}")
    unknown = sorted(set(map(str, data)) - _FIELDS)
    if unknown:
        raise PackError(f"{source}: unknown field(s) {', '.join(unknown)}")
    name = _text(data, "name", source)
    lists = _lists(data.get("lists", {}), source)
    queries = _queries(data, source)
    checked: dict[str, str] = {}
    for field, query in queries:
        for language, clause in query.items():
            where = f"{source}: {field}.{language}"
            if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
                raise PackError(f"{where}: not a two-letter language code")
            text = _query(_expand(clause, lists, where), where, MAX_PACK_QUERY_LENGTH)
            # OR binds loosest: the two clauses' alternatives side by side are their union
            checked[language] = f"{checked[language]} OR {text}" if language in checked else text
    spots = data.get("blind_spots", [])
    if not isinstance(spots, list) or not all(isinstance(s, str) and s.strip() for s in spots):
        raise PackError(f"{source}: blind_spots must be a list of sentences")
    exclude = data.get("exclude", "")
    where = f"{source}: exclude"
    topic = PackTopic(
        name=name,
        title=_text(data, "title", source),
        intent=_text(data, "intent", source),
        blind_spots=tuple(s.strip() for s in spots),
        clauses=checked,
        exclude=_query(_expand(exclude, lists, where), where, MAX_PACK_QUERY_LENGTH)
        if exclude
        else "",
        lists=lists,
    )
    for field, query in queries:
        written = _written([*query.values(), exclude], lists)
        if written > MAX_QUERY_LENGTH:
            what = "its clauses" if field == "clauses" else f"{field}"
            raise PackError(
                f"{source}: {what}, lists and exclude write {written} characters, over the "
                f"{MAX_QUERY_LENGTH} a query may have: move clauses to a part (parts) or "
                "share more in lists"
            )
    try:
        topic.compiled  # noqa: B018 - parsed once here, so that a fault is the file's
    except QueryError as exc:
        raise PackError(f"{source}: the combined query: {exc}") from None
    return topic


def _queries(data: Mapping[object, object], source: str) -> list[tuple[str, Mapping[str, str]]]:
    """The queries whose union is the topic, each with the field that holds it: ``clauses``,
    then each of the optional ``parts`` (``parts[0]``...), every one a mapping of language
    codes to clauses."""
    clauses = data.get("clauses")
    if not isinstance(clauses, Mapping) or not clauses:
        raise PackError(f"{source}: clauses must map language codes to queries")
    parts = data.get("parts", [])
    if not isinstance(parts, list):
        raise PackError(f"{source}: parts must be a list of clauses (language codes to queries)")
    queries: list[tuple[str, Mapping[str, str]]] = [("clauses", clauses)]
    for n, part in enumerate(parts):
        if not isinstance(part, Mapping) or not part:
            raise PackError(f"{source}: parts[{n}] must map language codes to queries")
        queries.append((f"parts[{n}]", part))
    return queries


def _written(queries: list[object], lists: Mapping[str, str]) -> int:
    """What one query of the file writes: its clauses and the exclusion with each @name as
    written, and each list they use once (the query a person could send with those lists)."""
    used = {
        name
        for query in queries
        if isinstance(query, str)
        for part in _unquoted(query)
        for name in _LIST_REFERENCE.findall(part)
    }
    return sum(map(_written_length, queries)) + sum(len(lists[name]) for name in used)


def pack_entry(name: str, packs: Mapping[str, PackTopic]) -> tuple[str, tuple[str, ...]] | None:
    """What a topic naming pack topic ``name`` takes from the pack when it is validated: the
    query, and no language restriction (the clauses cover every language they know). None
    when the pack has no such topic. This is the ``PackLookup`` of the catalogue's
    validation (:mod:`newswatch.core.validate`)."""
    found = packs.get(name)
    return None if found is None else (found.query, ())


def matcher_query(query: str, pack: str, packs: Mapping[str, PackTopic]) -> str | Query:
    """The query a stored topic is matched with: the pack's query now for a topic that names a
    pack topic, so an upgraded pack reaches topics stored before the upgrade, already parsed
    (:attr:`PackTopic.compiled`); the stored query otherwise. For a pack topic a later release
    no longer ships, the stored query is the one the pack gave when the topic was validated
    (never a person's: validation refuses a query beside ``pack``), so it is parsed under the
    pack's bound; one that does not parse is returned as text, for the caller to refuse."""
    found = packs.get(pack) if pack else None
    if found is not None:
        return found.compiled
    if pack and len(query) > MAX_QUERY_LENGTH:
        try:
            return parse_query(query, max_length=MAX_PACK_QUERY_LENGTH)
        except QueryError:
            return query
    return query


def _lists(value: object, source: str) -> dict[str, str]:
    """The file's named lists (``lists:``), each a query of its own (an OR list of words and
    phrases, as a clause would write it inline)."""
    if not isinstance(value, Mapping):
        raise PackError(f"{source}: lists must map names to queries")
    found: dict[str, str] = {}
    for name, query in value.items():
        where = f"{source}: lists.{name}"
        if not isinstance(name, str) or not _LIST_NAME.fullmatch(name):
            raise PackError(f"{where}: a list name is a-z, 0-9 and _, starting with a letter")
        if isinstance(query, str) and any(map(_LIST_REFERENCE.search, _unquoted(query))):
            raise PackError(f"{where}: a list cannot use another list")
        found[name] = _query(query, where)
    return found


def _expand(value: object, lists: Mapping[str, str], where: str) -> object:
    """``value`` with each ``@name`` outside a quoted phrase replaced by the named list in
    parentheses: the pack's source stays short and readable, the query the matcher compiles is
    written out. Inside quotes an ``@`` is the phrase's text (the words around it are searched,
    as the query language reads any other punctuation)."""
    if not isinstance(value, str):
        return value  # _query says what is wrong with it

    def replace(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in lists:
            known = ", ".join(sorted(lists)) or "none"
            raise PackError(f"{where}: no list named @{name} (lists: {known})")
        return f"({lists[name]})"

    parts = _QUOTED.split(value)  # the quoted phrases at the odd places
    return "".join(
        part if n % 2 else _LIST_REFERENCE.sub(replace, part) for n, part in enumerate(parts)
    )


def _written_length(value: object) -> int:
    """The characters of a clause or exclusion as the file writes it (white space folded)."""
    return len(" ".join(value.split())) if isinstance(value, str) else 0


def _unquoted(query: str) -> list[str]:
    """The parts of ``query`` outside its quoted phrases."""
    return _QUOTED.split(query)[::2]


def _text(data: Mapping[object, object], field: str, source: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise PackError(f"{source}: {field} must be a non-empty string")
    return " ".join(value.split())


def _query(value: object, where: str, max_length: int = MAX_QUERY_LENGTH) -> str:
    """``value`` with its white space folded, checked to parse (a clause or an exclusion with
    its lists written out under the pack's bound, a list under the cap)."""
    if not isinstance(value, str) or not value.strip():
        raise PackError(f"{where}: must be a non-empty query")
    text = " ".join(value.split())
    try:
        parse_query(text, max_length=max_length)
    except QueryError as exc:
        raise PackError(f"{where}: {exc}") from None
    return text
