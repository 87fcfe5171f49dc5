"""Strict readers for the environment, on top of one ``environ.Env``.

Every secret can come from ``NAME`` or from a file named by ``NAME_FILE`` (Docker and systemd
secrets). A malformed value fails loudly with ``ImproperlyConfigured``; error messages name the
variable, never its value.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def strict_bool(name: str, default: bool) -> bool:
    """``true/false/1/0/yes/no/on/off`` (any case); anything else is a configuration error."""
    raw = env.str(name, default="").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of true/false, 1/0, yes/no, on/off (got an unrecognised value)"
    )


def choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.str(name, default=default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}")
    return value


def secret(name: str, default: str | None = None) -> str | None:
    """The value of ``NAME``, or the content of the file named by ``NAME_FILE``.

    ``NAME_FILE`` wins when both are set. Surrounding whitespace (the trailing newline editors
    add) is stripped. An empty value counts as unset.
    """
    path = env.str(f"{name}_FILE", default="").strip()
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points at a file that cannot be read ({exc.__class__.__name__})"
            ) from None
    else:
        value = env.str(name, default="").strip()
    return value or default


def require(name: str, value: str | None, why: str) -> str:
    if not value:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) is required {why}")
    return value
