"""Evaluating an audience: who is in it today, who enters, who left — in SQL, set-based.

``evaluate_audience(definition_id=…, now=…)`` runs one definition's daily evaluation in one
transaction, holding the definition's row lock (a second worker skips it) and at most once per
local day (a completed ``AudienceRun`` for the day ends it; ``wf_audience_run_once_a_day`` is
the backstop):

1. the audience: records of the entity type matching ``rule`` and not ``exclude``
   (``compiler.py``), as of ``now`` in the business time zone;
2. counts, in one aggregate query: matched, excluded, already entered;
3. with ``end_when_leaving``, the definition's live instances whose entity is no longer in the
   audience are cancelled (one UPDATE);
4. newcomers — in the audience, not entered before by the entry policy, no live instance —
   start, lowest ids first, up to the daily cap less today's starts (``starts.py``);
5. the run log row, and the workers are woken on commit.

Entry policy: ``once`` — an entity that ever had an instance of the definition does not enter
again; ``every_n_days`` — again once its last instance started at least N days (local days)
ago and is no longer live. Newcomers the cap held back are not remembered: still in the
audience tomorrow, they are newcomers again.
"""

from __future__ import annotations

import logging
import time as clock_time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone

from workflows.audiences import fields as fieldmap
from workflows.audiences.compiler import Compiled, compile_rule
from workflows.audiences.config import Audience
from workflows.audiences.periods import Clock
from workflows.audiences.starts import start_newcomers
from workflows.events import notify_workers
from workflows.models import (
    LIVE_STATUSES,
    AudienceRun,
    AudienceRunStatus,
    InstanceStatus,
    TriggerKind,
    WorkflowAuditLog,
    WorkflowDefinition,
    WorkflowDefinitionVersion,
    WorkflowInstance,
)

log = logging.getLogger(__name__)
RETRY_FAILED_AFTER = timedelta(minutes=30)


@dataclass
class Members:
    """An audience compiled for one moment."""

    audience: Audience
    clock: Clock
    rule: Compiled
    exclude: Compiled | None       # the exclusions (None: there are none)
    kept: Q                        # not excluded (the exclusions' negation, pushed down)

    @property
    def model(self):
        return fieldmap.model_of(self.audience.entity)

    @property
    def excluded(self) -> Q:
        return self.exclude.q if self.exclude is not None else Q(pk__in=[])

    @property
    def q(self) -> Q:
        """In the audience: the rule, and no exclusion."""
        return self.rule.q & self.kept


def members(audience: Audience, now: datetime) -> Members:
    clock = Clock(now)
    rule = compile_rule(audience.rule, audience.entity, clock, "audience.rule")
    if not audience.exclude:
        return Members(audience, clock, rule, None, Q())
    where = "audience.exclude"
    return Members(audience, clock, rule,
                   compile_rule(audience.exclude, audience.entity, clock, where),
                   compile_rule(audience.exclude, audience.entity, clock, where,
                                negated=True).q)


def audience_of(version: WorkflowDefinitionVersion) -> Audience:
    return Audience.of(version.audience)


def entered_before(version: WorkflowDefinitionVersion, audience: Audience, clock: Clock) -> Q:
    """On the entity's table: the records the entry policy keeps out today (an instance of
    the definition that is live, or that started too recently to enter again)."""
    instances = WorkflowInstance.objects.filter(
        definition_id=version.definition_id, entity_type=audience.entity,
        entity_id=Cast(OuterRef("pk"), CharField()))
    if audience.entry == "every_n_days":
        cutoff = clock.today - timedelta(days=audience.entry_days)
        midnight = datetime.combine(cutoff + timedelta(days=1), datetime.min.time(),
                                    tzinfo=clock.zone)
        instances = instances.filter(Q(status__in=LIVE_STATUSES) | Q(audience_day__gt=cutoff)
                                     | Q(audience_day__isnull=True, created_at__gte=midnight))
    return Q(Exists(instances))


def evaluate_audience(*, definition_id: int, now: datetime | None = None) -> AudienceRun | None:
    """Evaluate one active audience definition now, unless it was already today or another
    worker is at it (None then). Raises what the evaluation raised (nothing is written; the
    caller records the failure: ``record_failure``)."""
    now = now or timezone.now()
    with transaction.atomic():
        queue = WorkflowDefinition.objects.filter(
            pk=definition_id, active=True, trigger_kind=TriggerKind.AUDIENCE,
            current_version__isnull=False).select_related("current_version")
        if connection.features.has_select_for_update_skip_locked:
            queue = queue.select_for_update(skip_locked=True, of=("self",))
        definition = queue.first()
        if definition is None or _done(definition, Clock(now)):
            return None
        run = _evaluate(definition.current_version, now)
        notify_workers()
    return run


