"""Logging: one JSON object per line, a request id on every line logged during a request, and
phone numbers and credentials masked in every message whatever logger wrote it.

Message bodies are never passed to a logger by our code; the mask is the safety net for the
rest (a vendor library's error text, an exception message quoting a phone number, a task's
traceback, …). It is applied where every record is made (``logging``'s record factory,
installed by ``configure``, which ``settings.LOGGING_CONFIG`` names), not by one handler: the
loggers that bring their own handlers and do not propagate (gunicorn's, Django's default
console handler on ``django`` in development, whatever a library adds) are masked too. The
message is formatted with its arguments first, then masked, so ``record.args`` is ``None``
afterwards; the exception and stack texts are formatted and masked into ``exc_text`` and
``stack_info``, which every ``logging.Formatter`` prints instead of formatting ``exc_info``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import logging.config
import re
from collections.abc import Callable
from datetime import UTC, datetime

from config.redact import mask_url_password

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

_PHONE = re.compile(r"(?<![\w.])(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?(\d{4})(?![\w])")
_E164 = re.compile(r"(?<![\w])\+\d{6,14}(\d{4})(?![\w])")
# The same, percent-encoded in a URL's query or a form body (%2B is "+").
_E164_QUOTED = re.compile(r"(?i)%2B\d{6,14}(\d{4})(?![\w])")
_SECRETS = re.compile(
    r"(?i)\b((?:access[-_]token|auth[-_]token|token|client[-_]secret|password|secret|"
    r"api[-_]key|app[-_]key|authorization)[\"']?\s*[:=]\s*[\"']?(?:bearer\s+|basic\s+)?|"
    r"bearer\s+|basic\s+)"
    r"([^\s\"'&,;]+)"
)


def mask(text: str) -> str:
    """Phone numbers keep their last four digits; credentials and URL passwords become
    ``***``/``********``."""
    text = mask_url_password(text)
    text = _SECRETS.sub(lambda m: m.group(1) + "***", text)
    text = _E164.sub(lambda m: "+*******" + m.group(1), text)
    text = _E164_QUOTED.sub(lambda m: "%2B*******" + m.group(1), text)
    return _PHONE.sub(lambda m: "***-***-" + m.group(2), text)


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Mask ``record`` in place (message with its arguments, exception and stack texts) and
    stamp it with the current request id. Idempotent: a record is masked once."""
    if getattr(record, "masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed %-format: keep what we have
        message = str(record.msg)
    record.msg, record.args = mask(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    record.request_id = request_id_var.get()
    record.masked = True
    return record


class MaskingFilter(logging.Filter):
    """``mask_record`` as a handler filter, for records made before ``configure`` ran (or by
    ``logging.makeLogRecord``, which bypasses the record factory)."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


class MaskingRecordFactory:
    """Wraps the record factory in place: every record is masked as it is made."""

    def __init__(self, make: Callable[..., logging.LogRecord]) -> None:
        self.make = make

    def __call__(self, *args, **kwargs) -> logging.LogRecord:
        return mask_record(self.make(*args, **kwargs))


def install_masking() -> None:
    """Mask every record this process makes from now on (idempotent)."""
    current = logging.getLogRecordFactory()
    if not isinstance(current, MaskingRecordFactory):
        logging.setLogRecordFactory(MaskingRecordFactory(current))


def configure(config: dict) -> None:
    """``settings.LOGGING_CONFIG``: Django calls it with ``settings.LOGGING`` at set-up, in
    every process (web workers, the cluster, the listener, commands)."""
    logging.config.dictConfig(config)
    install_masking()


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", "request_id", …extra fields}`` on one line."""

    EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "user", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", ""):
            entry["request_id"] = record.request_id
        for name in self.EXTRA_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_text or record.exc_info:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(rid)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", "")
        record.rid = f" [{request_id}]" if request_id else ""
        return super().format(record)


def logging_config(*, level: str, json_lines: bool) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"mask": {"()": "config.logs.MaskingFilter"}},
        "formatters": {
            "json": {"()": "config.logs.JsonFormatter"},
            "plain": {"()": "config.logs.PlainFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["mask"],
                        "formatter": "json" if json_lines else "plain"},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's default console handler on "django" (development) would print each of
            # its lines a second time: they reach the root's handler like everyone else's.
            "django": {"handlers": [], "level": "INFO", "propagate": True},
            "django.db.backends": {"level": "INFO"},
            # Our request log replaces runserver's and django.request's access-style lines.
            "django.server": {"level": "WARNING"},
        },
    }
