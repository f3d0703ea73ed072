"""The catalogue from the command line: `newswatch topics list|add|remove` and `newswatch
subscriptions list|add|remove` (feeds: :mod:`newswatch.feeds_cli`), and the one way these
commands find the instance and write to it.

Every write goes through the catalogue's one validation (:mod:`newswatch.core.validate`,
with the same pack lookup and channel check as the API's) and the one store
(:class:`CatalogStore`), so a refusal names the same fields, positions and hints as
`newswatch check` and a 422 of the API. Exit codes: 0 done, 2 refused (invalid, unknown,
already there), 1 Redis failed. Channel URLs and webhook secrets carry credentials: they are
printed redacted, as the API shows them.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import redis
import typer

from newswatch.backfill import MAX_BACKFILL_DAYS
from newswatch.backfill import backfill as run_backfill
from newswatch.catalog_items import CHECKS, entry_view
from newswatch.core.catalog import Kind
from newswatch.core.errors import ConfigError, ConflictError, NotFoundError
from newswatch.core.problems import InvalidInput, Problem, errors, loc_path
from newswatch.deliveries_cli import subscriptions_app
from newswatch.runtime import DataDir, Runtime, find_instance
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.connection import connect

ORIGIN = "cli"  # who wrote an item, as the catalogue records it (the API writes "api")
EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2

topics_app = typer.Typer(help="Topics: what newswatch looks for in every article.")

AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]
SettingsFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="The instance's YAML file: its settings: block applies (data_dir, redis_url, "
        "allow_private_networks ...); its catalogue is not written.",
    ),
]


# -- finding the instance ----------------------------------------------------------------------


class Instance:
    """The running instance a command talks to: its settings and its catalogue."""

    def __init__(self, program: str, runtime: Runtime, client: redis.Redis):
        self.program = program
        self.runtime = runtime
        self.client = client
        self.catalog = CatalogStore(client)

    def fail(self, message: str, code: int = EXIT_REFUSED) -> typer.Exit:
        print(f"{self.program}: {message}", file=sys.stderr)
        return typer.Exit(code)


@contextlib.contextmanager
def instance(program: str, data_dir: Path | None, config: Path | None = None) -> Iterator[Instance]:
    """The instance as every command finds it (:func:`find_instance`), with its catalogue.
    Refusals of the catalogue exit 2 with their message; a Redis that fails exits 1."""
    runtime = find_instance(program, config=config, data_dir=data_dir)
    client = connect(runtime.redis_url, socket_timeout=10)
    found = Instance(program, runtime, client)
    try:
        yield found
    except InvalidInput as exc:
        print_problems(program, exc.problems)
        raise typer.Exit(EXIT_REFUSED) from None
    except (NotFoundError, ConflictError, ConfigError) as exc:
        raise found.fail(str(exc)) from None
    except redis.RedisError as exc:
        raise found.fail(f"Redis failed: {exc}", EXIT_FAILED) from None
    finally:
        client.close()


# -- writing -----------------------------------------------------------------------------------


def print_problems(program: str, problems: tuple[Problem, ...] | list[Problem]) -> None:
    """Each problem as `newswatch check` words it (``field: message at position N (hint)``),
    with the field's text and a caret under the position when it has one."""
    for problem in problems:
        where = loc_path(problem.loc)
        prefix = "warning: " if problem.severity == "warning" else ""
        print(
            f"{program}: {prefix}{where + ': ' if where else ''}{problem.text()}", file=sys.stderr
        )


def checked(inst: Instance, kind: Kind, raw: dict[str, Any]) -> Any:
    """The item ``raw`` describes, validated as every writer validates it; raises
    InvalidInput with every error. Warnings are printed (a local feed URL is not one where
    the settings allow private networks)."""
    item, problems = CHECKS[kind](raw)
    if item is None or errors(problems):
        raise InvalidInput(errors(problems), what=kind)
    allowed = inst.runtime.settings.allow_private_networks
    warnings = [
        p
        for p in problems
        if p.severity == "warning" and not (allowed and "allow_private_networks" in p.message)
    ]
    print_problems(inst.program, warnings)
    return item


