import pytest
from django.core.exceptions import ValidationError

from workflows.steps.base import get_step_type


@pytest.mark.parametrize(("step", "message"), [
    ({"id": "w", "type": "wait"}, "give either a duration or until"),
    ({"id": "w", "type": "wait", "duration": "2 days"}, "step 'w'.duration: '2 days' is not"),
    ({"id": "w", "type": "wait", "until": "25:00"}, "step 'w'.until: '25:00' is not a time"),
    ({"id": "w", "type": "wait", "duration": "2d", "at": "09:00"}, "only goes with until"),
    ({"id": "c", "type": "condition", "rule": {"field": "x", "op": "=="}, "then": "a"},
     "step 'c'.rule.value: '==' needs a value"),
    ({"id": "s", "type": "set", "values": {}}, "step 's'.values: must be a non-empty"),
    ({"id": "s", "type": "set", "values": {"a": "{% if %}"}}, "step 's'.values.a:"),
    ({"id": "h", "type": "http_request", "url": "ftp://x"}, "must be an http:// or https://"),
    ({"id": "h", "type": "http_request", "url": "http://x", "method": "BREW"},
     "step 'h'.method: must be one of"),
    ({"id": "h", "type": "http_request", "url": "http://x", "timeout": 600},
     "step 'h'.timeout: must be a number of seconds"),
    ({"id": "n", "type": "notify_staff", "subject": "s", "body": "b"},
     "step 'n'.groups: give groups"),
    ({"id": "n", "type": "notify_staff", "to": ["not-an-email"], "subject": "s", "body": "b"},
     "'not-an-email' is not an email address"),
    ({"id": "r", "type": "wait_for_event", "event": "sms.received"},
     "step 'r'.correlation: give at least one key"),
    ({"id": "r", "type": "wait_for_event", "event": "sms.received", "correlation": {"a": "b"},
      "timeout_goto": "x"}, "step 'r'.timeout_goto: needs a timeout"),
    ({"id": "e", "type": "end", "then": "x"}, "step 'e'.then: unknown parameter"),
])
def test_bad_step_parameters_are_refused_naming_the_step_and_parameter(step, message):
    with pytest.raises(ValidationError) as error:
        get_step_type(step["type"]).validate(step)
    assert message in error.value.messages[0]


def test_an_unknown_step_type_lists_the_known_ones():
    with pytest.raises(ValidationError, match="unknown step type 'fax'; known: condition"):
        get_step_type("fax")
