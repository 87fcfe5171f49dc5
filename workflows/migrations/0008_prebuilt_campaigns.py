"""The prebuilt campaigns, installed inactive: audiences re-evaluated daily that start the
repeat-revenue follow-ups (membership renewals, old equipment, customers gone quiet, unsold
estimates). Staff preview each audience, explain a few customers, backtest, adjust the texts,
types and caps, then switch them on. Every text is marketing: quiet hours and the contact
frequency cap apply, and opted-out or do-not-mail customers are excluded up front."""

from django.db import migrations

ACTOR = "migration"
OPEN_JOB = {"has": "job", "where": {"field": "job_status", "op": "not_in",
                                    "value": ["Completed", "Canceled"]}}
MAY_NOT_MARKET = [{"field": "customer.sms_opted_out", "op": "==", "value": True},
                  {"field": "customer.do_not_mail", "op": "==", "value": True}]


def text(step_id, body):
    return {"id": step_id, "type": "send_sms", "purpose": "marketing", "body": body}


CAMPAIGNS = [
    {
        "name": "Campaign: membership renewal",
        "description": "Active memberships ending within 30 days: a reminder, and another two "
                       "weeks later if it has not been renewed. A membership renewed (its end "
                       "date moves on) or no longer active leaves the audience and its "
                       "reminders stop. Again for next year's renewal.",
        "audience": {
            "entity": "membership",
            "rule": {"all": [{"field": "status", "op": "==", "value": "Active"},
                             {"field": "to_date", "op": "within_next", "value": "30d"}]},
            "exclude": {"any": MAY_NOT_MARKET},
            "at": "09:00", "entry": "every_n_days", "entry_days": 300, "daily_cap": 100,
            "end_when_leaving": True,
        },
        "steps": [
            text("first_reminder", "Hi {{ customer.first_name }}, this is PerfectCatch. Your "
                                   "membership ends on {{ entity.to_date|slice:':10' }}. Reply "
                                   "RENEW and we will keep your tune-ups and priority service "
                                   "going."),
            {"id": "wait_2_weeks", "type": "wait", "duration": "2w"},
            text("last_reminder", "Hi {{ customer.first_name }}, a last reminder from "
                                  "PerfectCatch: your membership ends on "
                                  "{{ entity.to_date|slice:':10' }}. Reply RENEW to keep your "
                                  "member pricing."),
        ],
    },
    {
        "name": "Campaign: equipment replacement",
        "description": "Installed heating, cooling and water-heating equipment more than 10 "
                       "years old (the types are listed in the rule: edit them there), at "
                       "customers with no open job: a text offering a replacement estimate. "
                       "Once a year per unit.",
        "audience": {
            "entity": "installed_equipment",
            "rule": {"all": [
                {"field": "installed_on", "op": "more_than_ago", "value": "10y"},
                {"field": "type", "op": "in", "value": ["Air Conditioner", "Heat Pump",
                                                        "Furnace", "Water Heater"]},
                {"field": "status", "op": "==", "value": "Installed"},
                {"field": "active", "op": "==", "value": True}]},
            "exclude": {"any": [OPEN_JOB, *MAY_NOT_MARKET]},
            "at": "10:00", "entry": "every_n_days", "entry_days": 365, "daily_cap": 50,
            "end_when_leaving": True,
        },
        "steps": [
            text("offer", "Hi {{ customer.first_name }}, your {{ entity.name }} is over 10 years "
                          "old. Newer systems cost far less to run, and we can show you what a "
                          "replacement would cost: reply YES for a free estimate. "
                          "- PerfectCatch"),
        ],
    },
    {
        "name": "Campaign: lapsed customers",
        "description": "Customers who had work done but no job completed in the last 12 "
                       "months, and none open: a text inviting them back. Once every 6 "
                       "months at most; a new job takes them out of the audience.",
        "audience": {
            "entity": "customer",
            "rule": {"all": [
                {"field": "active", "op": "==", "value": True},
                {"has": "job", "where": {"field": "job_status", "op": "==",
                                         "value": "Completed"}},
                {"not": {"has": "job", "where": {"all": [
                    {"field": "job_status", "op": "==", "value": "Completed"},
                    {"field": "completed_on", "op": "within_last", "value": "12mo"}]}}}]},
            "exclude": {"any": [OPEN_JOB,
                                {"field": "sms_opted_out", "op": "==", "value": True},
                                {"field": "do_not_mail", "op": "==", "value": True},
                                {"field": "do_not_service", "op": "==", "value": True}]},
            "at": "10:30", "entry": "every_n_days", "entry_days": 180, "daily_cap": 100,
            "end_when_leaving": True,
        },
        "steps": [
            text("welcome_back", "Hi {{ customer.first_name }}, it has been a while since "
                                 "PerfectCatch last visited. Time for a check-up? Reply YES "
                                 "and we will find you a slot."),
        ],
    },
    {
        "name": "Campaign: unsold estimate at 3, 7 and 14 days",
        "description": "Estimates still open 3 days after they were made (made in the last 30 "
                       "days): texts at 3, 7 and 14 days. An estimate sold or dismissed leaves "
                       "the audience and its texts stop. Once per estimate. (The standard "
                       "'Estimate follow-up' does the same from events at 2 and 7 days: switch "
                       "on one of them.)",
        "audience": {
            "entity": "estimate",
            "rule": {"all": [
                {"field": "status", "op": "==", "value": "Open"},
                {"field": "created_on", "op": "more_than_ago", "value": "3d"},
                {"field": "created_on", "op": "within_last", "value": "30d"}]},
            "exclude": {"any": MAY_NOT_MARKET},
            "at": "11:00", "entry": "once", "daily_cap": 100, "end_when_leaving": True,
        },
        "steps": [
            text("day_3", "Hi {{ customer.first_name }}, your PerfectCatch estimate for "
                          "${{ entity.total }} is ready whenever you are. Questions? Just reply "
                          "to this text."),
            {"id": "wait_to_day_7", "type": "wait", "duration": "4d"},
            text("day_7", "Hi {{ customer.first_name }}, checking in on your PerfectCatch "
                          "estimate for ${{ entity.total }}. Reply here and we will get you on "
                          "the schedule."),
            {"id": "wait_to_day_14", "type": "wait", "duration": "1w"},
            text("day_14", "Hi {{ customer.first_name }}, your PerfectCatch estimate for "
                           "${{ entity.total }} is still open. Reply if you would like us to "
                           "go over it with you."),
        ],
    },
]
CONTENT = ("trigger_kind", "trigger_event", "trigger_conditions", "steps", "cancel_on",
           "reentry", "audience")


