"""GHL opportunities over real HTTP: pipelines, keyset-paged search, create, update, status."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from sandbox.credentials import SANDBOX_GHL_PIPELINE_ID
from sandbox.ghl.data import SERVICE_PIPELINE_ID
from tests.sandbox.ghl_twilio_support import LOCATION

pytest_plugins = ["tests.sandbox.ghl_twilio_fixtures"]


def search(ghl_api, **params):
    return ghl_api.get("/opportunities/search", location_id=LOCATION, **params)


def stage_ids(ghl_api, pipeline_id=SANDBOX_GHL_PIPELINE_ID) -> dict[str, str]:
    pipelines = ghl_api.get("/opportunities/pipelines", locationId=LOCATION).json()["pipelines"]
    pipeline = next(p for p in pipelines if p["id"] == pipeline_id)
    return {stage["name"]: stage["id"] for stage in pipeline["stages"]}


def a_contact_id(ghl) -> str:
    return next(iter(ghl.state.contacts))


def new_opportunity(ghl, **fields):
    return {"pipelineId": SANDBOX_GHL_PIPELINE_ID, "locationId": LOCATION, "name": "New AC",
            "status": "open", "contactId": a_contact_id(ghl), **fields}


def test_pipelines_include_the_configured_sales_pipeline_with_its_stages(ghl_api):
    pipelines = ghl_api.get("/opportunities/pipelines", locationId=LOCATION).json()["pipelines"]
    assert [p["id"] for p in pipelines] == [SANDBOX_GHL_PIPELINE_ID, SERVICE_PIPELINE_ID]
    stages = pipelines[0]["stages"]
    assert [s["name"] for s in stages] == ["New Lead", "Estimate Sent", "Follow-up",
                                           "Negotiation", "Won", "Lost"]
    assert [s["position"] for s in stages] == list(range(6))


def test_pipelines_without_a_location_are_refused_with_422(ghl_api):
    assert ghl_api.get("/opportunities/pipelines").status_code == 422


def test_keyset_paging_returns_every_opportunity_once_in_order(ghl_api):
    seen, params, metas = [], {"limit": 40}, []
    while True:
        body = search(ghl_api, **params).json()
        seen += body["opportunities"]
        metas.append(body["meta"])
        if not body["meta"]["nextPageUrl"]:
            break
        params = {"limit": 40, "startAfter": body["meta"]["startAfter"],
                  "startAfterId": body["meta"]["startAfterId"]}
    keys = [(o["createdAt"], o["id"]) for o in seen]
    assert len(metas) == 4 and all(meta["total"] == 150 for meta in metas)
    assert len(set(keys)) == 150
    assert keys == sorted(keys, reverse=True)


def test_a_page_boundary_inside_a_shared_millisecond_loses_nothing(ghl_api):
    everything = search(ghl_api, limit=100).json()["opportunities"]
    everything += search(ghl_api, limit=100, page=2).json()["opportunities"]
    tie = next(i for i in range(1, 150) if everything[i]["createdAt"] ==
               everything[i - 1]["createdAt"])
    first = search(ghl_api, limit=tie).json()  # ends on the first of the tied pair
    rest = search(ghl_api, limit=100, startAfter=first["meta"]["startAfter"],
                  startAfterId=first["meta"]["startAfterId"]).json()
    assert rest["opportunities"][0]["id"] == everything[tie]["id"]


def test_the_meta_says_where_the_next_page_starts(ghl_api):
    body = search(ghl_api, limit=10).json()
    last, meta = body["opportunities"][-1], body["meta"]
    assert meta["startAfterId"] == last["id"]
    assert meta["startAfter"] == int(datetime.fromisoformat(last["createdAt"]).timestamp() * 1000)
    assert (meta["currentPage"], meta["nextPage"], meta["prevPage"]) == (1, 2, None)
    query = parse_qs(urlsplit(meta["nextPageUrl"]).query)
    assert query["startAfterId"] == [last["id"]] and query["location_id"] == [LOCATION]


def test_the_next_page_url_is_followable(ghl_api):
    meta = search(ghl_api, limit=10).json()["meta"]
    follow = ghl_api.session.get(meta["nextPageUrl"], timeout=10).json()
    direct = search(ghl_api, limit=10, page=2).json()
    assert [o["id"] for o in follow["opportunities"]] == [o["id"] for o in direct["opportunities"]]


def test_search_filters_by_pipeline_and_status(ghl, ghl_api):
    body = search(ghl_api, limit=100, pipeline_id=SERVICE_PIPELINE_ID, status="won").json()
    expected = [o for o in ghl.state.opportunities.values()
                if o["pipelineId"] == SERVICE_PIPELINE_ID and o["status"] == "won"]
    assert body["meta"]["total"] == len(expected) > 0
    assert {o["id"] for o in body["opportunities"]} == {o["id"] for o in expected}


def test_search_filters_by_contact(ghl, ghl_api):
    opportunity = next(iter(ghl.state.opportunities.values()))
    body = search(ghl_api, contact_id=opportunity["contactId"]).json()
    assert opportunity["id"] in {o["id"] for o in body["opportunities"]}
    assert {o["contactId"] for o in body["opportunities"]} == {opportunity["contactId"]}


def test_search_embeds_the_current_contact_summary(ghl, ghl_api):
    [opportunity] = search(ghl_api, limit=1).json()["opportunities"]
    contact = ghl.state.contacts[opportunity["contactId"]]
    assert opportunity["contact"] == {k: contact[k] for k in ("id", "name", "companyName",
                                                              "email", "phone", "tags")}


def test_a_limit_above_100_is_refused_with_422(ghl_api):
    response = search(ghl_api, limit=101)
    assert response.status_code == 422
    assert response.json()["message"] == ["limit must be between 1 and 100"]


def test_a_start_after_that_is_not_a_number_is_refused_with_422(ghl_api):
    assert search(ghl_api, startAfter="yesterday").status_code == 422


def test_search_without_location_is_refused_with_422(ghl_api):
    assert ghl_api.get("/opportunities/search").status_code == 422


def test_create_answers_201_with_the_opportunity(ghl, ghl_api):
    response = ghl_api.post("/opportunities/", new_opportunity(ghl, monetaryValue=1234.5))
    opportunity = response.json()["opportunity"]
    assert response.status_code == 201
    assert opportunity["monetaryValue"] == 1234.5
    assert opportunity["pipelineStageId"] == stage_ids(ghl_api)["New Lead"]
    assert ghl_api.get(f"/opportunities/{opportunity['id']}").json()["opportunity"] == opportunity


def test_create_requires_the_specs_fields_with_ghls_422_shape(ghl_api):
    response = ghl_api.post("/opportunities/", {"locationId": LOCATION, "name": "No contact"})
    body = response.json()
    assert response.status_code == 422
    assert (body["statusCode"], body["error"]) == (422, "Unprocessable Entity")
    assert {"pipelineId should not be empty", "status should not be empty",
            "contactId should not be empty"} <= set(body["message"])


def test_create_refuses_a_status_outside_the_four(ghl, ghl_api):
    response = ghl_api.post("/opportunities/", new_opportunity(ghl, status="all"))
    assert response.status_code == 422
    assert response.json()["message"] == [
        "status must be one of the following values: open, won, lost, abandoned"]


def test_create_refuses_a_monetary_value_given_as_text(ghl, ghl_api):
    response = ghl_api.post("/opportunities/", new_opportunity(ghl, monetaryValue="12.50"))
    assert response.status_code == 422


def test_create_for_an_unknown_contact_gets_400(ghl, ghl_api):
    response = ghl_api.post("/opportunities/",
                            new_opportunity(ghl, contactId="doesNotExist0000000001"))
    assert response.status_code == 400


def test_create_with_a_stage_of_another_pipeline_gets_400(ghl, ghl_api):
    other = stage_ids(ghl_api, SERVICE_PIPELINE_ID)["Renewed"]
    response = ghl_api.post("/opportunities/", new_opportunity(ghl, pipelineStageId=other))
    assert response.status_code == 400


def test_create_with_an_assignee_who_is_not_a_user_gets_400(ghl, ghl_api):
    response = ghl_api.post("/opportunities/",
                            new_opportunity(ghl, assignedTo="notAUser000000000001"))
    assert response.status_code == 400


def test_a_second_opportunity_for_a_contact_is_refused_when_duplicates_are_off(ghl, ghl_api):
    ghl.configure(allow_duplicate_opportunities=False)
    contact_id = ghl.create_contact(firstName="Solo", email="solo@example.com").record["id"]
    first = ghl_api.post("/opportunities/", new_opportunity(ghl, contactId=contact_id))
    second = ghl_api.post("/opportunities/", new_opportunity(ghl, contactId=contact_id))
    assert (first.status_code, second.status_code) == (201, 400)


def test_update_moves_the_stage_and_value(ghl, ghl_api):
    created = ghl_api.post("/opportunities/", new_opportunity(ghl)).json()["opportunity"]
    negotiation = stage_ids(ghl_api)["Negotiation"]
    response = ghl_api.put(f"/opportunities/{created['id']}",
                           {"pipelineStageId": negotiation, "monetaryValue": 9000})
    assert response.status_code == 200
    updated = response.json()["opportunity"]
    assert (updated["pipelineStageId"], updated["monetaryValue"]) == (negotiation, 9000)


def test_update_of_an_unknown_opportunity_gets_400(ghl_api):
    assert ghl_api.put("/opportunities/doesNotExist0000000001", {"name": "x"}).status_code == 400


def test_status_update_answers_succeded_and_changes_the_status(ghl, ghl_api):
    created = ghl_api.post("/opportunities/", new_opportunity(ghl)).json()["opportunity"]
    response = ghl_api.put(f"/opportunities/{created['id']}/status", {"status": "won"})
    assert response.json() == {"succeded": True}
    fetched = ghl_api.get(f"/opportunities/{created['id']}").json()["opportunity"]
    assert fetched["status"] == "won"
    assert fetched["lastStatusChangeAt"] >= created["lastStatusChangeAt"]


def test_status_update_without_a_status_is_refused_with_422(ghl, ghl_api):
    opportunity_id = next(iter(ghl.state.opportunities))
    response = ghl_api.put(f"/opportunities/{opportunity_id}/status", {})
    assert response.status_code == 422
