"""The web pages over plain HTTP, on a real uvicorn socket against the suite's Redis: content
negotiation at "/", the login and its cookie, CSRF on every form, escaping of what feeds
wrote, the Content-Security-Policy, and each page's content."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import redis

from newswatch.api.app import create_app
from newswatch.api.auth import AccessPolicy
from newswatch.config import Settings
from newswatch.core import neardup
from newswatch.core.catalog import Feed, Subscription, Topic
from newswatch.core.feed_state import FeedState, Health
from newswatch.core.models import Alert
from newswatch.core.query.parser import MAX_QUERY_LENGTH
from newswatch.core.text import tokenize
from newswatch.embedded_redis import free_port
from newswatch.store.alert_events import AlertEvents
from newswatch.store.alerts import AlertStore
from newswatch.store.articles import ArticleStore
from newswatch.store.catalog import CatalogStore
from newswatch.store.deliveries import Delivery, DeliveryStore
from newswatch.store.feeds import FeedStateStore
from newswatch.store.stories import StoryStore
from newswatch.topics import load_pack
from tests.support.api import serve
from tests.support.origin import Origin, Route, rss
from tests.support.receivers import WebhookReceiver, new_secret
from tests.support.stories import HEADLINE, NOW, PARAGRAPHS, make_article
from tests.support.up import wait_for

TOKEN = "t0ken-for-the-web-tests-0123456789"
HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}
HOSTILE = '<script>alert("owned")</script> Fishing accord <img src=x onerror=alert(1)>'


def start(client: redis.Redis, **settings: object) -> Iterator[httpx.Client]:
    policy = AccessPolicy(TOKEN, reads_open=True, token_hint="set a token")
    app = create_app(client, settings=Settings(**settings), policy=policy)  # type: ignore[arg-type]
    with serve(app) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        yield http


@pytest.fixture
def web(redis_client: redis.Redis) -> Iterator[httpx.Client]:
    yield from start(redis_client)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF field in the page"
    return found.group(1)


def log_in(web: httpx.Client, token: str = TOKEN) -> httpx.Response:
    form = web.get("/login", headers=HTML)
    return web.post("/login", data={"csrf": csrf_of(form.text), "token": token, "next": "/feeds"})


def story_with_two_sources(client: redis.Redis, title: str = HEADLINE) -> str:
    """Two outlets' copies of one story, each recorded as the worker does, with a
    "fishing" alert."""
    stories, alerts = StoryStore(client), AlertStore(client)
    copies = [
        make_article("c1", "herald.example", PARAGRAPHS, title),
        make_article("c2", "courier.example", PARAGRAPHS[1:], "Fishing deal agreed"),
    ]
    story_id = ""
    for n, article in enumerate(copies):
        ArticleStore(client).save(article)
        near = neardup.fingerprint(tokenize(article.text))
        placement = stories.place(article, near, url_key=article.id, now=NOW + 60 * n)
        story_id = placement.story_id
        at = datetime.fromtimestamp(NOW + 60 * n, UTC).isoformat()
        alert = Alert(
            id=Alert.make_id("fishing", story_id),
            topic="fishing",
            created_at=at,
            matched=["fishing", "accord"],
            snippet="Valdoria signed a fishing accord on Thursday",
            article=article.summary(),
            snippet_marks=[[18, 25], [26, 32]],
            story_id=story_id,
        )
        alerts.record(story_id, [alert], article_id=article.id, at=at)
    return story_id


def test_a_browser_gets_the_page_api_clients_the_json_index(web: httpx.Client) -> None:
    assert web.get("/").json()["service"] == "newswatch"  # */*: the JSON list, as before
    assert web.get("/", headers={"Accept": "application/json"}).json()["endpoints"]
    assert web.get("/api").json()["service"] == "newswatch"
    page = web.get("/", headers=HTML)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2F"
    assert "Log in with the API token" in web.get(page.headers["location"]).text


def test_login_sets_a_strict_httponly_session_and_logout_ends_it(web: httpx.Client) -> None:
    refused = log_in(web, token="not-the-token-at-all-0000")
    assert refused.status_code == 401 and "That is not the API token" in refused.text
    assert "nw_session" not in web.cookies

    answer = log_in(web)
    assert answer.status_code == 303 and answer.headers["location"] == "/feeds"
    cookie = next(
        v for k, v in answer.headers.multi_items() if k == "set-cookie" and "nw_session" in v
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert TOKEN not in cookie
    page = web.get("/", headers=HTML)
    assert page.status_code == 200 and "<h1>Alerts</h1>" in page.text

    out = web.post("/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    assert web.get("/", headers=HTML).status_code == 303  # the session is gone


def test_login_refuses_a_form_without_its_own_token_and_a_foreign_next(web: httpx.Client) -> None:
    web.get("/login")
    assert web.post("/login", data={"csrf": "forged", "token": TOKEN}).status_code == 403
    form = web.get("/login")
    answer = web.post(
        "/login", data={"csrf": csrf_of(form.text), "token": TOKEN, "next": "//evil.example/"}
    )
    assert answer.headers["location"] == "/"


@pytest.fixture
def site() -> Iterator[Origin]:
    """A publisher on loopback: a feed, and a home page announcing it."""
    with Origin().running() as origin:
        origin.routes["/rss.xml"] = Route(
            rss("Harbour Herald", [{"title": "First", "link": origin.url("/a/1"), "guid": "1"}]),
            content_type="application/rss+xml",
        )
        origin.routes["/"] = Route(
            b'<!doctype html><html><head><title>Herald</title><link rel="alternate" '
            b'type="application/rss+xml" title="News" href="/rss.xml"></head><body>Hi</body></html>'
        )
        yield origin


@pytest.fixture
def fetching_web(redis_client: redis.Redis) -> Iterator[httpx.Client]:
    """The pages of an instance allowed to fetch from loopback (the test origin)."""
    yield from start(redis_client, allow_private_networks=True, allowed_ports="1-65535")


def test_every_change_needs_the_session_and_its_csrf_token(
    fetching_web: httpx.Client, redis_client: redis.Redis, site: Origin
) -> None:
    web = fetching_web
    catalog = CatalogStore(redis_client)
    address = {"address": site.url("/rss.xml")}
    assert web.post("/feeds/add", data=address).status_code == 303  # to the login
    assert catalog.feeds() == []
    log_in(web)
    page = web.get("/feeds")
    assert web.post("/feeds/add", data=address).status_code == 403
    assert web.post("/feeds/add", data={**address, "csrf": "wrong"}).status_code == 403
    foreign = web.post(
        "/feeds/add",
        data={**address, "csrf": csrf_of(page.text)},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert catalog.feeds() == []
    added = web.post("/feeds/add", data={**address, "csrf": csrf_of(page.text)})
    assert added.status_code == 303
    assert [(f.url, f.name) for f in catalog.feeds()] == [(site.url("/rss.xml"), "Harbour Herald")]
    listed = web.get(added.headers["location"]).text
    assert site.url("/rss.xml") in listed and "Added Harbour Herald" in listed
    # and the API's bearer check is untouched: the cookie is no API credential
    assert web.post("/api/topics", json={"name": "x", "query": "x"}).status_code == 401


def test_a_feed_is_added_by_its_site_address_and_by_an_opml_list(
    fetching_web: httpx.Client, redis_client: redis.Redis, site: Origin
) -> None:
    web = fetching_web
    log_in(web)
    csrf = csrf_of(web.get("/feeds").text)
    added = web.post("/feeds/add", data={"csrf": csrf, "address": site.url("/")})
    assert added.status_code == 303
    assert "found as announced" in web.get(added.headers["location"]).text
    assert [f.url for f in CatalogStore(redis_client).feeds()] == [site.url("/rss.xml")]
    hits = site.hits("/rss.xml")
    again = web.post("/feeds/add", data={"csrf": csrf, "address": site.url("/rss.xml")})
    assert again.status_code == 409 and "already watched" in again.text
    assert site.hits("/rss.xml") == hits  # refused before anything was fetched
    nothing = web.post("/feeds/add", data={"csrf": csrf, "address": site.url("/none")})
    assert nothing.status_code == 422 and "cannot add" in nothing.text

    opml = (
        '<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>'
        f'<outline type="rss" text="Herald again" xmlUrl="{site.url("/rss.xml")}"/>'
        '<outline type="rss" text="Wire" xmlUrl="https://wire.example.org/feed.xml"/>'
        '<outline type="rss" text="Broken" xmlUrl="ftp://nope.example/feed"/>'
        "</body></opml>"
    )
    imported = web.post(
        "/feeds/import",
        data={"csrf": csrf},
        files={"opml": ("reader.opml", opml.encode(), "text/x-opml")},
    )
    assert imported.status_code == 422  # one entry refused: said, the rest added
    assert "3 entries: 1 added, 1 already there or repeated, 1 refused" in imported.text
    assert "entry 3" in imported.text
    urls = {f.url for f in CatalogStore(redis_client).feeds()}
    assert "https://wire.example.org/feed.xml" in urls

    exported = web.get("/feeds.opml")
    assert exported.headers["content-type"].startswith("text/x-opml")
    assert 'xmlUrl="https://wire.example.org/feed.xml"' in exported.text


def test_pages_forbid_inline_scripts_and_styles(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    story_with_two_sources(redis_client)
    CatalogStore(redis_client).add(Topic("fishing", "fishing AND accord"), origin="test")
    log_in(web)
    story_id = AlertStore(redis_client).list()[0].story_id
    for path in ("/", "/feeds", "/topics", "/topics/new", "/subscriptions", "/status",
                 f"/stories/{story_id}", "/subscriptions/new", "/topics/fishing"):  # fmt: skip
        page = web.get(path, headers=HTML)
        assert page.status_code == 200, (path, page.text[:500])
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        for script in re.findall(r"<script[^>]*>", page.text):
            assert 'src="/static/' in script, (path, script)
        assert not re.search(r"\sstyle=|\son[a-z]+=", page.text), path


def test_a_hostile_title_renders_as_text(web: httpx.Client, redis_client: redis.Redis) -> None:
    story_id = story_with_two_sources(redis_client, title=HOSTILE)
    log_in(web)
    for path in ("/", f"/stories/{story_id}"):
        page = web.get(path, headers=HTML).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in page
    alert_id = AlertStore(redis_client).list()[0].id
    card = web.get(f"/web/alerts/{alert_id}").text
    assert "&lt;script&gt;" in card and "<script>" not in card


def test_alerts_page_filters_searches_and_marks_the_found_words(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    story_with_two_sources(redis_client)
    catalog = CatalogStore(redis_client)
    catalog.add(Topic("fishing", "fishing AND accord"), origin="test")
    catalog.add(Topic("sport", "football"), origin="test")
    catalog.add(Subscription("desk", ("sport",)), origin="test")
    log_in(web)
    page = web.get("/", headers=HTML).text
    assert "herald.example +1 sources" in page
    assert "<mark>fishing</mark> <mark>accord</mark>" in page
    assert 'href="/stories/' in page and 'href="https://herald.example/c1"' in page
    assert "2026-11-28" in page
    assert 'id="live"' in page and 'src="/static/live.js"' in page
    assert "No alerts" in web.get("/", params={"topic": "sport"}, headers=HTML).text
    assert "No alerts" in web.get("/", params={"subscription": "desk"}, headers=HTML).text
    # the search is the topic query language, evaluated on the stored articles' text
    found = web.get("/", params={"q": '"ten-year fishing accord" AND herring'}, headers=HTML)
    assert "herald.example" in found.text
    missed = web.get("/", params={"q": "herring NOT Valdoria"}, headers=HTML)
    assert "No alerts for this filter" in missed.text
    broken = web.get("/", params={"q": "fishing AND (accord"}, headers=HTML)
    assert 'role="alert"' in broken.text and 'class="fault"' in broken.text


def test_story_page_lists_every_source_and_why_it_matched(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    story_id = story_with_two_sources(redis_client)
    CatalogStore(redis_client).add(Topic("fishing", "fishing AND accord"), origin="test")
    log_in(web)
    page = web.get(f"/stories/{story_id}").text
    assert "Sources (2)" in page
    assert "herald.example" in page and "courier.example" in page
    assert "Fishing deal agreed" in page
    assert "Why: the query clause by clause" in page and "<code>fishing AND accord</code>" in page
    assert web.get("/stories/nope").status_code == 404


def test_topic_editor_shows_the_fault_position_then_saves(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    log_in(web)
    page = web.get("/topics/new")
    csrf = csrf_of(page.text)
    form = {"csrf": csrf, "name": "warrants", "query": 'arrest AND "warrant', "action": "save"}
    refused = web.post("/topics/save", data=form)
    assert refused.status_code == 422
    assert 'arrest AND <mark class="fault">&#34;</mark>warrant' in refused.text
    assert CatalogStore(redis_client).topics() == []

    checked = web.post(
        "/web/topics/check",
        json={"query": "summit AND AND talks"},
        headers={"X-CSRF-Token": csrf},
    ).json()
    assert not checked["ok"] and checked["problems"][0]["offset"] == 7
    assert web.post("/web/topics/check", json={"query": "a"}).status_code == 403  # no token

    saved = web.post("/topics/save", data={**form, "query": 'arrest AND "warrant"'})
    assert saved.status_code == 303
    (topic,) = CatalogStore(redis_client).topics()
    assert topic.query == 'arrest AND "warrant"'
    listed = web.get("/topics").text
    assert "warrants" in listed and "Alerts per day" in listed


def test_subscriptions_page_creates_lists_and_replays(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    CatalogStore(redis_client).add(Topic("fishing", "fishing"), origin="test")
    store = DeliveryStore(redis_client)
    dead = Delivery("d1", "alert", "desk", "ch1", "webhook", ("a1",), created_at=NOW)
    store.create(dead, now=NOW)
    store.mark_dead("d1", now=NOW, reason="http_500", error="the receiver answered 500")
    log_in(web)
    csrf = csrf_of(web.get("/subscriptions/new").text)
    saved = web.post(
        "/subscriptions/save",
        data={
            "csrf": csrf,
            "name": "desk",
            "topics": "fishing",
            "channels": "https://hooks.example.org/newswatch?key=secret-value",
            "webhook_secret": "whsec_" + "c2VjcmV0LWtleS1mb3ItdGhlLXdlYmhvb2stdGVzdHM=",
            "mode": "instant",
        },
    )
    assert saved.status_code == 303, saved.text
    page = web.get("/subscriptions").text
    assert "desk" in page and "secret-value" not in page
    assert "Dead letters (1)" in page and "the receiver answered 500" in page
    replayed = web.post("/subscriptions/replay", data={"csrf": csrf, "id": "d1"})
    assert replayed.status_code == 303
    assert store.dead_count() == 0


def test_reading_is_public_only_when_configured(redis_client: redis.Redis) -> None:
    story_with_two_sources(redis_client)
    for web in start(redis_client, web_public=True):
        page = web.get("/", headers=HTML)
        assert page.status_code == 200 and "Valdoria" in page.text
        assert 'action="/feeds/add"' not in web.get("/feeds").text  # no forms before a login
        assert web.post("/feeds/add", data={"address": "https://a.example/"}).status_code == 303


def test_status_page_links_grafana_when_configured(redis_client: redis.Redis) -> None:
    story_with_two_sources(redis_client)
    for web in start(redis_client, web_public=True, grafana_url="https://grafana.example/d/nw"):
        page = web.get("/status").text
        assert "Queue" in page and "Published → alerted" in page
        assert 'href="https://grafana.example/d/nw"' in page


def test_live_events_name_each_new_alert(web: httpx.Client, redis_client: redis.Redis) -> None:
    log_in(web)
    position = AlertEvents(redis_client).position()
    story_id = story_with_two_sources(redis_client)
    alert_id = AlertStore(redis_client).list()[0].id
    seen = ""
    with web.stream("GET", "/web/events", params={"after": position}) as events:
        assert events.headers["content-type"].startswith("text/event-stream")
        for line in events.iter_lines():
            seen += line + "\n"
            if '"kind": "updated"' in line:
                break
    assert f'"alert": "{alert_id}"' in seen and '"kind": "created"' in seen
    assert story_id


def test_topic_editor_marks_a_pasted_text_and_backtests_before_saving(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    story_with_two_sources(redis_client)
    log_in(web)
    csrf = csrf_of(web.get("/topics/new").text)
    form = {"csrf": csrf, "name": "fishing", "query": '"fishing accord" AND herring'}
    tried = web.post(
        "/topics/save",
        data={**form, "action": "try", "sample": "A fishing accord ends the herring dispute."},
    )
    assert tried.status_code == 200
    assert "<strong>Matches</strong>" in tried.text
    assert "A <mark>fishing accord</mark> ends the <mark>herring</mark> dispute." in tried.text

    backtested = web.post("/topics/save", data={**form, "action": "backtest", "days": "30"})
    assert "Backtest: 1 of 2 articles matched in 30 days" in backtested.text
    assert HEADLINE in backtested.text  # the sample of matching titles
    assert CatalogStore(redis_client).topics() == []  # nothing saved by trying

    live = web.post(
        "/web/topics/try",
        json={"query": "herring", "text": "No herring <b>here</b>"},
        headers={"X-CSRF-Token": csrf},
    ).json()
    assert live["matched"] and live["text"] == [["No ", False], ["herring", True],
                                                [" <b>here</b>", False]]  # fmt: skip


def test_alerts_come_page_after_page_and_live_cards_follow_the_filter(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    story_with_two_sources(redis_client)
    catalog = CatalogStore(redis_client)
    catalog.add(Topic("fishing", "fishing"), origin="test")
    catalog.add(Topic("sport", "football"), origin="test")
    catalog.add(Subscription("desk", ("sport",)), origin="test")
    store = AlertStore(redis_client)
    for n in range(55):  # more than a page
        at = datetime.fromtimestamp(NOW - 3600 - n, UTC).isoformat()
        store.add(Alert(f"old{n:03d}", "fishing", at, ["fishing"], f"old fishing {n}", {}))
    log_in(web)
    first = web.get("/", headers=HTML).text
    assert first.count('class="alert"') == 50 and "old048" in first and "old049" not in first
    older = re.search(r'href="(/\?cursor=[^"]+)">Older alerts', first)
    assert older
    second = web.get(older.group(1).replace("&amp;", "&"), headers=HTML).text
    assert (
        second.count('class="alert"') == 6 and "old054" in second and "Older alerts" not in second
    )
    assert "Newest alerts" in second
    assert web.get("/", params={"cursor": "forged"}, headers=HTML).status_code == 400

    alert_id = store.list(topic="fishing")[0].id  # the story's alert, topic fishing
    assert web.get(f"/web/alerts/{alert_id}").status_code == 200
    assert web.get(f"/web/alerts/{alert_id}", params={"topic": "sport"}).status_code == 204
    assert web.get(f"/web/alerts/{alert_id}", params={"subscription": "desk"}).status_code == 204
    assert web.get(f"/web/alerts/{alert_id}", params={"q": "herring"}).status_code == 200
    assert web.get(f"/web/alerts/{alert_id}", params={"q": "football"}).status_code == 204


def test_an_open_live_page_does_not_hold_up_a_stop(redis_url: str) -> None:
    """`newswatch api` asked to stop while a browser listens to the live events: the stream
    ends by itself, so the server stops cleanly (it never has to cancel the request)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(
        NEWSWATCH_REDIS_URL=redis_url, NEWSWATCH_API_PORT=str(port), NEWSWATCH_WEB_PUBLIC="true"
    )
    newswatch = str(Path(sys.executable).parent / "newswatch")
    received: list[str] = []
    with subprocess.Popen(
        [newswatch, "api"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as process:
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for("the API", lambda: httpx.get(f"{base}/healthz", timeout=5).status_code)

            def listen() -> None:
                with httpx.stream("GET", f"{base}/web/events", timeout=None) as events:
                    for line in events.iter_lines():
                        received.append(line)

            listener = threading.Thread(target=listen, daemon=True)
            listener.start()
            wait_for("the stream open", lambda: received)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
            listener.join(10)
            assert not listener.is_alive()  # the server ended the stream
            assert process.stderr is not None
            log = process.stderr.read().decode()
            assert "graceful shutdown exceeded" not in log and "Traceback" not in log
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_a_subscription_is_edited_and_its_channels_tested(redis_client: redis.Redis) -> None:
    receiver = WebhookReceiver(new_secret())
    CatalogStore(redis_client).add(Topic("fishing", "fishing"), origin="test")
    settings = {"allow_private_networks": True, "delivery_ports": "1-65535"}
    with receiver.running():
        for web in start(redis_client, **settings):
            log_in(web)
            csrf = csrf_of(web.get("/subscriptions/new").text)
            form = {"csrf": csrf, "name": "desk", "topics": "fishing", "mode": "instant"}
            saved = web.post(
                "/subscriptions/save",
                data={**form, "channels": receiver.url, "webhook_secret": receiver.secret},
            )
            assert saved.status_code == 303, saved.text
            editor = web.get("/subscriptions/desk").text
            assert receiver.secret not in editor and "Leave empty to keep" in editor
            # a change that leaves the channels and the secret empty keeps them
            changed = web.post(
                "/subscriptions/save", data={**form, "existing": "1", "min_sources": "2"}
            )
            assert changed.status_code == 303, changed.text
            (subscription,) = CatalogStore(redis_client).subscriptions()
            assert subscription.min_sources == 2 and subscription.channels == (receiver.url,)
            assert subscription.webhook_secrets == (receiver.secret,)

            tested = web.post("/subscriptions/desk/test", data={"csrf": csrf})
            assert tested.status_code == 200 and "Test sent" in tested.text
            assert ": delivered" in tested.text and receiver.secret not in tested.text
            (request,) = receiver.wait_for(1)
            assert request.verified


def test_feed_health_shows_at_a_glance(web: httpx.Client, redis_client: redis.Redis) -> None:
    catalog = CatalogStore(redis_client)
    catalog.add(Feed("https://broken.example.org/rss", name="Broken"), origin="test")
    catalog.add(Feed("https://fine.example.org/rss", name="Fine"), origin="test")
    broken, fine = sorted(catalog.feeds(), key=lambda f: f.name)
    states = FeedStateStore(redis_client)
    states.put_state(
        broken.id,
        FeedState(
            last_status="http_error",
            last_polled_at=NOW,
            health=Health.FAILING,
            consecutive_errors=3,
            last_error="the server answered 503 Service Unavailable",
            interval=900,
        ),
    )
    states.put_state(fine.id, FeedState(last_status="ok", last_polled_at=NOW, rate=2.0))
    log_in(web)
    page = web.get("/feeds").text
    assert "1 failing" in page and "1 ok" in page
    assert page.index("Broken") < page.index("Fine")  # the unhealthy first
    assert "the server answered 503 Service Unavailable (3 in a row)" in page
    assert "48.0" in page  # items per day, from the rate per hour


def test_feeds_topics_and_subscriptions_are_removed_from_their_pages(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    catalog = CatalogStore(redis_client)
    catalog.add(Feed("https://a.example.org/rss", name="A"), origin="test")
    catalog.add(Topic("fishing", "fishing"), origin="test")
    catalog.add(Topic("sport", "football"), origin="test")
    catalog.add(Subscription("desk", ("sport",)), origin="test")
    log_in(web)
    csrf = csrf_of(web.get("/feeds").text)
    (feed,) = catalog.feeds()
    assert web.post("/feeds/remove", data={"csrf": csrf, "id": feed.id}).status_code == 303
    assert catalog.feeds() == []
    assert web.post("/topics/fishing/remove", data={"csrf": csrf}).status_code == 303
    # a topic a subscription follows stays, and the page says why
    kept = web.post("/topics/sport/remove", data={"csrf": csrf})
    assert kept.status_code == 409 and "desk" in kept.text
    assert kept.headers["content-type"].startswith("text/html")  # the page, not JSON
    assert web.post("/subscriptions/desk/remove", data={"csrf": csrf}).status_code == 303
    assert web.post("/topics/sport/remove", data={"csrf": csrf}).status_code == 303
    assert catalog.topics() == [] and catalog.subscriptions() == []
    assert web.post("/topics/nope/remove", data={"csrf": csrf}).status_code == 404


def test_a_pack_topic_opens_in_the_editor_saying_so(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    catalog = CatalogStore(redis_client)
    catalog.add(Topic("summits", "unused", pack="summits"), origin="test")
    log_in(web)
    assert "pack: summits" in web.get("/topics").text
    editor = web.get("/topics/summits")
    assert editor.status_code == 200 and "the topic pack's <code>summits</code>" in editor.text


def test_a_pack_topic_longer_than_the_cap_is_not_saved_as_ones_own_query(
    web: httpx.Client, redis_client: redis.Redis
) -> None:
    # the written-out summits query is over the cap on a query people send: saving it from the
    # editor as the topic's own query is refused with the cap, not cut into a malformed query
    written_out = load_pack()["summits"].query
    assert len(written_out) > MAX_QUERY_LENGTH
    catalog = CatalogStore(redis_client)
    catalog.add(Topic("summits", written_out, pack="summits"), origin="test")
    log_in(web)
    csrf = csrf_of(web.get("/topics/summits").text)
    form = {"csrf": csrf, "name": "summits", "query": written_out, "existing": "1"}
    refused = web.post("/topics/save", data={**form, "action": "save"})
    assert refused.status_code == 422
    assert f"the query is longer than {MAX_QUERY_LENGTH} characters" in refused.text
    assert catalog.topics() == [Topic("summits", written_out, pack="summits")]


def test_the_session_cookie_is_secure_when_https_is_in_front(redis_client: redis.Redis) -> None:
    for web in start(redis_client, web_cookie_secure=True):
        form = web.get("/login")
        assert "secure" in form.headers["set-cookie"].lower()
        # (over plain http a client keeps a Secure cookie to itself: here it is sent by hand)
        login_cookie = form.headers["set-cookie"].split(";", 1)[0]
        answer = web.post(
            "/login",
            data={"csrf": csrf_of(form.text), "token": TOKEN},
            headers={"Cookie": login_cookie},
        )
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        assert "nw_session" in cookie and "Secure" in cookie and "HttpOnly" in cookie
