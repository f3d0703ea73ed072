"""`newswatch scheduler`: run the feed scheduler until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import redis

from newswatch.applying import apply_config, summary
from newswatch.catalog_guard import CatalogGuard
from newswatch.config import Settings
from newswatch.core.errors import ConfigError
from newswatch.logs import get_logger, setup_logging
from newswatch.metrics import serve_own_metrics
from newswatch.redis_checks import RedisUnfit, check_redis
from newswatch.runtime import load_runtime, report_config_error
from newswatch.store.connection import connect
from scheduler.service import SchedulerNameTaken, SchedulerService

log = get_logger(__name__)


async def serve(
    client: redis.Redis, settings: Settings, url: str, guard: CatalogGuard | None = None
) -> int:
    """Run the service until SIGTERM or SIGINT; 0 after a clean shutdown."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with SchedulerService(
            client, settings, redis_url=url, catalog_guard=guard
        ) as service:
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
    try:
        runtime = load_runtime(config_path)
    except ConfigError as exc:
        return report_config_error("newswatch scheduler", exc)
    settings, url = runtime.settings, runtime.redis_url
    setup_logging(log_format=settings.log_format)

    client = connect(url)
    try:
        client.ping()
        check_redis(client, settings, "newswatch scheduler")
        if runtime.config is not None and config_path is not None:
            plan = apply_config(client, runtime.config, config_path)
            if plan.problems:
                for problem in plan.problems:
                    log.error("config not applied", path=str(config_path), problem=problem.text())
                return 2
            log.info("config applied", path=str(config_path), changes=summary(plan))
        serve_own_metrics(settings.metrics_port)
        guard = CatalogGuard(client, runtime.config, config_path)
        return asyncio.run(serve(client, settings, url, guard))
    except (SchedulerNameTaken, RedisUnfit) as exc:
        return report_config_error("newswatch scheduler", exc)
    except redis.RedisError as exc:
        log.error("redis failed", error=str(exc))
        return 1
    finally:
        client.close()
