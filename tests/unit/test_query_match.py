"""Query.evaluate: case/accent folding, word boundaries, phrases, wildcards, proximity, fields."""

from __future__ import annotations

import pytest

from newswatch.core.query import MatchDocument, parse_query
from newswatch.core.query.evaluator import spans


def evaluate(query: str, **doc: str) -> list[str] | None:
    return parse_query(query).evaluate(MatchDocument.build(**doc))


TEXT = (
    "Le président a reçu à l'Élysée son homologue chinois. The ICC issued an arrest "
    "warrant for the Russian president; a warrant officer declined to comment."
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # case and accents fold both ways
        ("Élysée", ["Élysée"]),
        ("elysee", ["elysee"]),
        ("ELYSEE", ["ELYSEE"]),
        ("PRÉSIDENT", ["PRÉSIDENT"]),
        ('"l elysee"', ["l elysee"]),  # the apostrophe splits words, like in the text
        # word boundaries: a word never matches inside another one
        ("war", None),
        ("warrants", None),
        ("arrest", ["arrest"]),
        ("ICC", ["ICC"]),
        ("IC", None),
        # phrases are consecutive words, across line breaks and punctuation
        ('"arrest warrant"', ["arrest warrant"]),
        ('"warrant arrest"', None),
        ('"arrest the warrant"', None),
        ('"Russian president a warrant"', ["Russian president a warrant"]),
        # prefix wildcards
        ("warr*", ["warr*"]),
        ("presid*", ["presid*"]),
        ("homolog*", ["homolog*"]),
        ("wars*", None),
        ('"arrest warr*"', ["arrest warr*"]),
        ('"arr* warrant"', ["arr* warrant"]),
    ],
)
def test_words(query: str, expected: list[str] | None) -> None:
    assert evaluate(query, text=TEXT) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ICC AND warrant", ["ICC", "warrant"]),
        ("ICC warrant", ["ICC", "warrant"]),
        ("ICC AND Kremlin", None),
        ("ICC OR Kremlin", ["ICC"]),
        ("Kremlin OR Moscow", None),
        ("ICC -Kremlin", ["ICC"]),
        ("ICC -officer", None),
        ('ICC -"warrant officer"', None),
        ('ICC -"officer warrant"', ["ICC"]),
        ("ICC NOT (officer OR Kremlin)", None),
        ("ICC NOT (Kremlin OR Moscow)", ["ICC"]),
        # matched lists the positive words present, in query order, once each
        ("(Kremlin OR warrant OR ICC) (ICC OR arrest)", ["warrant", "ICC", "arrest"]),
        ("(ICC OR Kremlin) AND icc", ["ICC"]),
        # excluded words are never reported, even when the query matches
        ("ICC -(Kremlin OR Moscow)", ["ICC"]),
        # precedence: a OR b AND c is a OR (b AND c)
        ("ICC OR Kremlin AND Moscow", ["ICC"]),
        ("Kremlin OR ICC AND Moscow", None),
        ("(Kremlin OR ICC) AND officer", ["ICC", "officer"]),
    ],
)
def test_logic(query: str, expected: list[str] | None) -> None:
    assert evaluate(query, text=TEXT) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # NEAR/n: at most n words between the two, in either order
        ("ICC NEAR/3 warrant", ["ICC", "warrant"]),  # ICC issued an arrest warrant
        ("ICC NEAR/2 warrant", None),
        ("warrant NEAR/3 ICC", ["warrant", "ICC"]),
        ("ICC NEAR/0 issued", ["ICC", "issued"]),
        ("issued NEAR/0 ICC", ["issued", "ICC"]),
        ("ICC NEAR/0 arrest", None),
        # ONEAR keeps the order
        ("ICC ONEAR/3 warrant", ["ICC", "warrant"]),
        ("warrant ONEAR/3 ICC", None),
        # operands may be phrases, wildcards and OR groups
        ('(Kremlin OR ICC) NEAR/5 "Russian president"', None),
        ('(Kremlin OR ICC) NEAR/6 "Russian president"', ["ICC", "Russian president"]),
        ("(Kremlin OR arrest) ONEAR/0 warr*", ["arrest", "warr*"]),
        ("(ICC NEAR/3 warrant) NEAR/3 Russian", ["ICC", "warrant", "Russian"]),
        ("(ICC NEAR/3 warrant) NEAR/2 declined", None),
        ("NOT (officer NEAR/1 comment) ICC", ["ICC"]),  # officer declined to comment
        ("NOT (officer NEAR/2 comment) ICC", None),
    ],
)
def test_proximity(query: str, expected: list[str] | None) -> None:
    assert evaluate(query, text=TEXT) == expected


