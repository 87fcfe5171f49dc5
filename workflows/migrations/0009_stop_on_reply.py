"""``stop_on_reply``: on for definitions made from now on, off for those already here (their
behaviour does not change under them), and switched on in the prebuilt estimate follow-ups —
a customer who answered "yes, book me" gets no more nudges."""

from django.db import migrations, models

HELP = ("an ordinary text from the customer cancels their live instances of this definition "
        "that send marketing texts (instances waiting for the reply get it instead)")
PREBUILT = ("Estimate follow-up", "Campaign: unsold estimate at 3, 7 and 14 days")


def switch_on(apps, schema_editor):
    apps.get_model("workflows", "WorkflowDefinition").objects.filter(
        name__in=PREBUILT).update(stop_on_reply=True)


def switch_off(apps, schema_editor):
    apps.get_model("workflows", "WorkflowDefinition").objects.filter(
        name__in=PREBUILT).update(stop_on_reply=False)


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0008_prebuilt_campaigns"),
    ]

    operations = [
        migrations.AddField(
            model_name="workflowdefinition",
            name="stop_on_reply",
            field=models.BooleanField(default=False, help_text=HELP,
                                      verbose_name="stop when the customer replies"),
        ),
        migrations.AlterField(
            model_name="workflowdefinition",
            name="stop_on_reply",
            field=models.BooleanField(default=True, help_text=HELP,
                                      verbose_name="stop when the customer replies"),
        ),
        migrations.RunPython(switch_on, switch_off),
    ]
