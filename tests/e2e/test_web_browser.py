"""The web pages in a real browser: Playwright drives Debian's chromium against a running
`newswatch up` fed by local origins on two loopback hosts (two publishers).

One walk through, as a new user would: log in with the API token; write a topic in the editor,
where a bad query shows its fault's position first, see its words marked in a pasted text and
backtest it; publish an article at the origin and see its alert appear on the open alerts
page without a reload; open its story and see two sources once a copy arrives from the second
feed; a hostile title renders as text; a feed added by its site's address and another by an
OPML upload. Every page is screenshotted (printed at the end of the
run, under .artefacts/web/), checked by axe-core for serious or critical accessibility
violations, and watched for Content-Security-Policy violations."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from playwright.sync_api import Page, expect, sync_playwright

from newswatch.store.connection import connect
from newswatch.store.feeds import FeedStateStore
from tests.support.browser import artefacts, axe_violations, launch
from tests.support.origin import Origin, Route, rss
from tests.support.pages import article_page
from tests.support.stories import HEADLINE, UNRELATED, outlet_copies
from tests.support.up import Up, wait_for

pytestmark = pytest.mark.e2e

RSS = "application/rss+xml"
EARLIER_TITLE = "Herring quotas: fishing accord talks resume between the two fleets"
EARLIER = [
    "Negotiators for the two fleets met again on Monday to discuss a fishing accord after "
    "months in which trawlers stayed in port over the herring quotas.",
    "Both delegations said they hoped to agree on a joint commission of marine scientists "
    "that would set catch limits from survey data each autumn.",
    *UNRELATED[1][1],
]
HOSTILE_TITLE = '<script>window.__owned = 1</script> Harbour <img src=x onerror="window.__owned=2">'
HOSTILE = [
    "Harbour masters welcomed the fishing accord but said the quay needs new moorings before "
    "the larger trawlers return in the spring.",
    *UNRELATED[0][1],
]


class Site:
    """One publisher: an origin whose feed lists what it has published so far."""

    def __init__(self, origin: Origin, feed: str, name: str) -> None:
        self.origin, self.feed, self.name = origin, feed, name
        self.items: list[dict[str, str]] = []
        self._publish_feed()

    def _publish_feed(self) -> None:
        self.origin.routes[self.feed] = Route(rss(self.name, self.items), content_type=RSS)

    def publish(self, slug: str, title: str, page: bytes) -> None:
        path = f"/news/{slug}.html"
        self.origin.routes[path] = Route(page)
        self.items.insert(0, {"title": title, "link": self.origin.url(path), "guid": slug})
        self._publish_feed()

    @property
    def url(self) -> str:
        return self.origin.url(self.feed)


@pytest.fixture
def sites() -> Iterator[tuple[Site, Site]]:
    with (
        Origin(hosts=("127.0.0.1",)).running() as first,
        Origin(hosts=("127.0.0.2",)).running() as second,
    ):
        yield Site(first, "/news.xml", "Harbour Herald"), Site(second, "/wire.xml", "Wire")


class Instance:
    """`newswatch up` with the two sites' feeds, and a way to have a feed polled now."""

    def __init__(self, tmp_path: Path, sites: tuple[Site, Site]) -> None:
        config = tmp_path / "newswatch.yaml"
        feeds = [{"url": s.url, "name": s.name, "interval": 600} for s in sites]
        config.write_text(yaml.safe_dump({"feeds": feeds, "topics": []}))
        self.data = tmp_path / "data"
        self.up = Up(config, self.data, tmp_path / "up.log")
        self.client: redis.Redis = connect((self.data / "redis.url").read_text().strip())
        self.base = f"http://127.0.0.1:{self.up.port}"
        wait_for("the first polls", lambda: all(s.origin.hits(s.feed) for s in sites))
        wait_for("the first polls recorded", lambda: all(
            f["last_polled_at"] for f in self.up.get("/api/feeds")["feeds"]))  # fmt: skip

    @property
    def token(self) -> str:
        return (self.data / "api-token").read_text().strip()

    def poll_now(self, site: Site) -> None:
        """The scheduler polls the feed at its next look at the schedule (a quarter second),
        not in ten minutes."""
        (feed_id,) = [f["id"] for f in self.up.get("/api/feeds")["feeds"] if f["url"] == site.url]
        before = site.origin.hits(site.feed)
        store = FeedStateStore(self.client)

        def polled() -> bool:
            store.reschedule(feed_id, time.time())
            return site.origin.hits(site.feed) > before

        wait_for(f"a poll of {site.name}", polled)

    def stop(self) -> None:
        self.client.close()
        assert self.up.stop() == 0, self.up.log.read_text()[-4000:]


