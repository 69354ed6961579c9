"""The timezone of a shipment's destination, from its country, region and postal code."""

from __future__ import annotations

from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

UTC_ZONE = ZoneInfo("UTC")

_EASTERN = "America/New_York"
_CENTRAL = "America/Chicago"
_MOUNTAIN = "America/Denver"
_PACIFIC = "America/Los_Angeles"

# Split states use the zone most of their population lives in.
US_STATES: dict[str, tuple[str, str]] = {
    "AL": ("Alabama", _CENTRAL),
    "AK": ("Alaska", "America/Anchorage"),
    "AZ": ("Arizona", "America/Phoenix"),
    "AR": ("Arkansas", _CENTRAL),
    "CA": ("California", _PACIFIC),
    "CO": ("Colorado", _MOUNTAIN),
    "CT": ("Connecticut", _EASTERN),
    "DE": ("Delaware", _EASTERN),
    "DC": ("District of Columbia", _EASTERN),
    "FL": ("Florida", _EASTERN),
    "GA": ("Georgia", _EASTERN),
    "HI": ("Hawaii", "Pacific/Honolulu"),
    "ID": ("Idaho", "America/Boise"),
    "IL": ("Illinois", _CENTRAL),
    "IN": ("Indiana", "America/Indiana/Indianapolis"),
    "IA": ("Iowa", _CENTRAL),
    "KS": ("Kansas", _CENTRAL),
    "KY": ("Kentucky", _EASTERN),
    "LA": ("Louisiana", _CENTRAL),
    "ME": ("Maine", _EASTERN),
    "MD": ("Maryland", _EASTERN),
    "MA": ("Massachusetts", _EASTERN),
    "MI": ("Michigan", "America/Detroit"),
    "MN": ("Minnesota", _CENTRAL),
    "MS": ("Mississippi", _CENTRAL),
    "MO": ("Missouri", _CENTRAL),
    "MT": ("Montana", _MOUNTAIN),
    "NE": ("Nebraska", _CENTRAL),
    "NV": ("Nevada", _PACIFIC),
    "NH": ("New Hampshire", _EASTERN),
    "NJ": ("New Jersey", _EASTERN),
    "NM": ("New Mexico", _MOUNTAIN),
    "NY": ("New York", _EASTERN),
    "NC": ("North Carolina", _EASTERN),
    "ND": ("North Dakota", _CENTRAL),
    "OH": ("Ohio", _EASTERN),
    "OK": ("Oklahoma", _CENTRAL),
    "OR": ("Oregon", _PACIFIC),
    "PA": ("Pennsylvania", _EASTERN),
    "PR": ("Puerto Rico", "America/Puerto_Rico"),
    "RI": ("Rhode Island", _EASTERN),
    "SC": ("South Carolina", _EASTERN),
    "SD": ("South Dakota", _CENTRAL),
    "TN": ("Tennessee", _CENTRAL),
    "TX": ("Texas", _CENTRAL),
    "UT": ("Utah", _MOUNTAIN),
    "VT": ("Vermont", _EASTERN),
    "VA": ("Virginia", _EASTERN),
    "WA": ("Washington", _PACIFIC),
    "WV": ("West Virginia", _EASTERN),
    "WI": ("Wisconsin", _CENTRAL),
    "WY": ("Wyoming", _MOUNTAIN),
}

CA_PROVINCES: dict[str, tuple[str, str]] = {
    "AB": ("Alberta", "America/Edmonton"),
    "BC": ("British Columbia", "America/Vancouver"),
    "MB": ("Manitoba", "America/Winnipeg"),
    "NB": ("New Brunswick", "America/Moncton"),
    "NL": ("Newfoundland and Labrador", "America/St_Johns"),
    "NS": ("Nova Scotia", "America/Halifax"),
    "NT": ("Northwest Territories", "America/Yellowknife"),
    "NU": ("Nunavut", "America/Iqaluit"),
    "ON": ("Ontario", "America/Toronto"),
    "PE": ("Prince Edward Island", "America/Halifax"),
    "QC": ("Quebec", "America/Toronto"),
    "SK": ("Saskatchewan", "America/Regina"),
    "YT": ("Yukon", "America/Whitehorse"),
}

AU_STATES: dict[str, tuple[str, str]] = {
    "ACT": ("Australian Capital Territory", "Australia/Sydney"),
    "NSW": ("New South Wales", "Australia/Sydney"),
    "NT": ("Northern Territory", "Australia/Darwin"),
    "QLD": ("Queensland", "Australia/Brisbane"),
    "SA": ("South Australia", "Australia/Adelaide"),
    "TAS": ("Tasmania", "Australia/Hobart"),
    "VIC": ("Victoria", "Australia/Melbourne"),
    "WA": ("Western Australia", "Australia/Perth"),
}

# Only the regions that differ from the country default below; the rest fall through to it.
MX_STATES: dict[str, tuple[str, str]] = {
    "BCN": ("Baja California", "America/Tijuana"),
    "BCS": ("Baja California Sur", "America/Mazatlan"),
    "SIN": ("Sinaloa", "America/Mazatlan"),
    "NAY": ("Nayarit", "America/Mazatlan"),
    "SON": ("Sonora", "America/Hermosillo"),
    "ROO": ("Quintana Roo", "America/Cancun"),
}

