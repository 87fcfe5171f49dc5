"""``employees``: ServiceTitan technicians and employees, each mapped to a GHL user (or not).

Matched automatically by email, ignoring case; staff can set or change the GHL user by hand,
and a later automatic match never overwrites a hand-made choice. An estimate's opportunity is
assigned to the GHL user of its sold-by employee."""

from __future__ import annotations

from django.db import models

from ghl.models.mirror import GHLUser


class Employee(models.Model):
    class Kind(models.TextChoices):
        TECHNICIAN = "technician"
        EMPLOYEE = "employee"
        UNKNOWN = "unknown", "not in the ServiceTitan mirror"

    class Match(models.TextChoices):
        NONE = "none", "unmatched"
        EMAIL = "email", "matched by email"
        STAFF = "staff", "set by staff"

    st_kind = models.CharField("ServiceTitan kind", max_length=12, choices=Kind.choices)
    st_id = models.BigIntegerField("ServiceTitan id", db_index=True)
    name = models.CharField(max_length=255, blank=True, default="")
    email = models.CharField(max_length=255, blank=True, default="")
    active = models.BooleanField(default=True)
    ghl_user = models.ForeignKey(GHLUser, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="employees", verbose_name="GHL user")
    match = models.CharField(max_length=10, choices=Match.choices, default=Match.NONE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "employees"
        constraints = [models.UniqueConstraint(fields=["st_kind", "st_id"],
                                               name="employee_once_per_st_record")]
        ordering = [models.F("ghl_user").asc(nulls_first=True), "name"]

    def __str__(self) -> str:
        return f"{self.name or self.st_id} ({self.st_kind})"
