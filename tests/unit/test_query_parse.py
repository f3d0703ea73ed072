"""Parsing: the tree shape a query parses into (precedence, implicit AND, exclusions, fields)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newswatch.core.query import QueryError, parse_query
from newswatch.core.query.ast import And, Not, Words, describe
from newswatch.core.query.lexer import QUOTES, Kind, tokenize_query


def shape(query: str) -> str:
    return describe(parse_query(query).root)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # precedence NOT > AND > OR
        ("a OR b AND c", "(OR a (AND b c))"),
        ("a AND b OR c", "(OR (AND a b) c)"),
        ("NOT a AND b", "(AND (NOT a) b)"),
        ("a OR NOT b c", "(OR a (AND (NOT b) c))"),
        # implicit AND between adjacent operands, same strength as AND
        ("a b", "(AND a b)"),
        ("a b OR c", "(OR (AND a b) c)"),
        ("a OR b c", "(OR a (AND b c))"),
        ('Putin "arrest warrant"', '(AND putin "arrest warrant")'),
        # parentheses override precedence; same-operator groups are flattened
        ("(a OR b) c", "(AND (OR a b) c)"),
        ("(a OR b) OR c", "(OR a b c)"),
        ("a (b c)", "(AND a b c)"),
        ("((a))", "a"),
        # exclusions: NOT and attached '-' on terms, phrases and groups
        ("a -b", "(AND a (NOT b))"),
        ('a -"b c"', '(AND a (NOT "b c"))'),
        ("a -(b OR c)", "(AND a (NOT (OR b c)))"),
        ("a NOT (b OR c)", "(AND a (NOT (OR b c)))"),
        ("-b a", "(AND (NOT b) a)"),
        # lower-case keywords are plain words
        ("war and peace", "(AND war and peace)"),
        ("a or b", "(AND a or b)"),
        # words fold case and accents; a word that folds to several is a phrase
        ("Élysée", "elysee"),
        ("Jean-Luc", '"jean luc"'),
        ("U.S.", '"u s"'),
        ('"  Arrest   WARRANT "', '"arrest warrant"'),
        # typographic quotes, as pasted from a word processor
        ("“arrest warrant”", '"arrest warrant"'),
        # wildcards, in terms and phrases
        ("warrant*", "warrant*"),
        ('"arrest warr*"', '"arrest warr*"'),
        # proximity binds tighter than AND, looser than the operand
        ("Putin NEAR/10 summit", "(NEAR/10 putin summit)"),
        ("arms ONEAR/3 deliver*", "(ONEAR/3 arms deliver*)"),
        (
            "(Putin OR Xi) NEAR/10 (summit OR talks) Moscow",
            "(AND (NEAR/10 (OR putin xi) (OR summit talks)) moscow)",
        ),
        ("NOT a NEAR/2 b c", "(AND (NOT (NEAR/2 a b)) c)"),
        ("a NEAR/2 b NEAR/3 c", "(NEAR/3 (NEAR/2 a b) c)"),
        # field scopes
        ("title:summit", "title:summit"),
        ('title:"arrest warrant"', 'title:"arrest warrant"'),
        (
            "title:(summit OR talks) -text:sport",
            "(AND (OR title:summit title:talks) (NOT text:sport))",
        ),
        ("Title:summit", "title:summit"),
        ("feed:reuters*", "feed:reuters*"),
        ("summit lang:ES-mx", "(AND summit lang:es)"),
        ("summit lang:(es OR fr)", "(AND summit (OR lang:es lang:fr))"),
        ("summit source:https://www.Reuters.com/world", "(AND summit source:reuters.com)"),
        ("summit url:/World/", "(AND summit url:/world/)"),
        ("summit -source:tass.ru", "(AND summit (NOT source:tass.ru))"),
    ],
)
def test_shape(query: str, expected: str) -> None:
    assert shape(query) == expected


def test_query_keeps_its_text() -> None:
    text = '  "arrest warrant" OR (ICC AND warrant*) '
    assert parse_query(text).text == text


def test_terms_are_the_positive_words_as_written_in_order_without_duplicates() -> None:
    query = parse_query(
        '(Putin OR "Xi  Jinping") title:summit -sport NOT "World Cup" putin Élysée* lang:fr '
        "feed:reuters source:tass.ru"
    )
    assert query.terms() == ["Putin", "Xi Jinping", "summit", "Élysée*"]


def test_nodes_know_where_they_were_written_but_compare_without_it() -> None:
    root = parse_query('Putin -"arrest warrant"').root
    assert isinstance(root, And)
    putin, excluded = root.children
    assert isinstance(putin, Words) and putin.position == 0
    assert isinstance(excluded, Not) and excluded.position == 6
    assert isinstance(excluded.child, Words) and excluded.child.position == 7
    assert parse_query('"b c"').root == parse_query('   "b c"').root


# -- the lexer: every token stands where it says, and nothing is skipped but spaces ---------

_PIECES = st.lists(
    st.sampled_from(
        ["a", "b", "x-y", "é", "AND", "OR", "NOT", "NEAR/3", "ONEAR/2", "NEARBY", "title:",
         "lang:", "url:", " ", "  ", "\t", "\u00a0", "\u2003", "(", ")", '"', "“", "”", "„",
         "-", "*", ":", "/"]
    ),
    max_size=10,
)  # fmt: skip


@given(_PIECES)
def test_tokens_tile_the_query(pieces: list[str]) -> None:
    query = "".join(pieces)
    try:
        tokens = tokenize_query(query)
    except QueryError as err:
        assert 0 <= (err.position or 0) <= len(query)
        return
    covered: set[int] = set()
    for tok in tokens[:-1]:
        written = tok.text
        if tok.kind is Kind.PHRASE:
            assert query[tok.position] in QUOTES
            assert query[tok.position + 1 + len(written)] in QUOTES
            written = query[tok.position : tok.position + len(written) + 2]
        elif tok.kind is Kind.FIELD:
            assert query[tok.position : tok.position + len(written)].lower() == written
            written += ":"
        else:
            assert query[tok.position : tok.position + len(written)] == written
        covered.update(range(tok.position, tok.position + len(written)))
    assert [t.position for t in tokens] == sorted(t.position for t in tokens)
    assert tokens[-1].kind is Kind.END and tokens[-1].position == len(query)
    # what no token covers is space
    assert all(query[i].isspace() for i in range(len(query)) if i not in covered)
