"""An n8n workflow as a graph: its nodes, and where each output of each node leads.

Exports in the wild are messy (hand-written, LLM-written, edited): a node may lack a name or
a type, carry ``null`` parameters or a typeVersion as text, name its type without the
``n8n-nodes-base.`` prefix, and connections may be keyed by node id or point at nodes that do
not exist. ``Graph.build`` takes what it can and records the rest in ``problems``; it never
raises on the shape of the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

BASE = "n8n-nodes-base."
MAX_NODES = 1000


@dataclass(frozen=True)
class Node:
    name: str
    type: str                       # with its package prefix: "n8n-nodes-base.if"
    version: float                  # typeVersion; 1 when missing or unreadable
    params: Mapping[str, Any]
    credentials: tuple[str, ...]    # credential types only: names and ids are not kept
    disabled: bool
    id: str = ""

    @property
    def short_type(self) -> str:
        return self.type.rsplit(".", 1)[-1]

    @property
    def label(self) -> str:
        """``Twilio (twilio v1)`` — how the report names a node."""
        return f"{self.name} ({self.short_type} v{self.version:g})"


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)     # by name, in file order
    outputs: dict[str, list[list[str]]] = field(default_factory=dict)   # main outputs
    attached: dict[str, str] = field(default_factory=dict)   # AI sub-node → the node it serves
    problems: list[str] = field(default_factory=list)
    _reach_memo: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _sources_memo: dict[str, list[str]] | None = field(default=None, repr=False)

    @classmethod
    def build(cls, workflow: Mapping[str, Any]) -> Graph:
        graph = cls()
        for index, entry in enumerate(workflow.get("nodes") or []):
            graph._add(index, entry)
        graph._connect(workflow.get("connections") or {})
        return graph

    def targets(self, name: str, output: int | None = None) -> list[str]:
        """The nodes fed by ``name``'s output ``output`` (all its outputs when None), in
        order, without repeats."""
        outputs = self.outputs.get(name, [])
        chosen = outputs if output is None else outputs[output:output + 1]
        return list(dict.fromkeys(t for targets in chosen for t in targets))

    def sources(self, name: str) -> list[str]:
        """The nodes feeding ``name``."""
        if self._sources_memo is None:
            self._sources_memo = {}
            for source in self.outputs:
                for target in self.targets(source):
                    self._sources_memo.setdefault(target, []).append(source)
        return self._sources_memo.get(name, [])

    def back_edges(self, starts: Iterable[str]) -> set[tuple[str, str]]:
        """The connections that go back to a node on the way to them (loops), found by one
        depth-first walk from ``starts``."""
        found: set[tuple[str, str]] = set()
        done: set[str] = set()
        for start in starts:
            if start in done:
                continue
            path, stack = {start}, [(start, iter(self.targets(start)))]
            while stack:
                name, targets = stack[-1]
                target = next(targets, None)
                if target is None:
                    stack.pop()
                    path.discard(name)
                    done.add(name)
                elif target in path:
                    found.add((name, target))
                elif target not in done:
                    path.add(target)
                    stack.append((target, iter(self.targets(target))))
        return found

    def reachable(self, starts: Iterable[str]) -> list[str]:
        """Every node reachable from ``starts`` (included), in discovery order."""
        seen: dict[str, None] = {}
        stack = list(starts)
        while stack:
            name = stack.pop()
            if name not in seen:
                seen[name] = None
                stack.extend(reversed(self.targets(name)))
        return list(seen)

    def reaches(self, start: str, goal: str) -> bool:
        if start not in self._reach_memo:
            self._reach_memo[start] = frozenset(self.reachable([start]))
        return goal in self._reach_memo[start]

    # --- building -------------------------------------------------------------------------

    def _add(self, index: int, entry: Any) -> None:
        where = f"nodes[{index}]"
        if not isinstance(entry, Mapping):
            self.problems.append(f"{where} is not a node object: ignored")
            return
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problems.append(f"{where} has no name, so nothing can connect to it: ignored")
            return
        if name in self.nodes:
            self.problems.append(f"{where}: a second node named {name!r}: ignored")
            return
        if len(self.nodes) >= MAX_NODES:
            self.problems.append(f"more than {MAX_NODES} nodes: the rest were ignored")
            return
        params = entry.get("parameters")
        credentials = entry.get("credentials")
        self.nodes[name] = Node(
            name=name, type=_type(entry.get("type")), version=_version(entry.get("typeVersion")),
            params=params if isinstance(params, Mapping) else {},
            credentials=tuple(credentials) if isinstance(credentials, Mapping) else (),
            disabled=entry.get("disabled") is True,
            id=entry["id"] if isinstance(entry.get("id"), str) else "")

    def _connect(self, connections: Mapping[str, Any]) -> None:
        by_id = {node.id: name for name, node in self.nodes.items() if node.id}
        for key, kinds in connections.items():
            source = key if key in self.nodes else by_id.get(key)
            if source is None or not isinstance(kinds, Mapping):
                self.problems.append(f"connections from {key!r}: no such node: ignored")
                continue
            for kind, outputs in kinds.items():
                if kind == "main":
                    self.outputs[source] = self._outputs(source, outputs, by_id)
                else:  # ai_languageModel, ai_tool, …: the source serves the target
                    for target in self._outputs(source, outputs, by_id):
                        for name in target:
                            self.attached.setdefault(source, name)

    def _outputs(self, source: str, outputs: Any, by_id: dict[str, str]) -> list[list[str]]:
        if not isinstance(outputs, list):
            self.problems.append(f"connections from {source!r}: not a list of outputs: "
                                 f"ignored")
            return []
        result = []
        for output in outputs:
            targets = []
            for link in output if isinstance(output, list) else []:
                target = link.get("node") if isinstance(link, Mapping) else None
                target = target if target in self.nodes else by_id.get(target)
                if target is None:
                    self.problems.append(f"a connection from {source!r} leads to a node that "
                                         f"does not exist: ignored")
                elif target not in targets:
                    targets.append(target)
            result.append(targets)
        return result


def _type(value: Any) -> str:
    """The node type with its package prefix; hand-written exports often leave it out."""
    if not isinstance(value, str) or not value.strip():
        return ""
    value = value.strip()
    return value if "." in value else BASE + value


def _version(value: Any) -> float:
    try:
        version = float(value)
    except (TypeError, ValueError):
        return 1.0
    return version if 0 < version < 100 else 1.0
