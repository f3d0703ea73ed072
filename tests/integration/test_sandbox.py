"""The sandbox: a real child process, killed past its deadline or its memory bound."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator

import pytest

from newswatch.core.errors import ExtractionError
from newswatch.sandbox import (
    Sandbox,
    SandboxCrash,
    SandboxMemoryError,
    SandboxPool,
    SandboxTimeout,
)
from tests.support import sandboxed


@pytest.fixture
def box() -> Iterator[Sandbox]:
    sandbox = Sandbox(memory_mb=64, preload=("tests.support.sandboxed",), name="test box")
    yield sandbox
    sandbox.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a killed child we have reaped is gone; a zombie would still answer kill(0)
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_a_call_runs_in_a_child_that_stays_warm(box: Sandbox) -> None:
    assert box.call(sandboxed.add, 2, 3, timeout=30) == 5
    child = box.call(sandboxed.pid, timeout=30)
    assert child != os.getpid()
    assert box.call(sandboxed.pid, timeout=30) == child
    assert box.starts == 1


def test_the_preloaded_modules_are_out_of_the_collectors_way(box: Sandbox) -> None:
    # frozen after the imports: a full collection in the child does not walk them again
    assert box.call(gc.get_freeze_count, timeout=30) > 1000


def test_a_call_past_its_deadline_is_killed_and_the_next_call_gets_a_new_child(
    box: Sandbox,
) -> None:
    child = box.call(sandboxed.pid, timeout=30)
    with pytest.raises(SandboxTimeout) as caught:
        box.call(sandboxed.spin, timeout=0.5)
    assert caught.value.reason == "too_slow"
    assert not _alive(child)
    assert box.call(sandboxed.add, 1, 1, timeout=30) == 2
    assert box.starts == 2


def test_a_call_growing_past_the_memory_bound_is_killed(box: Sandbox) -> None:
    with pytest.raises(SandboxMemoryError) as caught:
        box.call(sandboxed.grow, 1000, timeout=120)
    assert caught.value.reason == "too_large"
    assert box.call(sandboxed.grow, 8, timeout=30) == 8  # a new child, within the bound


def test_an_allocation_too_fast_to_watch_hits_the_address_space_limit(box: Sandbox) -> None:
    with pytest.raises(SandboxMemoryError):
        box.call(sandboxed.allocate_at_once, 4096, timeout=60)
    assert box.call(sandboxed.add, 1, 2, timeout=30) == 3


def test_a_newswatch_error_crosses_back_as_itself(box: Sandbox) -> None:
    with pytest.raises(ExtractionError) as caught:
        box.call(sandboxed.refuse, timeout=30)
    assert (caught.value.reason, caught.value.message) == ("empty", "nothing in this page")
    assert box.starts == 1  # an ordinary refusal keeps the child


def test_a_bug_or_a_dead_child_is_a_crash(box: Sandbox) -> None:
    with pytest.raises(SandboxCrash, match="ValueError: a bug"):
        box.call(sandboxed.crash, timeout=30)
    with pytest.raises(SandboxCrash, match="died"):
        box.call(sandboxed.die, timeout=30)
    assert box.call(sandboxed.add, 2, 2, timeout=30) == 4


def test_a_child_is_recycled_after_its_calls() -> None:
    sandbox = Sandbox(memory_mb=64, preload=("tests.support.sandboxed",), recycle_after=2)
    try:
        pids = [sandbox.call(sandboxed.pid, timeout=30) for _ in range(4)]
    finally:
        sandbox.close()
    assert pids[0] == pids[1] != pids[2] == pids[3]


def test_spawned_children_start_at_once_and_serve_the_first_calls() -> None:
    pool = SandboxPool(2, memory_mb=64, preload=("tests.support.sandboxed",))
    try:
        pool.spawn()  # returns before the children are ready: they import meanwhile
        with pool.sandbox() as first, pool.sandbox() as second:
            spawned = [first.pid, second.pid]
            assert all(pid is not None and _alive(pid) for pid in spawned)
            pids = [first.call(sandboxed.pid, timeout=30), second.call(sandboxed.pid, timeout=30)]
            assert pids == spawned
            assert first.starts == second.starts == 1
        pool.spawn()  # children already running are kept
        with pool.sandbox() as box:
            assert box.call(sandboxed.pid, timeout=30) in pids
    finally:
        pool.close()


def test_closing_kills_the_children() -> None:
    pool = SandboxPool(2, memory_mb=64, preload=("tests.support.sandboxed",))
    with pool.sandbox() as first, pool.sandbox() as second:
        pids = [first.call(sandboxed.pid, timeout=30), second.call(sandboxed.pid, timeout=30)]
    pool.close()
    assert not any(_alive(pid) for pid in pids)


def test_a_submitted_call_runs_while_the_caller_works(box: Sandbox) -> None:
    box.submit(sandboxed.slow_add, 2, 3, 0.3, timeout=30)
    assert box.in_flight
    parent_work = sum(range(1000))  # the caller's own work, meanwhile
    assert box.collect() == 5 and parent_work
    assert not box.in_flight
    with pytest.raises(RuntimeError):
        box.collect()  # nothing in flight


def test_a_call_in_flight_is_dropped_by_the_next_submit_or_discard(box: Sandbox) -> None:
    box.submit(sandboxed.slow_add, 1, 1, 0.2, timeout=30)
    box.submit(sandboxed.add, 2, 2, timeout=30)  # the first one's answer is not this one's
    assert box.collect() == 4
    box.submit(sandboxed.refuse, timeout=30)
    box.discard()  # its error is dropped too
    box.discard()  # nothing in flight: nothing happens
    assert box.call(sandboxed.add, 3, 3, timeout=30) == 6
    assert box.starts == 1


def test_a_submitted_call_past_its_deadline_is_killed_when_collected(box: Sandbox) -> None:
    child = box.call(sandboxed.pid, timeout=30)
    box.submit(sandboxed.spin, timeout=0.3)
    with pytest.raises(SandboxTimeout):
        box.collect()
    assert not _alive(child) and not box.in_flight
    assert box.call(sandboxed.add, 1, 1, timeout=30) == 2


def test_closing_drops_the_call_in_flight(box: Sandbox) -> None:
    box.submit(sandboxed.slow_add, 1, 1, 5, timeout=30)
    box.close()
    assert not box.in_flight
    with pytest.raises(RuntimeError):
        box.collect()
