"""The GHL sub-account the sandbox starts with: deterministic for a seed.

About 300 contacts (non-ASCII names, E.164 phones, some with an email only or a phone only,
some with DND on every channel or on SMS only) and about 150 opportunities across two
pipelines and every status. Timestamps spread over many months, and a few opportunities share
a creation millisecond, so keyset paging on (time, id) is exercised for real. Ids look like
GHL's (20 letters and digits); pipeline stage ids are UUIDs, as GHL's are.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

from sandbox.credentials import SANDBOX_GHL_LOCATION_ID, SANDBOX_GHL_PIPELINE_ID
from sandbox.people import GHL_USERS
from sandbox.support import random_id

SERVICE_PIPELINE_ID = "sbxPipelineService0002"
PIPELINES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (SANDBOX_GHL_PIPELINE_ID, "Sales",
     ("New Lead", "Estimate Sent", "Follow-up", "Negotiation", "Won", "Lost")),
    (SERVICE_PIPELINE_ID, "Service Agreements",
     ("Renewal Due", "Contacted", "Renewed", "Cancelled")),
)
DATA_START = datetime(2025, 6, 2, 13, 0, tzinfo=UTC)
DATA_DAYS = 500

FIRST_NAMES = ("José", "Zoë", "Łukasz", "Søren", "Chloé", "François", "Siobhán", "Renée",
               "Ngozi", "Mei", "Björk", "Ana", "James", "Olivia", "Liam", "Emma", "Noah",
               "Ava", "Mateo", "Sofía", "Ethan", "Amara", "Đức", "Yusuf", "Ingrid", "Raj")
LAST_NAMES = ("García", "Müller", "Nguyễn", "O'Connor", "Kowalski", "Johansson", "Smith",
              "Brown", "Pérez", "Døssing", "Ramírez", "Okonkwo", "Schröder", "Zhang", "Kim",
              "Patel", "Johnson", "Williams", "Davis", "Martínez", "Lefèvre", "Öztürk")
CITIES = (("Orlando", "32801"), ("Kissimmee", "34741"), ("Sanford", "32771"),
          ("Winter Park", "32789"), ("Ocoee", "34761"), ("Lake Mary", "32746"))
STREETS = ("Magnolia Ave", "Lake Underhill Rd", "Curry Ford Rd", "Aloma Ave", "Colonial Dr")
TAGS = ("residential", "commercial", "hvac", "plumbing", "maintenance-plan", "referral", "vip")
SOURCES = ("website", "google ads", "referral", "servicetitan", "facebook", "yelp")
AREA_CODES = ("321", "689", "352", "386", "904")
WORK = ("AC replacement", "Furnace tune-up", "Duct cleaning", "Heat pump install",
        "Water heater", "Thermostat upgrade", "Mini-split install", "Maintenance plan")
STATUS_WEIGHTS = (("open", 55), ("won", 20), ("lost", 15), ("abandoned", 10))


@dataclass
class Dataset:
    contacts: dict[str, dict[str, Any]]
    opportunities: dict[str, dict[str, Any]]
    pipelines: list[dict[str, Any]]
    users: list[dict[str, Any]]


def iso(moment: datetime) -> str:
    """GHL's timestamp format: ISO 8601 UTC with milliseconds and a Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch_ms(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp).timestamp() * 1000)


def stage_id(pipeline_id: str, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-ghl:{pipeline_id}:{name}"))


def build_pipelines() -> list[dict[str, Any]]:
    return [{"id": pid, "name": name, "locationId": SANDBOX_GHL_LOCATION_ID,
             "showInFunnel": True, "showInPieChart": True,
             "stages": [{"id": stage_id(pid, stage), "name": stage, "position": position}
                        for position, stage in enumerate(stages)]}
            for pid, name, stages in PIPELINES]


def build_users() -> list[dict[str, Any]]:
    # Shape unconfirmed: GET /users/ is not in the shared specs.
    return [{"id": random_id(Random(f"ghl-user:{member.email}")), "name": member.name,
             "firstName": member.first_name, "lastName": member.last_name,
             "email": member.ghl_email or member.email, "phone": member.phone,
             "roles": {"type": "account", "role": "admin" if index == 0 else "user",
                       "locationIds": [SANDBOX_GHL_LOCATION_ID]}}
            for index, member in enumerate(GHL_USERS)]


def build_dataset(seed: int = 1, contacts: int = 300, opportunities: int = 150) -> Dataset:
    rng = Random(seed)
    users = build_users()
    user_ids = [user["id"] for user in users]
    people = [_contact(rng, index, user_ids) for index in range(contacts)]
    pipelines = build_pipelines()
    opps: list[dict[str, Any]] = []
    for index in range(opportunities):
        # Every tenth shares the previous one's millisecond: ties that need startAfterId.
        tie = opps[-1]["createdAt"] if opps and index % 10 == 9 else None
        opps.append(_opportunity(rng, index, people, user_ids, tie))
    return Dataset({c["id"]: c for c in people}, {o["id"]: o for o in opps}, pipelines, users)


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ø", "o").replace("Ł", "L"))
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum()).lower()


