"""GHL models, one module per concern (see each module's docstring)."""

from ghl.models.conversations import ConversationOutbox, ConversationThread, ProviderMessage
from ghl.models.logs import SyncLog, SyncState, WebhookDelivery, WebhookRefusals
from ghl.models.mirror import GHLContact, GHLOpportunity, GHLPipeline, GHLPipelineStage, GHLUser
from ghl.models.push import (
    ST_ESTIMATE_STATUSES,
    EstimateOpportunity,
    EstimateToPush,
    OpportunityStatus,
    StageMapping,
)
from ghl.models.staff import Employee

__all__ = [
    "ST_ESTIMATE_STATUSES",
    "ConversationOutbox",
    "ConversationThread",
    "Employee",
    "EstimateOpportunity",
    "EstimateToPush",
    "GHLContact",
    "GHLOpportunity",
    "GHLPipeline",
    "GHLPipelineStage",
    "GHLUser",
    "OpportunityStatus",
    "ProviderMessage",
    "StageMapping",
    "SyncLog",
    "SyncState",
    "WebhookDelivery",
    "WebhookRefusals",
]