def test_proximity_never_joins_title_and_text() -> None:
    doc = {"title": "Summit in Moscow", "text": "Putin arrives on Monday"}
    assert evaluate("Moscow NEAR/3 Putin", **doc) is None
    assert evaluate("Moscow AND Putin", **doc) == ["Moscow", "Putin"]
    assert evaluate('"Moscow Putin"', **doc) is None  # nor do phrases


def test_default_scope_is_title_and_text_and_fields_narrow_it() -> None:
    doc = {"title": "Xi visits Moscow", "text": "Talks on trade", "feed": "Reuters World"}
    assert evaluate("visits", **doc) == ["visits"]
    assert evaluate("trade", **doc) == ["trade"]
    assert evaluate("Reuters", **doc) is None  # the feed name is not searched by default
    assert evaluate("title:visits", **doc) == ["visits"]
    assert evaluate("title:trade", **doc) is None
    assert evaluate("text:trade", **doc) == ["trade"]
    assert evaluate("text:visits", **doc) is None
    assert evaluate("title:(trade OR Moscow)", **doc) == ["Moscow"]
    assert evaluate('title:"Xi visits"', **doc) == ["Xi visits"]
    assert evaluate("Xi -title:Moscow", **doc) is None
    assert evaluate("Xi -text:Moscow", **doc) == ["Xi"]
    # feed: matches the feed's name, and is a filter rather than a matched term
    assert evaluate("Xi feed:reuters", **doc) == ["Xi"]
    assert evaluate('Xi feed:"reuters world"', **doc) == ["Xi"]
    assert evaluate("Xi feed:AP", **doc) is None


def test_metadata_fields() -> None:
    doc = {
        "text": "Orden de arresto contra Putin",
        "language": "es-ES",
        "source": "www.elcomercio.pe",
        "url": "https://elcomercio.pe/Mundo/Europa/putin-orden-123/",
    }
    assert evaluate('lang:es "orden de arresto"', **doc) == ["orden de arresto"]
    assert evaluate('lang:en "orden de arresto"', **doc) is None
    assert evaluate("Putin lang:(en OR es)", **doc) == ["Putin"]
    assert evaluate("Putin source:elcomercio.pe", **doc) == ["Putin"]
    assert evaluate("Putin source:comercio.pe", **doc) is None  # whole domain labels only
    assert evaluate("Putin source:pe", **doc) == ["Putin"]  # a parent domain covers its hosts
    assert evaluate("Putin -source:elcomercio.pe", **doc) is None
    assert evaluate("Putin url:/mundo/", **doc) == ["Putin"]
    assert evaluate("Putin url:/deportes/", **doc) is None
    # a query of metadata alone matches with nothing to report
    assert evaluate("source:elcomercio.pe", **doc) == []


def test_unknown_language_never_matches_lang_scope() -> None:
    assert evaluate("Putin lang:es", text="Putin") is None
    assert evaluate("Putin -lang:es", text="Putin") == ["Putin"]


def test_empty_document_matches_nothing() -> None:
    assert evaluate("Putin") is None
    assert evaluate("Putin OR Xi NEAR/3 summit") is None


