"""`newswatch feeds list|add|remove|import-opml|export-opml`: the feed catalogue from the
command line, written through the same validation and store as the API and the YAML file
(see :mod:`newswatch.catalog_cli`)."""

from __future__ import annotations

import email.utils
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from newswatch.catalog_cli import (
    EXIT_REFUSED,
    ORIGIN,
    AsJson,
    Instance,
    SettingsFile,
    checked,
    instance,
    print_json,
    print_problems,
)
from newswatch.catalog_items import entry_view, iso_times
from newswatch.core.catalog import Feed
from newswatch.core.discovery import USUAL_PATHS
from newswatch.core.errors import ConflictError, FeedParseError, FetchError
from newswatch.core.opml import OpmlEntry, export_opml, feed_inputs
from newswatch.core.problems import InvalidInput
from newswatch.core.validate import feed_identity
from newswatch.discovering import GIVEN, USUAL, Discovery, FoundFeed, discover
from newswatch.opml import read_opml_file
from newswatch.runtime import DataDir
from newswatch.store.feeds import FeedStateStore

feeds_app = typer.Typer(help="Feeds: what newswatch polls.")


# -- list --------------------------------------------------------------------------------------


@feeds_app.command("list")
def feeds_list(
    data_dir: DataDir = None, as_json: AsJson = False, config: SettingsFile = None
) -> None:
    """Every feed with its health, last poll, current interval and why (the last error of a
    failing one)."""
    with instance("newswatch feeds list", data_dir, config) as inst:
        entries = {entry.item.key: entry for entry in inst.catalog.entries("feed")}
        for state in FeedStateStore(inst.client).list_states():
            entry = entries.get(state["id"])
            if as_json:
                view = entry_view(entry) if entry is not None else {}
                current = {"current_interval": state["interval"] or None}
                print_json({**iso_times(state), **view, **current})
                continue
            print(f"{state['id']}  {state['health']:<7} {state['last_status']:<12} {state['name']}")
            if state["name"] != state["url"]:
                print(f"    {state['url']}")
            if state["interval"]:  # decided by the last poll (core.feed_state), and why
                why = f": {state['interval_reason']}" if state["interval_reason"] else ""
                print(f"    every {state['interval']} s{why}")
            if state["last_error"]:
                print(f"    last error: {state['last_error']}")


# -- add ---------------------------------------------------------------------------------------


def _found_line(feed: FoundFeed) -> str:
    where = "at a usual place" if feed.found_as == USUAL else "announced by the page"
    return f"  {feed.url}  {feed.title!r} ({where})" if feed.title else f"  {feed.url} ({where})"


def _report(discovery: Discovery) -> None:
    if discovery.feeds and discovery.feeds[0].found_as == GIVEN:
        title = discovery.feeds[0].title
        print(f"{discovery.url} is a feed" + (f": {title!r}" if title else ""))
        return
    count = len(discovery.feeds)
    print(
        f"{discovery.url} is a web page announcing {discovery.announced} feed"
        f"{'' if discovery.announced == 1 else 's'}; found {count} feed{'' if count == 1 else 's'}:"
    )
    for feed in discovery.feeds:
        print(_found_line(feed))
    for url, why in discovery.rejected:
        if not url.endswith(USUAL_PATHS):  # the usual places are guesses: no noise
            print(f"  not a feed: {url} ({why})")


def _discover(inst: Instance, url: str) -> Discovery:
    try:
        discovery = discover(url, inst.runtime.settings)
    except (FetchError, FeedParseError) as exc:
        raise inst.fail(f"cannot add {url}: {exc}") from None
    _report(discovery)
    if not discovery.feeds:
        places = ", ".join(USUAL_PATHS)
        announced = "none of its feed links works" if discovery.announced else "it announces none"
        raise inst.fail(f"no feed found at {url}: {announced}, nor is one at {places}")
    return discovery


def _not_there(inst: Instance, url: str) -> None:
    identity = feed_identity(url)
    for feed in inst.catalog.feeds():
        if feed_identity(feed.url) == identity:
            raise inst.fail(
                f"{url!r} is already in the catalogue: {feed.display_name} (id {feed.id})"
            )


def _add_one(inst: Instance, raw: dict[str, Any]) -> bool:
    """Validate and add one feed; False (and a line saying why) when it is there already."""
    return _add_feed(inst, checked(inst, "feed", raw))


def _add_feed(inst: Instance, feed: Feed) -> bool:
    try:
        inst.catalog.add(feed, origin=ORIGIN)
    except ConflictError as exc:
        print(f"{inst.program}: {exc}", file=sys.stderr)
        return False
    print(f"added feed {feed.display_name} <{feed.url}> (id {feed.id})")
    return True


