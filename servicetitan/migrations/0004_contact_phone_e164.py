"""``st_customer_contacts.phone_e164``: the contact's value as the phone key every lookup by
phone compares (``config.phones``). Added without an index, filled in batches, then indexed
(one index build instead of maintaining it through every batch)."""

from django.db import migrations, models

from config.phones import backfill_phone_keys


def fill(apps, schema_editor):
    backfill_phone_keys(schema_editor.connection, "st_customer_contacts", "value")


class Migration(migrations.Migration):
    dependencies = [("servicetitan", "0003_sync_state_rows")]
    operations = [
        migrations.AddField(
            model_name="customercontact", name="phone_e164",
            field=models.CharField("phone (E.164)", max_length=20, null=True, blank=True,
                                   editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="customercontact", name="phone_e164",
            field=models.CharField("phone (E.164)", max_length=20, null=True, blank=True,
                                   db_index=True, editable=False)),
    ]
