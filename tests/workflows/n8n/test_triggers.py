"""n8n triggers to a definition's trigger: events where recognisable, an audience for a
schedule that reads the mirror by the records' dates, else a placeholder the report
explains."""

import pytest

from tests.workflows.n8n.conftest import (
    WEBHOOK,
    convert,
    converted,
    entry,
    node,
    steps,
    workflow,
)
from workflows.n8n.triggers import webhook_event


def definition(conversion, index=0):
    return conversion.definitions[index].data


def test_a_schedule_polling_the_mirror_becomes_that_tables_change_events():
    conversion = converted("schedule-poll-mirror.json")
    data = definition(conversion)
    assert data["trigger_event"] == "estimate.created, estimate.updated"
    assert data["trigger_conditions"] == {"all": [
        {"field": "status", "op": "==", "value": "Open"},
        {"field": "total", "op": ">=", "value": 1000}]}
    assert data["reentry"] == "once"
    schedule = entry(conversion, "Every 15 minutes")
    assert "the time window on modified_on" in schedule.notes[0]
    assert entry(conversion, "Open estimates").status == "converted"
    assert [s["id"] for s in data["steps"]] == ["text_them"]
    assert data["steps"][0]["body"] == ("Hi! Your estimate {{ entity.name }} for "
                                        "${{ entity.total }} is waiting.")


def test_a_cron_polling_the_mirror_with_a_mysql_select_becomes_events_too():
    data = definition(converted("schedules.json", 0))
    assert data["trigger_event"] == "job.created, job.updated"
    assert data["trigger_conditions"]["all"][1] == {"field": "total", "op": ">", "value": 500}


def test_a_schedule_that_reads_nothing_of_the_mirror_keeps_a_placeholder_explained():
    conversion = converted("schedules.json", 1)
    assert definition(conversion)["trigger_event"] == "placeholder.schedule"
    assert "trigger_kind" not in definition(conversion)
    found = entry(conversion, "Every 5 minutes")
    assert found.status == "unsupported"
    assert found.detail.startswith("runs every 5 minutes and reads no table of the "
                                   "ServiceTitan mirror by the records' dates: give it an "
                                   "audience trigger")


def daily(hour: int = 9, minute: int = 0) -> dict:
    return node("Every morning", "scheduleTrigger", 1.2, rule={"interval": [
        {"field": "days", "triggerAtHour": hour, "triggerAtMinute": minute}]})


def reading(query: str, first: dict | None = None):
    return convert(workflow(first or daily(), node("Read", "postgres", 2.5,
                                                   operation="executeQuery", query=query),
                            node("Text", "twilio", message="=Hi {{ $json.name }}"),
                            links={(first or daily())["name"]: [["Read"]],
                                   "Read": [["Text"]]}))


def test_a_daily_read_of_memberships_ending_soon_becomes_an_audience():
    conversion = reading("SELECT * FROM st_memberships WHERE status = 'Active' AND "
                         "to_date >= now() AND to_date <= now() + interval '30 days'",
                         daily(8, 30))
    data = definition(conversion)
    assert (data["trigger_kind"], data["trigger_event"], data["active"]) == (
        "audience", "", False)
    assert data["audience"] == {"entity": "membership", "at": "08:30", "entry": "once",
                                "rule": {"all": [
                                    {"field": "status", "op": "==", "value": "Active"},
                                    {"field": "to_date", "op": "within_next", "value": "30d"}]}}
    trigger = entry(conversion, "Every morning")
    assert trigger.status == "approximated"
    assert trigger.detail.startswith("n8n read st_memberships every 1 days at 8h, selecting "
                                     "records by their dates; here an audience of membership "
                                     "records evaluated daily at 08:30")
    assert entry(conversion, "Read").status == "converted"
    assert list(steps(conversion)) == ["text"]


def test_a_cron_read_of_old_open_estimates_becomes_an_audience_at_the_crons_hour():
    cron = node("Cron", "cron", triggerTimes={"item": [{"mode": "everyDay", "hour": 14}]})
    conversion = reading("SELECT * FROM st_estimates WHERE status = 'Open' AND created_on < "
                         "NOW() - INTERVAL 3 DAY", cron)
    audience = definition(conversion)["audience"]
    assert (audience["at"], audience["rule"]["all"][1]) == (
        "14:00", {"field": "created_on", "op": "more_than_ago", "value": "3d"})


def test_an_audience_read_every_few_minutes_is_evaluated_daily_at_nine_and_says_so():
    every = node("Every 15 minutes", "interval", interval=15, unit="minutes")
    conversion = reading("SELECT * FROM st_installed_equipment WHERE installed_on < now() - "
                         "interval '10 years'", every)
    assert definition(conversion)["audience"]["at"] == "09:00"
    assert any("an audience is evaluated once a day, at 09:00 here" in note
               for note in entry(conversion, "Every 15 minutes").notes)


def test_a_read_by_dates_an_audience_cannot_express_keeps_the_placeholder():
    conversion = reading("SELECT * FROM st_jobs WHERE completed_on < now() - interval '6 hours'")
    assert definition(conversion)["trigger_event"] == "placeholder.schedule"
    assert "audiences count days" in entry(conversion, "Every morning").notes[0]


def test_a_poll_for_recent_changes_stays_an_event_trigger_at_any_hour():
    conversion = reading("SELECT * FROM st_jobs WHERE job_status = 'Completed' AND "
                         "modified_on > now() - interval '1 day'")
    assert definition(conversion)["trigger_event"] == "job.created, job.updated"


