"""task context: a human task's subject and stage, for decision pages and the stage indicator

``summary`` names the subject (the user task's ``summary`` property, evaluated when the task
was created); ``stage``, ``stage_names`` and ``stage_moves_at`` say where the process stands
(``stage``/``stages`` properties) and when an interrupting timer moves the work on, so lists
and the case page read them from this indexed table (``engine.decision_pages``).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 23:30:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("human_task") as batch_op:
        batch_op.add_column(sa.Column("summary", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("stage", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("stage_names", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(sa.Column("stage_moves_at", engine.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("human_task") as batch_op:
        batch_op.drop_column("stage_moves_at")
        batch_op.drop_column("stage_names")
        batch_op.drop_column("stage")
        batch_op.drop_column("summary")
