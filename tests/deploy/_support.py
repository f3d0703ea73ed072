"""Shared helpers for the deployment tests: file locations, the promtool binary, the metric
names newswatch declares, and metric names used by a PromQL expression."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

import newswatch.metrics

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
PROMETHEUS_CONFIG = DEPLOY / "prometheus" / "prometheus.yml"
RULES_FILE = DEPLOY / "prometheus" / "rules" / "newswatch.rules.yml"
RULES_TEST_FILE = DEPLOY / "prometheus" / "tests" / "rules_test.yml"
GRAFANA = DEPLOY / "grafana"
DASHBOARD_FILE = GRAFANA / "dashboards" / "newswatch.json"

# Series Prometheus itself attaches to every target; not declared by newswatch.
PROMETHEUS_SYNTHETIC = frozenset({"up"})


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def promtool(search_path: str | None = None, fallback: Path = Path("/usr/bin/promtool")) -> str:
    """The promtool binary (on PATH, else Debian's location); a missing one fails the test,
    it must never be skipped."""
    found = shutil.which("promtool", path=search_path)
    if found is None and fallback.is_file():
        found = str(fallback)
    if found is None:
        pytest.fail(
            "promtool not found on PATH: install Debian's 'prometheus' package "
            "(apt-get install --no-install-recommends prometheus); `make test` installs it as root",
            pytrace=False,
        )
    return found


def run_promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )


def declared_metric_names() -> frozenset[str]:
    """Every series name the metrics in newswatch.metrics expose, in exposition form
    (counters as ``_total``/``_created``, histograms as ``_bucket``/``_count``/``_sum``...),
    and the gauges the API reads from Redis at scrape time."""
    suffixes = {
        "counter": ("_total", "_created"),
        "gauge": ("",),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "summary": ("", "_count", "_sum", "_created"),
        "info": ("_info",),
        "stateset": ("",),
        "enum": ("",),
    }
    names: set[str] = set()
    names.update(newswatch.metrics.SCRAPE_TIME_GAUGES)  # read from Redis at scrape time
    for obj in vars(newswatch.metrics).values():
        if not isinstance(obj, MetricWrapperBase):
            continue
        for family in obj.describe():
            names.update(family.name + suffix for suffix in suffixes[family.type])
    return frozenset(names)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_BRACES = re.compile(r"\{[^{}]*\}")
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_LABEL_LISTS = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", re.IGNORECASE
)
_GRAFANA_VARS = re.compile(r"\$\{[^}]*\}|\$\w+")
_IDENT = re.compile(r"(?<![\w.:])([A-Za-z_:][A-Za-z0-9_:]*)(?![\w:]|\s*\()")
_KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring"}
    | {"group_left", "group_right", "inf", "nan", "atan2", "start", "end"}
)


def promql_metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects: identifiers that are not function names,
    keywords, label names (in ``{...}`` or ``by (...)``), durations or numbers."""
    text = _STRING.sub('""', expr)
    text = _GRAFANA_VARS.sub("1m", text)
    text = _BRACES.sub(" ", text)
    text = _BRACKETS.sub(" ", text)
    text = _LABEL_LISTS.sub(" ", text)
    return {m for m in _IDENT.findall(text) if m.lower() not in _KEYWORDS}
