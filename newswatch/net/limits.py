"""Concurrency limits for outgoing requests within one process: at most N in flight overall
and at most M per host (politeness). Callers take the per-host slot first and the global one
only for the request itself, so a request queued behind a busy host never holds one of the
global slots other hosts could use."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class _HostSlot:
    __slots__ = ("semaphore", "users")

    def __init__(self, limit: int) -> None:
        self.semaphore = asyncio.Semaphore(limit)
        self.users = 0


class RequestLimiter:
    """A global semaphore plus one semaphore per host, created on demand and dropped when no
    request for the host is waiting or running (so the table does not grow without end)."""

    def __init__(self, *, total: int, per_host: int) -> None:
        if total < 1 or per_host < 1:
            raise ValueError("limits must be at least 1")
        self._total = asyncio.Semaphore(total)
        self._per_host = per_host
        self._hosts: dict[str, _HostSlot] = {}

    @asynccontextmanager
    async def host(self, host: str) -> AsyncIterator[None]:
        key = host.lower()
        entry = self._hosts.get(key)
        if entry is None:
            entry = self._hosts[key] = _HostSlot(self._per_host)
        entry.users += 1
        try:
            async with entry.semaphore:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._hosts[key]

    @asynccontextmanager
    async def total(self) -> AsyncIterator[None]:
        async with self._total:
            yield

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Both: the host's slot, then a global one."""
        async with self.host(host), self.total():
            yield

    def hosts_in_use(self) -> int:
        """Hosts with a request waiting or running (for tests and debugging)."""
        return len(self._hosts)
