"""The alerting rules only use metrics newswatch declares (and the PromQL name extractor the
deployment tests rely on reads expressions correctly)."""

from __future__ import annotations

import pytest

from tests.deploy._support import (
    PROMETHEUS_SYNTHETIC,
    RULES_FILE,
    declared_metric_names,
    load_yaml,
    promql_metric_names,
)


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        (
            "histogram_quantile(0.95, sum by (stage, le) (rate(newswatch_stage_duration_seconds"
            '_bucket{stage="extract", job=~"newswatch-.*"}[$__rate_interval])))',
            {"newswatch_stage_duration_seconds_bucket"},
        ),
        (
            "sum(rate(a_total[15m])) / sum(rate(b_total[15m] offset 1h)) > 0.25 "
            "and on() sum(increase(b_total[15m])) >= 1e3",
            {"a_total", "b_total"},
        ),
        ('absent(up{job="newswatch-worker"} == 1)', {"up"}),
        ("(sum(increase(x_total[30m])) or vector(0)) == 0", {"x_total"}),
        ("max(deriv(depth[30m:1m])) by (job) unless ignoring(instance) other", {"depth", "other"}),
        ('label_replace(m, "dst", "$1", "src", "(.*)")', {"m"}),
    ],
)
def test_promql_metric_names_extracts_selectors_only(expr: str, names: set[str]) -> None:
    assert promql_metric_names(expr) == names


def test_declared_names_follow_exposition_forms() -> None:
    names = declared_metric_names()
    assert "newswatch_feed_polls_total" in names
    assert "newswatch_feed_polls" not in names  # counters are exposed as _total only
    assert {
        "newswatch_stage_duration_seconds_bucket",
        "newswatch_stage_duration_seconds_count",
        "newswatch_stage_duration_seconds_sum",
    } <= names
    assert "newswatch_queue_depth" in names


def test_every_metric_in_the_rules_is_declared() -> None:
    declared = declared_metric_names() | PROMETHEUS_SYNTHETIC
    groups = load_yaml(RULES_FILE)["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert rules, "no rules found"
    for rule in rules:
        used = promql_metric_names(rule["expr"])
        assert used, f"{rule['alert']}: no metric found in {rule['expr']!r}"
        unknown = used - declared
        assert not unknown, f"{rule['alert']} uses undeclared metrics {sorted(unknown)}"
