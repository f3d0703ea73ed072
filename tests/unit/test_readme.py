"""The README stays true: every setting, command and make target it names exists, and every
setting that exists is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import ValidationError

from newswatch.cli import app
from newswatch.config import FileSettings, Settings

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text()
MAKEFILE = (REPO / "Makefile").read_text()


def settings_rows() -> dict[str, str]:
    """Each setting named in the first column of the README's settings table -> its row."""
    section = README.split("Settings (environment", 1)[1].split("\n## ", 1)[0]
    return {
        name: line
        for line in section.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([a-z_]+)`", line.split("|")[1])
    }


def settings_table() -> set[str]:
    """Setting names in the first column of the README's settings table."""
    return set(settings_rows())


def test_every_setting_is_documented_and_every_documented_one_exists() -> None:
    documented = settings_table()
    assert set(Settings.model_fields) - documented == set(), "settings missing from README"
    assert documented - set(Settings.model_fields) == set(), "README names unknown settings"


def _numbers(text: str) -> set[float]:
    """The numbers written in ``text``: 65535, 100,000, 0.25, "100 million"."""
    found = set()
    for digits, million in re.findall(r"(\d[\d,]*(?:\.\d+)?)( million)?", text):
        found.add(float(digits.replace(",", "")) * (1_000_000 if million else 1))
    return found


def test_every_numeric_setting_states_its_range() -> None:
    """Each number setting's row in the settings table states the range it is validated
    against (as `newswatch check` says it when a value is outside)."""
    rows = settings_rows()
    checked = 0
    for name in Settings.model_fields:
        rule = None
        try:
            FileSettings(**{name: "not a number"})
        except ValidationError as exc:
            rule = re.search(
                r"must be a number (from|more than) (\S+) (?:to|up to) (\d+)", str(exc)
            )
        if rule is None:
            continue  # not a number setting
        checked += 1
        low, high = float(rule.group(2)), float(rule.group(3))
        row = rows[name]
        stated = _numbers(row.split("|", 3)[3])
        if name == "workers":  # its top is per CPU core, so the machine's
            assert "4 per CPU core" in row
        else:
            assert high in stated, f"{name}: README row does not state its top, {high:g}"
        if rule.group(1) == "more than":
            assert f"more than {low:g}" in row, f"{name}: README row does not say more than {low:g}"
        else:
            assert low in stated, f"{name}: README row does not state its bottom, {low:g}"
    assert checked > 30  # the rule's wording is still what this test reads


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


def _help(*args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "newswatch.cli", *args, "--help"],
        capture_output=True, text=True, check=True, env={"COLUMNS": "300", "PATH": ""},
    ).stdout  # fmt: skip


def test_every_flag_it_shows_a_command_with_exists() -> None:
    """Each `newswatch ...` the README shows (code spans and command lines) names a command,
    and every option on it is one of that command's options."""
    root = typer.main.get_command(app)
    spans = re.findall(r"`newswatch ([^`]+)`", README)
    lines = re.findall(r"^(?:\$ )?newswatch ([^\n]+)", README, re.M)
    problems = []
    for text in (" ".join(found.split()) for found in spans + lines):
        words, command, path = text.split(" "), root, list[str]()
        while len(path) < len(words) and words[len(path)] in getattr(command, "commands", {}):
            command = command.commands[words[len(path)]]  # type: ignore[attr-defined]
            path.append(words[len(path) - 1])
        if len(path) < len(words) and words[len(path)].endswith(":"):
            continue  # a message that starts with the program's name
        if not path or hasattr(command, "commands"):
            problems.append(f"not a command: newswatch {text}")
            continue
        options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        for flag in re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])(?![\w-])", text):
            if flag not in options:
                problems.append(f"newswatch {' '.join(path)} has no {flag}: {text}")
    assert problems == []


def test_command_lists_show_each_summary_as_one_paragraph() -> None:
    """A command list wraps each command's summary to the terminal, not at the docstring's
    line breaks: at 300 columns every summary fits on its command's line."""
    for group in ("", "feeds", "topics", "subscriptions", "deliveries"):
        panel = _help(*group.split()).split("Commands ─", 1)[1].split("╰", 1)[0]
        rows = panel.splitlines()[1:]
        assert rows and all(re.match(r"│ [a-z]", row) for row in rows), (group, rows)


def test_the_bench_and_eval_sections_it_names_exist() -> None:
    from bench.__main__ import SECTIONS as BENCH
    from eval.__main__ import SECTIONS as EVAL

    for tool, sections in (("bench", BENCH), ("eval", EVAL)):
        named = set(re.findall(rf"make {tool} ARGS=([a-z]+)", README))
        named |= set(re.findall(rf"python -m {tool} ([a-z]+)", README))
        assert named, tool
        assert named <= set(sections), f"README names {tool} sections that do not exist"


def test_its_webhook_verifier_accepts_what_newswatch_signs() -> None:
    import base64
    import time

    from newswatch.core.signing import signature_headers

    (code,) = re.findall(r"```python\n(.*?)```", README, re.S)
    scope: dict[str, Any] = {}
    exec(code, scope)  # the README's own example, run as a reader would
    secret = "whsec_" + base64.b64encode(bytes(range(32))).decode()
    other = "whsec_" + base64.b64encode(bytes(range(1, 33))).decode()
    body = b'{"id": "a1", "topic": "summits"}'
    headers = signature_headers([other, secret], "msg_1", int(time.time()), body)
    assert scope["verify"](secret, headers, body)
    assert not scope["verify"](secret, headers, body + b" ")
    stale = signature_headers([secret], "msg_1", int(time.time()) - 3600, body)
    assert not scope["verify"](secret, stale, body)


def test_its_configuration_example_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newswatch.checking import run_check

    example = re.findall(r"```yaml\n(.*?)```", README, re.S)[0]
    assert example.startswith("feeds:")
    path = tmp_path / "example.yaml"
    path.write_text(example)
    assert run_check(path) == 0, capsys.readouterr().err
