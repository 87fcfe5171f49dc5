"""The GHL back office (one module per concern)."""

from ghl.admin.conversations import ConversationOutboxAdmin, ProviderMessageAdmin
from ghl.admin.logs import SyncLogAdmin, WebhookDeliveryAdmin, WebhookRefusalsAdmin
from ghl.admin.mirror import GHLContactAdmin, GHLOpportunityAdmin, GHLPipelineAdmin, GHLUserAdmin
from ghl.admin.push import EstimateOpportunityAdmin, EstimateToPushAdmin, StageMappingAdmin
from ghl.admin.staff import EmployeeAdmin

__all__ = ["ConversationOutboxAdmin", "EmployeeAdmin", "EstimateOpportunityAdmin",
           "EstimateToPushAdmin", "GHLContactAdmin", "GHLOpportunityAdmin", "GHLPipelineAdmin",
           "GHLUserAdmin", "ProviderMessageAdmin", "StageMappingAdmin", "SyncLogAdmin",
           "WebhookDeliveryAdmin", "WebhookRefusalsAdmin"]
