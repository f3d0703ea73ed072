"""`newswatch feeds` as subprocesses against the suite's Redis and a real origin on 127.0.0.1:
a site's page discovered through the guarded fetcher, feeds added, listed and removed, and
OPML lists of other readers imported, exported and imported again."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import redis

from newswatch.core.catalog import Feed
from newswatch.core.feed_state import FeedState
from newswatch.store import keys
from newswatch.store.catalog import CatalogStore
from newswatch.store.feeds import FeedStateStore
from tests.support.cli import NEWSWATCH, cli_env, newswatch
from tests.support.origin import Origin, Route, rss

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opml"
LOCAL = {"allow_private_networks": "true", "allowed_ports": "1-65535"}  # the origin's
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Site news (Atom)</title>
<id>urn:x</id><updated>2026-11-30T06:00:00Z</updated></feed>"""


def page(*links: str, base: str = "") -> Route:
    head = f'<base href="{base}">' if base else ""
    head += "".join(
        f'<link rel="alternate" type="{kind}" href="{href}" title="{title}">'
        for kind, href, title in (link.split("|") for link in links)
    )
    return Route(f"<!doctype html><html><head>{head}</head><body>Hi</body></html>".encode())


def test_a_page_announcing_feeds_adds_the_first_then_all(
    origin: Origin, redis_url: str, redis_client: redis.Redis
) -> None:
    origin.routes["/news/story.html"] = page(
        "application/rss+xml|feed.xml|Announced RSS",  # relative to <base>: /site/feed.xml
        "application/rss+xml|/gone.xml|Gone",
        "application/atom+xml|/site/atom|Atom link",
        "application/rss+xml|/comments/feed/|Comments Feed",
        base="/site/",
    )
    origin.routes["/site/feed.xml"] = Route(
        rss("Site news", []), content_type="application/rss+xml"
    )
    origin.routes["/site/atom"] = Route(ATOM, content_type="application/atom+xml")
    origin.routes["/comments/feed/"] = Route(rss("Comments", []), content_type="text/xml")
    url = origin.url("/news/story.html")
    first = newswatch("feeds", "add", url, redis_url=redis_url, **LOCAL)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == f"{url} is a web page announcing 4 feeds; found 3 feeds:"
    assert lines[1] == f"  {origin.url('/site/feed.xml')}  'Site news' (announced by the page)"
    assert f"  not a feed: {origin.url('/gone.xml')} (" in first.stdout
    assert "adding the first (--all adds all 3)" in lines
    feed_id = Feed(origin.url("/site/feed.xml")).id
    assert lines[-1] == f"added feed Site news <{origin.url('/site/feed.xml')}> (id {feed_id})"
    store = CatalogStore(redis_client)
    assert store.feeds() == [Feed(origin.url("/site/feed.xml"), name="Site news")]
    assert redis_client.zscore(keys.SCHEDULE, feed_id) == 0  # due at once: polled next tick

    every = newswatch(
        "feeds", "add", url, "--all", "--interval", "1h", redis_url=redis_url, **LOCAL
    )
    assert every.returncode == 0, every.stderr
    assert "already exists" in every.stderr  # the first one, reported, the others added
    assert sorted((f.url, f.name, f.interval) for f in store.feeds()) == [
        (origin.url("/comments/feed/"), "Comments", 3600),
        (origin.url("/site/atom"), "Site news (Atom)", 3600),
        (origin.url("/site/feed.xml"), "Site news", None),
    ]


def test_a_page_announcing_nothing_tries_the_usual_places(
    origin: Origin, redis_url: str, redis_client: redis.Redis
) -> None:
    origin.routes["/"] = page()
    origin.routes["/rss.xml"] = Route(rss("Usual", []), content_type="application/rss+xml")
    result = newswatch("feeds", "add", origin.url("/"), redis_url=redis_url, **LOCAL)
    assert result.returncode == 0, result.stderr
    assert f"  {origin.url('/rss.xml')}  'Usual' (at a usual place)" in result.stdout
    assert "not a feed" not in result.stdout  # the places that 404 are guesses: not listed
    assert [f.url for f in CatalogStore(redis_client).feeds()] == [origin.url("/rss.xml")]
    for path in ("/feed", "/rss", "/atom.xml", "/feed.xml", "/index.xml"):
        assert origin.hits(path) == 1

    origin.routes["/rss.xml"] = Route(b"<html>moved</html>", status=404)
    origin.routes["/blank"] = page()
    none = newswatch("feeds", "add", origin.url("/blank"), redis_url=redis_url, **LOCAL)
    assert none.returncode == 2
    assert "no feed found at" in none.stderr and "it announces none" in none.stderr


