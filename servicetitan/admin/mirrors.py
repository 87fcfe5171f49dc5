"""Read-only admin pages for the ``st_*`` mirror tables, declared as data.

Staff search and filter; nothing can be added, changed or deleted here (the sync owns these
rows). References to other ServiceTitan records link to their pages; the raw record shows
pretty-printed. No page runs a query per row: links are built from the id columns alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from config.admin_base import ReadOnlyAdmin
from config.admin_lists import BigTableMixin, PhoneSearchMixin
from config.formatting import pretty
from servicetitan import models as m


@dataclass(frozen=True)
class Mirror:
    columns: tuple[str, ...]
    search: tuple[str, ...]
    filters: tuple[str, ...] = ()
    phone: str = ""  # the E.164 key column a search by phone compares (any spelling)


# Which mirror an id column points at (columns named like this in any mirror become links).
TARGETS: dict[str, type[models.Model]] = {
    "customer_id": m.Customer, "location_id": m.Location, "job_id": m.Job,
    "appointment_id": m.Appointment, "technician_id": m.Technician,
    "business_unit_id": m.BusinessUnit, "job_type_id": m.JobType, "campaign_id": m.Campaign,
    "estimate_id": m.Estimate, "invoice_id": m.Invoice, "project_id": m.Project,
}
_STAMPS = ("active", "modified_on")

MIRRORS: dict[type[models.Model], Mirror] = {
    m.Customer: Mirror(("id", "name", "type", "city", "state", "balance", "do_not_service",
                        *_STAMPS), ("=id", "name", "street", "city", "zip"),
                       ("active", "type", "do_not_mail", "do_not_service", "state")),
    m.CustomerContact: Mirror(("id", "customer_id", "type", "value", "do_not_text", *_STAMPS),
                              ("=id", "=customer_id", "value"), ("active", "type", "do_not_text"),
                              phone="phone_e164"),
    m.Location: Mirror(("id", "name", "customer_id", "city", "state", *_STAMPS),
                       ("=id", "=customer_id", "name", "street", "city", "zip"),
                       ("active", "state")),
    m.Job: Mirror(("id", "job_number", "job_status", "customer_id", "location_id",
                   "business_unit_id", "total", "completed_on", *_STAMPS),
                  ("=id", "job_number", "=customer_id", "summary"),
                  ("job_status", "active", "priority", "business_unit_id")),
    m.Appointment: Mirror(("id", "appointment_number", "job_id", "customer_id", "status",
                           "start", "end", *_STAMPS),
                          ("=id", "appointment_number", "=job_id", "=customer_id"),
                          ("status", "active", "is_confirmed")),
    m.AppointmentAssignment: Mirror(("id", "appointment_id", "job_id", "technician_id",
                                     "technician_name", "status", *_STAMPS),
                                    ("=id", "=appointment_id", "=job_id", "technician_name"),
                                    ("status", "active")),
    m.Technician: Mirror(("id", "name", "email", "mobile_phone", "team", "business_unit_id",
                          *_STAMPS), ("=id", "name", "email"), ("active", "team")),
    m.Employee: Mirror(("id", "name", "email", "role", "business_unit_id", *_STAMPS),
                       ("=id", "name", "email"), ("active", "role")),
    m.BusinessUnit: Mirror(("id", "name", "official_name", "email", *_STAMPS),
                           ("=id", "name"), ("active",)),
    m.JobType: Mirror(("id", "name", "priority", "duration", *_STAMPS), ("=id", "name"),
                      ("active", "priority")),
    m.Campaign: Mirror(("id", "name", "category", "source", "medium", *_STAMPS),
                       ("=id", "name", "category"), ("active", "category")),
    m.Estimate: Mirror(("id", "name", "status", "customer_id", "job_id", "total", "sold_on",
                        *_STAMPS), ("=id", "name", "job_number", "=customer_id", "=job_id"),
                       ("status", "active", "review_status", "business_unit_id")),
    m.EstimateItem: Mirror(("id", "estimate_id", "sku_name", "qty", "unit_rate", "total",
                            *_STAMPS), ("=id", "=estimate_id", "sku_name", "description"),
                           ("active",)),
    m.Invoice: Mirror(("id", "reference_number", "customer_id", "job_id", "invoice_date",
                       "total", "balance", "paid_on", *_STAMPS),
                      ("=id", "reference_number", "=customer_id", "=job_id"),
                      ("active", "business_unit_id")),
    m.InvoiceItem: Mirror(("id", "invoice_id", "sku_name", "type", "quantity", "price",
                           "total", *_STAMPS), ("=id", "=invoice_id", "sku_name"),
                          ("active", "type")),
    m.Payment: Mirror(("id", "reference_number", "customer_id", "date", "type", "total",
                       "unapplied_amount", *_STAMPS),
                      ("=id", "reference_number", "=customer_id"), ("active", "type")),
    m.InstalledEquipment: Mirror(("id", "name", "type", "manufacturer", "model",
                                  "customer_id", "location_id", "installed_on", *_STAMPS),
                                 ("=id", "name", "serial_number", "=customer_id", "model"),
                                 ("active", "type", "manufacturer", "status")),
    m.Membership: Mirror(("id", "customer_id", "status", "billing_frequency", "from_date",
                          "to_date", *_STAMPS), ("=id", "=customer_id"),
                         ("status", "active", "billing_frequency", "follow_up_status")),
    m.Project: Mirror(("id", "number", "name", "status", "customer_id", "start_date",
                       *_STAMPS), ("=id", "number", "name", "=customer_id"),
                      ("status", "active")),
}


def link_to(column: str, target: type[models.Model]) -> Callable:
    """A display method showing ``column`` as a link to the record it names."""
    view = f"admin:{target._meta.app_label}_{target._meta.model_name}_change"

    @admin.display(description=column.removesuffix("_id").replace("_", " "), ordering=column)
    def show(_admin: admin.ModelAdmin, obj: models.Model):
        value = getattr(obj, column)
        if value is None:
            return "-"
        try:
            return format_html('<a href="{}">{}</a>', reverse(view, args=[value]), value)
        except NoReverseMatch:
            return value

    show.__name__ = f"{column}_link"
    return show


class MirrorAdmin(BigTableMixin, ReadOnlyAdmin):
    empty_hint = ("Nothing mirrored yet. Run a ServiceTitan sync: Sync cursors → select → "
                  "“Sync now”.")
    """Read-only: the sync is the only writer of the mirror."""

    list_per_page = 50
    date_hierarchy = None

    def get_fields(self, request, obj=None) -> list:
        names = [f.name for f in self.model._meta.concrete_fields
                 if f.name not in ("raw", "content_hash")]
        return [self._linked(name) for name in names] + ["raw_json"]

    def get_readonly_fields(self, request, obj=None) -> list:
        return self.get_fields(request, obj)

    def _linked(self, name: str) -> str:
        return f"{name}_link" if name in TARGETS and name != "id" else name

    @admin.display(description="raw record (as ServiceTitan sent it)")
    def raw_json(self, obj: models.Model):
        exact = json.dumps(obj.raw, indent=2, ensure_ascii=False, sort_keys=True)
        return format_html("{}<details><summary>exactly as sent (JSON)</summary>"
                           "<pre style='white-space: pre-wrap'>{}</pre></details>",
                           pretty(obj.raw), exact)


def _admin_for(model: type[models.Model], mirror: Mirror) -> type[MirrorAdmin]:
    links = {f"{c}_link": link_to(c, TARGETS[c]) for c in TARGETS
             if any(f.name == c for f in model._meta.concrete_fields)}
    columns = [f"{c}_link" if f"{c}_link" in links else c for c in mirror.columns]
    attrs = {**links, "list_display": columns, "search_fields": mirror.search,
             "list_filter": mirror.filters, "ordering": ("-modified_on",),
             "search_help_text": "Search by " + ", ".join(s.lstrip("=") for s in mirror.search)
             + (" (a phone number in any spelling)" if mirror.phone else "")}
    if mirror.phone:
        attrs["phone_search_field"] = mirror.phone
        return type(f"{model.__name__}Admin", (PhoneSearchMixin, MirrorAdmin), attrs)
    return type(f"{model.__name__}Admin", (MirrorAdmin,), attrs)


for _model, _mirror in MIRRORS.items():
    admin.site.register(_model, _admin_for(_model, _mirror))
