import pytest
from django.core.exceptions import ImproperlyConfigured

from config import events
from workflows.models import WorkflowEvent


@pytest.mark.django_db
def test_an_event_recorded_through_config_is_stored_by_the_workflows_writer():
    events.record_events([events.Event("job.completed", "job", 7, {"id": 7}, "servicetitan")])
    stored = WorkflowEvent.objects.get()
    assert (stored.event_type, stored.entity_id, stored.source) == ("job.completed", "7",
                                                                     "servicetitan")


def test_without_a_registered_writer_an_event_is_refused_not_dropped(monkeypatch):
    monkeypatch.setattr(events, "_writer", [])
    with pytest.raises(ImproperlyConfigured, match="workflows"):
        events.record_events([events.Event("job.completed", "job", 7)])
