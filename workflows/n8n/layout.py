"""Laying an n8n graph out as a definition's list of steps.

n8n runs a graph; a definition runs a list, top to bottom, where a ``condition`` step may jump
(``then``/``else``) and an ``end`` step stops. From the trigger, the layout walks the graph
and places each node's steps once:

- a branch (IF, Filter, Switch) continues with its first output inline and queues the others;
  their ``condition`` steps point at each branch's first step;
- a fan-out (one output feeding several nodes, which n8n runs one branch after the other)
  places the branches one after the other;
- a node several branches lead into (a Merge, or any join) is placed when the walk has come
  from each of them, or else once, with the other branches jumping to it (an always-true
  ``condition`` step: ``"rule": {}``);
- a branch that ends, ends the instance (an ``end`` step);
- a loop back to an earlier node is kept when it waits on the way round (polling), and cut
  with a note when it does not (n8n's loops over items: an instance handles one record).

Step ids come from node names (``Send reminder`` → ``send_reminder``), unique per definition.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workflows.n8n.expressions import Scope, slug
from workflows.n8n.graph import Graph
from workflows.n8n.nodes.base import SAME, Context, Out, Outcome

WAIT = "n8n-nodes-base.wait"
END: Any = type("End", (), {"__repr__": lambda self: "END"})()


@dataclass(frozen=True)
class Ref:
    """A jump target: the first step of an n8n node (or ``END``), resolved at the end."""

    node: Any


@dataclass
class Walk:
    node: str | None
    after: tuple[str, ...]       # fan-out siblings still to place, in order
    final: str | None            # an already placed node to continue at when all is placed
    scope: Scope | None
    text: str | None             # the latest send_sms step on the way
    last: str | None = None      # the node placed last


Convert = Callable[[str, Context], Outcome]


class Layout:
    """One definition's steps from ``entry`` (the nodes its trigger feeds)."""

    def __init__(self, graph: Graph, entry: list[str], scopes: dict[str, Scope | None],
                 scope: Scope | None, convert: Convert):
        """``scopes``: what the nodes before ``entry`` (the trigger) output; ``scope``: what
        ``$json`` means at the entry."""
        self.graph, self.convert = graph, convert
        self.steps: list[dict[str, Any]] = []
        self.anchors: dict[str, int] = {}          # node → index of its first step
        self.outcomes: dict[str, Outcome] = {}
        self.step_ids: dict[str, list[str]] = {}
        self.scopes: dict[str, Scope | None] = dict(scopes)
        self.ids: set[str] = set()
        reachable = set(graph.reachable(entry))
        loops = graph.back_edges(entry)
        # Branches leading into a node (loops back to it are no branches).
        self.inputs = {n: sum(1 for s in graph.sources(n)
                              if s in reachable and (s, n) not in loops)
                       for n in reachable}
        self.arrivals: Counter[str] = Counter()
        self.deferred: list[str] = []
        self.queue = deque([Walk(entry[0], tuple(entry[1:]), None, scope, None)]) if entry \
            else deque()

    def build(self) -> list[dict[str, Any]]:
        while self.queue:
            walk = self.queue.popleft()
            if walk.node not in self.anchors:  # else a branch target placed meanwhile
                self._walk(walk)
        return self._resolved()

    # --- walking ----------------------------------------------------------------------------

    def _walk(self, walk: Walk) -> None:
        node, after, final = walk.node, walk.after, walk.final
        while True:
            if node is None:
                if after:
                    node, after = after[0], after[1:]
                    continue
                if self.deferred:
                    node = self.deferred.pop(0)
                    continue
                self._close(final, walk.last)
                return
            if node in self.anchors:
                final, node = final or node, None
                continue
            self.arrivals[node] += 1
            if self.arrivals[node] < self.inputs.get(node, 0) and after:
                if node not in self.deferred:  # a join: wait for the other branches
                    self.deferred.append(node)
                node = None
                continue
            if node in self.deferred:
                self.deferred.remove(node)
            node, after = self._place(node, walk, after, final)

    def _place(self, node: str, walk: Walk, after: tuple[str, ...],
               final: str | None) -> tuple[str | None, tuple[str, ...]]:
        """Place ``node``'s steps; returns where the walk goes on."""
        self.anchors[node] = len(self.steps)
        ctx = Context(self.graph.nodes[node], self.graph, walk.scope, self.scopes, self._new_id,
                      walk.text)
        outcome = self.convert(node, ctx)
        self.outcomes[node] = outcome
        walk.scope = walk.scope if outcome.scope is SAME else outcome.scope
        self.scopes[node] = walk.scope
        walk.last = node
        outputs = sorted({v.index for s in outcome.steps for v in s.values()
                          if isinstance(v, Out) and v.index is not None
                          and self.graph.targets(node, v.index)})
        continuation = Ref(after[0]) if after else Ref(final) if final else Ref(END)
        for step in outcome.steps:
            for key, value in step.items():
                if isinstance(value, Out):
                    targets = self.graph.targets(node, value.index) \
                        if value.index is not None else []
                    step[key] = self._target(targets[0], node) if targets else continuation
            if step["type"] == "send_sms":
                walk.text = step["id"]
        self.steps += outcome.steps
        self.step_ids[node] = [s["id"] for s in outcome.steps]
        if outputs:  # a branch: go on with the first output, queue the others
            for index in outputs[1:]:
                targets = self.graph.targets(node, index)
                self.queue.append(Walk(targets[0], (*targets[1:], *after), final, walk.scope,
                                       walk.text))
            targets = self.graph.targets(node, outputs[0])
            return targets[0], (*targets[1:], *after)
        if any(isinstance(v, Ref) for s in outcome.steps for v in s.values()):
            return None, after  # a branch whose outputs lead nowhere
        targets = [t for index in (outcome.follow if outcome.follow is not None else
                                   range(len(self.graph.outputs.get(node, []))))
                   for t in self.graph.targets(node, index)]
        targets = list(dict.fromkeys(targets))
        return (targets[0], (*targets[1:], *after)) if targets else (None, after)

    def _target(self, target: str, source: str) -> Ref:
        """Where a branch goes: ``target``, unless that is a loop back without a wait."""
        if target in self.anchors and self._loops_idly(target, source):
            return Ref(END)
        return Ref(target)

    def _close(self, final: str | None, last: str | None) -> None:
        """End the walk: jump to ``final`` (a node placed before), or end the instance."""
        if final is not None and not (last and self._loops_idly(final, last)):
            self.steps.append({"id": self._new_id(f"go to {final}"), "type": "condition",
                               "label": f"continue at n8n node {final!r}", "rule": {},
                               "then": Ref(final)})
        else:
            self.steps.append({"id": self._new_id("end"), "type": "end"})

    def _loops_idly(self, target: str, source: str) -> bool:
        """True when going from ``source`` to ``target`` goes round a loop without waiting
        (the loop is cut, and ``source`` says so)."""
        if not self.graph.reaches(target, source):
            return False
        if any(self.graph.nodes[n].type == WAIT and self.graph.reaches(n, source)
               for n in self.graph.reachable([target])):
            return False
        outcome = self.outcomes.get(source)
        if outcome is not None:
            outcome.notes.append(f"n8n went back to {target!r} here (a loop over items); not "
                                 f"carried over: an instance handles one record")
        return True

    # --- finishing ------------------------------------------------------------------------

    def _new_id(self, wish: str) -> str:
        base = step_id(wish)
        candidate, number = base, 2
        while candidate in self.ids:
            candidate, number = f"{base}_{number}", number + 1
        self.ids.add(candidate)
        return candidate

    def _resolved(self) -> list[dict[str, Any]]:
        ends = [s["id"] for s in self.steps if s["type"] == "end"]
        end_id = None

        def resolve(ref: Ref) -> str:
            nonlocal end_id
            index = self.anchors.get(ref.node, len(self.steps)) if ref.node is not END \
                else len(self.steps)
            if index < len(self.steps):
                return self.steps[index]["id"]
            if end_id is None:
                end_id = ends[-1] if ends and self.steps[-1]["type"] == "end" else \
                    self._new_id("end")
            return end_id

        for step in self.steps:
            for key, value in list(step.items()):
                if isinstance(value, Ref):
                    step[key] = resolve(value)
        if end_id is not None and end_id not in ends:
            self.steps.append({"id": end_id, "type": "end"})
        targets = {v for s in self.steps for k, v in s.items() if k in ("then", "else",
                                                                          "timeout_goto")}
        while self.steps and self.steps[-1]["type"] == "end" and \
                self.steps[-1]["id"] not in targets and len(self.steps) > 1:
            self.steps.pop()  # the instance completes after its last step anyway
        return self.steps


def step_id(wish: str) -> str:
    """A node name as a step id templates can read (``steps.<id>``)."""
    return slug(wish, "step", "n_")
