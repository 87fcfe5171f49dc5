"""Flow nodes: IF, Filter and Switch become ``condition`` steps, Set becomes ``set``, Wait
becomes ``wait`` (or ``wait_for_event`` when n8n resumed on a webhook call); NoOp and Merge
have nothing to carry over."""

from __future__ import annotations

import math
import re
from functools import partial
from typing import Any

from workflows.n8n import rules
from workflows.n8n.expressions import Fields, Prefix, slug
from workflows.n8n.graph import Node
from workflows.n8n.nodes.base import (
    SAME,
    Context,
    Out,
    Outcome,
    Status,
    dropped,
    listed,
    unsupported,
)
from workflows.placeholders import PREFIX

SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
MAX_WAIT = 3650 * 86400  # ten years: past that, a date computation overflows
_DURATION_UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))

# --- IF, Filter, Switch -----------------------------------------------------------------------


def if_typed(node: Node, ctx: Context) -> Outcome:
    """IF v1: comparisons listed by data type, ``combineOperation`` all/any."""
    result = rules.typed_conditions(ctx.param("conditions"),
                                    ctx.param("combineOperation") == "any", ctx.translator)
    return _branch(ctx, result, Out(1))


def if_filter(node: Node, ctx: Context) -> Outcome:
    """IF v2+: the filter format."""
    result = rules.filter_conditions(ctx.param("conditions"), ctx.translator,
                                     ctx.mapping("options").get("ignoreCase") is True)
    return _branch(ctx, result, Out(1))


def filter_typed(node: Node, ctx: Context) -> Outcome:
    """Filter v1: like IF v1, ``combineConditions`` AND/OR; items that fail go nowhere."""
    result = rules.typed_conditions(ctx.param("conditions"),
                                    ctx.param("combineConditions") == "OR", ctx.translator)
    return _branch(ctx, result, Out(None))


def filter_filter(node: Node, ctx: Context) -> Outcome:
    result = rules.filter_conditions(ctx.param("conditions"), ctx.translator,
                                     ctx.mapping("options").get("ignoreCase") is True)
    return _branch(ctx, result, Out(None))


def _branch(ctx: Context, result: rules.RuleResult, otherwise: Out) -> Outcome:
    step = {"id": ctx.step_id(), "type": "condition", "label": ctx.label(),
            "rule": result.rule_or_placeholder, "then": Out(0), "else": otherwise}
    ends = "" if otherwise.index is not None else "; a record that fails it goes no further"
    if result.rule is None:
        return Outcome(Status.UNSUPPORTED, f"condition step {step['id']!r} keeps the branches "
                       f"with a placeholder rule to write before switching on: "
                       f"{'; '.join(result.problems)}", [step], notes=result.notes)
    return Outcome(Status.APPROXIMATED if result.notes else Status.CONVERTED,
                   f"condition step {step['id']!r}{ends}", [step], notes=result.notes)


def switch_v1(node: Node, ctx: Context, by_position: bool = False) -> Outcome:
    """Switch v1 (rules send to output ``output``) and v2 (a rule's output is its position):
    one value compared with each rule's ``value2``."""
    if ctx.param("mode", "rules") != "rules":
        return unsupported("routes by a computed output number: write the branches as "
                           "conditions", str(ctx.param("output", "")))
    kind = ctx.param("dataType", "number")
    cases = []
    for index, rule in enumerate(listed(ctx.mapping("rules"), "rules")):
        result = rules.comparison(ctx.param("value1", ""),
                                  rule.get("operation", rules.DEFAULT_OPERATION.get(kind)),
                                  rule.get("value2", ""), kind, ctx.translator)
        output = index if by_position else rule.get("output", 0)
        cases.append((result, output if isinstance(output, int) else 0))
    fallback = ctx.param("fallbackOutput", -1)
    return _switch(ctx, cases, fallback if isinstance(fallback, int) and fallback >= 0 else None)


def switch_v3(node: Node, ctx: Context) -> Outcome:
    """Switch v3+: each rule is a filter-format condition; output i is rule i; the fallback
    is "none", "extra" (an output after the rules) or an output number."""
    if ctx.param("mode", "rules") != "rules":
        return unsupported("routes by a computed output number: write the branches as "
                           "conditions", str(ctx.param("output", "")))
    options = ctx.mapping("options")
    cases = [(rules.filter_conditions(rule.get("conditions"), ctx.translator,
                                      options.get("ignoreCase") is True), index)
             for index, rule in enumerate(listed(ctx.mapping("rules"), "values"))]
    fallback = options.get("fallbackOutput", "none")
    outcome = _switch(ctx, cases, len(cases) if fallback == "extra" else
                      fallback if isinstance(fallback, int) else None)
    if options.get("allMatchingOutputs") is True:
        outcome.notes.append("n8n sent a record to every matching output; here it takes the "
                             "first match only")
        outcome.status = Status.APPROXIMATED if outcome.status == Status.CONVERTED \
            else outcome.status
    return outcome


