"""The `newswatch` command."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Annotated, Any

import typer

from newswatch.alerts_cli import MAX_LIMIT as MAX_ALERTS
from newswatch.config import MAX_WORKERS, MAX_WORKERS_PER_CORE
from newswatch.runtime import DataDir

app = typer.Typer(
    help="newswatch: watch news feeds for the topics you care about.",
    no_args_is_help=True,
    add_completion=False,
)

ConfigOption = Annotated[
    Path,
    typer.Option("--config", "-c", help="YAML file with feeds:, topics:, subscriptions:."),
]
PublishedConfig = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="YAML file whose settings: block applies and whose feeds, topics and "
        "subscriptions are applied to the catalogue before starting (optional).",
    ),
]
SettingsConfig = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="YAML file whose settings: block applies (optional)."),
]


def _tier(module: str) -> Any:
    """The scheduler and worker tiers are loaded by name: newswatch never imports them."""
    return importlib.import_module(module)


@app.command()
def check(config: ConfigOption) -> None:
    """Validate a configuration file; report every error with its location (exit 2)."""
    from newswatch.checking import run_check

    raise typer.Exit(run_check(config))


@app.command()
def apply(
    config: ConfigOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; write nothing.")
    ] = False,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune", help="Also remove items the file does not list (even API/CLI ones)."
        ),
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Write a configuration file's feeds, topics and subscriptions into the running instance
    (prints what it adds, changes and removes; twice in a row changes nothing)."""
    from newswatch.applying import run_apply

    raise typer.Exit(run_apply(config, prune=prune, dry_run=dry_run, data_dir=data_dir))


@app.command()
def up(
    config: ConfigOption,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=MAX_WORKERS,
            help=f"Worker processes, 1 to {MAX_WORKERS} ({MAX_WORKERS_PER_CORE} per CPU core "
            "here; default: the workers setting, else one per CPU core).",
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Where the embedded Redis keeps its data (default ./.newswatch)."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show every process's full log here too.")
    ] = False,
) -> None:
    """Run everything: Redis (unless NEWSWATCH_REDIS_URL is set), scheduler, workers, API.

    On a terminal it prints one line per alert and a status line; every process's log goes to
    DATA_DIR/logs/ (and to the console with --verbose, or when stderr is not a terminal)."""
    from newswatch.supervisor import run_up

    raise typer.Exit(run_up(config, workers=workers, data_dir=data_dir, verbose=verbose))


@app.command()
def scheduler(config: PublishedConfig = None) -> None:
    """Run the feed scheduler (I/O tier) against NEWSWATCH_REDIS_URL."""
    raise typer.Exit(_tier("scheduler.main").main(config))


@app.command()
def worker(
    burst: Annotated[bool, typer.Option(help="Exit when the queue is empty.")] = False,
    config: SettingsConfig = None,
) -> None:
    """Run one article worker (CPU tier) against NEWSWATCH_REDIS_URL."""
    raise typer.Exit(_tier("worker.main").main(burst=burst, config_path=config))


@app.command()
def api(config: SettingsConfig = None) -> None:
    """Run the HTTP API and the web pages (alerts, articles, feeds, /healthz, /metrics)."""
    from newswatch.api.server import run_api

    raise typer.Exit(run_api(config))


@app.command()
def alerts(
    topic: Annotated[str | None, typer.Option(help="Only alerts of this topic.")] = None,
    limit: Annotated[
        int,
        typer.Option(
            min=0,
            max=MAX_ALERTS,
            help=f"How many of the newest alerts, 0 to {MAX_ALERTS} (0: none; with --follow, "
            "only new ones).",
        ),
    ] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new ones.")] = False,
    data_dir: DataDir = None,
    config: SettingsConfig = None,
) -> None:
    """Print alerts, newest first, or "no alerts yet" (with --follow: then new ones as they
    arrive, across restarts of `newswatch up`). An unknown --topic exits 2 with the closest
    name."""
    from newswatch.alerts_cli import run_alerts

    raise typer.Exit(
        run_alerts(
            topic=topic,
            limit=limit,
            as_json=as_json,
            follow=follow,
            data_dir=data_dir,
            config=config,
        )
    )


@app.command()
def status(
    redis_url: Annotated[
        str | None,
        typer.Option(
            help="Redis of the deployment (default: NEWSWATCH_REDIS_URL, else the one of the "
            "`newswatch up` in --data-dir)."
        ),
    ] = None,
    metrics_url: Annotated[
        str | None,
        typer.Option(
            help="The API's /metrics, for the counts since start (default: the api_host and "
            "api_port settings; left out when it does not answer)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    data_dir: DataDir = None,
) -> None:
    """The whole deployment on one screen: processes, queue, feeds by health (the worst
    five), the last hour's throughput and freshness, the last alerts."""
    from newswatch.status import run_status_cli

    raise typer.Exit(
        run_status_cli(
            redis_url=redis_url, metrics_url=metrics_url, as_json=as_json, data_dir=data_dir
        )
    )


def _add_groups() -> None:
    from newswatch import topics_cli  # noqa: F401 - adds topics test|backtest to the group
    from newswatch.catalog_cli import topics_app  # also adds subscriptions list|add|remove
    from newswatch.deliveries_cli import deliveries_app, subscriptions_app
    from newswatch.feeds_cli import feeds_app

    app.add_typer(feeds_app, name="feeds")
    app.add_typer(topics_app, name="topics")
    app.add_typer(subscriptions_app, name="subscriptions")
    app.add_typer(deliveries_app, name="deliveries")


def _one_line_summaries(group: typer.Typer) -> None:
    """A command list shows each command's first paragraph; rich help keeps its line breaks
    there (the command's own --help joins them), so give each command that paragraph on one
    line, which the list wraps to the terminal."""
    for command in group.registered_commands:
        doc = command.callback.__doc__ if command.callback else None
        if command.short_help is None and doc:
            command.short_help = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _one_line_summaries(sub.typer_instance)


_add_groups()
_one_line_summaries(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
