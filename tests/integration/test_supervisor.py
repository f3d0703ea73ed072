"""`newswatch up`'s supervision loop with a real embedded Redis."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import redis

from newswatch.embedded_redis import EmbeddedRedis
from newswatch.supervisor import _StopFlag, _supervise

DEADLINE = 60.0  # seconds; generous for slow machines, never asserted


def test_an_embedded_redis_that_dies_is_restarted_on_the_same_port(tmp_path: Path) -> None:
    # the children were given this URL: Redis must come back where they look for it
    server = EmbeddedRedis(tmp_path / "redis").start()
    stop = _StopFlag()
    loop = threading.Thread(target=_supervise, args=([], dict(os.environ), stop, server))
    loop.start()
    try:
        assert server.process is not None
        first_pid = server.process.pid
        os.kill(first_pid, signal.SIGKILL)  # as the OOM killer would
        client = redis.Redis.from_url(server.url, socket_connect_timeout=1, socket_timeout=1)
        end = time.monotonic() + DEADLINE
        while True:
            current = server.process
            if current is not None and current.pid != first_pid:
                try:
                    if client.ping():
                        break
                except redis.RedisError:
                    pass
            if time.monotonic() > end:
                pytest.fail("the embedded Redis was not restarted")
            time.sleep(0.1)
        client.close()
    finally:
        stop.stopping = True
        loop.join(10)
        server.stop()