def test_query_given_in_decomposed_unicode_matches_composed_text() -> None:
    decomposed = "E\u0301lyse\u0301e"  # É and é written as letter + combining accent
    assert evaluate(decomposed, text="Réception à l'Élysée") == [decomposed]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        # vowel signs and viramas are combining marks inside one word, not word breaks
        ("हिन्दी", "यह हिन्दी समाचार है"),
        ("नमस्ते", "सबको नमस्ते और धन्यवाद"),
        ('"प्रधानमंत्री मोदी"', "भारत के प्रधानमंत्री मोदी ने कहा"),
        ("বাংলাদেশ", "বাংলাদেশ সরকার আজ ঘোষণা করেছে"),
        ("ಕರ್ನಾಟಕ", "ಕರ್ನಾಟಕ ಸರ್ಕಾರ"),
    ],
)
def test_words_of_scripts_with_combining_vowel_signs_match(query: str, text: str) -> None:
    assert evaluate(query, text=text) == [query.strip('"')]


def test_a_word_with_vowel_signs_keeps_its_word_boundaries() -> None:
    # "हिन्दी" (Hindi) must not be found inside "हिन्दीभाषी" (Hindi-speaking), nor its parts alone
    assert evaluate("हिन्दी", text="हिन्दीभाषी लोग") is None
    assert evaluate("हिन्द", text="यह हिन्दी समाचार है") is None
    assert evaluate("हिन्*", text="यह हिन्दी समाचार है") == ["हिन्*"]


def test_proximity_keeps_few_spans_on_a_page_that_repeats_the_words() -> None:
    """Every pair within the distance would be |left| x distance spans (a hostile page of
    "biden said" x 100k took 30 s and 1.4 GB); the nearest partners per occurrence suffice."""
    repeats = 3000
    doc = MatchDocument.build(text=" ".join(["biden said"] * repeats))
    node = parse_query("biden NEAR/100 said").root
    found = spans(node, doc, "text")
    assert (0, 2) in found
    assert len(found) <= 4 * 2 * repeats
    assert evaluate("(biden NEAR/100 said) NEAR/100 biden", text=" ".join(["biden said"] * 500))


def test_nested_proximity_finds_a_farther_partner_of_the_inner_pair() -> None:
    # putin 0, xi 1 and 5, summit 15: only the pair (putin 0, xi 5) is within 10 of summit
    text = "putin xi a b c xi d e f g h i j k l summit"
    assert evaluate("(putin NEAR/5 xi) NEAR/9 summit", text=text) == ["putin", "xi", "summit"]
    assert evaluate("(putin NEAR/5 xi) NEAR/8 summit", text=text) is None
    assert evaluate("summit NEAR/9 (xi NEAR/5 putin)", text=text) == ["summit", "xi", "putin"]
    assert evaluate("(putin ONEAR/5 xi) ONEAR/9 summit", text=text) == ["putin", "xi", "summit"]
    assert evaluate("summit ONEAR/9 (putin ONEAR/5 xi)", text=text) is None


@pytest.mark.parametrize(
    ("query", "text"),
    [
        # Chinese and Japanese write no spaces: a term matches inside a run of characters
        ("峰会", "习近平与普京在莫斯科举行峰会并签署联合声明"),
        ("首脳会談", "日米首脳会談が東京で行われた"),
        ('"逮捕令"', "国际刑事法院对其发出逮捕令。"),
        ("峰会 AND Putin", "Putin和习近平举行峰会"),  # Latin and Han split at the script change
        ("정상회담*", "두 정상은 정상회담을 가졌다"),  # Korean keeps its spaces: prefix terms
    ],
)
def test_terms_in_scripts_written_without_spaces_match(query: str, text: str) -> None:
    assert evaluate(query, text=text) is not None


def test_a_chinese_term_matches_its_characters_in_order_only() -> None:
    assert evaluate("峰会", text="会峰") is None
    assert evaluate("峰会", text="峰 会") is not None  # consecutive tokens, like a phrase
    assert evaluate("首脳 NEAR/3 会談", text="首脳による会談") is not None
