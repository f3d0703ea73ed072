"""The label budget: after `newswatch up` has polled 60 feeds (half of them failing in five
different ways) and matched their articles against 25 topics, every metric on the API's
/metrics has a bounded number of series. Labels take values from closed sets (a result, a
reason, a stage...) or name a configured topic, so the series grow with neither feeds nor
articles, and no label value carries a URL, a host or an id."""

from __future__ import annotations

import re
from collections import defaultdict
from math import prod
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from newswatch.embedded_redis import free_port
from tests.support.origin import Origin, Route
from tests.support.scheduling import items, serve_feed
from tests.support.up import Up, wait_for

pytestmark = pytest.mark.e2e

OK_FEEDS = 30
FAILING = {  # path prefix -> how the feed fails
    "missing": Route(b"gone", status=404),
    "broken": Route(b"oops", status=500),
    "html": Route(b"<html><body><p>Database error</p></body></html>"),
    "slow": Route(b"<rss/>", hang=5.0),  # past the 2 s fetch timeout
}
REFUSED_FEEDS = 6  # a port nothing listens on
TOPICS = 25
# the most values each label may take; a label not listed here fails the test (give it one)
LABEL_VALUES = {
    "result": 5, "reason": 32, "kind": 2, "event": 8, "how": 6, "channel": 16, "outcome": 6,
    "span": 4, "stage": 12, "health": 5, "upto": 6, "queue": 4, "state": 5, "role": 4, "client": 4,
    "read": 2,
}  # fmt: skip
MAX_SERIES = 60  # any metric without a topic label
SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.+-]{1,40}$")  # no URL (no ':' or '/'), no text
HEX_ID = re.compile(r"^[0-9a-f]{12,}$")  # a feed, article or story id


def write_config(origin: Origin, path: Path) -> int:
    lines = ["feeds:"]
    for n in range(OK_FEEDS):
        serve_feed(origin, f"/ok/{n}.xml", items(2 * n, 2 * n + 1))
        lines.append(f"  - url: {origin.url(f'/ok/{n}.xml')}")
    for prefix, route in FAILING.items():
        for n in range(6):
            origin.routes[f"/{prefix}/{n}.xml"] = route
            lines.append(f"  - url: {origin.url(f'/{prefix}/{n}.xml')}")
    closed = free_port()
    lines += [f"  - url: http://127.0.0.1:{closed}/refused/{n}.xml" for n in range(REFUSED_FEEDS)]
    lines.append("topics:")
    for n in range(TOPICS):  # each matches the stories whose number ends in its digit, or none
        lines += [f"  - name: topic-{n}", f'    query: \'"number {n}" OR "number 1{n}"\'']
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def series(text: str) -> dict[str, set[tuple[tuple[str, str], ...]]]:
    """Metric family -> its distinct label sets (a histogram's ``le`` left out)."""
    found: dict[str, set[tuple[tuple[str, str], ...]]] = defaultdict(set)
    for family in text_string_to_metric_families(text):
        if not family.name.startswith("newswatch_"):
            continue
        for sample in family.samples:
            labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "le"))
            found[family.name].add(labels)
    return found


def test_every_metric_stays_within_its_label_budget(origin: Origin, tmp_path: Path) -> None:
    config = tmp_path / "newswatch.yaml"
    write_config(origin, config)
    feeds = OK_FEEDS + 6 * len(FAILING) + REFUSED_FEEDS
    up = Up(
        config, tmp_path / "data", tmp_path / "up.log", workers=1,
        extra_env={"NEWSWATCH_FETCH_TIMEOUT": "2", "NEWSWATCH_POLL_INTERVAL_MIN": "30"},
    )  # fmt: skip
    try:
        wait_for("every feed polled", lambda: up.metric("newswatch_feed_polls_total") >= feeds)
        wait_for(
            "every article processed",
            lambda: up.metric("newswatch_articles_processed_total") >= 2 * OK_FEEDS,
        )
        text = up.http.get("/metrics").text
        assert up.metric("newswatch_alerts_created_total") > 0
    finally:
        assert up.stop() == 0, up.log.read_text()[-4000:]

    found = series(text)
    assert len(found) > 20, "the run exposed the metrics it is meant to test"
    assert len(found["newswatch_feed_poll_errors"]) >= 4  # failing several ways was seen
    assert len(found["newswatch_alerts_created"]) > 1
    for name, label_sets in found.items():
        names = {key for labels in label_sets for key, _ in labels}
        if "topic" in names:
            budget = TOPICS
        else:
            assert names <= LABEL_VALUES.keys(), f"{name}: labels without a budget: {names}"
            budget = min(MAX_SERIES, prod(LABEL_VALUES[key] for key in names))
        assert len(label_sets) <= budget, f"{name}: {len(label_sets)} series > {budget}"
        for labels in label_sets:
            for key, value in labels:
                assert SAFE_VALUE.match(value), f"{name}{{{key}={value!r}}}: not a closed value"
                assert "127.0.0.1" not in value and not HEX_ID.match(value), (name, key, value)
