"""`newswatch scheduler`: run the feed scheduler until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import redis
from prometheus_client import start_http_server

from newswatch.config import Settings, WatchConfig, load_config, load_settings
from newswatch.core.errors import ConfigError
from newswatch.logs import setup_logging
from newswatch.metrics import MULTIPROC_ENV
from newswatch.store.config_store import publish_config
from newswatch.store.connection import connect, resolve_redis_url
from scheduler.logfmt import kv
from scheduler.service import SchedulerService

log = logging.getLogger("newswatch.scheduler")


async def serve(client: redis.Redis, settings: Settings) -> int:
    """Run the service until SIGTERM or SIGINT; 0 after a clean shutdown."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with SchedulerService(client, settings) as service:
            await service.run(stop)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
    return 0


def main(config_path: Path | None) -> int:
    """Settings from the environment (over the config's ``settings:`` block when a path is
    given), publish that config, expose metrics, poll until signalled. Exit codes: 0 clean
    stop, 1 Redis unreachable, 2 bad configuration."""
    setup_logging()
    cfg: WatchConfig | None = None
    try:
        if config_path is not None:
            cfg = load_config(config_path)
        settings = load_settings(cfg)
        url = resolve_redis_url(settings)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    client = connect(url)
    try:
        client.ping()
        if cfg is not None:
            version = publish_config(client, cfg)
            log.info("config published %s", kv(path=config_path, version=version))
        if not os.environ.get(MULTIPROC_ENV):
            start_http_server(settings.metrics_port)
            log.info("metrics served %s", kv(port=settings.metrics_port))
        return asyncio.run(serve(client, settings))
    except redis.RedisError as exc:
        print(f"error: Redis at {url} failed: {exc}", file=sys.stderr)
        return 1
    finally:
        client.close()
