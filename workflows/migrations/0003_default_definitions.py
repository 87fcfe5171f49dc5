"""The company's two standard definitions, installed inactive: staff switch them on in the
admin once they have checked them (explain, backtest). Their texts go out through the
``send_sms`` step type that the messaging app registers."""

from django.db import migrations

ACTOR = "migration"

DEFAULTS = [
    {
        "name": "Estimate follow-up",
        "description": "An open estimate of $1,000 or more (new, or grown past $1,000 later): "
                       "a text after 2 days, another after 5 more, then the Sales group is "
                       "emailed. Ends when the estimate is sold or dismissed. Once per "
                       "estimate.",
        "trigger_event": "estimate.created, estimate.updated",
        "trigger_conditions": {"all": [
            {"field": "status", "op": "==", "value": "Open"},
            {"field": "total", "op": ">=", "value": 1000},
        ]},
        "steps": [
            {"id": "wait_2_days", "type": "wait", "duration": "2d"},
            {"id": "first_text", "type": "send_sms", "purpose": "marketing",
             "body": "Hi {{ customer.first_name }}, this is PerfectCatch. Your estimate for "
                     "${{ entity.total }} is ready whenever you are. Any questions? Just reply "
                     "to this text."},
            {"id": "wait_5_days", "type": "wait", "duration": "5d"},
            {"id": "second_text", "type": "send_sms", "purpose": "marketing",
             "body": "Hi {{ customer.first_name }}, checking in on your PerfectCatch estimate "
                     "for ${{ entity.total }}. Reply here and we will get you on the "
                     "schedule."},
            {"id": "tell_sales", "type": "notify_staff", "groups": ["Sales"],
             "subject": "Estimate {{ entity.id }} for {{ customer.name }} is still open",
             "body": "{{ customer.name }} has not accepted estimate {{ entity.id }} "
                     "(${{ entity.total }}) after two follow-up texts. Time for a call."},
        ],
        "cancel_on": [{"event": "estimate.status_changed",
                       "conditions": {"field": "status", "op": "in",
                                      "value": ["Sold", "Dismissed"]}}],
        "reentry": "once",
    },
    {
        "name": "Job completed: review request",
        "description": "Two hours after a job is completed, a text asking for a review.",
        "trigger_event": "job.completed",
        "trigger_conditions": {},
        "steps": [
            {"id": "wait_2_hours", "type": "wait", "duration": "2h"},
            {"id": "review_text", "type": "send_sms", "purpose": "marketing",
             "body": "Hi {{ customer.first_name }}, thank you for choosing PerfectCatch today! "
                     "If you were happy with our work, a quick review would mean a lot to "
                     "us."},
        ],
        "cancel_on": [],
        "reentry": "one_live",
    },
]
CONTENT = ("trigger_event", "trigger_conditions", "steps", "cancel_on", "reentry")


def install(apps, schema_editor):
    # The follow-up emails this group: staff add the sales team to it (Users → Groups).
    apps.get_model("auth", "Group").objects.get_or_create(name="Sales")
    Definition = apps.get_model("workflows", "WorkflowDefinition")
    Version = apps.get_model("workflows", "WorkflowDefinitionVersion")
    for data in DEFAULTS:
        if Definition.objects.filter(name=data["name"]).exists():
            continue
        definition = Definition.objects.create(active=False, version=1, updated_by=ACTOR,
                                               **data)
        version = Version.objects.create(definition=definition, number=1, created_by=ACTOR,
                                         **{k: data[k] for k in CONTENT})
        Definition.objects.filter(pk=definition.pk).update(current_version=version)


def uninstall(apps, schema_editor):
    Definition = apps.get_model("workflows", "WorkflowDefinition")
    Definition.objects.filter(name__in=[d["name"] for d in DEFAULTS], updated_by=ACTOR,
                              instances__isnull=True).update(current_version=None)
    Definition.objects.filter(name__in=[d["name"] for d in DEFAULTS], updated_by=ACTOR,
                              instances__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workflows", "0002_engine"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(install, uninstall)]
