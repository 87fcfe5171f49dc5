"""The GHL sandbox's state and every change to it, whoever makes it (our API calls or "staff"
through the control API). Each change returns the webhook event types GHL would fire for it.

Thread-safe: the HTTP server is threaded, so every read and write holds ``lock``.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from random import Random
from typing import Any

from sandbox.ghl.data import (
    Dataset,
    dnd_settings,
    iso,
    new_contact,
    new_opportunity,
    refresh_derived,
)
from sandbox.support import random_id

# Opportunity fields whose change fires its own event besides OpportunityUpdate.
SPECIFIC_EVENTS = {"status": "OpportunityStatusUpdate", "pipelineStageId": "OpportunityStageUpdate",
                   "monetaryValue": "OpportunityMonetaryValueUpdate",
                   "assignedTo": "OpportunityAssignedToUpdate"}


class GHLError(Exception):
    """An error GHL answers with ``{statusCode, message, error}``."""

    REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
               422: "Unprocessable Entity", 429: "Too Many Requests"}

    def __init__(self, status: int, message: str | list[str]):
        super().__init__(message)
        self.status = status
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"statusCode": self.status, "message": self.message,
                "error": self.REASONS.get(self.status, "Error")}


def normalize_phone(raw: str) -> str:
    """E.164, as GHL stores phones ("+1 888-888-8888" -> "+18888888888").

    A number that cannot be read is refused with 422 (GHL's exact message: unconfirmed).
    """
    digits = re.sub(r"\D", "", raw)
    if raw.strip().startswith("+") and 8 <= len(digits) <= 15:
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    raise GHLError(422, ["phone must be a valid phone number"])


class GHLState:
    def __init__(self, dataset: Dataset, seed: int, clock: Callable[[], float] = time.time):
        self.contacts = dataset.contacts
        self.opportunities = dataset.opportunities
        self.pipelines = dataset.pipelines
        self.users = dataset.users
        self.conversations: dict[str, dict[str, Any]] = {}   # sandbox/ghl/conversations.py
        self.messages: dict[str, dict[str, Any]] = {}        # in the order they were added
        self.clock = clock
        self.lock = threading.RLock()
        self._rng = Random(f"ghl-runtime:{seed}")  # ids of new records: reproducible runs

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def new_id(self) -> str:
        return random_id(self._rng)

    # --- contacts -------------------------------------------------------------------------
    def contact(self, contact_id: str) -> dict[str, Any]:
        try:
            return self.contacts[contact_id]
        except KeyError:
            # GHL answers an unknown contact id with 400 (the spec lists no 404 here).
            raise GHLError(400, "Contact not found") from None

    def find_duplicate(self, email: str | None, phone: str | None) -> dict[str, Any] | None:
        """The location's duplicate rule: email first (ignoring case), then phone."""
        for field, value in (("emailLowerCase", (email or "").lower()), ("phone", phone)):
            if value:
                for contact in self.contacts.values():
                    if contact.get(field) == value:
                        return contact
        return None

    def create_contact(self, fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        contact = new_contact(contact_id=self.new_id(), moment=self.now())
        self._apply_contact_fields(contact, fields)
        self.contacts[contact["id"]] = contact
        return contact, ["ContactCreate"]

    def update_contact(self, contact_id: str,
                       fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        contact = self.contact(contact_id)
        before = copy.deepcopy(contact)
        self._apply_contact_fields(contact, fields)
        if contact == before:
            return contact, []
        contact["dateUpdated"] = iso(self.now())
        events = ["ContactUpdate"]
        if (contact["dnd"], contact["dndSettings"]) != (before["dnd"], before["dndSettings"]):
            events.append("ContactDndUpdate")
        if contact["tags"] != before["tags"]:
            events.append("ContactTagUpdate")
        return contact, events

    def delete_contact(self, contact_id: str) -> tuple[dict[str, Any], list[str]]:
        contact = self.contact(contact_id)
        del self.contacts[contact_id]
        return contact, ["ContactDelete"]

    def _apply_contact_fields(self, contact: dict[str, Any], fields: dict[str, Any]) -> None:
        fields = dict(fields)
        for ignored in ("locationId", "createNewIfDuplicateAllowed"):
            fields.pop(ignored, None)
        if fields.get("phone"):
            fields["phone"] = normalize_phone(fields["phone"])
        if "dndSettings" in fields:  # per channel: the channels given replace those stored
            merged = copy.deepcopy(contact.get("dndSettings") or dnd_settings(sms=False))
            for channel, setting in (fields.pop("dndSettings") or {}).items():
                if setting is not None:
                    merged[channel] = {"message": "", "code": "", **setting}
            contact["dndSettings"] = merged
        if "customFields" in fields:
            contact["customFields"] = _merge_custom_fields(
                contact["customFields"], fields.pop("customFields") or [], value_key="value")
        if fields.get("name") and not (fields.get("firstName") or fields.get("lastName")):
            # Only a full name given: split it (GHL's exact rule: unconfirmed).
            first, _, last = fields["name"].partition(" ")
            fields.setdefault("firstName", first)
            fields.setdefault("lastName", last or None)
        fields.pop("name", None)
        contact.update(fields)
        refresh_derived(contact)

    # --- opportunities --------------------------------------------------------------------
    def opportunity(self, opportunity_id: str) -> dict[str, Any]:
        try:
            return self.opportunities[opportunity_id]
        except KeyError:
            raise GHLError(400, "Opportunity not found") from None

    def pipeline(self, pipeline_id: str) -> dict[str, Any]:
        for pipeline in self.pipelines:
            if pipeline["id"] == pipeline_id:
                return pipeline
        raise GHLError(400, "Pipeline not found")

    def user_ids(self) -> set[str]:
        return {user["id"] for user in self.users}

    def create_opportunity(self, fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        opportunity = new_opportunity(opportunity_id=self.new_id(), moment=self.now())
        self._apply_opportunity_fields(opportunity, fields)
        self.opportunities[opportunity["id"]] = opportunity
        return opportunity, ["OpportunityCreate"]

    def update_opportunity(self, opportunity_id: str,
                           fields: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        opportunity = self.opportunity(opportunity_id)
        before = dict(opportunity)
        self._apply_opportunity_fields(opportunity, fields)
        changed = [name for name in SPECIFIC_EVENTS if opportunity[name] != before[name]]
        if opportunity == before:
            return opportunity, []
        now = iso(self.now())
        opportunity["updatedAt"] = now
        if "status" in changed:
            opportunity["lastStatusChangeAt"] = now
        if "pipelineStageId" in changed:
            opportunity["lastStageChangeAt"] = now
        # One change fires several events, as GHL does (OpportunityUpdate + the specific ones).
        return opportunity, ["OpportunityUpdate", *(SPECIFIC_EVENTS[name] for name in changed)]

    def delete_opportunity(self, opportunity_id: str) -> tuple[dict[str, Any], list[str]]:
        opportunity = self.opportunity(opportunity_id)
        del self.opportunities[opportunity_id]
        return opportunity, ["OpportunityDelete"]

    def _apply_opportunity_fields(self, opportunity: dict[str, Any],
                                  fields: dict[str, Any]) -> None:
        fields = {k: v for k, v in fields.items() if v is not None and k != "locationId"}
        pipeline = self.pipeline(fields.get("pipelineId") or opportunity["pipelineId"])
        stage_ids = [stage["id"] for stage in pipeline["stages"]]
        stage = fields.get("pipelineStageId") or opportunity["pipelineStageId"]
        if stage not in stage_ids:
            if "pipelineStageId" in fields:
                raise GHLError(400, "Pipeline stage not found in the pipeline")
            fields["pipelineStageId"] = stage_ids[0]  # a new pipeline, no stage given
        if "contactId" in fields:
            self.contact(fields["contactId"])
        if fields.get("assignedTo") and fields["assignedTo"] not in self.user_ids():
            raise GHLError(400, "assignedTo is not a user of this location")  # unconfirmed
        if "customFields" in fields:
            fields["customFields"] = _merge_custom_fields(
                opportunity["customFields"], fields["customFields"], value_key="fieldValue")
        opportunity.update(fields)

    def render_opportunity(self, opportunity: dict[str, Any]) -> dict[str, Any]:
        """The opportunity as GHL returns it, with its contact's summary embedded."""
        contact = self.contacts.get(opportunity["contactId"]) or {}
        summary = {name: contact.get(name) for name in ("id", "name", "companyName", "email",
                                                         "phone", "tags")}
        return {**copy.deepcopy(opportunity), "contact": summary}


def _merge_custom_fields(current: list[dict[str, Any]], given: list[dict[str, Any]],
                         value_key: str) -> list[dict[str, Any]]:
    """Set the given fields (by id, or by key mapped to a stable id), keep the others."""
    merged = {item["id"]: dict(item) for item in current}
    for item in given:
        field_id = item.get("id") or random_id(Random(f"custom-field:{item['key']}"))
        merged[field_id] = {"id": field_id, value_key: item.get("field_value")}
    return list(merged.values())
