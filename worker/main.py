"""`newswatch worker`: one rq worker process on the article queue.

It is a non-forking ``SimpleWorker``: extraction takes ~10-15 ms per article, and forking a
work horse per job cost about 3x the throughput. The price is that a job that crashes the
interpreter takes the worker with it; the supervisor (or the container runtime) restarts it,
and the reaper of any live worker or scheduler (:mod:`newswatch.reaper`) enqueues its batch
again once its heartbeat has been silent for ``reap_after`` seconds. SIGTERM and SIGINT make
rq finish the current batch and stop (warm shutdown).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from redis.client import Pipeline
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from newswatch import metrics
from newswatch.catalog_guard import CatalogGuard
from newswatch.core.errors import ConfigError
from newswatch.liveness import Heartbeat
from newswatch.logs import get_logger, setup_logging
from newswatch.reaper import Reaper
from newswatch.redis_checks import RedisUnfit, check_redis
from newswatch.runtime import load_runtime, report_config_error
from newswatch.store import keys
from newswatch.store.connection import connect
from worker import context
from worker.delivery import DeliveryService
from worker.extraction import SandboxedExtractor

log = get_logger("newswatch.worker")


class ArticleWorker(SimpleWorker):
    """rq's SimpleWorker with its heartbeat's writes (the worker hash's last_heartbeat, two
    EXPIREs) sent in one round trip rather than three. rq beats before and after every
    dequeue, so that is four round trips fewer per batch; the commands are the same."""

    def heartbeat(self, timeout: int | None = None, pipeline: Pipeline | None = None) -> None:
        if pipeline is not None:
            super().heartbeat(timeout, pipeline=pipeline)
            return
        with self.connection.pipeline(transaction=False) as batched:
            super().heartbeat(timeout, pipeline=batched)
            batched.execute()


def build_worker(redis_url: str, *, name: str | None = None) -> SimpleWorker:
    """A SimpleWorker on the article queue, with its own connection (rq raises that one's
    socket timeout above its blocking dequeue; the jobs keep the context's short one)."""
    return ArticleWorker(
        [keys.ARTICLE_QUEUE],
        name=name,
        connection=connect(redis_url, client="worker_queue"),
        serializer=JSONSerializer,
    )


def main(burst: bool = False, config_path: Path | None = None) -> int:
    """Run until SIGTERM (or, with ``burst``, until the queue is empty). Settings come from
    the environment over the ``settings:`` block of ``config_path`` when given."""
    setup_logging()
    try:
        runtime = load_runtime(config_path)
    except ConfigError as exc:
        return report_config_error("newswatch worker", exc)
    settings, redis_url = runtime.settings, runtime.redis_url
    setup_logging(log_format=settings.log_format)
    metrics.serve_own_metrics(settings.metrics_port)

    jobs_client = connect(redis_url, client="worker_articles")
    try:
        check_redis(jobs_client, settings, "newswatch worker")
    except RedisUnfit as exc:
        jobs_client.close()
        return report_config_error("newswatch worker", exc)
    installed = context.WorkerContext(jobs_client, settings, extractor=SandboxedExtractor(settings))
    context.install(installed)
    # articles stored by a release before the time index: indexed once, for backtests
    indexed = installed.articles.index_unindexed()
    if indexed:
        log.info("stored articles indexed by time", articles=indexed)
    _warm(installed)
    worker = build_worker(redis_url)
    heartbeat = _heartbeat(redis_url, worker.name, settings.reap_after)
    if not burst:
        heartbeat.guards.append(_rq_scheduler_keeper(worker))
    heartbeat.start()
    log.info("worker started", name=worker.name, queue=keys.ARTICLE_QUEUE, burst=burst)
    delivery = None
    if not burst:
        # deliveries are I/O: a thread beside the article jobs, with its own connection
        delivery = DeliveryService(
            connect(redis_url, client="worker_background"), settings, consumer=worker.name
        )
        delivery.start()
    try:
        # with_scheduler: one worker at a time also re-enqueues batches whose retry is due
        worker.work(burst=burst, logging_level="INFO", with_scheduler=True)
    finally:
        if delivery is not None:
            delivery.stop()
        heartbeat.stop()
        if worker.scheduler is not None and not burst:
            worker.stop_scheduler()  # type: ignore[no-untyped-call]  # the keeper may have started one
        context.install(None)
        installed.extractor.close()
        worker.connection.close()
        jobs_client.close()
    return 0


def _warm(installed: context.WorkerContext) -> None:
    """Read the topic pack and compile the topics, and start the extraction sandbox (its
    child imports trafilatura), before the first job rather than during it: each takes about
    a second, which the first batch's articles would otherwise wait for. A failure here is not
    fatal: the first batch builds the matcher or starts the child again and fails or logs as it
    always does."""
    try:
        installed.matcher()
    except Exception as exc:  # the first batch tries again and reports it
        log.warning("topic matcher not built at start", error=f"{type(exc).__name__}: {exc}")
    try:
        installed.extractor.start()
    except Exception as exc:  # the first extraction tries again and reports it
        log.warning("extraction sandbox not started", error=f"{type(exc).__name__}: {exc}")


def _rq_scheduler_keeper(worker: SimpleWorker) -> Callable[[float], None]:
    """rq's scheduler runs in a child process of one worker (it moves batches whose retry is
    due back to the queue). A Redis outage kills it, and rq starts it again only at its
    10-minute maintenance, between jobs: until then no retry runs. On every heartbeat, a
    worker whose scheduler child is dead takes the lock again (its own, still held, or one that
    expired) and starts a new child."""

    def keep_rq_scheduler(now: float) -> None:
        scheduler = worker.scheduler
        if scheduler is None or worker._stop_requested:
            return  # not started yet, or stopping (rq stops the child: leave it stopped)
        process = scheduler._process
        if process is not None and process.is_alive():
            return
        if scheduler.acquire_locks(auto_start=True) and process is not None:  # type: ignore[no-untyped-call]
            log.warning("rq scheduler restarted", exit_code=process.exitcode)

    return keep_rq_scheduler


def _heartbeat(redis_url: str, name: str, reap_after: float) -> Heartbeat:
    """This worker's heartbeat (named as rq names the worker, which is how the reaper finds
    its jobs), and the reaper on the same beat."""
    client = connect(redis_url, socket_timeout=5, client="worker_background")
    reaper = Reaper(client, reap_after=reap_after, owner=f"worker:{name}")
    guard = CatalogGuard(client)  # no configuration file here: a lost catalogue is reported
    return Heartbeat(
        client,
        "worker",
        name,
        reap_after=reap_after,
        guards=[guard, reaper.reap],
        problem=guard.problem,
    )
