"""CSV import of an opt-out list through the admin: all or nothing, problems by line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import CommunicationPreference, PreferenceChange

pytestmark = pytest.mark.django_db
URL = "/admin/messaging/communicationpreference/import/"


def upload(admin_client, content: bytes, name="optouts.csv"):
    return admin_client.post(URL, {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_the_import_page_answers(admin_client):
    assert admin_client.get(URL).status_code == 200


def test_a_good_list_is_imported_with_reasons_and_audit(admin_client):
    response = upload(admin_client, b"Phone,Reason\n(407) 555-0142,old CRM\n407.555.0143,\n")
    assert response.status_code == 302
    assert CommunicationPreference.objects.filter(sms_opted_out=True,
                                                  opt_out_source="import").count() == 2
    reasons = set(PreferenceChange.objects.values_list("reason", flat=True))
    assert reasons == {"old CRM", "imported from optouts.csv"}


def test_a_list_without_a_header_is_one_number_per_line(admin_client):
    upload(admin_client, b"4075550142\n4075550143\n4075550142\n")
    assert CommunicationPreference.objects.count() == 2


def test_one_bad_row_rejects_the_whole_file_naming_each_problem(admin_client):
    response = upload(admin_client, b"phone\n4075550142\nnot a number\n12345\n")
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was imported" in page
    assert "line 3" in page and "line 4" in page
    assert not CommunicationPreference.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(admin_client):
    response = upload(admin_client, "phone\n4075550142 café\n".encode("utf-16"))
    assert "not UTF-8" in response.content.decode()


def test_a_header_without_a_phone_column_is_refused(admin_client):
    response = upload(admin_client, b"name,email\nDana,d@example.com\n")
    assert "no phone column" in response.content.decode()


def test_an_empty_file_is_refused(admin_client):
    response = upload(admin_client, b"\n\n")
    assert "no rows" in response.content.decode()