def query_pointer(query: str, problems: tuple[Problem, ...]) -> str:
    """The query with a caret under the first located fault (for a terminal), or ""."""
    for problem in problems:
        if problem.loc == ("query",) and problem.position is not None:
            return f"    {query}\n    {' ' * problem.position}^"
    return ""


# -- viewing -----------------------------------------------------------------------------------


def print_json(view: dict[str, Any]) -> None:
    print(json.dumps(view, ensure_ascii=False, separators=(",", ":")))


# -- topics ------------------------------------------------------------------------------------


@topics_app.command("list")
def topics_list(
    data_dir: DataDir = None, as_json: AsJson = False, config: SettingsFile = None
) -> None:
    """Every topic: its name, its alerts so far, who wrote it, its query (or pack)."""
    with instance("newswatch topics list", data_dir, config) as inst:
        counts = AlertStore(inst.client).topics()
        entries = sorted(inst.catalog.entries("topic"), key=lambda e: e.item.name)
        for entry in entries:
            topic = entry.item
            if as_json:
                print_json({**entry_view(entry), "alerts": counts.get(topic.name, 0)})
                continue
            what = f"pack {topic.pack}" if topic.pack else topic.query
            languages = f" [{', '.join(topic.languages)}]" if topic.languages else ""
            print(
                f"{topic.name}  {counts.get(topic.name, 0)} alerts  ({entry.origin}){languages}"
                f"\n    {what}"
            )


@topics_app.command("add")
def topics_add(
    name: Annotated[str, typer.Argument(help="The topic's name (a-z, 0-9, '_', '-').")],
    query: Annotated[
        str | None, typer.Argument(help="The query (see the README's query language).")
    ] = None,
    pack: Annotated[
        str | None, typer.Option(help="Use a topic of the shipped pack instead of a query.")
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", "-l", help="Only articles in this language (repeatable)."),
    ] = None,
    backfill: Annotated[
        int | None,
        typer.Option(
            help="Also raise its alerts on the articles stored in the last DAYS days.",
            metavar="DAYS",
            min=1,
            max=MAX_BACKFILL_DAYS,
        ),
    ] = None,
    data_dir: DataDir = None,
    config: SettingsFile = None,
) -> None:
    """Add a topic; running workers match with it within seconds. Refused (exit 2) with the
    position of the fault when the query does not parse, or when the name is taken."""
    program = "newswatch topics add"
    raw: dict[str, Any] = {"name": name}
    if query is not None:
        raw["query"] = query
    if pack is not None:
        raw["pack"] = pack
    if language:
        raw["languages"] = list(language)
    with instance(program, data_dir, config) as inst:
        try:
            topic = checked(inst, "topic", raw)
        except InvalidInput as exc:
            pointer = query_pointer(query or "", exc.problems)
            print_problems(program, exc.problems)
            if pointer:
                print(pointer, file=sys.stderr)
            raise typer.Exit(EXIT_REFUSED) from None
        inst.catalog.add(topic, origin=ORIGIN)
        print(f"added topic {topic.name}: {f'pack {topic.pack}' if topic.pack else topic.query}")
        if backfill is not None:
            done = run_backfill(inst.client, topic, days=backfill, settings=inst.runtime.settings)
            print(
                f"backfill: {done.matched} of {done.articles} articles stored in the last "
                f"{done.days} days match; {done.created} alerts raised (backfilled)"
            )


@topics_app.command("remove")
def topics_remove(
    name: Annotated[str, typer.Argument(help="The topic's name.")],
    data_dir: DataDir = None,
    config: SettingsFile = None,
) -> None:
    """Remove a topic: no new alerts for it (its alerts so far stay). Refused while a
    subscription follows it."""
    with instance("newswatch topics remove", data_dir, config) as inst:
        entry = inst.catalog.find("topic", name)
        inst.catalog.remove("topic", entry.item.key)
        print(f"removed topic {entry.item.name}")


