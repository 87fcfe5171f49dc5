"""The whole loop with a real django-q2 cluster (a ``qcluster`` process on the test
database): a customer's text, through the signed webhook, nudges the cluster, which opens the
conversation, emails its owner (the console backend, on the cluster's output) and copies the
text into the GHL sandbox's conversation — all after the webhook answered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache

from config.nudge import forget
from messaging.models import Conversation
from tests.clusters import wait_until
from tests.messaging.conftest import CUSTOMER_PHONE, PUBLIC, inbound_params, signed_post
from tests.workflows.processes import ROOT, database_url

pytestmark = [pytest.mark.cluster, pytest.mark.django_db(transaction=True)]
BODY = "Please call me back about the quote, gate code 7781"


class Cluster:
    """A ``qcluster`` process writing to a file (its forked workers keep any pipe open)."""

    def __init__(self, env: dict[str, str]):
        self.log = tempfile.NamedTemporaryFile("w+", suffix=".log")  # noqa: SIM115
        self.proc = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT,
                                     env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def eventually(self, probe, what: str) -> None:
        wait_until(probe, what, detail=lambda: self.output()[-4000:])

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # the main process (django-q2 hangs else)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: ours only
                self.proc.wait()
        return self.output()


@pytest.fixture
def cluster(sandbox):
    env = {**os.environ, "DATABASE_URL": database_url(), "SANDBOX_URL": sandbox.url,
           "PUBLIC_BASE_URL": PUBLIC, "DJANGO_ENV": "development", "Q_WORKERS": "1",
           "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
           "CONVERSATION_GROUP": "Sales"}
    running = Cluster(env)
    yield running
    running.stop()
    running.log.close()


def test_a_text_is_attended_and_copied_to_ghl_by_the_cluster(client, customer, sandbox,
                                                             cluster, settings):
    settings.GHL_CONVERSATIONS = True
    cache.clear()  # the nudges' debounce
    forget()
    get_user_model().objects.create_user("sam", email="sam@perfectcatch.example",
                                         is_staff=True).groups.add(
        Group.objects.get_or_create(name="Sales")[0])
    response = signed_post(client, "/webhooks/twilio/sms/", inbound_params(BODY))
    assert response.status_code == 200
    ghl = sandbox.vendor("ghl")
    cluster.eventually(lambda: Conversation.objects.filter(
        phone=CUSTOMER_PHONE, notified_at__isnull=False).exists(),
        "the cluster did not notify the owner")
    cluster.eventually(lambda: any(m["body"] == BODY for m in ghl.state.messages.values()),
                       "the cluster did not copy the text to GHL")
    output = cluster.stop()
    subjects = [line for line in output.splitlines() if line.startswith("Subject:")]
    assert subjects and all("7781" not in line for line in subjects)
    assert "To: sam@perfectcatch.example" in output and "gate code 7781" in output