def definitions():
    """The campaigns as definition fields (what ``validate_definition`` takes)."""
    return [{**data, "trigger_kind": "audience", "trigger_event": "", "trigger_conditions": {},
             "cancel_on": [], "reentry": "one_live",
             "audience": {"exclude": {}, "at": "09:00", "entry": "once", "entry_days": None,
                          "daily_cap": None, "end_when_leaving": False, **data["audience"]}}
            for data in CAMPAIGNS]


def install(apps, schema_editor):
    Definition = apps.get_model("workflows", "WorkflowDefinition")
    Version = apps.get_model("workflows", "WorkflowDefinitionVersion")
    for data in definitions():
        if Definition.objects.filter(name=data["name"]).exists():
            continue
        definition = Definition.objects.create(active=False, version=1, updated_by=ACTOR,
                                               **data)
        version = Version.objects.create(definition=definition, number=1, created_by=ACTOR,
                                         **{k: data[k] for k in CONTENT})
        Definition.objects.filter(pk=definition.pk).update(current_version=version)


def uninstall(apps, schema_editor):
    Definition = apps.get_model("workflows", "WorkflowDefinition")
    untouched = Definition.objects.filter(name__in=[d["name"] for d in CAMPAIGNS],
                                          updated_by=ACTOR, instances__isnull=True)
    untouched.update(current_version=None)
    Definition.objects.filter(name__in=[d["name"] for d in CAMPAIGNS], updated_by=ACTOR,
                              instances__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0007_audience_triggers")]
    operations = [migrations.RunPython(install, uninstall)]
