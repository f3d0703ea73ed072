"""The README stays true: every setting, command and make target it names exists, and every
setting that exists is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from newswatch.config import Settings

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
MAKEFILE = (REPO / "Makefile").read_text()


def settings_table() -> set[str]:
    """Setting names in the first column of the README's settings table."""
    section = README.split("Settings (environment", 1)[1].split("\n## ", 1)[0]
    return {
        name
        for line in section.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([a-z_]+)`", line.split("|")[1])
    }


def test_every_setting_is_documented_and_every_documented_one_exists() -> None:
    documented = settings_table()
    assert set(Settings.model_fields) - documented == set(), "settings missing from README"
    assert documented - set(Settings.model_fields) == set(), "README names unknown settings"


def test_the_make_targets_it_names_exist() -> None:
    targets = set(re.findall(r"^([a-z]+):", MAKEFILE, re.M))
    named = set(re.findall(r"`make ([a-z]+)", README)) | set(
        re.findall(r"^make ([a-z]+)", README, re.M)
    )
    assert {"up", "test"} <= named
    assert named <= targets, f"README names make targets that do not exist: {named - targets}"


def test_the_commands_it_names_exist() -> None:
    help_text = subprocess.run(
        [sys.executable, "-m", "newswatch.cli", "--help"],
        capture_output=True, text=True, check=True, env={"COLUMNS": "200", "PATH": ""},
    ).stdout  # fmt: skip
    named = set(re.findall(r"^newswatch ([a-z]+)", README, re.M))
    assert named >= {"check", "up", "scheduler", "worker", "api", "alerts"}
    for command in named:
        assert re.search(rf"│ {command}\s", help_text), f"`newswatch {command}` is not a command"
