"""load_config: every kind of problem, located as FILE:LINE: key.path: message, all at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from newswatch.config import Settings
from newswatch.config_file import MAX_CONFIG_BYTES, WatchConfig, load_config
from newswatch.core.catalog import Feed
from newswatch.core.errors import ConfigError

VALID = """\
feeds:
  - url: https://feeds.example.org/world.xml
    name: Example World
    interval: 15m
  - url: http://news.example.net/rss
topics:
  - name: summits
    query: summit AND (president OR "prime minister")
  - name: arrest-warrants
    query: '"arrest warrant" OR (ICC AND warrant)'
    languages: [EN, fr]
subscriptions:
  - name: desk
    topics: [summits, arrest-warrants]
"""


def write(tmp_path: Path, text: str, name: str = "watch.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems, "a ConfigError must list its problems"
    return caught.value.problems


def test_valid_config_loads(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, VALID)).catalog
    assert isinstance(load_config(write(tmp_path, VALID)), WatchConfig)
    assert [feed.url for feed in cfg.feeds] == [
        "https://feeds.example.org/world.xml",
        "http://news.example.net/rss",
    ]
    assert [feed.interval for feed in cfg.feeds] == [900, None]  # None: adaptive
    assert cfg.feeds[0].display_name == "Example World"
    assert cfg.feeds[1].display_name == "http://news.example.net/rss"
    assert [topic.name for topic in cfg.topics] == ["summits", "arrest-warrants"]
    assert cfg.topics[1].languages == ("en", "fr")
    assert cfg.subscriptions[0].topics == ("summits", "arrest-warrants")
    assert cfg.subscriptions[0].mode == "instant"


def test_feed_id_is_stable_and_distinct() -> None:
    a = Feed(url="https://a.example/rss")
    assert a.id == Feed(url="https://a.example/rss", interval=60).id
    assert a.id != Feed(url="https://b.example/rss").id
    assert len(a.id) == 16 and all(c in "0123456789abcdef" for c in a.id)


def test_feed_url_must_be_http_with_host(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        feeds:
          - url: https://ok.example/rss
          - url: ftp://files.example/feed.xml
          - url: feeds.example.com/rss
          - url: "https://"
          - url: "https://bad port.example:99999/x"
          - url: 42
        """,
    )
    assert problems_of(path) == [
        f"{path}:3: feeds[1].url: must be an http:// or https:// URL, got scheme 'ftp': "
        "'ftp://files.example/feed.xml'",
        f"{path}:4: feeds[2].url: must be an http:// or https:// URL, got no scheme: "
        "'feeds.example.com/rss'",
        f"{path}:5: feeds[3].url: the URL has no host: 'https://'",
        f"{path}:6: feeds[4].url: the URL contains whitespace or control characters: "
        "'https://bad port.example:99999/x'",
        f"{path}:7: feeds[5].url: expected a string, got a number (42)",
    ]


def test_duplicate_feed_urls_point_at_the_first(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        feeds:
          - url: https://News.Example.org/rss
          - url: https://other.example/rss
          - url: https://news.example.org:443/rss?utm_source=x
        """,
    )
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:4: feeds[2].url: duplicate feed URL ")
    assert "the same feed as feeds[0] (line 2)" in problem


def test_duplicate_topic_and_subscription_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        topics:
          - name: summits
            query: summit
          - name: summits
            query: talks
        subscriptions:
          - name: desk
            topics: [summits]
          - name: desk
            topics: [summits]
        """,
    )
    assert problems_of(path) == [
        f"{path}:4: topics[1].name: duplicate topic name 'summits': already used by topics[0] "
        "(line 2); alerts are filed by topic name, so names must be unique",
        f"{path}:9: subscriptions[1].name: duplicate subscription name 'desk': already used "
        "by subscriptions[0] (line 7)",
    ]


@pytest.mark.parametrize("name", ["Summits", "arms deliveries", "-x", "a" * 65, "é", ""])
def test_topic_names_must_be_identifiers(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, f"topics:\n  - query: summit\n    name: '{name}'\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3: topics[0].name: topic name {name!r} is not allowed: ")
    assert "a-z, 0-9, '_' and '-'" in problem
    assert "URLs and as metric labels" in problem


