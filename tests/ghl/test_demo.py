"""``make run``'s GHL demo against the sandbox and our live webhook."""

import io
from dataclasses import replace

import pytest

from ghl.demo import run_demo
from ghl.models import EstimateOpportunity, GHLOpportunity, WebhookDelivery
from tests.ghl.conftest import CustomerContactFactory, EstimateFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stack(live_server, settings, sandbox):
    settings.PUBLIC_BASE_URL = live_server.url
    return sandbox.vendor("ghl")


def test_the_demo_syncs_pushes_and_hears_back_from_ghl(stack):
    estimates = [EstimateFactory(), EstimateFactory(), EstimateFactory(status="Sold")]
    CustomerContactFactory(customer_id=estimates[0].customer_id)
    out = io.StringIO()
    run_demo(out)
    text = out.getvalue()
    assert "synced contacts: 300 read" in text and "opportunity" in text
    assert EstimateOpportunity.objects.filter(state="linked").count() == 2
    won = EstimateOpportunity.objects.get(estimate_id=estimates[0].id).opportunity_id
    assert GHLOpportunity.objects.get(id=won).status == "won"
    assert WebhookDelivery.objects.filter(verdict="accepted", status="applied").exists()
    assert "the mirror says 'won'" in text


def test_the_demo_says_so_when_there_is_nothing_to_push(stack):
    out = io.StringIO()
    run_demo(out)
    assert "nothing to push" in out.getvalue()


def test_the_demo_says_so_when_the_sandbox_is_not_running(settings, unused_port):
    settings.SANDBOX_URL = f"http://127.0.0.1:{unused_port}"
    out = io.StringIO()
    run_demo(out)
    assert "could not run" in out.getvalue()


def test_the_demo_is_skipped_when_ghl_is_real(settings):
    settings.GHL = replace(settings.GHL, configured=True)
    out = io.StringIO()
    run_demo(out)
    assert "skipped" in out.getvalue()


def test_the_conversation_demo_notifies_the_owner_and_answers_from_admin_and_ghl(stack,
                                                                                 sandbox):
    from django.core import mail
    from django.utils import timezone

    from ghl.demo_conversations import run_conversation_demo
    from messaging.models import Conversation, SmsMessage
    from servicetitan import models as st

    seller = st.Employee.objects.create(id=4242, name="Maria", email="maria@pc.example",
                                        raw={}, synced_at=timezone.now())
    estimate = EstimateFactory(sold_by_id=seller.id)
    CustomerContactFactory(customer_id=estimate.customer_id)
    out = io.StringIO()
    run_conversation_demo(out)
    text = out.getvalue()
    conversation = Conversation.objects.get()
    assert conversation.owner.email == "maria@pc.example" and "owner: demo-maria" in text
    assert [m.to for m in mail.outbox] == [["maria@pc.example"]]
    assert SmsMessage.objects.filter(direction="outbound").count() == 2
    assert len(sandbox.vendor("twilio").messages()) == 2
    assert "a rep answers in GHL: our provider webhook answered 200" in text
