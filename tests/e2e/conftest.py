"""Where the browser tests left their screenshots, said at the end of the run."""

from __future__ import annotations

from typing import Any

from tests.support import browser


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for folder in browser.WRITTEN:
        terminalreporter.write_line(f"web screenshots (test artefacts): {folder}")
