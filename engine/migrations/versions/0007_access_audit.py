"""access audit: one narrow row per look at a case, task, instance or record

Revision ID: 0007
Revises: 0006_urgent
Create Date: 2026-11-29 21:20:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0007"
down_revision = "0006_urgent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=True),
        sa.Column("via", sa.String(length=8), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_event")),
    )
    op.create_index(
        op.f("ix_access_event_case_ref_at"), "access_event", ["case_ref", "at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_access_event_case_ref_at"), table_name="access_event")
    op.drop_table("access_event")
