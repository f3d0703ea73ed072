"""Run a pure function in a child process that can be killed: a deadline and a memory bound
for work on untrusted input (parsing a stranger's feed, extracting a stranger's page).

A thread cannot be stopped, and a C regex or parser holding the GIL stalls every thread of
its process; a child process can be killed, and its memory is its own. :class:`Sandbox` keeps
one child warm (its modules imported once), sends it ``(function, args)`` over a socket, and
waits for the answer while watching the child's resident memory:

- no answer within ``timeout`` seconds: the child is killed, :class:`SandboxTimeout`
  (reason ``too_slow``);
- the child grows more than ``memory_mb`` over its size at rest: killed,
  :class:`SandboxMemoryError` (reason ``too_large``); ``RLIMIT_AS`` backs this up for an
  allocation too fast to be seen;
- the child dies: :class:`SandboxCrash`.

:meth:`Sandbox.submit` starts a call and returns at once, :meth:`Sandbox.collect` waits for it:
the caller can do other work while the child computes (the worker stores and matches one
article while its next page is extracted). A killed child is replaced at the next call. A
:class:`~newswatch.core.errors.NewswatchError` raised by the function crosses back as itself
(same class, message and reason). The child is started with ``python -c`` (not
multiprocessing's spawn, which would import the parent's ``__main__`` again) and gets SIGTERM
if its parent dies.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import math
import os
import queue
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from newswatch.core.errors import NewswatchError
from newswatch.process import die_with_parent

T = TypeVar("T")

_WATCH_INTERVAL = 0.05  # seconds between looks at the child's memory while it works
_START_TIMEOUT = 60.0  # seconds a child may take to import its modules
_BACKSTOP = 4  # RLIMIT_AS: the size at rest plus this many times the memory bound
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class SandboxError(NewswatchError):
    """The function did not finish in its child process."""


class SandboxTimeout(SandboxError):
    reason = "too_slow"


class SandboxMemoryError(SandboxError):
    reason = "too_large"


class SandboxCrash(SandboxError):
    reason = "crashed"


def _child_env() -> dict[str, str]:
    """The parent's environment, with its module search path (so the child finds the same
    modules, including any the parent was given on the command line)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(path or os.getcwd() for path in sys.path)
    return env


