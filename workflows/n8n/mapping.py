"""What each n8n node type becomes: one entry per type, with a converter per typeVersion
family (the converter of the highest family at or below the node's typeVersion applies).

A type missing here is reported as having no native step; a trigger type missing from
``TRIGGERS`` gets a placeholder trigger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from workflows.n8n import triggers
from workflows.n8n.graph import Node
from workflows.n8n.nodes import actions, flow, other
from workflows.n8n.nodes.base import Converter

C = TypeVar("C")


@dataclass(frozen=True)
class NodeType(Generic[C]):
    label: str
    versions: tuple[tuple[float, C], ...]   # (first typeVersion of the family, converter)

    def converter(self, version: float) -> C:
        chosen = self.versions[0][1]
        for since, converter in self.versions:
            if version >= since:
                chosen = converter
        return chosen


def one(label: str, converter: C) -> NodeType[C]:
    return NodeType(label, ((0, converter),))


_B = "n8n-nodes-base."

NODES: dict[str, NodeType[Converter]] = {
    f"{_B}if": NodeType("IF", ((1, flow.if_typed), (2, flow.if_filter))),
    f"{_B}filter": NodeType("Filter", ((1, flow.filter_typed), (2, flow.filter_filter))),
    f"{_B}switch": NodeType("Switch", ((1, flow.switch_v1), (2, flow.switch_v2),
                                       (3, flow.switch_v3))),
    f"{_B}set": NodeType("Set / Edit Fields", ((1, flow.set_typed), (3, flow.set_fields))),
    f"{_B}httpRequest": NodeType("HTTP Request", ((1, actions.http_v1), (3, actions.http_v3))),
    f"{_B}twilio": one("Twilio", actions.twilio),
    f"{_B}wait": NodeType("Wait", ((1, flow.wait), (1.1, flow.wait_v1_1))),
    f"{_B}emailSend": one("Send Email", actions.email_send),
    f"{_B}gmail": NodeType("Gmail", ((1, actions.gmail), (2, actions.gmail_v2))),
    f"{_B}noOp": one("No Operation", flow.no_op),
    f"{_B}merge": one("Merge", flow.merge),
    f"{_B}stickyNote": one("Sticky Note", other.sticky_note),
    f"{_B}code": one("Code", other.code),
    f"{_B}function": one("Function", other.code),
    f"{_B}functionItem": one("Function Item", other.code),
    f"{_B}postgres": one("Postgres", other.database),
    f"{_B}mySql": one("MySQL", other.database),
    f"{_B}respondToWebhook": one("Respond to Webhook", other.respond),
    f"{_B}executeWorkflow": one("Execute Workflow", other.SUB_WORKFLOW),
    f"{_B}stopAndError": one("Stop and Error", other.STOP),
    **{f"{_B}{name}": one(name, other.ITEMS) for name in (
        "splitInBatches", "splitOut", "itemLists", "aggregate", "limit", "removeDuplicates",
        "sort", "summarize")},
}

# What a schedule that does not poll the mirror for changes becomes: an audience trigger when
# it reads a mirror table by the records' dates, else a placeholder the report explains.
AUDIENCE = triggers.audience

TRIGGERS: dict[str, NodeType[triggers.TriggerConverter]] = {
    f"{_B}scheduleTrigger": one("Schedule Trigger",
                                triggers.polls(triggers.schedule_rule, AUDIENCE)),
    f"{_B}cron": one("Cron", triggers.polls(triggers.cron_times, AUDIENCE)),
    f"{_B}interval": one("Interval", triggers.polls(triggers.interval, AUDIENCE)),
    f"{_B}webhook": one("Webhook", triggers.webhook),
    f"{_B}twilioTrigger": one("Twilio Trigger", triggers.twilio_trigger),
    f"{_B}manualTrigger": one("Manual Trigger", triggers.manual),
    f"{_B}errorTrigger": one("Error Trigger", triggers.error_trigger),
    f"{_B}executeWorkflowTrigger": one("Execute Workflow Trigger", triggers.sub_workflow),
}
# Trigger types without a "Trigger" suffix that are not in TRIGGERS.
POLLING = {f"{_B}emailReadImap", f"{_B}rssFeedRead"}


def is_trigger(node: Node) -> bool:
    return node.type in TRIGGERS or node.type in POLLING or node.short_type.endswith("Trigger")


def node_converter(node: Node) -> Converter | None:
    """The converter for ``node``, or None when the type has no native counterpart
    (including AI nodes, recognised by their package)."""
    if node.type.startswith("@n8n/n8n-nodes-langchain."):
        return other.AI
    entry = NODES.get(node.type)
    return entry.converter(node.version) if entry else None


def trigger_converter(node: Node) -> triggers.TriggerConverter:
    entry = TRIGGERS.get(node.type)
    return entry.converter(node.version) if entry else triggers.other
