"""A hook for other apps (GHL mirrors DND) to hear about opt-outs and opt-ins without
messaging importing them.

    from messaging.hooks import PreferenceNotice, on_preference_change

    @on_preference_change
    def mirror_to_ghl(notice: PreferenceNotice) -> None:
        if notice.source != "ghl":        # do not echo a change GHL itself made
            ...

Callbacks run after the change commits (never for a rolled-back one), each on its own: one
that raises is logged and the others still run. Delivery is at most once — a process that
dies between the commit and the callback loses it — so a subscriber that must not miss a
change should also reconcile from ``customer_communication_preferences`` (or consume the
``sms.opted_out`` / ``sms.opted_in`` workflow events, which are written in the same
transaction as the change). Register from the subscriber's ``AppConfig.ready``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreferenceNotice:
    phone: str                 # E.164
    opted_out: bool            # the state after the change
    source: str                # an OptOutSource value: keyword, carrier, staff, free_text, ghl…
    actor: str
    customer_id: int | None
    reason: str = ""


PreferenceCallback = Callable[[PreferenceNotice], None]
_CALLBACKS: list[PreferenceCallback] = []


def on_preference_change(callback: PreferenceCallback) -> PreferenceCallback:
    """Register ``callback`` (once; registering it again is a no-op). Usable as a decorator."""
    if callback not in _CALLBACKS:
        _CALLBACKS.append(callback)
    return callback


def remove_callback(callback: PreferenceCallback) -> None:
    if callback in _CALLBACKS:
        _CALLBACKS.remove(callback)


def announce(notice: PreferenceNotice) -> None:
    """Queue every callback for when the current transaction commits."""
    for callback in list(_CALLBACKS):
        transaction.on_commit(partial(_run, callback, notice))


def _run(callback: PreferenceCallback, notice: PreferenceNotice) -> None:
    try:
        callback(notice)
    except Exception:  # one subscriber's bug must not stop the others or the caller
        log.exception("preference callback %s failed", getattr(callback, "__qualname__",
                                                                callback))


# --- Texts written or changed ---------------------------------------------------------------
# Other apps (GHL's conversation copy) are told, after commit, that ``sms_messages`` changed —
# a text received, handed to Twilio or refused, a delivery status — so they can queue their
# own work soon. No details: the subscriber reads the table (it must not miss a row because
# a process died before calling it, so the table is its source, the call only a nudge).
TextsCallback = Callable[[], None]
_TEXT_CALLBACKS: list[TextsCallback] = []


def on_texts_changed(callback: TextsCallback) -> TextsCallback:
    """Register ``callback`` (once). Keep it cheap: it runs on the webhooks' paths."""
    if callback not in _TEXT_CALLBACKS:
        _TEXT_CALLBACKS.append(callback)
    return callback


def texts_changed() -> None:
    """Run every texts callback after the current transaction commits."""
    for callback in list(_TEXT_CALLBACKS):
        transaction.on_commit(partial(_run_texts, callback))


def _run_texts(callback: TextsCallback) -> None:
    try:
        callback()
    except Exception:
        log.exception("texts callback %s failed", getattr(callback, "__qualname__", callback))
