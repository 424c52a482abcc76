"""break-glass: time-limited, reasoned looks at a case from outside it

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "break_glass_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=True),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("opened_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("closed_at", engine.db.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_break_glass_access")),
    )
    op.create_index(
        op.f("ix_break_glass_access_username_case_ref_expires_at"),
        "break_glass_access",
        ["username", "case_ref", "expires_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_break_glass_access_username_case_ref_expires_at"),
        table_name="break_glass_access",
    )
    op.drop_table("break_glass_access")