class Visit:
    """The browser's page, with a screenshot, an axe-core check and the CSP reports of every
    page it shows."""

    def __init__(self, page: Page, base: str, shots: Path) -> None:
        self.page, self.base, self.shots = page, base, shots
        self.csp_violations: list[str] = []
        self.checked: dict[str, list[dict[str, Any]]] = {}
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def record(self, name: str) -> None:
        """Screenshot the page as it is now, and check its accessibility."""
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)
        self.checked[name] = axe_violations(self.page)


def test_the_web_pages_in_a_real_browser(tmp_path: Path, sites: tuple[Site, Site]) -> None:
    first, second = sites
    shots = artefacts("web")
    copies = outlet_copies()
    # an earlier article about the same fishing dispute, stored before any topic exists
    first.publish("earlier", EARLIER_TITLE, article_page(EARLIER_TITLE, EARLIER))
    instance = Instance(tmp_path, sites)
    try:
        wait_for("the earlier article stored", lambda: instance.up.get("/api/stories")["stories"])
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                visit = Visit(context.new_page(), instance.base, shots)
                walk_through(visit, instance, first, second, copies)
                phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
                on_a_phone(Visit(phone.new_page(), instance.base, shots), visit, instance)
            finally:
                browser.close()
    finally:
        instance.stop()
    assert visit.csp_violations == [], visit.csp_violations
    serious = {name: found for name, found in visit.checked.items() if found}
    assert serious == {}, f"serious or critical accessibility violations: {serious}"
    assert len(visit.checked) >= 16
    print(f"\nweb screenshots: {shots}")


def walk_through(
    visit: Visit, instance: Instance, first: Site, second: Site, copies: list[tuple[str, bytes]]
) -> None:
    page = visit.page
    # reading needs the login: the alerts page sends a browser to the login form
    visit.go("/")
    expect(page).to_have_url(f"{instance.base}/login?next=%2F")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    visit.record("login")
    page.get_by_label("API token").fill(instance.token)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Alerts")).to_be_visible()
    page.keyboard.press("Tab")  # the first stop of the keyboard is the skip link
    expect(page.locator(":focus")).to_have_text("Skip to content")

    write_the_topic(visit)

    # the alerts page is open; an article is published at the origin; it appears, no reload
    visit.go("/")
    expect(page.locator("#live")).to_contain_text("Live")
    page.evaluate("window.__sameDocument = true")
    first.publish("accord", HEADLINE, copies[0][1])
    instance.poll_now(first)
    card = page.locator("#alerts li", has_text=HEADLINE)
    expect(card).to_be_visible(timeout=60_000)
    assert page.evaluate("window.__sameDocument") is True  # the same page: no reload
    expect(card.locator("mark").first).to_be_visible()
    visit.record("alerts")

    # a copy from the second publisher joins the story: its page shows both sources
    second.publish("accord-copy", copies[1][0], copies[1][1])
    instance.poll_now(second)
    wait_for("the copy in the story", lambda: any(
        s["sources_count"] == 2 for s in instance.up.get("/api/stories")["stories"]))  # fmt: skip
    expect(card).to_contain_text("+1 sources", timeout=30_000)  # the live update, too
    card.get_by_role("link", name=HEADLINE, exact=True).click()
    expect(page.get_by_role("heading", name="Sources (2)")).to_be_visible()
    expect(page.locator("#sources li")).to_have_count(2)
    expect(page.locator("#sources")).to_contain_text("127.0.0.2")
    visit.record("story")

    # a hostile title is shown as the text it is; nothing of it runs
    visit.go("/")
    first.publish("hostile", HOSTILE_TITLE, article_page("Harbour moorings", HOSTILE))
    instance.poll_now(first)
    hostile = page.locator("#alerts li", has_text="window.__owned = 1")
    expect(hostile).to_be_visible(timeout=60_000)
    expect(hostile.locator("h3")).to_contain_text(HOSTILE_TITLE)
    page.reload()
    expect(page.locator("#alerts h3", has_text="<script>")).to_be_visible()
    assert page.evaluate("window.__owned") is None
    assert page.locator("#alerts script, #alerts img").count() == 0

    add_feeds(visit, first, second)

    for path, name in (("/feeds", "feeds"), ("/topics", "topics"),
                       ("/subscriptions", "subscriptions"), ("/status", "status")):  # fmt: skip
        visit.go(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        visit.record(name)
    expect(page.locator("#alerts-hour")).not_to_have_text("0")


def add_feeds(visit: Visit, first: Site, second: Site) -> None:
    """A feed added by its site's address (the page announces it), another by uploading an
    OPML list (another reader's export)."""
    page = visit.page
    blog = Site(first.origin, "/blog/feed.xml", "Harbour Blog")
    first.origin.routes["/blog/"] = Route(
        b'<!doctype html><html lang="en"><head><title>The blog</title><link rel="alternate" '
        b'type="application/rss+xml" href="/blog/feed.xml"></head><body>Posts</body></html>'
    )
    visit.go("/feeds")
    page.get_by_label("Feed or site address").fill(first.origin.url("/blog/"))
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Added Harbour Blog")
    expect(page.locator("#feeds")).to_contain_text(blog.url)

    opinion = Site(second.origin, "/opinion.xml", "Opinion")
    listing = visit.shots / "reader-export.opml"  # kept with the screenshots
    listing.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>Reader</title></head><body>'
        f'<outline type="rss" text="Opinion pages" xmlUrl="{opinion.url}"/></body></opml>'
    )
    page.get_by_label("An OPML file").set_input_files(listing)
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status")).to_contain_text("1 entries: 1 added")
    expect(page.locator("#feeds")).to_contain_text("Opinion pages")


