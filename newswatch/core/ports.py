"""Port lists as written in settings: ``"80,443"``, ``"80,443,8000-8099"``, ``"1-65535"``."""

from __future__ import annotations

PortRanges = tuple[tuple[int, int], ...]


def parse_port_ranges(spec: str) -> PortRanges:
    """The ranges of ``spec`` (comma-separated ports or ``low-high`` ranges), sorted and
    merged. Raises ValueError saying which part is wrong."""
    ranges: list[tuple[int, int]] = []
    for part in (piece.strip() for piece in spec.split(",")):
        low_text, _, high_text = part.partition("-")
        if not low_text.strip().isdigit() or (high_text and not high_text.strip().isdigit()):
            raise ValueError(
                f"port list {spec!r}: {part!r} is not a port or a range like 8000-8099"
            )
        low = int(low_text)
        high = int(high_text) if high_text else low
        if not 1 <= low <= high <= 65535:
            raise ValueError(f"port list {spec!r}: {part!r} is not within 1-65535, low to high")
        ranges.append((low, high))
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return tuple(merged)


def format_port_ranges(ranges: PortRanges) -> str:
    return ",".join(str(low) if low == high else f"{low}-{high}" for low, high in ranges)


def port_allowed(ranges: PortRanges, port: int) -> bool:
    return any(low <= port <= high for low, high in ranges)
