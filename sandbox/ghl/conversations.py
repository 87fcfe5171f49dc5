"""Conversations in the GHL sandbox: what an SMS conversation provider uses.

- ``GET /conversations/search?locationId=&contactId=`` → ``{conversations, total}``
- ``POST /conversations/`` ``{locationId, contactId}`` → 201 ``{success, conversation}`` (one
  conversation per contact, as the provider docs say; a second is 400)
- ``POST /conversations/messages/inbound`` (``ProcessMessageBodyDto``; ``direction`` defaults
  to ``outbound`` as the spec says) → ``{success, conversationId, messageId, message,
  contactId, dateAdded}``
- ``PUT /conversations/messages/{messageId}/status`` (``UpdateMessageStatusDto``) →
  ``{conversationId, messageId, status}``
- ``GET /conversations/{conversationId}/messages`` → ``{lastMessageId, nextPage, messages}``,
  newest first, 20 a page

A rep answering in GHL (``rep_replies``, control API) adds an outbound message (``pending``)
to the contact's conversation and posts the provider's outbound-message webhook
(docs/ProviderOutboundMessage.md) to ``provider_url``, signed like every GHL webhook.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sandbox.credentials import SANDBOX_GHL_LOCATION_ID
from sandbox.ghl.data import iso
from sandbox.ghl.store import GHLError

if TYPE_CHECKING:
    from sandbox.ghl.app import GHLSandbox
    from sandbox.http import Request

PAGE = 20


def search(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    ghl.require_location(request.arg("locationId"), "locationId")
    contact_id = request.arg("contactId")
    with ghl.state.lock:
        found = [copy.deepcopy(c) for c in ghl.state.conversations.values()
                 if contact_id is None or c["contactId"] == contact_id]
    return 200, {"conversations": found, "total": len(found)}


def create(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    body = ghl.json_body(request, "CreateConversationDto")
    with ghl.state.lock:
        ghl.state.contact(body["contactId"])  # 400 for an unknown contact
        if conversation_of(ghl, body["contactId"]) is not None:
            raise GHLError(400, "Conversation already exists")
        conversation = new_conversation(ghl, body["contactId"])
    return 201, {"success": True, "conversation": copy.deepcopy(conversation)}


def add_inbound(ghl: GHLSandbox, request: Request) -> tuple[int, dict[str, Any]]:
    body = ghl.json_body(request, "AddInboundMessageDto")
    if body["type"] != "SMS":
        raise GHLError(422, ["only SMS messages are kept by the sandbox"])
    with ghl.state.lock:
        conversation = ghl.state.conversations.get(body["conversationId"])
        if conversation is None or conversation["contactId"] != body["contactId"]:
            raise GHLError(400, "Conversation not found")
        message = add_message(ghl, conversation, body.get("message") or "",
                              body.get("direction") or "outbound", status="delivered",
                              source="api", date=body.get("date"))
    return 200, {"success": True, "conversationId": conversation["id"],
                 "messageId": message["id"], "message": "Message added successfully",
                 "contactId": body["contactId"], "dateAdded": message["dateAdded"]}


def update_status(ghl: GHLSandbox, request: Request,
                  message_id: str) -> tuple[int, dict[str, Any]]:
    body = ghl.json_body(request, "UpdateMessageStatusDto")
    with ghl.state.lock:
        message = ghl.state.messages.get(message_id)
        if message is None:
            raise GHLError(400, "Message not found")
        message["status"] = body["status"]
        if body.get("error"):
            message["meta"] = {"error": copy.deepcopy(body["error"])}
    return 200, {"conversationId": message["conversationId"], "messageId": message_id,
                 "status": body["status"]}


def messages(ghl: GHLSandbox, request: Request,
             conversation_id: str) -> tuple[int, dict[str, Any]]:
    with ghl.state.lock:
        if conversation_id not in ghl.state.conversations:
            raise GHLError(400, "Conversation not found")
        found = [copy.deepcopy(m) for m in reversed(ghl.state.messages.values())
                 if m["conversationId"] == conversation_id]
    page = found[:PAGE]
    return 200, {"lastMessageId": page[-1]["id"] if page else "",
                 "nextPage": len(found) > PAGE, "messages": page}


# --- the state's side (hold ghl.state.lock) -------------------------------------------------
def conversation_of(ghl: GHLSandbox, contact_id: str) -> dict[str, Any] | None:
    return next((c for c in ghl.state.conversations.values() if c["contactId"] == contact_id),
                None)


def new_conversation(ghl: GHLSandbox, contact_id: str) -> dict[str, Any]:
    now = iso(ghl.state.now())
    conversation = {"id": ghl.state.new_id(), "contactId": contact_id,
                    "locationId": SANDBOX_GHL_LOCATION_ID, "dateAdded": now,
                    "dateUpdated": now, "lastMessageDate": now, "deleted": False}
    ghl.state.conversations[conversation["id"]] = conversation
    return conversation


def add_message(ghl: GHLSandbox, conversation: dict[str, Any], body: str, direction: str, *,
                status: str, source: str, user_id: str | None = None,
                date: str | None = None) -> dict[str, Any]:
    message = {"id": ghl.state.new_id(), "type": 2, "messageType": "TYPE_SMS",
               "locationId": SANDBOX_GHL_LOCATION_ID, "contactId": conversation["contactId"],
               "conversationId": conversation["id"], "dateAdded": date or iso(ghl.state.now()),
               "body": body, "direction": direction, "status": status,
               "contentType": "text/plain", "source": source}
    if user_id:
        message["userId"] = user_id
    ghl.state.messages[message["id"]] = message
    conversation["lastMessageDate"] = conversation["dateUpdated"] = iso(ghl.state.now())
    conversation["lastMessageBody"] = body
    return message


def rep_message(ghl: GHLSandbox, contact_id: str, text: str,
                user_id: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A rep's reply typed in GHL: the message (pending) and the provider webhook's payload."""
    with ghl.state.lock:
        contact = ghl.state.contact(contact_id)
        conversation = conversation_of(ghl, contact_id) or new_conversation(ghl, contact_id)
        message = add_message(ghl, conversation, text, "outbound", status="pending",
                              source="app", user_id=user_id)
        payload = {"contactId": contact_id, "locationId": SANDBOX_GHL_LOCATION_ID,
                   "messageId": message["id"], "type": "SMS", "phone": contact.get("phone"),
                   "message": text, "attachments": []}
        if user_id:
            payload["userId"] = user_id
        return copy.deepcopy(message), payload
