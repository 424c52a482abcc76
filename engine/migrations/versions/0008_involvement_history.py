"""involvement history: each spell of an agency's involvement in a case (who, when, why)

``case_involvement`` stays the index of current involvement that visibility reads; this adds
``involvement_period`` and gives every existing involvement an open spell from the day its
case was created.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 21:40:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "involvement_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=False),
        sa.Column("worker_username", sa.String(length=64), nullable=True),
        sa.Column("worker_name", sa.String(length=255), nullable=True),
        sa.Column("joined_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("joined_by", sa.String(length=64), nullable=True),
        sa.Column("join_reason", sa.Text(), nullable=False),
        sa.Column("left_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("left_by", sa.String(length=64), nullable=True),
        sa.Column("leave_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["family_case.id"],
            name=op.f("fk_involvement_period_case_id_family_case"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_involvement_period")),
    )
    op.create_index(
        op.f("ix_involvement_period_case_ref_agency"),
        "involvement_period",
        ["case_ref", "agency"],
        unique=False,
    )
    op.execute(
        "INSERT INTO involvement_period (case_id, case_ref, agency, worker_username, "
        "worker_name, joined_at, joined_by, join_reason) "
        "SELECT ci.case_id, ci.case_ref, ci.agency, ci.worker_username, ci.worker_name, "
        "fc.created_at, fc.created_by, 'Recorded when the case was created' "
        "FROM case_involvement ci JOIN family_case fc ON fc.id = ci.case_id"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_involvement_period_case_ref_agency"), table_name="involvement_period")
    op.drop_table("involvement_period")
