"""The compiled rule selects exactly the records the Python evaluator of event rules passes,
for the ops both have: one language, two evaluators (property test)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.workflows.factories import EstimateFactory
from workflows import entities
from workflows.audiences.compiler import compile_rule
from workflows.audiences.periods import Clock
from workflows.conditions import evaluate
from workflows.facts import EntityFacts

pytestmark = pytest.mark.django_db
STATUSES = ["Open", "Sold", "Dismissed", ""]
TOTALS = [None, Decimal("0.00"), Decimal("999.99"), Decimal("1000.00"), Decimal("1250.50")]
NAMES = ["Heat pump", "heat pump tune-up", "Water heater 50%", "A_C"]

numbers = st.sampled_from([0, 999.99, 1000, "1000", "1250.50", -1])
texts = st.sampled_from([*STATUSES, "Heat", "pump", "50%", "_", "A"])
leaves = st.one_of(
    st.builds(lambda op, v: {"field": "status", "op": op, "value": v},
              st.sampled_from(["==", "!="]), texts),
    st.builds(lambda op, v: {"field": "status", "op": op, "value": v},
              st.sampled_from(["in", "not_in"]), st.lists(texts, min_size=1, max_size=3)),
    st.builds(lambda op, v: {"field": "total", "op": op, "value": v},
              st.sampled_from(["==", "!=", ">", ">=", "<", "<="]), numbers),
    st.builds(lambda op, v: {"field": "total", "op": op, "value": v},
              st.sampled_from(["in", "not_in"]), st.lists(numbers, min_size=1, max_size=3)),
    st.builds(lambda v: {"field": "total", "op": "exists", "value": v}, st.booleans()),
    st.builds(lambda op, v: {"field": "name", "op": op, "value": v},
              st.sampled_from(["contains", "startswith"]), texts.filter(bool)),
)
rules = st.recursive(leaves, lambda inner: st.one_of(
    st.builds(lambda r: {"not": r}, inner),
    st.builds(lambda rs: {"all": rs}, st.lists(inner, max_size=3)),
    st.builds(lambda rs: {"any": rs}, st.lists(inner, max_size=3))), max_leaves=6)


@pytest.fixture
def estimates(db):
    return [EstimateFactory(status=status, total=total, name=name)
            for status in STATUSES for total in TOTALS
            for name in NAMES[:2 if total else 4]]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule=rules)
def test_sql_and_python_agree_on_every_rule(estimates, rule):
    compiled = compile_rule(rule, "estimate", Clock(timezone.now()), "rule")
    in_sql = set(type(estimates[0]).objects.filter(compiled.q).values_list("pk", flat=True))
    in_python = {e.pk for e in estimates
                 if evaluate(rule, EntityFacts(entities.snapshot(e), "estimate", e.pk)).passed}
    assert in_sql == in_python
