"""Login throttling that stops the guesser without locking the user out.

Three budgets (``settings.RATELIMITS``):

- ``admin_login``, per client address: every login POST counts (``config.admin_site``), so
  one address guessing one password or a thousand usernames is stopped there.
- ``admin_login_username``, per username: only failures count, and only failures from browsers
  that have never signed in as that user. Once it is spent, such browsers get 429 for that
  username until the window ends, so an attacker rotating addresses is still limited.
- ``admin_login``, per device: a browser that has signed in as the user carries a signed
  device cookie for that username (OWASP's "device cookies") and has a budget of its own:
  nobody else's failures lock it out, and a stolen cookie does not give unlimited guesses.

Failures from an attacker's address therefore never lock the user out of their own browser,
and a successful sign-in resets the failures of the browser it came from. Counters live in the
cache (Redis in production), shared by every web process; a window starts at its first
failure.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_ratelimit.core import _split_rate

COOKIE = "pc_login_device"
_SALT = "perfectcatch.login-device"
DEVICE_MAX_AGE = 180 * 24 * 3600  # a browser not used to sign in for half a year is new again


@dataclass(frozen=True)
class LoginAttempt:
    """One POST to the login page: who it is for, and the budget its failures spend."""

    username: str
    device: str | None  # the device token when the browser signed in as ``username`` before

    @classmethod
    def of(cls, request: HttpRequest) -> LoginAttempt:
        # Usernames compared without case, so "Admin" and "admin" share one budget.
        username = request.POST.get("username", "").strip().lower()
        return cls(username, _device(request.COOKIES.get(COOKIE, ""), username))

    @property
    def group(self) -> str:
        return "admin_login" if self.device else "admin_login_username"

    @property
    def _key(self) -> str:
        who = f"{self.username}\0{self.device or ''}".encode()
        return f"pc:login-failures:{self.group}:{hashlib.sha256(who).hexdigest()}"

    def blocked(self) -> bool:
        """True when this browser's budget for this username is spent."""
        limit, _period = _split_rate(settings.RATELIMITS[self.group])
        return bool(self.username) and cache.get(self._key, 0) >= limit

    def failed(self) -> None:
        _limit, period = _split_rate(settings.RATELIMITS[self.group])
        cache.add(self._key, 0, timeout=period)
        try:
            cache.incr(self._key)
        except ValueError:  # expired between the two calls
            cache.set(self._key, 1, timeout=period)

    def succeeded(self, response: HttpResponse) -> None:
        """Forget this browser's failures and mark it as one the user signs in with."""
        cache.delete(self._key)
        device = self.device or secrets.token_urlsafe(16)
        response.set_cookie(COOKIE, signing.dumps([device, _digest(self.username)], salt=_SALT),
                            max_age=DEVICE_MAX_AGE, path=reverse("admin:index"),
                            secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                            samesite="Lax")


def _digest(username: str) -> str:
    return hashlib.sha256(username.encode()).hexdigest()[:32]


def _device(cookie: str, username: str) -> str | None:
    """The device token of a valid cookie issued for ``username``, else None."""
    try:
        device, digest = signing.loads(cookie, salt=_SALT, max_age=DEVICE_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return device if isinstance(device, str) and digest == _digest(username) else None
