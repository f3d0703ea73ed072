"""The dashboard JSON checked against Grafana's own schema, as the grafana-foundation-sdk
package carries it (classes generated from Grafana's CUE schema, pinned to the Grafana release
docker-compose runs).

Two checks: every key survives a decode/encode round trip through the schema's classes (a key
the schema does not know, at any depth, is dropped by the decoder), and every value has the
type the schema declares for its field (numbers, strings, enumerations, literals, nested
objects, lists and maps).
"""

from __future__ import annotations

import enum
import json
import sys
import types
import typing
from typing import Any

from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.cog.plugins import register_default_plugins
from grafana_foundation_sdk.models.dashboard import Dashboard

register_default_plugins()  # panel options and queries decode to their plugin's classes


def schema_problems(dashboard: dict[str, Any]) -> list[str]:
    """What in ``dashboard`` Grafana's schema does not accept, one line each (path: why)."""
    model = Dashboard.from_json(dashboard)
    encoded = json.loads(json.dumps(model, cls=JSONEncoder))
    problems = [f"{path}: not a field of Grafana's schema" for path in _lost(dashboard, encoded)]
    problems += _type_problems(model, Dashboard, "")
    return problems


def _lost(original: Any, encoded: Any, path: str = "") -> list[str]:
    if isinstance(original, dict) and isinstance(encoded, dict):
        lost = [f"{path}/{key}" for key in original if key not in encoded]
        for key in original.keys() & encoded.keys():
            lost += _lost(original[key], encoded[key], f"{path}/{key}")
        return lost
    if isinstance(original, list) and isinstance(encoded, list):
        return [p for i, (a, b) in enumerate(zip(original, encoded, strict=False))
                for p in _lost(a, b, f"{path}[{i}]")]  # fmt: skip
    return []


def _hints(cls: type) -> dict[str, Any]:
    module = sys.modules[cls.__module__]
    return typing.get_type_hints(cls, vars(module))


def _type_problems(value: Any, hint: Any, path: str) -> list[str]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        # panel options and field config: typed by the panel's plugin at decoding
        return _fields_problems(value, path) if _is_schema_object(value) else []
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return []
        matching = [arm for arm in args if isinstance(arm, type) and isinstance(value, arm)]
        if _is_schema_object(value) and matching:
            return _fields_problems(value, path)
        tries = [_type_problems(value, arm, path) for arm in args if arm is not type(None)]
        return [] if any(not t for t in tries) else min(tries, key=len)
    if origin is typing.Literal:
        return [] if value in args else [f"{path}: {value!r} is not one of {list(args)}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not a list"]
        items = [(f"{path}[{i}]", item) for i, item in enumerate(value)]
        return [p for where, item in items for p in _type_problems(item, args[0], where)]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not an object"]
        entries = [(f"{path}/{k}", item) for k, item in value.items()]
        return [p for where, item in entries for p in _type_problems(item, args[1], where)]
    if not isinstance(hint, type):
        return []
    if issubclass(hint, enum.Enum):
        try:
            hint(value)
        except ValueError:
            return [f"{path}: {value!r} is not one of {[m.value for m in hint]}"]
        return []
    if hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not a number"]
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not an integer"]
    if hint in (str, bool):
        return [] if isinstance(value, hint) else [f"{path}: {value!r} is not a {hint.__name__}"]
    if not isinstance(value, hint):
        return [f"{path}: {type(value).__name__}, not {hint.__name__}"]
    return _fields_problems(value, path)


def _is_schema_object(value: Any) -> bool:
    return type(value).__module__.startswith("grafana_foundation_sdk.models.")


def _fields_problems(value: Any, path: str) -> list[str]:
    problems = []
    for name, field_hint in _hints(type(value)).items():
        if hasattr(value, name):
            problems += _type_problems(getattr(value, name), field_hint, f"{path}/{name}")
    return problems
