"""Items through both tiers for real: one poll of the scheduler (real fetcher against a local
origin, pages stored in Redis, jobs enqueued), then the worker pipeline on the enqueued jobs."""

from __future__ import annotations

import asyncio
from typing import Any

import redis
from rq import Queue
from rq.serializers import JSONSerializer

from newswatch.config import Settings
from newswatch.core.catalog import Catalog, Feed, Topic
from newswatch.core.models import ArticleJob
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from scheduler.service import SchedulerService
from worker import pipeline
from worker.context import WorkerContext


def flow_settings(redis_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": redis_url,
        "allow_private_networks": True,  # the origin is on 127.0.0.1
        "allowed_ports": "1-65535",  # on a free port
        "fetch_timeout": 10.0,
        "batch_linger": 0.01,
    }
    values.update(overrides)
    return Settings(**values)


def poll_and_process(
    client: redis.Redis, settings: Settings, feed_url: str, topics: list[Topic]
) -> tuple[list[ArticleJob], dict[str, int]]:
    """Publish one feed and ``topics``, poll the feed once, run the worker pipeline on what
    the scheduler enqueued. Returns the jobs and the pipeline's counts."""
    catalog = Catalog(feeds=(Feed(url=feed_url),), topics=tuple(topics))
    CatalogStore(client).apply(catalog, owner="test", prune=True)

    async def poll() -> None:
        async with SchedulerService(client, settings) as service:
            await service.run_once()

    asyncio.run(poll())
    queue = Queue(keys.ARTICLE_QUEUE, connection=client, serializer=JSONSerializer)
    jobs = [ArticleJob.from_dict(raw) for job in queue.get_jobs() for raw in job.args[0]]
    counts = pipeline.process_batch(WorkerContext(client, settings), jobs)
    return jobs, counts
