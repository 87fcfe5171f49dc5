"""When a marketing text may go out: between the sending hours (default 8:00–21:00) in the
recipient's local time, else at the next allowed moment (deferred, never dropped).

The recipient's time zone comes from the US state of their service location (see
``selectors.recipient_state``). States that span zones get their dominant one (by
population), named in ``STATE_ZONES``; a text to the minority zone may therefore go out an
hour early or late at the edges of the window. Unknown states fall back to
``settings.BUSINESS_TIME_ZONE``.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

E, C, M, P = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"
STATE_ZONES: dict[str, str] = {
    **dict.fromkeys(("CT", "DE", "DC", "GA", "ME", "MD", "MA", "NH", "NJ", "NY", "NC", "OH",
                     "PA", "RI", "SC", "VT", "VA", "WV"), E),
    "FL": E,                      # the western panhandle is Central
    "IN": "America/Indiana/Indianapolis",  # a few NW and SW counties are Central
    "KY": E,                      # the western half is Central
    "MI": "America/Detroit",      # four Upper Peninsula counties are Central
    "TN": C,                      # East Tennessee is Eastern
    **dict.fromkeys(("AL", "AR", "IL", "IA", "LA", "MN", "MS", "MO", "OK", "WI"), C),
    "KS": C, "NE": C, "ND": C, "SD": C,  # their western edges are Mountain
    "TX": C,                      # El Paso and Hudspeth counties are Mountain
    **dict.fromkeys(("CO", "MT", "NM", "UT", "WY"), M),
    "ID": "America/Boise",        # the panhandle is Pacific
    "AZ": "America/Phoenix",      # no daylight saving (the Navajo Nation observes it)
    "NV": P,                      # West Wendover is Mountain
    "OR": P,                      # most of Malheur County is Mountain
    "CA": P, "WA": P,
    "AK": "America/Anchorage",    # the Aleutians west of 169°30'W are Hawaii-Aleutian
    "HI": "Pacific/Honolulu",
    "PR": "America/Puerto_Rico", "VI": "America/St_Thomas", "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan", "AS": "Pacific/Pago_Pago",
}
STATE_NAMES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA",
    "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD",
    "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS",
    "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA",
    "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD", "TENNESSEE": "TN",
    "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY", "DISTRICT OF COLUMBIA": "DC",
    "PUERTO RICO": "PR",
}
# States whose telemarketing laws end the day earlier than the federal 9 p.m. (as commonly
# cited; unconfirmed by counsel — stricter only ever delays a text).
STATE_SENDING_HOURS: dict[str, tuple[int, int]] = {"FL": (8, 20), "OK": (8, 20), "MD": (8, 20)}


def state_code(state: str | None) -> str | None:
    """``"fl"``, ``"FL"``, ``"Florida"`` → ``"FL"``; None when not a US state we know."""
    text = " ".join((state or "").upper().replace(".", "").split())
    code = STATE_NAMES.get(text, text)
    return code if code in STATE_ZONES else None


def zone_for_state(state: str | None) -> ZoneInfo:
    code = state_code(state)
    return ZoneInfo(STATE_ZONES[code] if code else settings.BUSINESS_TIME_ZONE)


def sending_hours(state: str | None, default: tuple[int, int]) -> tuple[int, int]:
    code = state_code(state)
    start, end = STATE_SENDING_HOURS.get(code or "", default)
    return max(start, default[0]), min(end, default[1])


def next_allowed(now: datetime, zone: ZoneInfo, hours: tuple[int, int]) -> datetime | None:
    """None when ``now`` is inside the sending hours in ``zone``; else the next start of
    them (an aware datetime; wall-clock ``start:00`` local, daylight saving respected)."""
    local = now.astimezone(zone)
    start, end = hours
    if start <= local.hour < end:
        return None
    day = local.date() + (timedelta(days=1) if local.hour >= end else timedelta())
    return datetime.combine(day, time(start), tzinfo=zone)
