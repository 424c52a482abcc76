"""case type and status: what a case is about, and whether and when it was closed

``case_type`` picks the retention period that applies once the case is closed;
``status``/``closed_at``/``closed_by`` record the closure the retention clock counts from.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 07:40:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("family_case") as batch_op:
        batch_op.add_column(
            sa.Column("case_type", sa.String(length=32), nullable=False, server_default="family")
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=12), nullable=False, server_default="open")
        )
        batch_op.add_column(sa.Column("closed_at", engine.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_family_case_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("family_case") as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_case_status"))
        batch_op.drop_column("closed_by")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("status")
        batch_op.drop_column("case_type")
