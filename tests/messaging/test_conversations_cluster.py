"""The whole loop with a real django-q2 cluster (a ``qcluster`` process on the test
database): a customer's text, through the signed webhook, nudges the cluster, which opens the
conversation, emails its owner (the console backend, on the cluster's output) and copies the
text into the GHL sandbox's conversation — all after the webhook answered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache

from messaging.models import Conversation
from tests.messaging.conftest import CUSTOMER_PHONE, PUBLIC, inbound_params, signed_post
from tests.workflows.processes import ROOT, database_url, eventually

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]
BODY = "Please call me back about the quote, gate code 7781"


@pytest.fixture
def cluster(sandbox):
    env = {**os.environ, "DATABASE_URL": database_url(), "SANDBOX_URL": sandbox.url,
           "PUBLIC_BASE_URL": PUBLIC, "DJANGO_ENV": "development", "Q_WORKERS": "1",
           "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
           "CONVERSATION_GROUP": "Sales"}
    proc = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    yield proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the main process only (django-q2 hangs otherwise)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_text_is_attended_and_copied_to_ghl_by_the_cluster(client, customer, sandbox,
                                                             cluster, settings):
    settings.GHL_CONVERSATIONS = True
    cache.clear()  # the nudges' debounce
    get_user_model().objects.create_user("sam", email="sam@perfectcatch.example",
                                         is_staff=True).groups.add(
        Group.objects.get_or_create(name="Sales")[0])
    response = signed_post(client, "/webhooks/twilio/sms/", inbound_params(BODY))
    assert response.status_code == 200
    ghl = sandbox.vendor("ghl")
    eventually(lambda: Conversation.objects.filter(phone=CUSTOMER_PHONE,
                                                   notified_at__isnull=False).exists(),
               cluster, "the cluster did not notify the owner")
    eventually(lambda: any(m["body"] == BODY for m in ghl.state.messages.values()),
               cluster, "the cluster did not copy the text to GHL")
    cluster.send_signal(signal.SIGTERM)
    output = cluster.communicate(timeout=30)[0]
    subjects = [line for line in output.splitlines() if line.startswith("Subject:")]
    assert subjects and all("7781" not in line for line in subjects)
    assert "To: sam@perfectcatch.example" in output and "gate code 7781" in output
