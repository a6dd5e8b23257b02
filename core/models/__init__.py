"""All tables. Importing this package registers every model on `Base.metadata`."""
from core.models.catalog import Agency, CatalogMeta, Category, Office, Service, service_offices
from core.models.outbox import OutboxMessage, SmsOptOut

__all__ = ["Agency", "CatalogMeta", "Category", "Office", "OutboxMessage", "Service",
           "SmsOptOut", "service_offices"]
