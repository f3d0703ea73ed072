"""Properties over random queries and documents (hypothesis):

- the indexed matcher (presearch, compiled queries) agrees with the plain reference evaluator
  (every topic evaluated, no index), on what matches and on what it reports;
- printing a parsed query and parsing it again gives the same tree.

Every test runs twice: with the compiled matching kernel (``_kernel.c``) and with its
pure-Python twin (``_pure.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newswatch.core.language import language_code
from newswatch.core.query import (
    MatchDocument,
    QueryError,
    TopicMatcher,
    TopicSpec,
    kernel,
    parse_query,
)
from newswatch.core.query.ast import to_query
from newswatch.core.query.evaluator import evaluate, hits
from newswatch.core.query.highlight import highlight, matched_words, select


@pytest.fixture(autouse=True, scope="module", params=["compiled", "pure"])
def matching_kernel(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "compiled" and kernel.COMPILED is None:
        pytest.skip("the compiled kernel is not importable (test_query_kernel.py says why)")
    before = kernel.use(request.param == "compiled")
    yield request.param
    kernel.active = before


# a small vocabulary, so that random queries and random texts meet often
WORDS = ["putin", "Xi", "summit", "summits", "talks", "arrest", "warrant", "Élysée", "kyiv", "a"]
PREFIXES = ["summ", "war", "arr", "ky", "ely"]
CJK = ["习近平", "会谈", "서울"]

words = st.sampled_from(WORDS)
term = st.one_of(
    words,
    st.sampled_from(PREFIXES).map(lambda p: p + "*"),
    st.sampled_from(CJK),
    st.lists(st.one_of(words, st.sampled_from(PREFIXES).map(lambda p: p + "*")), min_size=2,
             max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
)  # fmt: skip
scoped = st.one_of(
    term, st.tuples(st.sampled_from(["title:", "text:", "feed:"]), term).map("".join)
)
meta = st.sampled_from(
    ["lang:en", "lang:fr", "source:example.com", "source:news.example.com", "url:foo"]
)


def spans(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Word-position expressions: what NEAR can join."""
    near = st.tuples(inner, st.sampled_from(["NEAR", "ONEAR"]), st.integers(0, 4), inner).map(
        lambda t: f"({t[0]} {t[1]}/{t[2]} {t[3]})"
    )
    either = st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + " OR ".join(xs) + ")")
    return st.one_of(near, either)


span_expr = st.recursive(scoped, spans, max_leaves=4)


def combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    both = st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + " AND ".join(xs) + ")")
    implicit = st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + " ".join(xs) + ")")
    either = st.lists(inner, min_size=2, max_size=3).map(lambda xs: "(" + " OR ".join(xs) + ")")
    negated = st.tuples(inner, inner).map(lambda t: f"({t[0]} -{t[1]})")
    return st.one_of(both, implicit, either, negated)


queries = st.recursive(st.one_of(span_expr, meta), combine, max_leaves=6)

FILLER = ["the", "met", "in", "Putin's", "SUMMIT", "Warrants", "elysee", "arrested", "kyivan", "—"]
text = st.lists(st.sampled_from(WORDS + FILLER + CJK), max_size=30).map(" ".join)
documents = st.builds(
    lambda title, body, feed, language, source, url: MatchDocument.build(
        title=title, text=body, feed=feed, language=language, source=source, url=url
    ),
    title=text,
    body=text,
    feed=st.sampled_from(["", "Kyiv Post", "Summit daily"]),
    language=st.sampled_from(["", "en", "fr-FR"]),
    source=st.sampled_from(["", "example.com", "www.news.example.com", "other.org"]),
    url=st.sampled_from(["", "https://example.com/foo/1", "https://other.org/x"]),
)
topic_languages = st.sampled_from([(), ("en",), ("fr", "de")])


def parsed(text: str) -> str:
    try:
        parse_query(text)
    except QueryError:
        assume(False)
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(queries, topic_languages), min_size=1, max_size=8), documents)
def test_indexed_matcher_agrees_with_the_reference_evaluator(
    topics: list[tuple[str, tuple[str, ...]]], doc: MatchDocument
) -> None:
    specs = [TopicSpec(f"t{i}", parsed(q), langs) for i, (q, langs) in enumerate(topics)]
    expected = []
    for spec in specs:
        root = parse_query(spec.query).root
        wanted = {language_code(lang) for lang in spec.languages}
        if wanted and doc.language and doc.language not in wanted:
            continue
        if evaluate(root, doc):
            fired = select(
                (highlight(doc, h.words.text, h.field, h.span) for h in hits(root, doc)),
                nested=False,
            )
            expected.append((spec.name, matched_words(fired), fired))
    found = TopicMatcher(specs).match(doc)
    assert [(m.topic, m.matched, m.highlights) for m in found] == expected


@settings(max_examples=200, deadline=None)
@given(queries)
def test_printing_a_query_and_parsing_it_again_gives_the_same_query(text: str) -> None:
    query = parse_query(parsed(text))
    printed = to_query(query.root)
    assert parse_query(printed).root == query.root
    assert to_query(parse_query(printed).root) == printed


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(queries, min_size=1, max_size=6),
    st.lists(queries, min_size=1, max_size=6),
    st.lists(documents, min_size=1, max_size=3),
)
def test_a_matcher_updated_topic_by_topic_matches_as_one_built_afresh(
    before: list[str], after: list[str], docs: list[MatchDocument]
) -> None:
    """Topics removed, changed and added one by one leave no trace of the former ones in
    presearch: the updated matcher finds what a new one does (in its own order)."""
    old = [TopicSpec(f"t{i}", parsed(q)) for i, q in enumerate(before)]
    new = [TopicSpec(f"t{i}", parsed(q)) for i, q in enumerate(after)]
    updated = TopicMatcher(old)
    updated.update(new)
    fresh = TopicMatcher(new)
    assert sorted(updated.topics) == sorted(fresh.topics)
    for doc in docs:
        got = {m.topic: (m.matched, m.highlights) for m in updated.match(doc)}
        assert got == {m.topic: (m.matched, m.highlights) for m in fresh.match(doc)}