def test_a_feed_url_is_added_with_its_title_and_listed_and_removed(
    origin: Origin, redis_url: str, redis_client: redis.Redis
) -> None:
    origin.routes["/feed"] = Route(rss("The Feed", []), content_type="application/rss+xml")
    url = origin.url("/feed")
    added = newswatch("feeds", "add", url, "--no-fetch-pages", redis_url=redis_url, **LOCAL)
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines()[0] == f"{url} is a feed: 'The Feed'"
    assert CatalogStore(redis_client).feeds() == [Feed(url, name="The Feed", fetch_pages=False)]
    named = newswatch("feeds", "add", origin.url("/feed?x=1"), "--name", "Mine",
                      redis_url=redis_url, **LOCAL)  # fmt: skip
    assert named.returncode == 0, named.stderr

    listed = newswatch("feeds", "list", redis_url=redis_url)
    assert listed.returncode == 0, listed.stderr
    assert f"{Feed(url).id}  new     never_polled The Feed\n    {url}\n" in listed.stdout
    views = [json.loads(line) for line in newswatch(
        "feeds", "list", "--json", redis_url=redis_url).stdout.splitlines()]  # fmt: skip
    assert {(v["name"], v["origin"], v["health"]) for v in views} == {
        ("The Feed", "cli", "new"),  # not polled yet
        ("Mine", "cli", "new"),
    }
    assert all(v["created_at"].endswith("+00:00") or v["created_at"].endswith("Z") for v in views)

    hits = origin.hits("/feed")
    twice = newswatch("feeds", "add", url + "?utm_source=x",
                      redis_url=redis_url, **LOCAL)  # fmt: skip
    assert twice.returncode == 2
    assert f"is already in the catalogue: The Feed (id {Feed(url).id})" in twice.stderr
    assert origin.hits("/feed") == hits  # refused before anything was fetched

    by_name = newswatch("feeds", "remove", "The Feed", redis_url=redis_url)
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout.strip() == f"removed feed The Feed <{url}> (id {Feed(url).id})"
    by_url = newswatch("feeds", "remove", origin.url("/feed?x=1"), redis_url=redis_url)
    assert by_url.returncode == 0, by_url.stderr
    assert CatalogStore(redis_client).feeds() == []
    again = newswatch("feeds", "remove", "The Feed", redis_url=redis_url)
    assert again.returncode == 2 and "no feed 'The Feed'" in again.stderr


def test_refusals_name_the_field_or_the_setting(
    origin: Origin, redis_url: str, redis_client: redis.Redis, tmp_path: Path
) -> None:
    bad = newswatch("feeds", "add", "ftp://x.example/feed", redis_url=redis_url)
    assert bad.returncode == 2
    assert "newswatch feeds add: url: must be an http:// or https:// URL, got scheme 'ftp'" in (
        bad.stderr
    )
    interval = newswatch("feeds", "add", "https://x.example/f", "--interval", "5s",
                         "--no-discover", redis_url=redis_url)  # fmt: skip
    assert interval.returncode == 2
    assert "interval: interval of 5s is too short: the minimum is 30s" in interval.stderr

    origin.routes["/feed"] = Route(rss("The Feed", []), content_type="application/rss+xml")
    local = newswatch("feeds", "add", origin.url("/feed"), redis_url=redis_url,
                      allowed_ports="1-65535")  # fmt: skip
    assert local.returncode == 2
    assert "loopback address" in local.stderr
    assert "NEWSWATCH_ALLOW_PRIVATE_NETWORKS=true" in local.stderr
    assert origin.hits("/feed") == 0
    # the settings of the instance's file apply with --config (its catalogue is not written)
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        "settings:\n  allow_private_networks: true\n  allowed_ports: '1-65535'\n"
        "topics:\n  - name: t\n    query: summit\n"
    )
    with_config = newswatch("feeds", "add", origin.url("/feed"), "--config", str(config),
                            redis_url=redis_url)  # fmt: skip
    assert with_config.returncode == 0, with_config.stderr
    assert [f.url for f in CatalogStore(redis_client).feeds()] == [origin.url("/feed")]
    assert CatalogStore(redis_client).topics() == []
    CatalogStore(redis_client).remove("feed", Feed(origin.url("/feed")).id)

    origin.routes["/data.json"] = Route(b'{"not": "a feed"}', content_type="application/json")
    neither = newswatch("feeds", "add", origin.url("/data.json"), redis_url=redis_url, **LOCAL)
    assert neither.returncode == 2
    assert "is neither a feed nor a web page" in neither.stderr
    assert CatalogStore(redis_client).feeds() == []

    unfetched = newswatch("feeds", "add", origin.url("/nothing-here"), "--no-discover",
                          redis_url=redis_url)  # fmt: skip
    assert unfetched.returncode == 0, unfetched.stderr
    assert unfetched.stderr.count("warning: url:") == 1, unfetched.stderr
    assert "allow_private_networks" in unfetched.stderr
    assert origin.hits("/nothing-here") == 0


