"""The ServiceTitan mirror: one table per resource, ``st_*``.

Every row keeps the record exactly as received in ``raw`` and a few typed columns for what the
logic, the admin and reports use. References to other ServiceTitan records are plain id columns
without constraints: ServiceTitan is the source of truth and records arrive in any order.
Rows are written only by the sync service (bulk upserts); nothing else saves them.

No record with an id is ever dropped, so every typed column can take an empty value: a money,
time or reference column is NULL when the record has no value that fits it (references the
spec marks required included), a text column "" (``raw`` keeps what was sent).
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class STRecord(models.Model):
    id = models.BigIntegerField(primary_key=True, verbose_name="ServiceTitan id")
    active = models.BooleanField(default=True, db_index=True)
    created_on = models.DateTimeField(null=True, blank=True)
    modified_on = models.DateTimeField(null=True, blank=True, db_index=True)
    raw = models.JSONField(help_text="The record exactly as ServiceTitan sent it.")
    synced_at = models.DateTimeField()
    # A digest of ``raw`` (and of what the sync derives besides it): a re-delivered record
    # with the same digest is left alone and announces nothing.
    content_hash = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        label = getattr(self, "name", None) or getattr(self, "number", None)
        return f"{self._meta.verbose_name} {self.id}" + (f" · {label}" if label else "")


class AddressMixin(models.Model):
    street = models.CharField(max_length=255, blank=True, default="")
    city = models.CharField(max_length=120, blank=True, default="")
    state = models.CharField(max_length=60, blank=True, default="", db_index=True)
    zip = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        abstract = True


class Customer(AddressMixin, STRecord):
    name = models.CharField(max_length=255, db_index=True)
    type = models.CharField(max_length=40, blank=True, default="")
    balance = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    do_not_mail = models.BooleanField(default=False)
    do_not_service = models.BooleanField(default=False)
    merged_to_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "st_customers"


class CustomerContact(STRecord):
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    type = models.CharField(max_length=40)
    value = models.CharField(max_length=255, db_index=True)
    memo = models.TextField(blank=True, default="")
    do_not_text = models.BooleanField(default=False)
    # Every lookup by phone compares this key (config.phones), whatever the spelling staff
    # typed into ``value``; NULL when the value is not a phone number (an email address).
    phone_e164 = models.CharField(  # noqa: DJ001 (no key is NULL, not "")
        "phone (E.164)", max_length=20, null=True, blank=True, db_index=True,
        editable=False)

    class Meta:
        db_table = "st_customer_contacts"


class Location(AddressMixin, STRecord):
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    name = models.CharField(max_length=255)
    zone_id = models.BigIntegerField(null=True, blank=True)
    merged_to_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "st_locations"


class Job(STRecord):
    job_number = models.CharField(max_length=40, db_index=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    location_id = models.BigIntegerField(null=True, blank=True)
    project_id = models.BigIntegerField(null=True, blank=True)
    job_status = models.CharField(max_length=40, db_index=True)
    completed_on = models.DateTimeField(null=True, blank=True)
    business_unit_id = models.BigIntegerField(null=True, blank=True)
    job_type_id = models.BigIntegerField(null=True, blank=True)
    campaign_id = models.BigIntegerField(null=True, blank=True)
    priority = models.CharField(max_length=40, blank=True, default="")
    sold_by_id = models.BigIntegerField(null=True, blank=True)
    invoice_id = models.BigIntegerField(null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    summary = models.TextField(blank=True, default="")

    class Meta:
        db_table = "st_jobs"
        # Workflows look for jobs completed in a window (review requests).
        indexes = [models.Index(fields=["job_status", "completed_on"], name="st_job_done_idx")]


class Appointment(STRecord):
    job_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    appointment_number = models.CharField(max_length=40, blank=True, default="")
    start = models.DateTimeField(null=True, blank=True, db_index=True)
    end = models.DateTimeField(null=True, blank=True)
    arrival_window_start = models.DateTimeField(null=True, blank=True)
    arrival_window_end = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=40, blank=True, default="", db_index=True)
    is_confirmed = models.BooleanField(default=False)

    class Meta:
        db_table = "st_appointments"


class AppointmentAssignment(STRecord):
    appointment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    job_id = models.BigIntegerField(null=True, blank=True)
    technician_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    technician_name = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(max_length=40, blank=True, default="")
    assigned_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "st_appointment_assignments"


class Technician(STRecord):
    user_id = models.BigIntegerField(null=True, blank=True)
    name = models.CharField(max_length=255)
    email = models.CharField(max_length=255, blank=True, default="", db_index=True)
    phone_number = models.CharField(max_length=40, blank=True, default="")
    mobile_phone = models.CharField(max_length=40, blank=True, default="")
    business_unit_id = models.BigIntegerField(null=True, blank=True)
    team = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        db_table = "st_technicians"


class Employee(STRecord):
    user_id = models.BigIntegerField(null=True, blank=True)
    name = models.CharField(max_length=255)
    email = models.CharField(max_length=255, blank=True, default="", db_index=True)
    phone_number = models.CharField(max_length=40, blank=True, default="")
    role = models.CharField(max_length=120, blank=True, default="")
    business_unit_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "st_employees"


class BusinessUnit(STRecord):
    name = models.CharField(max_length=255)
    official_name = models.CharField(max_length=255, blank=True, default="")
    email = models.CharField(max_length=255, blank=True, default="")
    phone_number = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        db_table = "st_business_units"


class JobType(STRecord):
    name = models.CharField(max_length=255)
    priority = models.CharField(max_length=40, blank=True, default="")
    duration = models.IntegerField(null=True, blank=True)
    business_unit_ids = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "st_job_types"


class Campaign(STRecord):
    name = models.CharField(max_length=255)
    category = models.CharField(max_length=255, blank=True, default="")
    source = models.CharField(max_length=255, blank=True, default="")
    medium = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        db_table = "st_campaigns"


class Estimate(STRecord):
    job_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    project_id = models.BigIntegerField(null=True, blank=True)
    location_id = models.BigIntegerField(null=True, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    name = models.CharField(max_length=255, blank=True, default="")
    job_number = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(max_length=40, blank=True, default="", db_index=True)
    review_status = models.CharField(max_length=40, blank=True, default="")
    summary = models.TextField(blank=True, default="")
    sold_on = models.DateTimeField(null=True, blank=True)
    sold_by_id = models.BigIntegerField(null=True, blank=True)
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tax = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, db_index=True,
        help_text="subtotal + tax",
    )
    business_unit_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "st_estimates"
        # Workflows look for estimates still open some days after they were made.
        indexes = [models.Index(fields=["status", "created_on"], name="st_estimate_open_idx")]


class EstimateItem(STRecord):
    estimate_id = models.BigIntegerField(db_index=True)
    sku_id = models.BigIntegerField(null=True, blank=True)
    sku_name = models.CharField(max_length=255, blank=True, default="")
    description = models.TextField(blank=True, default="")
    qty = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit_rate = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "st_estimate_items"


class Invoice(STRecord):
    reference_number = models.CharField(max_length=60, blank=True, default="", db_index=True)
    invoice_date = models.DateTimeField(null=True, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    location_id = models.BigIntegerField(null=True, blank=True)
    job_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    business_unit_id = models.BigIntegerField(null=True, blank=True)
    sub_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    sales_tax = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    balance = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    paid_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "st_invoices"


class InvoiceItem(STRecord):
    invoice_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    sku_id = models.BigIntegerField(null=True, blank=True)
    sku_name = models.CharField(max_length=255, blank=True, default="")
    description = models.TextField(blank=True, default="")
    type = models.CharField(max_length=40, blank=True, default="")
    quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "st_invoice_items"


class Payment(STRecord):
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reference_number = models.CharField(max_length=60, blank=True, default="")
    date = models.DateTimeField(null=True, blank=True)
    type = models.CharField(max_length=60, blank=True, default="")
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unapplied_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        db_table = "st_payments"


class InstalledEquipment(STRecord):
    location_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    name = models.CharField(max_length=255, blank=True, default="")
    type = models.CharField(max_length=120, blank=True, default="")
    installed_on = models.DateTimeField(null=True, blank=True)
    serial_number = models.CharField(max_length=120, blank=True, default="")
    manufacturer = models.CharField(max_length=120, blank=True, default="")
    model = models.CharField(max_length=120, blank=True, default="")
    cost = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        db_table = "st_installed_equipment"
        verbose_name_plural = "installed equipment"


class Membership(STRecord):
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    location_id = models.BigIntegerField(null=True, blank=True)
    membership_type_id = models.BigIntegerField(null=True, blank=True)
    business_unit_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=40, blank=True, default="", db_index=True)
    follow_up_status = models.CharField(max_length=40, blank=True, default="")
    billing_frequency = models.CharField(max_length=40, blank=True, default="")
    from_date = models.DateTimeField(null=True, blank=True)
    to_date = models.DateTimeField(null=True, blank=True)
    cancellation_date = models.DateTimeField(null=True, blank=True)
    sold_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "st_memberships"


class Project(STRecord):
    number = models.CharField(max_length=40, blank=True, default="")
    name = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(max_length=60, blank=True, default="")
    sub_status = models.CharField(max_length=60, blank=True, default="")
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    location_id = models.BigIntegerField(null=True, blank=True)
    project_type_id = models.BigIntegerField(null=True, blank=True)
    start_date = models.DateTimeField(null=True, blank=True)
    target_completion_date = models.DateTimeField(null=True, blank=True)
    actual_completion_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "st_projects"


# --- bookkeeping ------------------------------------------------------------------------------
class SyncState(models.Model):
    """Where the sync of one resource stands. ``cursor`` is the export's ``continueFrom``
    token (export resources) or the ISO ``modifiedOn`` watermark (list resources); it advances
    in the same transaction as the rows of each page, so a crash resumes after the last
    committed page. An empty cursor means "from the beginning"."""

    resource = models.CharField(max_length=40, primary_key=True)
    cursor = models.TextField(blank=True, default="")
    cursor_kind = models.CharField(max_length=10)
    pages = models.BigIntegerField(default=0, help_text="pages committed since the last reset")
    records = models.BigIntegerField(default=0, help_text="records seen since the last reset")
    last_page_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(
        null=True, blank=True,
        help_text="end of the last run that reached the end of the feed; empty until the "
                  "first complete sync (the backfill)")
    last_status = models.CharField(max_length=10, blank=True, default="")
    reset_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "st_sync_state"
        verbose_name = "sync cursor"

    def __str__(self) -> str:
        return self.resource


class SyncLog(models.Model):
    """One row per resource per run: what it fetched and wrote, how it ended, how long it took.
    Counts are updated with every committed page, so a running sync shows its progress."""

    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCESS = "success"
        PARTIAL = "partial", "partial (records rejected)"
        FAILED = "failed"

    run_id = models.UUIDField(db_index=True)
    resource = models.CharField(max_length=40, db_index=True)
    full = models.BooleanField(default=False, help_text="re-read from the beginning")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(db_default=Now())
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.IntegerField(default=0)
    fetched = models.IntegerField(default=0)
    created = models.IntegerField(default=0)
    updated = models.IntegerField(default=0)
    unchanged = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    warnings = models.IntegerField(
        default=0, help_text="values that did not fit their typed column (stored as NULL or the "
                             "column's fallback; the record itself was stored)")
    requests = models.IntegerField(default=0)
    retries = models.IntegerField(default=0)
    duration = models.FloatField(null=True, blank=True, help_text="seconds")
    error = models.TextField(blank=True, default="")
    worker = models.CharField(
        max_length=200, blank=True, default="",
        help_text="the machine (PERFECTCATCH_NODE, else its host name) and process that ran it")
    rejected_records = models.JSONField(
        default=list, blank=True, help_text="[{id, error}] of records set aside (the first 200)")
    warning_samples = models.JSONField(
        default=list, blank=True, help_text="[{id, warning}] of values that did not fit their "
                                            "column (the first 200)")

    class Meta:
        db_table = "st_sync_log"
        ordering = ["-started_at", "resource"]
        indexes = [models.Index(fields=["resource", "-started_at"], name="st_sync_log_recent")]

    def __str__(self) -> str:
        return f"{self.resource} {self.status} {self.started_at:%Y-%m-%d %H:%M}"
