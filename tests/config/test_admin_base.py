import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory

from config.admin_base import ReadOnlyAdmin, ReadOnlyAdminMixin

pytestmark = pytest.mark.django_db


def request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def edits_granted(model_admin, request) -> set[str]:
    checks = {"add": model_admin.has_add_permission(request),
              "change": model_admin.has_change_permission(request),
              "delete": model_admin.has_delete_permission(request)}
    return {name for name, granted in checks.items() if granted}


def read_only_admins():
    return [a for a in admin.site._registry.values() if isinstance(a, ReadOnlyAdminMixin)]


def test_the_read_only_pages_grant_a_superuser_exactly_what_they_allow():
    superuser = get_user_model().objects.create_superuser("root", password="x-long-pass-1")
    assert len(read_only_admins()) >= 15
    for model_admin in read_only_admins():
        assert edits_granted(model_admin, request_as(superuser)) == model_admin.allow, (
            type(model_admin).__name__)


def test_what_a_page_allows_is_still_subject_to_the_model_permissions():
    viewer = get_user_model().objects.create_user("viewer", password="x-long-pass-1",
                                                  is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewer"))
    for model_admin in read_only_admins():
        assert edits_granted(model_admin, request_as(viewer)) == set(), type(model_admin)


def test_a_misspelt_allowance_is_refused_when_the_class_is_defined():
    with pytest.raises(TypeError, match="chnage"):
        type("Misspelt", (ReadOnlyAdmin,), {"allow": frozenset({"chnage"})})
