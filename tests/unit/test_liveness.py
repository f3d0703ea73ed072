"""Which processes are alive, and /healthz's verdict, from heartbeats (pure)."""

from __future__ import annotations

from newswatch.core.liveness import Beat, beat_interval, dead_names, health

NOW = 1_800_000_000.0


def beat(role: str, name: str, age: float, problem: str = "") -> Beat:
    return Beat(role, name, "host", 1, NOW - age, NOW - 3600, problem)


def test_a_beat_round_trips_and_garbage_reads_as_none() -> None:
    one = beat("worker", "w1", 2.0, "odd")
    assert Beat.from_json(one.to_json()) == one
    assert Beat.from_json(b"{not json") is None
    assert Beat.from_json('{"role": "worker"}') is None


def test_several_beats_per_reap_period_at_most_ten_seconds_apart() -> None:
    assert beat_interval(60) == 10.0
    assert beat_interval(3) == 0.5
    assert beat_interval(30) == 5.0


def test_dead_workers_are_those_silent_longer_than_reap_after() -> None:
    beats = [beat("worker", "a", 5), beat("worker", "b", 61), beat("scheduler", "s", 100)]
    assert dead_names(beats, "worker", NOW, 60) == {"b"}


def test_healthy_with_a_live_scheduler_and_a_live_worker() -> None:
    verdict = health([beat("scheduler", "s", 1), beat("worker", "a", 1)], NOW, 60)
    assert verdict.ok
    assert [p["alive"] for p in verdict.processes] == [True, True]


def test_unhealthy_when_every_worker_is_gone_and_says_why() -> None:
    verdict = health(
        [beat("scheduler", "s", 1), beat("worker", "a", 90), beat("worker", "b", 120)], NOW, 60
    )
    assert not verdict.ok
    assert verdict.reasons == (
        "every worker is gone: the last worker heartbeat is 90 s old (limit 60 s)",
    )


def test_unhealthy_without_any_scheduler_and_with_a_reported_problem() -> None:
    verdict = health(
        [beat("worker", "a", 1, "catalogue lost")], NOW, 60, problems={"redis": "evicts keys"}
    )
    assert verdict.reasons == (
        "no scheduler is running: none has ever sent a heartbeat",
        "worker a: catalogue lost",
        "redis: evicts keys",
    )
