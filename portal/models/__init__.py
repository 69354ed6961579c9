"""All models, imported here so that Alembic and the app see every table."""

from portal.models.analytics import AgentNote, AuditLog, PageView
from portal.models.feedback import Feedback
from portal.models.merchant import ApiKey, Invitation, LoginFailure, Merchant, User
from portal.models.notification import Notification, SmsOptOut, Unsubscribe
from portal.models.order import (
    Order,
    OrderItem,
    Shipment,
    ShipmentChange,
    TrackingEvent,
    TrackingLink,
)
from portal.models.polling import CarrierHourlyUsage, CarrierRateWindow, CarrierUsage
from portal.models.product import Product, ProductClick
from portal.models.search import OrderNameToken

__all__ = [
    "AgentNote",
    "ApiKey",
    "AuditLog",
    "CarrierHourlyUsage",
    "CarrierRateWindow",
    "CarrierUsage",
    "Feedback",
    "Invitation",
    "LoginFailure",
    "Merchant",
    "Notification",
    "Order",
    "OrderItem",
    "OrderNameToken",
    "PageView",
    "Product",
    "ProductClick",
    "Shipment",
    "ShipmentChange",
    "SmsOptOut",
    "TrackingEvent",
    "TrackingLink",
    "Unsubscribe",
    "User",
]
