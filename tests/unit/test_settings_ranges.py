"""Every setting has a range: values Redis or the OS would refuse later are refused by
`newswatch check`, each with the range it must be in (issue 11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newswatch.config import MAX_WORKERS_PER_CORE, Settings, load_settings
from newswatch.config_file import load_config
from newswatch.core.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("NEWSWATCH_") and name.upper() != "NEWSWATCH_CORPORA":
            monkeypatch.delenv(name)


def problems(tmp_path: Path, block: str) -> list[str]:
    path = tmp_path / "watch.yaml"
    path.write_text("feeds:\n  - url: https://example.org/feed.xml\nsettings:\n" + block)
    with pytest.raises(ConfigError) as caught:
        load_settings(load_config(path).settings)
    return caught.value.problems


def test_the_values_of_the_issue_are_each_refused_with_their_range(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "  workers: 1000000\n"
        "  retention_days: 1e14\n"
        "  alert_stream_maxlen: 1e23\n"
        "  fetch_timeout: .inf\n",
    )
    cores = os.cpu_count() or 1
    assert found == [
        f"{tmp_path}/watch.yaml:4: settings.workers: 1000000 is out of range: must be from 0 "
        f"to {MAX_WORKERS_PER_CORE * cores} ({MAX_WORKERS_PER_CORE} per CPU core here)",
        f"{tmp_path}/watch.yaml:5: settings.retention_days: must be a number from 1 to 3650 "
        "days, got '1e14'",
        f"{tmp_path}/watch.yaml:6: settings.alert_stream_maxlen: must be a number from 100 to "
        "100000000, got '1e23'",
        f"{tmp_path}/watch.yaml:7: settings.fetch_timeout: inf is out of range: must be more "
        "than 0 up to 600 seconds",
    ]


def test_a_lower_bound_above_its_upper_bound_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, "  min_backoff: 7200\n  max_backoff: 60\n")
    assert found == [
        f"{tmp_path}/watch.yaml:3: settings: min_backoff (7200) must not be larger than "
        "max_backoff (60)"
    ]


def test_a_per_client_connection_cap_above_the_total_is_refused(tmp_path: Path) -> None:
    """A per-client cap above the API's total could never be reached: refused, not ignored."""
    found = problems(
        tmp_path, "  api_max_connections: 100\n  api_max_connections_per_client: 101\n"
    )
    assert found == [
        f"{tmp_path}/watch.yaml:3: settings: api_max_connections_per_client (101) must not be "
        "larger than api_max_connections (100)"
    ]
    assert Settings(api_max_connections=100, api_max_connections_per_client=100)


