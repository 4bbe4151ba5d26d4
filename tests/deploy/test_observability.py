"""The shipped alert rules and Grafana dashboard: valid, tested, and asking for real metrics.

promtool (Debian's prometheus package, scripts/system-deps.sh) checks the rules and runs their
unit tests (deploy/prometheus/alerts.test.yml). A live ``botsieve serve`` is scraped, and every
metric a panel or an alert queries must be one it exports: a renamed metric fails here rather
than leaving an empty panel or an alert that can never fire.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.deploy.cluster import Instance
from tests.live_server import LiveServer

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
RULES = DEPLOY / "prometheus" / "alerts.yml"
RULE_TESTS = DEPLOY / "prometheus" / "alerts.test.yml"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "botsieve.json"
DATASOURCES = DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
# Series Prometheus makes itself, not the service.
PROMETHEUS_OWN = {"up"}
SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{|\[)")
OUR_NAME = re.compile(r"\bbotsieve[_:][a-zA-Z0-9_:]+")
SUFFIXES = {"histogram": ("_bucket", "_count", "_sum"), "counter": ("_total",), "info": ("_info",)}


def _promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: run scripts/system-deps.sh (Debian package prometheus)"
    return found


def test_promtool_accepts_the_rules() -> None:
    done = subprocess.run(
        [_promtool(), "check", "rules", str(RULES)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_alert_rules_pass_their_unit_tests() -> None:
    done = subprocess.run(
        [_promtool(), "test", "rules", RULE_TESTS.name],
        capture_output=True,
        text=True,
        cwd=RULE_TESTS.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout


def _rules() -> list[dict[str, object]]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_every_alert_has_a_runbook_section_in_the_operations_guide() -> None:
    guide = (DEPLOY.parent / "docs" / "operations.md").read_text()
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in guide.splitlines()
        if line.startswith("#")
    }
    alerts = [rule for rule in _rules() if "alert" in rule]
    assert len(alerts) >= 7
    for rule in alerts:
        runbook = rule["annotations"]["runbook"]  # type: ignore[index]
        assert runbook.startswith("docs/operations.md#")
        assert runbook.split("#", 1)[1] in headings, runbook


def _panel_queries() -> Iterator[tuple[str, str]]:
    dashboard = json.loads(DASHBOARD.read_text())
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"]
    for variable in dashboard["templating"]["list"]:
        yield f"variable {variable['name']}", variable["definition"]


def test_the_dashboard_is_well_formed_and_uses_the_provisioned_datasource() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    uid = yaml.safe_load(DATASOURCES.read_text())["datasources"][0]["uid"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        box = panel["gridPos"]
        assert box["x"] + box["w"] <= 24, panel["title"]
        if panel["type"] != "row":
            assert panel["datasource"]["uid"] == uid, panel["title"]
            assert panel["targets"], panel["title"]
    titles = " ".join(panel["title"].lower() for panel in dashboard["panels"])
    for topic in ("route", "events", "verdict", "survey", "outbox", "parked", "pool", "database"):
        assert topic in titles, topic


def _names_in(expr: str) -> set[str]:
    names = set(OUR_NAME.findall(expr)) | set(SELECTOR.findall(expr))
    return {name for name in names if name not in {"by", "without", "on", "ignoring"}}


def _exported(exposition: str) -> set[str]:
    names: set[str] = set()
    for family in text_string_to_metric_families(exposition):
        names.add(family.name)
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return names


@pytest.fixture
def scraped(database_url: str, tmp_path: Path) -> Iterator[set[str]]:
    live = LiveServer(database_url, tmp_path)
    live.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    key = live.create_key("secret")
    # Started with a readiness wait (until it answers or exits), not a fixed deadline.
    server = Instance("metrics", tmp_path / "serve", live.env)
    server.start()
    try:
        headers = {"Authorization": f"Bearer {key}"}
        created = httpx.post(
            f"{server.url}/api/v1/detection/sessions",
            json={"platform": "web", "survey_id": "metrics-check"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        response = httpx.get(f"{server.url}/metrics", headers=headers)
        assert response.status_code == 200
        yield _exported(response.text)
    finally:
        server.stop()


def test_every_queried_metric_is_exported_by_a_live_service(scraped: set[str]) -> None:
    recorded = {str(rule["record"]) for rule in _rules() if "record" in rule}
    queries = list(_panel_queries()) + [
        (str(rule.get("alert") or rule.get("record")), str(rule["expr"])) for rule in _rules()
    ]
    assert len(queries) > 20
    missing = {
        (where, name)
        for where, expr in queries
        for name in _names_in(expr)
        if name not in scraped | recorded | PROMETHEUS_OWN
    }
    assert not missing, sorted(missing)


def test_the_check_itself_notices_a_metric_that_does_not_exist(scraped: set[str]) -> None:
    assert "botsieve_http_requests_total" in scraped
    assert "botsieve_outbox_oldest_due_seconds" in scraped
    assert _names_in('rate(botsieve_http_requestz_total{route="/"}[5m])') - scraped == {
        "botsieve_http_requestz_total"
    }


def test_the_compose_stack_mounts_what_ships_where_prometheus_looks() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    mounts = {
        target: DEPLOY / source
        for service in compose["services"].values()
        for source, target, *_ in (v.split(":") for v in service.get("volumes", []))
        if source.startswith("./")
    }
    assert all(path.exists() for path in mounts.values()), mounts
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert set(config["rule_files"]) <= set(mounts)
    assert mounts["/etc/prometheus/alerts.yml"] == RULES
    assert mounts["/var/lib/grafana/dashboards"] == DASHBOARD.parent
    providers = DEPLOY / "grafana" / "provisioning" / "dashboards" / "botsieve.yml"
    (provider,) = yaml.safe_load(providers.read_text())["providers"]
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"