def write_the_topic(visit: Visit) -> None:
    page = visit.page
    visit.go("/topics")
    page.get_by_role("link", name="New topic").click()
    page.get_by_label("Name").fill("fishing")
    query = page.get_by_label("Query")
    # the check as you type: the fault's position is marked before anything is saved
    query.fill("fishing AND (accord OR agreement")
    fault = page.locator("#query-status mark.fault")
    expect(fault).to_be_visible()
    expect(page.locator("#query-status")).to_contain_text("position")
    expect(query).to_have_attribute("aria-invalid", "true")
    visit.record("topic-editor-fault")
    query.fill("fishing AND (accord OR agreement)")
    expect(page.locator("#query-status")).to_contain_text("The query is valid")
    # the words it finds, marked in a pasted text as it is pasted
    page.get_by_label("Paste a text").fill("The fishing accord was signed at dawn.")
    expect(page.locator("#sample-result mark", has_text="fishing")).to_be_visible()
    expect(page.locator("#sample-result")).to_contain_text("Matches")
    # the backtest over what is stored: the earlier article would have matched
    page.get_by_label("Backtest over the articles stored in the last").select_option("7")
    page.get_by_role("button", name="Backtest").click()
    result = page.locator("#backtest-result")
    expect(result).to_contain_text("1 of 1 articles matched")
    expect(result).to_contain_text(EARLIER_TITLE)
    visit.record("topic-editor-backtest")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved fishing")
    expect(page.locator("#topics")).to_contain_text("fishing")


def on_a_phone(phone: Visit, desktop: Visit, instance: Instance) -> None:
    """Every page at a phone's width: nothing wider than the screen."""
    phone.go("/login")
    phone.page.get_by_label("API token").fill(instance.token)
    phone.page.get_by_role("button", name="Log in").click()
    expect(phone.page.get_by_role("heading", name="Alerts")).to_be_visible()
    story = phone.page.locator("#alerts h3 a").first.get_attribute("href")
    pages = {"alerts": "/", "story": story, "topics": "/topics", "topic-editor": "/topics/new",
             "feeds": "/feeds", "subscriptions": "/subscriptions", "status": "/status"}  # fmt: skip
    for name, path in pages.items():
        phone.go(str(path))
        expect(phone.page.get_by_role("heading", level=1)).to_be_visible()
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"
        phone.record(f"phone-{name}")
    desktop.checked.update(phone.checked)
    desktop.csp_violations += phone.csp_violations