class _Watch:
    """The parent's view of one child, opened once per child rather than per look: its
    ``/proc/<pid>/statm`` (read again with ``pread``, a tenth of an ``open`` and a ``read``)
    and a poll object on the socket to it. Every call looks at the child's memory after it
    answers and waits on the socket at least once: per page, that was a file opened, read and
    closed and a selector built and registered, each time."""

    def __init__(self, pid: int, conn: Connection) -> None:
        try:
            self._statm: int | None = os.open(f"/proc/{pid}/statm", os.O_RDONLY)
        except OSError:
            self._statm = None  # not Linux: no memory watch beyond RLIMIT_AS
        self._poll = select.poll()
        self._poll.register(conn.fileno(), select.POLLIN)

    def resident(self) -> int:
        """The child's resident set size (0 when it cannot be read: not Linux, or gone)."""
        if self._statm is None:
            return 0
        try:
            return int(os.pread(self._statm, 128, 0).split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def readable(self, timeout: float) -> bool:
        """Whether the child's answer (or its hang-up) arrived within ``timeout`` seconds."""
        return bool(self._poll.poll(max(0, math.ceil(timeout * 1000))))

    def close(self) -> None:
        if self._statm is not None:
            os.close(self._statm)
            self._statm = None


class Sandbox:
    """One warm child process. Not thread-safe: one caller at a time (see :class:`SandboxPool`).

    ``preload`` names modules the child imports before it is ready (so the first call's
    deadline does not pay for imports); ``recycle_after`` replaces the child after that many
    calls (None: never), which also returns the memory a long-lived parser accumulates.
    """

    def __init__(
        self,
        *,
        memory_mb: int,
        preload: tuple[str, ...] = (),
        recycle_after: int | None = None,
        name: str = "sandbox",
    ) -> None:
        self.memory_bytes = memory_mb * 1024 * 1024
        self.preload = preload
        self.recycle_after = recycle_after
        self.name = name
        self.starts = 0  # children started so far (tests and logs)
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None
        self._watch: _Watch | None = None
        self._at_rest = 0  # resident bytes of the child when idle after start
        self._calls = 0
        self._ready = False  # whether the child said it is ready (its modules imported)
        self._in_flight: tuple[float, float] | None = None  # a submitted call: deadline, timeout

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the child now and wait until it is ready (otherwise the first call does)."""
        self.spawn()
        if not self._ready:
            self._await_ready()

    def spawn(self) -> None:
        """Start the child and return at once: it imports its modules while the caller does
        other work, and the first call (or :meth:`start`) waits until it is ready. A caller
        that knows calls are coming soon saves them that wait."""
        if self._process is not None and self._process.poll() is None:
            return
        self._stop()
        parent_end, child_end = socket.socketpair()
        code = (
            "import sys; from newswatch.sandbox import _child_main; "
            "_child_main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])"
        )
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", code, str(child_end.fileno()), str(self.memory_bytes),
                 *self.preload],
                pass_fds=[child_end.fileno()],
                stdin=subprocess.DEVNULL,
                env=_child_env(),
            )  # fmt: skip
        finally:
            child_end.close()
        self._conn = Connection(parent_end.detach())
        self._watch = _Watch(self._process.pid, self._conn)
        self.starts += 1
        self._calls = 0
        self._ready = False

    def _await_ready(self) -> None:
        """Wait for the child :meth:`spawn` started to say it is ready."""
        conn, watch = self._conn, self._watch
        assert conn is not None and watch is not None
        if not conn.poll(_START_TIMEOUT):
            self._stop()
            raise SandboxCrash(f"{self.name}: the child process did not start")
        try:
            conn.recv()  # "ready"
        except EOFError:
            code = self._stop()
            raise SandboxCrash(
                f"{self.name}: the child process exited at start (code {code})"
            ) from None
        self._ready = True
        self._at_rest = watch.resident()

    def call(self, func: Callable[..., T], /, *args: Any, timeout: float, **kwargs: Any) -> T:
        """``func(*args, **kwargs)`` in the child; ``func`` must be importable by name."""
        self.submit(func, *args, timeout=timeout, **kwargs)
        result: T = self.collect()
        return result

    def submit(
        self, func: Callable[..., Any], /, *args: Any, timeout: float, **kwargs: Any
    ) -> None:
        """Start ``func(*args, **kwargs)`` in the child and return at once; :meth:`collect`
        waits for its result. The deadline runs from now. One call at a time: a call still in
        flight is collected first, and its result dropped. While the caller does other work the
        child's memory is not watched; ``RLIMIT_AS`` still bounds it, and the watch resumes in
        :meth:`collect`."""
        self.discard()
        self.start()
        conn = self._conn
        assert conn is not None
        try:
            conn.send((func, args, kwargs))
        except OSError:  # the child died
            code = self._stop()
            raise SandboxCrash(f"{self.name}: the child process died (code {code})") from None
        self._in_flight = (time.monotonic() + timeout, timeout)

    @property
    def in_flight(self) -> bool:
        """Whether a submitted call awaits :meth:`collect`."""
        return self._in_flight is not None

    def collect(self) -> Any:
        """The result of the call :meth:`submit` started (raising as :meth:`call` does)."""
        if self._in_flight is None:
            raise RuntimeError(f"{self.name}: no call in flight")
        (deadline, timeout), self._in_flight = self._in_flight, None
        conn, watch = self._conn, self._watch
        if conn is None or watch is None:  # closed meanwhile
            raise SandboxCrash(f"{self.name}: the child process was stopped")
        try:
            self._wait(watch, deadline, timeout)
            reply = conn.recv()
        except (OSError, EOFError):  # the child died (or close() was called meanwhile)
            code = self._stop()
            raise SandboxCrash(f"{self.name}: the child process died (code {code})") from None
        self._calls += 1
        self._maybe_recycle(reply[0])
        return self._result(reply)

    def discard(self) -> None:
        """Wait for the call in flight, if any, and drop its result or error."""
        if self._in_flight is not None:
            with contextlib.suppress(NewswatchError):
                self.collect()

    def _wait(self, watch: _Watch, deadline: float, timeout: float) -> None:
        """Block until the child answers; kill it past the deadline or the memory bound."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self._stop()
                raise SandboxTimeout(f"{self.name}: no result within {timeout:g} s; stopped")
            if watch.readable(min(left, _WATCH_INTERVAL)):
                return
            if watch.resident() - self._at_rest > self.memory_bytes:
                self._stop()
                raise SandboxMemoryError(
                    f"{self.name}: used more than {self.memory_bytes // (1024 * 1024)} MB; stopped"
                )

    def _maybe_recycle(self, outcome: str) -> None:
        """A child that ran out of memory, grew at rest, or served its calls is replaced."""
        if self._watch is None:
            return
        grown = self._watch.resident() - self._at_rest
        if (
            outcome == "memory"
            or grown > self.memory_bytes // 2
            or (self.recycle_after is not None and self._calls >= self.recycle_after)
        ):
            self._stop()

    def _result(self, reply: tuple[Any, ...]) -> Any:
        outcome = reply[0]
        if outcome == "ok":
            return reply[1]
        if outcome == "raise":
            _, kind, message, reason, retryable = reply
            error = kind.__new__(kind)
            NewswatchError.__init__(error, message, reason=reason, retryable=retryable)
            raise error
        if outcome == "memory":
            raise SandboxMemoryError(f"{self.name}: out of memory ({reply[1]})")
        raise SandboxCrash(f"{self.name}: {reply[1]}")

    def _stop(self) -> int | None:
        """Kill the child (if any); returns its exit code."""
        process, conn, watch = self._process, self._conn, self._watch
        self._process = self._conn = None
        self._watch = None
        self._ready = False
        self._in_flight = None  # a call in flight dies with its child
        if watch is not None:
            watch.close()
        if conn is not None:
            conn.close()
        if process is None:
            return None
        if process.poll() is None:
            process.kill()
        return process.wait()

    def close(self) -> None:
        self._stop()


class SandboxPool:
    """A fixed number of sandboxes for a few threads: each call takes a free one."""

    def __init__(self, size: int, **sandbox: Any) -> None:
        self._all = [Sandbox(**sandbox) for _ in range(size)]
        self._free: queue.SimpleQueue[Sandbox] = queue.SimpleQueue()
        for box in self._all:
            self._free.put(box)

    def spawn(self) -> None:
        """Start every child now, without waiting for them (see :meth:`Sandbox.spawn`)."""
        taken = [self._free.get() for _ in self._all]  # each one, once no call holds it
        try:
            for box in taken:
                box.spawn()
        finally:
            for box in taken:
                self._free.put(box)

    @contextlib.contextmanager
    def sandbox(self) -> Iterator[Sandbox]:
        box = self._free.get()
        try:
            yield box
        finally:
            self._free.put(box)

    def call(self, func: Callable[..., T], /, *args: Any, timeout: float, **kwargs: Any) -> T:
        with self.sandbox() as box:
            return box.call(func, *args, timeout=timeout, **kwargs)

    def close(self) -> None:
        for box in self._all:
            box.close()


# -- the child ----------------------------------------------------------------------------------


def _child_main(fd: int, memory_bytes: int, preload: list[str]) -> None:
    """The child's loop: receive a call, answer with its outcome, until the parent hangs up."""
    die_with_parent()
    for module in preload:
        importlib.import_module(module)
    # the imported modules live as long as the child: out of the collector's way, or every
    # full collection walks them again (extraction: the collector took 0.12 ms of a page, 0.03
    # frozen)
    gc.freeze()
    _limit_address_space(memory_bytes)
    conn = Connection(fd)
    conn.send("ready")
    while True:
        try:
            func, args, kwargs = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[Any, ...] = ("ok", func(*args, **kwargs))
        except MemoryError as exc:
            reply = ("memory", str(exc) or "MemoryError")
        except NewswatchError as exc:
            reply = ("raise", type(exc), exc.message, exc.reason, exc.retryable)
        except Exception as exc:
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", "the result did not fit"))


def _limit_address_space(memory_bytes: int) -> None:
    """A hard ceiling under the parent's watch: the child's size now plus a few bounds."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            size = int(statm.read().split()[0]) * _PAGE
    except (OSError, IndexError, ValueError):
        return
    limit = size + _BACKSTOP * memory_bytes
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
