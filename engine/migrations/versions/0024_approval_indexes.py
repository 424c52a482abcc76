"""approval indexes: a manager's approvals page reads approval tasks alone

Each inbox index row says whether its task is an approval (``human_task_candidate.approval``,
filled in here from the tasks), and two partial indexes hold approval tasks only: those
offered to a person or group, and those a person holds. The approvals page then reads about a
page of rows however many other tasks its reader holds or is offered.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 04:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

HELD = "ix_human_task_approvals_held"
OFFERED = "ix_human_task_candidate_approvals"
HELD_WHERE = {dialect: sa.text("approval IS NOT NULL") for dialect in ("postgresql", "sqlite")}


def upgrade() -> None:
    with op.batch_alter_table("human_task_candidate") as batch_op:
        batch_op.add_column(
            sa.Column("approval", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    candidate = sa.table(
        "human_task_candidate",
        sa.column("human_task_id", sa.Integer),
        sa.column("approval", sa.Boolean),
    )
    task = sa.table("human_task", sa.column("id", sa.Integer), sa.column("approval", sa.String))
    approvals = sa.select(task.c.id).where(task.c.approval.is_not(None))
    op.execute(
        candidate.update()
        .where(candidate.c.human_task_id.in_(approvals))
        .values(approval=sa.true())
    )
    op.create_index(
        HELD,
        "human_task",
        ["status", "assignee", "due_at", "id"],
        postgresql_where=HELD_WHERE["postgresql"],
        sqlite_where=HELD_WHERE["sqlite"],
    )
    op.create_index(
        OFFERED,
        "human_task_candidate",
        ["kind", "value", "offered", "due_at", "human_task_id"],
        postgresql_where=sa.text("approval"),
        sqlite_where=sa.text("approval = 1"),
    )


def downgrade() -> None:
    op.drop_index(OFFERED, table_name="human_task_candidate")
    op.drop_index(HELD, table_name="human_task")
    with op.batch_alter_table("human_task_candidate") as batch_op:
        batch_op.drop_column("approval")
