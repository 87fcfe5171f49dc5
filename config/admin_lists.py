"""What keeps a changelist fast on a table of millions of rows (``BigTableMixin``).

Django's changelist asks the database for four things whose cost grows with the table: the
row count (twice: filtered and in total), the values of each ``list_filter`` on a plain column
(``SELECT DISTINCT`` over the whole table), the periods of ``date_hierarchy`` (``SELECT
DISTINCT date_trunc(…)`` over the whole table) and a search (``icontains`` scans). Here:

- ``EstimatedCountPaginator``: an unfiltered list of more than ``ESTIMATE_ABOVE`` rows counts
  from PostgreSQL's statistics (``pg_class.reltuples``, kept by ANALYZE/autovacuum) and says
  "about"; a filtered list, a small table and other databases count exactly.
- ``IndexedValuesFilter``: a filter's values read with a loose index scan (one index probe per
  distinct value); the column needs an index that starts with it.
- The date hierarchy's periods found by probing each candidate period between the first and
  last row (one indexed ``EXISTS`` each) instead of grouping every row.
- ``PhoneSearchMixin``: a search that is a phone number, in any spelling, compares the
  indexed E.164 column (``config.phones.phone_key``) instead of scanning.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from config.estimates import ESTIMATE_ABOVE, distinct_values, table_estimate
from config.phones import searched_phone


class EstimatedCountPaginator(Paginator):
    """``count`` from the table's statistics for an unfiltered queryset of a big table
    (``estimated`` is then True: the last pages may be a little short or a little empty)."""

    estimated = False

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            estimate = table_estimate(self.object_list)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                self.estimated = True
                return estimate
        return super().count


class IndexedValuesFilter(admin.AllValuesFieldListFilter):
    """``AllValuesFieldListFilter`` reading its values with ``distinct_values`` (when the
    admin's queryset is the whole table; otherwise as Django does)."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        if field_path == field.name and not model_admin.get_queryset(request).query.where:
            self.lookup_choices = distinct_values(model, field.column)


class PeriodQuerySet(QuerySet):
    """``datetimes()`` by probing each candidate period between the first and the last row,
    for the admin's date hierarchy (same answer as Django's ``SELECT DISTINCT``)."""

    def datetimes(self, field_name, kind, order="ASC", tzinfo=None):
        if kind not in ("year", "month", "day") or self.query.is_sliced:
            return super().datetimes(field_name, kind, order, tzinfo)
        bounds = self.aggregate(first=Min(field_name), last=Max(field_name))
        if bounds["first"] is None:
            return []
        zone = tzinfo or timezone.get_current_timezone()
        periods = []
        start = _truncate(timezone.localtime(bounds["first"], zone), kind)
        while start <= bounds["last"]:
            end = _following(start, kind)
            if self.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end}).exists():
                periods.append(start)
            start = end
        return periods if order == "ASC" else periods[::-1]


def _truncate(moment: datetime, kind: str) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if kind in ("month", "year"):
        day = day.replace(day=1)
    if kind == "year":
        day = day.replace(month=1)
    return timezone.make_aware(day, moment.tzinfo)


def _following(start: datetime, kind: str) -> datetime:
    naive = start.replace(tzinfo=None)
    if kind == "year":
        naive = naive.replace(year=naive.year + 1)
    elif kind == "month":
        naive = naive.replace(year=naive.year + naive.month // 12, month=naive.month % 12 + 1)
    else:
        naive = datetime.fromordinal(naive.toordinal() + 1)
    return timezone.make_aware(naive, start.tzinfo)


def with_period_probes(queryset: QuerySet) -> QuerySet:
    """``queryset`` whose ``datetimes()`` probes periods (``PeriodQuerySet``)."""
    clone = queryset._chain()
    if not isinstance(clone, PeriodQuerySet):
        clone.__class__ = _period_class(type(clone))
    return clone


@cache
def _period_class(queryset_class: type[QuerySet]) -> type[QuerySet]:
    """``queryset_class`` (a manager's own QuerySet, say) with ``PeriodQuerySet``'s
    ``datetimes``; one class per queryset class."""
    return type(f"Period{queryset_class.__name__}", (PeriodQuerySet, queryset_class), {})


class BigTableChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        return with_period_probes(super().get_queryset(request, exclude_parameters))


class BigTableMixin:
    """For a ModelAdmin: a changelist that stays fast on a table of millions of rows (see the
    module)."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50  # half of Django's 100: rendering the rows is most of the page's time

    def get_changelist(self, request, **kwargs):
        return BigTableChangeList


class PhoneSearchMixin:
    """A search that is a phone number (``phone_key``: any usual spelling) finds the rows
    whose ``phone_search_field`` holds its E.164 key, plus the rows an exact (``=``) search
    field of the admin matches; any other search is Django's."""

    phone_search_field = "phone"

    def get_search_results(self, request, queryset, search_term):
        key = searched_phone(search_term)
        if key is None:
            return super().get_search_results(request, queryset, search_term)
        found = Q(**{self.phone_search_field: key})
        for name in self.get_search_fields(request):
            if name.startswith("=") and (value := _exact_value(self.model, name[1:],
                                                              search_term)) is not None:
                found |= Q(**{name[1:]: value})
        return queryset.filter(found), False


def _exact_value(model, name: str, term: str) -> Any:
    """``term`` as a value of the field ``name``, None when it is not one (as Django's search
    skips a term that does not fit the field)."""
    try:
        formfield = model._meta.get_field(name).formfield()
        return None if formfield is None else formfield.clean(term.strip())
    except (FieldDoesNotExist, ValidationError):
        return None
