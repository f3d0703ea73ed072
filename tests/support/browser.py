"""A real browser for the web pages' tests: Playwright for Python driving Debian's chromium
(``make test`` installs it; Playwright's own browser download is never used), the
accessibility check of axe-core, and a folder for the screenshots.

axe-core is vendored as its single minified file with its licence (MPL-2.0) under
``tests/support/axe/`` (``make axe`` refreshes it from the npm registry): the tests then need
no registry and no network, and the file is checked against the integrity hash axe-core
publishes for the version (``sri-history.json`` of its package), so an edited or truncated
copy fails loudly instead of checking less.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
AXE_VERSION = "4.14.1"
AXE_SRI = "sha256-KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="
ARTEFACTS = Path(os.environ.get("NEWSWATCH_ARTEFACTS", REPO / ".artefacts"))
BLOCKING_IMPACTS = ("serious", "critical")
WRITTEN: list[Path] = []  # folders of screenshots written in this run


def chromium_path() -> str:
    """Debian's chromium (NEWSWATCH_CHROMIUM to use another); a missing one fails the test
    with what to install, never skips it."""
    found = os.environ.get("NEWSWATCH_CHROMIUM") or shutil.which("chromium") or ""
    if not found or not os.access(found, os.X_OK):
        pytest.fail(
            "the browser tests need Debian's chromium: `make tools` installs it "
            "(apt-get install chromium), or set NEWSWATCH_CHROMIUM to a Chromium binary"
        )
    return found


def launch(playwright: Any) -> Any:
    # as root (CI) chromium refuses its sandbox; the pages it visits are our own
    return playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])


def axe_source() -> str:
    data = AXE.read_bytes()
    digest = "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert digest == AXE_SRI, (
        f"{AXE} is not axe-core {AXE_VERSION} as published (integrity {digest}): "
        "run `make axe` to vendor it again"
    )
    return data.decode("utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page as it is now (WCAG 2.x
    A and AA rules and best practices). The script is evaluated by the browser's devtools
    protocol, which the page's Content-Security-Policy does not govern."""
    page.evaluate(axe_source())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def artefacts(name: str) -> Path:
    """The folder for one test's screenshots (under ``.artefacts/``, git-ignored), emptied."""
    folder = ARTEFACTS / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    WRITTEN.append(folder)
    return folder
