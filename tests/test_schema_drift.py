"""The schema the migrations build is the schema the models declare (Alembic's autogenerate
comparison on a freshly upgraded database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from datetime import datetime

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


def test_migration_0015_turns_people_s_team_strings_into_teams_and_back(database_url):
    """Down to 0014 and up again on this test's database (left at head whatever happens)."""
    from alembic import command
    from sqlalchemy import text

    from engine.schema import alembic_config, upgrade

    connectable = make_engine(database_url)
    try:
        command.downgrade(alembic_config(connectable), "0014")
        with connectable.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO app_user (username, display_name, agency, roles, team,"
                    " password_hash, active, created_at) VALUES (:username, :name, :agency,"
                    " :roles, :team, 'x', :active, :at)"
                ),
                {"username": "ola", "name": "Ola", "agency": "police", "roles": '["practitioner"]',
                 "team": "police-east", "active": True, "at": datetime(2026, 1, 1)},
            )  # fmt: skip
        upgrade(connectable)
        with connectable.connect() as connection:
            teams = connection.execute(text("SELECT code, name, agency, active FROM team")).all()
            groups = connection.execute(text("SELECT group_name FROM user_group")).scalars().all()
        assert teams == [("police-east", "police-east", "police", True)]
        assert groups == ["team:police-east"]
        command.downgrade(alembic_config(connectable), "0014")
        with connectable.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM user_group")).scalar() == 0
    finally:
        upgrade(connectable)
        connectable.dispose()
