"""django-q2 tasks: thin wrappers over the services (see ``schedules.py``)."""

from __future__ import annotations

import logging

from messaging.services import conversations
from messaging.services.due import send_due

log = logging.getLogger(__name__)


def send_due_messages() -> str:
    outcome = send_due()
    summary = (f"{outcome.resumed} texts resumed, {outcome.given_up} given up, "
               f"{outcome.unknown} marked unknown")
    if outcome.resumed or outcome.given_up or outcome.unknown:
        log.info("deferred texts: %s", summary)
    return summary


def attend_conversations() -> str:
    """Owners and first emails for new texts, then reminders for unanswered ones."""
    attended, reminded = conversations.attend(), conversations.remind()
    return f"{attended} conversations attended, {reminded} reminders"


# What the task queue may run (config/taskqueue.py).
TASKS = (send_due_messages, attend_conversations)
