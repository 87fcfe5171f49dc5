"""Browser tests: Debian's chromium driven by Playwright against the live server (a real
gunicorn-free Django thread on the test's PostgreSQL database). Playwright cannot download its
own browsers here, so it launches ``/usr/bin/chromium`` (``apt-get install -y chromium``).
A failing test keeps a screenshot under ``test-artifacts/`` (pyproject's addopts)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.contrib.auth.models import Group, User

# The conversation tests' customer and Twilio sandbox, as the messaging tests have them.
from tests.messaging.conftest import customer, twilio, twilio_server  # noqa: F401

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url,
            "viewport": {"width": 1400, "height": 1000}, "timezone_id": "America/New_York"}


@pytest.fixture
def staff_user(transactional_db):
    def make(role: str, username: str | None = None) -> User:
        user = User.objects.create_user(username or role.lower(), password=PASSWORD,
                                        is_staff=True, email=f"{role.lower()}@example.com")
        user.groups.add(Group.objects.get(name=role))
        return user
    return make


@pytest.fixture
def log_in(page, staff_user):
    """Open the admin as a new user of ``role`` through the login form."""
    def go(role: str = "Manager"):
        user = staff_user(role)
        page.goto("/admin/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/admin/")
        return user
    return go
