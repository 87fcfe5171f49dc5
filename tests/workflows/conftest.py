"""Fixtures for the workflow tests: the test step kit, definitions, and an engine drain."""

from __future__ import annotations

import pytest

from tests.workflows import stepkit
from workflows.engine import Worker
from workflows.services import definition_save
from workflows.steps.base import REGISTRY


@pytest.fixture(autouse=True, scope="session")
def step_kit():
    added = stepkit.register_all()
    yield
    for name in added:
        REGISTRY.pop(name, None)


@pytest.fixture
def sent_sms():
    stepkit.SENT.clear()
    yield stepkit.SENT
    stepkit.SENT.clear()


FOLLOW_UP = {
    "name": "Follow-up",
    "trigger_event": "estimate.created",
    "trigger_conditions": {"all": [{"field": "status", "op": "==", "value": "Open"},
                                   {"field": "total", "op": ">=", "value": 1000}]},
    "steps": [
        {"id": "wait", "type": "wait", "duration": "2d"},
        {"id": "text", "type": "test_text", "purpose": "marketing",
         "body": "Hi {{ customer.first_name }}, your estimate for ${{ entity.total }}"},
    ],
    "cancel_on": [{"event": "estimate.status_changed",
                   "conditions": {"field": "status", "op": "in",
                                  "value": ["Sold", "Dismissed"]}}],
    "active": True,
}


@pytest.fixture
def make_definition(db):
    def make(**overrides):
        return definition_save(data={**FOLLOW_UP, **overrides}, actor="test")
    return make


@pytest.fixture
def follow_up(make_definition):
    return make_definition()


@pytest.fixture
def drain(db):
    """Run the engine until nothing is due (what ``workflows_run --once`` does)."""
    def run():
        return Worker(name="test-worker", poll_interval=0.1).drain()
    return run


AUDIENCE = {
    "name": "Lapsed customers",
    "trigger_kind": "audience",
    "audience": {
        "entity": "customer",
        "rule": {"not": {"has": "job", "where": {"field": "completed_on", "op": "within_last",
                                                 "value": "12mo"}}},
    },
    "steps": [{"id": "text", "type": "test_text", "purpose": "marketing",
               "body": "Hi {{ customer.first_name }}, it has been a while."}],
    "active": True,
}


@pytest.fixture
def make_audience(db, settings):
    """An active audience definition (lapsed customers by default; keys of ``audience``
    override), with the business time zone New York."""
    settings.BUSINESS_TIME_ZONE = "America/New_York"

    def make(**audience):
        data = {**AUDIENCE, "audience": {**AUDIENCE["audience"], **audience}}
        return definition_save(data=data, actor="test")
    return make
