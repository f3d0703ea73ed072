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
