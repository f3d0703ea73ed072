"""The catalogue in Redis: item-by-item writes with a version, apply and who owns what, the
checks across items, and the feed schedule kept in step."""

from __future__ import annotations

import threading

import pytest
import redis

from newswatch.core.catalog import Catalog, Feed, Subscription, Topic
from newswatch.core.errors import ConfigError, ConflictError, NotFoundError
from newswatch.core.problems import InvalidInput
from newswatch.store import keys
from newswatch.store.catalog import GONE_FEED_TTL, CatalogStore

A = Feed(url="https://a.example/rss", name="A", interval=600)
B = Feed(url="https://b.example/rss", fetch_pages=False)
C = Feed(url="https://c.example/atom")
SUMMITS = Topic(name="summits", query="summit AND president", languages=("en",))
WARRANTS = Topic(name="arrest-warrants", query='"arrest warrant*"')
DESK = Subscription(name="desk", topics=("summits",))
FILE = "file:/srv/newswatch.yaml"


def catalog(
    feeds: tuple[Feed, ...] = (),
    topics: tuple[Topic, ...] = (),
    subscriptions: tuple[Subscription, ...] = (),
) -> Catalog:
    return Catalog(feeds, topics, subscriptions)


def schedule(client: redis.Redis) -> dict[str, float]:
    return {m.decode(): s for m, s in client.zrange(keys.SCHEDULE, 0, -1, withscores=True)}


@pytest.fixture
def store(redis_client: redis.Redis) -> CatalogStore:
    return CatalogStore(redis_client, clock=lambda: 1_800_000_000.0)


def test_nothing_stored(store: CatalogStore) -> None:
    assert store.version() == 0
    assert store.catalog() == Catalog()


def test_apply_and_read_back(store: CatalogStore, redis_client: redis.Redis) -> None:
    plan = store.apply(catalog((B, A), (SUMMITS, WARRANTS), (DESK,)), owner=FILE)
    assert [(c.action, c.kind, c.key) for c in plan.changes] == [
        ("add", "feed", B.id),
        ("add", "feed", A.id),
        ("add", "topic", "summits"),
        ("add", "topic", "arrest-warrants"),
        ("add", "subscription", "desk"),
    ]
    assert store.version() == 1
    versions = (store.version("feed"), store.version("topic"), store.version("subscription"))
    assert versions == (1, 1, 1)
    assert store.feeds() == [A, B]  # ordered by URL
    assert store.topics() == [WARRANTS, SUMMITS]  # ordered by name
    assert store.subscriptions() == [DESK]
    entry = store.get("topic", "summits")
    assert entry is not None
    assert (entry.origin, entry.created_at) == (FILE, "2027-01-15T08:00:00+00:00")
    assert schedule(redis_client) == {A.id: 0.0, B.id: 0.0}  # new feeds are due now


def test_applying_the_same_file_twice_changes_nothing(store: CatalogStore) -> None:
    wanted = catalog((A, B), (SUMMITS,), (DESK,))
    store.apply(wanted, owner=FILE)
    again = store.apply(wanted, owner=FILE)
    assert not again and again.changes == ()
    assert store.version() == 1  # no write, no new version


def test_a_file_owns_what_it_wrote_and_leaves_the_rest(
    store: CatalogStore, redis_client: redis.Redis
) -> None:
    store.apply(catalog((A, B), (SUMMITS, WARRANTS), (DESK,)), owner=FILE)
    store.add(C, origin="api")
    store.add(Topic(name="ukraine", query="Zelensky"), origin="cli")
    redis_client.zadd(keys.SCHEDULE, {A.id: 1_900_000_000})  # polled since

    changed = Topic(name="summits", query="summit", languages=("en",))
    plan = store.apply(catalog((A,), (changed,), ()), owner=FILE)

    actions = {(c.action, c.key) for c in plan.changes}
    assert actions == {
        ("remove", B.id),
        ("change", "summits"),
        ("remove", "arrest-warrants"),
        ("remove", "desk"),
    }
    assert {entry.item.key for entry in plan.kept} == {C.id, "ukraine"}
    assert store.feeds() == [A, C]
    assert [t.name for t in store.topics()] == ["summits", "ukraine"]
    assert schedule(redis_client) == {A.id: 1_900_000_000.0, C.id: 0.0}  # A keeps its time
    # only the kinds that changed get a new version
    assert store.version("feed") == 3  # apply, add C, apply
    assert store.version("subscription") == 2

    pruned = store.apply(catalog((A,), (changed,), ()), owner=FILE, prune=True)
    assert {(c.action, c.key) for c in pruned.changes} == {("remove", C.id), ("remove", "ukraine")}
    assert store.feeds() == [A]