@pytest.mark.parametrize("command", [["export-opml"], ["list"], ["list", "--json"]])
def test_output_into_a_closed_pipe_ends_quietly(command: list[str], redis_url: str) -> None:
    # `newswatch feeds export-opml | head`: the reader goes away before the output is written
    imported = newswatch(
        "feeds", "import-opml", str(FIXTURES / "miniflux.opml"), redis_url=redis_url
    )
    assert imported.returncode == 0, imported.stderr
    proc = subprocess.Popen(
        [NEWSWATCH, "feeds", *command],
        env=cli_env(redis_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert err == b""  # no traceback, no "Exception ignored" at exit
    assert proc.returncode == 1  # typer's own EPIPE handling: quiet, not a success


@pytest.mark.parametrize("export", ["miniflux.opml", "freshrss.opml", "feedly.opml"])
def test_another_readers_opml_round_trips(
    export: str, tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    store = CatalogStore(redis_client)
    imported = newswatch("feeds", "import-opml", str(FIXTURES / export), redis_url=redis_url)
    assert imported.returncode == 0, imported.stderr
    first = {(f.url, f.name) for f in store.feeds()}
    assert len(first) == (5 if export == "miniflux.opml" else 4)
    assert all(name for _, name in first)
    assert store.version("feed") == 1  # one write for the whole list
    assert redis_client.zcard(keys.SCHEDULE) == len(first)  # every feed due

    out = tmp_path / "newswatch.opml"
    exported = newswatch("feeds", "export-opml", "--output", str(out), redis_url=redis_url)
    assert exported.returncode == 0, exported.stderr
    assert out.read_bytes().startswith(b"<?xml") and b'<opml version="2.0">' in out.read_bytes()
    stdout = newswatch("feeds", "export-opml", redis_url=redis_url)
    assert stdout.stdout.encode() == out.read_bytes().replace(
        out.read_bytes().split(b"<dateCreated>")[1].split(b"<")[0],
        stdout.stdout.encode().split(b"<dateCreated>")[1].split(b"<")[0],
    )  # the same document, but for its date

    for feed in store.feeds():
        store.remove("feed", feed.id)
    again = newswatch("feeds", "import-opml", str(out), redis_url=redis_url)
    versions = store.version("feed")
    assert again.returncode == 0, again.stderr
    assert {(f.url, f.name) for f in store.feeds()} == first
    twice = newswatch("feeds", "import-opml", str(out), redis_url=redis_url)
    assert twice.returncode == 0
    assert store.version("feed") == versions  # nothing added: no new version
    assert twice.stdout.splitlines()[-1].endswith(
        f"{len(first)} entries: 0 added, {len(first)} already there or repeated, 0 refused"
    )


def test_an_import_reports_repeats_bad_entries_and_feeds_already_there(
    redis_url: str, redis_client: redis.Redis
) -> None:
    store = CatalogStore(redis_client)
    store.add(Feed("https://there.example/feed.xml"), origin="api")
    path = FIXTURES / "broken-entries.opml"
    result = newswatch("feeds", "import-opml", str(path), redis_url=redis_url)
    assert result.returncode == 2  # some entries were refused; the rest is in
    assert sorted(f.url for f in store.feeds()) == [
        "https://good.example/rss",
        "https://last.example/atom.xml",
        "https://there.example/feed.xml",
    ]
    out = result.stdout.splitlines()
    assert "+ feed Good <https://good.example/rss>" in out
    assert (
        "= entry 2 ('Good again') <https://GOOD.example:443/rss?utm_source=opml>: "
        "the same feed as entry 1 ('Good'), skipped"
    ) in out
    assert (
        "= entry 5 ('Already there') <https://there.example/feed.xml>: feed "
        "'https://there.example/feed.xml' is already in the catalogue, skipped"
    ) in out
    assert "! entry 3 ('Gopher') <gopher://old.example/feed>: refused" in result.stderr
    assert "entry 3 ('Gopher'): url: must be an http:// or https:// URL" in result.stderr
    assert "entry 4 ('No host'): url: the URL has no host" in result.stderr
    assert out[-1] == (f"{path}: 6 entries: 2 added, 2 already there or repeated, 2 refused")

    not_opml = newswatch("feeds", "import-opml", str(Path(__file__)), redis_url=redis_url)
    assert not_opml.returncode == 2
    assert "not an OPML subscription list" in not_opml.stderr


def test_feeds_list_shows_each_feeds_current_interval_and_why(
    redis_url: str, redis_client: redis.Redis
) -> None:
    feed = Feed("https://news.example/rss", name="News")
    CatalogStore(redis_client).add(feed, origin="test")
    FeedStateStore(redis_client).put_state(feed.id, FeedState(
        last_status="not_modified", interval=3600,
        interval_reason="about 0.14 new items per hour",
    ))  # fmt: skip
    listed = newswatch("feeds", "list", redis_url=redis_url)
    assert listed.returncode == 0, listed.stderr
    assert "    every 3600 s: about 0.14 new items per hour\n" in listed.stdout
    (view,) = [json.loads(line) for line in newswatch(
        "feeds", "list", "--json", redis_url=redis_url).stdout.splitlines()]  # fmt: skip
    assert (view["current_interval"], view["interval_reason"]) == (
        3600, "about 0.14 new items per hour",
    )  # fmt: skip
    FeedStateStore(redis_client).put_state(feed.id, FeedState(interval=600))  # no reason yet
    assert "    every 600 s\n" in newswatch("feeds", "list", redis_url=redis_url).stdout
