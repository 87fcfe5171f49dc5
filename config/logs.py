"""Logging: one JSON object per line, a request id on every line logged during a request, and
phone numbers and credentials masked in every message whatever logger wrote it.

Message bodies are never passed to a logger by our code; the mask is the safety net for the
rest (a vendor library's error text, an exception message quoting a phone number, …).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

_PHONE = re.compile(r"(?<![\w.])(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?(\d{4})(?![\w])")
_E164 = re.compile(r"(?<![\w])\+\d{6,14}(\d{4})(?![\w])")
_SECRETS = re.compile(
    r"(?i)\b((?:access_token|auth_token|token|client_secret|password|secret|api_key|app_key|"
    r"authorization)[\"']?\s*[:=]\s*[\"']?(?:bearer\s+|basic\s+)?|bearer\s+|basic\s+)"
    r"([^\s\"'&,;]+)"
)


def mask(text: str) -> str:
    """Phone numbers keep their last four digits; credentials become ``***``."""
    text = _SECRETS.sub(lambda m: m.group(1) + "***", text)
    text = _E164.sub(lambda m: "+*******" + m.group(1), text)
    return _PHONE.sub(lambda m: "***-***-" + m.group(2), text)


class MaskingFilter(logging.Filter):
    """Masks the formatted message (and the exception text) of every record it sees, and
    stamps it with the current request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed %-format: keep what we have
            message = str(record.msg)
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        record.request_id = request_id_var.get()
        return True


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
            "django.db.backends": {"level": "INFO"},
            # Our request log replaces runserver's and django.request's access-style lines.
            "django.server": {"level": "WARNING"},
        },
    }
