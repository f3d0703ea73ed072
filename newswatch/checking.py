"""`newswatch check`: validate a configuration file and say what is wrong, all at once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from newswatch.config import load_settings
from newswatch.config_file import WatchConfig, load_config
from newswatch.core.channels import redact_channel
from newswatch.core.errors import ConfigError
from newswatch.core.validate import format_interval

EXIT_OK = 0
EXIT_INVALID = 2


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def summary(cfg: WatchConfig) -> list[str]:
    """The lines `newswatch check` prints for a valid configuration."""
    catalog = cfg.catalog
    lines = [
        f"OK: {_count(len(catalog.feeds), 'feed')}, {_count(len(catalog.topics), 'topic')}, "
        f"{_count(len(catalog.subscriptions), 'subscription')}"
    ]
    if catalog.feeds:
        intervals = sorted({f.interval for f in catalog.feeds if f.interval is not None})
        adaptive = sum(1 for feed in catalog.feeds if feed.interval is None)
        if intervals:
            span = format_interval(intervals[0])
            if len(intervals) > 1:
                span += f" to {format_interval(intervals[-1])}"
            lines.append(f"  feeds polled every {span}")
        if adaptive:
            verb = "it publishes" if adaptive == 1 else "they publish"
            lines.append(f"  {_count(adaptive, 'feed')} polled as often as {verb}")
    for topic in catalog.topics:
        languages = f" [{', '.join(topic.languages)}]" if topic.languages else ""
        what = f"pack {topic.pack}" if topic.pack else topic.query
        lines.append(f"  topic {topic.name}{languages}: {what}")
    for subscription in catalog.subscriptions:
        channels = ", ".join(map(redact_channel, subscription.channels)) or "no channels"
        lines.append(
            f"  subscription {subscription.name} ({subscription.mode}): "
            f"{', '.join(subscription.topics)} -> {channels}"
        )
    return lines


def warnings_of(cfg: WatchConfig, *, allow_private_networks: bool) -> list[str]:
    """The file's warnings that apply under these settings (a feed on the local network is
    fine where private networks are allowed)."""
    return [
        warning
        for warning in cfg.warnings
        if not (allow_private_networks and "allow_private_networks" in warning)
    ]


def run_check(path: Path, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print every problem of the file at ``path`` to stderr (one per line) and return 2, or a
    short summary to stdout and return 0. The NEWSWATCH_* environment is checked too, since it
    overrides the file's ``settings:``."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        cfg = load_config(path)
        settings = load_settings(cfg.settings)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        print(f"{path}: {_count(len(exc.problems), 'problem')} found", file=err)
        return EXIT_INVALID
    for line in summary(cfg):
        print(line, file=out)
    for warning in warnings_of(cfg, allow_private_networks=settings.allow_private_networks):
        print(f"warning: {warning}", file=err)
    return EXIT_OK
