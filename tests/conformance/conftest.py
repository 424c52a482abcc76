"""Conformance tests run on SQLite only: they check what a diagram means, which does not
depend on the database (the rest of the suite runs the engine on PostgreSQL too)."""

from __future__ import annotations

import pytest

from ..conftest import empty_database


@pytest.fixture
def database_url(request, tmp_path):
    return empty_database("sqlite", tmp_path, request)
