"""Groups ArticleJobs into rq jobs: flushed when ``batch_size`` articles are waiting or
``linger`` seconds after the first one arrived, whichever comes first.

:meth:`JobBatcher.submit` returns only once every article it was given sits in an enqueued rq
job, so the caller marks items seen after they are safe in Redis (a scheduler that dies in
between re-enqueues them on restart; the workers drop the duplicate). A submitter that is
cancelled before the flush takes its articles out of the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from newswatch import metrics
from newswatch.core.models import ArticleJob, short_hash
from newswatch.store import keys

log = logging.getLogger("newswatch.scheduler")

TASK = "worker.tasks.process_batch"  # by path: the scheduler never imports worker code
JOB_TIMEOUT = 600  # seconds a worker may spend on one batch
RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600
# a batch that fails as a whole (Redis trouble mid-job: the worker keeps its pages) is tried
# again later; the workers run rq's scheduler for these delayed retries
RETRY = Retry(max=3, interval=[10, 60, 300])


def article_queue(client: redis.Redis, name: str = keys.ARTICLE_QUEUE) -> Queue:
    """The rq queue the workers read (JSON serializer: the job contract is plain data)."""
    return Queue(name, connection=client, serializer=JSONSerializer)


def batch_job_id(jobs: Sequence[ArticleJob]) -> str:
    """Deterministic, ``[A-Za-z0-9_-]`` only: the same batch re-enqueued keeps its id."""
    return "nw-batch-" + short_hash(*(job.article_id for job in jobs))


class JobBatcher:
    def __init__(
        self,
        client: redis.Redis,
        *,
        batch_size: int,
        linger: float,
        queue_name: str = keys.ARTICLE_QUEUE,
        task: str = TASK,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.queue = article_queue(client, queue_name)
        self.batch_size = batch_size
        self.linger = linger
        self.task = task
        self._pending: list[tuple[ArticleJob, asyncio.Future[None]]] = []
        self._timer: asyncio.TimerHandle | None = None

    async def submit(self, jobs: Sequence[ArticleJob]) -> None:
        """Add jobs and wait until all of them are enqueued. Raises the Redis error if the
        enqueue failed (nothing was accepted then)."""
        if not jobs:
            return
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[None]] = []
        for job in jobs:
            future: asyncio.Future[None] = loop.create_future()
            self._pending.append((job, future))
            futures.append(future)
            if len(self._pending) >= self.batch_size:
                self._flush_some(self.batch_size)
        if self._pending and self._timer is None:
            self._timer = loop.call_later(self.linger, self._on_linger)
        await asyncio.gather(*futures)

    async def flush(self) -> None:
        """Enqueue everything waiting now (at shutdown, or at the end of a cycle)."""
        self._flush_all()

    @property
    def waiting(self) -> int:
        return len(self._pending)

    def _on_linger(self) -> None:
        self._timer = None
        self._flush_all()

    def _flush_all(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._pending:
            self._flush_some(self.batch_size)

    def _flush_some(self, count: int) -> None:
        taken, self._pending = self._pending[:count], self._pending[count:]
        live = [(job, future) for job, future in taken if not future.done()]
        if not live:
            return
        jobs = [job for job, _ in live]
        try:
            self.queue.enqueue(
                self.task,
                [job.to_dict() for job in jobs],
                job_id=batch_job_id(jobs),
                description=f"{self.task}({len(jobs)} articles)",
                job_timeout=JOB_TIMEOUT,
                retry=RETRY,
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
            )
        except redis.RedisError as exc:
            log.error("enqueue failed articles=%d error=%r", len(jobs), str(exc))
            for _, future in live:
                future.set_exception(exc)
            return
        metrics.JOBS_ENQUEUED.inc()
        metrics.ARTICLES_ENQUEUED.inc(len(jobs))
        for _, future in live:
            future.set_result(None)
        with contextlib.suppress(redis.RedisError):  # the depth is a nicety; the jobs are in
            metrics.QUEUE_DEPTH.set(self.queue.count)
