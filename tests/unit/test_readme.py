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

from newswatch.cli import app
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
