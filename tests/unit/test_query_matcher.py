"""TopicMatcher: many topics at once, language filter, presearch index, realistic news."""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pytest

from newswatch.core.query import (
    Highlight,
    MatchDocument,
    QueryError,
    TopicMatch,
    TopicMatcher,
    TopicSpec,
    parse_query,
)
from newswatch.core.query.ast import positive_words
from newswatch.core.query.evaluator import evaluate, hits
from newswatch.core.query.highlight import MAX_HIGHLIGHTS, highlight, matched_words, select
from newswatch.core.query.index import TopicIndex, triggers
from newswatch.core.query.matcher import BULK
from newswatch.core.text import fold

# the three example topics offered for examples/newswatch.yaml
LEADERS_SUMMIT = (
    '(Putin OR Xi OR "heads of state" OR president*) AND (summit OR talks OR visit OR meeting*)'
)
ICC_WARRANT = '"arrest warrant" OR (ICC AND warrant*) OR "International Criminal Court"'
ARMS_DELIVERIES = (
    "(arms OR weapons OR ammunition OR munitions OR fighter*) NEAR/5 "
    '(deliver* OR supply OR supplies OR shipment*) -"coat of arms"'
)
EXAMPLES = {
    "leaders-summit": LEADERS_SUMMIT,
    "icc-warrant": ICC_WARRANT,
    "arms-deliveries": ARMS_DELIVERIES,
}


@pytest.fixture(scope="module")
def seed(corpora: Path) -> MatchDocument:
    lines = [
        line.strip() for line in (corpora / "seed-article.txt").read_text("utf-8").splitlines()
    ]
    body = [line for line in lines if line and line != "Skip to content"]
    return MatchDocument.build(title=body[0], text="\n".join(body[1:]), language="en")


def in_text(phrase: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE) is not None


def test_seed_article_matches_the_three_example_topics(corpora: Path, seed: MatchDocument) -> None:
    matcher = TopicMatcher(TopicSpec(name, query, ("en",)) for name, query in EXAMPLES.items())
    found = {m.topic: m for m in matcher.match(seed)}
    assert list(found) == list(EXAMPLES)
    for match in found.values():
        # every highlight is a slice of the article, and the words reported are those slices
        for h in match.highlights:
            assert seed.field(h.field).original[h.start : h.end] == h.text
        assert {fold(w) for w in match.matched} == {fold(h.text) for h in match.highlights}
    # the words as the article writes them, in article order (title first), each once
    assert found["leaders-summit"].matched == (
        "meeting", "Putin", "Xi", "President", "visit", "talks", "summit", "meetings",
    )  # fmt: skip
    assert "heads of state" not in found["leaders-summit"].matched
    assert found["icc-warrant"].matched == ("arrest warrant", "International Criminal Court", "ICC")
    # "arms delivery" and "fighters that Poland and Slovakia will deliver"
    assert found["arms-deliveries"].matched == ("arms", "delivery", "fighters", "deliver")


def test_example_exclusions_and_proximity_keep_unrelated_news_out() -> None:
    matcher = TopicMatcher(TopicSpec(name, query) for name, query in EXAMPLES.items())
    trade = MatchDocument.build(
        title="Xi's economic plan",
        text="China's president outlined growth targets; the arms of the state press praised it.",
    )
    heraldry = MatchDocument.build(
        text="The town's coat of arms will be delivered to the museum by a fighter pilot."
    )
    far_apart = MatchDocument.build(
        text="Weapons were discussed at length by the committee, which in a separate "
        "session on another topic entirely agreed to deliver a report."
    )
    assert matcher.match(trade) == []
    assert matcher.match(heraldry) == []
    assert matcher.match(far_apart) == []


def test_a_query_that_does_not_match_gives_none(seed: MatchDocument) -> None:
    assert parse_query('"Champions League" OR (football AND transfer*)').evaluate(seed) is None
    assert parse_query(LEADERS_SUMMIT + " -Kremlin").evaluate(seed) is None


def test_language_filter() -> None:
    matcher = TopicMatcher(
        [
            TopicSpec("any", "Putin"),
            TopicSpec("english", "Putin", ("en",)),
            TopicSpec("spanish-or-french", "Putin", ("ES", "fr-FR")),
        ]
    )

    def topics(language: str) -> list[str]:
        return [
            m.topic for m in matcher.match(MatchDocument.build(text="Putin", language=language))
        ]

    assert topics("en") == ["any", "english"]
    assert topics("en-US") == ["any", "english"]
    assert topics("es") == ["any", "spanish-or-french"]
    assert topics("FR") == ["any", "spanish-or-french"]
    assert topics("de") == ["any"]
    # an article whose language is unknown is matched by every topic
    assert topics("") == ["any", "english", "spanish-or-french"]


