"""Reading an OPML subscription list with listparser (the entries; what they become is
:mod:`newswatch.core.opml`'s).

listparser is only ever given bytes: given a string that looks like a URL it would fetch it,
outside the SSRF guard. The file is capped before it is read, and so is the number of
entries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import listparser

from newswatch.core.errors import ConfigError
from newswatch.core.opml import OpmlEntry

MAX_OPML_BYTES = 10 * 1024 * 1024  # the largest readers' exports are a few hundred KB
MAX_ENTRIES = 10_000


def read_opml_file(path: Path) -> list[OpmlEntry]:
    """The subscriptions of the OPML file at ``path``. Raises :class:`ConfigError` saying
    what is wrong when it cannot be read, is too large, or is not an OPML list."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read it: {exc.strerror or exc}"]) from None
    if len(data) > MAX_OPML_BYTES:
        raise ConfigError([f"{path}: larger than {MAX_OPML_BYTES // 1024 // 1024} MB"])
    return parse_opml(data, source=str(path))


def parse_opml(data: bytes, *, source: str) -> list[OpmlEntry]:
    result: Any = listparser.parse(bytes(data))
    version = str(result.get("version") or "")
    feeds = list(result.get("feeds") or [])
    if not version.startswith("opml"):
        why = f" ({result.get('bozo_exception')})" if result.get("bozo") else ""
        raise ConfigError([f"{source}: not an OPML subscription list{why}"])
    if len(feeds) > MAX_ENTRIES:
        raise ConfigError([f"{source}: {len(feeds)} subscriptions, over the {MAX_ENTRIES} allowed"])
    return [
        OpmlEntry(
            number=number,
            url=str(feed.get("url") or "").strip(),
            title=str(feed.get("title") or ""),
            categories=tuple(tuple(map(str, path)) for path in feed.get("categories") or ()),
        )
        for number, feed in enumerate(feeds, start=1)
    ]
