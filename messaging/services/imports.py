"""Importing an existing opt-out list (CSV) — all or nothing.

The file has a ``phone`` column (any case; ``number``, ``mobile`` and ``phone number`` work
too) and optionally ``reason``; a file without a header row is read as one number per line.
Every row is checked first: any bad row (not a number, wrong column count) rejects the whole
file with every problem listed by line, and nothing is imported. Numbers already opted out
are counted, not changed. Each opt-out goes through ``preferences.opt_out`` (source
``import``), so it is audited and cancels pending texts like any other.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from messaging.locks import lock_numbers
from messaging.phones import InvalidPhoneNumber, normalize_phone
from messaging.services import preferences

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
PHONE_HEADERS = ("phone", "number", "mobile", "phone number", "phone_number", "mobile phone")


class ImportRejected(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = problems


@dataclass
class ImportReport:
    imported: int = 0
    already_opted_out: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)


def import_opt_outs(*, data: bytes, actor: str, filename: str) -> ImportReport:
    """Opt out every number in the CSV ``data``; raises ``ImportRejected`` listing problems."""
    rows = _rows(data)
    wanted, report = _check(rows, filename)
    with transaction.atomic():
        lock_numbers(wanted)  # all at once, in order: no deadlock with another batch
        for phone, reason in wanted.items():
            result = preferences.opt_out(phone=phone, source="import", actor=actor,
                                         reason=reason)
            if result.changed:
                report.imported += 1
            else:
                report.already_opted_out += 1
    return report


def _rows(data: bytes) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        raise ImportRejected([f"the file is larger than {MAX_BYTES // 1024 // 1024} MB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(["the file is not UTF-8 text (save it as CSV UTF-8)"]) from None
    try:
        rows = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
    except csv.Error as exc:
        raise ImportRejected([f"not a CSV file: {exc}"]) from None
    if not rows:
        raise ImportRejected(["the file has no rows"])
    if len(rows) > MAX_ROWS + 1:
        raise ImportRejected([f"more than {MAX_ROWS} rows: split the file"])
    return rows


def _check(rows: list[list[str]], filename: str) -> tuple[dict[str, str], ImportReport]:
    header = [c.strip().lower() for c in rows[0]]
    phone_col = next((header.index(h) for h in PHONE_HEADERS if h in header), None)
    reason_col = header.index("reason") if "reason" in header else None
    first_line = 2 if phone_col is not None else 1
    body = rows[1:] if phone_col is not None else rows
    if phone_col is None and len(header) > 1:
        raise ImportRejected(["the header row has no phone column"])
    wanted: dict[str, str] = {}
    report = ImportReport()
    for line, row in enumerate(body, start=first_line):
        try:
            phone = normalize_phone(row[phone_col or 0] if len(row) > (phone_col or 0) else "")
        except InvalidPhoneNumber as exc:
            report.problems.append(f"line {line}: {exc}")
            continue
        if phone in wanted:
            report.duplicates += 1
            continue
        reason = row[reason_col].strip() if reason_col is not None and len(row) > reason_col \
            else ""
        wanted[phone] = reason or f"imported from {filename}"
    if report.problems:
        raise ImportRejected(report.problems)
    return wanted, report
