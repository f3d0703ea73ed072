"""`newswatch api`: serve the HTTP API with uvicorn (SIGINT/SIGTERM stop it gracefully)."""

from __future__ import annotations

import signal
import socket
from pathlib import Path
from types import FrameType

import redis
import uvicorn

from newswatch.api.app import create_app
from newswatch.api.auth import AccessPolicy
from newswatch.api.open_files import ensure_open_files
from newswatch.api.protocol import server_config
from newswatch.catalog_guard import CatalogGuard
from newswatch.core.errors import ConfigError
from newswatch.liveness import Heartbeat
from newswatch.logs import get_logger, setup_logging
from newswatch.redis_checks import RedisUnfit, check_redis
from newswatch.runtime import load_runtime, report_config_error
from newswatch.store.connection import connect

log = get_logger("newswatch.api")

# an API request (and /healthz) answers 503 within seconds when Redis hangs
REDIS_TIMEOUT = 5.0
GRACEFUL_SECONDS = 10


def run_api(config_path: Path | None) -> int:
    """Serve until stopped; 0 on a clean stop, 2 when the configuration or Redis URL is
    missing or invalid."""
    setup_logging()
    try:
        runtime = load_runtime(config_path)
    except ConfigError as exc:
        return report_config_error("newswatch api", exc)
    settings, redis_url = runtime.settings, runtime.redis_url
    setup_logging(log_format=settings.log_format)
    try:
        policy = AccessPolicy.of(settings)
    except ConfigError as exc:
        return report_config_error("newswatch api", exc)
    problem = ensure_open_files(settings.api_max_connections)
    if problem is not None:
        return report_config_error("newswatch api", ConfigError([problem]))
    client = connect(redis_url, socket_timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    except redis.RedisError as exc:
        # keep serving: /healthz reports it and requests answer 503 until Redis is back
        log.warning("redis not reachable yet", error=str(exc))
    try:
        check_redis(client, settings, "newswatch api")
    except RedisUnfit as exc:
        client.close()
        return report_config_error("newswatch api", exc)
    app = create_app(client, settings=settings, policy=policy)
    server = uvicorn.Server(
        server_config(
            app,
            settings=settings,
            host=settings.api_host,
            port=settings.api_port,
            log_level="info",
            log_config=None,  # uvicorn's lines go through newswatch.logs like every other
            proxy_headers=False,
            server_header=False,
            # a request still running this long after a stop is cancelled
            timeout_graceful_shutdown=GRACEFUL_SECONDS,
        )
    )
    # long-lived answers (the web pages' live events) end themselves when the server stops
    app.state.stopping = lambda: server.should_exit
    # uvicorn handles SIGINT/SIGTERM itself (graceful shutdown) and re-raises the signal
    # afterwards under the handler it found: make that handler a no-op, so a requested stop
    # ends with exit status 0 and no KeyboardInterrupt traceback.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stopped)
    beat_client = connect(redis_url, socket_timeout=REDIS_TIMEOUT)
    guard = CatalogGuard(beat_client)  # no configuration file here: a loss is reported
    heartbeat = Heartbeat(
        beat_client,
        "api",
        f"{socket.gethostname()}:{settings.api_port}",
        reap_after=settings.reap_after,
        guards=[guard],
        problem=guard.problem,
    ).start()
    try:
        server.run()
    finally:
        heartbeat.stop()
        heartbeat.store.client.close()
        client.close()
    return 0 if server.started else 1


def _stopped(signum: int, frame: FrameType | None) -> None:
    log.info("stopped by signal", signal=signum)
