"""The process units start real commands the way django-q2 needs."""

import configparser
import re

from django.conf import settings
from django.core.management import get_commands

UNITS = settings.BASE_DIR / "deploy" / "systemd"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


def test_the_worker_is_stopped_by_signalling_its_main_process_only():
    service = unit("perfectcatch-worker.service")["Service"]
    assert service["KillMode"] == "mixed" and service["KillSignal"] == "SIGTERM"
    assert service["ExecStart"].endswith("manage.py qcluster")


def test_every_manage_py_command_in_the_deploy_files_exists():
    text = "\n".join(p.read_text() for p in (settings.BASE_DIR / "deploy").rglob("*")
                     if p.is_file() and p.suffix in ("", ".service", ".yaml", ".py"))
    text += (settings.BASE_DIR / "Procfile").read_text()
    used = set(re.findall(r"manage\.py\"?,? \"?([a-z_]+)", text))
    assert used and used <= set(get_commands()), used - set(get_commands())


def test_secrets_reach_the_services_as_files_not_values():
    for name in ("perfectcatch-web.service", "perfectcatch-worker.service"):
        service = (UNITS / name).read_text()
        assert "LoadCredential=django_secret_key:" in service
        assert "DJANGO_SECRET_KEY_FILE=%d/django_secret_key" in service
        assert "DJANGO_SECRET_KEY=" not in service.replace("DJANGO_SECRET_KEY_FILE=", "")
