"""people and teams: a team table, each person's line manager, one-time password-reset links

Revision ID: 0015
Revises: 0018
Create Date: 2026-11-30 07:40:00
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0015"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("manager", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("code", name=op.f("uq_team_code")),
    )
    with op.batch_alter_table("team") as batch_op:
        batch_op.create_index(batch_op.f("ix_team_agency"), ["agency"], unique=False)
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("used_at", engine.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_hash")),
    )
    with op.batch_alter_table("password_reset") as batch_op:
        batch_op.create_index(batch_op.f("ix_password_reset_username"), ["username"], unique=False)
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.add_column(sa.Column("manager", sa.String(length=64), nullable=True))
    _teams_from_people()


def _teams_from_people() -> None:
    """Team strings people already have become team rows, and members hold the team's queue
    group ``team:<code>`` (as ``engine.agencies.groups_for`` now gives them)."""
    connection = op.get_bind()
    people = connection.execute(
        sa.text("SELECT username, agency, team FROM app_user WHERE team IS NOT NULL ORDER BY id")
    ).all()
    teams = {}
    for _username, agency, team in people:
        teams.setdefault(team, agency)
    now = datetime.now(UTC).replace(tzinfo=None)  # stored naive UTC, as engine.db does
    for code, agency in teams.items():
        connection.execute(
            sa.text(
                "INSERT INTO team (code, name, agency, manager, active, created_at) "
                "VALUES (:code, :code, :agency, NULL, :active, :now)"
            ),
            {"code": code, "agency": agency, "active": True, "now": now},
        )
    for username, _agency, team in people:
        connection.execute(
            sa.text("INSERT INTO user_group (username, group_name) VALUES (:username, :group)"),
            {"username": username, "group": f"team:{team}"},
        )


def downgrade() -> None:
    op.execute("DELETE FROM user_group WHERE group_name LIKE 'team:%'")
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.drop_column("manager")
    op.drop_table("password_reset")
    op.drop_table("team")
