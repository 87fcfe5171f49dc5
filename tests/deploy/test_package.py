"""What production installs — the wheel, the Docker image — holds no sandbox: not its code,
not its fixed credentials, not its private signing keys."""

import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings

from sandbox.credentials import SANDBOX_GHL_TOKEN, SANDBOX_TWILIO_AUTH_TOKEN
from sandbox.ghl.keys import ED25519_SEED_TEXT

DOCKERFILE = settings.BASE_DIR / "deploy" / "Dockerfile"
NOT_SOURCES = shutil.ignore_patterns(".venv*", "var", "build", "*.egg-info", "__pycache__",
                                     ".git", ".pytest_cache", ".ruff_cache")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    """The wheel ``pip install .`` builds, from a copy of the tree (sandbox included), so no
    earlier build left in ``build/`` can slip into it."""
    source = tmp_path_factory.mktemp("source") / "perfectcatch"
    shutil.copytree(settings.BASE_DIR, source, ignore=NOT_SOURCES)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(out), str(source)],
                   check=True, capture_output=True, timeout=600)
    [built] = out.glob("perfectcatch-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_the_wheel_has_the_service_but_not_the_sandbox(wheel):
    names = wheel.namelist()
    assert {"config/settings.py", "ghl/signatures.py", "ghl/keys/ghl-webhook-rsa-public.pem",
            "messaging/twilio.py", "servicetitan/client.py",
            "workflows/engine/__init__.py",
            "workflows/static/workflows/definition_editor.js"} <= set(names)
    assert not [n for n in names if n.split("/")[0] == "sandbox"]


def test_the_wheel_holds_no_private_key_and_no_sandbox_credential(wheel):
    leaks = (b"PRIVATE KEY", SANDBOX_TWILIO_AUTH_TOKEN.encode(), SANDBOX_GHL_TOKEN.encode(),
             ED25519_SEED_TEXT)
    found = {name: [leak for leak in leaks if leak in wheel.read(name)]
             for name in wheel.namelist()}
    assert not {name: leak for name, leak in found.items() if leak}


def copied_sources() -> list[str]:
    """The first argument of every COPY in the Dockerfile (what goes into the image)."""
    lines = DOCKERFILE.read_text().splitlines()
    return [src for line in lines if (match := re.match(r"COPY\s+(.+)\s+\S+$", line))
            for src in match.group(1).split()]


def test_the_image_copies_the_service_but_not_the_sandbox():
    sources = copied_sources()
    assert {"config", "servicetitan", "workflows", "messaging", "ghl", "templates"} <= set(sources)
    assert not [s for s in sources if s in (".", "./") or s.startswith("sandbox")]


def test_the_image_collects_static_files_under_production_settings():
    """The production storage reads the manifest collectstatic writes under the same
    settings; development settings (which would also need the sandbox app) write none."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    [command] = [line for line in text.splitlines()
                 if line.startswith("RUN") and "collectstatic" in line]
    assert "DJANGO_ENV=production" in command and "DJANGO_ENV=development" not in command
