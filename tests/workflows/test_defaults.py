"""The data migration's two standard definitions."""

import importlib

import pytest

from workflows.models import WorkflowDefinition
from workflows.validation import validate_definition

pytestmark = pytest.mark.django_db
migration = importlib.import_module("workflows.migrations.0003_default_definitions")


def test_the_two_standard_definitions_are_installed_inactive():
    installed = WorkflowDefinition.objects.filter(name__in=["Estimate follow-up",
                                                            "Job completed: review request"])
    assert sorted(installed.values_list("active", "version")) == [(False, 1), (False, 1)]


@pytest.mark.parametrize("data", migration.DEFAULTS, ids=lambda d: d["name"])
def test_each_standard_definition_passes_validation(data):
    validate_definition(data)


def test_the_follow_up_is_cancelled_by_a_sold_or_dismissed_estimate():
    follow_up = WorkflowDefinition.objects.get(name="Estimate follow-up")
    assert follow_up.cancel_on[0]["conditions"]["value"] == ["Sold", "Dismissed"]
