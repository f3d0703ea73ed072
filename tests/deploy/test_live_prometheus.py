"""The dashboard and the alerting rules, proven against a real Prometheus scraping a running
`newswatch up` that processes local feeds.

The run is built so every panel has something to show: a story carried by two feeds (an
alert per topic, and a duplicate), a page that is not there (a failed page fetch), a page
that is JSON (an extraction failure) and a feed that is an HTML error page (a failed poll).
Then every panel query and every rule expression goes through Prometheus's query API: each
must parse and return data, and every rule must evaluate without error.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import yaml

from newswatch.core.freshness import Span
from tests.deploy._support import DASHBOARD_FILE, RULES_FILE, load_yaml
from tests.support.origin import Origin, Route, rss
from tests.support.pages import UNRELATED_PARAGRAPHS, UNRELATED_TITLE, article_page
from tests.support.prometheus import Prometheus, QueryError, running_prometheus
from tests.support.receivers import Reply, WebhookReceiver, new_secret
from tests.support.up import Up, wait_for

pytestmark = pytest.mark.e2e

# two waves, each with its own stories (a copy of the first wave's would join its story)
STORIES = {
    1: {
        "summit": (
            "Leaders meet at lakeside summit to agree on border talks",
            [
                "The presidents of the two neighbouring countries met on Tuesday at a lakeside "
                "summit, their first face-to-face talks in three years, and agreed to reopen the "
                "border crossings.",
                "Officials said the leaders spent four hours together, first alone with their "
                "interpreters and then with their foreign and trade ministers, before signing a "
                "short joint statement.",
                "Traders on both sides of the border welcomed the news; lorries have waited for "
                "days at the only crossing left open, and fruit growers lost much of last season's "
                "harvest.",
            ],
        ),
        "gardens": (UNRELATED_TITLE, UNRELATED_PARAGRAPHS),
    },
    2: {
        "summit": (
            "Island presidents hold a summit on fishing rights",
            [
                "Presidents from seven island nations gathered in a harbour town for a "
                "two-day summit on fishing rights, shipping lanes and the price of diesel.",
                "The leaders want foreign trawlers licensed by one common register and inspected "
                "at sea by patrol boats that the smaller states would share.",
                "A final communique is expected on Friday evening after a dinner hosted by the "
                "oldest of the presidents, who has led his country for eighteen years.",
            ],
        ),
        "gardens": (
            "Village orchard saved by volunteers",
            [
                "An orchard of old cider apple trees at the edge of the village has been bought "
                "by its neighbours, who raised the money in a month of cake sales and concerts.",
                "The trees, some planted a century ago, will be pruned by a retired forester who "
                "offered to teach anyone willing to climb a ladder on a cold morning.",
                "Next spring the group will graft young trees from the oldest varieties so that "
                "the orchard outlives everyone who saved it.",
            ],
        ),
    },
}
TOPICS = [
    {"name": "summits", "query": "summit AND (leaders OR presidents)"},
    {"name": "gardens", "query": "allotment OR orchard"},
]
# Grafana's interval variables: a window covering the whole run, so every rate has samples
_GRAFANA_INTERVALS = re.compile(r"\$__(?:rate_interval|interval|range)\b|\$\{__\w+\}")
WINDOW = "10m"
TOKEN = "live-prometheus-test-token-0123456789"


def _recent(minutes: int) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(minutes=minutes), usegmt=True)


def _site(origin: Origin, wave: int) -> list[str]:
    """One wave of news: its own feeds and pages (a story told anew, so not a copy of the
    last wave's); returns the feed paths."""
    summit = origin.url(f"/world/summit-{wave}.html")
    (summit_title, story), (gardens_title, gardens) = STORIES[wave].values()
    origin.routes[f"/world/summit-{wave}.html"] = Route(article_page(summit_title, story))
    origin.routes[f"/local/gardens-{wave}.html"] = Route(article_page(gardens_title, gardens))
    origin.routes[f"/data/figures-{wave}.html"] = Route(b'{"figures": [1, 2, 3]}')  # no HTML
    feed = "application/rss+xml"
    origin.routes[f"/news-{wave}.xml"] = Route(
        rss("News", [
            {"title": summit_title, "link": summit, "guid": "n1", "pubDate": _recent(3)},
            {"title": gardens_title, "link": origin.url(f"/local/gardens-{wave}.html"),
             "guid": "n2", "pubDate": _recent(2)},
            {"title": "Gone", "link": origin.url(f"/world/deleted-{wave}.html"), "guid": "n3"},
            {"title": "Figures", "link": origin.url(f"/data/figures-{wave}.html"), "guid": "n4"},
        ]),
        content_type=feed,
    )  # fmt: skip
    # the same story from a wire feed: a duplicate
    origin.routes[f"/wire-{wave}.xml"] = Route(
        rss("Wire", [{"title": summit_title, "link": summit + "?utm_source=rss", "guid": "w1",
                      "pubDate": _recent(1)}]),
        content_type=feed,
    )  # fmt: skip
    origin.routes[f"/broken-{wave}.xml"] = Route(
        b"<html><body><p>Database error</p></body></html>", content_type="text/html"
    )
    return [f"/news-{wave}.xml", f"/wire-{wave}.xml", f"/broken-{wave}.xml"]


@dataclass
class Live:
    up: Up
    prometheus: Prometheus


def _subscriptions(desk: WebhookReceiver, gone: WebhookReceiver) -> list[dict[str, Any]]:
    """Deliveries of every outcome the delivery panels show: sent (desk), disabled and dead
    (gone answers 410 Gone), and a digest (the shortest period)."""
    return [
        {"name": "desk", "topics": ["summits", "gardens"], "channels": [desk.url],
         "webhook_secrets": [desk.secret]},
        {"name": "gone", "topics": ["gardens"], "channels": [gone.url],
         "webhook_secrets": [gone.secret]},
        {"name": "daily", "topics": ["summits"], "mode": "digest", "digest": "60s",
         "channels": [desk.url], "webhook_secrets": [desk.secret]},
    ]  # fmt: skip


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """newswatch up starts with the topics and subscriptions alone; two waves of feeds are
    added through the API once Prometheus scrapes it. A series Prometheus first sees with its
    final value shows no rate, so the second wave is what every rate and quantile is computed
    from."""
    tmp = tmp_path_factory.mktemp("live-prometheus")
    origin = Origin()
    desk = WebhookReceiver(new_secret())
    gone = WebhookReceiver(new_secret(), script=[Reply(status=410)] * 10)
    with origin.running(), desk.running(), gone.running():
        config = tmp / "newswatch.yaml"
        config.write_text(
            yaml.safe_dump(
                {"feeds": [], "topics": TOPICS, "subscriptions": _subscriptions(desk, gone)}
            )
        )
        up = Up(
            config,
            tmp / "data",
            tmp / "up.log",
            extra_env={"NEWSWATCH_API_TOKEN": TOKEN, "NEWSWATCH_DELIVERY_PORTS": "1-65535"},
        )
        try:
            with running_prometheus(
                tmp, {"newswatch-api": f"127.0.0.1:{up.port}"}, [RULES_FILE.resolve()]
            ) as prometheus:
                wait_for("Prometheus scraping newswatch", prometheus.targets_up, deadline=60)
                for wave in (1, 2):
                    prometheus.scraped_once_more()
                    for path in _site(origin, wave):
                        _add_feed(up, origin.url(path), path.strip("/"))
                    _wait_for_the_run(up, wave)
                wait_for(
                    "a digest sent",
                    lambda: up.metric("newswatch_digests_sent_total") >= 1,
                    deadline=180,
                )
                prometheus.scraped_once_more()
                prometheus.scraped_once_more()
                yield Live(up, prometheus)
        finally:
            up.stop()


def _add_feed(up: Up, url: str, name: str) -> None:
    response = up.http.post(
        "/api/feeds",
        json={"url": url, "name": name, "interval": 600},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 201, response.text


def _wait_for_the_run(up: Up, wave: int) -> None:
    """Everything the panels show has happened ``wave`` times: alerts, a duplicate, failures
    of each kind, deliveries sent; and a channel was disabled (once: it then stays so)."""
    for what, name, labels, least in [
        ("alerts for both topics", "newswatch_alerts_created_total", {}, 2 * wave),
        ("a duplicate", "newswatch_articles_processed_total", {"result": "duplicate"}, wave),
        ("an extraction failure", "newswatch_extraction_failures_total", {}, wave),
        ("a failed page fetch", "newswatch_pages_fetched_total", {"result": "error"}, wave),
        ("a failed poll", "newswatch_feed_poll_errors_total", {}, wave),
        ("deliveries sent", "newswatch_deliveries_total", {"outcome": "sent"}, wave),
        ("a channel gone", "newswatch_deliveries_total", {"outcome": "disabled"}, 1),
    ]:
        wait_for(
            f"{what} (wave {wave})", lambda n=name, lb=labels, k=least: up.metric(n, **lb) >= k
        )


def _panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def _panel_queries() -> list[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD_FILE.read_text(encoding="utf-8"))
    return [
        (f"{panel['title']} [{target['refId']}]", _GRAFANA_INTERVALS.sub(WINDOW, target["expr"]))
        for panel in _panels(dashboard)
        for target in panel.get("targets", [])
    ]


def _rules() -> list[dict[str, Any]]:
    return [rule for group in load_yaml(RULES_FILE)["groups"] for rule in group["rules"]]


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_SPLIT_WORDS = re.compile(r"(and|or|unless)\b")


def operands(expr: str) -> list[str]:
    """The top-level operands of ``expr`` around its set operators (and, or, unless) and its
    comparisons (a comparison filters: ``x > 100`` is empty until x exceeds 100, so what must
    return data is ``x``). Numbers are left out."""
    parts: list[str] = []
    depth, start, i, quote = 0, 0, 0, ""
    while i < len(expr):
        char = expr[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0:
            op = _operator_at(expr, i)
            if op:
                parts.append(expr[start:i])
                i += len(op)
                if expr[i:].lstrip().startswith("bool"):
                    i = expr.index("bool", i) + len("bool")
                start = i
                continue
        i += 1
    parts.append(expr[start:])
    return [p.strip() for p in parts if p.strip() and not _NUMBER.match(p.strip())]


def _operator_at(expr: str, i: int) -> str:
    for op in ("==", "!=", ">=", "<=", ">", "<"):
        if expr.startswith(op, i):
            return op
    previous = expr[i - 1] if i else " "
    match = _SPLIT_WORDS.match(expr, i)
    if match and not (previous.isalnum() or previous in "_:"):
        return match.group(1)
    return ""


@pytest.mark.parametrize(
    ("expr", "parts"),
    [
        ("sum(rate(a[5m])) / sum(rate(b[5m])) > 0.25 and sum(increase(b[5m])) >= 10",
         ["sum(rate(a[5m])) / sum(rate(b[5m]))", "sum(increase(b[5m]))"]),
        ('(sum(x) or vector(0)) == 0 and y{a="b>c"} > bool 1',
         ["(sum(x) or vector(0))", 'y{a="b>c"}']),
        ('absent(up{job="s"} == 1)', ['absent(up{job="s"} == 1)']),
        ("max(depth) > 100 unless max(sorting_total) < 3", ["max(depth)", "max(sorting_total)"]),
    ],
)  # fmt: skip
def test_operands_split_at_top_level_comparisons_and_set_operators(
    expr: str, parts: list[str]
) -> None:
    assert operands(expr) == parts


def _has_data(samples: list[dict[str, Any]]) -> bool:
    return any(math.isfinite(float(sample["value"][1])) for sample in samples)


def test_every_dashboard_panel_query_returns_data(live: Live) -> None:
    queries = _panel_queries()
    assert queries
    empty = []
    for where, expr in queries:
        try:
            samples = live.prometheus.query(expr)
        except QueryError as exc:
            pytest.fail(f"{where}: Prometheus refused {expr!r}: {exc}")
        if not _has_data(samples):
            empty.append(f"{where}: {expr}")
    assert not empty, "panels without data:\n" + "\n".join(empty)


def test_every_rule_expression_parses_and_its_operands_return_data(live: Live) -> None:
    rules = _rules()
    assert rules
    empty = []
    for rule in rules:
        name = rule.get("alert") or rule.get("record")
        try:
            live.prometheus.query(rule["expr"])  # parses and evaluates (empty: not firing)
            for operand in operands(rule["expr"]):
                if not live.prometheus.query(operand):
                    empty.append(f"{name}: {operand}")
        except QueryError as exc:
            pytest.fail(f"{name}: Prometheus refused {rule['expr']!r}: {exc}")
    assert not empty, "rule operands without data:\n" + "\n".join(empty)


def test_prometheus_loads_and_evaluates_every_rule(live: Live) -> None:
    expected = {rule.get("alert") or rule.get("record") for rule in _rules()}

    def evaluated() -> dict[str, dict[str, Any]]:
        found = {
            rule["name"]: rule
            for group in live.prometheus.rule_groups()
            for rule in group["rules"]
            if rule.get("lastEvaluation", "").startswith("2")  # evaluated at least once
            and not rule["lastEvaluation"].startswith("0001")
        }
        return found if set(found) >= expected else {}

    rules = wait_for("every rule evaluated", evaluated, deadline=60)
    assert set(rules) == expected
    broken = {name: rule.get("lastError") for name, rule in rules.items() if rule["health"] != "ok"}
    assert not broken


def test_a_query_prometheus_cannot_parse_is_reported(live: Live) -> None:
    """The checks above are live: a typo in a query fails them."""
    with pytest.raises(QueryError, match="parse"):
        live.prometheus.query("sum(rate(newswatch_feed_polls_total[5m])")
    assert not live.prometheus.query("newswatch_metric_that_does_not_exist")


def test_freshness_is_measured_for_every_span(live: Live) -> None:
    """Each span of the run was observed; the quantiles are printed (pytest -s) as the
    figures of a local run."""
    for span in Span:
        (count,) = live.prometheus.query(
            f'sum(newswatch_freshness_seconds_count{{span="{span.value}"}})'
        )
        assert float(count["value"][1]) >= 1, span
        figures = []
        for phi in (0.5, 0.95, 0.99):
            (sample,) = live.prometheus.query(
                f"histogram_quantile({phi}, sum by (le) "
                f'(newswatch_freshness_seconds_bucket{{span="{span.value}"}}))'
            )
            figures.append(f"p{round(phi * 100)} {float(sample['value'][1]):.3g} s")
        print(f"freshness {span.value}: {', '.join(figures)} (n={count['value'][1]})")
