"""One n8n workflow to native definitions and a report.

Each trigger becomes a definition (a definition has one trigger): its steps are the nodes the
trigger leads to (``layout``). A second trigger leading into the same steps adds its event to
the first definition's trigger when both are events, and is reported otherwise; a Manual
Trigger beside other triggers is dropped (it was n8n's test button). A workflow without a
usable trigger starts from its first nodes, under a placeholder trigger; one none of whose
nodes carried over is still a definition (every n8n workflow is accounted for), holding a
placeholder rule. Definitions are returned as data, inactive; nothing is written here.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from workflows.n8n import mapping, triggers
from workflows.n8n.graph import Graph, Node
from workflows.n8n.layout import Layout
from workflows.n8n.nodes.base import Context, Outcome, Status, dropped, unsupported
from workflows.n8n.report import NodeEntry, WorkflowReport
from workflows.placeholders import PREFIX

MANUAL = "n8n-nodes-base.manualTrigger"
# The steps of a definition none of whose nodes carried over: it is kept (so that every n8n
# workflow is accounted for among the definitions) with a rule staff must write.
REBUILD = [{"id": "rebuild", "type": "condition", "rule": {"field": f"{PREFIX}rebuild",
                                                             "op": "exists"},
            "label": "n8n: no node became a step; rebuild them from the import report",
            "then": "end"},
           {"id": "end", "type": "end"}]
STICKY = "n8n-nodes-base.stickyNote"


@dataclass
class Planned:
    """A definition to create, as ``workflows.validation.FIELDS``."""

    data: dict[str, Any]
    trigger: str | None            # the n8n trigger node it came from

    @property
    def name(self) -> str:
        return self.data["name"]


@dataclass
class Conversion:
    report: WorkflowReport
    definitions: list[Planned] = field(default_factory=list)


def convert_workflow(workflow: dict[str, Any], *, source: str, fallback_name: str) -> Conversion:
    """``workflow`` (one object of an export) as definitions and its report."""
    graph = Graph.build(workflow)
    name = workflow.get("name")
    name = " ".join(name.split()) if isinstance(name, str) and name.strip() else fallback_name
    n8n_id = workflow.get("id")
    report = WorkflowReport(source=source, name=name[:200],
                            n8n_id=str(n8n_id)[:100] if isinstance(n8n_id, str | int) else "",
                            notes=list(graph.problems))
    return _Converter(graph, report).run()


class _Converter:
    def __init__(self, graph: Graph, report: WorkflowReport):
        self.graph, self.report = graph, report
        self.entries: dict[str, NodeEntry] = {}
        self.planned: list[Planned] = []
        self.covered: set[str] = set()

    def run(self) -> Conversion:
        for trigger, entry in self._entries():
            self._define(trigger, entry)
        if len(self.planned) > 1:
            for planned in self.planned:
                planned.data["name"] = f"{self.report.name[:80]} — {planned.trigger}"[:120]
        self.report.nodes = [self.entries.get(name) or self._unplaced(node)
                             for name, node in self.graph.nodes.items()]
        return Conversion(self.report, self.planned)

    def _entries(self) -> list[tuple[Node | None, list[str]]]:
        found = [n for n in self.graph.nodes.values() if mapping.is_trigger(n)]
        others = [n for n in found if n.type != MANUAL]
        entries: list[tuple[Node | None, list[str]]] = []
        for node in found:
            if node.type == MANUAL and others:
                self._record(node, dropped("n8n's button to run the workflow by hand; the "
                                           "definition starts from the workflow's other trigger"))
            elif not self.graph.targets(node.name):
                self._record(node, dropped("a trigger that leads to no node"))
            else:
                entries.append((node, self.graph.targets(node.name)))
        if not entries:
            roots = [n for n in self.graph.nodes.values() if self._root(n)]
            if roots:
                entries.append((None, [n.name for n in roots]))
        return entries

    def _root(self, node: Node) -> bool:
        return (not mapping.is_trigger(node) and node.type != STICKY and not node.disabled
                and node.name not in self.graph.attached and not self.graph.sources(node.name))

    def _define(self, node: Node | None, entry: list[str]) -> None:
        trigger = mapping.trigger_converter(node)(node, self.graph) if node else \
            triggers.no_trigger()
        if node is None:
            self.report.notes.append(trigger.detail)
        else:
            disabled_note = ["it was disabled in n8n"] if node.disabled else []
            self._record(node, Outcome(trigger.status, trigger.detail, scope=None,
                                       notes=[*trigger.notes, *disabled_note],
                                       shown=trigger.shown))
        scopes = {node.name: trigger.scope} if node else {}
        if trigger.absorbs:
            self._record(self.graph.nodes[trigger.absorbs],
                         Outcome(Status.CONVERTED, trigger.absorbed_detail))
            entry = self.graph.targets(trigger.absorbs)
            self.covered.add(trigger.absorbs)
            scopes[trigger.absorbs] = trigger.scope
        if entry and all(name in self.covered for name in entry):
            self._join(node, trigger)
            return
        layout = Layout(self.graph, entry, scopes, trigger.scope, self._convert)
        steps = layout.build()
        for name, outcome in layout.outcomes.items():
            self._record(self.graph.nodes[name], outcome, layout.step_ids.get(name, []))
        self.covered |= set(layout.outcomes)
        if not steps or all(s["type"] == "end" for s in steps):
            self.report.notes.append(f"no node after {_from(node)} became a step: the "
                                     f"definition holds a placeholder rule, to rebuild them from "
                                     f"this report")
            steps = REBUILD
        kind = {"trigger_kind": "audience", "audience": trigger.audience} \
            if trigger.audience else {}
        self.planned.append(Planned({
            "name": self.report.name[:120], "description": self._description(),
            "trigger_event": trigger.event, "trigger_conditions": trigger.rule, **kind,
            "steps": copy.deepcopy(steps), "cancel_on": [],
            "reentry": trigger.reentry or "one_live", "active": False},
            node.name if node else None))

    def _join(self, node: Node | None, trigger: triggers.Trigger) -> None:
        """A trigger leading into steps an earlier trigger's definition already has."""
        earlier = self.planned[-1] if self.planned else None
        if node is None or earlier is None:
            return
        entry = self.entries[node.name]
        event, rule = earlier.data["trigger_event"], earlier.data["trigger_conditions"]
        if trigger.event.startswith(PREFIX) or event.startswith(PREFIX) or rule or \
                trigger.rule or trigger.audience or "audience" in earlier.data:
            entry.notes.append(f"leads into the same steps as {earlier.trigger!r}: not a "
                               f"trigger of its own")
        elif trigger.event not in event:
            earlier.data["trigger_event"] = f"{event}, {trigger.event}"
            entry.notes.append(f"added to the trigger of {earlier.name!r}")

    def _convert(self, name: str, ctx: Context) -> Outcome:
        node = self.graph.nodes[name]
        if node.disabled:
            outcome = dropped("disabled in n8n, which passed its input through")
            outcome.follow = (0,)
            return outcome
        if mapping.is_trigger(node):
            return dropped("a trigger in the middle of the workflow")
        converter = mapping.node_converter(node)
        if converter is None:
            return unsupported(f"no native step for n8n's {node.short_type or 'untyped node'}")
        outcome = converter(node, ctx)
        if ctx.translator.unconverted:
            outcome.shown += [f"expression not converted: {e}" for e in
                              dict.fromkeys(ctx.translator.unconverted)]
            if outcome.status == Status.CONVERTED:
                outcome.status = Status.APPROXIMATED
            outcome.notes.append("n8n expressions it could not convert stay in the text as "
                                 "{# n8n: … #} until rewritten")
        if not outcome.steps and len(self.graph.outputs.get(name, [])) > 1:
            outcome.notes.append("its outputs are followed one after the other")
        return outcome

    def _record(self, node: Node, outcome: Outcome, steps: Sequence[str] = ()) -> None:
        entry = self.entries.get(node.name)
        if entry is None:
            entry = self.entries[node.name] = NodeEntry(node.name, node.type, node.version,
                                                        outcome.status, outcome.detail)
        entry.steps += [s for s in steps if s not in entry.steps]
        entry.add(notes=outcome.notes, shown=outcome.shown)

    def _unplaced(self, node: Node) -> NodeEntry:
        if node.type == STICKY:
            outcome = dropped("a note on the canvas")
        elif node.name in self.graph.attached:
            outcome = unsupported(f"a sub-node of {self.graph.attached[node.name]!r} (AI "
                                  f"models, tools, memory): not carried over")
        elif node.disabled:
            outcome = dropped("disabled in n8n")
        else:
            outcome = unsupported("not reached from a trigger: not carried over")
        self._record(node, outcome)
        return self.entries[node.name]

    def _description(self) -> str:
        return (f"Imported from n8n ({self.report.source}, workflow {self.report.name!r}). "
                f"Inactive until reviewed: see the import report on this page.")


def _from(node: Node | None) -> str:
    return f"trigger {node.name!r}" if node else "the workflow's start"
