"""CSV export of the main changelists: one admin action, shared; each admin declares its
columns (``csv_fields``, paths as ``values_list`` reads them: ``definition__name``), so one
query streams every selected row (or all of them, with "Select all"), however many.

Times are written in the business time zone (what staff read on the pages), JSON as JSON,
and a text that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with '.
Exporting is reading: anyone who may view the list may export it."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


class _Line:
    """A file-like target that hands back what csv.writer writes."""

    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(sep=" ", timespec="seconds") \
            if timezone.is_aware(value) else value.isoformat(sep=" ")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def rows(fields: Iterable[str], queryset: QuerySet) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow([f.replace("__", " ") for f in fields])
    for values in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
        yield writer.writerow([cell(v) for v in values])


@admin.action(description="Export selected as CSV")
def export_csv(modeladmin: admin.ModelAdmin, request: HttpRequest,
               queryset: QuerySet) -> StreamingHttpResponse:
    opts = modeladmin.model._meta
    day = timezone.localdate().isoformat()
    response = StreamingHttpResponse(rows(modeladmin.csv_fields, queryset.order_by("pk")),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{opts.model_name}-{day}.csv"'
    return response


class CsvExport:
    """Mix into a ModelAdmin and set ``csv_fields`` to offer "Export selected as CSV"."""

    csv_fields: tuple[str, ...] = ()

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if self.csv_fields and self.has_view_permission(request):
            actions["export_csv"] = (export_csv, "export_csv", export_csv.short_description)
        return actions
