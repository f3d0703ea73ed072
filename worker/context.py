"""Resources a worker process builds once and hands to every batch: the Redis client, the
settings, the stores, and the compiled topic matcher (rebuilt only when the published
configuration changes)."""

from __future__ import annotations

import logging
import threading

import redis

from newswatch.config import Settings, load_settings
from newswatch.core.errors import ConfigError, QueryError
from newswatch.core.query import TopicMatcher, TopicSpec, parse_query
from newswatch.store import config_store
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore

log = logging.getLogger(__name__)


class WorkerContext:
    def __init__(self, client: redis.Redis, settings: Settings):
        self.client = client
        self.settings = settings
        self.articles = ArticleStore(client, retention=settings.retention_days * 24 * 3600)
        self.alerts = AlertStore(client, maxlen=settings.alert_stream_maxlen)
        self.events = AlertEvents(client, keep=settings.alert_events_keep)
        self._matcher: TopicMatcher | None = None
        self._config_version: int | None = None

    def matcher(self) -> TopicMatcher:
        """The matcher for the topics currently published in Redis. Costs one GET of the
        config version; the topics are loaded and compiled only when that version changed.
        Call it once per batch."""
        version = config_store.config_version(self.client)
        if self._matcher is None or version != self._config_version:
            try:
                matcher = build_matcher(self.client)
            except ConfigError as exc:
                if self._matcher is None:
                    raise
                log.error("keeping the topics of config version %s: %s", self._config_version, exc)
                return self._matcher
            self._matcher, self._config_version = matcher, version
            log.info("topic matcher built for config version %s", version)
        return self._matcher


def build_matcher(client: redis.Redis) -> TopicMatcher:
    """Compile every published topic; a topic whose query does not parse is skipped and
    logged (publishing validates queries, so this only guards against hand-edited keys)."""
    specs = [
        TopicSpec(topic.name, topic.query, tuple(topic.languages))
        for topic in config_store.load_topics(client)
    ]
    try:
        return TopicMatcher(specs)
    except QueryError:
        good = []
        for spec in specs:
            try:
                parse_query(spec.query)
            except QueryError as exc:
                log.error("topic %r skipped: its query does not parse: %s", spec.name, exc)
            else:
                good.append(spec)
        return TopicMatcher(good)


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
