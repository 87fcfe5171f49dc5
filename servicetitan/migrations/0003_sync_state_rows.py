"""One cursor row per resource declared today, so the admin can start or reset any of them
before its first sync (the sync creates rows for resources declared later)."""

from django.db import migrations

RESOURCES = {
    "customers": "export", "customer_contacts": "export", "locations": "export",
    "jobs": "export", "appointments": "export", "appointment_assignments": "export",
    "technicians": "export", "employees": "export", "business_units": "export",
    "job_types": "list", "campaigns": "list", "estimates": "export", "invoices": "export",
    "invoice_items": "export", "payments": "export", "installed_equipment": "export",
    "memberships": "export", "projects": "export",
}


def create_rows(apps, schema_editor):
    SyncState = apps.get_model("servicetitan", "SyncState")
    have = set(SyncState.objects.values_list("resource", flat=True))
    SyncState.objects.bulk_create([SyncState(resource=name, cursor_kind=kind)
                                   for name, kind in RESOURCES.items() if name not in have])


class Migration(migrations.Migration):
    dependencies = [("servicetitan", "0002_sync_bookkeeping")]
    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
