"""Alerts in Redis: one JSON string per alert and two time indexes (the capped list people
browse), and an event per alert in the alert event stream (:mod:`newswatch.store.alert_events`).

Layout (names from :mod:`newswatch.store.keys`):

- ``keys.alert(id)``: the alert JSON;
- ``keys.ALERTS_BY_TIME`` and ``keys.alerts_by_topic(topic)``: zsets id -> created_at (unix);
- ``keys.ALERT_TOPICS``: the set of topic names that have alerts (no keyspace SCAN needed);
- ``keys.ALERT_STREAM``: the event stream; a new alert appends a "created" event.

Writes are one Lua script, so an alert is either fully indexed, with its event, or absent,
and adding the same alert id twice (ids are deterministic per story and topic) is a no-op.
The indexes are capped at ``maxlen`` alerts, and each topic at ``topic_maxlen`` (so a busy
topic drops its own oldest alerts instead of pushing every other topic's out): the oldest
alerts are dropped together with their JSON (their events stay until every consumer has read
them).
"""

from __future__ import annotations

import builtins
import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import redis

from newswatch.core.cursor import Position
from newswatch.core.models import Alert
from newswatch.store import keys
from newswatch.store.codec import as_text, unix_time
from newswatch.store.paging import newest_first

DEFAULT_RETENTION = 90 * 24 * 3600

# KEYS: by-time zset, topic-name set, event stream, the story's alert states (hash), the
#       story's sources (zset)
# ARGV: story id ("" for an alert outside any story), now (ISO), article id, maxlen, alert key
#       prefix, topic zset prefix, retention, per-topic maxlen, then per alert: topic, id,
#       json, score (unix)
# Creates each alert its story does not have yet for its topic ("created" event), then moves
# every other alert of the story up to the story's sources ("updated" event with the new
# ones). Returns {topics of the alerts created, number of alerts updated}.
_RECORD_SCRIPT = """
local story, now_iso, article = ARGV[1], ARGV[2], ARGV[3]
local maxlen, alert_p, topic_p, retention = tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local topic_maxlen = tonumber(ARGV[8])
local sources = {}
if story ~= '' then sources = redis.call('ZRANGE', KEYS[5], 0, -1) end
local count = #sources

local function event(kind, id, topic, new_sources)
  redis.call('XADD', KEYS[3], '*', 'kind', kind, 'id', id, 'topic', topic, 'story', story,
    'sources_count', count, 'new_sources', table.concat(new_sources, ' '),
    'article', article, 'at', now_iso)
end

local created, updated, fresh = {}, 0, {}
for i = 9, #ARGV, 4 do
  local topic, id, json, score = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local first = true
  if story ~= '' then
    first = redis.call('HSETNX', KEYS[4], topic, count .. ' ' .. id .. ' ' .. now_iso) == 1
  end
  if first and redis.call('SET', alert_p .. id, json, 'NX') then
    redis.call('ZADD', KEYS[1], score, id)
    redis.call('ZADD', topic_p .. topic, score, id)
    redis.call('SADD', KEYS[2], topic)
    -- a busy topic drops its own oldest alerts, not every other topic's
    local over = redis.call('ZCARD', topic_p .. topic) - topic_maxlen
    if over > 0 then
      local dropped = redis.call('ZPOPMIN', topic_p .. topic, over)
      for k = 1, #dropped, 2 do
        redis.call('ZREM', KEYS[1], dropped[k])
        redis.call('DEL', alert_p .. dropped[k])
      end
    end
    event('created', id, topic, sources)
    created[#created + 1] = topic
    fresh[topic] = true
  end
end

if story ~= '' then
  local states = redis.call('HGETALL', KEYS[4])
  for i = 1, #states, 2 do
    local topic = states[i]
    local announced, id = string.match(states[i + 1], '^(%d+) (%S+)')
    announced = tonumber(announced)
    if announced and not fresh[topic] and announced < count then
      local new_sources = {}
      for k = announced + 1, count do new_sources[#new_sources + 1] = sources[k] end
      redis.call('HSET', KEYS[4], topic, count .. ' ' .. id .. ' ' .. now_iso)
      event('updated', id, topic, new_sources)
      updated = updated + 1
    end
  end
  if #states > 0 then redis.call('EXPIRE', KEYS[4], retention) end
end

local excess = redis.call('ZCARD', KEYS[1]) - maxlen
if excess > 0 then
  local dropped = redis.call('ZPOPMIN', KEYS[1], excess)
  for i = 1, #dropped, 2 do
    local old_id = dropped[i]
    local old_key = alert_p .. old_id
    local raw = redis.call('GET', old_key)
    if raw then
      local ok, decoded = pcall(cjson.decode, raw)
      if ok and type(decoded) == 'table' and type(decoded['topic']) == 'string' then
        local topic_key = topic_p .. decoded['topic']
        redis.call('ZREM', topic_key, old_id)
        if redis.call('ZCARD', topic_key) == 0 then
          redis.call('SREM', KEYS[2], decoded['topic'])
        end
      end
    end
    redis.call('DEL', old_key)
  end
end
return {created, updated}
"""


