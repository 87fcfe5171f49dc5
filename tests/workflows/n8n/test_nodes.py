"""Each mapped n8n node, across the typeVersions in use, from the team's own exports."""

import json
from pathlib import Path

import pytest

from tests.workflows.n8n.conftest import (
    OWN,
    WEBHOOK,
    convert,
    converted,
    entry,
    node,
    own_workflows,
    steps,
    workflow,
)
from workflows.n8n import mapping
from workflows.validation import validate_definition

ISSUE_TYPES = {  # every node type the issue maps
    "scheduleTrigger", "cron", "interval", "webhook", "postgres", "mySql", "if", "switch",
    "filter", "set", "httpRequest", "twilio", "wait", "emailSend", "gmail", "noOp", "merge",
    "stickyNote", "code", "function"}


def test_the_team_exports_cover_every_mapped_node_type_and_several_versions():
    found = {(n["type"].rsplit(".", 1)[-1], n["typeVersion"]) for path in OWN.glob("*.json")
             if not path.name.startswith("malformed")
             for w in own_workflows(path.name) for n in w["nodes"]}
    types = {t for t, _ in found}
    mapped = {name.rsplit(".", 1)[-1] for name in (*mapping.NODES, *mapping.TRIGGERS)}
    lists = {"splitOut", "itemLists", "aggregate", "limit", "removeDuplicates", "sort",
             "summarize"}  # one entry each, the same reason as splitInBatches
    assert types >= ISSUE_TYPES | (mapped - lists)
    versions = {t: {v for k, v in found if k == t} for t in ("if", "switch", "set",
                                                             "httpRequest")}
    assert versions == {"if": {1, 2, 2.2}, "switch": {1, 2, 3.2}, "set": {1, 2, 3, 3.4},
                        "httpRequest": {1, 3, 4.2}}


@pytest.mark.parametrize("path", sorted(p.name for p in OWN.glob("*.json")
                                        if not p.name.startswith("malformed")))
def test_every_definition_from_the_team_exports_validates(path):
    for index in range(len(own_workflows(path))):
        for planned in converted(path, index).definitions:
            validate_definition(planned.data)
            assert planned.data["active"] is False


# --- IF -----------------------------------------------------------------------------------

def test_if_v1_typed_conditions_become_a_condition_step():
    step = steps(converted("if-versions.json", 0))["if"]
    assert step["rule"] == {"any": [
        {"field": "entity.active", "op": "==", "value": True},
        {"field": "entity.total", "op": ">=", "value": 250},
        {"field": "entity.summary", "op": "contains", "value": "furnace"},
        {"field": "entity.priority", "op": "==", "value": "Urgent"},
        {"not": {"field": "entity.job_number", "op": "startswith", "value": "T-"}}]}
    assert (step["then"], step["else"]) == ("thank_you_text", "end")


def test_if_v2_filter_format_becomes_a_condition_step_with_both_branches():
    conversion = converted("if-versions.json", 1)
    step = steps(conversion)["if"]
    assert step["rule"]["any"][0] == {"field": "entity.total", "op": "<", "value": 250}
    assert step["rule"]["any"][4] == {"field": "entity.priority", "op": "!=",
                                      "value": "Urgent"}
    assert step["else"] == "ask" and steps(conversion)[step["then"]]["type"] == "end"
    assert entry(conversion, "If").status == "converted"


def test_an_if_with_an_untranslatable_condition_keeps_its_branches_with_a_placeholder():
    conversion = converted("if-versions.json", 2)
    found = entry(conversion, "Looks like a furnace?")
    assert found.status == "unsupported" and "'regex' has no counterpart" in found.detail
    assert steps(conversion)["looks_like_a_furnace"]["rule"] == {
        "field": "placeholder.condition", "op": "exists"}


# --- Switch -------------------------------------------------------------------------------

def test_switch_v1_routes_by_output_number_with_a_fallback():
    s = steps(converted("switch-versions.json", 0))
    assert [(s[i]["rule"]["value"], s[i]["then"]) for i in ("switch", "switch_rule_2",
                                                             "switch_rule_3")] == [
        ("Scheduled", "confirm"), ("Canceled", "sorry"), ("Hold", "sorry")]
    assert s["switch_rule_3"]["rule"]["op"] == "startswith"
    assert s["switch_rule_3"]["else"] == "tell_dispatch"


def test_switch_v2_routes_by_rule_position_and_ends_without_a_fallback():
    s = steps(converted("switch-versions.json", 1))
    assert s["switch"]["rule"] == {"field": "entity.total", "op": ">=", "value": 5000}
    assert (s["switch"]["then"], s["switch_rule_2"]["then"]) == ("call_them", "thank")
    assert s[s["switch_rule_2"]["else"]]["type"] == "end"


def test_switch_v3_uses_the_filter_format_and_the_extra_fallback_output():
    s = steps(converted("switch-versions.json", 2))
    assert s["route"]["rule"] == {"field": "entity.body", "op": "==", "value": "YES"}
    assert (s["route"]["then"], s["route_rule_2"]["then"], s["route_rule_2"]["else"]) == (
        "book", "fine", "human")


