"""`newswatch api` refuses to start with a connection cap its open-file limit cannot hold
(it would stop accepting anyone once its descriptors ran out), and says why."""

from __future__ import annotations

import subprocess
import sys

from tests.support.cli import NEWSWATCH, cli_env

_LIMITED = (
    "import os, resource, sys; resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256)); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def test_the_api_refuses_a_connection_cap_over_its_open_file_limit(redis_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LIMITED, NEWSWATCH, "api"],
        env=cli_env(redis_url, api_port="0", api_max_connections="1000"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert (
        "newswatch api: api_max_connections: 1000 connections need 1064 open files" in done.stderr
    )
    assert "at most 256 (the hard limit, ulimit -Hn)" in done.stderr