def iso_to_unix(value: str) -> float:
    """Unix time of an ISO-8601 timestamp; a timestamp without offset is taken as UTC."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def encode_alert(alert: Alert) -> str:
    return json.dumps(alert.to_dict(), ensure_ascii=False, separators=(",", ":"))


def decode_alert(raw: bytes | str) -> Alert:
    data: dict[str, Any] = json.loads(raw)
    return Alert.from_dict(data)


def _with_story(alert: Alert, sources: Any, state: Any, latest: Any) -> Alert:
    """``alert`` with its story's sources, its last update and the story's latest article.
    An alert outside any story (written before stories) has its article's source."""
    if not alert.story_id or not sources:
        source = alert.article.get("source") if isinstance(alert.article, dict) else None
        own = [source] if isinstance(source, str) and source else []
        return dataclasses.replace(
            alert, sources=own, sources_count=len(own), updated_at=alert.created_at
        )
    updated_at = alert.created_at
    if state is not None:
        parts = as_text(state).split(" ")
        updated_at = parts[2] if len(parts) > 2 else updated_at
    try:
        latest_article = json.loads(latest) if latest is not None else {}
    except ValueError:
        latest_article = {}
    names = [as_text(s) for s in sources]
    return dataclasses.replace(
        alert,
        sources=names,
        sources_count=len(names),
        updated_at=updated_at,
        latest_article=latest_article if isinstance(latest_article, dict) else {},
    )


