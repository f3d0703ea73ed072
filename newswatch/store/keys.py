"""Every Redis key and queue name newswatch uses, in one place.

All keys live under one prefix so that newswatch can share a Redis with other programs and a
test can find (and remove) exactly its own keys.
"""

from __future__ import annotations

PREFIX = "nw:"

# rq queues (rq adds its own "rq:" keys around these names)
ARTICLE_QUEUE = "newswatch-articles"

# the catalogue, item by item, so that every process sees the same feeds and topics
CATALOG_VERSION = PREFIX + "catalog:version"  # hash: "all" and each kind -> writes so far
FEEDS = PREFIX + "feeds"  # hash feed_id -> catalogue entry JSON (the feed, origin, times)
TOPICS = PREFIX + "topics"  # hash topic name -> catalogue entry JSON
SUBSCRIPTIONS = PREFIX + "subscriptions"  # hash subscription name -> catalogue entry JSON
# string: a random token set when a catalogue is first written into this Redis; its absence
# once seen means Redis lost its data (restarted empty) and the catalogue must be published again
CATALOG_GENERATION = PREFIX + "catalog:generation"
CATALOG = {"feed": FEEDS, "topic": TOPICS, "subscription": SUBSCRIPTIONS}
# the topic change log: zset topic name -> the topic version at which it last changed (added,
# replaced or removed), so a worker reads only the topics changed since its version; strings:
# the version at or below which changes may be missing from it (trimmed, or written by a
# release without the log), and the topic version of the last change it logged
TOPIC_CHANGES = PREFIX + "catalog:changes:topic"
TOPIC_CHANGES_FLOOR = PREFIX + "catalog:changes:topic:floor"
TOPIC_CHANGES_LOGGED = PREFIX + "catalog:changes:topic:logged"

# scheduling
SCHEDULE = PREFIX + "schedule"  # zset feed_id -> unix time when due (or lease expiry)
LEASE_OWNERS = PREFIX + "schedule:owners"  # hash feed_id -> name of the scheduler leasing it
SCHEDULERS = PREFIX + "schedulers"  # hash scheduler name -> "host pid" of its live process
# liveness (store/heartbeats.py, newswatch/reaper.py)
HEARTBEATS = PREFIX + "heartbeats"  # hash "role:name" -> last heartbeat JSON of that process
REAPER_LOCK = PREFIX + "reaper:lock"  # string: the process reaping now (short expiry)
# hash job id -> unix time the reaper first saw it dequeued (rq's intermediate list) unstarted
REAPER_DEQUEUED = PREFIX + "reaper:dequeued"
FEED_STATE_PREFIX = PREFIX + "feed:"  # + feed id: the poll state hash (for Lua scripts)


def feed_state(feed_id: str) -> str:
    """Hash: poll state of one feed (etag, last_modified, last_status, last_error, ...)."""
    return f"{PREFIX}feed:{feed_id}"


def feed_seen(feed_id: str) -> str:
    """Zset: item keys already taken from this feed, scored by first-seen time."""
    return f"{PREFIX}feed:{feed_id}:seen"


def feed_seen_alt(feed_id: str) -> str:
    """Zset: hashes of the canonical URLs and titles of items taken from this feed ("u:..",
    "t:.."), scored by first-seen time: the GUID churn guard's memory."""
    return f"{PREFIX}feed:{feed_id}:seen-alt"


def feed_items(feed_id: str) -> str:
    """String: hashes of the items of the feed's last parsed body, comma-separated (the next
    parse reads only the items written since, ``core.feed.parse_feed``)."""
    return f"{PREFIX}feed:{feed_id}:items"


def feed_attempts(feed_id: str) -> str:
    """Hash: item key -> number of failed attempts to fetch its page (retryable errors)."""
    return f"{PREFIX}feed:{feed_id}:attempts"


# politeness shared by every scheduler instance, per host
def host_slots(host: str) -> str:
    """Zset: request tokens in flight to ``host`` -> when their slot expires (unix time)."""
    return f"{PREFIX}host:{host}:slots"


def host_next_start(host: str) -> str:
    """String: the earliest unix time the next request to ``host`` may start."""
    return f"{PREFIX}host:{host}:next"


# pages in transit from the scheduler to the workers (compressed HTML with a TTL)
def page(article_id: str) -> str:
    return f"{PREFIX}page:{article_id}"


# articles and exact-duplicate detection
def article(article_id: str) -> str:
    """String: the extracted article as JSON."""
    return f"{PREFIX}article:{article_id}"


