"""`newswatch apply`: write a configuration file's catalogue into the running instance.

The file is one way to write the catalogue (the API and the CLI are the others): applying it
adds what it lists, changes back what differs, and removes what it wrote before and no longer
lists (see :mod:`newswatch.core.plan` for who owns what). ``newswatch up --config`` and
``newswatch scheduler --config`` apply their file at start the same way.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

import redis

from newswatch.config_file import WatchConfig
from newswatch.core.plan import Plan, describe_change
from newswatch.store.catalog import CatalogStore, file_origin, origin_label
from newswatch.store.connection import connect

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2


def owner_of(path: Path) -> str:
    """The origin a file's items carry: the file's absolute path, so the same file applied
    from another directory still owns what it wrote."""
    return file_origin(str(path.resolve()))


def apply_config(
    client: redis.Redis, cfg: WatchConfig, path: Path, *, prune: bool = False, dry_run: bool = False
) -> Plan:
    return CatalogStore(client).apply(
        cfg.catalog, owner=owner_of(path), prune=prune, dry_run=dry_run
    )


def summary(plan: Plan) -> str:
    """``2 added, 1 changed, 1 removed; 3 kept that the file does not list``."""
    counts: Counter[str] = Counter(change.action for change in plan.changes)
    parts = [
        f"{counts[action]} {word}"
        for action, word in (
            ("add", "added"),
            ("change", "changed"),
            ("adopt", "taken over"),
            ("remove", "removed"),
        )
        if counts[action]
    ]
    text = ", ".join(parts) if parts else "nothing to change"
    if plan.kept:
        text += (
            f"; {len(plan.kept)} item{'s' if len(plan.kept) != 1 else ''} the file does not "
            "list kept (written through the API or CLI; --prune removes them)"
        )
    return text


def report(plan: Plan, path: Path, *, dry_run: bool, out: TextIO, err: TextIO) -> int:
    """Print the plan; returns the exit code."""
    if plan.problems:
        for problem in plan.problems:
            print(f"{path}: {problem.text()}", file=err)
        print(f"{path}: not applied: the catalogue would be inconsistent", file=err)
        return EXIT_INVALID
    label = origin_label(owner_of(path))
    for change in plan.changes:
        print(describe_change(change, label), file=out)
    prefix = "dry run, nothing written: " if dry_run else ""
    print(f"{prefix}{summary(plan)}", file=out)
    return EXIT_OK


def run_apply(
    path: Path,
    *,
    prune: bool,
    dry_run: bool,
    data_dir: Path | None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from newswatch.checking import warnings_of
    from newswatch.runtime import find_instance

    out, err = out or sys.stdout, err or sys.stderr
    runtime = find_instance("newswatch apply", config=path, data_dir=data_dir)
    assert runtime.config is not None
    allow_private = runtime.settings.allow_private_networks
    for warning in warnings_of(runtime.config, allow_private_networks=allow_private):
        print(f"warning: {warning}", file=err)
    client = connect(runtime.redis_url)
    try:
        plan = apply_config(client, runtime.config, path, prune=prune, dry_run=dry_run)
    except redis.RedisError as exc:
        print(f"newswatch apply: Redis failed: {exc}", file=err)
        return EXIT_FAILED
    finally:
        client.close()
    return report(plan, path, dry_run=dry_run, out=out, err=err)
