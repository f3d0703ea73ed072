"""A worker that dies between taking a batch off the queue and starting it: rq has moved the
job to the queue's intermediate list, where no worker is named. The reaper puts it back at the
front of the queue once it has sat there unstarted for ``reap_after`` seconds, retries kept,
and leaves alone the jobs a worker did start."""

from __future__ import annotations

import time

import redis
from rq import Queue, Retry
from rq.executions import Execution
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

from newswatch.reaper import Reaper
from newswatch.store import keys

REAP_AFTER = 30.0
NOW = 1_800_000_000.0


def _queue(client: redis.Redis) -> Queue:
    return Queue(keys.ARTICLE_QUEUE, connection=client, serializer=JSONSerializer)


def _take_off(client: redis.Redis, queue: Queue) -> str:
    """What rq's dequeue does before a worker starts the job: the id moves from the queue to
    its intermediate list."""
    job_id = client.lmove(queue.key, queue.intermediate_queue_key)  # as rq moves it
    assert job_id is not None
    return job_id.decode()


def test_a_job_taken_off_the_queue_and_never_started_goes_back_to_its_front(
    redis_client: redis.Redis,
) -> None:
    queue = _queue(redis_client)
    lost = queue.enqueue("os.getpid", job_id="lost", retry=Retry(max=3, interval=[10, 60]))
    queue.enqueue("os.getpid", job_id="waiting")
    assert _take_off(redis_client, queue) == "lost"
    reaper = Reaper(redis_client, reap_after=REAP_AFTER, owner="test")

    assert reaper.reap(NOW) == []  # first seen now
    assert reaper.reap(NOW + REAP_AFTER) == []  # not yet longer than reap_after
    assert redis_client.lrange(queue.intermediate_queue_key, 0, -1) == [b"lost"]

    assert reaper.reap(NOW + REAP_AFTER + 1) == ["lost"]
    assert redis_client.lrange(queue.intermediate_queue_key, 0, -1) == []
    assert queue.get_job_ids() == ["lost", "waiting"]  # at the front
    assert lost.get_status(refresh=True) == "queued"
    lost.refresh()
    assert lost.retries_left == 3  # the worker died, the job did not fail
    assert redis_client.hlen(keys.REAPER_DEQUEUED) == 0
    assert reaper.reap(NOW + 10 * REAP_AFTER) == []  # once


def test_a_started_job_and_one_that_left_the_list_are_left_alone(
    redis_client: redis.Redis,
) -> None:
    queue = _queue(redis_client)
    started_job = queue.enqueue("os.getpid", job_id="started")
    queue.enqueue("os.getpid", job_id="picked")
    assert _take_off(redis_client, queue) == "started"
    assert _take_off(redis_client, queue) == "picked"
    # a worker started "started" (rq takes it out of the list as it starts: here it lingers)
    pipe = redis_client.pipeline()
    Execution.create(started_job, ttl=600, pipeline=pipe, worker_name="a-worker")
    pipe.execute()
    assert "started" in StartedJobRegistry(keys.ARTICLE_QUEUE, connection=redis_client)
    reaper = Reaper(redis_client, reap_after=REAP_AFTER, owner="test")

    now = time.time()  # the started one's execution is judged by its age (no heartbeat)
    assert reaper.reap(now) == []
    assert redis_client.hkeys(keys.REAPER_DEQUEUED) == [b"picked"]  # not the started one
    # a worker starts "picked" after all: it leaves the list, and the reaper forgets it
    redis_client.lrem(queue.intermediate_queue_key, 1, "picked")
    assert reaper.reap(now + 1) == []
    assert redis_client.hlen(keys.REAPER_DEQUEUED) == 0
    assert queue.get_job_ids() == []
