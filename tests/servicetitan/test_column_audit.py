"""The audit of the mirror's typed columns against the spec (scripts/audit_st_columns.py)
and the table of its findings in servicetitan/README.md."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from servicetitan.resources import RESOURCES

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("audit_st_columns",
                                               ROOT / "scripts" / "audit_st_columns.py")
audit_st_columns = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = audit_st_columns  # its dataclass looks its module up
_spec.loader.exec_module(audit_st_columns)


@pytest.fixture(scope="module")
def columns() -> list:
    return audit_st_columns.audit(json.loads(audit_st_columns.SCHEMAS.read_text()))


def verdicts(columns: list, verdict: str) -> set[tuple[str, str]]:
    return {(c.table, c.column) for c in columns if c.verdict == verdict}


def test_every_typed_column_of_every_resource_is_audited(columns):
    shapes = [r.shape for r in RESOURCES] + [r.embedded.shape for r in RESOURCES if r.embedded]
    expected = {(s.table, name) for s in shapes for name in s.column_names} - {
        (s.table, name) for s in shapes for name in ("id", *s.computed)}

    assert {(c.table, c.column) for c in columns} == expected


def test_the_columns_fed_from_free_strings_are_the_accounting_amounts(columns):
    assert verdicts(columns, "free string") == {
        ("st_invoices", "sub_total"), ("st_invoices", "sales_tax"), ("st_invoices", "total"),
        ("st_invoices", "balance"), ("st_invoice_items", "quantity"),
        ("st_invoice_items", "price"), ("st_invoice_items", "total"),
        ("st_payments", "total"), ("st_payments", "unapplied_amount")}


def test_no_column_reads_a_type_the_spec_never_sends(columns):
    assert verdicts(columns, "mismatch") == set()


def test_only_an_embedded_items_parent_id_and_active_are_not_in_the_record(columns):
    assert verdicts(columns, "derived") == {("st_estimate_items", "estimate_id"),
                                            ("st_estimate_items", "active")}


def test_every_column_can_store_what_it_holds_when_a_value_does_not_fit(columns):
    unstorable = [(c.table, c.column) for c in columns
                  if c.fallback is None and not c.nullable and c.verdict != "derived"]
    assert unstorable == []


def test_a_money_column_fed_from_a_free_string_falls_back_to_null(columns):
    assert all(c.fallback is None for c in columns if c.verdict == "free string")


def test_the_readme_table_is_the_audit_of_the_columns_that_may_not_fit(columns):
    readme = (ROOT / "servicetitan" / "README.md").read_text()
    table = audit_st_columns.markdown([c for c in columns if c.verdict != "fits"])

    assert table in readme


def test_the_script_prints_the_table(capsys):
    assert audit_st_columns.main([]) == 0
    assert "| `st_invoice_items` | `quantity` |" in capsys.readouterr().out