# --- Set ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("index", "values"), [
    (0, {"greeting": "Welcome", "first": "{{ entity.name }}", "tries": 1, "vip": False}),
    (1, {"greeting": "Hello", "first": "{{ entity.name }}", "customer_type": "{{ entity.type }}"}),
    (2, {"greeting": "Hi", "first": "{{ entity.name }}", "tries": 2,
         "tags": ["new", "{{ entity.type }}"]}),
    (3, {"greeting": "Hey", "first": "{{ entity.name }}", "vip": False}),
])
def test_set_v1_v2_v3_and_v3_4_become_set_steps(index, values):
    conversion = converted("set-versions.json", index)
    set_step = next(s for s in steps(conversion).values() if s["type"] == "set")
    assert set_step["values"] == values
    assert steps(conversion)["welcome"]["body"] == "{{ vars.greeting }} {{ vars.first }}"


def test_a_set_field_whose_name_templates_cannot_read_is_renamed_and_said_so():
    assert "field 'Customer type' is vars.customer_type" in entry(
        converted("set-versions.json", 1), "Set").notes


def test_after_a_set_that_keeps_only_its_fields_other_data_is_not_reachable():
    data = workflow(WEBHOOK, node("Set", "set", 1, keepOnlySet=True,
                                  values={"string": [{"name": "a", "value": "x"}]}),
                    node("Text", "twilio", message="={{ $json.a }} {{ $json.body.name }}"),
                    links={"Estimate created": [["Set"]], "Set": [["Text"]]})
    assert steps(convert(data))["text"]["body"] == "{{ vars.a }} {# n8n: $json.body.name #}"


# --- HTTP Request -------------------------------------------------------------------------

def test_http_request_v1_leaves_credentials_out_and_says_which():
    conversion = converted("http-versions.json", 0)
    step = steps(conversion)["post_to_crm"]
    assert step == {"id": "post_to_crm", "type": "http_request", "label": "n8n: Post to CRM",
                    "method": "POST", "url": "https://crm.example.com/api/estimates?source=n8n",
                    "headers": {"Accept": "application/json"}, "body": {"id": "{{ entity.id }}"},
                    "timeout": 5}
    notes = entry(conversion, "Post to CRM").notes
    assert {"the user name and password in the URL are not carried over",
            "query parameter 'token' not carried over (a credential)",
            "header 'X-Api-Key' not carried over (a credential): add it as {{ secrets.NAME }}, "
            "NAME a file in WORKFLOW_HTTP_SECRETS_DIR",
            "body field 'password' not carried over (a credential)"} <= set(notes)
    stored = json.dumps([conversion.definitions[0].data, conversion.report.as_dict()])
    assert not {"pa55", "k-123", "t-456", "hunter2"} & set(stored.replace('"', " ").split())
    assert "pa55" not in stored and "hunter2" not in stored


def test_http_request_v3_sends_its_query():
    step = steps(converted("http-versions.json", 1))["look_up"]
    assert (step["method"], step["url"]) == (
        "GET", "https://crm.example.com/api/estimates/{{ entity.id }}?expand=customer")


def test_http_request_v4_reports_its_credentials_and_caps_the_timeout():
    conversion = converted("http-versions.json", 2)
    step = steps(conversion)["update_crm"]
    assert (step["method"], step["body"], step["timeout"]) == (
        "PATCH", {"id": "{{ entity.id }}", "status": "sold"}, 60)
    found = entry(conversion, "Update CRM")
    assert found.status == "approximated"
    assert any("credentials (hubspotApi) are not carried over" in n for n in found.notes)


def test_a_json_body_keeps_its_expressions_and_loses_its_secrets():
    conversion = converted("estimate-follow-up.json")
    step = steps(conversion)["notify_crm"]
    assert step["body"] == {"estimate": "{{ entity.id }}", "total": "{{ vars.estimate_total }}"}
    assert step["headers"] == {"X-Source": "n8n"}
    assert "sk_live_do_not_copy" not in json.dumps(conversion.report.as_dict())


# --- Twilio, Wait, email --------------------------------------------------------------------

def test_twilio_becomes_send_sms_to_the_records_customer_under_our_rules():
    conversion = converted("estimate-follow-up.json")
    step = steps(conversion)["text_customer"]
    assert step["purpose"] == "marketing"
    assert step["body"].startswith("{{ vars.greeting }}, your estimate for ${{ entity.total }}")
    found = entry(conversion, "Text customer")
    assert "n8n texted +*******0199" in found.notes[0]
    assert "expression not converted: $now.toFormat('DDD')" in found.shown


def test_answering_the_number_that_texted_in_is_a_plain_conversion():
    assert entry(converted("switch-versions.json", 2), "Book").status == "converted"


def test_a_twilio_call_is_not_a_text():
    data = workflow(WEBHOOK, node("Call", "twilio", resource="call", message="hi"),
                    links={"Estimate created": [["Call"]]})
    assert entry(convert(data), "Call").status == "unsupported"


