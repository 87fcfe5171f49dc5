"""Credentials an ``http_request`` step sends, kept out of its definition.

A header value names a credential as ``{{ secrets.NAME }}`` ("Authorization":
"Bearer {{ secrets.crm_token }}"); the worker reads the file ``NAME`` in
``WORKFLOW_HTTP_SECRETS_DIR`` each time it sends (a rotated file is used from the next
request on; systemd's ``LoadCredential=`` directory fits). Definitions, their exports, versions
and step runs hold only the reference, so nobody who can read a definition can read the
credential. Only headers may name secrets (the step's validation refuses the rest): a URL,
a body or a text is recorded or sent where staff can read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

_NAME = r"[A-Za-z0-9_]{1,64}"
REFERENCE = re.compile(r"\bsecrets\.(" + _NAME + r")\b")
# ``secrets`` inside a template tag ({{ … }} or {% … %}); the plain word in a text is fine.
IN_A_TAG = re.compile(r"\{[{%][^}]*\bsecrets\b")


class MissingSecret(Exception):
    """A named credential that cannot be read (the message says which and why)."""


def referenced(texts: Iterable[str]) -> set[str]:
    """The secret names ``texts`` refer to."""
    return {name for text in texts for name in REFERENCE.findall(text)}


def mentions(value: object) -> bool:
    """Whether a template inside a JSON ``value`` reads ``secrets`` (keys aside)."""
    if isinstance(value, str):
        return bool(IN_A_TAG.search(value))
    if isinstance(value, dict):
        return any(mentions(item) for item in value.values())
    if isinstance(value, list):
        return any(mentions(item) for item in value)
    return False


def read(names: Iterable[str]) -> dict[str, str]:
    """Each named credential's value (the file's text, surrounding whitespace stripped)."""
    directory = settings.WORKFLOW_HTTP_SECRETS_DIR
    if not directory:
        raise MissingSecret("no WORKFLOW_HTTP_SECRETS_DIR is configured, so "
                            f"{', '.join(sorted(names))} cannot be read")
    values = {}
    for name in sorted(names):
        try:
            values[name] = (Path(directory) / name).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise MissingSecret(f"secret {name!r} is not in WORKFLOW_HTTP_SECRETS_DIR") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise MissingSecret(f"secret {name!r} cannot be read "
                                f"({exc.__class__.__name__})") from None
        if not values[name]:
            raise MissingSecret(f"secret {name!r} is empty")
    return values
