"""All tables. Importing this package registers every model on `Base.metadata`."""
from core.models.access import ApiKey, OtpCode, RefreshToken, StaffMember
from core.models.campaigns import Campaign, CampaignDelivery
from core.models.cases import (
    CaseReference,
    Complaint,
    ComplaintMessage,
    IdempotencyRecord,
    RequestDocument,
    RequestEvent,
    ServiceRequest,
    UsageEvent,
)
from core.models.catalog import Agency, CatalogMeta, Category, Office, Service, service_offices
from core.models.citizens import Citizen, Device, Subscription
from core.models.inbound import InboundMessage
from core.models.outbox import OutboxMessage, SmsOptOut

__all__ = [
    "Agency", "ApiKey", "Campaign", "CampaignDelivery", "CaseReference", "CatalogMeta",
    "Category", "Citizen", "Complaint", "ComplaintMessage", "Device", "IdempotencyRecord",
    "InboundMessage", "Office", "OtpCode", "OutboxMessage", "RefreshToken", "RequestDocument",
    "RequestEvent", "Service", "ServiceRequest", "SmsOptOut", "StaffMember", "Subscription",
    "UsageEvent", "service_offices",
]
