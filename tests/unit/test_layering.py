"""The dependency rules of DESIGN.md: scheduler -> newswatch <- worker; core is pure."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IO_MODULES = {"redis", "rq", "httpx", "socket", "requests", "urllib.request", "os", "subprocess"}
# reading the clock is I/O too; `time` itself is fine for struct_time conversions
CLOCK_CALLS = {"time.time", "time.monotonic", "datetime.now", "datetime.utcnow", "date.today"}


def imports_of(package: str) -> list[tuple[Path, str]]:
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("newswatch", {"scheduler", "worker"}), ("scheduler", {"worker"}), ("worker", {"scheduler"})],
)
def test_tiers_only_import_downwards(package: str, forbidden: set[str]) -> None:
    bad = [(p.relative_to(REPO), m) for p, m in imports_of(package) if top(m) in forbidden]
    assert not bad, f"{package} must not import {forbidden}: {bad}"


def test_core_is_pure() -> None:
    bad = []
    for path, module in imports_of("newswatch/core"):
        if module.startswith("newswatch.") and not module.startswith("newswatch.core"):
            bad.append((path.relative_to(REPO), module))
        if module in IO_MODULES or top(module) in {"redis", "rq", "httpx", "prometheus_client"}:
            bad.append((path.relative_to(REPO), module))
    assert not bad, f"newswatch/core must stay pure (no I/O, no rest of newswatch): {bad}"


def test_core_reads_no_clock() -> None:
    calls = []
    for path in sorted((REPO / "newswatch" / "core").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value
                if isinstance(owner, ast.Name) and f"{owner.id}.{node.func.attr}" in CLOCK_CALLS:
                    calls.append((path.relative_to(REPO), node.lineno))
    assert not calls, f"newswatch/core must not read the clock: {calls}"


def test_the_rule_sees_imports() -> None:
    """Guard the guard: the walker finds known imports, so an empty result means something."""
    modules = {m for _, m in imports_of("newswatch")}
    assert "newswatch.core.errors" in modules
    assert "redis" in modules


def test_the_settings_load_no_extraction() -> None:
    """Every command reads the settings; their defaults from core (the element cap) come from
    light modules, so a command that extracts nothing never loads trafilatura (seconds)."""
    code = "import sys, newswatch.config; print(sorted({'trafilatura', 'lxml'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (loaded.returncode, loaded.stdout.strip()) == (0, "[]"), loaded.stderr
