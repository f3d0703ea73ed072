"""`newswatch up`: the whole service in one command.

Start order: embedded Redis (unless NEWSWATCH_REDIS_URL is set), publish the configuration,
then the scheduler, N workers and the API as child processes. A child that dies is restarted
with backoff. On SIGINT/SIGTERM the children stop first (they finish or hand back their work),
Redis last, so nothing is left running and no lease or worker registration goes stale.
An embedded Redis that dies is restarted on its port and data directory, like a child.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

import redis

from newswatch.api.auth import AccessPolicy, ensure_token_file
from newswatch.applying import apply_config, summary
from newswatch.catalog_guard import CatalogGuard
from newswatch.checking import warnings_of
from newswatch.config import Settings, load_settings
from newswatch.config_file import WatchConfig, load_config
from newswatch.core.errors import ConfigError
from newswatch.embedded_redis import EmbeddedRedis
from newswatch.logs import FORMAT_ENV, JsonFormatter, get_logger, setup_logging
from newswatch.metrics import MULTIPROC_ENV, mark_process_dead
from newswatch.process import die_with_parent
from newswatch.redis_checks import RedisUnfit, check_redis
from newswatch.store.catalog import CatalogStore
from newswatch.store.connection import URL_FILE, connect
from newswatch.up_console import LOG_DIR, Console, LogFile, pump

PORT_FILE = "redis/port"  # the embedded Redis's port, kept across runs of the data directory
STOP_TIMEOUT = 15.0  # seconds a child gets to stop before it is killed
MAX_RESTART_DELAY = 30.0
GUARD_INTERVAL = 2.0  # seconds between two looks for a catalogue lost with Redis's data


log = get_logger("newswatch.up")


def _log(message: str, level: int = logging.INFO, **fields: object) -> None:
    """A line of the supervisor's (the children write their own, on the same stderr)."""
    log.log(level, message, **fields)


