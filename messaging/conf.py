"""Messaging options, read from ``settings.MESSAGING`` (a dict; every key optional).

    MESSAGING = {
        "reply_texts": {"opt_out": "...", "opt_in": "...", "help": "..."},
        "keyword_replies": True,      # answer STOP/START/HELP with our texts (off when the
                                      # Twilio number or Messaging Service replies itself)
        "sending_hours": (8, 21),     # marketing texts only from 8:00 to 21:00 local time
        "sends_per_second": 1.0,      # segments per second per sender (a US long code: 1)
        "marketing_per_week": 3,      # marketing texts to one number in any 7 days (0: any)
        "max_pacing_wait": 10.0,      # seconds a send may wait for its slot before retrying
        "stale_pending_after": 120,   # seconds before a row still "pending" is "unknown"
        "conversation_group": "Sales",  # owns a conversation no rule gives a person; gets
                                        # the reminders
        "reminder_after_minutes": 30,   # unanswered this long: the group is reminded
    }

The defaults suit a single US long code. ``settings`` is read on every call, so tests can
override it with pytest-django's ``settings`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_REPLY_TEXTS = {
    "opt_out": "PerfectCatch: you are unsubscribed and will get no more texts from us. "
               "Reply START to subscribe again.",
    "opt_in": "PerfectCatch: you are subscribed to texts again. Reply STOP to unsubscribe, "
              "HELP for help.",
    "help": "PerfectCatch: texts about your service and estimates. Msg & data rates may "
            "apply. Reply STOP to unsubscribe. Questions? Call us.",
}


@dataclass(frozen=True)
class MessagingConf:
    reply_texts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_REPLY_TEXTS))
    keyword_replies: bool = True
    sending_hours: tuple[int, int] = (8, 21)
    sends_per_second: float = 1.0
    marketing_per_week: int = 3
    max_pacing_wait: float = 10.0
    stale_pending_after: float = 120.0
    conversation_group: str = "Sales"
    reminder_after_minutes: int = 30

    @property
    def stale_pending(self) -> timedelta:
        return timedelta(seconds=self.stale_pending_after)

    def reply_text(self, kind: str) -> str:
        return self.reply_texts.get(kind) or DEFAULT_REPLY_TEXTS[kind]


def messaging_conf() -> MessagingConf:
    """The current options; raises ``ImproperlyConfigured`` for unknown keys or bad values."""
    given: dict[str, Any] = dict(getattr(settings, "MESSAGING", {}) or {})
    known = {f.name for f in fields(MessagingConf)}
    unknown = set(given) - known
    if unknown:
        raise ImproperlyConfigured(f"MESSAGING has unknown keys {sorted(unknown)}; "
                                   f"known: {sorted(known)}")
    if "reply_texts" in given:
        given["reply_texts"] = {**DEFAULT_REPLY_TEXTS, **given["reply_texts"]}
    conf = MessagingConf(**given)
    start, end = conf.sending_hours
    if not (0 <= start < end <= 24) or conf.sends_per_second <= 0:
        raise ImproperlyConfigured("MESSAGING: sending_hours must be (start, end) with "
                                   "0 <= start < end <= 24; sends_per_second must be > 0")
    cap = conf.marketing_per_week
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
        raise ImproperlyConfigured("MESSAGING: marketing_per_week must be a whole number "
                                   "(0 for no cap)")
    minutes = conf.reminder_after_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise ImproperlyConfigured("MESSAGING: reminder_after_minutes must be a whole number "
                                   "of minutes, at least 1")
    return conf
