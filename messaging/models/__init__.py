"""Messaging tables: ``sms_messages`` (with the status callbacks received for them),
``customer_communication_preferences`` (with their audit trail) and the per-sender pacing."""

from messaging.models.conversations import Conversation, ConversationState
from messaging.models.messages import (
    FAILURES,
    IN_FLIGHT,
    RESUMABLE,
    TWILIO_STATUSES,
    Direction,
    Purpose,
    SmsMessage,
    SmsStatus,
    SmsStatusCallback,
    status_rank,
)
from messaging.models.pacing import SenderPace
from messaging.models.preferences import (
    CommunicationPreference,
    OptOutReview,
    OptOutSource,
    PreferenceAction,
    PreferenceChange,
)

__all__ = [
    "FAILURES",
    "IN_FLIGHT",
    "RESUMABLE",
    "TWILIO_STATUSES",
    "CommunicationPreference",
    "Conversation",
    "ConversationState",
    "Direction",
    "OptOutReview",
    "OptOutSource",
    "PreferenceAction",
    "PreferenceChange",
    "Purpose",
    "SenderPace",
    "SmsMessage",
    "SmsStatus",
    "SmsStatusCallback",
    "status_rank",
]