def _switch(ctx: Context, cases: list[tuple[rules.RuleResult, int]],
            fallback: int | None) -> Outcome:
    """A chain of condition steps, one per rule: a match goes to the rule's output, a miss to
    the next rule, the last miss to the fallback output (or nowhere)."""
    if not cases:
        return unsupported("a Switch without routing rules")
    ids = [ctx.step_id("" if i == 0 else f"rule {i + 1}") for i in range(len(cases))]
    steps = [{"id": ids[i], "type": "condition", "label": ctx.label(f"rule {i + 1}"),
              "rule": result.rule_or_placeholder, "then": Out(output),
              "else": ids[i + 1] if i + 1 < len(cases) else Out(fallback)}
             for i, (result, output) in enumerate(cases)]
    problems = [f"rule {i + 1}: {p}" for i, (r, _) in enumerate(cases) for p in r.problems]
    notes = list(dict.fromkeys(n for r, _ in cases for n in r.notes))
    chain = f"condition steps {', '.join(repr(i) for i in ids)} (first match wins)"
    if problems:
        return Outcome(Status.UNSUPPORTED, f"{chain}; placeholder rules to write before "
                       f"switching on: {'; '.join(problems)}", steps, notes=notes)
    return Outcome(Status.APPROXIMATED if notes else Status.CONVERTED, chain, steps,
                   notes=notes)


switch_v2 = partial(switch_v1, by_position=True)

# --- Set / Edit Fields ------------------------------------------------------------------------


def set_typed(node: Node, ctx: Context) -> Outcome:
    """Set v1–v2: ``values`` listed by type, ``keepOnlySet``."""
    values = ctx.mapping("values")
    fields = [(item.get("name"), item.get("value", default), kind)
              for kind, default in (("string", ""), ("number", 0), ("boolean", False))
              for item in listed(values, kind)]
    return _set(ctx, fields, keep_incoming=ctx.param("keepOnlySet") is not True)


def set_fields(node: Node, ctx: Context) -> Outcome:
    """Set v3.x ("Edit Fields"): ``fields.values`` typed ``stringValue``… (3.0–3.2),
    ``assignments`` (3.3+), or raw JSON (``mode: raw``)."""
    include = ctx.param("include", "all")
    if node.version >= 3.3:
        keep = ctx.param("includeOtherFields") is True and include == "all"
    else:
        keep = include == "all"
    if ctx.param("mode", "manual") == "raw":
        ok, value = ctx.translator.json(ctx.param("jsonOutput", "{}"))
        if not ok or not isinstance(value, dict):
            return unsupported("the raw JSON output is not a JSON object",
                               str(ctx.param("jsonOutput", "")))
        return _set(ctx, [(name, item, "raw") for name, item in value.items()], keep)
    if node.version >= 3.3:
        fields = [(item.get("name"), item.get("value", ""), item.get("type", "string"))
                  for item in listed(ctx.mapping("assignments"), "assignments")]
    else:
        fields = [(item.get("name"), item.get(str(item.get("type", "stringValue")), ""),
                   str(item.get("type", "stringValue")).removesuffix("Value"))
                  for item in listed(ctx.mapping("fields"), "values")]
    return _set(ctx, fields, keep)


def _set(ctx: Context, fields: list[tuple[Any, Any, str]], keep_incoming: bool) -> Outcome:
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    notes = []
    for name, value, kind in fields:
        if not isinstance(name, str) or not name.strip():
            notes.append("a field without a name was skipped")
            continue
        var = var_name(name, values)
        if var != name:
            notes.append(f"field {name!r} is vars.{var}")
        names[name] = var
        values[var] = _field_value(ctx, value, kind)
    if not values:
        return dropped("sets no fields")
    step = {"id": ctx.step_id(), "type": "set", "label": ctx.label(), "values": values}
    detail = f"set step {step['id']!r}: {', '.join(f'vars.{v}' for v in values)}"
    return Outcome(Status.APPROXIMATED if notes else Status.CONVERTED, detail, [step],
                   scope=Fields(names, ctx.scope if keep_incoming else None), notes=notes)


def _field_value(ctx: Context, value: Any, kind: str) -> Any:
    if kind in ("object", "array") and isinstance(value, str):
        ok, parsed = ctx.translator.json(value)
        return parsed if ok else ctx.translator.mark(value)
    if kind == "raw" and isinstance(value, str):
        return ctx.translator.text(value)
    return rules.typed(ctx.translator.value(value), kind)


def var_name(name: str, taken: dict[str, Any]) -> str:
    """``name`` as a name templates can read (``vars.added_by``), unique among ``taken``."""
    base = name if re.fullmatch(r"[A-Za-z]\w{0,59}", name) else slug(name, "field", "f_")
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


