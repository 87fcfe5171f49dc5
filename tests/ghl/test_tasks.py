"""The django-q2 tasks of the GHL app."""

import pytest

from ghl.tasks import sync_all

pytestmark = pytest.mark.django_db


def test_the_scheduled_task_syncs_everything(ghl):
    assert sync_all() == {"pipelines": "success", "users": "success", "contacts": "success",
                          "opportunities": "success"}