BR_STATES: dict[str, tuple[str, str]] = {
    "AC": ("Acre", "America/Rio_Branco"),
    "AM": ("Amazonas", "America/Manaus"),
    "RO": ("Rondônia", "America/Porto_Velho"),
    "RR": ("Roraima", "America/Boa_Vista"),
    "MT": ("Mato Grosso", "America/Cuiaba"),
    "MS": ("Mato Grosso do Sul", "America/Campo_Grande"),
    "BA": ("Bahia", "America/Bahia"),
    "PE": ("Pernambuco", "America/Recife"),
    "CE": ("Ceará", "America/Fortaleza"),
    "PA": ("Pará", "America/Belem"),
}

RU_REGIONS: dict[str, tuple[str, str]] = {
    "KGD": ("Kaliningrad", "Europe/Kaliningrad"),
    "SAM": ("Samara", "Europe/Samara"),
    "SVE": ("Sverdlovsk", "Asia/Yekaterinburg"),
    "NVS": ("Novosibirsk", "Asia/Novosibirsk"),
    "KYA": ("Krasnoyarsk", "Asia/Krasnoyarsk"),
    "IRK": ("Irkutsk", "Asia/Irkutsk"),
    "PRI": ("Primorsky", "Asia/Vladivostok"),
    "KHA": ("Khabarovsk", "Asia/Vladivostok"),
    "KAM": ("Kamchatka", "Asia/Kamchatka"),
}

REGION_TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "US": US_STATES,
    "CA": CA_PROVINCES,
    "AU": AU_STATES,
    "MX": MX_STATES,
    "BR": BR_STATES,
    "RU": RU_REGIONS,
}

# Where tzdata lists a less-populated zone first for the country.
COUNTRY_DEFAULTS: dict[str, str] = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "FM": "Pacific/Pohnpei",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": _EASTERN,
    "UZ": "Asia/Tashkent",
}


def _read_tab(name: str) -> list[tuple[list[str], str]]:
    text = resources.files("tzdata").joinpath("zoneinfo", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            rows.append((fields[0].split(","), fields[2]))
    return rows


@cache
def country_zones() -> dict[str, str]:
    """Map each ISO country code to the first zone tzdata lists for it (zone.tab, then 1970)."""
    zones: dict[str, str] = {}
    for name in ("zone.tab", "zone1970.tab"):
        for codes, zone in _read_tab(name):
            for code in codes:
                zones.setdefault(code, zone)
    zones.update(COUNTRY_DEFAULTS)
    return zones


@cache
def _region_index(country: str) -> dict[str, str]:
    table = REGION_TABLES.get(country, {})
    index = {}
    for code, (name, zone) in table.items():
        index[code.casefold()] = zone
        index[name.casefold()] = zone
    return index


@cache
def _region_codes(country: str) -> dict[str, str]:
    index = {}
    for code, (name, _) in REGION_TABLES.get(country, {}).items():
        index[code.casefold()] = code
        index[name.casefold()] = code
    return index


def region_code(country: str | None, region: str | None) -> str | None:
    """The region's code ("New York" → "NY") where we know the country's regions.

    Returns the region upper-cased as given when unknown, None when blank.
    """
    if not region or not region.strip():
        return None
    code = (country or "").strip().upper()
    key = region.strip().casefold().removeprefix(code.casefold() + "-")
    return _region_codes(code).get(key, region.strip().upper())


def _us_postal_zone(postal_code: str) -> str | None:
    # The few ZIP prefixes of the dominant-zone exceptions shoppers most often ship to.
    prefix = postal_code.strip()[:3]
    if prefix in {"798", "799", "885"}:  # El Paso, TX
        return _MOUNTAIN
    if prefix in {"324", "325"}:  # Florida panhandle west of the Apalachicola
        return _CENTRAL
    if prefix in {"373", "374", "376", "377", "378", "379"}:  # East Tennessee
        return _EASTERN
    return None


@cache
def destination_timezone(
    country: str | None, region: str | None = None, postal_code: str | None = None
) -> ZoneInfo:
    """The timezone where a parcel is delivered.

    Returns the region's zone where known (code like "NY" or name like "New York", any
    case), else the country's main zone from tzdata, else UTC. Never raises.
    """
    code = (country or "").strip().upper()
    if not code:
        return UTC_ZONE
    if code == "US" and postal_code:
        refined = _us_postal_zone(postal_code)
        if refined:
            return ZoneInfo(refined)
    if region:
        key = region.strip().casefold()
        key = key.removeprefix(code.casefold() + "-")  # ISO 3166-2, e.g. "US-NY"
        zone = _region_index(code).get(key)
        if zone:
            return ZoneInfo(zone)
    zone = country_zones().get(code)
    return ZoneInfo(zone) if zone else UTC_ZONE


@cache
def country_names() -> dict[str, str]:
    """Map each ISO country code to its English short name from tzdata's iso3166.tab."""
    text = resources.files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    names = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            names[code] = name.strip()
    return names


def country_for_zone(zone: str | None) -> str | None:
    """The country a zone name belongs to (a merchant's timezone → its origin), or None."""
    if not zone:
        return None
    for code, zone_name in _zone_countries():
        if zone_name == zone:
            return code
    return None


@cache
def _zone_countries() -> tuple[tuple[str, str], ...]:
    return tuple((codes[0], zone) for codes, zone in _read_tab("zone.tab"))
