"""Alerts reach someone: the compose monitoring services refer to files that exist and to each
other correctly, Alertmanager's configuration renders from the environment into a valid,
injection-proof file, every alert has a runbook entry, and a failed unit's notifier delivers
(to Alertmanager, else directly to the webhook)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from django.conf import settings

DEPLOY = settings.BASE_DIR / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
RENDER = DEPLOY / "alertmanager" / "render.py"
NOTIFY = DEPLOY / "bin" / "perfectcatch-notify"
ALERT_ENV = {"ALERT_EMAIL_TO": "ops@example.com", "ALERT_EMAIL_FROM": "alerts@example.com",
             "ALERT_SMTP_SMARTHOST": "smtp.example.com:587"}


def alert_names() -> set[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return {rule["alert"] for group in rules["groups"] for rule in group["rules"]}


def runbook_entries() -> dict[str, str]:
    text = (settings.BASE_DIR / "README.md").read_text()
    section = text.split("\n### Alerts\n", 1)[1].split("\n## ", 1)[0]
    entries = re.split(r"\n- (?=\*\*)", "\n" + section)[1:]
    return {re.match(r"\*\*(\w+)\*\*", entry).group(1): entry for entry in entries}


# --- the runbook -------------------------------------------------------------------------
def test_every_alert_rule_has_a_runbook_entry_saying_what_to_check_first():
    entries = runbook_entries()
    assert alert_names() <= set(entries), sorted(alert_names() - set(entries))
    for name, entry in entries.items():
        assert "Check first:" in " ".join(entry.split()), name


def test_the_runbook_describes_no_alert_that_nothing_raises():
    assert set(runbook_entries()) == alert_names() | {"UnitFailed"}
    assert '"alertname": "UnitFailed"' in NOTIFY.read_text()


# --- compose -----------------------------------------------------------------------------
def bind_mounts(service: dict) -> list[str]:
    return [volume.split(":")[0] for volume in service.get("volumes", [])
            if volume.startswith(".")]


def test_every_file_compose_mounts_exists():
    mounts = [source for service in SERVICES.values() for source in bind_mounts(service)]
    assert {"./prometheus/alerts.yml", "./grafana/provisioning", "./alertmanager"} <= set(
        mounts)
    missing = [source for source in mounts if not (DEPLOY / source).exists()]
    assert not missing, missing


def test_compose_names_only_declared_services_volumes_and_secrets():
    for name, service in SERVICES.items():
        assert set(service.get("depends_on", [])) <= set(SERVICES), name
        assert set(service.get("secrets", [])) <= set(COMPOSE["secrets"]), name
        named = {v.split(":")[0] for v in service.get("volumes", []) if not v.startswith(".")}
        assert named <= set(COMPOSE["volumes"]), name


def test_prometheus_in_compose_scrapes_web_and_alerts_through_alertmanager():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.compose.yml").read_text())
    mounted = dict(v.split(":")[:2] for v in SERVICES["prometheus"]["volumes"]
                   if v.startswith("."))
    assert mounted["./prometheus/prometheus.compose.yml"] == "/etc/prometheus/prometheus.yml"
    for rule_file in config["rule_files"]:
        assert f"/etc/prometheus/{rule_file}" in mounted.values()
    [target] = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
    assert target.split(":")[0] in SERVICES and target.endswith(":9093")
    scrape = config["scrape_configs"][0]
    assert scrape["static_configs"][0]["targets"] == ["web:8000"]
    assert "web" in SERVICES["web"]["environment"]["DJANGO_ALLOWED_HOSTS"]
    token = scrape["authorization"]["credentials_file"]
    assert token == "/run/secrets/metrics_token" and "metrics_token" in SERVICES["prometheus"][
        "secrets"]


def test_the_host_prometheus_sends_its_alerts_to_alertmanager():
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == [
        "127.0.0.1:9093"]


def test_alertmanager_reads_the_file_its_config_service_renders():
    render = SERVICES["alertmanager-config"]
    out = render["command"][render["command"].index("--out") + 1]
    [config_arg] = [a for a in SERVICES["alertmanager"]["command"] if a.startswith("--config")]
    assert config_arg == f"--config.file={out}"
    shared = {v.split(":")[0] for v in render["volumes"]} & {
        v.split(":")[0] for v in SERVICES["alertmanager"]["volumes"]}
    assert shared == {"alertmanager-config"}
    assert SERVICES["alertmanager"]["depends_on"]["alertmanager-config"] == {
        "condition": "service_completed_successfully"}


def test_grafana_is_provisioned_with_the_prometheus_source_and_the_dashboard():
    provisioning = DEPLOY / "grafana" / "provisioning"
    source = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())
    [prometheus] = source["datasources"]
    assert prometheus["url"] == "http://prometheus:9090" and prometheus["isDefault"]
    provider = yaml.safe_load((provisioning / "dashboards" / "perfectcatch.yml").read_text())
    path = provider["providers"][0]["options"]["path"]
    mounted = dict(v.split(":")[:2] for v in SERVICES["grafana"]["volumes"] if v.startswith("."))
    dashboard = mounted["./grafana/perfectcatch-dashboard.json"]
    assert Path(dashboard).parent == Path(path)
    variables = json.loads((DEPLOY / "grafana" / "perfectcatch-dashboard.json").read_text())[
        "templating"]["list"]
    assert {"type": "datasource", "query": "prometheus"}.items() <= variables[0].items()


# --- Alertmanager's configuration --------------------------------------------------------
def render(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ALERT")}
    return subprocess.run([sys.executable, str(RENDER), "--out", str(tmp_path / "am.yml")],
                          env={**clean, **env}, capture_output=True, text=True, timeout=60)


def rendered(tmp_path: Path, **env: str) -> dict:
    result = render(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load((tmp_path / "am.yml").read_text())


def test_every_alert_is_emailed_to_the_address_from_the_environment(tmp_path):
    config = rendered(tmp_path, **ALERT_ENV)
    [receiver] = config["receivers"]
    assert config["route"]["receiver"] == receiver["name"]
    assert {r["receiver"] for r in config["route"]["routes"]} <= {receiver["name"]}
    assert receiver["email_configs"] == [{"to": "ops@example.com", "send_resolved": True}]
    assert config["global"]["smtp_smarthost"] == "smtp.example.com:587"
    assert config["global"]["smtp_require_tls"] is True
    assert "webhook_configs" not in receiver and "smtp_auth_username" not in config["global"]


def test_a_webhook_and_an_smtp_login_are_added_when_configured(tmp_path):
    password = tmp_path / "password"
    password.write_text("s3cret\n")
    config = rendered(tmp_path, **ALERT_ENV, ALERT_WEBHOOK_URL="https://chat.example/hook/1",
                      ALERT_SMTP_USERNAME="alerts", ALERT_SMTP_PASSWORD="ignored",
                      ALERT_SMTP_PASSWORD_FILE=str(password))
    assert config["receivers"][0]["webhook_configs"][0]["url"] == "https://chat.example/hook/1"
    assert config["global"]["smtp_auth_password"] == "s3cret"   # the file wins
    assert stat.S_IMODE((tmp_path / "am.yml").stat().st_mode) == 0o600


def test_a_value_cannot_change_the_configurations_structure(tmp_path):
    sneaky = 'ops@example.com"\nreceivers: []\n#'
    config = rendered(tmp_path, **{**ALERT_ENV, "ALERT_EMAIL_TO": sneaky})
    assert config["receivers"][0]["email_configs"][0]["to"] == sneaky


@pytest.mark.parametrize("missing", sorted(ALERT_ENV))
def test_a_missing_setting_writes_nothing_and_names_it(tmp_path, missing):
    result = render(tmp_path, **{k: v for k, v in ALERT_ENV.items() if k != missing})
    assert result.returncode == 2 and missing in result.stderr
    assert not (tmp_path / "am.yml").exists()


def test_inhibition_names_an_alert_that_exists(tmp_path):
    config = rendered(tmp_path, **ALERT_ENV)
    for rule in config["inhibit_rules"]:
        name = re.search(r'alertname="(\w+)"', rule["source_matchers"][0]).group(1)
        assert name in alert_names()


# --- systemd -----------------------------------------------------------------------------
def test_every_service_reports_its_failure_through_the_notify_unit():
    units = DEPLOY / "systemd"
    services = [p for p in units.glob("perfectcatch-*.service") if "@" not in p.name]
    assert {p.name for p in services} >= {"perfectcatch-healthcheck.service"}
    for path in services:
        assert "OnFailure=perfectcatch-notify@%n.service" in path.read_text(), path.name
    notify = (units / "perfectcatch-notify@.service").read_text()
    assert "ExecStart=/opt/perfectcatch/.venv/bin/python deploy/bin/perfectcatch-notify %i" \
        in notify and NOTIFY.exists()


class Recorder(BaseHTTPRequestHandler):
    received: list[tuple[str, object]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, json.loads(body)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def listener():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def notify(unit: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ALERT")}
    return subprocess.run([sys.executable, str(NOTIFY), unit], env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


def test_a_failed_unit_raises_a_page_in_alertmanager(listener):
    url = f"http://127.0.0.1:{listener.server_port}"
    result = notify("perfectcatch-healthcheck.service", ALERTMANAGER_URL=url)
    assert result.returncode == 0, result.stderr
    [(path, alerts)] = listener.received
    assert path == "/api/v2/alerts"
    assert alerts[0]["labels"]["alertname"] == "UnitFailed"
    assert alerts[0]["labels"]["severity"] == "page"
    assert alerts[0]["labels"]["unit"] == "perfectcatch-healthcheck.service"
    assert "perfectcatch-healthcheck.service failed" in alerts[0]["annotations"]["summary"]


def test_with_alertmanager_down_the_webhook_gets_the_alert_directly(listener):
    hook = f"http://127.0.0.1:{listener.server_port}/hook"
    result = notify("perfectcatch-worker.service", ALERTMANAGER_URL="http://127.0.0.1:1",
                    ALERT_WEBHOOK_URL=hook)
    assert result.returncode == 0, result.stderr
    [(path, body)] = listener.received
    assert path == "/hook" and body["status"] == "firing"
    assert body["alerts"][0]["labels"]["unit"] == "perfectcatch-worker.service"


def test_an_alert_that_reached_nobody_fails_the_notifier():
    result = notify("perfectcatch-web.service", ALERTMANAGER_URL="http://127.0.0.1:1")
    assert result.returncode == 1 and "did not take the alert" in result.stderr
