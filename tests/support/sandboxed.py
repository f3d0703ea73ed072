"""Functions the sandbox tests run in a child process (they must be importable by name)."""

from __future__ import annotations

import os
import time

from newswatch.core.errors import ExtractionError


def add(a: int, b: int) -> int:
    return a + b


def pid() -> int:
    return os.getpid()


def spin() -> None:
    """Never returns, holding the CPU (like a regex that backtracks for ever)."""
    while True:
        pass


def grow(megabytes: int) -> int:
    """Take memory a megabyte at a time (slowly enough to be watched)."""
    held = []
    for _ in range(megabytes):
        held.append(bytearray(1024 * 1024))
        time.sleep(0.002)
    return len(held)


def allocate_at_once(megabytes: int) -> int:
    """One allocation too fast for any watcher: only the address-space limit stops it."""
    return len(bytearray(megabytes * 1024 * 1024))


def refuse() -> None:
    raise ExtractionError("nothing in this page", reason="empty")


def crash() -> None:
    raise ValueError("a bug")


def die() -> None:
    os._exit(3)


def slow_add(a: int, b: int, seconds: float) -> int:
    """``a + b`` after ``seconds`` (a call the parent works beside)."""
    time.sleep(seconds)
    return a + b