def _contact(rng: Random, index: int, user_ids: list[str]) -> dict[str, Any]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    kind = rng.random()  # ~8% email only, ~10% phone only
    email = f"{_ascii(first)}.{_ascii(last)}{index}@example.{rng.choice(('com', 'net', 'org'))}"
    if rng.random() < 0.05:  # GHL keeps the case it was given; matching ignores it
        email = email.capitalize()
    phone = f"+1{AREA_CODES[index % 5]}555{100 + index // 5:04d}"
    dnd_all, dnd_sms = rng.random() < 0.05, rng.random() < 0.07
    added = DATA_START + timedelta(days=rng.uniform(0, DATA_DAYS - 60))
    city, postal = rng.choice(CITIES)
    return new_contact(
        contact_id=random_id(rng), moment=added, first_name=first, last_name=last,
        email=None if kind > 0.92 else email, phone=None if kind < 0.10 else phone,
        address1=f"{rng.randint(100, 9999)} {rng.choice(STREETS)}", city=city, state="FL",
        postalCode=postal, country="US", source=rng.choice(SOURCES),
        tags=sorted(rng.sample(TAGS, rng.randint(0, 3))),
        assignedTo=rng.choice([*user_ids, None, None]),
        dnd=dnd_all, dndSettings=dnd_settings(sms=dnd_all or dnd_sms, others=dnd_all),
        dateUpdated=iso(added + timedelta(days=rng.uniform(0, 60))),
    )


def dnd_settings(sms: bool, others: bool = False) -> dict[str, Any]:
    def channel(active: bool) -> dict[str, str]:
        return {"status": "active" if active else "inactive", "message": "", "code": ""}
    return {name: channel(sms if name == "SMS" else others)
            for name in ("Call", "Email", "SMS", "WhatsApp", "GMB", "FB")}


def new_contact(*, contact_id: str, moment: datetime, first_name: str | None = None,
                last_name: str | None = None, **fields: Any) -> dict[str, Any]:
    """A contact in the shape ``GET /contacts/{id}`` returns (spec ``GetContectByIdSchema``)."""
    contact: dict[str, Any] = {
        "id": contact_id, "locationId": SANDBOX_GHL_LOCATION_ID, "firstName": first_name,
        "lastName": last_name, "email": None, "phone": None, "companyName": None,
        "address1": None, "city": None, "state": None, "postalCode": None, "country": "US",
        "timezone": "America/New_York", "website": None, "source": None, "type": "lead",
        "assignedTo": None, "dnd": False, "dndSettings": dnd_settings(sms=False),
        "tags": [], "customFields": [], "dateOfBirth": None,
        "dateAdded": iso(moment), "dateUpdated": iso(moment),
    }
    contact.update(fields)
    refresh_derived(contact)
    return contact


def refresh_derived(contact: dict[str, Any]) -> None:
    """Recompute the fields GHL derives from others (full name, lower-case copies)."""
    first, last = contact.get("firstName") or "", contact.get("lastName") or ""
    contact["name"] = f"{first} {last}".strip() or None
    contact["firstNameLowerCase"] = first.lower() or None
    contact["lastNameLowerCase"] = last.lower() or None
    contact["fullNameLowerCase"] = (contact["name"] or "").lower() or None
    contact["emailLowerCase"] = (contact.get("email") or "").lower() or None


def _opportunity(rng: Random, index: int, people: list[dict[str, Any]],
                 user_ids: list[str], tie: str | None) -> dict[str, Any]:
    contact = people[rng.randrange(len(people))]
    sales = rng.random() < 0.8
    pid, _, stages = PIPELINES[0 if sales else 1]
    status = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
    closing = {"won": stages[-2], "lost": stages[-1]}
    stage = closing.get(status) or rng.choice(stages[:-2])
    created = DATA_START + timedelta(days=rng.uniform(0, DATA_DAYS))
    if tie:
        created = datetime.fromisoformat(tie)
    work = rng.choice(WORK) if sales else "Service agreement renewal"
    value: float = round(rng.uniform(150, 25000), 2)
    if rng.random() < 0.5:
        value = int(value)
    return new_opportunity(
        opportunity_id=random_id(rng), moment=created, pipelineId=pid,
        pipelineStageId=stage_id(pid, stage), status=status, contactId=contact["id"],
        name=f"{contact['name']} – {work}", monetaryValue=value,
        assignedTo=rng.choice(user_ids), source=rng.choice(SOURCES),
        updatedAt=iso(created + timedelta(days=rng.uniform(0, 30))),
    )


def new_opportunity(*, opportunity_id: str, moment: datetime, **fields: Any) -> dict[str, Any]:
    """An opportunity as stored; ``contact`` is added when it is read (always current)."""
    opportunity: dict[str, Any] = {
        "id": opportunity_id, "name": None, "monetaryValue": 0, "pipelineId": None,
        "pipelineStageId": None, "assignedTo": None, "status": "open", "source": None,
        "lastStatusChangeAt": iso(moment), "lastStageChangeAt": iso(moment),
        "createdAt": iso(moment), "updatedAt": iso(moment), "contactId": None,
        "locationId": SANDBOX_GHL_LOCATION_ID, "lostReasonId": None, "customFields": [],
        "notes": [], "tasks": [], "calendarEvents": [], "followers": [],
    }
    opportunity.update(fields)
    return opportunity
