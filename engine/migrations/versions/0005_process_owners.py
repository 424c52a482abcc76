"""process owners: who may deploy, migrate and administer each process key

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-29 20:40:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "process_owner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("owner", sa.String(length=255), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=True),
        sa.Column("added_at", engine.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_owner")),
        sa.UniqueConstraint(
            "process_key", "owner", name=op.f("uq_process_owner_process_key_owner")
        ),
    )
    op.create_index(
        op.f("ix_process_owner_process_key"), "process_owner", ["process_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_process_owner_process_key"), table_name="process_owner")
    op.drop_table("process_owner")
