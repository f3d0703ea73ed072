"""lint(): warnings, with positions, about queries that parse but likely mean something else."""

from __future__ import annotations

import pytest

from newswatch.core.query import LintWarning, QueryError, lint
from newswatch.core.query.rarity import Rarity, news_rarity


def codes(query: str) -> list[tuple[str, int]]:
    return [(w.code, w.position) for w in lint(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Putin and Xi", [("lowercase-operator", 6)]),
        ("Putin or Xi", [("lowercase-operator", 6)]),
        ("Putin not Xi", [("lowercase-operator", 6)]),
        ("Putin And Xi OR Biden", [("lowercase-operator", 6)]),
        ("title:and summit", [("lowercase-operator", 6)]),
        ("Putin near/5 summit", [("near-distance", 6)]),
        ("Putin onear summit", [("near-distance", 6)]),
        ("Putin NEAR/abc summit", [("near-distance", 6)]),
        ("Putin NEAR/5x summit", [("near-distance", 6)]),
        # quoted, the words are meant: no warning
        ('"Bosnia and Herzegovina"', []),
        ('"near east" Putin', []),
        ("Putin AND Xi", []),
        ("Putin NEAR/5 summit", []),
    ],
)
def test_operators_written_as_words(query: str, expected: list[tuple[str, int]]) -> None:
    assert codes(query) == expected


def test_operator_warnings_say_what_to_write() -> None:
    (warning,) = lint("Putin and Xi")
    assert warning == LintWarning(
        "lowercase-operator",
        "'and' is searched for as a word, not used as the operator AND",
        6,
        'operators are upper case: write AND; to search for the word, write "and"',
    )
    assert str(warning).endswith("at position 7 (operators are upper case: write AND; "
                                 'to search for the word, write "and")')  # fmt: skip
    (near,) = lint("Putin NEAR/abc summit")
    assert near.message == "'NEAR/abc' is searched for as words: the NEAR distance must be a number"
    assert near.hint == "write it like NEAR/5 (at most 5 words apart)"


def test_broad_wildcards() -> None:
    (warning,) = lint("Putin AND con*")
    assert warning.code == "broad-wildcard"
    assert warning.position == 10
    assert warning.message.startswith("'con*' matches ")
    assert "different words of everyday news (" in warning.message
    assert lint("Putin AND presiden*") == []
    # in a phrase and in an exclusion too, each at its own position
    assert codes('"re* con*" -sta*') == [
        ("broad-wildcard", 1),
        ("broad-wildcard", 5),
        ("broad-wildcard", 12),
    ]


def test_topics_made_only_of_common_words() -> None:
    (warning,) = lint("said AND people")
    assert warning.code == "common-words"
    assert warning.position == 0
    assert "would match about" in warning.message
    assert lint("said AND Zelensky") == []  # one rare word is enough
    assert lint("the OR a")[0].code == "common-words"
    assert lint("said -people")[0].code == "common-words"  # still 40% of the news
    assert lint('"said people" lang:en') == []  # a phrase of two common words is not common


def test_an_own_frequency_table_can_be_given() -> None:
    everyday = Rarity(10, {"zelensky": 9, "kyiv": 9})
    assert [w.code for w in lint("Zelensky AND Kyiv", everyday)] == ["common-words"]
    assert lint("Zelensky AND Kyiv") == []
    assert news_rarity().share("zelensky") < 0.01


def test_a_query_that_does_not_parse_is_refused() -> None:
    with pytest.raises(QueryError):
        lint("Putin AND")
