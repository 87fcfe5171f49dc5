"""The messaging back office: the inbox (conversations to answer, with a reply box), texts
as threads per number, preferences with audited
opt-out / opt-in actions, the review queue for free-text opt-outs, and the CSV import."""

from messaging.admin.conversations import ConversationAdmin
from messaging.admin.messages import SmsMessageAdmin
from messaging.admin.preferences import CommunicationPreferenceAdmin, OptOutReviewAdmin

__all__ = ["CommunicationPreferenceAdmin", "ConversationAdmin", "OptOutReviewAdmin",
           "SmsMessageAdmin"]
