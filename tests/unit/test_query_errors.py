"""Every malformed query is refused with the offset of the fault and a useful hint."""

from __future__ import annotations

import pytest

from newswatch.core.query import QueryError, parse_query


def refuse(query: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.query == query
    return caught.value


@pytest.mark.parametrize(
    ("query", "position", "message", "hint"),
    [
        # empty
        ("", 0, "the query is empty", "word"),
        ("   ", 0, "the query is empty", "word"),
        # parentheses: the opening one that is never closed, or the stray closing one
        ("(Putin OR Xi", 0, "never closed", "')'"),
        ("summit (Putin OR (Xi AND talks)", 7, "never closed", "')'"),
        ("Putin (", 6, "never closed", "')'"),
        ("Putin OR Xi)", 11, "no matching '('", "remove it"),
        (")Putin", 0, "no matching '('", "remove it"),
        ("()", 0, "empty parentheses", "put words inside"),
        ("summit (  ) talks", 7, "empty parentheses", "put words inside"),
        # quotes: the quote that is never closed
        ('"arrest warrant', 0, "quote is never closed", "second"),
        ('ICC "arrest warrant" OR "war crimes', 24, "quote is never closed", "second"),
        ('""', 0, "phrase is empty", "between the quotes"),
        # dangling and doubled operators point at the operator missing an operand
        ("Putin AND", 6, "after AND", "AND needs a term on both sides"),
        ("AND Putin", 0, "before AND", "AND needs a term on both sides"),
        ("Putin OR", 6, "after OR", "OR needs a term on both sides"),
        ("OR Putin", 0, "before OR", "OR needs a term on both sides"),
        ("Putin OR OR Xi", 6, "after OR", "OR needs a term on both sides"),
        ("Putin AND OR Xi", 6, "after AND", "AND needs a term on both sides"),
        ("(Putin AND) Xi", 7, "after AND", "AND needs a term on both sides"),
        ("(OR Xi)", 1, "before OR", "OR needs a term on both sides"),
        ("Putin NOT", 6, "after NOT", "NOT needs"),
        ("NOT", 0, "after NOT", "NOT needs"),
        ("Putin NEAR/5", 6, "after NEAR/5", "NEAR/5 needs a term on both sides"),
        ("NEAR/5 summit", 0, "before NEAR/5", "NEAR/5 needs a term on both sides"),
        # a lone minus
        ("Putin - sport", 6, "lone '-'", "-sport"),
        ("Putin -", 6, "lone '-'", "-sport"),
        ("(Putin -)", 7, "lone '-'", "-sport"),
        # nothing to look for
        ("-sport", 0, "only excludes", "add a word or phrase"),
        ("NOT sport", 0, "only excludes", "add a word or phrase"),
        ('-sport -"transfer window"', 0, "only excludes", "add a word or phrase"),
        ("-(sport OR football)", 0, "only excludes", "add a word or phrase"),
        ("Putin OR -sport", 9, "OR alternative only excludes", "a -b"),
        ("summit (Putin OR NOT Xi)", 17, "OR alternative only excludes", "a -b"),
        # words with nothing to search for
        ("Putin & Xi", 6, "'&' has no letters or digits", "AND / OR"),
        ('"–"', 1, "has no letters or digits", "AND / OR"),
        # wildcards
        ("*", 0, "'*' must follow", "warrant*"),
        ("*rant", 0, "'*' must follow", "warrant*"),
        ("war**", 4, "'*' must follow", "warrant*"),
        ("wa*rant", 2, "only works at the end", "warrant*"),
        ("w*", 0, "too short", "at least 2 letters"),
        ('"arrest w*"', 8, "too short", "at least 2 letters"),
        # proximity
        ("Putin NEAR summit", 6, "NEAR needs a distance", "NEAR/5"),
        ("Putin ONEAR/ summit", 6, "ONEAR needs a distance", "ONEAR/5"),
        ("Putin NEAR/500 summit", 6, "too far apart", "at most 100"),
        ("Putin NEAR/5 (summit talks)", 6, "can only join words, phrases and OR groups", "outside"),
        ("(a AND b) NEAR/5 c", 10, "can only join words, phrases and OR groups", "outside"),
        ("Putin NEAR/5 lang:ru", 6, "can only join words, phrases and OR groups", "outside"),
        ("Putin NEAR/5 -summit", 13, "cannot join an exclusion", "exclude outside"),
        ("Putin NEAR/5 NOT summit", 13, "cannot join an exclusion", "exclude outside"),
        # fields
        ("titel:summit", 0, "unknown field 'titel:'", "title:"),
        ("Putin Note:summit", 6, "unknown field 'Note:'", "put it in quotes"),
        ("title:", 0, "not followed by anything", "right after the colon"),
        ("title: summit", 0, "not followed by anything", "right after the colon"),
        ("(title:)", 1, "not followed by anything", "right after the colon"),
        ("title:-sport", 6, "exclusion cannot follow title:", "-title:sport"),
        ("title:(summit OR text:talks)", 17, "cannot be used inside title:", "do not nest"),
        ("summit lang:spanish", 12, "not a language code", "lang:en"),
        ("summit source:*.gov", 14, "wildcards do not work on source:", "warrant*"),
    ],
)
def test_refused_with_position_and_hint(query: str, position: int, message: str, hint: str) -> None:
    error = refuse(query)
    assert error.position == position
    assert message in str(error)
    assert hint in error.hint
    # the rendered message names the position 1-based, as a journalist counts
    assert f"at position {position + 1}" in str(error)


def test_deep_nesting_and_huge_queries_are_refused_not_crashed() -> None:
    deep = "(" * 41 + "Putin" + ")" * 41
    assert refuse(deep).position == 40
    assert "nested more than 40 deep" in str(refuse(deep))
    assert refuse("NOT " * 41 + "Putin Xi").position == 160
    parse_query("(" * 40 + "Putin" + ")" * 40)  # up to the limit is fine
    long = " OR ".join(["Putin"] * 8000)
    assert "longer than 64000 characters" in str(refuse(long))
    assert refuse(long).position == 64000


def test_pointer_shows_the_fault_under_the_query() -> None:
    error = refuse("Putin AND")
    assert error.pointer() == "Putin AND\n      ^"


def test_error_is_not_worth_a_retry() -> None:
    assert refuse("(Putin").retryable is False


@pytest.mark.parametrize(
    "query",
    [
        "war and peace",  # lower-case keywords are words
        "10:30",  # not a field: digits before the colon
        "AT&T",  # punctuation inside a word splits it
        "Putin near summit",
        '"NEAR/5"',  # keywords inside quotes are words
        "summit lang:en-GB",
        "Putin -(sport OR -football)",  # an exclusion may contain anything
    ],
)
def test_accepted(query: str) -> None:
    assert parse_query(query).text == query