# zset article id -> unix time it was stored (extracted_at): the articles of a time window
# without a keyspace SCAN (backtests, backfills, GET /api/articles); trimmed to the retention
ARTICLES_BY_TIME = PREFIX + "articles:by-time"


def seen_url(canonical_url_hash: str) -> str:
    """String: "<article id> <story id>" of the article that first claimed this canonical URL
    (written before stories: the article id alone, its story named after it)."""
    return f"{PREFIX}dedup:url:{canonical_url_hash}"


def seen_text(fingerprint: str) -> str:
    """String: "<article id> <story id>" that first claimed this normalised-text fingerprint."""
    return f"{PREFIX}dedup:text:{fingerprint}"


# near-duplicate index (store/stories.py): time partitions of LSH buckets, expiring by themselves.
# Lua builds these names with string.format from the templates below (%d: partition, shard).
NEARDUP_SEQUENCE = PREFIX + "nd:seq"  # counter: the compact reference of each indexed article
NEARDUP_BUCKETS = PREFIX + "nd:%d:b:%d"  # hash: band key -> packed 4-byte article references
NEARDUP_SHARDS = PREFIX + "nd:%d:shards"  # string: bucket shards of that partition
NEARDUP_COUNT = PREFIX + "nd:%d:count"  # string: articles indexed in that partition
NEARDUP_SIGNATURE = PREFIX + "nd:sig:%d"  # string: "story article signature" of a reference

# stories: every article belongs to one; named after its first article
STORIES_BY_TIME = PREFIX + "stories:by-time"  # zset story_id -> last update (unix time)


def story(story_id: str) -> str:
    """Hash: first_article, first_seen, title, updated_at, first and latest (article JSON)."""
    return f"{PREFIX}story:{story_id}"


def story_sources(story_id: str) -> str:
    """Zset: source domain -> arrival rank (0 for the first source, 1 for the next...)."""
    return f"{PREFIX}story:{story_id}:sources"


def story_articles(story_id: str) -> str:
    """Zset: article id -> arrival (unix time)."""
    return f"{PREFIX}story:{story_id}:articles"


def story_alerts(story_id: str) -> str:
    """Hash: topic -> "<sources announced> <alert id> <updated_at>" of the story's alert."""
    return f"{PREFIX}story:{story_id}:alerts"


FAILURES = PREFIX + "failures"  # stream of recorded failures (feeds, pages, extraction)

# alerts
# stream of alert events (created / updated), read by consumer groups and cursors, trimmed only
# below what every group has acknowledged (store/alert_events.py)
ALERT_STREAM = PREFIX + "alerts:stream"
ALERTS_BY_TIME = PREFIX + "alerts:by-time"  # zset alert_id -> created (unix time)
ALERT_TOPICS = PREFIX + "alerts:topics"  # set: topic names that have stored alerts


def alert(alert_id: str) -> str:
    """String: the alert as JSON."""
    return f"{PREFIX}alert:{alert_id}"


def alerts_by_topic(topic: str) -> str:
    """Zset alert_id -> created (unix time), for one topic."""
    return f"{PREFIX}alerts:topic:{topic}"


# deliveries (store/deliveries.py): one record per (alert or digest, channel)
DELIVERY_GROUP = "delivery"  # the consumer group of the alert event stream
DELIVERIES_DUE = PREFIX + "deliveries:due"  # zset id -> unix time due (lease end while sending)
DELIVERIES_RECENT = PREFIX + "deliveries:recent"  # zset id -> last change (capped)
DEAD_LETTERS = PREFIX + "deliveries:dead"  # zset id -> unix time it failed for good
DISABLED_CHANNELS = PREFIX + "channels:disabled"  # hash channel id -> why (JSON)
DIGEST_ANCHORS = PREFIX + "channels:digest-at"  # hash channel id -> unix time of last digest


def delivery(delivery_id: str) -> str:
    """Hash: one delivery (what, to which channel, status, attempts, last error)."""
    return f"{PREFIX}delivery:{delivery_id}"


def channel_held(channel_id: str) -> str:
    """Zset alert_id -> unix time held: alerts waiting for the channel's next digest."""
    return f"{PREFIX}channel:{channel_id}:held"


def channel_sends(channel_id: str) -> str:
    """Zset message id -> unix time: the channel's messages of the last hour (rate cap)."""
    return f"{PREFIX}channel:{channel_id}:sends"


# web pages (store/web_sessions.py)
def web_session(digest: str) -> str:
    """Hash: a logged-in browser's session (its CSRF token, when it started), under the SHA-256
    of the cookie's value (a read of Redis never shows a usable cookie); expires with it."""
    return f"{PREFIX}web:session:{digest}"
