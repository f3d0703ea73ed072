"""Run the real `newswatch` command in a subprocess against the suite's Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NEWSWATCH = str(Path(sys.executable).parent / "newswatch")

# runs argv[1:] with SIGINT at its default disposition (see interruptible)
_DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def cli_env(redis_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of the test run without any NEWSWATCH_* a developer exported, with
    the Redis URL (when given) and ``extra`` settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if redis_url is not None:
        env["NEWSWATCH_REDIS_URL"] = redis_url
    env.update({f"NEWSWATCH_{name.upper()}": value for name, value in extra.items()})
    return env


def newswatch(
    *args: str, redis_url: str | None, cwd: Path | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSWATCH, *args],
        env=cli_env(redis_url, **extra),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def start_worker(redis_url: str, **extra: str) -> subprocess.Popen[bytes]:
    """A real `newswatch worker` on ``redis_url`` with ``extra`` settings, its output dropped,
    in a session of its own (a test kills it with ``os.killpg``)."""
    return subprocess.Popen(
        [NEWSWATCH, "worker"],
        env=cli_env(redis_url, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def interruptible(*argv: str) -> list[str]:
    """``argv`` (a path and its arguments) to run with SIGINT at its default disposition,
    for a test that stops the command as Ctrl-C in a terminal would. A signal ignored is
    inherited across fork and exec: a test runner started with SIGINT ignored (as a
    background job of a script is) would hand that on, Python would then install no
    KeyboardInterrupt handler, and the SIGINT would do nothing. Commands rightly keep an
    ignored SIGINT (that is how a script's background jobs survive its Ctrl-C), so the test
    resets it for its child; a wrapping interpreter execs the command (a preexec_fn is not
    safe with threads in the test process)."""
    return [sys.executable, "-c", _DEFAULT_SIGINT, *argv]