def test_a_file_takes_over_what_it_lists(store: CatalogStore) -> None:
    store.add(WARRANTS, origin="api")
    plan = store.apply(catalog((), (WARRANTS,), ()), owner=FILE)
    assert [(c.action, c.origin) for c in plan.changes] == [("adopt", "api")]
    entry = store.get("topic", WARRANTS.name)
    assert entry is not None and entry.origin == FILE
    # and so removes it once it no longer lists it
    assert [c.action for c in store.apply(Catalog(), owner=FILE).changes] == ["remove"]


def test_dry_run_writes_nothing(store: CatalogStore) -> None:
    plan = store.apply(catalog((A,), (SUMMITS,), ()), owner=FILE, dry_run=True)
    assert len(plan.changes) == 2
    assert store.version() == 0 and store.catalog() == Catalog()


def test_apply_refuses_a_result_that_breaks_a_subscription(store: CatalogStore) -> None:
    store.apply(catalog((), (SUMMITS,), ()), owner=FILE)
    store.add(DESK, origin="api")  # follows the file's topic
    plan = store.apply(Catalog(), owner=FILE)
    (problem,) = plan.problems
    assert problem.text().startswith("unknown topic 'summits'")
    assert problem.loc == ("subscriptions", "desk", "topics", 0)
    assert store.topics() == [SUMMITS]  # nothing written
    assert store.version() == 2


def test_add_replace_remove_one_item(store: CatalogStore, redis_client: redis.Redis) -> None:
    store.add(A, origin="api")
    assert schedule(redis_client) == {A.id: 0.0}
    with pytest.raises(ConflictError, match="already exists"):
        store.add(A, origin="api")
    slower = Feed(url=A.url, name="A", interval=3600)
    store.replace(slower, origin="cli")
    entry = store.get("feed", A.id)
    assert entry is not None and entry.item.interval == 3600 and entry.origin == "cli"
    with pytest.raises(NotFoundError):
        store.replace(B, origin="api")
    assert store.remove("feed", A.id).item == slower
    assert schedule(redis_client) == {}
    with pytest.raises(NotFoundError):
        store.remove("feed", A.id)
    assert store.version("feed") == 3


def test_writing_what_is_there_is_not_a_new_version(store: CatalogStore) -> None:
    store.put(SUMMITS, origin="api")
    store.put(SUMMITS, origin="api")
    assert store.version() == 1


def test_one_feed_under_two_spellings_is_refused(store: CatalogStore) -> None:
    store.add(Feed(url="https://News.Example.org/rss"), origin="api")
    with pytest.raises(ConflictError, match=r"same feed as 'https://News\.Example\.org/rss'"):
        store.add(Feed(url="https://news.example.org:443/rss?utm_source=x"), origin="api")


def test_subscriptions_follow_topics_that_exist(store: CatalogStore) -> None:
    store.add(SUMMITS, origin="api")
    with pytest.raises(InvalidInput) as caught:
        store.add(Subscription(name="desk", topics=("summits", "sumits")), origin="api")
    (problem,) = caught.value.problems
    assert problem.loc == ("topics", 1)
    assert problem.message.startswith("unknown topic 'sumits' (did you mean 'summits'?)")
    store.add(DESK, origin="api")
    with pytest.raises(ConflictError, match="followed by subscription"):
        store.remove("topic", "summits")
    store.remove("subscription", "desk")
    store.remove("topic", "summits")


