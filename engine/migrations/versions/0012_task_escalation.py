"""task escalation: who is told when a user task's deadline is missed, and when they were

``escalate_to`` holds the groups of the user task's ``escalate_to`` property (evaluated when
the task was created), ``escalate_after_days`` the working days after the due date before
they are told, and ``escalated_at`` when the reminder job told them (once per task), so the
job reads this indexed table and never loads a workflow (``engine.reminders``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 00:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("human_task") as batch_op:
        batch_op.add_column(
            sa.Column("escalate_to", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column(
                "escalate_after_days", sa.Integer(), nullable=False, server_default=sa.text("0")
            )
        )
        batch_op.add_column(sa.Column("escalated_at", engine.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("human_task") as batch_op:
        batch_op.drop_column("escalated_at")
        batch_op.drop_column("escalate_after_days")
        batch_op.drop_column("escalate_to")
