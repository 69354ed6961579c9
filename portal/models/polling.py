"""Carrier request counts per day and per clock hour, shared by every worker (quota ledgers)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import UTCDateTime
from portal.extensions import db


class CarrierUsage(db.Model):
    __tablename__ = "carrier_usage"

    carrier: Mapped[str] = mapped_column(String(20), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    requests: Mapped[int] = mapped_column(default=0)


class CarrierHourlyUsage(db.Model):
    """Requests sent to a carrier in one clock hour (UTC), for carriers with an hourly quota."""

    __tablename__ = "carrier_usage_hours"

    carrier: Mapped[str] = mapped_column(String(20), primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    requests: Mapped[int] = mapped_column(default=0)


class CarrierRateWindow(db.Model):
    """Requests sent to a carrier in one wall-clock second, when no Redis is there to count."""

    __tablename__ = "carrier_rate_windows"

    carrier: Mapped[str] = mapped_column(String(20), primary_key=True)
    second: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    requests: Mapped[int] = mapped_column(default=0)