@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="A feed's URL, or a page of the site.")],
    name: Annotated[
        str | None, typer.Option(help="The feed's name (default: the feed's own title).")
    ] = None,
    interval: Annotated[
        str | None,
        typer.Option(help='Fixed time between polls ("15m", "1h"; default: adaptive).'),
    ] = None,
    fetch_pages: Annotated[
        bool, typer.Option(help="Fetch each article's page (else use the feed's text).")
    ] = True,
    add_all: Annotated[
        bool, typer.Option("--all", help="Add every feed found on the page, not the first.")
    ] = False,
    discover_feeds: Annotated[
        bool,
        typer.Option(
            "--discover/--no-discover",
            help="Fetch URL first: a feed is added with its title, a page is searched for its "
            "feeds (--no-discover adds URL as it is, unfetched).",
        ),
    ] = True,
    data_dir: DataDir = None,
    config: SettingsFile = None,
) -> None:
    """Add a feed; a running scheduler polls it within a tick. URL may be a site's page: its
    announced feeds (<link rel="alternate">), else the usual places (/feed, /rss.xml ...),
    are tried and the first feed found is added (all of them with --all)."""
    if add_all and name is not None:
        print("newswatch feeds add: --name names one feed: not with --all", file=sys.stderr)
        raise typer.Exit(EXIT_REFUSED)
    raw: dict[str, Any] = {"url": url, "fetch_pages": fetch_pages}
    if interval is not None:
        raw["interval"] = interval
    with instance("newswatch feeds add", data_dir, config) as inst:
        # the URL as given must be a valid feed URL before anything is fetched
        named = {**raw, **({"name": name} if name is not None else {})}
        given: Feed = checked(inst, "feed", named)
        _not_there(inst, url)  # before anything is fetched
        if not discover_feeds:  # added as checked (its warnings printed once)
            raise typer.Exit(0 if _add_feed(inst, given) else EXIT_REFUSED)
        feeds = _discover(inst, url).feeds
        chosen = feeds if add_all else feeds[:1]
        if len(feeds) > 1 and not add_all:
            print(f"adding the first (--all adds all {len(feeds)})")
        added = 0  # feeds added (a feed already there is not)
        for found in chosen:
            title = name if name is not None else found.title
            added += _add_one(inst, {**raw, "url": found.url, **({"name": title} if title else {})})
        raise typer.Exit(0 if added else EXIT_REFUSED)


# -- remove ------------------------------------------------------------------------------------


@feeds_app.command("remove")
def feeds_remove(
    ref: Annotated[str, typer.Argument(metavar="FEED", help="The feed's id, URL or name.")],
    data_dir: DataDir = None,
    config: SettingsFile = None,
) -> None:
    """Remove a feed: the scheduler stops polling it (its alerts so far stay)."""
    with instance("newswatch feeds remove", data_dir, config) as inst:
        entry = inst.catalog.find("feed", ref)
        removed: Feed = inst.catalog.remove("feed", entry.item.key).item
        print(f"removed feed {removed.display_name} <{removed.url}> (id {removed.id})")


# -- OPML --------------------------------------------------------------------------------------


def _usable(inst: Instance, entry: OpmlEntry, raw: dict[str, Any]) -> Feed | None:
    """The feed an entry gives, or None (with the problems on stderr)."""
    try:
        feed: Feed = checked(inst, "feed", raw)
    except InvalidInput as exc:
        print(f"! {entry.label()} <{entry.url}>: refused", file=sys.stderr)
        print_problems(f"  {entry.label()}", exc.problems)
        return None
    return feed


def _import(inst: Instance, entries: list[OpmlEntry]) -> dict[str, int]:
    """Validate every entry, then add the usable ones in one write; one line per entry (in
    the file's order), and the counts."""
    counts = {"added": 0, "duplicate": 0, "refused": 0}
    lines: dict[int, str] = {}
    seen: dict[str, OpmlEntry] = {}
    batch: list[tuple[OpmlEntry, Feed]] = []
    for entry, raw in feed_inputs(entries):
        feed = _usable(inst, entry, raw)
        if feed is None:
            counts["refused"] += 1
            continue
        first = seen.setdefault(feed_identity(feed.url), entry)
        if first is not entry:
            lines[entry.number] = f"= {entry.label()} <{entry.url}>: the same feed as "
            lines[entry.number] += f"{first.label()}, skipped"
            counts["duplicate"] += 1
            continue
        batch.append((entry, feed))
    outcomes = inst.catalog.add_feeds([feed for _, feed in batch], origin=ORIGIN)
    for (entry, feed), why_not in zip(batch, outcomes, strict=True):
        if why_not is None:
            lines[entry.number] = f"+ feed {feed.display_name} <{feed.url}>"
            counts["added"] += 1
        else:
            lines[entry.number] = f"= {entry.label()} <{entry.url}>: {why_not}, skipped"
            counts["duplicate"] += 1
    for number in sorted(lines):
        print(lines[number])
    return counts


@feeds_app.command("import-opml")
def feeds_import(
    path: Annotated[
        Path, typer.Argument(metavar="FILE", help="An OPML file (another reader's export).")
    ],
    data_dir: DataDir = None,
    config: SettingsFile = None,
) -> None:
    """Add every feed an OPML file lists (titles become names), in one write. Feeds already
    in the catalogue, repeats and unusable entries are reported and skipped; the rest is
    added. Exit 2 when an entry was refused."""
    with instance("newswatch feeds import-opml", data_dir, config) as inst:
        entries = read_opml_file(path)
        counts = _import(inst, entries)
        print(
            f"{path}: {len(entries)} entries: {counts['added']} added, {counts['duplicate']} "
            f"already there or repeated, {counts['refused']} refused"
        )
        raise typer.Exit(EXIT_REFUSED if counts["refused"] else 0)


@feeds_app.command("export-opml")
def feeds_export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    data_dir: DataDir = None,
    config: SettingsFile = None,
) -> None:
    """Write every feed as an OPML 2.0 list, for another reader or a later import."""
    with instance("newswatch feeds export-opml", data_dir, config) as inst:
        feeds = inst.catalog.feeds()
    document = export_opml(
        feeds,
        title="newswatch feeds",
        created=email.utils.formatdate(time.time(), usegmt=True),
    )
    if output is None:
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(document)
    except OSError as exc:
        print(f"newswatch feeds export-opml: cannot write {output}: {exc}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(f"{output}: {len(feeds)} feed{'' if len(feeds) == 1 else 's'}", file=sys.stderr)
