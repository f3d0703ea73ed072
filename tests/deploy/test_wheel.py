"""The image installs the project with `pip install .`: the wheel must carry every package the
three tiers import, and the `newswatch` command."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_all_three_tiers_and_the_command(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
         str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("newswatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("newswatch", "newswatch/core", "newswatch/core/query", "newswatch/store",
                    "newswatch/net", "newswatch/api", "scheduler", "worker"):  # fmt: skip
        assert f"{package}/__init__.py" in names, f"{package} is missing from the wheel"
    assert "newswatch/py.typed" in names
    # the compiled matching kernel (built where a C compiler is; CI's machines have one)
    assert [n for n in names if n.startswith("newswatch/core/query/_kernel.cpython")], names
    assert "newswatch/core/query/_kernel.pyi" in names  # its types
    assert [n for n in names if n.startswith("newswatch/core/_minhash.cpython")], names
    assert "newswatch/core/_minhash.pyi" in names
    # the topic pack is data: configurations name its topics (`pack: summits`)
    for topic in ("summits", "arrest-warrants", "arms-deliveries"):
        assert f"newswatch/topics/{topic}.yaml" in names, f"pack topic {topic} is not shipped"
    # the web pages' templates and static files (no CDN: the server may be offline)
    for name in ("templates/base.html", "templates/alerts.html", "static/newswatch.css",
                 "static/live.js", "static/editor.js"):  # fmt: skip
        assert f"newswatch/web/{name}" in names, f"web file {name} is not shipped"
    assert not [n for n in names if n.startswith(("tests/", "bench/", "eval/"))]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "newswatch = newswatch.cli:main" in text