@dataclass
class Child:
    """One supervised process and its restart bookkeeping."""

    name: str
    args: list[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    restart_at: float = 0.0
    started_at: float = field(default=0.0)

    log: LogFile | None = None  # where its output goes (None: the supervisor's stderr)
    echo: IO[bytes] | None = None  # and also here (the console), when it goes to a file

    def start(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            self.args,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if self.log is not None else None,
            stderr=subprocess.STDOUT if self.log is not None else None,
            start_new_session=True,  # Ctrl-C reaches only the supervisor, which orders the stop
            preexec_fn=die_with_parent,
        )
        if self.log is not None and self.process.stdout is not None:
            pump(self.process.stdout, self.log, self.echo)
        self.started_at = time.monotonic()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def exited(self) -> int | None:
        return self.process.poll() if self.process else None


def _child_commands(workers: int, logs: Path | None = None, echo: bool = True) -> list[Child]:
    """The children; with ``logs``, each writes to its file there (and to stderr if
    ``echo``)."""
    cli = [sys.executable, "-m", "newswatch.cli"]
    children = [Child("scheduler", [*cli, "scheduler"])]
    children += [Child(f"worker-{n}", [*cli, "worker"]) for n in range(1, workers + 1)]
    children.append(Child("api", [*cli, "api"]))
    if logs is not None:
        for child in children:
            child.log = LogFile(logs / f"{child.name}.log")
            child.echo = sys.stderr.buffer if echo else None
    return children


def _child_env(
    cfg: WatchConfig, redis_url: str, data_dir: Path, metrics_dir: Path
) -> dict[str, str]:
    """Children get the Redis URL, the data and metrics directories and the file's
    ``settings:`` block (as NEWSWATCH_* variables, which the real environment still
    overrides)."""
    env = dict(os.environ)
    for key, value in cfg.settings.items():
        env.setdefault(f"NEWSWATCH_{key.upper()}", str(value))
    env["NEWSWATCH_REDIS_URL"] = redis_url
    env["NEWSWATCH_DATA_DIR"] = str(data_dir)  # where the API finds its token
    env[MULTIPROC_ENV] = str(metrics_dir)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


@contextlib.contextmanager
def _exclusive(data_dir: Path) -> Iterator[IO[str]]:
    """One `newswatch up` per data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "up.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"another `newswatch up` is already running with data directory {data_dir}"
            ) from None
        lock.write(str(os.getpid()))
        lock.flush()
        yield lock


class _StopFlag:
    def __init__(self) -> None:
        self.stopping = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            _log(f"received {signal.Signals(signum).name}, stopping")
        self.stopping = True


def _stop_children(children: list[Child]) -> None:
    alive = [c for c in children if c.process and c.process.poll() is None]
    for child in alive:
        assert child.process is not None
        with contextlib.suppress(ProcessLookupError):
            child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in alive:
        assert child.process is not None
        try:
            child.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _log(f"{child.name} did not stop in {STOP_TIMEOUT:.0f}s, killing it", logging.WARNING)
            child.process.kill()
            child.process.wait()
        mark_process_dead(child.process.pid)


class _RedisWatch:
    """Restarts the embedded Redis if it dies (OOM killer, a crash): on the same port and
    data directory, which the children's URL points at, with backoff between tries."""

    def __init__(self, server: EmbeddedRedis) -> None:
        self.server = server
        self.failures = 0
        self.retry_at = 0.0

    def check(self, now: float) -> None:
        process = self.server.process
        if process is not None and process.poll() is None:
            return
        if process is not None:
            _log(
                f"embedded Redis (pid {process.pid}) exited with code {process.returncode}; "
                f"restarting it on port {self.server.port} (log: {self.server.data_dir}/redis.log)",
                logging.WARNING,
            )
            self.server.process = None
        if now < self.retry_at:
            return
        try:
            self.server.start()
        except RuntimeError as exc:
            self.server.process = None  # already reported
            self.failures += 1
            delay = min(MAX_RESTART_DELAY, 2.0**self.failures)
            self.retry_at = now + delay
            _log(
                f"embedded Redis did not restart ({exc}); trying again in {delay:.0f}s",
                logging.ERROR,
            )
            return
        self.failures = 0
        pid = self.server.process.pid if self.server.process else "?"
        _log(f"restarted embedded Redis (pid {pid})")


def _supervise(
    children: list[Child],
    env: dict[str, str],
    stop: _StopFlag,
    redis_server: EmbeddedRedis | None = None,
    guard: CatalogGuard | None = None,
    console: Console | None = None,
) -> None:
    watch = _RedisWatch(redis_server) if redis_server is not None else None
    guarded_at = 0.0
    for child in children:
        child.start(env)
        _log(f"started {child.name} (pid {child.pid})", process=child.name)
    while not stop.stopping:
        now = time.monotonic()
        if watch is not None:
            watch.check(now)
        if guard is not None and now - guarded_at >= GUARD_INTERVAL:
            guarded_at = now
            # Redis restarted empty: publish the file again (the children cannot, having none)
            with contextlib.suppress(redis.RedisError):
                guard(time.time())
        for child in children:
            code = child.exited()
            if code is not None and child.restart_at == 0.0:
                assert child.process is not None
                mark_process_dead(child.process.pid)
                # a child that ran for a minute is healthy again: reset its backoff
                if now - child.started_at > 60:
                    child.restarts = 0
                delay = min(MAX_RESTART_DELAY, 2.0**child.restarts)
                child.restarts += 1
                child.restart_at = now + delay
                _log(
                    f"{child.name} exited with code {code}; restarting in {delay:.0f}s",
                    logging.WARNING, process=child.name, reason=f"exit {code}",
                )  # fmt: skip
            elif code is not None and now >= child.restart_at:
                child.restart_at = 0.0
                child.start(env)
                _log(f"restarted {child.name} (pid {child.pid})", process=child.name)
        if console is not None:
            console.tick(time.time())
        time.sleep(0.2)


def _check_api_port(settings: Settings) -> None:
    """Fail at once, and say so, when the API's port is taken (rather than restarting an API
    that can never bind)."""
    with socket.socket(socket.AF_INET6 if ":" in settings.api_host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.api_host, settings.api_port))
        except OSError as exc:
            raise RuntimeError(
                f"cannot serve the API on {settings.api_host}:{settings.api_port}: "
                f"{exc.strerror or exc}; set NEWSWATCH_API_PORT (or api_port under settings:) "
                "to a free port"
            ) from exc


