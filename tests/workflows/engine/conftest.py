from __future__ import annotations

import pytest
from django.db import connection

from tests.workflows.processes import Fifos


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (LISTEN/NOTIFY, SKIP LOCKED)")


@pytest.fixture
def fifos(tmp_path):
    return Fifos(tmp_path)
