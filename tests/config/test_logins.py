"""Login throttling (config/logins.py): the guesser is stopped, the user is not locked out of
their own browser, and a successful sign-in resets its browser's failures."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from config.logins import COOKIE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("still_clock")]
PASSWORD = "pw-long-enough-1"


@pytest.fixture
def user():
    return get_user_model().objects.create_user("dispatcher", password=PASSWORD, is_staff=True)


@pytest.fixture
def limits(settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "admin_login": "3/5m",
                           "admin_login_username": "4/15m"}


def log_in(client, password=PASSWORD, address="10.0.0.99", username="dispatcher"):
    return client.post("/admin/login/", {"username": username, "password": password},
                       REMOTE_ADDR=address)


def guess_from_many_addresses(times: int, username="dispatcher"):
    for i in range(times):
        log_in(Client(), "wrong", address=f"10.0.1.{i}", username=username)


def test_failures_from_an_attackers_address_do_not_lock_the_user_out_of_theirs(user, limits):
    attacker = Client()
    statuses = [log_in(attacker, "wrong", address="203.0.113.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # the attacker's address is stopped …
    assert log_in(Client()).status_code == 302  # … the user, elsewhere, is not


def test_a_guesser_rotating_addresses_is_still_limited_per_username(user, limits):
    guess_from_many_addresses(4)
    response = log_in(Client(), "wrong", address="10.0.2.1")
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert "Too many failed sign-ins" in response.content.decode()


def test_the_users_own_browser_signs_in_while_the_username_is_under_attack(user, limits):
    browser = Client()
    assert log_in(browser).status_code == 302 and COOKIE in browser.cookies
    browser.post("/admin/logout/")
    guess_from_many_addresses(4)
    assert log_in(Client(), address="10.0.2.1").status_code == 429  # a new browser waits
    assert log_in(browser, address="10.0.2.2").status_code == 302   # the user's does not


def test_a_successful_sign_in_resets_its_browsers_failures(user, limits):
    browser = Client()
    log_in(browser)
    browser.post("/admin/logout/")
    for round_ in range(3):
        assert [log_in(browser, "wrong", address=f"10.0.{round_}.{i}").status_code
                for i in range(2)] == [200, 200]
        assert log_in(browser, address=f"10.0.{round_}.9").status_code == 302
        browser.post("/admin/logout/")


def test_a_browser_that_signed_in_has_a_failure_budget_of_its_own(user, limits):
    browser = Client()
    log_in(browser)
    browser.post("/admin/logout/")
    statuses = [log_in(browser, "wrong", address=f"10.0.3.{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert log_in(Client(), address="10.0.4.1").status_code == 302  # others are unaffected


def test_a_device_cookie_counts_only_for_the_username_it_was_issued_for(user, limits):
    get_user_model().objects.create_user("manager", password=PASSWORD, is_staff=True)
    browser = Client()
    log_in(browser, username="manager")
    browser.post("/admin/logout/")
    guess_from_many_addresses(4)
    assert log_in(browser, address="10.0.5.1").status_code == 429


def test_a_forged_device_cookie_counts_as_a_new_browser(user, limits):
    guess_from_many_addresses(4)
    forger = Client()
    forger.cookies[COOKIE] = "a-token:forged"
    assert log_in(forger, address="10.0.6.1").status_code == 429


def test_usernames_differing_only_in_case_share_one_budget(user, limits):
    for i, name in enumerate(["Dispatcher", "DISPATCHER", "dispatcher", "DiSpAtChEr"]):
        log_in(Client(), "wrong", address=f"10.0.7.{i}", username=name)
    assert log_in(Client(), address="10.0.7.9").status_code == 429