def test_languages_given_as_one_string_mean_one_language() -> None:
    spec = TopicSpec("english", "Putin", "en")  # type: ignore[arg-type]
    matcher = TopicMatcher([spec])
    assert matcher.match(MatchDocument.build(text="Putin", language="en")) != []
    assert matcher.match(MatchDocument.build(text="Putin", language="es")) == []


def test_match_reports_the_words_found_and_where_in_topic_order() -> None:
    matcher = TopicMatcher(
        [
            TopicSpec("b", "Xi OR Putin OR Zelensky"),
            TopicSpec("a", "summit*"),
            TopicSpec("c", "Zelensky"),
        ]
    )
    doc = MatchDocument.build(title="PUTIN and Xi at the Summits", text="Putin said.")
    assert matcher.match(doc) == [
        TopicMatch(
            "b",
            ("PUTIN", "Xi"),
            (
                Highlight("title", 0, 5, "PUTIN", "Putin"),
                Highlight("title", 10, 12, "Xi", "Xi"),
                Highlight("text", 0, 5, "Putin", "Putin"),
            ),
        ),
        TopicMatch("a", ("Summits",), (Highlight("title", 20, 27, "Summits", "summit*"),)),
    ]
    assert matcher.topics == ("b", "a", "c")
    assert len(matcher) == 3


def test_only_the_clauses_that_fired_are_highlighted() -> None:
    doc = MatchDocument.build(
        text="Putin spoke of sport. Much later, and far away from it all, the summit began."
    )
    (match,) = TopicMatcher(
        [TopicSpec("t", "(Putin NEAR/3 sport) OR (Zelensky AND summit) -doping")]
    ).match(doc)
    # the summit is not reported: its alternative did not match
    assert match.matched == ("Putin", "sport")


def test_first_bad_topic_is_refused_with_its_name_and_position() -> None:
    specs = [
        TopicSpec("good", "Putin"),
        TopicSpec("broken", "(Putin OR Xi"),
        TopicSpec("also-broken", "AND"),
    ]
    with pytest.raises(QueryError) as caught:
        TopicMatcher(specs)
    error = caught.value
    assert error.query == "(Putin OR Xi"
    assert error.position == 0
    assert "add a ')'" in error.hint
    assert str(error).startswith("topic 'broken': this parenthesis is never closed at position 1")
    assert str(error).count("at position") == 1


def test_no_topics_match_nothing() -> None:
    assert TopicMatcher([]).match(MatchDocument.build(text="Putin")) == []


# -- presearch index ---------------------------------------------------------------------


def trigger_words(query: str) -> set[str] | None:
    found = triggers(parse_query(query).root)
    return None if found is None else {str(t) for t in found}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Putin", {"putin"}),
        ('"arrest warrant"', {"warrant"}),  # one word of a phrase suffices: the longest
        ('"heads of state"', {"heads"}),
        ('"arrest warr*"', {"arrest"}),  # exact words are preferred to prefixes
        ("warrant*", {"warrant*"}),
        ("Putin OR Xi", {"putin", "xi"}),
        ("(Putin OR Xi) AND summit", {"summit"}),  # the smallest required set
        ("Putin -sport", {"putin"}),
        ("Putin NEAR/5 (summit OR talks)", {"putin"}),
        ("title:Putin lang:ru", {"putin"}),
        ("feed:reuters Putin", {"reuters"}),
        ("source:tass.ru", None),  # nothing to look up: always evaluated
        ("Putin OR source:tass.ru", None),
    ],
)
def test_triggers(query: str, expected: set[str] | None) -> None:
    assert trigger_words(query) == expected


def test_index_proposes_only_topics_whose_words_are_present() -> None:
    roots = [
        parse_query(q).root
        for q in ["Putin", "warrant*", "war", "Zelensky AND Kyiv", "lang:es", '"arrest warrant"']
    ]
    index = TopicIndex(roots)
    doc = MatchDocument.build(title="Warrants issued", text="No arrest today", feed="Putin news")
    # "warrants" triggers warrant* but not the word "war"; feed words count; lang:es is a
    # filter found by the document's language; the phrase needs both its words, and "warrant"
    # is absent, so it cannot match
    assert index.candidates(doc) == [0, 1]
    spanish = MatchDocument.build(title="Orden de arresto", text="arrest warrant", language="es")
    assert index.candidates(spanish) == [1, 4, 5]