def test_find_by_id_url_or_name(store: CatalogStore) -> None:
    store.apply(catalog((A, B), (SUMMITS,), ()), owner=FILE)
    assert store.find("feed", A.id).item == A
    assert store.find("feed", B.url).item == B
    assert store.find("feed", "A").item == A
    assert store.find("topic", "summits").item == SUMMITS
    with pytest.raises(NotFoundError, match=r"no topic 'sumits' \(did you mean 'summits'\?\)"):
        store.find("topic", "sumits")
    store.add(Feed(url="https://d.example/rss", name="A"), origin="api")
    with pytest.raises(ConflictError, match="several feeds are named 'A'"):
        store.find("feed", "A")


def test_the_state_of_a_removed_feed_expires_and_a_returning_feed_keeps_it(
    store: CatalogStore, redis_client: redis.Redis
) -> None:
    # a service that runs for months must not keep every feed it ever polled
    store.apply(catalog((A, B)), owner=FILE)
    for feed in (A, B):
        redis_client.hset(keys.feed_state(feed.id), "last_status", "ok")
        redis_client.zadd(keys.feed_seen(feed.id), {"item-1": 1.0})

    store.apply(catalog((A,)), owner=FILE)
    assert 0 < redis_client.ttl(keys.feed_state(B.id)) <= GONE_FEED_TTL
    assert 0 < redis_client.ttl(keys.feed_seen(B.id)) <= GONE_FEED_TTL
    assert redis_client.ttl(keys.feed_state(A.id)) == -1  # no expiry
    assert redis_client.ttl(keys.feed_seen(A.id)) == -1

    store.add(B, origin="api")  # back before it expired
    assert redis_client.ttl(keys.feed_state(B.id)) == -1
    assert redis_client.ttl(keys.feed_seen(B.id)) == -1
    assert redis_client.zscore(keys.feed_seen(B.id), "item-1") == 1.0


def test_an_unreadable_entry_is_a_clear_error(
    store: CatalogStore, redis_client: redis.Redis
) -> None:
    store.apply(catalog((A,), (SUMMITS,)), owner=FILE)
    redis_client.hset(keys.FEEDS, "feedbeef", '{"item": {"address": "x"}}')
    redis_client.hset(keys.TOPICS, "broken", "not json")
    with pytest.raises(ConfigError) as caught:
        store.feeds()
    (problem,) = caught.value.problems
    assert problem.startswith(f"redis {keys.FEEDS}[feedbeef]: stored feed is unreadable (")
    assert problem.endswith("remove it or apply the configuration again")
    with pytest.raises(ConfigError, match=r"nw:topics\[broken\]: stored topic"):
        store.topics()


def test_decoded_client_works_too(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        store = CatalogStore(client)
        store.apply(catalog((A,), (SUMMITS,), (DESK,)), owner=FILE)
        store.apply(catalog((B,), (SUMMITS,), (DESK,)), owner=FILE)
        assert store.feeds() == [B]
        assert store.version() == 2
        assert client.zrange(keys.SCHEDULE, 0, -1) == [B.id]
    finally:
        client.close()


def test_concurrent_writers_leave_a_consistent_catalogue(redis_url: str) -> None:
    """A file applied over and over while the API adds and removes topics: the end state
    holds the file's items and the API's, and no write was lost."""
    errors: list[BaseException] = []

    def applier() -> None:
        client = redis.Redis.from_url(redis_url)
        try:
            for n in range(20):
                feeds = (A, B) if n % 2 else (A,)
                CatalogStore(client).apply(catalog(feeds, (SUMMITS,), (DESK,)), owner=FILE)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            client.close()

    def api_user() -> None:
        client = redis.Redis.from_url(redis_url)
        try:
            store = CatalogStore(client)
            for n in range(20):
                store.add(Topic(name=f"t{n}", query=f"word{n}"), origin="api")
                if n % 2:
                    store.remove("topic", f"t{n}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=applier), threading.Thread(target=api_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    client = redis.Redis.from_url(redis_url)
    try:
        store = CatalogStore(client)
        assert store.feeds() == [A, B]  # the last apply (n = 19) listed both
        assert set(schedule(client)) == {A.id, B.id}
        assert {t.name for t in store.topics()} == {"summits"} | {f"t{n}" for n in range(0, 20, 2)}
        # the first apply wrote the topic, then 20 adds and 10 removals: none lost
        assert store.version("topic") == 1 + 30
        assert store.version("feed") == 20
    finally:
        client.close()
