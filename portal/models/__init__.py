"""All models, imported here so that Alembic and the app see every table."""

from portal.models.analytics import AgentNote, AuditLog, PageView
from portal.models.feedback import Feedback
from portal.models.merchant import ApiKey, Merchant, User
from portal.models.notification import Notification
from portal.models.order import (
    Order,
    OrderItem,
    Shipment,
    ShipmentChange,
    TrackingEvent,
    TrackingLink,
)
from portal.models.polling import CarrierRateWindow, CarrierUsage
from portal.models.product import Product

__all__ = [
    "AgentNote",
    "ApiKey",
    "AuditLog",
    "CarrierRateWindow",
    "CarrierUsage",
    "Feedback",
    "Merchant",
    "Notification",
    "Order",
    "OrderItem",
    "PageView",
    "Product",
    "Shipment",
    "ShipmentChange",
    "TrackingEvent",
    "TrackingLink",
    "User",
]
