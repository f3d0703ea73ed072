"""Resources a worker process builds once and hands to every batch: the Redis client, the
settings, the stores, and the compiled topic matcher (updated, topic by topic, only when the
catalogue's topics change: the topics changed since the matcher's version are read from the
catalogue's change log and compiled, the others are not read at all)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable

import redis

from newswatch.config import Settings, load_settings
from newswatch.core.catalog import Topic
from newswatch.core.errors import ConfigError, QueryError
from newswatch.core.pack import matcher_query
from newswatch.core.query import TopicMatcher, TopicSpec
from newswatch.core.query.compiled import as_query
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
        # (catalogue generation, topic version) the matcher was built for: a Redis that lost
        # its data and was given a catalogue again restarts the version, maybe at the same one
        self._stamp: tuple[str, int] | None = None

    def metric_topic(self, topic: str) -> str:
        """The ``topic`` label of an alert of ``topic``: its name for the labelled topics,
        OTHER_TOPICS for the rest, so the series stay bounded at thousands of topics."""
        return topic if topic in self._labelled else OTHER_TOPICS

    @property
    def topics_version(self) -> int | None:
        """The catalogue's topic version the current matcher was built for."""
        return self._stamp[1] if self._stamp is not None else None

    def matcher(self, stamp: tuple[str, int] | None = None) -> TopicMatcher:
        """The matcher for the topics in the catalogue now. Costs one round trip (the
        catalogue's generation and topic version) when nothing changed (a feed or
        subscription written meanwhile changes nothing here), none when ``stamp`` is that
        pair, read by the caller with other reads (``catalog.stamp_on(pipe, "topic")``).
        When the topics changed, only those changed since the matcher's version are read and
        compiled; the whole catalogue is read (and only what differs compiled) for the first
        build, after the catalogue's generation changed (Redis lost its data), or when the
        change log no longer reaches back to the matcher's version. Call it once per batch."""
        if stamp is None:
            stamp = self.catalog.stamp("topic")
        if self._matcher is not None and stamp == self._stamp:
            return self._matcher
        try:
            changed = self._changed_topics(stamp)
            if changed is None:
                self._read_all(stamp)
        except ConfigError as exc:
            if self._matcher is None:
                raise
            log.error(
                "topics unreadable, keeping the old ones",
                version=self.topics_version,
                error=str(exc),
            )
            return self._matcher
        matcher = self._matcher
        assert matcher is not None
        # the compiled topics live until the next change: out of the collector's way, or
        # every full collection would walk them all again
        gc.freeze()
        log.info(
            "topic matcher updated",
            version=self.topics_version,
            topics=len(matcher),
            read="all" if changed is None else len(changed),
        )
        return matcher

    def _changed_topics(self, stamp: tuple[str, int]) -> list[str] | None:
        """Apply the topics changed since the matcher's version, from the change log; their
        names, or None (nothing done) when the whole catalogue must be read."""
        if self._matcher is None or self._stamp is None or stamp[0] != self._stamp[0]:
            return None
        if stamp[1] < self._stamp[1]:
            return None  # the version went back (Redis restored from a backup): read it all
        changes = self.catalog.topic_changes(self._stamp[1])
        if changes.names is None or changes.generation != self._stamp[0]:
            return None
        entries = self.catalog.entries_of("topic", changes.names)
        specs = topic_specs(e.item for e in entries.values() if e is not None)
        removed = [name for name, entry in entries.items() if entry is None]
        change_matcher(self._matcher, specs, removed)
        self._stamp = (changes.generation, changes.version)
        self._relabel(changes.names)
        return changes.names

    def _relabel(self, changed: list[str]) -> None:
        """Keep the labelled topics (the first ``topic_metric_labels`` names) after a
        change of the topics ``changed``, without sorting every name unless a labelled
        topic went (then the next name must be found)."""
        matcher = self._matcher
        assert matcher is not None
        present = {name for name in changed if matcher.spec(name) is not None}
        if any(name in self._labelled and name not in present for name in changed):
            self._labelled = labelled_topics(matcher.topics, self.settings)
        else:
            # every name not labelled sorts after the labelled ones (or there are none)
            self._labelled = labelled_topics(self._labelled | present, self.settings)

    def _read_all(self, stamp: tuple[str, int]) -> None:
        specs = topic_specs(self.catalog.topics())
        if self._matcher is None:
            self._matcher = TopicMatcher()
        update_matcher(self._matcher, specs)
        self._stamp = stamp
        self._labelled = labelled_topics(self._matcher.topics, self.settings)


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


def change_matcher(matcher: TopicMatcher, specs: list[TopicSpec], removed: list[str]) -> None:
    """Add or replace the topics of ``specs`` and remove those of ``removed`` in
    ``matcher``. As in :func:`update_matcher`, a stored query that no longer parses is
    skipped and logged (its topic removed: a full read would leave it out too)."""
    try:
        matcher.change(specs, removed)
    except QueryError:
        good, bad = _parsing(specs)
        matcher.change(good, [*removed, *bad])


def _parsing(specs: list[TopicSpec]) -> tuple[list[TopicSpec], list[str]]:
    """(the specs whose query parses, the names of the others, each logged)."""
    good: list[TopicSpec] = []
    bad: list[str] = []
    for spec in specs:
        try:
            as_query(spec.query)  # text is parsed; a parsed one (the pack's) is known good
        except QueryError as exc:
            log.error(
                "topic skipped", topic=spec.name, reason="query does not parse", error=str(exc)
            )
            bad.append(spec.name)
        else:
            good.append(spec)
    return good, bad


def update_matcher(matcher: TopicMatcher, specs: list[TopicSpec]) -> None:
    """Bring ``matcher`` to ``specs``, compiling only what is new or changed. The catalogue
    validated each query when it was written, so they are not checked again; a stored query
    that no longer parses (a hand-edited key, a query written by a newer release) is skipped
    and logged, and the rest still match."""
    try:
        matcher.update(specs)
    except QueryError:
        matcher.update(_parsing(specs)[0])


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