def previous_port(data_dir: Path) -> int | None:
    """The embedded Redis port the last `newswatch up` of ``data_dir`` used, if it is free
    (the URL file goes at a clean stop, so the port is kept beside Redis's data)."""
    try:
        port = int((data_dir / PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
    if not 1 <= port <= 65535:
        return None
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as redis-server binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return None
    return port


def _start_redis(settings: Settings, data_dir: Path) -> tuple[str, EmbeddedRedis | None]:
    if settings.redis_url:
        return settings.redis_url, None
    # the port of the last run when it is free: clients that follow (`newswatch alerts -f`)
    # reconnect to the same URL after a restart
    server = EmbeddedRedis(data_dir / "redis", port=previous_port(data_dir)).start()
    (data_dir / PORT_FILE).write_text(f"{server.port}\n")
    (data_dir / URL_FILE).write_text(server.url + "\n")
    _log(f"embedded Redis on {server.url} (data in {server.data_dir})")
    return server.url, server


def _apply(cfg: WatchConfig, path: Path, redis_url: str, settings: Settings) -> None:
    """Apply the file to the catalogue (what the API or CLI added meanwhile stays)."""
    for warning in warnings_of(cfg, allow_private_networks=settings.allow_private_networks):
        _log(f"warning: {warning}", logging.WARNING)
    client = connect(redis_url)
    try:
        if settings.redis_url:  # an external Redis: is it fit to hold our state?
            try:
                check_redis(client, settings, "newswatch up")
            except RedisUnfit as exc:
                raise RuntimeError("; ".join(exc.problems)) from None
        plan = apply_config(client, cfg, path)
        catalog = CatalogStore(client).catalog()
    finally:
        client.close()
    if plan.problems:
        problems = "; ".join(problem.text() for problem in plan.problems)
        raise RuntimeError(f"{path} not applied, the catalogue would be inconsistent: {problems}")
    _log(
        f"applied {path}: {summary(plan)}; watching {len(catalog.feeds)} feeds for "
        f"{len(catalog.topics)} topics"
    )


def _api_token(settings: Settings, data_dir: Path) -> str:
    """Make sure the API has a write token (a random one in the data directory unless one is
    set); returns where it is, never the token."""
    path = ensure_token_file(settings, data_dir)
    try:
        AccessPolicy.of(settings, data_dir)
    except ConfigError as exc:
        raise RuntimeError("; ".join(exc.problems)) from None
    if path is None:
        return "writes need the api_token setting as a bearer token"
    return f"writes need the bearer token in {path}"


def _log_to_file(logs: Path) -> None:
    """The supervisor's own lines go to ``logs/up.log`` too (as JSON lines)."""
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(logs / "up.log")
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)


def run_up(
    config_path: Path,
    *,
    workers: int | None = None,
    data_dir: Path | None = None,
    verbose: bool = False,
) -> int:
    try:
        cfg = load_config(config_path)
        settings = load_settings(cfg.settings)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    setup_logging(log_format=settings.log_format)
    data_dir = (data_dir or settings.data_dir).resolve()
    n_workers = workers or settings.workers or os.cpu_count() or 1

    stop = _StopFlag()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    server: EmbeddedRedis | None = None
    children: list[Child] = []
    console: Console | None = None
    # on a terminal: alert and status lines, the full logs in files (--verbose: here too)
    terminal = sys.stderr.isatty()
    logs = data_dir / LOG_DIR
    try:
        with _exclusive(data_dir):
            _check_api_port(settings)
            token_note = _api_token(settings, data_dir)
            metrics_dir = data_dir / "metrics"
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)
            redis_url, server = _start_redis(settings, data_dir)
            _apply(cfg, config_path, redis_url, settings)
            _log(
                f"web pages and API on http://{settings.api_host}:{settings.api_port}/ "
                f"(JSON under /api; {token_note}; the web pages log in with the same token)"
            )
            _log_to_file(logs)
            children = _child_commands(n_workers, logs, echo=verbose or not terminal)
            env = _child_env(cfg, redis_url, data_dir, metrics_dir)
            if terminal:
                # the children write to pipes: keep their lines readable, as on the terminal
                env.setdefault(FORMAT_ENV, "console" if settings.log_format == "auto" else
                               settings.log_format)  # fmt: skip
            if terminal and not verbose:
                _log(f"logs in {logs}/ (--verbose shows them here); alerts and status follow")
                console = Console(redis_url, sys.stdout)
            guard_client = connect(redis_url, socket_timeout=2)
            try:
                guard = CatalogGuard(guard_client, cfg, config_path)
                _supervise(children, env, stop, server, guard, console)
            finally:
                guard_client.close()
    except RuntimeError as exc:
        _log(str(exc), logging.ERROR)
        return 1
    finally:
        _stop_children(children)
        if console is not None:
            console.close()
        for child in children:
            if child.log is not None:
                child.log.close()
        if server is not None:
            server.stop()
            (data_dir / URL_FILE).unlink(missing_ok=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _log("stopped")
    return 0
