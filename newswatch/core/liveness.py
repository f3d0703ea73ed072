"""Which processes are alive, from their last heartbeats (pure: the caller passes the time).

Every process writes a heartbeat to Redis every :func:`beat_interval` seconds; one whose last
heartbeat is older than ``reap_after`` seconds is gone (its started work is re-enqueued by the
reaper, and ``/healthz`` says so).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

ROLES = ("scheduler", "worker", "api", "supervisor")
NEEDED = ("scheduler", "worker")  # without one of each live, nothing is polled or processed


@dataclasses.dataclass(frozen=True)
class Beat:
    """One process's last heartbeat. ``problem``: what the process says is wrong (empty when
    nothing is)."""

    role: str
    name: str
    host: str
    pid: int
    at: float  # unix time of the heartbeat
    started_at: float
    problem: str = ""

    @property
    def key(self) -> str:
        return f"{self.role}:{self.name}"

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Beat | None:
        """The heartbeat, or None for one that cannot be read (written by another release)."""
        try:
            data: Any = json.loads(raw)
            return cls(
                role=str(data["role"]),
                name=str(data["name"]),
                host=str(data.get("host", "")),
                pid=int(data.get("pid", 0)),
                at=float(data["at"]),
                started_at=float(data.get("started_at", data["at"])),
                problem=str(data.get("problem", "")),
            )
        except (ValueError, TypeError, KeyError):
            return None


def beat_interval(reap_after: float) -> float:
    """Seconds between two heartbeats: several per ``reap_after``, so that a late one or two
    (a busy machine, a Redis hiccup) never look like death; at most 10 s."""
    return max(0.5, min(10.0, reap_after / 6))


def is_alive(beat: Beat, now: float, reap_after: float) -> bool:
    return now - beat.at <= reap_after


def dead_names(beats: Iterable[Beat], role: str, now: float, reap_after: float) -> set[str]:
    """Names of the processes of ``role`` whose heartbeat stopped."""
    return {b.name for b in beats if b.role == role and not is_alive(b, now, reap_after)}


@dataclasses.dataclass(frozen=True)
class Health:
    """The verdict of ``/healthz``: ok, or the reasons it is not."""

    reasons: tuple[str, ...]
    processes: tuple[dict[str, Any], ...]

    @property
    def ok(self) -> bool:
        return not self.reasons


def health(
    beats: Sequence[Beat],
    now: float,
    reap_after: float,
    *,
    problems: Mapping[str, str] | None = None,
) -> Health:
    """Unhealthy when no scheduler or no worker is alive, or when a live process (or the
    caller, in ``problems``) reports a problem."""
    reasons: list[str] = []
    for role in NEEDED:
        of_role = [b for b in beats if b.role == role]
        if any(is_alive(b, now, reap_after) for b in of_role):
            continue
        if of_role:
            last = max(b.at for b in of_role)
            reasons.append(
                f"every {role} is gone: the last {role} heartbeat is {now - last:.0f} s old "
                f"(limit {reap_after:g} s)"
            )
        else:
            reasons.append(f"no {role} is running: none has ever sent a heartbeat")
    for beat in beats:
        if beat.problem and is_alive(beat, now, reap_after):
            reasons.append(f"{beat.role} {beat.name}: {beat.problem}")
    reasons += [f"{what}: {problem}" for what, problem in (problems or {}).items()]
    processes = tuple(
        {
            "role": b.role,
            "name": b.name,
            "host": b.host,
            "pid": b.pid,
            "last_heartbeat_seconds_ago": round(max(0.0, now - b.at), 1),
            "alive": is_alive(b, now, reap_after),
            **({"problem": b.problem} if b.problem else {}),
        }
        for b in sorted(beats, key=lambda b: (b.role, b.name))
    )
    return Health(tuple(reasons), processes)
