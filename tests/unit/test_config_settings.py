"""Settings precedence: environment NEWSWATCH_* over the file's settings: over defaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newswatch.config import Settings, load_settings
from newswatch.config_file import load_config
from newswatch.core.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the variables a test sets count (a developer's shell may export others)."""
    for name in list(os.environ):
        if name.upper().startswith("NEWSWATCH_") and name.upper() != "NEWSWATCH_CORPORA":
            monkeypatch.delenv(name)


def test_defaults_without_file_or_environment() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.fetch_timeout == 20.0
    assert settings.api_port == 8080


def test_file_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text("settings:\n  fetch_timeout: 5\n  api_port: 9000\n  data_dir: /srv/nw\n")
    settings = load_settings(load_config(path).settings)
    assert settings.fetch_timeout == 5.0
    assert settings.api_port == 9000
    assert settings.data_dir == Path("/srv/nw")
    assert settings.fetch_concurrency == 64  # untouched: the default


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "watch.yaml"
    path.write_text("settings:\n  fetch_timeout: 5\n  api_port: 9000\n")
    monkeypatch.setenv("NEWSWATCH_API_PORT", "9100")
    monkeypatch.setenv("NEWSWATCH_ALLOW_PRIVATE_NETWORKS", "true")
    settings = load_settings(load_config(path).settings)
    assert settings.api_port == 9100  # env beats file
    assert settings.fetch_timeout == 5.0  # file beats default
    assert settings.allow_private_networks is True  # env beats default
    assert settings.max_redirects == 5  # neither: default


def test_environment_overrides_file_even_when_equal_to_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NEWSWATCH_WORKERS", "0")
    settings = load_settings({"workers": 3})
    assert settings.workers == 0


def test_invalid_block_in_a_constructed_config() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"api_port": -1, "nonsense": 1})
    problems = caught.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("settings: api_port: ")
    assert problems[1].startswith("settings: nonsense: ")


def test_invalid_environment_value_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSWATCH_FETCH_TIMEOUT", "soon")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    (problem,) = caught.value.problems
    assert problem.startswith("environment NEWSWATCH_FETCH_TIMEOUT: ")
    assert "number" in problem
