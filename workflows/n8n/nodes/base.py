"""The contract between the importer and its node converters.

A converter takes one n8n node and a ``Context`` (where the node sits: what ``$json`` means
there, which text step came before, how to name steps) and returns an ``Outcome``: the native
steps it becomes, how faithfully, and what ``$json`` means after it. A branching node's steps
point at ``Out(i)`` (the nodes on its output ``i``); the layout puts real step ids there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from workflows.n8n.expressions import Reference, Scope, Translator
from workflows.n8n.graph import Graph, Node


class Status(StrEnum):
    CONVERTED = "converted"          # does what the n8n node did
    APPROXIMATED = "approximated"    # does something close; the detail says how it differs
    UNSUPPORTED = "unsupported"      # not carried over; the detail says why
    DROPPED = "dropped"              # nothing to carry over (NoOp, Merge, sticky notes)


@dataclass(frozen=True)
class Out:
    """A branch target: the first node on the n8n node's output ``index`` (None: no output,
    the branch ends)."""

    index: int | None


class _Same:
    def __repr__(self) -> str:
        return "SAME"


SAME: Any = _Same()  # an Outcome's scope when the node passes its input on unchanged


@dataclass
class Outcome:
    status: Status
    detail: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    scope: Scope | None = SAME
    shown: list[str] = field(default_factory=list)   # code, queries (the report masks them)
    notes: list[str] = field(default_factory=list)
    # A node without steps passes items on through these outputs (None: all of them).
    follow: tuple[int, ...] | None = None


@dataclass
class Context:
    node: Node
    graph: Graph
    scope: Scope | None                          # what $json means coming into the node
    scopes: Mapping[str, Scope | None]           # what each node placed so far outputs
    new_id: Callable[[str], str]                 # a unique step id from a wish
    last_text: str | None = None                 # the latest send_sms step on the way here
    translator: Translator = field(init=False)

    def __post_init__(self) -> None:
        self.translator = Translator(self._resolve)

    @property
    def params(self) -> Mapping[str, Any]:
        return self.node.params

    def param(self, name: str, default: Any = None) -> Any:
        return self.node.params.get(name, default)

    def mapping(self, name: str) -> Mapping[str, Any]:
        value = self.node.params.get(name)
        return value if isinstance(value, Mapping) else {}

    def step_id(self, suffix: str = "") -> str:
        return self.new_id(f"{self.node.name} {suffix}".strip())

    def label(self, what: str = "") -> str:
        return f"n8n: {self.node.name}{f' ({what})' if what else ''}"

    def _resolve(self, ref: Reference) -> str | None:
        scope = self.scope if ref.node is None else self.scopes.get(ref.node)
        return scope.path(ref.keys) if scope is not None else None


Converter = Callable[[Node, Context], Outcome]


def unsupported(why: str, *shown: str) -> Outcome:
    return Outcome(Status.UNSUPPORTED, why, scope=None, shown=[s for s in shown if s])


def dropped(why: str) -> Outcome:
    return Outcome(Status.DROPPED, why)


def listed(value: Any, key: str) -> list[Mapping[str, Any]]:
    """``value[key]`` as a list of objects (n8n's fixed collections), skipping anything
    else."""
    items = value.get(key) if isinstance(value, Mapping) else None
    return [item for item in items if isinstance(item, Mapping)] if isinstance(
        items, list) else []
