"""The README's metrics catalogue and newswatch/metrics.py name the same metrics, with the
same type and label names: a metric added without a row, or a row left for a removed metric,
fails here."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client.metrics import MetricWrapperBase

from newswatch import metrics

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def catalogue() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Metric -> (type, label names) from the README's table."""
    section = README.split("#### Metrics catalogue", 1)[1].split("\n#", 1)[0]
    rows: dict[str, tuple[str, tuple[str, ...]]] = {}
    for line in section.splitlines():
        if not line.startswith("| `newswatch_"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == 5, f"a catalogue row has 5 columns: {line}"
        name, kind, unit, labels, meaning = cells
        assert unit and meaning, f"unit and meaning are stated: {line}"
        assert name.strip("`") not in rows, f"{name} listed twice"
        rows[name.strip("`")] = (kind, tuple(re.findall(r"`([a-z_]+)`", labels)))
    return rows


def declared() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Metric -> (type, label names) as exposed: counters under their ``_total`` name."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for obj in vars(metrics).values():
        if isinstance(obj, MetricWrapperBase):
            name = obj._name + ("_total" if obj._type == "counter" else "")
            found[name] = (obj._type, tuple(obj._labelnames))
    for name, (_, labels) in metrics.SCRAPE_TIME_GAUGES.items():
        found[name] = ("gauge", labels)
    return found


def test_every_metric_is_in_the_catalogue_and_every_row_is_a_metric() -> None:
    rows, code = catalogue(), declared()
    assert sorted(code.keys() - rows.keys()) == [], "metrics missing from the README catalogue"
    assert sorted(rows.keys() - code.keys()) == [], "README catalogue rows for no metric"


def test_the_catalogue_states_each_metrics_type_and_labels() -> None:
    rows = catalogue()
    for name, (kind, labels) in declared().items():
        assert rows[name] == (kind, labels), f"{name}: README says {rows[name]}"