def test_index_requires_the_rarer_terms_of_an_and_and_every_word_of_a_phrase() -> None:
    roots = [parse_query(q).root for q in ["Zelensky AND Kyiv", '"arrest warrant"', "said"]]
    index = TopicIndex(roots)
    assert index.candidates(MatchDocument.build(text="Zelensky said")) == [2]
    assert index.candidates(MatchDocument.build(text="Kyiv: Zelensky")) == [0]
    assert index.candidates(MatchDocument.build(text="a warrant for an arrest")) == [1]
    index.remove(1)
    assert index.candidates(MatchDocument.build(text="a warrant for an arrest")) == []


def test_index_requires_the_words_of_a_title_term_in_the_title() -> None:
    queries = ['title:"arrest warrant"', "title:summit* AND Putin", "title:Putin OR Xi"]
    index = TopicIndex([parse_query(q).root for q in queries])
    in_text = MatchDocument.build(title="News", text="an arrest warrant for Putin at the summit")
    # the prefix of a title term counts anywhere (prefixes are not scoped): 1 is picked
    assert index.candidates(in_text) == [1]
    in_title = MatchDocument.build(title="Arrest warrant for Putin", text="at the summits")
    assert index.candidates(in_title) == [0, 1, 2]
    assert index.candidates(MatchDocument.build(text="Xi")) == [2]
    index.remove(0)
    assert index.candidates(in_title) == [1, 2]
    index.remove(2)
    assert index.candidates(in_title) == [1]


def test_index_requires_all_of_one_alternative_of_an_or() -> None:
    queries = [
        '"Rappaport Clark" OR "Senate Environment"',
        "(Kyiv OR Kharkiv) AND (drone OR missile)",  # four ways
        "a1 OR a2 OR a3 OR a4 OR a5 OR (Odesa AND Shahed)",  # beyond MAX_WAYS: one clause
        "title:Kyiv OR (Zelensky AND drone)",
    ]
    index = TopicIndex([parse_query(q).root for q in queries])
    assert [len(index._plans[n].ways) for n in range(4)] == [2, 4, 1, 2]
    # a word of each alternative is not enough; all of one is
    assert index.candidates(MatchDocument.build(text="Clark of the environment")) == []
    assert index.candidates(MatchDocument.build(text="Senate environment")) == [0]
    assert index.candidates(MatchDocument.build(text="Kyiv, Zelensky")) == []
    assert index.candidates(MatchDocument.build(text="Kharkiv missile")) == [1]
    assert index.candidates(MatchDocument.build(text="Kyiv drone")) == [1]
    assert index.candidates(MatchDocument.build(text="Shahed and Odesa")) == [2]
    assert index.candidates(MatchDocument.build(text="a5")) == [2]
    assert index.candidates(MatchDocument.build(title="Kyiv", text="no")) == [3]
    assert index.candidates(MatchDocument.build(text="Zelensky drone")) == [3]


def test_index_never_loses_a_match(corpora: Path) -> None:
    """Matching through the index equals evaluating every topic, over many real sentences."""
    text = (corpora / "seed-article.txt").read_text("utf-8")
    documents = [MatchDocument.build(text=line) for line in text.splitlines() if line.strip()]
    queries = [
        *EXAMPLES.values(),
        "Putin",
        "Putin -Xi",
        "Xi NEAR/3 Putin",
        "war",
        "warrant*",
        "Kremlin OR (China AND diplomatic*)",
        '"new era"',
        "Moscow -(Ukraine OR Kiev)",
        "cooperation lang:en",
        "source:elcomercio.pe OR Zelensky",
        "(Russia* OR Chin*) ONEAR/2 (offensive OR campaign)",
    ]
    matcher = TopicMatcher(TopicSpec(f"t{i}", q) for i, q in enumerate(queries))
    compiled = [parse_query(q) for q in queries]
    total = 0
    for doc in documents:
        brute = [f"t{i}" for i, query in enumerate(compiled) if evaluate(query.root, doc)]
        assert [m.topic for m in matcher.match(doc)] == brute
        total += len(brute)
    assert total > len(documents)  # the sentences do exercise the topics


def test_topics_of_the_same_query_are_parsed_once_and_stay_apart() -> None:
    # a pack topic followed by many: one parse shared, each topic its own languages and life
    specs = [
        TopicSpec("all", "Putin summit"),
        TopicSpec("french", "Putin summit", ("fr",)),
        TopicSpec("other", "Xi"),
        TopicSpec("again", "Putin summit"),
    ]
    matcher = TopicMatcher(specs)
    slots = [matcher._slots[matcher._numbers[name]] for name in ("all", "french", "again")]
    assert len({id(topic.query) for topic in slots if topic is not None}) == 1
    english = MatchDocument.build(text="Putin at the summit", language="en")
    assert [m.topic for m in matcher.match(english)] == ["all", "again"]
    matcher.remove("all")
    matcher.update([*specs[1:], TopicSpec("late", "Putin summit")])
    assert [m.topic for m in matcher.match(english)] == ["again", "late"]


