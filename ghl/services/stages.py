"""Which GHL stage and status an estimate's opportunity gets: the staff-editable
``StageMapping`` of the configured pipeline.

Defaults are installed after each pipeline sync for the statuses not mapped yet (a mapping
staff changed is never touched): Open → the pipeline's first stage (open); Sold → a stage
named like "won"/"sold", else the last but one (won); Dismissed → a stage named like
"lost"/"dismissed", else the last (lost).
"""

from __future__ import annotations

import logging
import re

from django.conf import settings

from ghl.models import ST_ESTIMATE_STATUSES, GHLPipeline, GHLPipelineStage, StageMapping

log = logging.getLogger(__name__)

_NAMED = {"Sold": re.compile(r"\b(won|sold)\b", re.I),
          "Dismissed": re.compile(r"\b(lost|dismissed)\b", re.I)}


class StageMappingMissing(Exception):
    """No stage is mapped for an estimate status in the configured pipeline."""


def configured_pipeline_id() -> str:
    pipeline_id = settings.GHL.pipeline_id
    if not pipeline_id:
        raise StageMappingMissing("GHL_PIPELINE_ID is not set: the pipeline estimates go to "
                                  "must be configured")
    return pipeline_id


def install_default_mappings() -> list[StageMapping]:
    """Create the missing mappings of the configured pipeline; returns those created."""
    try:
        pipeline = GHLPipeline.objects.get(id=configured_pipeline_id(), active=True)
    except (GHLPipeline.DoesNotExist, StageMappingMissing) as exc:
        log.warning("no default stage mappings installed: %s",
                    exc if isinstance(exc, StageMappingMissing) else
                    f"pipeline {settings.GHL.pipeline_id!r} is not among GHL's pipelines")
        return []
    stages = list(pipeline.stages.filter(active=True).order_by("position"))
    if not stages:
        return []
    mapped = set(pipeline.mappings.values_list("st_status", flat=True))
    created = [StageMapping.objects.create(pipeline=pipeline, st_status=status,
                                           stage=_default_stage(status, stages),
                                           ghl_status=ghl_status)
               for status, ghl_status in ST_ESTIMATE_STATUSES.items() if status not in mapped]
    return created


def _default_stage(status: str, stages: list[GHLPipelineStage]) -> GHLPipelineStage:
    named = _NAMED.get(status)
    if named is None:
        return stages[0]
    match = next((s for s in stages if named.search(s.name)), None)
    fallback = stages[-2] if status == "Sold" and len(stages) > 1 else stages[-1]
    return match or fallback


def mapping_for(st_status: str) -> StageMapping:
    """The mapping for an estimate status in the configured pipeline, or
    ``StageMappingMissing`` saying what to do."""
    pipeline_id = configured_pipeline_id()
    mapping = StageMapping.objects.select_related("stage").filter(
        pipeline_id=pipeline_id, st_status=st_status).first()
    if mapping is None:
        raise StageMappingMissing(
            f"no stage is mapped for estimates in status {st_status!r} in pipeline "
            f"{pipeline_id}: run `manage.py ghl_sync pipelines` or add one in the admin")
    return mapping