def test_a_poll_of_another_table_is_reported_with_the_reason():
    data = workflow(node("Cron", "cron"), node("Read", "postgres", operation="executeQuery",
                                               query="SELECT * FROM sensors WHERE value > 70"),
                    node("Text", "twilio", message="hot"),
                    links={"Cron": [["Read"]], "Read": [["Text"]]})
    conversion = convert(data)
    assert definition(conversion)["trigger_event"] == "placeholder.schedule"
    assert "'sensors' is not a table of the ServiceTitan mirror" in entry(
        conversion, "Cron").notes[0]
    assert entry(conversion, "Read").shown == ["SELECT * FROM sensors WHERE value > 70"]


def test_a_webhook_recognised_by_its_path_starts_on_that_event_and_names_its_url():
    conversion = converted("estimate-follow-up.json")
    assert definition(conversion)["trigger_event"] == "estimate.created"
    detail = entry(conversion, "Estimate created").detail
    assert "re-point or switch off whatever calls POST <n8n>/webhook/servicetitan/estimate-" \
           "created" in detail


def test_an_unrecognised_webhook_gets_a_placeholder_staff_must_choose():
    data = workflow(node("Hook", "webhook", 2, path="a1b2c3", httpMethod="POST"),
                    node("Text", "twilio", message="hi"), links={"Hook": [["Text"]]})
    conversion = convert(data)
    assert definition(conversion)["trigger_event"] == "placeholder.webhook"
    detail = entry(conversion, "Hook").detail
    assert "no native event matches a webhook call" in detail
    assert "choose its event before switching it on" in detail
    assert "POST <n8n>/webhook/a1b2c3" in detail


@pytest.mark.parametrize(("text", "event"), [
    ("st/estimate-created Estimate created", "estimate.created"),
    ("jobs_completed", "job.completed"),
    ("invoice-paid", "invoice.paid"),
    ("appointment status", "appointment.status_changed"),
    ("customer-updated", "customer.updated"),
    ("incoming-sms", "sms.received"),
    ("twilio inbound", "sms.received"),
    ("sms-opt-out", "sms.opted_out"),
    ("ghl-opportunity", "ghl.opportunity.updated"),
    ("7d3c-1a2b", None),
    ("paypal-webhook", None),
])
def test_webhooks_are_recognised_from_their_path_and_name(text, event):
    assert webhook_event(text) == event


def test_the_twilio_trigger_is_an_incoming_text():
    conversion = converted("switch-versions.json", 2)
    assert definition(conversion)["trigger_event"] == "sms.received"
    assert entry(conversion, "Text received").status == "converted"


@pytest.mark.parametrize(("index", "placeholder"), [
    (0, "placeholder.error"), (2, "placeholder.manual")])
def test_error_and_manual_triggers_get_placeholders(index, placeholder):
    assert definition(converted("other-triggers.json", index))["trigger_event"] == placeholder


def test_a_manual_trigger_beside_another_is_dropped():
    data = workflow(node("By hand", "manualTrigger"), WEBHOOK, node("Text", "twilio", message="x"),
                    links={"By hand": [["Text"]], "Estimate created": [["Text"]]})
    conversion = convert(data)
    assert len(conversion.definitions) == 1
    assert definition(conversion)["trigger_event"] == "estimate.created"
    assert entry(conversion, "By hand").status == "dropped"


def test_two_event_triggers_into_the_same_steps_share_one_definition():
    data = workflow(WEBHOOK, node("Updated", "webhook", 2, path="estimate-updated"),
                    node("Text", "twilio", message="x"),
                    links={"Estimate created": [["Text"]], "Updated": [["Text"]]})
    conversion = convert(data)
    assert [d.data["trigger_event"] for d in conversion.definitions] == [
        "estimate.created, estimate.updated"]


def test_each_trigger_with_steps_of_its_own_becomes_a_definition():
    data = workflow(WEBHOOK, node("Paid", "webhook", 2, path="invoice-paid"),
                    node("Text", "twilio", message="x"), node("Thanks", "twilio", message="y"),
                    links={"Estimate created": [["Text"]], "Paid": [["Thanks"]]}, name="Two")
    assert [(d.name, d.data["trigger_event"]) for d in convert(data).definitions] == [
        ("Two — Estimate created", "estimate.created"), ("Two — Paid", "invoice.paid")]


def test_a_workflow_without_a_trigger_starts_from_its_first_nodes():
    conversion = convert(workflow(node("Twilio", "twilio", message="hello")))
    assert definition(conversion)["trigger_event"] == "placeholder.trigger"
    assert conversion.report.notes[0].startswith("the workflow has no trigger")
    assert definition(conversion)["steps"][0]["type"] == "send_sms"


def test_a_recognised_poll_with_nothing_after_it_keeps_its_trigger_and_a_rule_to_write():
    data = workflow(node("Cron", "cron"), node("Read", "postgres", operation="executeQuery",
                                               query="SELECT * FROM st_invoices"),
                    links={"Cron": [["Read"]]})
    planned = convert(data).definitions[0].data
    assert planned["trigger_event"] == "invoice.created, invoice.updated"
    assert planned["steps"][0]["rule"] == {"field": "placeholder.rebuild", "op": "exists"}
