"""Whether a topic name a reader asks for exists: in the catalogue, or as the topic of stored
alerts (a topic removed since keeps its alerts). An unknown name is an error with the closest
known one, never an empty list that looks like "no alerts yet"."""

from __future__ import annotations

import redis

from newswatch.core.errors import NotFoundError
from newswatch.core.problems import did_you_mean
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore


def known_topics(client: redis.Redis) -> set[str]:
    names = {topic.name for topic in CatalogStore(client).topics()}
    return names | set(AlertStore(client).topics())


def check_topic_name(client: redis.Redis, name: str) -> None:
    """Raises NotFoundError ("no topic 'sumits' (did you mean 'summits'?)") for a name that
    is neither in the catalogue nor the topic of a stored alert."""
    known = known_topics(client)
    if name not in known:
        raise NotFoundError(f"no topic {name!r}{did_you_mean(name, sorted(known))}")
