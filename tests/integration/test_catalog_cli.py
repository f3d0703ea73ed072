"""`newswatch topics` and `newswatch subscriptions` list|add|remove as subprocesses against the
suite's Redis: the writes land in the catalogue (a new version), refusals name the field and
the position as `newswatch check` does (exit 2), channel credentials are never printed."""

from __future__ import annotations

import json
from pathlib import Path

import redis

from newswatch.core.catalog import Subscription, Topic
from newswatch.store.catalog import CatalogStore
from tests.support.cli import newswatch

SECRET_CHANNEL = "mailto://user:pw-3141@smtp.example.org?to=desk@example.org"


def test_topics_add_list_remove(redis_url: str, redis_client: redis.Redis) -> None:
    store = CatalogStore(redis_client)
    added = newswatch(
        "topics", "add", "summits", "summit AND president", "-l", "en", redis_url=redis_url
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added topic summits: summit AND president"
    assert store.topics() == [Topic("summits", "summit AND president", ("en",))]
    assert store.get("topic", "summits").origin == "cli"  # type: ignore[union-attr]
    assert store.version("topic") == 1

    pack = newswatch("topics", "add", "arms", "--pack", "arms-deliveries", redis_url=redis_url)
    assert pack.returncode == 0, pack.stderr
    assert store.get("topic", "arms").item.pack == "arms-deliveries"  # type: ignore[union-attr]

    listed = newswatch("topics", "list", redis_url=redis_url)
    assert listed.returncode == 0, listed.stderr
    assert "summits  0 alerts  (cli) [en]\n    summit AND president" in listed.stdout
    assert "arms  0 alerts  (cli)" in listed.stdout and "pack arms-deliveries" in listed.stdout
    as_json = [json.loads(line) for line in newswatch(
        "topics", "list", "--json", redis_url=redis_url).stdout.splitlines()]  # fmt: skip
    assert [(t["name"], t["alerts"], t["origin"]) for t in as_json] == [
        ("arms", 0, "cli"),
        ("summits", 0, "cli"),
    ]

    again = newswatch("topics", "add", "summits", "summit", redis_url=redis_url)
    assert again.returncode == 2
    assert "topic 'summits' already exists" in again.stderr

    removed = newswatch("topics", "remove", "summits", redis_url=redis_url)
    assert removed.returncode == 0, removed.stderr
    assert [t.name for t in store.topics()] == ["arms"]
    unknown = newswatch("topics", "remove", "sumits", redis_url=redis_url)
    assert unknown.returncode == 2
    assert "no topic 'sumits' (did you mean 'summits'?)" not in unknown.stderr  # it is gone
    assert "no topic 'sumits'" in unknown.stderr


def test_a_bad_query_is_refused_with_its_position_as_check_words_it(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    result = newswatch("topics", "add", "t", "summit AND", redis_url=redis_url)
    assert result.returncode == 2
    path = tmp_path / "watch.yaml"
    path.write_text("topics:\n  - name: t\n    query: summit AND\n")
    check = newswatch("check", "--config", str(path), redis_url=None)
    # the same words as `check`, after the field
    checked = check.stderr.splitlines()[0].split("topics[0].query: ", 1)[1]
    assert f"newswatch topics add: query: {checked}" in result.stderr.splitlines()
    assert "at position" in checked
    assert "    summit AND\n" in result.stderr and result.stderr.rstrip().endswith("^")
    bad_name = newswatch("topics", "add", "Bad Name", "summit", redis_url=redis_url)
    assert bad_name.returncode == 2
    assert "name: topic name 'Bad Name' is not allowed" in bad_name.stderr
    unknown_pack = newswatch("topics", "add", "x", "--pack", "nope", redis_url=redis_url)
    assert "pack: no topic 'nope' in the topic pack" in unknown_pack.stderr
    assert CatalogStore(redis_client).version() == 0


def test_a_topic_followed_by_a_subscription_is_not_removed(
    redis_url: str, redis_client: redis.Redis
) -> None:
    store = CatalogStore(redis_client)
    store.add(Topic("summits", "summit"), origin="api")
    added = newswatch(
        "subscriptions", "add", "desk", "--topic", "summits", "--channel", SECRET_CHANNEL,
        redis_url=redis_url,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert SECRET_CHANNEL in store.subscriptions()[0].channels
    refused = newswatch("topics", "remove", "summits", redis_url=redis_url)
    assert refused.returncode == 2
    assert "followed by subscription(s) desk" in refused.stderr
    assert [t.name for t in store.topics()] == ["summits"]


def test_subscriptions_add_list_remove_never_print_credentials(
    redis_url: str, redis_client: redis.Redis
) -> None:
    store = CatalogStore(redis_client)
    store.add(Topic("summits", "summit"), origin="api")
    added = newswatch(
        "subscriptions", "add", "desk", "-t", "summits", "--channel", SECRET_CHANNEL,
        "--mode", "digest", "--digest", "1d", redis_url=redis_url,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert (
        added.stdout.strip()
        == "added subscription desk: summits -> mailto://***@smtp.example.org/***"
    )
    stored = store.subscriptions()
    assert stored == [
        Subscription("desk", ("summits",), (SECRET_CHANNEL,), mode="digest", digest="1d")
    ]
    listed = newswatch("subscriptions", "list", redis_url=redis_url)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == (
        "desk (digest, 1d): summits -> mailto://***@smtp.example.org/***  (cli)"
    )
    as_json = json.loads(newswatch("subscriptions", "list", "--json", redis_url=redis_url).stdout)
    assert as_json["channels"] == ["mailto://***@smtp.example.org/***"]
    assert as_json["webhook_secrets"] == 0
    for output in (added, listed):
        assert "pw-3141" not in output.stdout + output.stderr

    removed = newswatch("subscriptions", "remove", "desk", redis_url=redis_url)
    assert removed.returncode == 0, removed.stderr
    assert store.subscriptions() == []


def test_subscriptions_are_refused_as_the_api_refuses_them(
    redis_url: str, redis_client: redis.Redis
) -> None:
    store = CatalogStore(redis_client)
    store.add(Topic("summits", "summit"), origin="api")
    unknown_service = newswatch(
        "subscriptions", "add", "desk", "-t", "summits", "--channel", "nosuchservice://x",
        redis_url=redis_url,
    )  # fmt: skip
    assert unknown_service.returncode == 2
    assert "channels[0]: apprise does not understand this URL" in unknown_service.stderr
    unknown_topic = newswatch("subscriptions", "add", "desk", "-t", "sumits", redis_url=redis_url)
    assert unknown_topic.returncode == 2
    assert "topics[0]: unknown topic 'sumits' (did you mean 'summits'?)" in unknown_topic.stderr
    # a webhook without its secret: the secret is named, and a secret given is never echoed
    secret = "whsec_" + "A" * 44
    webhook = newswatch(
        "subscriptions", "add", "hook", "-t", "summits", "--channel",
        "https://hooks.example.org/in?key=s3cr3t", "--webhook-secret", "whsec_short",
        redis_url=redis_url,
    )  # fmt: skip
    assert webhook.returncode == 2
    assert "webhook_secrets[0]:" in webhook.stderr
    assert "s3cr3t" not in webhook.stderr and "whsec_short" not in webhook.stderr
    assert store.subscriptions() == []
    ok = newswatch(
        "subscriptions", "add", "hook", "-t", "summits", "--channel",
        "https://hooks.example.org/in?key=s3cr3t", "--webhook-secret", secret,
        redis_url=redis_url,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "s3cr3t" not in ok.stdout and secret not in ok.stdout


def test_no_instance_is_a_clear_error(tmp_path: Path) -> None:
    result = newswatch("topics", "list", "--data-dir", str(tmp_path), redis_url=None)
    assert result.returncode == 2
    assert "newswatch topics list: no Redis configured" in result.stderr
    down = newswatch("topics", "list", redis_url="redis://127.0.0.1:1/0")
    assert down.returncode == 1
    assert "newswatch topics list: Redis failed" in down.stderr
