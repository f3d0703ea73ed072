"""The shipped example configuration is valid and its topics find the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.config_file import load_config
from newswatch.core.pack import matcher_query
from newswatch.core.query import MatchDocument, TopicMatcher, TopicSpec
from newswatch.topics import load_pack

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "newswatch.yaml"


def test_example_config_is_valid() -> None:
    cfg = load_config(EXAMPLE).catalog
    assert len(cfg.feeds) == 12
    assert all(feed.url.startswith("https://") and feed.name for feed in cfg.feeds)
    assert all(600 <= feed.interval <= 900 for feed in cfg.feeds)
    assert [topic.name for topic in cfg.topics] == ["summits", "arrest-warrants", "arms-deliveries"]
    (subscription,) = cfg.subscriptions
    assert subscription.topics == ("summits", "arrest-warrants", "arms-deliveries")


@pytest.mark.corpora
def test_every_example_topic_matches_the_seed_article(corpora: Path) -> None:
    cfg = load_config(EXAMPLE).catalog
    lines = [line for line in (corpora / "seed-article.txt").read_text().splitlines() if line]
    title, text = lines[1], "\n".join(lines[2:])
    assert title.startswith("Russia and China mark")
    pack = load_pack()
    matcher = TopicMatcher(  # as the worker builds it: a pack topic with the pack's query
        TopicSpec(topic.name, matcher_query(topic.query, topic.pack, pack), topic.languages)
        for topic in cfg.topics
    )
    found = {
        match.topic: match.matched
        for match in matcher.match(
            MatchDocument.build(title=title, text=text, language="en", source="elcomercio.pe")
        )
    }
    assert sorted(found) == ["arms-deliveries", "arrest-warrants", "summits"]
    # the words as the article writes them, not the query's patterns
    assert "arrest warrant" in found["arrest-warrants"]
    assert "arms delivery" in found["arms-deliveries"]
    assert "summit" in found["summits"]


def test_example_topics_use_the_shipped_pack_by_reference() -> None:
    cfg = load_config(EXAMPLE).catalog
    pack = load_pack()
    for topic in cfg.topics:
        assert topic.pack == topic.name
        assert topic.query == pack[topic.pack].query and topic.languages == ()


def test_example_topics_stay_quiet_on_unrelated_news() -> None:
    cfg = load_config(EXAMPLE).catalog
    pack = load_pack()
    matcher = TopicMatcher(
        TopicSpec(topic.name, matcher_query(topic.query, topic.pack, pack)) for topic in cfg.topics
    )
    doc = MatchDocument.build(
        title="Climbers reach the summit of Everest",
        text="A team of mountaineers reached the summit; the expedition leader praised the "
        "weather. Local football clubs announced new summer tournaments.",
    )
    assert matcher.match(doc) == []
