"""The schema the migrations build is the schema the models declare (Alembic's autogenerate
comparison on a freshly upgraded database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import engine.service  # noqa: F401 - every engine table on Base.metadata
import notifications.models  # noqa: F401 - and the notification tables
from engine.db import Base, make_engine


def test_the_migrated_schema_equals_the_models(database_url):
    connectable = make_engine(database_url)
    try:
        with connectable.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            drift = compare_metadata(context, Base.metadata)
    finally:
        connectable.dispose()
    assert drift == [], f"migrations and models differ: {drift}"