# -- subscriptions (the group lives in newswatch.deliveries_cli beside `subscriptions test`) ----


@subscriptions_app.command("list")
def subscriptions_list(
    data_dir: DataDir = None, as_json: AsJson = False, config: SettingsFile = None
) -> None:
    """Every subscription: its topics, mode and channels (redacted: they carry credentials)."""
    with instance("newswatch subscriptions list", data_dir, config) as inst:
        entries = sorted(inst.catalog.entries("subscription"), key=lambda e: e.item.name)
        for entry in entries:
            if as_json:
                print_json(entry_view(entry))
                continue
            view = entry.item.public_dict()
            channels = ", ".join(view["channels"]) or "no channels"
            print(
                f"{view['name']} ({view['mode']}{', ' + view['digest'] if view['digest'] else ''})"
                f": {', '.join(view['topics'])} -> {channels}  ({entry.origin})"
            )


@subscriptions_app.command("add")
def subscriptions_add(
    name: Annotated[str, typer.Argument(help="The subscription's name.")],
    topic: Annotated[
        list[str], typer.Option("--topic", "-t", help="A topic it follows (repeatable).")
    ],
    channel: Annotated[
        list[str] | None,
        typer.Option(
            "--channel",
            help="An apprise URL (mailto://, tgram://, ...) or an https:// webhook (repeatable).",
        ),
    ] = None,
    mode: Annotated[str, typer.Option(help="instant or digest.")] = "instant",
    digest: Annotated[
        str | None, typer.Option(help='A digest\'s schedule: "1d", "6h" or cron "0 8 * * 1-5".')
    ] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA zone of quiet hours/cron.")] = None,
    quiet_hours: Annotated[str | None, typer.Option(help='"22:00-07:00" local time.')] = None,
    urgent_topic: Annotated[
        list[str] | None, typer.Option(help="Sent during quiet hours too (repeatable).")
    ] = None,
    max_per_hour: Annotated[
        int | None, typer.Option(help="Messages per channel per hour (0: no cap).")
    ] = None,
    min_sources: Annotated[
        int | None, typer.Option(help="A story is sent once it has this many sources.")
    ] = None,
    notify_at_sources: Annotated[
        int | None, typer.Option(help="Tell again when a story reaches this many (0: never).")
    ] = None,
    webhook_secret: Annotated[
        list[str] | None,
        typer.Option(help="whsec_... key signing webhook deliveries (two while rotating)."),
    ] = None,
    data_dir: DataDir = None,
    config: SettingsFile = None,
) -> None:
    """Add a subscription. Its channels are checked as the API and `check` check them
    (apprise knows the URL); they are never printed whole."""
    raw: dict[str, Any] = {"name": name, "topics": list(topic), "mode": mode}
    optional = {
        "channels": channel,
        "digest": digest,
        "timezone": timezone,
        "quiet_hours": quiet_hours,
        "urgent_topics": urgent_topic,
        "max_per_hour": max_per_hour,
        "min_sources": min_sources,
        "notify_at_sources": notify_at_sources,
        "webhook_secrets": webhook_secret,
    }
    raw.update({key: value for key, value in optional.items() if value is not None})
    with instance("newswatch subscriptions add", data_dir, config) as inst:
        subscription = checked(inst, "subscription", raw)
        inst.catalog.add(subscription, origin=ORIGIN)
        channels = ", ".join(subscription.public_dict()["channels"]) or "no channels"
        print(
            f"added subscription {subscription.name}: {', '.join(subscription.topics)} "
            f"-> {channels}"
        )


@subscriptions_app.command("remove")
def subscriptions_remove(
    name: Annotated[str, typer.Argument(help="The subscription's name.")],
    data_dir: DataDir = None,
    config: SettingsFile = None,
) -> None:
    """Remove a subscription: nothing more is sent to its channels."""
    with instance("newswatch subscriptions remove", data_dir, config) as inst:
        entry = inst.catalog.find("subscription", name)
        inst.catalog.remove("subscription", entry.item.key)
        print(f"removed subscription {entry.item.name}")
