"""The Grafana provisioning and the newswatch dashboard: the datasource every panel names
exists, panel ids are unique, and every query is valid PromQL over declared metrics."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy._support import (
    COMPOSE_FILE,
    DASHBOARD_FILE,
    GRAFANA,
    PROMETHEUS_CONFIG,
    PROMETHEUS_SYNTHETIC,
    declared_metric_names,
    load_yaml,
    promql_metric_names,
    run_promtool,
)
from tests.support.grafana_schema import schema_problems

DATASOURCE_UID = "prometheus"
# Grafana's interval variables, replaced by a duration so promtool can parse the queries.
_GRAFANA_INTERVALS = re.compile(r"\$__(?:rate_interval|interval|range)\b|\$\{__\w+\}")


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    data = json.loads(DASHBOARD_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """All panels, including those nested in collapsed rows."""
    found = []
    for panel in dashboard["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))
    return found


def _queries(dashboard: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (f"{panel['title']} [{target['refId']}]", target["expr"])
        for panel in _panels(dashboard)
        for target in panel.get("targets", [])
    ]


def test_datasource_is_the_compose_prometheus_under_the_fixed_uid() -> None:
    (path,) = (GRAFANA / "provisioning" / "datasources").glob("*.yml")
    datasources = load_yaml(path)["datasources"]
    (prometheus,) = [ds for ds in datasources if ds["uid"] == DATASOURCE_UID]
    assert prometheus["type"] == "prometheus"
    services = load_yaml(COMPOSE_FILE)["services"]
    published = {port.rsplit(":", 1)[-1] for port in services["prometheus"]["ports"]}
    assert prometheus["url"] in {f"http://prometheus:{port}" for port in published}
    scrape_interval = load_yaml(PROMETHEUS_CONFIG)["global"]["scrape_interval"]
    assert prometheus["jsonData"]["timeInterval"] == scrape_interval


def test_dashboard_identity(dashboard: dict[str, Any]) -> None:
    assert dashboard["uid"] == "newswatch"
    assert dashboard["title"]
    assert dashboard["panels"]


def test_panel_ids_are_unique(dashboard: dict[str, Any]) -> None:
    ids = [panel["id"] for panel in _panels(dashboard)]
    assert all(isinstance(i, int) for i in ids)
    assert len(ids) == len(set(ids))


def test_every_panel_queries_the_prometheus_datasource(dashboard: dict[str, Any]) -> None:
    for panel in _panels(dashboard):
        if panel["type"] == "row":
            continue
        title = panel["title"]
        assert panel["datasource"]["uid"] == DATASOURCE_UID, title
        assert panel["targets"], f"{title}: no queries"
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert len(ref_ids) == len(set(ref_ids)), f"{title}: duplicate refId"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID, title
            assert target["expr"].strip(), f"{title}: empty query"


def test_panels_do_not_overlap(dashboard: dict[str, Any]) -> None:
    cells: dict[tuple[int, int], str] = {}
    for panel in dashboard["panels"]:
        pos = panel["gridPos"]
        assert pos["x"] + pos["w"] <= 24, panel["title"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]}"
                cells[(x, y)] = panel["title"]


def test_every_metric_in_the_dashboard_is_declared(dashboard: dict[str, Any]) -> None:
    declared = declared_metric_names() | PROMETHEUS_SYNTHETIC
    for where, expr in _queries(dashboard):
        used = promql_metric_names(expr)
        assert used, f"{where}: no metric found in {expr!r}"
        unknown = used - declared
        assert not unknown, f"{where} uses undeclared metrics {sorted(unknown)}"


def test_dashboard_covers_the_required_views(dashboard: dict[str, Any]) -> None:
    exprs = " ".join(expr for _, expr in _queries(dashboard))
    for required in (
        "sum by (result) (rate(newswatch_feed_polls_total",
        "sum by (reason) (rate(newswatch_feed_poll_errors_total",
        "sum by (result) (rate(newswatch_articles_processed_total",
        "sum by (topic) (increase(newswatch_alerts_created_total",
        "histogram_quantile(0.5, sum by (stage, le) (rate(newswatch_stage_duration_seconds_bucket",
        "histogram_quantile(0.95, sum by (stage, le) (rate(newswatch_stage_duration_seconds_bucket",
        "newswatch_queue_depth",
        "newswatch_pages_fetched_total",
        "rate(newswatch_fetched_bytes_total",
        "sum by (channel, outcome) (rate(newswatch_deliveries_total",
        "newswatch_delivery_latency_seconds_bucket",
        "newswatch_dead_letters",
        "newswatch_digests_sent_total",
    ):
        assert required in exprs


def test_every_dashboard_query_is_valid_promql(dashboard: dict[str, Any], tmp_path: Path) -> None:
    """promtool parses each query (as a recording rule, Grafana's interval variables
    replaced by a duration)."""
    queries = _queries(dashboard)
    rules = [
        {"record": f"dashboard:query_{i}", "expr": _GRAFANA_INTERVALS.sub("5m", expr)}
        for i, (_, expr) in enumerate(queries)
    ]
    path = tmp_path / "dashboard.rules.yml"
    path.write_text(
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}), encoding="utf-8"
    )
    result = run_promtool("check", "rules", path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(queries)} rules found" in result.stdout


def test_dashboard_loads_under_grafanas_schema(dashboard: dict[str, Any]) -> None:
    """Every key is a field of Grafana's dashboard schema at its place, every value of the
    declared type (grafana-foundation-sdk, pinned to the Grafana that compose runs)."""
    assert schema_problems(dashboard) == []


def test_the_schema_check_reports_unknown_keys_and_wrong_values(dashboard: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(dashboard))
    stat = next(p for p in broken["panels"] if p["type"] == "stat")
    stat["gridPoss"] = stat.pop("gridPos")
    stat["options"]["colorMode"] = "neon"
    broken["graphTooltip"] = 7
    problems = "\n".join(schema_problems(broken))
    assert "gridPoss: not a field" in problems
    assert "'neon' is not one of" in problems
    assert "7 is not one of [0, 1, 2]" in problems
