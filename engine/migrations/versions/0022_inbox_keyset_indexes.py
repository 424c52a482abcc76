"""inbox keyset indexes: the task id ends the indexes the inbox pages through

``engine.inbox`` reads each tab from a cursor (sort key, task id) in index order; with the id
in the index PostgreSQL answers "after this key and id" and the page's order from the index
alone (SQLite's indexes already end with the rowid). A tab filtered by case reads that case's
candidates from an index led by ``case_ref``.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 11:00:00
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

REPLACED = {
    "ix_human_task_status_assignee_due_at": ["status", "assignee", "due_at"],
    "ix_human_task_completed_by_completed_at": ["completed_by", "completed_at"],
}


BY_CASE = "ix_human_task_candidate_by_case"  # the full name is longer than PostgreSQL allows
BY_CASE_COLUMNS = ["case_ref", "kind", "value", "offered", "due_at", "human_task_id"]


def upgrade() -> None:
    with op.batch_alter_table("human_task") as batch_op:
        for name, columns in REPLACED.items():
            batch_op.drop_index(name)
            batch_op.create_index(f"{name}_id", [*columns, "id"], unique=False)
    with op.batch_alter_table("human_task_candidate") as batch_op:
        batch_op.create_index(BY_CASE, BY_CASE_COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("human_task_candidate") as batch_op:
        batch_op.drop_index(BY_CASE)
    with op.batch_alter_table("human_task") as batch_op:
        for name, columns in REPLACED.items():
            batch_op.drop_index(f"{name}_id")
            batch_op.create_index(name, columns, unique=False)
