"""`newswatch worker`: one rq worker process on the article queue.

It is a non-forking ``SimpleWorker``: extraction takes ~10-15 ms per article, and forking a
work horse per job cost about 3x the throughput. The price is that a job that crashes the
interpreter takes the worker with it; the supervisor (or the container runtime) restarts it
and rq's maintenance puts the abandoned job in the failed registry. SIGTERM and SIGINT make
rq finish the current batch and stop (warm shutdown).
"""

from __future__ import annotations

import logging
import os

from prometheus_client import start_http_server
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from newswatch import metrics
from newswatch.config import load_settings
from newswatch.core.errors import ConfigError
from newswatch.logs import setup_logging
from newswatch.store import keys
from newswatch.store.connection import connect, resolve_redis_url
from worker import context

log = logging.getLogger("newswatch.worker")


def build_worker(redis_url: str, *, name: str | None = None) -> SimpleWorker:
    """A SimpleWorker on the article queue, with its own connection (rq raises that one's
    socket timeout above its blocking dequeue; the jobs keep the context's short one)."""
    return SimpleWorker(
        [keys.ARTICLE_QUEUE],
        name=name,
        connection=connect(redis_url),
        serializer=JSONSerializer,
    )


def main(burst: bool = False) -> int:
    setup_logging()
    try:
        settings = load_settings()
        redis_url = resolve_redis_url(settings)
    except (ConfigError, RuntimeError) as exc:
        log.error("%s", exc)
        return 2

    if not os.environ.get(metrics.MULTIPROC_ENV):
        # alone: serve our own /metrics; under `newswatch up` the API serves everyone's sum
        try:
            start_http_server(settings.metrics_port)
            log.info("metrics on :%d/metrics", settings.metrics_port)
        except OSError as exc:
            log.warning("metrics port %d unavailable (%s): no /metrics", settings.metrics_port, exc)

    context.install(context.WorkerContext(connect(redis_url), settings))
    worker = build_worker(redis_url)
    log.info("worker %s on queue %s (burst=%s)", worker.name, keys.ARTICLE_QUEUE, burst)
    try:
        worker.work(burst=burst, logging_level="INFO")
    finally:
        context.install(None)
    return 0