def test_topic_name_limits_accepted(tmp_path: Path) -> None:
    name = "0" + "a_-" * 21  # 64 characters
    cfg = load_config(write(tmp_path, f"topics:\n  - name: '{name}'\n    query: x\n")).catalog
    assert cfg.topics[0].name == name


def test_query_that_does_not_parse_gives_its_position(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        topics:
          - name: fine
            query: summit
          - name: broken
            query: (summit OR talks
        """,
    )
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:5: topics[1].query: ")
    assert "at position " in problem


def test_subscription_must_name_existing_topics(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        topics:
          - name: summits
            query: summit
          - name: arms-deliveries
            query: arms
        subscriptions:
          - name: desk
            topics:
              - summits
              - sumits
              - weather
          - name: nothing
            topics: []
        """,
    )
    assert problems_of(path) == [
        f"{path}:10: subscriptions[0].topics[1]: unknown topic 'sumits' (did you mean "
        "'summits'?); topics defined under topics: are arms-deliveries, summits",
        f"{path}:11: subscriptions[0].topics[2]: unknown topic 'weather'; topics defined "
        "under topics: are arms-deliveries, summits",
        f"{path}:13: subscriptions[1].topics: must not be empty",
    ]


def test_subscription_mode_and_name(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        topics: [{name: t, query: x}]
        subscriptions:
          - {name: Desk, topics: [t], mode: weekly}
        """,
    )
    problems = problems_of(path)
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:3: subscriptions[0].name: subscription name 'Desk'")
    assert problems[1] == (
        f"{path}:3: subscriptions[0].mode: mode must be 'instant' or 'digest', got 'weekly'"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", "interval of 10s is too short: the minimum is 30s"),
        ("'10s'", "interval of 10s is too short: the minimum is 30s"),
        ("'15 minutes'", "interval must be an integer number of seconds or a duration"),
        ("1.5", "interval must be an integer number of seconds or a duration"),
        ("yes", "got a boolean"),
        ("'30d'", "the maximum is 7d"),
    ],
)
def test_bad_intervals_are_located(tmp_path: Path, value: str, expected: str) -> None:
    path = write(tmp_path, f"feeds:\n  - url: https://a.example/rss\n    interval: {value}\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3: feeds[0].interval: ")
    assert expected in problem


def test_unknown_keys_with_did_you_mean(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        feed:
          - url: https://a.example/rss
        topics:
          - name: t
            querry: x
        settings:
          fetch_timout: 5
          colour: blue
        """,
    )
    assert problems_of(path) == [
        f"{path}:1: feed: unknown key 'feed' (did you mean 'feeds'?); allowed here: settings, "
        "feeds, topics, subscriptions",
        f"{path}:4: topics[0].query: required key is missing",
        f"{path}:5: topics[0].querry: unknown key 'querry' (did you mean 'query'?); allowed "
        "here: name, query, languages, pack",
        f"{path}:7: settings.fetch_timout: unknown key 'fetch_timout' (did you mean "
        "'fetch_timeout'?); allowed here: " + ", ".join(Settings.model_fields),
        f"{path}:8: settings.colour: unknown key 'colour'; allowed here: "
        + ", ".join(Settings.model_fields),
    ]


def test_settings_values_are_validated(tmp_path: Path) -> None:
    path = write(tmp_path, "settings:\n  api_port: 70000\n  fetch_timeout: soon\n")
    problems = problems_of(path)
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:2: settings.api_port: ")
    assert "65535" in problems[0]
    assert problems[1].startswith(f"{path}:3: settings.fetch_timeout: ")
    assert "'soon'" in problems[1]


def test_wrong_shapes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        feeds:
          url: https://a.example/rss
        topics:
          - just a string
        settings: [1, 2]
        """,
    )
    assert problems_of(path) == [
        f"{path}:1: feeds: expected a list, got a mapping",
        f"{path}:4: topics[0]: expected a mapping with keys name, query, languages, pack, got a "
        "string ('just a string')",
        f"{path}:5: settings: expected a mapping, got a list",
    ]


def test_duplicate_yaml_keys_are_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        feeds:
          - url: https://a.example/rss
            interval: 10m
            interval: 20m
        """,
    )
    assert problems_of(path) == [
        f"{path}:4: feeds[0].interval: duplicate key (also at line 3); YAML would silently "
        "keep only the last"
    ]


