"""`newswatch check`: every problem on stderr and exit 2, or a summary and exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.checking import run_check

REPO = Path(__file__).resolve().parents[2]

GOOD = """\
feeds:
  - url: https://a.example/rss
    interval: 10m
  - url: https://b.example/rss
    interval: 1h
topics:
  - name: summits
    query: summit AND president
    languages: [en]
subscriptions:
  - name: desk
    topics: [summits]
"""


def test_valid_file_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text(GOOD)
    assert run_check(path) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines() == [
        "OK: 2 feeds, 1 topic, 1 subscription",
        "  feeds polled every 10m to 1h",
        "  topic summits [en]: summit AND president",
        "  subscription desk (instant): summits -> no channels",
    ]
    path.write_text(GOOD.replace("    interval: 10m\n", ""))
    assert run_check(path) == 0
    assert "  1 feed polled as often as it publishes\n" in capsys.readouterr().out


def test_invalid_file_prints_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text(GOOD.replace("interval: 10m", "interval: 10s").replace("[summits]", "[x]"))
    assert run_check(path) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}:3: feeds[0].interval: interval of 10s is too short")
    assert lines[1].startswith(f"{path}:12: subscriptions[0].topics[0]: unknown topic 'x'")
    assert lines[2] == f"{path}: 2 problems found"


def test_a_feed_on_the_local_network_is_a_warning_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSWATCH_ALLOW_PRIVATE_NETWORKS", raising=False)
    path = tmp_path / "watch.yaml"
    path.write_text("feeds:\n  - url: https://a.example/rss\n  - url: http://127.0.0.1:8000/rss\n")
    assert run_check(path) == 0
    out, err = capsys.readouterr()
    assert out.startswith("OK: 2 feeds")
    assert err.splitlines() == [
        f"warning: {path}:3: feeds[1].url: 'http://127.0.0.1:8000/rss' is a loopback address: "
        "newswatch refuses to fetch it unless the allow_private_networks setting is true"
    ]
    monkeypatch.setenv("NEWSWATCH_ALLOW_PRIVATE_NETWORKS", "true")
    assert run_check(path) == 0
    assert capsys.readouterr().err == ""


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_check(tmp_path / "absent.yaml") == 2
    assert capsys.readouterr().err.splitlines()[0] == f"{tmp_path / 'absent.yaml'}: no such file"


def test_bad_environment_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text(GOOD)
    monkeypatch.setenv("NEWSWATCH_API_PORT", "99999")
    assert run_check(path) == 2
    assert capsys.readouterr().err.startswith("environment NEWSWATCH_API_PORT: ")


def test_cli_exit_codes(tmp_path: Path) -> None:
    """The real `newswatch check` command, in a subprocess."""
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: [{url: 'ftp://x.example/'}]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    command = [sys.executable, "-m", "newswatch.cli", "check", "--config"]
    ok = subprocess.run([*command, str(good)], capture_output=True, text=True, env=env, cwd=REPO)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: 2 feeds, 1 topic, 1 subscription\n")
    failed = subprocess.run([*command, str(bad)], capture_output=True, text=True, env=env)
    assert failed.returncode == 2
    assert failed.stderr.startswith(f"{bad}:1: feeds[0].url: must be an http:// or https:// URL")