class AlertStore:
    """Stores and lists alerts. ``maxlen`` caps the indexes (the capped list); ``retention``
    (seconds) is how long a story remembers its alerts."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        maxlen: int = 100_000,
        topic_maxlen: int | None = None,
        retention: int = DEFAULT_RETENTION,
    ):
        if maxlen < 1:
            raise ValueError(f"maxlen must be at least 1, got {maxlen}")
        if topic_maxlen is not None and topic_maxlen < 1:
            raise ValueError(f"topic_maxlen must be at least 1, got {topic_maxlen}")
        self.client = client
        self.maxlen = maxlen
        # the alerts one topic keeps in the capped list (at most all of them)
        self.topic_maxlen = min(maxlen, topic_maxlen or maxlen)
        self.retention = retention
        self._record = client.register_script(_RECORD_SCRIPT)

    def record(
        self,
        story_id: str,
        alerts: builtins.list[Alert],
        *,
        article_id: str,
        at: str,
        before: Callable[[Any], None] | None = None,
    ) -> tuple[builtins.list[str], int]:
        """The alerts an article of story ``story_id`` raised (one per matched topic, ids
        from Alert.make_id(topic, story_id)), and the update of the story's other alerts to
        its current sources, atomically; ``at`` (ISO) is the time of the events. Returns
        (the topics of the alerts created, the number of alerts updated). Recording the same
        article twice adds nothing.

        ``before`` queues other writes on a pipeline: they are sent ahead of the alerts' in
        the same round trip (the worker saves the article that way), and run before them."""
        args: builtins.list[str | float] = [
            story_id,
            at,
            article_id,
            self.maxlen,
            keys.alert(""),
            keys.alerts_by_topic(""),
            self.retention,
            self.topic_maxlen,
        ]
        for alert in alerts:
            args += [
                alert.topic,
                alert.id,
                encode_alert(alert),
                repr(iso_to_unix(alert.created_at)),
            ]
        script_keys = [
            keys.ALERTS_BY_TIME,
            keys.ALERT_TOPICS,
            keys.ALERT_STREAM,
            keys.story_alerts(story_id),
            keys.story_sources(story_id),
        ]
        if before is None:
            reply = self._record(keys=script_keys, args=args)
        else:
            reply = self._record_after(before, script_keys, args)
        created, updated = reply
        return [as_text(topic) for topic in created], int(updated)

    def _record_after(
        self,
        before: Callable[[Any], None],
        script_keys: builtins.list[str],
        args: builtins.list[Any],
    ) -> Any:
        """The writes ``before`` queues, then the record script, in one round trip. Called as
        EVALSHA directly: redis-py's pipelined scripts would ask SCRIPT EXISTS first, a round
        trip each time. A Redis that lost its scripts (restarted, SCRIPT FLUSH) answers
        NOSCRIPT: the script is then run on its own (loading it), after ``before``'s writes."""
        pipe = self.client.pipeline(transaction=False)
        before(pipe)
        pipe.evalsha(self._record.sha, len(script_keys), *script_keys, *args)
        replies = pipe.execute(raise_on_error=False)
        for reply in replies[:-1]:
            if isinstance(reply, Exception):
                raise reply
        reply = replies[-1]
        if isinstance(reply, redis.exceptions.NoScriptError):
            return self._record(keys=script_keys, args=args)
        if isinstance(reply, Exception):
            raise reply
        return reply

    def add(self, alert: Alert) -> bool:
        """Store and index one alert (of its ``story_id``, if any); False if it exists."""
        created, _ = self.record(
            alert.story_id,
            [alert],
            article_id=str(alert.article.get("id", "")),
            at=alert.created_at,
        )
        return bool(created)

    def get(self, alert_id: str) -> Alert | None:
        found = self.get_many([alert_id])
        return found[0] if found else None

    def get_many(self, alert_ids: builtins.list[str]) -> builtins.list[Alert]:
        """The alerts that still exist, in the order given (dropped ones are skipped), each
        with its story's sources and latest article as they are now."""
        if not alert_ids:
            return []
        raws: Any = self.client.mget([keys.alert(i) for i in alert_ids])
        alerts = [decode_alert(raw) for raw in raws if raw is not None]
        pipe = self.client.pipeline(transaction=False)
        for alert in alerts:
            pipe.zrange(keys.story_sources(alert.story_id), 0, -1)
            pipe.hget(keys.story_alerts(alert.story_id), alert.topic)
            pipe.hget(keys.story(alert.story_id), "latest")
        replies = pipe.execute() if alerts else []
        return [_with_story(alert, *replies[3 * n : 3 * n + 3]) for n, alert in enumerate(alerts)]

    def of_story(self, story_id: str) -> builtins.list[Alert]:
        """The alerts of one story (one per topic), by topic name."""
        states: Any = self.client.hgetall(keys.story_alerts(story_id))
        ids = sorted(
            (as_text(topic), as_text(state).split(" ")[1])
            for topic, state in states.items()
            if len(as_text(state).split(" ")) > 1
        )
        return self.get_many([alert_id for _, alert_id in ids])

    def list(
        self, *, topic: str | None = None, since: datetime | None = None, limit: int = 50
    ) -> builtins.list[Alert]:
        """Newest first; ``since`` is inclusive; at most ``limit`` alerts."""
        if limit < 1:
            return []
        index = keys.alerts_by_topic(topic) if topic is not None else keys.ALERTS_BY_TIME
        low: float | str = unix_time(since) if since is not None else "-inf"
        ids: Any = self.client.zrevrangebyscore(index, "+inf", low, start=0, num=limit)
        return self.get_many([as_text(i) for i in ids])

    def page(
        self,
        *,
        topic: str | None = None,
        since: datetime | None = None,
        after: Position | None = None,
        limit: int = 50,
    ) -> tuple[builtins.list[Alert], Position | None]:
        """One page of alerts, newest first, after the position a previous page ended at;
        returns the alerts and where the next page starts (None: this was the last)."""
        index = keys.alerts_by_topic(topic) if topic is not None else keys.ALERTS_BY_TIME
        low = unix_time(since) if since is not None else None
        page = newest_first(self.client, index, after=after, limit=limit, low=low)
        return self.get_many([member for member, _ in page.items]), page.next

    def count(self, topic: str | None = None) -> int:
        index = keys.alerts_by_topic(topic) if topic is not None else keys.ALERTS_BY_TIME
        count: Any = self.client.zcard(index)
        return int(count)

    def counts_since(self, topics: builtins.list[str], since: float) -> dict[str, int]:
        """Alerts created at or after ``since`` (unix time) per topic, in one round trip."""
        pipe = self.client.pipeline(transaction=False)
        for topic in topics:
            pipe.zcount(keys.alerts_by_topic(topic), since, "+inf")
        counts = pipe.execute() if topics else []
        return {topic: int(n) for topic, n in zip(topics, counts, strict=True)}

    def topics(self) -> dict[str, int]:
        """Every topic that has stored alerts, with its alert count."""
        members: Any = self.client.smembers(keys.ALERT_TOPICS)
        names = sorted(as_text(m) for m in members)
        if not names:
            return {}
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.zcard(keys.alerts_by_topic(name))
        counts = pipe.execute()
        return {name: int(n) for name, n in zip(names, counts, strict=True) if n}