# --- Wait ---------------------------------------------------------------------------------


def wait(node: Node, ctx: Context, amount: float = 1, unit: str = "hours") -> Outcome:
    """Wait v1 (default 1 hour) and v1.1+ (default 5 seconds): a time interval, a fixed
    time, or until a webhook call / form submission resumes it."""
    resume = ctx.param("resume", "timeInterval")
    if resume == "timeInterval":
        return _wait_interval(ctx, ctx.param("amount", amount), ctx.param("unit", unit))
    if resume in ("webhook", "form"):
        return _wait_for_call(ctx, resume)
    if resume == "specificTime":
        return unsupported("waits until a fixed date and time: use a wait with a duration, "
                           "or until a time of day", str(ctx.param("dateTime", "")))
    return unsupported(f"resumes on {resume!r}: no native counterpart")


wait_v1_1 = partial(wait, amount=5, unit="seconds")


def _wait_interval(ctx: Context, amount: Any, unit: Any) -> Outcome:
    seconds = _seconds(amount, unit)
    if seconds is None:
        return unsupported("the wait's length is computed by an expression: give it a "
                           "duration", f"{amount} {unit}")
    if seconds <= 0:
        return dropped("waits no time")
    if seconds > MAX_WAIT:
        return unsupported("waits longer than ten years", f"{amount} {unit}")
    step = {"id": ctx.step_id(), "type": "wait", "label": ctx.label(),
            "duration": duration(seconds)}
    return Outcome(Status.CONVERTED, f"wait step {step['id']!r}: {step['duration']}", [step])


def _wait_for_call(ctx: Context, resume: str) -> Outcome:
    step: dict[str, Any] = {"id": ctx.step_id(), "type": "wait_for_event", "label": ctx.label()}
    notes = []
    limit = _limit(ctx)
    if limit:
        step["timeout"] = limit
    elif ctx.param("limitWaitTime") is True:
        notes.append("n8n stopped waiting at a fixed date; here it waits until the event "
                     "comes or staff cancel it")
    what = "a form submission" if resume == "form" else "a call to its resume URL"
    scope = Prefix(f"steps.{step['id']}.event", skip=frozenset({"body", "query"}))
    if ctx.last_text:
        step.update(event="sms.received",
                    correlation={"phone": "{{ steps." + ctx.last_text + ".phone }}"})
        return Outcome(Status.APPROXIMATED, f"wait_for_event step {step['id']!r}: n8n waited "
                       f"for {what}; here the instance waits for the customer's reply to text "
                       f"{ctx.last_text!r} — check that this is what the call was for",
                       [step], scope=scope, notes=notes)
    step.update(event=f"{PREFIX}resume_{resume}", correlation={"id": "{{ entity.id }}"})
    return Outcome(Status.UNSUPPORTED, f"n8n waited for {what}, which has no native event: "
                   f"wait_for_event step {step['id']!r} waits for a placeholder event; choose "
                   f"the event (and correlation) before switching on", [step], scope=scope,
                   notes=notes)


def _limit(ctx: Context) -> str | None:
    if ctx.param("limitWaitTime") is not True or \
            ctx.param("limitType", "afterTimeInterval") != "afterTimeInterval":
        return None
    seconds = _seconds(ctx.param("resumeAmount", 1), ctx.param("resumeUnit", "hours"))
    return duration(seconds) if seconds and 0 < seconds <= MAX_WAIT else None


def _seconds(amount: Any, unit: Any) -> int | None:
    if isinstance(amount, str):
        try:
            amount = float(amount.removeprefix("="))
        except ValueError:
            return None
    if isinstance(amount, bool) or not isinstance(amount, int | float) or unit not in SECONDS \
            or not math.isfinite(amount):
        return None
    return math.ceil(amount * SECONDS[unit])


def duration(seconds: int) -> str:
    """Seconds in our duration syntax, largest units first: 5400 → ``1h30m``."""
    parts = []
    for suffix, size in _DURATION_UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{suffix}")
    return "".join(parts)


# --- nothing to carry over ----------------------------------------------------------------


def no_op(node: Node, ctx: Context) -> Outcome:
    return dropped("does nothing")


def merge(node: Node, ctx: Context) -> Outcome:
    outcome = dropped("the branches join here: the steps after it run once, after the "
                      "branches before it")
    if ctx.param("mode", "append") not in ("append", "passThrough", "wait"):
        outcome.notes.append(f"n8n combined the branches' data ({ctx.param('mode')}); here "
                             f"each step reads what it needs from the context (steps.<id>, "
                             f"vars)")
    outcome.scope = SAME if ctx.param("mode", "append") in ("append", "passThrough") else None
    return outcome
