import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_the_admin_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_staff_user_logs_in_and_sees_the_back_office(client):
    get_user_model().objects.create_user("dispatcher", password="a-long-passphrase-1",
                                         is_staff=True)
    response = client.post("/admin/login/?next=/admin/",
                           {"username": "dispatcher", "password": "a-long-passphrase-1"})
    assert response.status_code == 302
    assert "Back office" in client.get("/admin/").content.decode()


def test_a_wrong_password_is_refused(client):
    get_user_model().objects.create_user("dispatcher", password="a-long-passphrase-1",
                                         is_staff=True)
    response = client.post("/admin/login/", {"username": "dispatcher", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_a_user_who_is_not_staff_cannot_enter(client):
    get_user_model().objects.create_user("customer", password="a-long-passphrase-1")
    client.post("/admin/login/", {"username": "customer", "password": "a-long-passphrase-1"})
    assert client.get("/admin/").status_code == 302
