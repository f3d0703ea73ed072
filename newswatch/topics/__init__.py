"""The topic pack shipped with newswatch: curated multilingual topics, used by reference.

Each ``*.yaml`` file of this package is one pack topic (see :mod:`newswatch.core.pack` for
what a file holds and how a reference resolves). They ship inside the wheel as package data,
so upgrading newswatch upgrades every topic that names them with ``pack: NAME``.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml

from newswatch.core.errors import PackError
from newswatch.core.pack import PackTopic, pack_entry, parse_pack_topic

# a pack file is a few kilobytes; anything larger is not ours
MAX_FILE_BYTES = 256 * 1024


@functools.cache
def load_pack() -> dict[str, PackTopic]:
    """Every pack topic by name, read once per process."""
    topics: dict[str, PackTopic] = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        source = f"newswatch/topics/{entry.name}"
        data = entry.read_bytes()
        if len(data) > MAX_FILE_BYTES:
            raise PackError(f"{source}: {len(data)} bytes, over the {MAX_FILE_BYTES} allowed")
        try:
            parsed = yaml.safe_load(data.decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise PackError(f"{source}: not valid UTF-8 YAML: {exc}") from None
        topic = parse_pack_topic(parsed, source)
        if topic.name != entry.name.removesuffix(".yaml"):
            raise PackError(f"{source}: name {topic.name!r} differs from the file name")
        topics[topic.name] = topic
    return topics


def lookup(name: str) -> tuple[str, tuple[str, ...]] | None:
    """The shipped pack as the catalogue's validation asks for it (``PackLookup``)."""
    return pack_entry(name, load_pack())
