"""Real places on the emulator's routes, with their UTC offsets (US daylight-saving rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone


def _nth_sunday(year: int, month: int, n: int) -> datetime:
    first = datetime(year, month, 1, tzinfo=UTC)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


@dataclass(frozen=True)
class Place:
    city: str
    region: str
    postal_code: str
    standard_offset_hours: int
    observes_dst: bool = True
    country: str = "US"

    def utc_offset(self, moment: datetime) -> timedelta:
        """Return the place's UTC offset at an aware moment.

        Computed from the US rule (second Sunday of March to first Sunday of November,
        02:00 local) rather than zoneinfo, so the emulator needs no tz database.
        """
        standard = timedelta(hours=self.standard_offset_hours)
        if not self.observes_dst:
            return standard
        year = moment.astimezone(UTC).year
        starts = _nth_sunday(year, 3, 2) + timedelta(hours=2) - standard
        ends = _nth_sunday(year, 11, 1) + timedelta(hours=2) - standard - timedelta(hours=1)
        return standard + timedelta(hours=1) if starts <= moment < ends else standard

    def local(self, moment: datetime) -> datetime:
        """Return the aware moment expressed in the place's own offset."""
        return moment.astimezone(timezone(self.utc_offset(moment)))


RENO = Place("Reno", "NV", "89502", -8)
SPARKS = Place("Sparks", "NV", "89431", -8)
SALT_LAKE_CITY = Place("Salt Lake City", "UT", "84104", -7)
DENVER = Place("Denver", "CO", "80239", -7)
HODGKINS = Place("Hodgkins", "IL", "60525", -6)
LOUISVILLE = Place("Louisville", "KY", "40209", -5)
COLUMBUS_HUB = Place("Columbus", "OH", "43228", -5)
COLUMBUS = Place("Columbus", "OH", "43215", -5)
