""":class:`FeedState` <-> the fields of its Redis hash (``keys.feed_state``), in one place for the
scheduler (which writes it) and the API (which shows it).

Every field is stored as text; a field left at None is absent. Reading is lenient: an unknown
field (written by an older or newer release) is ignored, and a value that does not parse keeps
the field's default rather than breaking the scheduler or the API.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from newswatch.core.feed_state import FeedState, Health, shown_health
from newswatch.store.codec import lenient_text

_FIELDS = {field.name: field for field in dataclasses.fields(FeedState)}
_DEFAULTS = FeedState()


def _parser(name: str) -> Any:
    default = getattr(_DEFAULTS, name)
    kind = _FIELDS[name].type
    if name == "health":
        return Health
    if isinstance(default, bool):
        return lambda text: text == "1"
    if isinstance(default, int) or "int" in str(kind):
        return int
    if isinstance(default, float) or "float" in str(kind):
        return float
    return str


_PARSERS = {name: _parser(name) for name in _FIELDS}


def _text(value: object) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def encode_state(state: FeedState) -> dict[str, str]:
    """The hash fields of ``state`` (None and empty strings are left out)."""
    out = {}
    for name in _FIELDS:
        value = getattr(state, name)
        if value is None or value == "":
            continue
        out[name] = _text(value)
    return out


def decode_state(raw: Mapping[Any, Any]) -> FeedState:
    """The :class:`FeedState` stored in a hash ({} -> a feed never polled)."""
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = lenient_text(key)
        parse = _PARSERS.get(name)
        if parse is None:
            continue
        try:
            values[name] = parse(lenient_text(value))
        except ValueError:
            continue  # a hand-edited or foreign value: keep the default
    return FeedState(**values)


def state_fields(state: FeedState) -> dict[str, Any]:
    """``state`` as JSON-ready values (for ``/api/feeds``)."""
    out = dataclasses.asdict(state)
    out["health"] = shown_health(state)  # "new" until the first poll
    out.pop("body_hash", None)  # internal
    return out
