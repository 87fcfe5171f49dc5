"""The messaging back office: texts as conversations per number, preferences with audited
opt-out / opt-in actions, the review queue for free-text opt-outs, and the CSV import."""

from messaging.admin.messages import SmsMessageAdmin
from messaging.admin.preferences import CommunicationPreferenceAdmin, OptOutReviewAdmin

__all__ = ["CommunicationPreferenceAdmin", "OptOutReviewAdmin", "SmsMessageAdmin"]
