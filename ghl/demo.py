"""``make run``'s GHL demo (called by ``manage.py runstack`` once the sandbox and the web
server are up): a first sync from the GHL sandbox, a couple of Open estimates pushed as
opportunities, then a change "made by staff in GHL" coming back through our signed webhook;
then the conversations demo (``demo_conversations``).

The sandbox is told to send its webhooks to ``PUBLIC_BASE_URL/webhooks/ghl/`` (the local web
server, as it is by default for ``make run``).
"""

from __future__ import annotations

from typing import TextIO

import requests
from django.conf import settings
from django.urls import reverse

from ghl.client import GHLError
from ghl.demo_conversations import run as run_conversations
from ghl.models import GHLOpportunity
from ghl.services.plan import PushError
from ghl.services.push import PushResult, ghl_push_estimate
from ghl.services.sync import sync
from servicetitan import models as st

PUSHED = 2


class DemoError(Exception):
    pass


def _say(stdout: TextIO, line: str) -> None:
    stdout.write(line + "\n")


def _control(method: str, path: str, body: dict) -> dict:
    response = requests.request(method, f"{settings.SANDBOX_URL}/ghl/_control{path}",
                                json=body, timeout=30)
    if response.status_code >= 300:
        raise DemoError(f"the GHL sandbox answered {response.status_code}: "
                        f"{response.text[:200]}")
    return response.json()


def _first_sync(stdout: TextIO) -> None:
    for entry in sync():
        _say(stdout, f"  synced {entry.resource}: {entry.fetched} read, {entry.written} "
                     f"written ({entry.status}{': ' + entry.error if entry.error else ''})")


def _push_some(stdout: TextIO) -> list[PushResult]:
    ids = list(st.Estimate.objects.filter(status="Open", active=True)
               .order_by("-total", "id").values_list("id", flat=True)[:PUSHED])
    if not ids:
        _say(stdout, "  no Open estimates in the ServiceTitan mirror yet: nothing to push")
    results = []
    for estimate_id in ids:
        try:
            results.append(ghl_push_estimate(estimate_id=estimate_id))
        except PushError as exc:
            _say(stdout, f"  estimate {estimate_id} not pushed: {exc}")
            continue
        result = results[-1]
        _say(stdout, f"  → estimate {estimate_id} is GHL opportunity {result.opportunity_id} "
                     f"({'created' if result.created else 'updated'})")
    return results


def _staff_wins_one(stdout: TextIO, result: PushResult) -> None:
    change = _control("PUT", f"/opportunities/{result.opportunity_id}", {"status": "won"})
    answers = [d.get("status", d.get("error")) for d in change["deliveries"]]
    mirrored = GHLOpportunity.objects.get(id=result.opportunity_id).status
    _say(stdout, f"  ← staff mark it won in GHL: {', '.join(change['events'])} came to our "
                 f"webhook (answered {answers}); the mirror says {mirrored!r}")


def run_demo(stdout: TextIO) -> None:
    if not settings.GHL.using_sandbox:
        why = "GHL is configured" if settings.GHL.enabled else settings.GHL.turned_off
        _say(stdout, f"  skipped: {why}, and the demo only uses the sandbox")
        return
    webhook = settings.PUBLIC_BASE_URL + reverse("ghl:webhook")
    try:
        _control("POST", "/webhooks", {"url": webhook, "signature": "both"})
        _first_sync(stdout)
        results = _push_some(stdout)
        if results:
            _staff_wins_one(stdout, results[0])
    except (requests.RequestException, DemoError, GHLError) as exc:
        _say(stdout, f"  the GHL demo could not run: {exc}")
        return
    _say(stdout, "  see it in the admin: /admin/ghl/ghlopportunity/ and /admin/ghl/"
                 "webhookdelivery/")
    if settings.TWILIO.using_sandbox and settings.GHL_CONVERSATIONS:
        _say(stdout, "Conversations: a reply, its owner, a staff answer, a rep in GHL")
        run_conversations(stdout)
