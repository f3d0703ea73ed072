"""Chinese, Japanese and Korean terms match as runs of characters (no word segmentation)."""

from __future__ import annotations

import pytest

from newswatch.core.query import MatchDocument, TopicMatcher, TopicSpec, explain, parse_query

CHINESE = MatchDocument.build(
    title="习近平会见普京", text="中俄两国元首在莫斯科举行会谈。", language="zh"
)
JAPANESE = MatchDocument.build(text="岸田首相がソウルを訪問し、尹大統領と首脳会談を行った。")
KOREAN = MatchDocument.build(text="윤석열 대통령은 서울에서 정상회담을 열었다.")


@pytest.mark.parametrize(
    ("query", "doc", "matches"),
    [
        ("习近平", CHINESE, True),
        ("普京 AND 莫斯科", CHINESE, True),
        ("title:会谈", CHINESE, False),  # in the text, not the title
        ("会谈 NEAR/3 莫斯科", CHINESE, True),  # distances count characters
        ("近平会", CHINESE, True),  # any run of characters, as a substring
        ("习主席", CHINESE, False),
        ("首脳会談", JAPANESE, True),
        ("ソウル", JAPANESE, True),
        ("ｿｳﾙ", JAPANESE, True),  # half-width kana fold to full width
        ("東京", JAPANESE, False),
        ("서울", KOREAN, True),  # the particle 에서 is attached: still found
        ("정상회담*", KOREAN, True),  # a wildcard after CJK adds nothing
        ("대통령 -평양", KOREAN, True),
        ("평양", KOREAN, False),
    ],
)
def test_cjk_terms(query: str, doc: MatchDocument, matches: bool) -> None:
    assert (parse_query(query).evaluate(doc) is not None) is matches
    matcher = TopicMatcher([TopicSpec("t", query)])
    assert bool(matcher.match(doc)) is matches


def test_cjk_matches_report_the_characters_found() -> None:
    (match,) = TopicMatcher([TopicSpec("t", "普京 OR 莫斯科")]).match(CHINESE)
    assert match.matched == ("普京", "莫斯科")
    assert [(h.field, h.start, h.end) for h in match.highlights] == [
        ("title", 5, 7),
        ("text", 7, 10),
    ]
    assert explain("서울", KOREAN).highlights[0].text == "서울"
