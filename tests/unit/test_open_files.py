"""The API's open-file budget (newswatch.api.open_files): each case runs in a child process
with the open-file limits it needs, since a lowered hard limit cannot be raised again."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_CHILD = """
import json, resource, sys
from newswatch.api.open_files import ensure_open_files
resource.setrlimit(resource.RLIMIT_NOFILE, (int(sys.argv[1]), int(sys.argv[2])))
problem = ensure_open_files(int(sys.argv[3]))
print(json.dumps([problem, resource.getrlimit(resource.RLIMIT_NOFILE)]))
"""


def limits_after(soft: int, hard: int, max_connections: int) -> tuple[str | None, list[int]]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(soft), str(hard), str(max_connections)],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    problem, limits = json.loads(done.stdout)
    return problem, limits


def test_the_soft_limit_is_raised_to_what_the_connection_cap_needs() -> None:
    assert limits_after(128, 4096, 512) == (None, [512 + 64, 4096])


def test_a_soft_limit_already_high_enough_is_left_alone() -> None:
    assert limits_after(2048, 4096, 512) == (None, [2048, 4096])


@pytest.mark.parametrize(("hard", "fits"), [(576, True), (575, False)])
def test_a_cap_the_hard_limit_cannot_hold_is_refused_with_the_numbers(
    hard: int, fits: bool
) -> None:
    problem, limits = limits_after(128, hard, 512)
    if fits:
        assert problem is None and limits == [576, 576]
    else:
        assert problem is not None and limits == [128, 575]  # nothing changed
        assert "api_max_connections: 512 connections need 576 open files" in problem
        assert "at most 575" in problem and "at most 511" in problem


def test_a_hard_limit_below_the_api_own_needs_asks_for_a_higher_limit() -> None:
    """Below the API's own reserve no connection cap fits: lowering the cap is no remedy."""
    problem, limits = limits_after(32, 40, 512)
    assert problem is not None and limits == [32, 40]
    assert problem.endswith("may open at most 40 (the hard limit, ulimit -Hn); raise the limit "
                            "to at least 65")  # fmt: skip
    assert "lower api_max_connections" not in problem