def test_a_whatsapp_template_leaves_the_text_to_write():
    data = workflow(WEBHOOK, node("WA", "twilio", toWhatsapp=True, messagingType="template",
                                  contentSid="HX1"), links={"Estimate created": [["WA"]]})
    body = steps(convert(data))["wa"]["body"]
    assert body.startswith("{# n8n: the WhatsApp template HX1 must be written out")


@pytest.mark.parametrize(("version", "params", "duration"), [
    (1, {"amount": 5, "unit": "minutes"}, "5m"),
    (1, {"unit": "days"}, "1d"),          # v1: amount 1 by default
    (1, {}, "1h"),                        # v1: 1 hour by default
    (1.1, {}, "5s"),                      # v1.1: 5 seconds by default
    (1.1, {"amount": 90}, "1m30s"),
    (1.1, {"amount": 1.5, "unit": "hours"}, "1h30m"),
])
def test_wait_for_a_time_becomes_a_wait_with_the_versions_defaults(version, params, duration):
    data = workflow(WEBHOOK, node("Wait", "wait", version, **params),
                    links={"Estimate created": [["Wait"]]})
    assert steps(convert(data))["wait"]["duration"] == duration


def test_a_wait_resumed_by_a_webhook_after_a_text_waits_for_the_reply():
    step = steps(converted("estimate-follow-up.json"))["wait_for_reply"]
    assert (step["type"], step["event"], step["correlation"], step["timeout"]) == (
        "wait_for_event", "sms.received", {"phone": "{{ steps.text_customer.phone }}"}, "2d")


def test_a_wait_resumed_by_a_webhook_with_nothing_to_answer_waits_for_a_placeholder():
    data = workflow(WEBHOOK, node("Hold", "wait", 1.1, resume="webhook"),
                    links={"Estimate created": [["Hold"]]})
    conversion = convert(data)
    assert steps(conversion)["hold"]["event"] == "placeholder.resume_webhook"
    assert "choose the event" in entry(conversion, "Hold").detail


def test_a_wait_computed_by_an_expression_is_reported():
    data = workflow(WEBHOOK, node("Wait", "wait", 1.1, amount="={{ $json.days }}"),
                    links={"Estimate created": [["Wait"]]})
    assert entry(convert(data), "Wait").status == "unsupported"


def test_send_email_and_gmail_become_notify_staff():
    s = steps(converted("estimate-follow-up.json"))
    assert (s["tell_sales"]["to"], s["tell_sales"]["subject"]) == (
        ["sales@example.com"], "Estimate {{ entity.id }} accepted")
    assert s["ask_for_a_review"]["groups"] == ["Manager"]
    assert steps(converted("schedules.json", 1))["mail_the_numbers"]["to"] == [
        "owner@example.com", "ops@example.com"]


# --- nothing to carry over, code, databases ------------------------------------------------

def test_noop_merge_and_sticky_notes_are_dropped_with_a_note():
    conversion = converted("estimate-follow-up.json")
    assert {e.name: e.status for e in conversion.report.nodes if e.status == "dropped"} == {
        "Not big enough": "dropped", "Together": "dropped", "Note": "dropped"}


def test_code_is_reported_for_a_rewrite_with_the_code_shown_and_never_run():
    conversion = converted("code-nodes.json")
    python, function, item = (entry(conversion, n) for n in ("Python", "Function",
                                                             "Function Item"))
    assert python.status == function.status == item.status == "unsupported"
    assert "Python code needs a rewrite" in python.detail
    assert "os.system('touch /tmp/n8n-import-test-python-ran')" in python.shown[0]
    assert "JavaScript code needs a rewrite" in function.detail
    assert not Path("/tmp/n8n-import-test-python-ran").exists()
    assert not Path("/tmp/n8n-import-test-js-ran").exists()
    # What the code produced is unknown: a reference to it is left for the rewrite too.
    assert steps(conversion)["tell_the_office"]["body"] == "{# n8n: $json.body.name #} changed"


def test_a_database_query_in_the_middle_is_reported_with_the_query():
    found = entry(converted("estimate-follow-up.json"), "Log it")
    assert found.status == "unsupported" and "writes to a database" in found.detail
    assert found.shown == ["INSERT INTO audit (estimate) VALUES ('{{ $json.id }}')"]


def test_a_node_type_without_a_counterpart_is_reported_by_its_type():
    data = workflow(WEBHOOK, node("Sheet", "googleSheets", 4.5),
                    links={"Estimate created": [["Sheet"]]})
    assert entry(convert(data), "Sheet").detail == "no native step for n8n's googleSheets"


def test_code_shown_in_the_report_has_its_secrets_and_phone_numbers_masked():
    code = ('const apiKey = "abcd1234";\nconst owner = "+14155550123";\n'
            'fetch(url, {headers: {Authorization: "Bearer xyz-123456"}}); // sk_live_abc123\n')
    data = workflow(WEBHOOK, node("Code", "code", 2, jsCode=code),
                    links={"Estimate created": [["Code"]]})
    [shown] = entry(convert(data), "Code").shown
    assert 'apiKey = "***"' in shown and "Bearer ***" in shown and "+*******0123" in shown
    assert not {"abcd1234", "+14155550123", "xyz-123456", "sk_live_abc123"} & set(
        shown.replace('"', " ").split())
