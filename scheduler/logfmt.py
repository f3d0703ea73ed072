"""Structured log lines: ``key=value`` pairs (logfmt), values quoted when they need it."""

from __future__ import annotations


def _value(value: object) -> str:
    text = str(value)
    if text and not any(ch.isspace() or ch in '"=' for ch in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def kv(**fields: object) -> str:
    """``kv(feed="BBC World", new_items=3)`` -> ``feed="BBC World" new_items=3``."""
    return " ".join(f"{name}={_value(value)}" for name, value in fields.items())
