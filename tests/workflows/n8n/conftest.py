"""Helpers for the n8n import tests: the team's own exports (tests/fixtures/n8n/own) and the
corpus of real ones (tests/fixtures/n8n/corpus, with its MANIFEST.tsv)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workflows.n8n.convert import Conversion, convert_workflow
from workflows.n8n.report import NodeEntry

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "n8n"
OWN = FIXTURES / "own"
CORPUS = FIXTURES / "corpus"


def own_bytes(name: str) -> bytes:
    return (OWN / name).read_bytes()


def own_workflows(name: str) -> list[dict[str, Any]]:
    data = json.loads(own_bytes(name))
    return data if isinstance(data, list) else [data]


def converted(name: str, index: int = 0) -> Conversion:
    """The ``index``-th workflow of an own export, converted."""
    return convert_workflow(own_workflows(name)[index], source=name, fallback_name="unnamed")


def workflow(*nodes: dict[str, Any], links: dict[str, list[list[str]]] | None = None,
             name: str = "Test") -> dict[str, Any]:
    """A small workflow: ``links`` maps a node to the nodes on each of its outputs."""
    return {"name": name, "nodes": list(nodes), "connections": {
        source: {"main": [[{"node": t, "type": "main", "index": 0} for t in out]
                          for out in outputs]}
        for source, outputs in (links or {}).items()}}


def node(name: str, kind: str, version: float = 1, **params: Any) -> dict[str, Any]:
    return {"name": name, "type": f"n8n-nodes-base.{kind}", "typeVersion": version,
            "parameters": params, "position": [0, 0]}


def convert(data: dict[str, Any]) -> Conversion:
    return convert_workflow(data, source="test.json", fallback_name="test")


def entry(conversion: Conversion, name: str) -> NodeEntry:
    return next(e for e in conversion.report.nodes if e.name == name)


def steps(conversion: Conversion, index: int = 0) -> dict[str, dict[str, Any]]:
    """The ``index``-th definition's steps by id."""
    return {s["id"]: s for s in conversion.definitions[index].data["steps"]}


WEBHOOK = node("Estimate created", "webhook", 2, path="estimate-created", httpMethod="POST")
