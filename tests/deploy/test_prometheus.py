"""The shipped Prometheus config and alerting rules pass promtool (config check, rule check
and the rule unit tests), and scrape what docker-compose.yml actually runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.config import Settings
from tests.deploy._support import (
    COMPOSE_FILE,
    PROMETHEUS_CONFIG,
    REPO,
    RULES_FILE,
    RULES_TEST_FILE,
    load_yaml,
    promtool,
    run_promtool,
)


def _ok(args: tuple[str | Path, ...]) -> str:
    result = run_promtool(*args)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"promtool {' '.join(map(str, args))} failed:\n{output}"
    return output


def test_missing_promtool_fails_with_install_advice(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="install Debian's 'prometheus' package"):
        promtool(search_path=str(tmp_path), fallback=tmp_path / "promtool")


def test_promtool_check_config() -> None:
    output = _ok(("check", "config", PROMETHEUS_CONFIG))
    assert "SUCCESS" in output


def test_promtool_check_rules() -> None:
    output = _ok(("check", "rules", RULES_FILE))
    assert "SUCCESS" in output


def test_promtool_rule_unit_tests_pass() -> None:
    output = _ok(("test", "rules", RULES_TEST_FILE))
    assert "SUCCESS" in output


def test_promtool_rejects_a_broken_rule(tmp_path: Path) -> None:
    """The checks above are live: promtool fails on a rule with a PromQL error."""
    broken = tmp_path / "broken.rules.yml"
    broken.write_text(
        RULES_FILE.read_text(encoding="utf-8").replace("up{job=~", "up{{job=~", 1),
        encoding="utf-8",
    )
    result = run_promtool("check", "rules", broken)
    assert result.returncode != 0


def test_every_alert_has_a_unit_test() -> None:
    alerts = {
        rule["alert"]
        for group in load_yaml(RULES_FILE)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    tested = {
        case["alertname"]
        for test in load_yaml(RULES_TEST_FILE)["tests"]
        for case in test.get("alert_rule_test", [])
    }
    firing = {
        case["alertname"]
        for test in load_yaml(RULES_TEST_FILE)["tests"]
        for case in test.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert alerts, "no alerts defined"
    assert alerts - tested == set(), "alerts without a unit test"
    assert alerts - firing == set(), "alerts never shown to fire"
    assert tested - alerts == set(), "unit tests for alerts that do not exist"


def test_rule_files_glob_finds_the_rules_here_and_in_the_container() -> None:
    config = load_yaml(PROMETHEUS_CONFIG)
    matched = {
        path.resolve()
        for pattern in config["rule_files"]
        for path in PROMETHEUS_CONFIG.parent.glob(pattern)
    }
    assert RULES_FILE.resolve() in matched
    # docker-compose mounts the config and the rules folder side by side, as they are here
    mounts = _bind_mounts("prometheus")
    config_target = Path(mounts[PROMETHEUS_CONFIG.resolve()])
    rules_target = Path(mounts[RULES_FILE.parent.resolve()])
    assert rules_target == config_target.parent / RULES_FILE.parent.name


def test_scrape_targets_are_the_compose_services_and_ports() -> None:
    config = load_yaml(PROMETHEUS_CONFIG)
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    compose = load_yaml(COMPOSE_FILE)["services"]
    defaults = Settings.model_fields

    api_targets = [t for sc in jobs["newswatch-api"]["static_configs"] for t in sc["targets"]]
    api_port = compose["api"]["environment"]["NEWSWATCH_API_PORT"]
    assert api_targets == [f"api:{api_port}"]
    assert int(api_port) == defaults["api_port"].default

    for service in ("scheduler", "worker"):
        (sd,) = jobs[f"newswatch-{service}"]["dns_sd_configs"]
        assert sd["names"] == [service], "must resolve the compose service name"
        assert sd["type"] == "A", "an A query returns one address per replica"
        metrics_port = compose[service]["environment"]["NEWSWATCH_METRICS_PORT"]
        assert sd["port"] == int(metrics_port) == defaults["metrics_port"].default


def _bind_mounts(service: str) -> dict[Path, str]:
    """Host path (resolved) -> container path of a compose service's bind mounts."""
    volumes = load_yaml(COMPOSE_FILE)["services"][service]["volumes"]
    mounts = {}
    for volume in volumes:
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            mounts[(REPO / source).resolve()] = target
    return mounts
