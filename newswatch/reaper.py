"""The reaper: puts back on the queue the started jobs of a worker whose heartbeat stopped.

rq keeps every job a worker has started in the queue's ``StartedJobRegistry``, one entry per
execution (``job_id:execution_id``), and the execution's hash names its worker. rq's own
clean-up (``StartedJobRegistry.cleanup``, run by a worker's maintenance every 10 minutes)
only sees an execution once its score — the job timeout plus a minute — has passed, and then
spends one of the job's retries on it or fails it: a SIGKILLed worker's batch came back after
~14 minutes. Here, a job whose worker has not sent a heartbeat (:mod:`newswatch.liveness`) for
``reap_after`` seconds is taken out of the registry and enqueued again at the front of its
queue, in one transaction, keeping its retries (the worker died, the job did not fail). The
pipeline is idempotent per article, so a batch run twice records its effects once.

A worker can also die between taking a job off the queue and starting it: rq moves the job to
the queue's intermediate list first, and to the started registry only when the work begins.
Such a job has no worker named anywhere; rq fails it (spending a retry) after its maintenance
sees it there for a minute, up to ten minutes late. Here one seen in that list, unstarted, for
more than ``reap_after`` seconds is put back at the front of its queue, retries kept (a live
worker starts what it took within milliseconds, and rq takes a job out of the list as it
starts it because newswatch's workers listen on the one article queue).

Any number of processes may run a reaper: they take turns under ``keys.REAPER_LOCK``.
"""

from __future__ import annotations

from typing import Any

import redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

from newswatch import metrics
from newswatch.core.liveness import Beat, is_alive
from newswatch.logs import get_logger
from newswatch.store import keys
from newswatch.store.codec import as_text
from newswatch.store.heartbeats import HeartbeatStore

log = get_logger(__name__)


class Reaper:
    def __init__(
        self,
        client: redis.Redis,
        *,
        reap_after: float,
        owner: str,
        queue_name: str = keys.ARTICLE_QUEUE,
    ) -> None:
        self.client = client
        self.reap_after = reap_after
        self.owner = owner
        self.queue = Queue(queue_name, connection=client, serializer=JSONSerializer)
        self.registry = StartedJobRegistry(queue_name, connection=client, serializer=JSONSerializer)
        self.heartbeats = HeartbeatStore(client)

    def reap(self, now: float) -> list[str]:
        """Re-enqueue the started jobs of dead workers; returns their ids. Does nothing while
        another process reaps."""
        lock_ms = int(max(1.0, self.reap_after / 2) * 1000)
        if not self.client.set(keys.REAPER_LOCK, self.owner, nx=True, px=lock_ms):
            return []
        try:
            workers = {b.name: b for b in self.heartbeats.all() if b.role == "worker"}
            reaped = []
            for job_id, execution_id in self.registry.get_job_and_execution_ids(cleanup=False):
                try:
                    execution = Execution.fetch(execution_id, job_id, connection=self.client)
                except ValueError:
                    continue  # its hash expired: rq's own clean-up handles it
                beat = workers.get(execution.worker_name)
                if self._abandoned(execution, beat, now) and self._requeue(execution):
                    reaped.append(job_id)
                    log.warning(
                        "job of a dead worker enqueued again",
                        job_id=job_id,
                        worker=execution.worker_name,
                        silent_for_more_than=self.reap_after,
                    )
            reaped += self._reap_dequeued(now)
            if reaped:
                metrics.JOBS_REAPED.inc(len(reaped))
            return reaped
        finally:
            if self.client.get(keys.REAPER_LOCK) == self.owner.encode():
                self.client.delete(keys.REAPER_LOCK)

    def _abandoned(self, execution: Execution, beat: Beat | None, now: float) -> bool:
        if beat is not None:
            return not is_alive(beat, now, self.reap_after)
        # a worker that never sent a heartbeat (not a newswatch worker, or its heartbeats were
        # lost with Redis): judged by how long the execution has run
        return now - execution.created_at.timestamp() > self.reap_after

    def _requeue(self, execution: Execution) -> bool:
        """Take the execution out of the started registry and enqueue its job again, in one
        transaction (watched: a job that finished meanwhile is left alone)."""
        try:
            job = Job.fetch(execution.job_id, connection=self.client, serializer=JSONSerializer)
        except NoSuchJobError:
            self.client.zrem(self.registry.key, execution.composite_key)
            return False
        done: list[bool] = []

        def transaction(pipe: Any) -> None:
            done.clear()
            if pipe.zscore(self.registry.key, execution.composite_key) is None:
                return  # finished, or reaped by another process
            status = job.get_status(refresh=True)
            pipe.multi()
            pipe.zrem(self.registry.key, execution.composite_key)
            pipe.srem(execution.worker_executions_key, execution.composite_key)
            pipe.delete(execution.key)
            if status == JobStatus.STARTED:
                job.started_at = None
                self.queue.enqueue_job(job, pipeline=pipe, at_front=True)
                done.append(True)

        self.client.transaction(transaction, self.registry.key, job.key)
        return bool(done)

    def _reap_dequeued(self, now: float) -> list[str]:
        """Put back on the queue the jobs taken off it but not started for ``reap_after``
        seconds (see the module docstring); returns their ids. Each pass notes when it first
        saw each such job (``keys.REAPER_DEQUEUED``) and forgets those no longer there."""
        started = {job_id for job_id, _ in self.registry.get_job_and_execution_ids(cleanup=False)}
        waiting = [
            as_text(job_id)
            for job_id in self.client.lrange(self.queue.intermediate_queue_key, 0, -1)
        ]
        unstarted = {job_id for job_id in waiting if job_id not in started}
        seen = {
            as_text(job_id): float(when)
            for job_id, when in self.client.hgetall(keys.REAPER_DEQUEUED).items()
        }
        pipe = self.client.pipeline(transaction=False)
        if gone := [job_id for job_id in seen if job_id not in unstarted]:
            pipe.hdel(keys.REAPER_DEQUEUED, *gone)
        for job_id in unstarted - seen.keys():
            pipe.hsetnx(keys.REAPER_DEQUEUED, job_id, now)
        pipe.execute()
        reaped = []
        for job_id in sorted(unstarted & seen.keys()):
            if now - seen[job_id] > self.reap_after and self._requeue_dequeued(job_id):
                reaped.append(job_id)
                log.warning(
                    "job taken off the queue but never started enqueued again",
                    job_id=job_id,
                    unstarted_for_more_than=self.reap_after,
                )
        return reaped

    def _requeue_dequeued(self, job_id: str) -> bool:
        """Take the job out of the intermediate list and enqueue it again at the front, in one
        transaction (watched: a job a worker starts meanwhile leaves the list, and is left
        alone)."""
        waiting = self.queue.intermediate_queue_key
        try:
            job = Job.fetch(job_id, connection=self.client, serializer=JSONSerializer)
        except NoSuchJobError:
            self.client.lrem(waiting, 1, job_id)
            self.client.hdel(keys.REAPER_DEQUEUED, job_id)
            return False
        done: list[bool] = []

        def transaction(pipe: Any) -> None:
            done.clear()
            if pipe.lpos(waiting, job_id) is None:
                return  # started meanwhile, or put back by another process
            pipe.multi()
            pipe.lrem(waiting, 1, job_id)
            pipe.hdel(keys.REAPER_DEQUEUED, job_id)
            self.queue.enqueue_job(job, pipeline=pipe, at_front=True)
            done.append(True)

        self.client.transaction(transaction, waiting, job.key)
        return bool(done)
