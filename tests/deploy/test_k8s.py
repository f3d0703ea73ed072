"""deploy/k8s validated offline: every manifest against the Kubernetes API schemas
(kubernetes-validate, strict: an unknown field fails) and the KEDA ScaledObject against the
schema of the fields it uses (tests/deploy/schemas, written from KEDA's documentation); the
pieces fit together (labels and selectors, the Service's port, the ConfigMap the scheduler
mounts, the queue KEDA watches, Redis durable and never evicting)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from newswatch.config_file import load_config
from newswatch.store import keys
from tests.deploy._support import DEPLOY, load_yaml

K8S = DEPLOY / "k8s"
KUBERNETES_VERSION = "1.30"
KEDA_SCHEMA = Path(__file__).with_name("schemas") / "keda-scaledobject.schema.json"
ROLES = ("scheduler", "worker", "api")


def _documents() -> list[tuple[str, dict[str, Any]]]:
    kustomization = load_yaml(K8S / "kustomization.yaml")
    found = []
    for name in kustomization["resources"]:
        with (K8S / name).open(encoding="utf-8") as fh:
            found += [(name, doc) for doc in yaml.safe_load_all(fh) if doc]
    return found


@pytest.fixture(scope="module")
def resources() -> dict[tuple[str, str], dict[str, Any]]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for _, doc in _documents()}


def _container(resources: dict[tuple[str, str], dict[str, Any]], role: str) -> dict[str, Any]:
    (container,) = resources[("Deployment", role)]["spec"]["template"]["spec"]["containers"]
    return container


def test_kustomization_lists_every_manifest() -> None:
    listed = set(load_yaml(K8S / "kustomization.yaml")["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


@pytest.mark.parametrize(
    ("name", "doc"),
    [pair for pair in _documents() if pair[1]["apiVersion"] != "keda.sh/v1alpha1"],
    ids=lambda value: value if isinstance(value, str) else value["kind"],
)
def test_manifest_is_valid_kubernetes(name: str, doc: dict[str, Any]) -> None:
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        pytest.fail(f"{name}: {doc['kind']} {doc['metadata']['name']}: {exc.message}")


def test_strict_validation_is_live() -> None:
    """A misspelt field fails the check above."""
    deployment = next(doc for _, doc in _documents() if doc["kind"] == "Deployment")
    broken = json.loads(json.dumps(deployment))
    broken["spec"]["replica"] = broken["spec"].pop("replicas")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def _keda_errors(doc: dict[str, Any]) -> list[str]:
    schema = json.loads(KEDA_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def test_scaled_object_matches_kedas_schema(resources: dict[tuple[str, str], Any]) -> None:
    assert _keda_errors(resources[("ScaledObject", "worker")]) == []


def test_keda_schema_check_is_live(resources: dict[tuple[str, str], Any]) -> None:
    broken = json.loads(json.dumps(resources[("ScaledObject", "worker")]))
    broken["spec"]["maxReplicas"] = broken["spec"].pop("maxReplicaCount")
    broken["spec"]["triggers"][0]["metadata"]["listLength"] = 50
    errors = "\n".join(_keda_errors(broken))
    assert "maxReplicas" in errors
    assert "listLength" in errors or "50" in errors


def test_keda_scales_the_workers_on_the_rq_article_queue(
    resources: dict[tuple[str, str], Any],
) -> None:
    scaled = resources[("ScaledObject", "worker")]["spec"]
    assert ("Deployment", scaled["scaleTargetRef"]["name"]) in resources
    (trigger,) = scaled["triggers"]
    assert trigger["type"] == "redis"
    # rq keeps a queue's waiting jobs in the list rq:queue:<name>
    assert trigger["metadata"]["listName"] == f"rq:queue:{keys.ARTICLE_QUEUE}"
    service = resources[("Service", "redis")]
    assert trigger["metadata"]["address"] == f"redis:{service['spec']['ports'][0]['port']}"
    assert scaled["minReplicaCount"] >= 1, "a worker is always there for the first article"


def test_every_role_is_a_deployment_on_one_redis(resources: dict[tuple[str, str], Any]) -> None:
    for role in ROLES:
        deployment = resources[("Deployment", role)]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
        container = _container(resources, role)
        assert container["args"][0] == role
        env = {e["name"]: e for e in container["env"]}
        assert env["NEWSWATCH_REDIS_URL"]["value"] == "redis://redis:6379/0"


def test_the_api_has_a_service_and_a_token(resources: dict[tuple[str, str], Any]) -> None:
    service = resources[("Service", "api")]
    container = _container(resources, "api")
    labels = resources[("Deployment", "api")]["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    env = {e["name"]: e for e in container["env"]}
    assert service["spec"]["ports"][0]["targetPort"] in ports
    assert int(env["NEWSWATCH_API_PORT"]["value"]) == ports["http"]
    assert env["NEWSWATCH_API_HOST"]["value"] == "0.0.0.0"
    assert "secretKeyRef" in env["NEWSWATCH_API_TOKEN"]["valueFrom"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"


def test_redis_is_durable_and_never_evicts(resources: dict[tuple[str, str], Any]) -> None:
    redis = resources[("StatefulSet", "redis")]
    (container,) = redis["spec"]["template"]["spec"]["containers"]
    args = dict(zip(container["args"][::2], container["args"][1::2], strict=True))
    assert args == {"--appendonly": "yes", "--maxmemory-policy": "noeviction"}
    (claim,) = redis["spec"]["volumeClaimTemplates"]
    assert container["volumeMounts"][0] == {"name": claim["metadata"]["name"], "mountPath": "/data"}


def test_the_scheduler_applies_the_configmaps_configuration(
    resources: dict[tuple[str, str], Any], tmp_path: Path
) -> None:
    container = _container(resources, "scheduler")
    config_path = Path(container["args"][container["args"].index("--config") + 1])
    (mount,) = container["volumeMounts"]
    assert Path(mount["mountPath"]) == config_path.parent
    volumes = resources[("Deployment", "scheduler")]["spec"]["template"]["spec"]["volumes"]
    (volume,) = [v for v in volumes if v["name"] == mount["name"]]
    data = resources[("ConfigMap", volume["configMap"]["name"])]["data"]
    # the configuration it carries is valid: newswatch check would accept it
    written = tmp_path / config_path.name
    written.write_text(data[config_path.name], encoding="utf-8")
    config = load_config(written)
    assert config.catalog.feeds and config.catalog.topics
