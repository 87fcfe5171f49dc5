"""Helpers shared by the generators: who a customer is, where they live, how to reach them."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from sandbox.servicetitan.dice import Dice
from sandbox.servicetitan.layout import Tenant
from sandbox.servicetitan.vocab import (
    BUSINESS_KINDS,
    BUSINESS_PREFIXES,
    CITIES,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    STREET_NAMES,
    STREET_SUFFIXES,
    UNITS,
    WHOLE_NAMES,
)

COUNTRY = "USA"

# Derived facts (a customer's name, a job's customer, an invoice's totals) are needed by many
# generators; memoising them per (tenant, index) makes serving several times faster. Cached
# values are never handed out for mutation: dicts are copied by their public wrappers.
memo = lru_cache(maxsize=1 << 16)


def money(amount: float) -> str:
    """Money as ServiceTitan's accounting API spells it: ``"1234.50"``."""
    return f"{amount:.2f}"


def slug(text: str) -> str:
    """ASCII letters and digits only (``José Muñoz`` → ``josemunoz``); may be empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def person_name(d: Dice) -> tuple[str, str]:
    if d.chance(0.04):
        return d.pick(WHOLE_NAMES), ""
    return d.pick(FIRST_NAMES), d.pick(LAST_NAMES)


@memo
def customer_name(t: Tenant, c: int) -> str:
    d = Dice(t.seed, "customers.name", c)
    if t.extra["commercial"][c]:
        return f"{d.pick(BUSINESS_PREFIXES)} {d.pick(BUSINESS_KINDS)}"
    first, last = person_name(d)
    return f"{first} {last}".strip()


def customer_city(t: Tenant, c: int) -> int:
    return t.extra["customer_city"][c]


def address(d: Dice, city_index: int) -> dict:
    city = CITIES[city_index]
    return {
        "street": f"{d.between(100, 19999)} {d.pick(STREET_NAMES)} {d.pick(STREET_SUFFIXES)}",
        "unit": d.pick(UNITS) if d.chance(0.12) else None,
        "city": city.name,
        "state": city.state,
        "zip": f"{city.zip_prefix}{d.between(1, 99):02d}",
        "country": COUNTRY,
        "latitude": round(city.latitude + (d.unit() - 0.5) * 0.2, 6),
        "longitude": round(city.longitude + (d.unit() - 0.5) * 0.2, 6),
    }


def customer_address(t: Tenant, c: int) -> dict:
    return dict(_customer_address(t, c))


@memo
def _customer_address(t: Tenant, c: int) -> dict:
    return address(Dice(t.seed, "customers.address", c), customer_city(t, c))


def location_city(t: Tenant, loc: int) -> int:
    return t.extra["location_city"][loc]


def location_address(t: Tenant, loc: int) -> dict:
    return dict(_location_address(t, loc))


@memo
def _location_address(t: Tenant, loc: int) -> dict:
    tree = t.trees["locations"]
    c = tree.parent(loc)
    if loc == tree.start[c]:
        return customer_address(t, c)
    return address(Dice(t.seed, "locations.address", loc), location_city(t, loc))


@memo
def location_name(t: Tenant, loc: int) -> str:
    c = t.trees["locations"].parent(loc)
    name = customer_name(t, c)
    if loc == t.trees["locations"].start[c]:
        return name
    return f"{name} - {location_address(t, loc)['street']}"


def mobile_number(city_index: int, serial: int) -> str:
    """A unique E.164 number in the city's area code. Exchanges from 556 up keep clear of the
    staff's 555 numbers (sandbox.people)."""
    codes = CITIES[city_index].area_codes
    return f"+1{codes[serial % len(codes)]}{556 + serial // 10000}{serial % 10000:04d}"


def email_address(name: str, serial: int) -> str:
    local = slug(name)[:24] or "customer"
    return f"{local}{serial}@{EMAIL_DOMAINS[serial % len(EMAIL_DOMAINS)]}"


def employee_id(t: Tenant, d: Dice) -> int:
    return t.id("employees", d.below(t.count("employees")))


def lead_technician(t: Tenant, job: int) -> int:
    """The technician index who runs a job: first on its first visit, seller of its estimates."""
    return t.extra["job_tech"][job]
