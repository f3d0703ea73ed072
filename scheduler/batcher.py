"""Groups ArticleJobs into rq jobs: flushed when ``batch_size`` articles are waiting or
``linger`` seconds after the first one arrived, whichever comes first.

The enqueue (each article's page stored, then the rq job, in one pipeline) runs on a thread of
its own with the synchronous client rq needs, so the event loop never waits on Redis for it.
:meth:`JobBatcher.submit` returns only once the article sits in an enqueued rq job, so the
caller marks items seen after they are safe in Redis (a scheduler that dies in between
re-enqueues them on restart; the workers drop the duplicate). A submitter that is cancelled
before the flush takes its article out of the batch.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from newswatch import metrics
from newswatch.core.models import ArticleJob, short_hash
from newswatch.logs import get_logger
from newswatch.store import keys
from newswatch.store.pages import put_pages

log = get_logger(__name__)

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


@dataclasses.dataclass
class _Waiting:
    job: ArticleJob
    page: bytes
    future: asyncio.Future[None]


class JobBatcher:
    def __init__(
        self,
        client: redis.Redis,
        *,
        batch_size: int,
        linger: float,
        page_ttl: int = 24 * 3600,
        queue_name: str = keys.ARTICLE_QUEUE,
        task: str = TASK,
    ):
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.client = client
        self.queue = article_queue(client, queue_name)
        self.batch_size = batch_size
        self.linger = linger
        self.page_ttl = page_ttl
        self.task = task
        self._pending: list[_Waiting] = []
        self._timer: asyncio.TimerHandle | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newswatch-enqueue")

    async def submit(self, job: ArticleJob, page: bytes) -> None:
        """Add one article (its job and its page) and wait until it is enqueued. Raises the
        Redis error if the enqueue failed (nothing of that batch was accepted then)."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(job, page, loop.create_future())
        self._pending.append(waiting)
        if len(self._pending) >= self.batch_size:
            self._send(self.batch_size)
        if self._pending and self._timer is None:
            self._timer = loop.call_later(self.linger, self._on_linger)
        await waiting.future

    async def flush(self) -> None:
        """Enqueue everything waiting now and wait for every enqueue under way."""
        self._send_all()
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)

    @property
    def waiting(self) -> int:
        return len(self._pending)

    def _on_linger(self) -> None:
        self._timer = None
        self._send_all()

    def _send_all(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._pending:
            self._send(self.batch_size)

    def _send(self, count: int) -> None:
        taken, self._pending = self._pending[:count], self._pending[count:]
        live = [w for w in taken if not w.future.done()]
        if live:
            task = asyncio.get_running_loop().create_task(self._enqueue(live))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _enqueue(self, live: list[_Waiting]) -> None:
        loop = asyncio.get_running_loop()
        try:
            jobs = await loop.run_in_executor(self._thread, self._enqueue_blocking, live)
        except redis.RedisError as exc:
            log.error("enqueue failed", articles=len(live), error=str(exc))
            for waiting in live:
                if not waiting.future.done():
                    waiting.future.set_exception(exc)
            return
        metrics.JOBS_ENQUEUED.inc()
        metrics.ARTICLES_ENQUEUED.inc(len(jobs))
        for waiting in live:
            if not waiting.future.done():
                waiting.future.set_result(None)

    def _enqueue_blocking(self, live: list[_Waiting]) -> list[ArticleJob]:
        """On the enqueue thread: every page, then the rq job, in one pipeline."""
        pipe = self.client.pipeline(transaction=True)
        page_keys = put_pages(pipe, {w.job.article_id: w.page for w in live}, self.page_ttl)
        jobs = [dataclasses.replace(w.job, page_key=page_keys[w.job.article_id]) for w in live]
        data = Queue.prepare_data(
            self.task,
            args=([job.to_dict() for job in jobs],),
            job_id=batch_job_id(jobs),
            description=f"{self.task}({len(jobs)} articles)",
            timeout=JOB_TIMEOUT,
            retry=RETRY,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
        )
        self.queue.enqueue_many([data], pipeline=pipe)
        pipe.execute()
        return jobs
