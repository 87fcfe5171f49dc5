"""The GHL conversation of a phone number: its contact found (the mirror, else GHL's search
by phone) or created (``POST /contacts/upsert``, named after the ServiceTitan customer when
there is one), then its conversation found (``GET /conversations/search``) or created
(``POST /conversations/``). Kept in ``ghl_conversation_threads`` so each is looked up once."""

from __future__ import annotations

from ghl.client import GHLClient, GHLError
from ghl.client import record as answer_record
from ghl.models import ConversationThread, GHLContact
from ghl.services.contacts import mirror_contact
from servicetitan import selectors as st


def thread_for(phone: str, customer_id: int | None, client: GHLClient) -> ConversationThread:
    thread = ConversationThread.objects.filter(phone=phone).first()
    if thread is None or not thread.contact_id:
        contact_id = _contact_id(phone, customer_id, client)
        thread, _ = ConversationThread.objects.update_or_create(
            phone=phone, defaults={"contact_id": contact_id, "conversation_id": ""})
    if not thread.conversation_id:
        thread.conversation_id = _conversation_id(thread.contact_id, client)
        thread.save(update_fields=["conversation_id", "updated_at"])
    return thread


def remember_contact(phone: str, contact_id: str) -> None:
    """A contact GHL named for the number (the provider webhook): kept unless one is known."""
    ConversationThread.objects.get_or_create(phone=phone, defaults={"contact_id": contact_id})


def _contact_id(phone: str, customer_id: int | None, client: GHLClient) -> str:
    known = GHLContact.objects.filter(phone_e164=phone, deleted=False).order_by(
        "-date_updated").values_list("id", flat=True).first()
    if known:
        return known
    found = client.post("/contacts/search", {
        "locationId": client.location_id, "pageLimit": 1,
        "filters": [{"field": "phone", "operator": "eq", "value": phone}]}).get("contacts")
    if found:
        return found[0]["id"]
    customer = st.customer(customer_id)
    body = {"locationId": client.location_id, "phone": phone, "source": "PerfectCatch texts"}
    if customer is not None and customer.name:
        body["name"] = customer.name
    answer = client.post("/contacts/upsert", body)
    return mirror_contact(answer_record(answer, "contact", "/contacts/upsert"), customer_id).id


def _conversation_id(contact_id: str, client: GHLClient) -> str:
    found = client.get("/conversations/search", locationId=client.location_id,
                       contactId=contact_id).get("conversations") or []
    if found and found[0].get("id"):
        return found[0]["id"]
    try:
        answer = client.post("/conversations/", {"locationId": client.location_id,
                                                 "contactId": contact_id}, idempotent=False)
    except GHLError as exc:
        if exc.status == 400:  # made meanwhile (one conversation per contact)
            again = client.get("/conversations/search", locationId=client.location_id,
                               contactId=contact_id).get("conversations") or []
            if again:
                return again[0]["id"]
        raise
    return answer_record(answer, "conversation", "/conversations/")["id"]
