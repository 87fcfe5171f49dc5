"""``ghl_update_opportunity``: move an estimate's opportunity to another stage and/or status
(what a workflow does when, say, an estimate has gone unanswered for two weeks).

The estimate must have been pushed (its link names the opportunity). The stage is given by id
or by name, and must be a stage of the configured pipeline. The link row is locked as for a
push, so an update and a push of one estimate never interleave.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ghl.client import GHLClient, GHLError
from ghl.client import record as answer_record
from ghl.models import EstimateOpportunity, GHLOpportunity, GHLPipelineStage, OpportunityStatus
from ghl.services.plan import PushError
from ghl.services.records import opportunity_row
from ghl.services.stages import StageMappingMissing, configured_pipeline_id
from ghl.upsert import upsert


def resolve_stage(stage: str) -> GHLPipelineStage:
    """A stage of the configured pipeline by id or (case-insensitive) name."""
    try:
        stages = GHLPipelineStage.objects.filter(pipeline_id=configured_pipeline_id(),
                                                 active=True)
    except StageMappingMissing as exc:
        raise PushError(str(exc)) from None
    found = stages.filter(id=stage).first() or stages.filter(name__iexact=stage.strip()).first()
    if found is None:
        known = ", ".join(stages.values_list("name", flat=True)) or "none synced yet"
        raise PushError(f"no stage {stage!r} in the configured pipeline (stages: {known})")
    return found


def ghl_update_opportunity(*, estimate_id: int, stage: str | None = None,
                           status: str | None = None,
                           client: GHLClient | None = None) -> dict[str, str]:
    """Returns the opportunity's id, stage id and status after the change; ``PushError``
    when it cannot be done (``.retryable`` when GHL was busy or unreachable)."""
    if not stage and not status:
        raise PushError("give a stage and/or a status")
    if status and status not in OpportunityStatus.values:
        raise PushError(f"status must be one of {', '.join(OpportunityStatus.values)}")
    body = {"status": status} if status else {}
    if stage:
        body["pipelineStageId"] = resolve_stage(stage).id
    client = client or GHLClient()
    with transaction.atomic():
        link = EstimateOpportunity.objects.select_for_update().filter(pk=estimate_id).first()
        if link is None or not link.opportunity_id:
            raise PushError(f"estimate {estimate_id} has no GHL opportunity yet: push it first")
        try:
            path = f"/opportunities/{link.opportunity_id}"
            record = answer_record(client.put(path, body), "opportunity", path)
        except GHLError as exc:
            raise PushError(f"GHL said: {exc}", retryable=exc.retryable) from exc
        upsert(GHLOpportunity, [opportunity_row(record, now=timezone.now())])
    return {"opportunity_id": record["id"], "stage_id": record.get("pipelineStageId") or "",
            "status": record.get("status") or ""}
