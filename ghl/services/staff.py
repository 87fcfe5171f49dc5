"""The ``employees`` mapping: ServiceTitan technicians and employees → GHL users.

``match_employees`` (run after every users sync) brings the list in step with the ServiceTitan
mirror and matches each person to the active GHL user with the same email, ignoring case. A
GHL user staff chose by hand (``match = staff``) is kept as it is.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from ghl.models import Employee, GHLUser
from servicetitan import models as st

_ST_KINDS = ((Employee.Kind.TECHNICIAN, st.Technician), (Employee.Kind.EMPLOYEE, st.Employee))


@transaction.atomic
def match_employees() -> dict[str, int]:
    """Returns counts: ``matched`` (by email), ``unmatched``, ``staff`` (set by hand)."""
    _refresh_from_servicetitan()
    users = {u.email.lower(): u for u in GHLUser.objects.filter(active=True).exclude(email="")}
    changed = []
    for person in Employee.objects.exclude(match=Employee.Match.STAFF):
        user = users.get(person.email.lower()) if person.email else None
        match = Employee.Match.EMAIL if user else Employee.Match.NONE
        if (person.ghl_user_id, person.match) != (user.id if user else None, match):
            person.ghl_user, person.match = user, match
            changed.append(person)
    Employee.objects.bulk_update(changed, ["ghl_user", "match", "updated_at"])
    counts = {m: Employee.objects.filter(match=m).count() for m in Employee.Match.values}
    return {"matched": counts["email"], "unmatched": counts["none"], "staff": counts["staff"]}


def _refresh_from_servicetitan() -> None:
    rows = [Employee(st_kind=kind, st_id=record.id, name=record.name[:255],
                     email=(record.email or "").strip(), active=record.active)
            for kind, model in _ST_KINDS
            for record in model.objects.only("id", "name", "email", "active")]
    Employee.objects.bulk_create(rows, update_conflicts=True,
                                 unique_fields=["st_kind", "st_id"],
                                 update_fields=["name", "email", "active", "updated_at"])
    # A sold-by person first seen before the mirror had them: the real row replaces it.
    Employee.objects.filter(st_kind=Employee.Kind.UNKNOWN, ghl_user__isnull=True,
                            st_id__in=[row.st_id for row in rows]).delete()


def employee_for(st_id: int) -> Employee:
    """The mapping row of a ServiceTitan person (an estimate's sold-by). Created when missing
    — from the mirror (matched by email at once), or as an unknown person — so staff see
    whom to map."""
    found = Employee.objects.select_related("ghl_user").filter(st_id=st_id).order_by(
        F("ghl_user_id").asc(nulls_last=True)).first()
    if found is not None:
        return found
    for kind, model in _ST_KINDS:
        record = model.objects.filter(id=st_id).first()
        if record is not None:
            email = (record.email or "").strip()
            user = GHLUser.objects.filter(active=True, email__iexact=email).first() \
                if email else None
            return Employee.objects.get_or_create(st_kind=kind, st_id=st_id, defaults={
                "name": record.name[:255], "email": email, "active": record.active,
                "ghl_user": user, "match": Employee.Match.EMAIL if user else
                Employee.Match.NONE})[0]
    return Employee.objects.get_or_create(
        st_kind=Employee.Kind.UNKNOWN, st_id=st_id,
        defaults={"name": f"ServiceTitan person {st_id}"})[0]


def assign_ghl_user(*, employee: Employee, user: GHLUser | None) -> Employee:
    """Staff's choice (a user, or deliberately none): kept by every later automatic match."""
    employee.ghl_user, employee.match = user, Employee.Match.STAFF
    employee.save(update_fields=["ghl_user", "match", "updated_at"])
    return employee


def forget_staff_choice(employee_ids: list[int]) -> dict[str, int]:
    """Let email matching decide again for these people; returns ``match_employees``'s
    counts."""
    Employee.objects.filter(id__in=employee_ids, match=Employee.Match.STAFF).update(
        match=Employee.Match.NONE, ghl_user=None)
    return match_employees()
