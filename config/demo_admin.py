"""The first staff user for a development run, so ``make run`` can be logged into at once.

Only in development and only while no superuser exists. The password is random and written to
a file only the current user can read; it is never printed. In production create staff users
with ``manage.py createsuperuser``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model


@dataclass(frozen=True)
class DemoAdmin:
    username: str
    password_file: Path


def ensure_demo_admin(username: str = "admin") -> DemoAdmin | None:
    password_file = Path(settings.VAR_DIR) / "admin-password"
    if settings.PRODUCTION:
        return None
    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        existing = User.objects.filter(username=username, is_superuser=True).exists()
        return DemoAdmin(username, password_file) if existing and password_file.exists() else None
    password = secrets.token_urlsafe(18)
    User.objects.create_superuser(username=username, email="", password=password)
    password_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(password + "\n")
    return DemoAdmin(username, password_file)
