"""JobBatcher on a real Redis: flush by size and by linger, enqueue-then-return, failures."""

from __future__ import annotations

import asyncio

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from rq.serializers import JSONSerializer

from newswatch.core.models import ArticleJob
from newswatch.embedded_redis import free_port
from newswatch.store import keys
from newswatch.store.pages import load_pages
from scheduler.batcher import TASK, JobBatcher, batch_job_id


def job(n: int) -> ArticleJob:
    return ArticleJob(
        article_id=f"a{n}", feed_id="f", feed_name="feed", url=f"https://x.example/{n}",
        item_key=f"k{n}",
    )  # fmt: skip


def queued(client: redis.Redis) -> list[list[str]]:
    queue = Queue(keys.ARTICLE_QUEUE, connection=client, serializer=JSONSerializer)
    out = []
    for rq_job in queue.get_jobs():
        assert rq_job.func_name == TASK
        assert rq_job.id == batch_job_id([ArticleJob.from_dict(d) for d in rq_job.args[0]])
        out.append([d["article_id"] for d in rq_job.args[0]])
    return out


def test_full_batches_go_at_once_and_the_rest_after_the_linger(redis_client: redis.Redis) -> None:
    async def go() -> None:
        batcher = JobBatcher(redis_client, batch_size=2, linger=0.05)
        await asyncio.gather(*(batcher.submit(job(n), b"<p>page</p>") for n in range(1, 6)))
        assert batcher.waiting == 0

    asyncio.run(go())
    batches = queued(redis_client)
    assert sorted(a for batch in batches for a in batch) == ["a1", "a2", "a3", "a4", "a5"]
    assert sorted(len(batch) for batch in batches) == [1, 2, 2]
    # each article's page is stored with the job that names it
    assert load_pages(redis_client, [keys.page("a1")]) == {keys.page("a1"): b"<p>page</p>"}


def test_a_cancelled_submitter_takes_its_jobs_out_of_the_batch(redis_client: redis.Redis) -> None:
    async def go() -> None:
        batcher = JobBatcher(redis_client, batch_size=10, linger=60)
        waiting = asyncio.create_task(batcher.submit(job(1), b"x"))
        kept = asyncio.create_task(batcher.submit(job(2), b"x"))
        await asyncio.sleep(0)  # let both join the batch
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await batcher.flush()
        await kept

    asyncio.run(go())
    assert queued(redis_client) == [["a2"]]


def test_an_enqueue_failure_reaches_the_submitter(redis_url: str) -> None:
    dead = redis.Redis(port=free_port(), socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))

    async def go() -> None:
        batcher = JobBatcher(dead, batch_size=1, linger=0)
        with pytest.raises(redis.ConnectionError):
            await batcher.submit(job(1), b"x")

    asyncio.run(go())
    dead.close()


def test_batch_size_must_be_positive(redis_client: redis.Redis) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        JobBatcher(redis_client, batch_size=0, linger=0)


def test_a_batch_that_fails_is_retried_later(redis_client: redis.Redis) -> None:
    async def go() -> None:
        await JobBatcher(redis_client, batch_size=1, linger=0).submit(job(1), b"x")

    asyncio.run(go())
    queue = Queue(keys.ARTICLE_QUEUE, connection=redis_client, serializer=JSONSerializer)
    (rq_job,) = queue.get_jobs()
    assert rq_job.retries_left == 3
    assert rq_job.retry_intervals == [10, 60, 300]
