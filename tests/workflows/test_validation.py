import pytest
from django.core.exceptions import ValidationError

from tests.workflows.conftest import FOLLOW_UP
from workflows.validation import validate_definition


def errors_of(**changes):
    with pytest.raises(ValidationError) as error:
        validate_definition({**FOLLOW_UP, **changes})
    return error.value.message_dict


def test_a_good_definition_is_returned_cleaned_with_defaults():
    cleaned = validate_definition({k: v for k, v in FOLLOW_UP.items() if k != "cancel_on"})
    assert cleaned["cancel_on"] == [] and cleaned["reentry"] == "one_live"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": ""}, "name", "give a name"),
    ({"trigger_event": "estimate created"}, "trigger_event", "is not an event type"),
    ({"trigger_conditions": {"field": "total", "op": "=>", "value": 1}}, "trigger_conditions",
     "trigger_conditions.op: unknown op '=>'"),
    ({"steps": []}, "steps", "give a non-empty list of steps"),
    ({"steps": [{"id": "a", "type": "wait", "duration": "2d"},
                {"id": "a", "type": "end"}]}, "steps", "steps[1].id: 'a' is used twice"),
    ({"steps": [{"id": "x", "type": "fax"}]}, "steps", "step 'x'.type: unknown step type"),
    ({"steps": [{"id": "c", "type": "condition", "rule": {}, "then": "nowhere"}]}, "steps",
     "step 'c'.then: no step has the id 'nowhere'"),
    ({"steps": [{"id": "w", "type": "wait", "duration": "2d", "max_attempts": 0}]}, "steps",
     "step 'w'.max_attempts: must be a whole number"),
    ({"steps": [{"id": "w", "type": "wait", "duration": "2d", "backoff": "soon"}]}, "steps",
     "step 'w'.backoff: 'soon' is not a duration"),
    ({"cancel_on": [{"event": "estimate.status_changed", "conditions": {"any": 1}}]},
     "cancel_on", "cancel_on[0].conditions.any: must be a list"),
    ({"cancel_on": [{"event": "estimate.sold", "scope": "planet"}]}, "cancel_on",
     "cancel_on[0].scope: must be one of entity, customer"),
    ({"reentry": "sometimes"}, "reentry", "'sometimes' is not one of"),
    ({"active": "yes"}, "active", "must be true or false"),
    ({"colour": "blue"}, "__all__", "unknown fields ['colour']"),
])
def test_an_invalid_definition_is_refused_with_a_message_on_the_bad_field(changes, field,
                                                                          message):
    assert message in errors_of(**changes)[field][0]


def test_every_bad_field_is_reported_at_once():
    assert set(errors_of(name="", reentry="x")) == {"name", "reentry"}


def test_a_trigger_may_name_several_event_types():
    cleaned = validate_definition({**FOLLOW_UP,
                                   "trigger_event": "estimate.created, estimate.updated"})
    assert cleaned["trigger_event"] == "estimate.created, estimate.updated"


def test_a_bad_event_type_among_several_is_named():
    with pytest.raises(ValidationError) as excinfo:
        validate_definition({**FOLLOW_UP, "trigger_event": "estimate.created, not an event"})
    assert "'not an event' is not an event type" in str(excinfo.value)
