import pytest
from django.contrib.auth.models import Group, User

from tests.workflows.factories import EstimateFactory, emit
from workflows.models import WorkflowInstance

pytestmark = pytest.mark.django_db

STEP = {"id": "tell", "type": "notify_staff", "groups": ["Sales"], "to": ["boss@example.com"],
        "subject": "Estimate {{ entity.id }} open", "body": "Call {{ customer.name }}."}


@pytest.fixture
def sales():
    group = Group.objects.get(name="Sales")  # made by the default definitions migration
    for name, email, active in [("ann", "ann@example.com", True), ("bob", "", True),
                                ("cy", "cy@example.com", False)]:
        User.objects.create(username=name, email=email, is_active=active).groups.add(group)


def test_it_emails_the_group_members_and_the_listed_addresses(make_definition, drain, sales,
                                                              mailoutbox):
    make_definition(steps=[STEP])
    estimate = EstimateFactory()
    emit(estimate, "estimate.created")
    drain()
    message = mailoutbox[0]
    assert sorted(message.to) == ["ann@example.com", "boss@example.com"]
    assert message.subject == f"Estimate {estimate.id} open"
    assert message.body == "Call Dana Whitfield."


def test_the_message_id_carries_the_idempotency_key(make_definition, drain, sales, mailoutbox):
    make_definition(steps=[STEP])
    emit(EstimateFactory(), "estimate.created")
    drain()
    instance = WorkflowInstance.objects.get()
    assert mailoutbox[0].extra_headers["Message-ID"] == \
        f"<wf-{instance.pk}-tell@perfectcatch.workflows>"


def test_a_group_without_reachable_members_fails_with_a_clear_error(make_definition, drain,
                                                                    mailoutbox):
    make_definition(steps=[{**STEP, "to": []}])
    emit(EstimateFactory(), "estimate.created")
    drain()
    assert WorkflowInstance.objects.get().last_error == \
        "no recipients: nobody active with an email in Sales"
    assert mailoutbox == []
