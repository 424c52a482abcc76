"""definition form refs: the Camunda Forms a diagram's user tasks link to

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("definition", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("form_refs", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("definition", schema=None) as batch_op:
        batch_op.drop_column("form_refs")
