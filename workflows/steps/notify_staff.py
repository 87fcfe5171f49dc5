"""``notify_staff``: an email to staff through Django's email backend.

    {"id": "tell_sales", "type": "notify_staff", "groups": ["Sales"],
     "to": ["manager@example.com"],
     "subject": "Estimate {{ entity.id }} still open",
     "body": "{{ customer.name }} has not answered about ${{ entity.total }}."}

Recipients: the active users with an email in the named Django groups, plus ``to``. The
message's ``Message-ID`` is derived from the idempotency key, so a re-sent copy after a crash
is recognisable as the same message (email itself cannot be taken back: delivery is
at-least-once).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email

from workflows.steps.base import (
    Param,
    PermanentStepError,
    StepOutcome,
    StepRun,
    StepType,
    register,
)
from workflows.steps.params import allowed_keys, fail, text
from workflows.templating import render


def _strings(step: Mapping[str, Any], key: str) -> list[str]:
    value = step.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        fail(step, key, "must be a list of non-empty texts")
    return value


def recipients(step: Mapping[str, Any]) -> list[str]:
    users = get_user_model().objects.filter(groups__name__in=step.get("groups", []),
                                            is_active=True).exclude(email="")
    found = {email.lower(): email for email in users.values_list("email", flat=True)}
    for email in step.get("to", []):
        found.setdefault(email.lower(), email)
    return sorted(found.values())


@register
class NotifyStaffStep(StepType):
    type = "notify_staff"
    label = "Email staff"
    side_effects = True
    params = (
        Param("groups", "groups", "to the groups", help="active users with an email in them"),
        Param("to", "strings", "and to addresses", help="comma-separated"),
        Param("subject", "text", "subject", required=True),
        Param("body", "template", "message", required=True),
    )

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "groups", "to", "subject", "body")
        groups, to = _strings(step, "groups"), _strings(step, "to")
        if not groups and not to:
            fail(step, "groups", "give groups (Django group names) and/or to (addresses)")
        for email in to:
            try:
                validate_email(email)
            except ValidationError:
                fail(step, "to", f"{email!r} is not an email address")
        text(step, "subject")
        text(step, "body")

    def run(self, run: StepRun) -> StepOutcome:
        to = recipients(run.step)
        if not to:
            raise PermanentStepError(f"no recipients: nobody active with an email in "
                                     f"{', '.join(run.step.get('groups', []))}")
        message = EmailMessage(
            subject=" ".join(render(run.step["subject"], run.context).split()),
            body=render(run.step["body"], run.context),
            from_email=settings.DEFAULT_FROM_EMAIL, to=to,
            headers={"Message-ID": f"<{run.idempotency_key}@perfectcatch.workflows>"})
        message.send()
        return StepOutcome(output={"to": to, "subject": message.subject})
