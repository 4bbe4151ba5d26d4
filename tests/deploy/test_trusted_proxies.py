"""Whose X-Forwarded-For the shipped deployments believe: nobody's in the compose stack (it has no
proxy), and in the cluster only the pod network's, which a NetworkPolicy keeps to the ingress."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

import yaml
from starlette.requests import HTTPConnection

from botsieve.kit.clientip import client_ip

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROXY_IMAGES = ("nginx", "traefik", "caddy", "haproxy", "envoy")
FORGED = "203.0.113.9"


def _trusted(environment: dict[str, str]) -> list[str]:
    return json.loads(environment.get("BOTSIEVE_TRUSTED_PROXIES", "[]"))


def _seen_from(peer: str, trusted: list[str]) -> str:
    """The client address the service takes from a request whose peer names a forged one."""
    scope = {
        "type": "http",
        "client": (peer, 40000),
        "headers": [(b"x-forwarded-for", FORGED.encode())],
    }
    return client_ip(HTTPConnection(scope), trusted)


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]


def test_the_compose_stack_has_no_proxy_in_front_of_the_service() -> None:
    images = {name: str(service.get("image", "")) for name, service in _compose().items()}
    assert not [name for name, image in images.items() if image.startswith(PROXY_IMAGES)]


def test_the_compose_stack_believes_no_forwarded_address() -> None:
    trusted = _trusted(_compose()["botsieve"]["environment"])
    assert trusted == []
    # A container on the stack's network (Docker hands out 172.16.0.0/12) cannot name a client.
    assert _seen_from("172.18.0.7", trusted) == "172.18.0.7"


def _kubernetes(kind: str) -> dict[str, Any]:
    folder = DEPLOY / "kubernetes"
    resources = yaml.safe_load((folder / "kustomization.yaml").read_text())["resources"]
    docs = [doc for name in resources for doc in yaml.safe_load_all((folder / name).read_text())]
    (found,) = [doc for doc in docs if doc["kind"] == kind]
    return found


def test_the_cluster_believes_forwarded_addresses_only_from_its_pod_network() -> None:
    trusted = _trusted(_kubernetes("ConfigMap")["data"])
    assert trusted, "behind an ingress every respondent would share the ingress's address"
    assert all(ipaddress.ip_network(net).is_private for net in trusted)
    assert _seen_from("10.4.0.12", trusted) == FORGED  # the ingress controller's pod
    assert _seen_from("198.51.100.20", trusted) == "198.51.100.20"


def test_only_the_ingress_and_prometheus_can_reach_the_pods_that_trust_the_pod_network() -> None:
    """The trust is safe only while no other pod can connect: a policy on the API pods that lets
    in named namespaces and nothing else (no address block, no empty rule that lets in all)."""
    policy = _kubernetes("NetworkPolicy")["spec"]
    api = _kubernetes("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= api.items()
    assert "Ingress" in policy["policyTypes"]
    peers = [peer for rule in policy["ingress"] for peer in rule.get("from", [None])]
    assert peers and all(peer and set(peer) == {"namespaceSelector"} for peer in peers)
    namespaces = {
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for peer in peers
    }
    assert namespaces == {"ingress-nginx", "monitoring"}
