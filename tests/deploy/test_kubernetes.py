"""The Kubernetes manifests: valid against the Kubernetes schemas (offline, kubernetes-validate
ships them), and consistent with each other and with the service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from botsieve.kit.settings import Settings

MANIFESTS = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
# The oldest Kubernetes still commonly run by managed offerings; what validates there validates
# on later ones for these API versions.
KUBERNETES = "1.30.0"
CUSTOM = {"ServiceMonitor"}  # a Prometheus Operator CRD: not in the Kubernetes schemas


def _documents() -> dict[str, dict[str, Any]]:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    found: dict[str, dict[str, Any]] = {}
    for name in kustomization["resources"]:
        for doc in yaml.safe_load_all((MANIFESTS / name).read_text()):
            found[doc["kind"]] = doc
    return found


DOCS = _documents()


def test_every_manifest_file_is_listed_in_the_kustomization() -> None:
    listed = set(yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())["resources"])
    assert {p.name for p in MANIFESTS.glob("*.yaml")} - {"kustomization.yaml"} == listed


@pytest.mark.parametrize("kind", sorted(set(DOCS) - CUSTOM))
def test_manifest_is_valid_against_the_kubernetes_schema(kind: str) -> None:
    kubernetes_validate.validate(DOCS[kind], KUBERNETES, strict=True)


def test_the_validator_rejects_a_broken_manifest() -> None:
    broken = yaml.safe_load(yaml.safe_dump(DOCS["Deployment"]))
    broken["spec"]["replicas"] = "three"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)


def _pod(kind: str) -> dict[str, Any]:
    return DOCS[kind]["spec"]["template"]


def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def test_selectors_find_the_api_pods_and_only_them() -> None:
    api = _pod("Deployment")["metadata"]["labels"]
    migrate = _pod("Job")["metadata"]["labels"]
    service = DOCS["Service"]
    for selector in (
        DOCS["Deployment"]["spec"]["selector"]["matchLabels"],
        service["spec"]["selector"],
        DOCS["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
    ):
        assert _matches(selector, api) and not _matches(selector, migrate)
    monitor = DOCS["ServiceMonitor"]["spec"]
    assert _matches(monitor["selector"]["matchLabels"], service["metadata"]["labels"])
    assert {e["port"] for e in monitor["endpoints"]} <= {
        p["name"] for p in service["spec"]["ports"]
    }
    target = DOCS["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == (
        "Deployment",
        DOCS["Deployment"]["metadata"]["name"],
    )


def test_probes_ask_readiness_and_liveness_of_the_right_endpoints() -> None:
    (container,) = _pod("Deployment")["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    ports = {p["name"] for p in container["ports"]}
    assert container["readinessProbe"]["httpGet"]["port"] in ports
    metric = DOCS["HorizontalPodAutoscaler"]["spec"]["metrics"][0]["resource"]
    assert metric["name"] == "cpu" and "cpu" in container["resources"]["requests"]


def test_configuration_names_settings_the_service_has() -> None:
    known = {f"BOTSIEVE_{name.upper()}" for name in Settings.model_fields}
    config = set(DOCS["ConfigMap"]["data"])
    secret = set(DOCS["Secret"]["stringData"]) - {"MIGRATION_DATABASE_URL"}
    assert config | secret <= known, (config | secret) - known
    assert "BOTSIEVE_SECRET_KEY" in secret and "BOTSIEVE_SECRET_KEY" not in config
    assert DOCS["ConfigMap"]["data"]["BOTSIEVE_MIGRATE_ON_START"] == "false"


def test_the_shipped_secret_placeholders_are_refused_by_the_service() -> None:
    placeholder = DOCS["Secret"]["stringData"]["BOTSIEVE_SECRET_KEY"]
    with pytest.raises(ValueError, match="at least 32"):
        Settings(env="production", secret_key=placeholder)


def test_the_migration_job_migrates_against_postgresql_itself() -> None:
    (container,) = _pod("Job")["spec"]["containers"]
    assert container["command"] == ["botsieve", "migrate"]
    (override,) = [e for e in container["env"] if e["name"] == "BOTSIEVE_DATABASE_URL"]
    assert override["valueFrom"]["secretKeyRef"]["key"] in DOCS["Secret"]["stringData"]
