"""``ghl_push_estimate``: a ServiceTitan estimate as a GHL opportunity.

The customer becomes (or updates) a GHL contact; the estimate becomes an opportunity in the
configured pipeline — named after the customer and the estimate, worth the estimate's total,
in the stage and status the staff mapping gives its status, assigned to the GHL user of its
sold-by employee (unassigned when that person is not mapped; they are listed for staff).

Pushing again updates the same opportunity: the estimate's link row is locked for the whole
push, so two workers pushing one estimate at once create one opportunity (the second waits,
then updates). The stage and status are sent only when the estimate's status changed since
the last push (or on creation): a move made in GHL, or by a workflow, is not undone by a push
that has nothing new to say about the status. A failed push records its error on the link
and links nothing it did not finish.

A crash between GHL creating the opportunity and our commit is recovered on the next push:
before creating, the contact's opportunities in the pipeline are searched for one whose name
ends with this estimate's marker (``#<estimate id>``), and that one is adopted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ghl.client import GHLClient, GHLError
from ghl.client import record as answer_record
from ghl.models import EstimateOpportunity, GHLOpportunity, StageMapping
from ghl.services.contacts import push_contact
from ghl.services.plan import Plan, PushError, plan_push
from ghl.services.records import opportunity_row
from ghl.upsert import upsert
from servicetitan import models as st

log = logging.getLogger(__name__)
State = EstimateOpportunity.State


@dataclass(frozen=True)
class PushResult:
    estimate_id: int
    opportunity_id: str
    contact_id: str
    created: bool
    stage_moved: bool
    assigned_to: str | None
    unmapped_sold_by: int | None  # the sold-by person staff still have to map

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def ghl_push_estimate(*, estimate_id: int, client: GHLClient | None = None) -> PushResult:
    """Push one estimate; ``PushError`` (with ``.retryable``) when it could not be done."""
    client = client or GHLClient()
    try:
        plan = plan_push(estimate_id, client)
    except PushError as exc:
        if st.Estimate.objects.filter(id=estimate_id).exists():  # show staff why
            link, _ = EstimateOpportunity.objects.get_or_create(estimate_id=estimate_id)
            _record_failure(link, str(exc))
        raise
    EstimateOpportunity.objects.get_or_create(estimate_id=estimate_id)
    failure: Exception | None = None
    with transaction.atomic():
        link = EstimateOpportunity.objects.select_for_update().get(pk=estimate_id)
        try:
            return _push(link, plan, client)
        except GHLError as exc:
            failure = exc
            _record_failure(link, f"GHL said: {exc}")
    raise PushError(str(failure), retryable=failure.retryable) from failure


def _push(link: EstimateOpportunity, plan: Plan, client: GHLClient) -> PushResult:
    contact_id = push_contact(client, plan.customer, link.contact_id)
    opportunity_id = _current_opportunity(link) or _find_orphan(client, contact_id, plan)
    move = not opportunity_id or link.pushed_status != plan.estimate.status
    body = _opportunity_body(plan, move)
    if opportunity_id:
        path = f"/opportunities/{opportunity_id}"
        record = answer_record(client.put(path, body), "opportunity", path)
    else:
        # Not retried inside the client: an answer lost after GHL created it would make a
        # duplicate. The next push finds that one by its marker (``_find_orphan``).
        answer = client.post("/opportunities/", {
            **body, "locationId": client.location_id, "contactId": contact_id}, idempotent=False)
        record = answer_record(answer, "opportunity", "/opportunities/")
    _mirror(record)
    _record_success(link, plan, record["id"], contact_id, move)
    log.info("estimate %s pushed to GHL opportunity %s (%s)", plan.estimate.id, record["id"],
             "updated" if opportunity_id else "created")
    return PushResult(plan.estimate.id, record["id"], contact_id, not opportunity_id, move,
                      plan.assigned_to, plan.unmapped_sold_by)


def _current_opportunity(link: EstimateOpportunity) -> str | None:
    """The linked opportunity, unless GHL told us it was deleted (a push makes a new one)."""
    if link.opportunity_id and not GHLOpportunity.objects.filter(
            id=link.opportunity_id, deleted=True).exists():
        return link.opportunity_id
    return None


def _find_orphan(client: GHLClient, contact_id: str, plan: Plan) -> str | None:
    found = client.get("/opportunities/search", location_id=client.location_id,
                       contact_id=contact_id, pipeline_id=plan.mapping.pipeline_id,
                       limit=100).get("opportunities") or []
    taken = set(EstimateOpportunity.objects.filter(
        opportunity_id__in=[o["id"] for o in found]).values_list("opportunity_id", flat=True))
    return next((o["id"] for o in found
                 if str(o.get("name", "")).endswith(plan.marker) and o["id"] not in taken), None)


def _opportunity_body(plan: Plan, move: bool) -> dict[str, Any]:
    mapping: StageMapping = plan.mapping
    body: dict[str, Any] = {"name": plan.name, "pipelineId": mapping.pipeline_id,
                            "monetaryValue": float(plan.value)}
    if move:
        body.update(pipelineStageId=mapping.stage_id, status=mapping.ghl_status)
    if plan.assigned_to:
        body["assignedTo"] = plan.assigned_to
    return body


def _mirror(record: dict[str, Any]) -> None:
    upsert(GHLOpportunity, [opportunity_row(record, now=timezone.now())])


def _record_success(link: EstimateOpportunity, plan: Plan, opportunity_id: str,
                    contact_id: str, moved: bool) -> None:
    link.opportunity_id, link.contact_id = opportunity_id, contact_id
    link.state, link.last_error = State.LINKED, ""
    if moved:
        link.pushed_status, link.pushed_stage_id = plan.estimate.status, plan.mapping.stage_id
    link.pushed_value = Decimal(plan.value)
    link.assigned_to = plan.assigned_to or ""
    link.pushes += 1
    link.pushed_at = timezone.now()
    link.save()


def _record_failure(link: EstimateOpportunity, error: str) -> None:
    """Keep what was linked before (an update failing does not unlink); record the error."""
    link.last_error = error[:2000]
    if not link.opportunity_id:
        link.state = State.FAILED
    link.save(update_fields=["last_error", "state", "updated_at"])
