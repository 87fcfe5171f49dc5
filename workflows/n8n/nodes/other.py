"""Nodes that do not carry over, each with the reason the report gives: code (never run, shown
for a rewrite), database queries in the middle of a workflow, and the kinds of node that have
no native step."""

from __future__ import annotations

from workflows.n8n.graph import Node
from workflows.n8n.nodes.base import Context, Outcome, dropped, unsupported


def code(node: Node, ctx: Context) -> Outcome:
    """Code (v1: ``jsCode``; v2: ``language`` with ``jsCode``/``pythonCode``), Function and
    Function Item (``functionCode``). The code is only ever read as text."""
    language = {"python": "Python", "pythonNative": "Python"}.get(
        str(ctx.param("language", "")), "JavaScript")
    source = next((ctx.param(k) for k in ("jsCode", "pythonCode", "functionCode", "code")
                   if isinstance(ctx.param(k), str) and ctx.param(k).strip()), "")
    return unsupported(f"{language} code needs a rewrite (it is never run here): express what "
                       f"it does as steps — a condition, a set step — or as a new step type",
                       source)


def database(node: Node, ctx: Context) -> Outcome:
    """Postgres / MySQL anywhere but right after a schedule (where a read of the mirror is
    recognised as the trigger, see ``triggers.polls``)."""
    operation = ctx.param("operation", "insert")
    query = ctx.param("query", "")
    if operation in ("executeQuery", "select") and not _writes(query):
        return unsupported("a database read in the middle of the workflow is not carried "
                           "over: the record is in the context (entity.*), and related "
                           "records are fields too (customer.*, location.*, job.*)",
                           str(query))
    return unsupported(f"writes to a database ({operation}) are not carried over",
                       str(query) or f"{operation} {_table(ctx)}")


def _writes(query: object) -> bool:
    words = str(query).lstrip("= \n\t").split(None, 1)
    return bool(words) and words[0].lower() in ("insert", "update", "delete", "upsert",
                                                "merge", "create", "drop", "alter", "truncate")


def _table(ctx: Context) -> str:
    table = ctx.param("table", "")
    return str(table.get("value", "")) if isinstance(table, dict) else str(table)


def respond(node: Node, ctx: Context) -> Outcome:
    return dropped("answered the webhook's caller; an event needs no answer")


def sticky_note(node: Node, ctx: Context) -> Outcome:
    return dropped("a note on the canvas")


def not_carried(why: str):
    """A converter for a kind of node with no native counterpart, saying why."""
    def convert(node: Node, ctx: Context) -> Outcome:
        return unsupported(why)
    return convert


ITEMS = not_carried("works on lists of items; an instance handles one record")
AI = not_carried("AI nodes are not carried over")
SUB_WORKFLOW = not_carried("runs another n8n workflow: import that one too, and fold its steps "
                           "in here or start it from its own trigger")
STOP = not_carried("stops the run with an error: a step that fails does this here (the "
                   "instance fails and shows in the admin)")
