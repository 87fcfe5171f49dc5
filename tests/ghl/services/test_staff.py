"""Employees: ServiceTitan people matched to GHL users by email, staff choices kept."""

import pytest

from ghl.models import Employee, GHLUser
from ghl.services.staff import employee_for, match_employees
from ghl.services.sync import sync
from tests.ghl.conftest import STEmployeeFactory, TechnicianFactory

pytestmark = pytest.mark.django_db


def test_people_are_matched_to_ghl_users_by_email(ghl_client):
    technician = TechnicianFactory()
    sync(["users"], client=ghl_client)
    person = Employee.objects.get(st_id=technician.id)
    assert person.ghl_user.email == technician.email and person.match == "email"


def test_the_email_case_does_not_matter(ghl_client):
    # The sandbox's GHL user for Tran holds Tran.Nguyen@PERFECTCATCH-HVAC.EXAMPLE.
    technician = TechnicianFactory(name="Tran Nguyễn",
                                   email="tran.nguyen@perfectcatch-hvac.example")
    sync(["users"], client=ghl_client)
    assert Employee.objects.get(st_id=technician.id).ghl_user is not None


def test_someone_without_a_ghl_user_is_listed_unmatched_and_first(ghl_client):
    TechnicianFactory()
    kevin = TechnicianFactory(name="Kevin O'Brien", email="kevin.obrien@perfectcatch-hvac.example")
    sync(["users"], client=ghl_client)
    first = Employee.objects.first()
    assert first.st_id == kevin.id and first.match == "none" and first.ghl_user is None


def test_a_user_chosen_by_staff_survives_the_next_match(ghl_client):
    person = STEmployeeFactory()
    sync(["users"], client=ghl_client)
    other = GHLUser.objects.exclude(email__iexact=person.email).first()
    Employee.objects.filter(st_id=person.id).update(ghl_user=other, match="staff")
    assert match_employees()["staff"] == 1
    assert Employee.objects.get(st_id=person.id).ghl_user == other


def test_an_unknown_sold_by_person_is_listed_for_staff():
    person = employee_for(999_001)
    assert person.st_kind == "unknown" and person.ghl_user is None
    assert Employee.objects.filter(st_id=999_001).count() == 1


def test_the_real_record_replaces_an_unknown_placeholder_once_synced(ghl_client):
    employee_for(540_999)
    STEmployeeFactory(id=540_999)
    match_employees()
    assert list(Employee.objects.filter(st_id=540_999).values_list("st_kind", flat=True)) == [
        "employee"]