def _done(definition: WorkflowDefinition, clock: Clock) -> bool:
    return AudienceRun.objects.filter(definition=definition, day=clock.today,
                                      status=AudienceRunStatus.COMPLETED).exists()


def _evaluate(version: WorkflowDefinitionVersion, now: datetime) -> AudienceRun:
    started = clock_time.perf_counter()
    audience = audience_of(version)
    found = members(audience, now)
    before = entered_before(version, audience, found.clock)
    counts = found.model.objects.filter(found.rule.q).aggregate(
        matched=Count("pk"), excluded=Count("pk", filter=found.excluded),
        already=Count("pk", filter=found.kept & before))
    run = AudienceRun(definition_id=version.definition_id, version=version,
                      day=found.clock.today, status=AudienceRunStatus.COMPLETED,
                      evaluated=found.model.objects.count(), started_at=now, **counts)
    if audience.end_when_leaving:
        run.ended = end_leavers(version, found, now)
    newcomers = run.matched - run.excluded - run.already
    room = None if audience.daily_cap is None else max(
        0, audience.daily_cap - WorkflowInstance.objects.filter(
            definition_id=version.definition_id, audience_day=found.clock.today).count())
    run.entered = start_newcomers(
        version=version, entity_type=audience.entity, newcomers=found.q & ~before,
        day=found.clock.today, now=now, limit=room,
        detail=f"entered the audience (evaluation of {found.clock.today:%Y-%m-%d})")
    run.capped = max(0, newcomers - run.entered) if room is not None else 0
    run.duration_ms = (clock_time.perf_counter() - started) * 1000
    run.save()
    log.info("audience of definition %s on %s: %s matched, %s excluded, %s entered, %s capped, "
             "%s ended", version.definition_id, run.day, run.matched, run.excluded, run.entered,
             run.capped, run.ended)
    return run


def end_leavers(version: WorkflowDefinitionVersion, found: Members, now: datetime) -> int:
    """Cancel the definition's live instances whose entity is no longer in the audience."""
    inside = found.model.objects.filter(found.q).annotate(
        key=Cast("pk", CharField())).filter(key=OuterRef("entity_id"))
    leaving = WorkflowInstance.objects.filter(
        definition_id=version.definition_id, entity_type=found.audience.entity,
        status__in=LIVE_STATUSES).filter(~Exists(inside))
    ids = list(leaving.values_list("pk", flat=True))
    detail = f"left the audience (evaluation of {found.clock.today:%Y-%m-%d})"
    ended = WorkflowInstance.objects.filter(pk__in=ids, status__in=LIVE_STATUSES).update(
        status=InstanceStatus.CANCELLED, status_detail=detail, finished_at=now,
        next_run_at=None, wait_event_type="", updated_at=now)
    WorkflowAuditLog.objects.bulk_create(
        WorkflowAuditLog(instance_id=pk, action="cancelled", actor="engine", detail=detail)
        for pk in ids)
    return ended


def record_failure(definition_id: int, now: datetime, error: BaseException) -> AudienceRun:
    definition = WorkflowDefinition.objects.select_related("current_version").get(
        pk=definition_id)
    return AudienceRun.objects.create(
        definition=definition, version=definition.current_version, day=Clock(now).today,
        status=AudienceRunStatus.FAILED, started_at=now,
        error=f"{error.__class__.__name__}: {error}"[:2000])


def due_definitions(now: datetime) -> list[WorkflowDefinition]:
    """Active audience definitions whose evaluation time has come today (business time
    zone) and that have not completed today's evaluation (nor failed in the last half
    hour)."""
    clock = Clock(now)
    candidates = WorkflowDefinition.objects.filter(
        active=True, trigger_kind=TriggerKind.AUDIENCE, current_version__isnull=False
    ).select_related("current_version").exclude(
        Q(audience_runs__day=clock.today, audience_runs__status=AudienceRunStatus.COMPLETED)
        | Q(audience_runs__status=AudienceRunStatus.FAILED,
            audience_runs__started_at__gte=now - RETRY_FAILED_AFTER)).distinct()
    return [d for d in candidates
            if clock.local.time() >= audience_of(d.current_version).at]


def evaluate_due_audiences(now: datetime | None = None) -> list[AudienceRun]:
    """The schedule's work: evaluate each due audience, each in its own transaction; a
    failure is logged and recorded, and the others go on."""
    now = now or timezone.now()
    runs = []
    for definition in due_definitions(now):
        try:
            run = evaluate_audience(definition_id=definition.pk, now=now)
        except Exception as exc:
            log.exception("evaluating the audience of definition %s failed", definition.pk)
            run = record_failure(definition.pk, now, exc)
        if run is not None:
            runs.append(run)
    return runs
