"""GHL contacts over real HTTP: search paging (page and searchAfter), filters, get, upsert,
update."""

from tests.sandbox.ghl_twilio_support import LOCATION

pytest_plugins = ["tests.sandbox.ghl_twilio_fixtures"]


def search(ghl_api, **body):
    return ghl_api.post("/contacts/search", {"locationId": LOCATION, **body})


def test_search_pages_cover_every_contact_once(ghl_api):
    pages = [search(ghl_api, pageLimit=100, page=page).json() for page in (1, 2, 3, 4)]
    ids = [c["id"] for page in pages for c in page["contacts"]]
    assert pages[0]["total"] == 300
    assert len(ids) == 300 == len(set(ids))
    assert pages[3]["contacts"] == []


def test_search_results_omit_dnd_settings(ghl_api):
    [contact] = search(ghl_api, pageLimit=1).json()["contacts"]
    assert "dndSettings" not in contact
    assert {"id", "email", "phone", "dnd", "dateAdded", "tags"} <= set(contact)


def test_one_contact_read_by_id_has_its_dnd_settings(ghl_api):
    [found] = search(ghl_api, pageLimit=1).json()["contacts"]
    contact = ghl_api.get(f"/contacts/{found['id']}").json()["contact"]
    assert contact["dndSettings"]["SMS"]["status"] in ("active", "inactive")


def test_search_after_walks_the_same_order_as_pages(ghl_api):
    by_page = [c["id"] for page in (1, 2, 3)
               for c in search(ghl_api, pageLimit=100, page=page).json()["contacts"]]
    walked, cursor = [], None
    while True:
        body = {"pageLimit": 70, **({"searchAfter": cursor} if cursor else {})}
        contacts = search(ghl_api, **body).json()["contacts"]
        if not contacts:
            break
        walked += [c["id"] for c in contacts]
        cursor = contacts[-1]["searchAfter"]
    assert walked == by_page


def test_paging_by_page_stops_at_ten_thousand_records(ghl_api):
    response = search(ghl_api, pageLimit=500, page=21)
    assert response.status_code == 422
    assert "searchAfter" in response.json()["message"][0]


def test_page_limit_above_500_is_refused_with_422(ghl_api):
    response = search(ghl_api, pageLimit=501)
    assert response.status_code == 422
    assert response.json()["message"] == ["pageLimit must not be greater than 500"]


def test_a_search_without_page_limit_is_refused_with_422(ghl_api):
    response = ghl_api.post("/contacts/search", {"locationId": LOCATION})
    assert response.status_code == 422
    assert "pageLimit should not be empty" in response.json()["message"]


def test_page_and_search_after_together_are_refused(ghl_api):
    response = search(ghl_api, pageLimit=10, page=2, searchAfter=[1, "abc"])
    assert response.status_code == 422


def test_filters_select_contacts_with_dnd(ghl, ghl_api):
    body = search(ghl_api, pageLimit=500, filters=[
        {"field": "dnd", "operator": "eq", "value": True}]).json()
    expected = sum(1 for c in ghl.state.contacts.values() if c["dnd"])
    assert body["total"] == expected > 0
    assert all(c["dnd"] for c in body["contacts"])


def test_a_date_range_filter_finds_contacts_updated_since_an_instant(ghl, ghl_api):
    since = "2026-06-01T00:00:00.000Z"
    body = search(ghl_api, pageLimit=500, filters=[
        {"field": "dateUpdated", "operator": "range", "value": {"gte": since}}]).json()
    expected = {c["id"] for c in ghl.state.contacts.values() if c["dateUpdated"] >= since}
    assert {c["id"] for c in body["contacts"]} == expected


def test_an_unknown_filter_operator_is_refused_with_422(ghl_api):
    response = search(ghl_api, pageLimit=5, filters=[{"field": "dnd", "operator": "like"}])
    assert response.status_code == 422


def test_a_range_filter_on_a_text_field_is_refused_with_422(ghl_api):
    response = search(ghl_api, pageLimit=5, filters=[
        {"field": "email", "operator": "range", "value": {"gte": 5}}])
    assert response.status_code == 422


def test_a_filter_on_an_unknown_field_is_refused_with_422(ghl_api):
    response = search(ghl_api, pageLimit=5, filters=[
        {"field": "favouriteColour", "operator": "eq", "value": "teal"}])
    assert response.status_code == 422


def test_an_unknown_contact_id_gets_400(ghl_api):
    response = ghl_api.get("/contacts/doesNotExist0000000001")
    assert response.status_code == 400
    assert response.json()["message"] == "Contact not found"


def test_upsert_creates_a_new_contact(ghl_api):
    response = ghl_api.post("/contacts/upsert", {
        "locationId": LOCATION, "firstName": "Zoë", "lastName": "Ångström",
        "email": "zoe@example.com", "phone": "+1 (407) 555-0199"})
    body = response.json()
    assert response.status_code == 200
    assert body["new"] is True and body["traceId"]
    assert body["contact"]["phone"] == "+14075550199"
    assert body["contact"]["name"] == "Zoë Ångström"
    assert len(body["contact"]["id"]) == 20


