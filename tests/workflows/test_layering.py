"""Workflows sit below the apps whose records they are about (issue 13): the entity models
are registered with ``workflows.entities``, which imports no app's models."""

import ast
from pathlib import Path

import workflows
from servicetitan import selectors
from workflows import entities


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}
    return names | {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}


def test_the_workflows_app_imports_nothing_from_servicetitan():
    root = Path(workflows.__file__).parent
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if "migrations" not in path.parts
                 and any(m.split(".")[0] == "servicetitan" for m in _imported_modules(path))]
    assert offenders == []


def test_the_servicetitan_entities_are_registered_with_workflows():
    assert entities.ENTITY_MODELS == selectors.ENTITY_MODELS
