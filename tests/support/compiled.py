"""The optional C extensions (the matching kernel, the MinHash): whether the test run turned
them off, the compiled module itself for tests that call it, and what a child process with
them turned off prints."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from types import ModuleType

import pytest

PURE_PYTHON = "NEWSWATCH_PURE_PYTHON"


def pure_python() -> bool:
    """Whether this run turned the compiled extensions off (anything but "" or "0", as the
    extensions' own import reads it)."""
    return os.environ.get(PURE_PYTHON, "") not in ("", "0")


def compiled_module(name: str, what: str) -> ModuleType:
    """The compiled module ``name`` (e.g. ``newswatch.core._minhash``); the test is skipped
    when the run turned the extensions off (``what`` names it in the reason)."""
    if pure_python():
        pytest.skip(f"{PURE_PYTHON} is set: {what} is off")
    return importlib.import_module(name)


def run_pure_python(code: str) -> list[str]:
    """The words ``code`` prints, run by this interpreter in a child with the compiled
    extensions turned off."""
    env = {**os.environ, PURE_PYTHON: "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()
