"""The ``send_sms`` workflow step (registered from ``MessagingConfig.ready``).

    {"id": "first_text", "type": "send_sms", "purpose": "marketing",
     "body": "Hi {{ customer.first_name }}, your estimate for ${{ entity.total }} is ready."}

The recipient is the instance's customer (``StepRun.customer_id``, found when the instance
started), texted on their first active mobile contact (else phone contact). The body is
rendered against the instance context. The text goes through ``send_sms`` with the step's
idempotency key, so a re-run after a crash finds the earlier text instead of sending another.

Outcomes: sent → next step, output ``{"message_id", "sid", "phone", "status"}`` (a later
``wait_for_event`` can correlate a reply on ``{"phone": "{{ steps.<id>.phone }}"}``);
deferred by quiet hours, or paced behind other texts from the same sender → the instance
parks and this step runs again at the allowed time (not counted as a failed attempt);
blocked (opted out, do not text) or cancelled by an opt-out → the instance ends, output
``{"blocked": reason}``; temporary error → retried by the engine; Twilio refused it, or the
outcome is unknown → the step fails for staff to look at. Once Twilio has taken the text
the step is done, whatever its delivery status becomes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from messaging import selectors
from messaging.models import Purpose, SmsMessage, SmsStatus
from messaging.phones import InvalidPhoneNumber
from messaging.segments import segment_count
from messaging.services.send import PACED, InvalidMessage, send_sms
from workflows.steps.base import (
    Param,
    PermanentStepError,
    StepOutcome,
    StepRun,
    StepType,
    TransientStepError,
    register,
)
from workflows.steps.params import allowed_keys, fail, text
from workflows.templating import render


@register
class SendSmsStep(StepType):
    type = "send_sms"
    label = "Send a text"
    side_effects = True
    outputs = ("phone", "status", "blocked")
    params = (
        Param("body", "sms", "text", required=True, measure=segment_count,
              help="placeholders: {{ customer.first_name }}, {{ entity.total }}"),
        Param("purpose", "choice", "kind", required=True, choices=tuple(Purpose.values),
              default=Purpose.MARKETING.value,
              help="marketing texts wait for the recipient's daytime and count toward the "
                   "weekly cap"),
    )

    def validate(self, step: Mapping[str, Any]) -> None:
        allowed_keys(step, "body", "purpose")
        text(step, "body")
        if step.get("purpose") not in Purpose.values:
            fail(step, "purpose", f"must be one of {', '.join(Purpose.values)} (marketing "
                                  f"texts wait for the recipient's daytime)")

    def run(self, run: StepRun) -> StepOutcome:
        customer_id = run.customer_id
        if customer_id is None:
            raise PermanentStepError(f"no customer for {run.entity_type} {run.entity_id}")
        phone = selectors.recipient_phone(customer_id)
        if phone is None:
            raise PermanentStepError(f"customer {customer_id} has no phone contact to text")
        body = render(run.step["body"], run.context).strip()
        try:
            message = send_sms(to=phone, body=body, purpose=run.step["purpose"],
                               idempotency_key=run.idempotency_key, customer_id=customer_id,
                               workflow_instance_id=run.instance_id,
                               workflow_step_id=run.step["id"], now=run.now)
        except (InvalidPhoneNumber, InvalidMessage) as exc:
            raise PermanentStepError(str(exc)) from None
        return outcome(message)


def outcome(message: SmsMessage) -> StepOutcome:
    """What the engine does next, given where the text got to."""
    output = {"message_id": message.pk, "sid": message.sid, "phone": message.phone,
              "status": message.status}
    if message.sid:  # Twilio took it: the step is done, whatever delivery did since
        return StepOutcome(output=output)
    if message.status == SmsStatus.RETRYING and message.error_message == PACED:
        return StepOutcome(output={**output, "paced_until": message.send_after.isoformat()},
                           rerun_at=message.send_after)  # waiting its turn is no failure
    if message.status == SmsStatus.DEFERRED:
        return StepOutcome(output={**output, "deferred_until": message.send_after.isoformat()},
                           rerun_at=message.send_after)
    if message.status in (SmsStatus.BLOCKED, SmsStatus.CANCELED):
        return StepOutcome(output={**output, "blocked": message.error_message}, end=True)
    if message.status in (SmsStatus.RETRYING, SmsStatus.PENDING):
        raise TransientStepError(message.error_message or "the text is being sent elsewhere")
    if message.status == SmsStatus.UNKNOWN:
        raise PermanentStepError(f"text {message.pk}: outcome unknown; check it in the admin "
                                 f"before retrying")
    raise PermanentStepError(f"text {message.pk} {message.status}: {message.error_message}")
