"""What every long-running process needs before it starts: its configuration, its settings and
the Redis URL — loaded one way, failing one way."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer

from newswatch.config import Settings, load_settings
from newswatch.config_file import WatchConfig, load_config
from newswatch.core.errors import ConfigError
from newswatch.store.connection import resolve_redis_url

# --data-dir of every command that talks to a running instance (read by find_instance)
DataDir = Annotated[
    Path | None,
    typer.Option(help="Data directory of a running `newswatch up` (default ./.newswatch)."),
]


@dataclasses.dataclass(frozen=True)
class Runtime:
    config: WatchConfig | None  # None when no file was given
    settings: Settings
    redis_url: str


def load_runtime(
    config_path: Path | None = None, *, data_dir: Path | None = None, redis_url: str | None = None
) -> Runtime:
    """Settings from the environment over the file's ``settings:`` block (when a file is
    given), and the Redis URL: ``redis_url`` when given, else :func:`resolve_redis_url`'s.
    Raises :class:`ConfigError` listing what is wrong."""
    config = load_config(config_path) if config_path is not None else None
    settings = load_settings(config.settings if config is not None else None)
    return Runtime(config, settings, redis_url or resolve_redis_url(settings, data_dir))


def find_instance(
    program: str,
    *,
    config: Path | None = None,
    data_dir: Path | None = None,
    redis_url: str | None = None,
) -> Runtime:
    """The running instance a command talks to, found the one way every command finds it:
    ``redis_url`` (a --redis-url option) when given, else NEWSWATCH_REDIS_URL (or the
    redis_url setting of ``config``), else the URL file of the `newswatch up` of ``data_dir``,
    of the data_dir setting of ``config``, or of ./.newswatch; the settings of ``config``
    under the environment's. What is wrong is printed prefixed with ``program``, and the
    command exits 2."""
    try:
        return load_runtime(config, data_dir=data_dir, redis_url=redis_url)
    except ConfigError as exc:
        raise typer.Exit(report_config_error(program, exc)) from None


def report_config_error(program: str, exc: ConfigError) -> int:
    """Print every problem on stderr, prefixed with the program's name; returns exit code 2."""
    for problem in exc.problems:
        print(f"{program}: {problem}", file=sys.stderr)
    return 2
