"""When a marketing text may go out: between the sending hours (default 8:00–21:00) in the
recipient's local time, else at the next allowed moment (deferred, never dropped).

``recipient_window`` says where the recipient is:

- the US state of their service location or address (``servicetitan.selectors
  .customer_state``): its zone, and its own hours where it ends the day earlier. States that
  span zones get their dominant one (by population), named in ``STATE_ZONES``; a text to the
  minority zone may therefore go out an hour early or late at the edges of the window;
- else the number's area code: phonenumbers' time zones for the number, and where there are
  several (an area code that spans a zone line) only the hours that are inside the window in
  all of them; the stricter hours of FL, OK and MD for their area codes (``STATE_AREA_CODES``);
- else (a number phonenumbers places nowhere, or whose zones share no daytime)
  ``settings.BUSINESS_TIME_ZONE``, logged as a warning: never silently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.conf import settings
from phonenumbers import timezone as number_zones

from messaging.phones import mask_phone

log = logging.getLogger(__name__)

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
# Their area codes, for recipients known only by number (phonenumbers' geocoder says so; a
# test checks the lists against it — the geocoder itself costs 2 s and 100 MB to load).
STATE_AREA_CODES: dict[str, tuple[str, ...]] = {
    "FL": ("239", "305", "321", "324", "352", "386", "407", "448", "561", "645", "656", "689",
           "727", "728", "754", "772", "786", "813", "850", "863", "904", "941", "954"),
    "OK": ("405", "539", "572", "580", "918"),
    "MD": ("227", "240", "301", "410", "443", "667"),
}
_AREA_CODE_STATES = {code: state for state, codes in STATE_AREA_CODES.items() for code in codes}


class NoCommonHours(ValueError):
    """The zones never share a moment inside the sending hours."""


@dataclass(frozen=True)
class Window:
    """Where a recipient is: their zones (all must be inside the hours) and the hours."""

    zones: tuple[ZoneInfo, ...]
    hours: tuple[int, int]
    basis: str   # what placed the recipient there, for logs: "state FL", "area code", …

    def next_allowed(self, now: datetime) -> datetime | None:
        return next_allowed(now, self.zones, self.hours)


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


def recipient_window(state: str | None, phone: str, default: tuple[int, int]) -> Window:
    """Where the recipient of ``phone`` is, from their ``state`` when it is a US state we
    know, else from the number (see the module docstring)."""
    code = state_code(state)
    if code:
        return Window((zone_for_state(code),), sending_hours(code, default), f"state {code}")
    zones = zones_for_phone(phone)
    if zones:
        area_state = _AREA_CODE_STATES.get(phone[2:5]) if phone.startswith("+1") else None
        return Window(zones, sending_hours(area_state, default), "area code")
    return business_window(phone, default, "the number gives no time zone")


def business_window(phone: str, default: tuple[int, int], why: str) -> Window:
    log.warning("quiet hours for %s: %s; using the business time zone %s", mask_phone(phone),
                why, settings.BUSINESS_TIME_ZONE)
    return Window((ZoneInfo(settings.BUSINESS_TIME_ZONE),), default, "business time zone")


def zones_for_phone(phone: str) -> tuple[ZoneInfo, ...]:
    """phonenumbers' time zones for the number (several where its area code spans a zone
    line); () when it places the number nowhere."""
    try:
        names = number_zones.time_zones_for_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return ()
    zones = []
    for name in names:
        try:
            zones.append(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):  # "Etc/Unknown", or one tzdata lacks
            continue
    return tuple(zones)


def next_allowed(now: datetime, zones: ZoneInfo | Iterable[ZoneInfo],
                 hours: tuple[int, int]) -> datetime | None:
    """None when ``now`` is inside the sending hours in every one of ``zones``; else the
    first moment after it that is (an aware datetime; a wall-clock ``start:00`` in one of
    the zones, daylight saving respected). ``NoCommonHours`` when there is none."""
    zones = (zones,) if isinstance(zones, ZoneInfo) else tuple(zones)
    if all(_inside(now, zone, hours) for zone in zones):
        return None
    # Where the windows overlap, the overlap opens when the last of them opens: one of the
    # zones' next starts. Three days of starts cover every overlap there is.
    starts = sorted(start for zone in zones for start in _starts(now, zone, hours[0])
                    if start > now)
    for start in starts:
        if all(_inside(start, zone, hours) for zone in zones):
            return start
    raise NoCommonHours(f"{', '.join(map(str, zones))} share no hour inside {hours}")


def _inside(moment: datetime, zone: ZoneInfo, hours: tuple[int, int]) -> bool:
    return hours[0] <= moment.astimezone(zone).hour < hours[1]


def _starts(now: datetime, zone: ZoneInfo, start: int) -> list[datetime]:
    today = now.astimezone(zone).date()
    return [datetime.combine(today + timedelta(days=n), time(start), tzinfo=zone)
            for n in range(3)]