def test_bounds_split_between_file_and_environment_are_checked_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text("settings:\n  max_backoff: 120\n")
    monkeypatch.setenv("NEWSWATCH_MIN_BACKOFF", "600")
    with pytest.raises(ConfigError) as caught:
        load_settings(load_config(path).settings)
    assert caught.value.problems == [
        "settings: with the environment: min_backoff (600) must not be larger than "
        "max_backoff (120)"
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("fetch_timeout", "nan", "must be"), ("feed_parse_timeout", "0", "must be"),
     ("extract_timeout", "inf", "must be"), ("page_ttl", "99999999999", "must be"),
     ("batch_size", "0", "must be"), ("reap_after", "1", "must be"),
     ("api_host", "", "must be an IP address or a host name of 1 to 253 characters (the "
      "address the API listens on), got ''"),
     ("api_host", "http://0.0.0.0:8080", "must be an IP address or a host name"),
     ("api_host", "a" * 254, "of 1 to 253 characters"),
     ("scheduler_name", "x" * 65, "must be 0 to 64 letters, digits, '.', '_' or '-' (it "
      "names this scheduler's leases in Redis; empty: the host name)"),
     ("scheduler_name", "sched 1\n", "must be 0 to 64 letters"),
     ("retry_after_hosts", '["https://proxy.example/"]', "each entry must be an IP address "
      "or a host name of 1 to 253 characters (a host whose Retry-After pauses it"),
     ("retry_after_hosts", '[""]', "each entry must be"),
     ("retry_after_hosts", '["h"' + ', "h"' * 1000 + "]", "must list 0 to 1000 hosts, this "
      "one lists 1001"),
    ],
)  # fmt: skip
def test_environment_values_out_of_range_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(f"NEWSWATCH_{name.upper()}", value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    (problem,) = caught.value.problems
    assert problem.startswith(f"environment NEWSWATCH_{name.upper()}: ")
    assert message in problem


def test_port_lists_are_normalised_or_refused() -> None:
    assert Settings(allowed_ports="443, 80,8000-8010,8005").allowed_ports == "80,443,8000-8010"
    for bad in ("", "http", "0", "80-70", "65536"):
        with pytest.raises(ValueError, match="port list"):
            Settings(allowed_ports=bad)


@pytest.mark.parametrize("bad", ["", "newswatch\nX-Injected: 1", "newswätch", "x" * 513])
def test_a_user_agent_is_a_header_value(bad: str) -> None:
    with pytest.raises(ValueError, match="user agent"):
        Settings(user_agent=bad)
    assert Settings(user_agent="my-monitor/1.0 (+https://example.org)").user_agent


def test_a_list_in_the_environment_that_is_not_json_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSWATCH_RETRY_AFTER_HOSTS", "*")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.problems == [
        'environment NEWSWATCH_RETRY_AFTER_HOSTS: not JSON: a list is written as \'["a", "b"]\''
    ]
    monkeypatch.setenv("NEWSWATCH_RETRY_AFTER_HOSTS", '["*"]')
    assert load_settings().retry_after_hosts == ["*"]


def test_a_redis_url_is_one_redis_can_open(monkeypatch: pytest.MonkeyPatch) -> None:
    for good in ("redis://redis:6379/0", "rediss://:pw@h:6380/1", "unix:///run/r.sock", ""):
        assert Settings(redis_url=good).redis_url == good
    monkeypatch.setenv("NEWSWATCH_REDIS_URL", "user:secret@localhost:6379")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.problems == [
        "environment NEWSWATCH_REDIS_URL: must start with redis://, rediss://, unix://, "
        "got 'localhost:6379'"
    ]


def test_a_redis_url_scheme_is_written_as_redis_py_reads_it() -> None:
    """redis-py refuses ``REDIS://``: the setting keeps the scheme in lower case."""
    assert Settings(redis_url="REDIS://h:6379/0").redis_url == "redis://h:6379/0"
    assert Settings(redis_url="Unix:///run/R.sock").redis_url == "unix:///run/R.sock"


def test_hosts_are_kept_as_urls_carry_them(tmp_path: Path) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text(
        "settings:\n  api_host: LocalHost\n  scheduler_name: sched-1.eu\n"
        "  retry_after_hosts: ['*', Proxy.Example.ORG, '::1', bücher.example]\n"
    )
    settings = load_settings(load_config(path).settings)
    assert (settings.api_host, settings.scheduler_name) == ("localhost", "sched-1.eu")
    assert settings.retry_after_hosts == ["*", "proxy.example.org", "::1", "bücher.example"]
    assert Settings(api_host="0.0.0.0").api_host == "0.0.0.0"
    assert Settings(api_host="::").api_host == "::"
    path.write_text("settings:\n  api_host: 'my host'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(load_config(path).settings)
    assert caught.value.problems == [
        f"{path}:2: settings.api_host: must be an IP address or a host name of 1 to 253 "
        "characters (the address the API listens on), got 'my host'"
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("redis_url", "redis://h/" + "x" * 2048, "must be at most 2048 characters, this one has "
      "2058"),
     ("data_dir", "d" * 4097, "must be a path of at most 4096 characters without NUL, this one "
      "has 4097")],
)  # fmt: skip
def test_a_redis_url_and_the_data_dir_have_a_length(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    found = problems(tmp_path, f"  {name}: {value}\n")
    assert found == [f"{tmp_path}/watch.yaml:4: settings.{name}: {message}"]
    with pytest.raises(ValueError, match="without NUL"):
        Settings(data_dir="data\0dir")
