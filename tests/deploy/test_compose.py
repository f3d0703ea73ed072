"""docker-compose.yml is a valid Compose file (checked against the compose-spec schema by
check-jsonschema) and describes the production split the design calls for."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from newswatch.config import Settings
from tests.deploy._support import COMPOSE_FILE, DASHBOARD_FILE, GRAFANA, REPO, load_yaml

CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")
APP_SERVICES = ("scheduler", "worker", "api")


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    assert CHECK_JSONSCHEMA.is_file(), f"{CHECK_JSONSCHEMA} missing: pip install -e '.[dev]'"
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = load_yaml(COMPOSE_FILE)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_compose_file_matches_the_compose_spec_schema() -> None:
    result = _validate(COMPOSE_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_an_invalid_compose_file(tmp_path: Path) -> None:
    """The schema check is live: a misspelt key (deploy.replica) fails it."""
    data = load_yaml(COMPOSE_FILE)
    data["services"]["worker"]["deploy"] = {"replica": 2}
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = _validate(broken)
    assert result.returncode != 0
    assert "replica" in result.stdout + result.stderr


def test_services_present(services: dict[str, Any]) -> None:
    assert set(services) == {"redis", *APP_SERVICES, "prometheus", "grafana"}


def test_redis_is_durable_and_never_evicts(compose: dict[str, Any]) -> None:
    redis = compose["services"]["redis"]
    assert redis["image"].startswith("redis:7")
    command = _command(redis)
    flags = dict(zip(command[1::2], command[2::2], strict=False))
    assert command[0] == "redis-server"
    assert flags["--appendonly"] == "yes"
    assert flags["--maxmemory-policy"] == "noeviction"
    volume, target = redis["volumes"][0].split(":")[:2]
    assert target == "/data"
    assert volume in compose["volumes"], "redis data must live in a named volume"
    assert "redis-cli" in redis["healthcheck"]["test"]
    assert "ping" in redis["healthcheck"]["test"]


def test_app_services_run_the_newswatch_image_with_their_subcommand(
    services: dict[str, Any],
) -> None:
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (REPO / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
        assert _command(service)[0] == name
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_scheduler_reads_the_mounted_example_config(services: dict[str, Any]) -> None:
    scheduler = services["scheduler"]
    command = _command(scheduler)
    config_path = Path(command[command.index("--config") + 1])
    mounts = {}
    for volume in scheduler["volumes"]:
        source, target, *mode = volume.split(":")
        mounts[target] = (source, mode)
    source, mode = mounts[str(config_path.parent)]
    assert mode == ["ro"], "the watch config is mounted read-only"
    assert (REPO / source / config_path.name).is_file()


def test_workers_are_replicated(services: dict[str, Any]) -> None:
    assert services["worker"]["deploy"]["replicas"] == 2


def test_api_is_published_and_health_checked(services: dict[str, Any]) -> None:
    api = services["api"]
    port = api["environment"]["NEWSWATCH_API_PORT"]
    assert f"{port}:{port}" in api["ports"]
    probe = " ".join(api["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/healthz" in probe


def test_app_environment_names_are_real_settings(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every NEWSWATCH_* variable maps to a field of Settings (a renamed setting breaks this
    test) and its value passes Settings' own validation."""
    prefix = Settings.model_config["env_prefix"]
    fields = set(Settings.model_fields)
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert env["NEWSWATCH_REDIS_URL"] == "redis://redis:6379/0"
        assert env["NEWSWATCH_API_HOST"] == "0.0.0.0"
        for key in env:
            assert key.startswith(prefix), f"{name}: {key} is not a newswatch setting"
            assert key.removeprefix(prefix).lower() in fields, f"{name}: no setting for {key}"
        with monkeypatch.context() as m:
            for key, value in env.items():
                # ${VAR:?message}: compose takes it from the operator's environment
                sample = "a-token-set-by-the-operator-0123"
                m.setenv(key, sample if str(value).startswith("${") else str(value))
            settings = Settings()
        assert settings.redis_url == env["NEWSWATCH_REDIS_URL"]
        assert settings.api_host == "0.0.0.0"
        assert settings.metrics_port == int(env["NEWSWATCH_METRICS_PORT"])


def test_prometheus_and_grafana_mounts_exist(services: dict[str, Any]) -> None:
    for name in ("prometheus", "grafana"):
        for volume in services[name]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (REPO / source).exists(), f"{name}: {source} does not exist"


def test_grafana_is_provisioned_with_anonymous_viewers(services: dict[str, Any]) -> None:
    grafana = services["grafana"]
    env = grafana["environment"]
    assert env["GF_AUTH_ANONYMOUS_ENABLED"] == "true"
    assert env["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"
    mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in grafana["volumes"]}
    assert mounts["./deploy/grafana/provisioning/datasources"] == (
        "/etc/grafana/provisioning/datasources"
    )
    assert mounts["./deploy/grafana/provisioning/dashboards"] == (
        "/etc/grafana/provisioning/dashboards"
    )
    dashboards_target = mounts["./deploy/grafana/dashboards"]
    # the dashboard provider reads the folder docker-compose mounts
    providers = [
        provider
        for path in (GRAFANA / "provisioning" / "dashboards").glob("*.yml")
        for provider in load_yaml(path)["providers"]
    ]
    assert [p["options"]["path"] for p in providers] == [dashboards_target]
    home = env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{dashboards_target}/{DASHBOARD_FILE.name}"
