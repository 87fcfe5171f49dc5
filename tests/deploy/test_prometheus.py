"""The Prometheus rules and the Grafana dashboard name only metrics /metrics really serves."""

import json
import re

import pytest
import yaml
from django.conf import settings

DEPLOY = settings.BASE_DIR / "deploy"
METRIC = re.compile(r"\b((?:perfectcatch|django)_[a-z_]+)\b")


def exposed_names(client) -> set[str]:
    client.get("/healthz")  # so django-prometheus has a response counted
    body = client.get("/metrics").content.decode()
    return {line.split()[2] for line in body.splitlines() if line.startswith("# TYPE")} | {
        line.split("{")[0].split()[0] for line in body.splitlines()
        if line and not line.startswith("#")}


def alert_expressions() -> list[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((DEPLOY / "grafana" / "perfectcatch-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


@pytest.mark.django_db
@pytest.mark.parametrize("source", [alert_expressions, dashboard_expressions])
def test_every_metric_named_is_served(client, source):
    exposed = exposed_names(client)
    named = {name for expr in source() for name in METRIC.findall(expr)}
    assert named and named <= exposed, sorted(named - exposed)


def test_the_scrape_config_loads_the_alert_rules():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["rule_files"] == ["alerts.yml"]
    assert config["scrape_configs"][0]["metrics_path"] == "/metrics"


def test_the_alerts_cover_what_operations_asked_for():
    names = {rule["alert"] for group in yaml.safe_load(
        (DEPLOY / "prometheus" / "alerts.yml").read_text())["groups"] for rule in group["rules"]}
    assert {"ClusterDown", "ServiceTitanSyncStale", "WorkflowFailureRate", "SmsFailureRate",
            "OptOutSpike"} <= names