def test_a_bulk_build_leaves_its_topics_out_of_the_collectors_way() -> None:
    gc.unfreeze()
    try:
        matcher = TopicMatcher(TopicSpec(f"t{n}", f"word{n} OR other{n}") for n in range(BULK))
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        doc = MatchDocument.build(text=f"word{BULK - 1}")
        assert [m.topic for m in matcher.match(doc)] == [f"t{BULK - 1}"]
    finally:
        gc.unfreeze()


def test_topics_given_code_as_they_are_picked_are_left_out_of_the_collectors_way() -> None:
    """A topic's code (and the terms it needs) is made the first time presearch picks it:
    after BULK of them, those objects are frozen as a bulk build's are."""
    gc.unfreeze()
    try:
        matcher = TopicMatcher(TopicSpec(f"t{n}", f"word{n} OR other{n}") for n in range(BULK))
        gc.unfreeze()
        words = " ".join(f"word{n}" for n in range(BULK - 1))
        assert len(matcher.match(MatchDocument.build(text=words))) == BULK - 1
        assert gc.get_freeze_count() == 0
        found = matcher.match(MatchDocument.build(text=f"other{BULK - 1}"))
        assert [m.topic for m in found] == [f"t{BULK - 1}"]
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_queries_nested_as_deep_as_allowed_or_thousands_of_terms_wide_match_as_evaluated() -> None:
    """Each topic becomes bytecode evaluated by the kernel: the deepest nesting the parser
    accepts and a query of thousands of alternatives still compile and agree with the
    reference."""
    deep = "a"
    for i in range(19):  # two groups a level: 38 of the 40 the parser allows
        deep = f"(b{i} OR {deep}) AND -c{i}" if i % 2 else f'(b{i} AND ({deep} OR d NEAR/2 "e f"))'
    wide = " OR ".join(f'"w{i} x"' for i in range(3000))
    specs = [TopicSpec("deep", deep), TopicSpec("wide", wide)]
    matcher = TopicMatcher(specs)
    texts = [
        ("a b0 b2 d x e f", " ".join(f"b{i}" for i in range(40)) + " w2999 x"),
        ("a b0", "b1 c1 b2 w12 x w2999"),
        ("b0 d", "e f b2 b4 b6 b8 b10 b12 b14 b16 b18"),
    ]
    found = []
    for title, text in texts:
        doc = MatchDocument.build(title=title, text=text)
        expected = [s.name for s in specs if evaluate(parse_query(s.query).root, doc)]
        found.append([m.topic for m in matcher.match(doc)])
        assert found[-1] == expected
    assert found[0] == ["deep", "wide"]  # both can match


def test_topics_share_the_values_they_have_in_common() -> None:
    # 100,000 topics in memory: one empty language set, one clause per word, one string
    matcher = TopicMatcher([TopicSpec("a", "Putin summit"), TopicSpec("b", "Putin talks")])
    a, b = (matcher._slots[matcher._numbers[name]] for name in ("a", "b"))
    assert a is not None and b is not None
    assert a.languages is b.languages
    (way_a,), (way_b,) = a.plan.ways, b.plan.ways
    clauses = [
        next(c for c in (*checks, trigger) if c and set(c) == {"putin"})
        for trigger, checks in (way_a, way_b)
    ]
    assert clauses[0] is clauses[1]
    assert positive_words(a.query.root)[0].text is positive_words(b.query.root)[0].text


def test_a_page_repeating_its_words_reports_what_the_reference_selects() -> None:
    """More highlights than MAX_HIGHLIGHTS: the first occurrence of every word, then the
    others in article order, as ``select`` chooses (a phrase across a line break too)."""
    text = " ".join(["Summit talks", "summits", "the Summit\nmeeting"] * 30) + " Kyiv"
    doc = MatchDocument.build(title="Summit talks", text=text)  # Kyiv only after the 50th
    queries = ["summit* OR kyiv", '"summit meeting" OR summit OR talks', "kyiv AND summit*"]
    matcher = TopicMatcher(TopicSpec(q, q) for q in queries)
    for found in matcher.match(doc):
        root = parse_query(found.topic).root
        expected = select(
            (highlight(doc, h.words.text, h.field, h.span) for h in hits(root, doc)), nested=False
        )
        assert len(expected) == MAX_HIGHLIGHTS
        assert found.highlights == expected
        assert "kyiv" not in found.topic or expected[-1].text == "Kyiv"
        assert found.matched == matched_words(expected)
