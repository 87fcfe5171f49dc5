"""Shared pieces of the property-based webhook tests (profiles: tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from hypothesis import strategies as st

# Text a request can carry: any code point but lone surrogates (no encoding holds them).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
# Header values as a client library would send them (latin-1, no line breaks).
HEADER = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF,
                               exclude_characters="\x7f"), max_size=120)
# JSON strings can also escape what no encoding holds ("\ud800") and NUL ("\u0000").
JSON_TEXT = TEXT | st.text(st.characters(exclude_categories=()) | st.sampled_from(
    ["\ud800", "\udfff", "\x00"]), max_size=20)
# What a JSON body may hold, nested a little.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | JSON_TEXT,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(JSON_TEXT, children, max_size=4),
    max_leaves=12)


@contextmanager
def isolated() -> Iterator[None]:
    """One example's own world: its rows rolled back and its rate-limit budgets fresh, so the
    examples of one test (which share the test's transaction and client) cannot see each
    other."""
    from config import ratelimits

    cache.clear()
    ratelimits._refusals_spent.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