def test_upsert_matches_an_existing_contact_by_email_ignoring_case(ghl, ghl_api):
    existing = next(c for c in ghl.state.contacts.values() if c["email"])
    body = ghl_api.post("/contacts/upsert", {
        "locationId": LOCATION, "email": existing["email"].upper(), "city": "Tampa"}).json()
    assert body["new"] is False
    assert body["contact"]["id"] == existing["id"]
    assert ghl_api.get(f"/contacts/{existing['id']}").json()["contact"]["city"] == "Tampa"


def test_upsert_matches_an_existing_contact_by_phone(ghl, ghl_api):
    existing = next(c for c in ghl.state.contacts.values() if c["phone"] and not c["email"])
    local = existing["phone"][2:]  # the same number written without +1
    body = ghl_api.post("/contacts/upsert", {"locationId": LOCATION, "phone": local,
                                             "email": "new-address@example.com"}).json()
    assert (body["new"], body["contact"]["id"]) == (False, existing["id"])
    assert body["contact"]["email"] == "new-address@example.com"


def test_upsert_prefers_the_email_match_and_leaves_a_phone_owned_by_another(ghl, ghl_api):
    people = [c for c in ghl.state.contacts.values() if c["email"] and c["phone"]]
    by_email, by_phone = people[0], people[1]
    body = ghl_api.post("/contacts/upsert", {"locationId": LOCATION, "email": by_email["email"],
                                             "phone": by_phone["phone"]}).json()
    assert body["contact"]["id"] == by_email["id"]
    assert body["contact"]["phone"] == by_email["phone"]


def test_upsert_without_location_is_refused_with_422(ghl_api):
    response = ghl_api.post("/contacts/upsert", {"email": "x@example.com"})
    assert response.status_code == 422
    assert response.json()["message"][0] == "locationId should not be empty"


def test_upsert_with_an_unknown_field_is_refused_with_422(ghl_api):
    response = ghl_api.post("/contacts/upsert", {"locationId": LOCATION, "emailAddress": "x"})
    assert response.status_code == 422
    assert response.json()["message"] == ["property emailAddress should not exist"]


def test_an_unreadable_phone_is_refused_with_422(ghl_api):
    response = ghl_api.post("/contacts/upsert", {"locationId": LOCATION, "phone": "12"})
    assert response.status_code == 422


def test_update_sets_sms_dnd_and_keeps_other_channels(ghl, ghl_api):
    contact = next(c for c in ghl.state.contacts.values() if not c["dnd"])
    response = ghl_api.put(f"/contacts/{contact['id']}", {
        "dnd": False, "dndSettings": {"SMS": {"status": "active", "message": "replied STOP"}}})
    body = response.json()
    assert response.status_code == 200 and body["succeded"] is True
    assert body["contact"]["dndSettings"]["SMS"]["status"] == "active"
    assert body["contact"]["dndSettings"]["Email"]["status"] == "inactive"


def test_update_with_a_bad_dnd_status_is_refused_naming_the_field(ghl, ghl_api):
    contact_id = next(iter(ghl.state.contacts))
    response = ghl_api.put(f"/contacts/{contact_id}",
                           {"dndSettings": {"SMS": {"status": "on"}}})
    assert response.status_code == 422
    assert response.json()["message"] == [
        "dndSettings.SMS.status must be one of the following values: active, inactive, permanent"]


def test_a_null_custom_field_is_refused_with_422(ghl, ghl_api):
    contact_id = next(iter(ghl.state.contacts))
    response = ghl_api.put(f"/contacts/{contact_id}", {"customFields": [None]})
    assert response.status_code == 422
    assert response.json()["message"] == ["customFields.0 must be an object"]


def test_a_null_dnd_channel_leaves_that_channel_as_it_was(ghl, ghl_api):
    contact = next(iter(ghl.state.contacts.values()))
    before = contact["dndSettings"]["SMS"]["status"]
    response = ghl_api.put(f"/contacts/{contact['id']}", {"dndSettings": {"SMS": None}})
    assert response.json()["contact"]["dndSettings"]["SMS"]["status"] == before


def test_update_of_an_unknown_contact_gets_400(ghl_api):
    assert ghl_api.put("/contacts/doesNotExist0000000001", {"city": "x"}).status_code == 400


def test_update_stores_custom_fields_by_id(ghl, ghl_api):
    contact_id = next(iter(ghl.state.contacts))
    body = ghl_api.put(f"/contacts/{contact_id}", {
        "customFields": [{"id": "stCustomerId00000001", "field_value": "123456"}]}).json()
    assert {"id": "stCustomerId00000001", "value": "123456"} in body["contact"]["customFields"]


def test_users_come_from_the_shared_staff_list(ghl_api):
    users = ghl_api.get("/users/", locationId=LOCATION).json()["users"]
    emails = {user["email"] for user in users}
    assert "Tran.Nguyen@PERFECTCATCH-HVAC.EXAMPLE" in emails  # its ghl_email
    assert "kevin.obrien@perfectcatch-hvac.example" not in emails  # not in GHL
    assert {"id", "name", "firstName", "lastName", "email", "phone", "roles"} <= set(users[0])