def test_many_problems_at_once_in_file_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        feeds:
          - url: https://a.example/rss
            interval: 5
          - url: mailto:x@example.org
          - url: https://a.example/rss
            fetch_page: false
        topics:
          - name: Bad Name
            query: summit
          - name: ok
            query: ((
        subscriptions:
          - name: desk
            topics: [missing]
        """,
    )
    problems = problems_of(path)
    located = [problem.split(": ", 2)[:2] for problem in problems]
    assert located == [
        [f"{path}:3", "feeds[0].interval"],
        [f"{path}:4", "feeds[1].url"],
        [f"{path}:5", "feeds[2].url"],
        [f"{path}:6", "feeds[2].fetch_page"],
        [f"{path}:8", "topics[0].name"],
        [f"{path}:11", "topics[1].query"],
        [f"{path}:14", "subscriptions[0].topics[0]"],
    ]
    assert "did you mean 'fetch_pages'" in problems[3]


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds:\n  - url: https://a.example/rss\n    name: [unclosed\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:4:1: YAML syntax error: ")


def test_yaml_tab_indentation_is_a_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds:\n\t- url: https://a.example/rss\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:2:1: YAML syntax error: ")
    assert "\\t" in problem or "tab" in problem


@pytest.mark.parametrize("text", ["", "   \n# only a comment\n", "---\n...\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    assert problems_of(path) == [
        f"{path}: the file is empty; expected a mapping with feeds:, topics: and subscriptions:"
    ]


@pytest.mark.parametrize(
    ("text", "got"), [("- a\n- b\n", "a list"), ("just words\n", "a string ('just words')")]
)
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, got: str) -> None:
    path = write(tmp_path, text)
    assert problems_of(path) == [
        f"{path}:1: the top level must be a mapping with feeds:, topics: and subscriptions:, "
        f"got {got}"
    ]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: no such file"]
    assert problems_of(tmp_path) == [f"{tmp_path}: is a directory, not a configuration file"]


def test_oversized_file_is_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * (MAX_CONFIG_BYTES // 10 + 1))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: larger than 5 MB")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"feeds: []\n# caf\xe9\n")
    assert problems_of(path) == [f"{path}:2: not UTF-8 text (invalid byte 0xe9 at offset 15)"]


def test_multiple_documents_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds: []\n---\ntopics: []\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:2:1: YAML syntax error: ")
    assert "single document" in problem


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "settings: " + "[" * 5000 + "]" * 5000 + "\n")
    (problem,) = problems_of(path)
    assert problem == f"{path}: YAML nesting is too deep"


def test_control_characters_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds: []\ntopics: [\x07]\n")
    assert problems_of(path) == [f"{path}:2:10: YAML cannot contain the control character U+0007"]


def test_object_building_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "feeds:\n  - url: !!python/object/apply:os.system [ls]\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:2:10: YAML value not allowed: ")
    assert "python/object/apply:os.system" in problem


def test_anchors_and_merge_keys_work(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        feeds:
          - &slow {url: https://a.example/rss, interval: 1h}
          - <<: *slow
            url: https://b.example/rss
        """,
    )
    cfg = load_config(path).catalog
    assert [(feed.url, feed.interval) for feed in cfg.feeds] == [
        ("https://a.example/rss", 3600),
        ("https://b.example/rss", 3600),
    ]


def test_topic_can_use_a_pack_topic_by_reference(tmp_path: Path) -> None:
    path = write(tmp_path, "topics:\n  - name: leaders\n    pack: summits\n")
    (topic,) = load_config(path).catalog.topics
    assert (topic.name, topic.pack, topic.languages) == ("leaders", "summits", ())
    assert "sommet" in topic.query  # the pack's query: every language


@pytest.mark.parametrize(
    ("entry", "line", "expected"),
    [
        ("pack: summitz", 3, "topics[0].pack: no topic 'summitz' in the topic pack"),
        ("pack: summits\n    query: x", 4, "topics[0].query: give either query or pack"),
    ],
)
def test_wrong_pack_references_are_located(
    tmp_path: Path, entry: str, line: int, expected: str
) -> None:
    path = write(tmp_path, f"topics:\n  - name: t\n    {entry}\n")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:{line}: {expected}")
