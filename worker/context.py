"""Resources a worker process builds once and hands to every batch: the Redis client, the
settings, the stores, and the compiled topic matcher (updated, topic by topic, only when the
catalogue's topics change)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable

import redis

from newswatch.config import Settings, load_settings
from newswatch.core.catalog import Topic
from newswatch.core.errors import ConfigError, QueryError
from newswatch.core.pack import matcher_query
from newswatch.core.query import TopicMatcher, TopicSpec, parse_query
from newswatch.logs import get_logger
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.stories import StoryStore
from newswatch.topics import load_pack
from worker.extraction import Extractor, InProcessExtractor

log = get_logger(__name__)

# the metric label of the topics beyond ``topic_metric_labels`` (no topic name starts with _)
OTHER_TOPICS = "_other"


class WorkerContext:
    def __init__(
        self, client: redis.Redis, settings: Settings, *, extractor: Extractor | None = None
    ):
        self.client = client
        self.settings = settings
        # `newswatch worker` extracts in a killable child; in-process elsewhere (tests, tools)
        self.extractor: Extractor = extractor or InProcessExtractor(settings)
        self.catalog = CatalogStore(client)
        retention = settings.retention_days * 24 * 3600
        self.articles = ArticleStore(client, retention=retention)
        self.stories = StoryStore(
            client, window=settings.story_window_days * 24 * 3600, retention=retention
        )
        self.alerts = AlertStore(
            client,
            maxlen=settings.alert_stream_maxlen,
            topic_maxlen=settings.alert_topic_maxlen,
            retention=retention,
        )
        self._labelled: frozenset[str] = frozenset()
        self.events = AlertEvents(client, keep=settings.alert_events_keep)
        self._matcher: TopicMatcher | None = None
        self._topics_version: int | None = None

    def metric_topic(self, topic: str) -> str:
        """The ``topic`` label of an alert of ``topic``: its name for the labelled topics,
        OTHER_TOPICS for the rest, so the series stay bounded at thousands of topics."""
        return topic if topic in self._labelled else OTHER_TOPICS

    @property
    def topics_version(self) -> int | None:
        """The catalogue's topic version the current matcher was built for."""
        return self._topics_version

    def matcher(self) -> TopicMatcher:
        """The matcher for the topics in the catalogue now. Costs one HGET of the topic
        version; the topics are read only when that version moved (a feed or subscription
        written meanwhile changes nothing here), and then only the topics added or changed
        are compiled (the others stay as they are). Call it once per batch."""
        version = self.catalog.version("topic")
        if self._matcher is None or version != self._topics_version:
            try:
                specs = topic_specs(self.catalog.topics())
            except ConfigError as exc:
                if self._matcher is None:
                    raise
                log.error(
                    "topics unreadable, keeping the old ones",
                    version=self._topics_version,
                    error=str(exc),
                )
                return self._matcher
            if self._matcher is None:
                self._matcher = TopicMatcher()
            update_matcher(self._matcher, specs)
            self._topics_version = version
            self._labelled = labelled_topics(self._matcher.topics, self.settings)
            # the compiled topics live until the next change: out of the collector's way,
            # or every full collection would walk them all again
            gc.freeze()
            log.info("topic matcher updated", version=version, topics=len(self._matcher))
        return self._matcher


def labelled_topics(names: Iterable[str], settings: Settings) -> frozenset[str]:
    """The topics counted under their own name in the per-topic alert metric: the first
    ``topic_metric_labels`` by name (the same in every worker of a catalogue version)."""
    return frozenset(sorted(names)[: settings.topic_metric_labels])


def topic_specs(topics: Iterable[Topic]) -> list[TopicSpec]:
    packs = load_pack()
    return [
        TopicSpec(topic.name, matcher_query(topic.query, topic.pack, packs), topic.languages)
        for topic in topics
    ]


def update_matcher(matcher: TopicMatcher, specs: list[TopicSpec]) -> None:
    """Bring ``matcher`` to ``specs``, compiling only what is new or changed. The catalogue
    validated each query when it was written, so they are not checked again; a stored query
    that no longer parses (a hand-edited key, a query written by a newer release) is skipped
    and logged, and the rest still match."""
    try:
        matcher.update(specs)
    except QueryError:
        good = []
        for spec in specs:
            try:
                parse_query(spec.query)
            except QueryError as exc:
                log.error(
                    "topic skipped", topic=spec.name, reason="query does not parse", error=str(exc)
                )
            else:
                good.append(spec)
        matcher.update(good)


_lock = threading.Lock()
_installed: WorkerContext | None = None
_adhoc: WorkerContext | None = None


def install(context: WorkerContext | None) -> None:
    """Make ``context`` the one every job of this process uses (worker.main does this);
    None uninstalls it."""
    global _installed
    with _lock:
        _installed = context


def get_context(client: redis.Redis | None = None) -> WorkerContext:
    """The installed context if there is one. Otherwise (a plain ``rq worker``, a test's
    SimpleWorker) one built around ``client``, the job's connection, and kept for as long as
    jobs arrive on that same client."""
    global _adhoc
    with _lock:
        if _installed is not None:
            return _installed
        if client is None:
            raise RuntimeError("no worker context installed and no Redis client given")
        if _adhoc is None or _adhoc.client is not client:
            _adhoc = WorkerContext(client, load_settings())
        return _adhoc
