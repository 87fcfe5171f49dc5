"""``ghl_contacts.phone_e164``: the contact's phone as the key every lookup by phone compares
(``config.phones``). Added without an index, filled in batches, then indexed."""

from django.db import migrations, models

from config.phones import backfill_phone_keys


def fill(apps, schema_editor):
    backfill_phone_keys(schema_editor.connection, "ghl_contacts", "phone")


class Migration(migrations.Migration):
    dependencies = [("ghl", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="ghlcontact", name="phone_e164",
            field=models.CharField("phone (E.164)", max_length=20, null=True, blank=True,
                                   editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="ghlcontact", name="phone_e164",
            field=models.CharField("phone (E.164)", max_length=20, null=True, blank=True,
                                   db_index=True, editable=False)),
    ]
