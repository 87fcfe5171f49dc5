"""The layers (README "Layers", the contracts in pyproject.toml's ``[tool.importlinter]``):
an import that goes against them fails the suite with import-linter's report."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contracts() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_every_import_keeps_to_the_layers_and_leaves_the_sandbox_apart():
    result = subprocess.run([LINT_IMPORTS, "--no-logo", "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contracts_cover_every_app_of_the_project():
    ours = {app.name for app in apps.get_app_configs() if (ROOT / app.name).is_dir()}
    assert ours <= set(contracts()["root_packages"])
    layered = {name for contract in contracts()["contracts"] if contract["type"] == "layers"
               for layer in contract["layers"] for name in layer.split("|")}
    assert ours - {"sandbox"} == {name.strip() for name in layered}
