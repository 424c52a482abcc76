"""instance summary: what a process is about, for lists that never load workflows

``summary`` is the process's own ``summary`` property (``${...}`` allowed), evaluated when the
instance starts and again after each step until it can be (``engine.wording.subjects``), so
the case page, the inbox and emails name the subject from this row.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 08:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.add_column(sa.Column("summary", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.drop_column("summary")
