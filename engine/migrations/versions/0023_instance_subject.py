"""instance subject: the family member a process on a case is about, on its instance row

A member who is the subject of a process still running on their case cannot be removed from
it (``engine.casework.members``); the instance row says who that is. Instances started before
this revision are filled in from their saved state (the ``subject_id`` their start put in the
process's data), a batch of rows at a time.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 03:30:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

BATCH = 100
NOT_ENDED = ("running", "error")
INDEX = "ix_process_instance_subject_id_status"

instance = sa.table(
    "process_instance",
    sa.column("id", sa.Integer),
    sa.column("definition_id", sa.Integer),
    sa.column("case_ref", sa.String),
    sa.column("status", sa.String),
    sa.column("state", sa.Text),
    sa.column("subject_id", sa.Integer),
)
definition = sa.table("definition", sa.column("id", sa.Integer), sa.column("subject_kind"))


def upgrade() -> None:
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch_op.create_index(INDEX, ["subject_id", "status"], unique=False)
    fill_subjects(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.drop_column("subject_id")


def fill_subjects(connection: sa.Connection) -> None:
    """Set ``subject_id`` on the instances that have not ended of processes about a member."""
    about_a_member = sa.select(definition.c.id).where(definition.c.subject_kind.is_not(None))
    after = 0
    while True:
        rows = connection.execute(
            sa.select(instance.c.id, instance.c.state)
            .where(
                instance.c.id > after,
                instance.c.status.in_(NOT_ENDED),
                instance.c.case_ref.is_not(None),
                instance.c.definition_id.in_(about_a_member),
            )
            .order_by(instance.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        subjects = [
            {"row_id": row_id, "subject": subject}
            for row_id, state in rows
            if (subject := subject_in(state)) is not None
        ]
        if subjects:
            connection.execute(
                instance.update()
                .where(instance.c.id == sa.bindparam("row_id"))
                .values(subject_id=sa.bindparam("subject")),
                subjects,
            )
        after = rows[-1][0]


def subject_in(state: str) -> int | None:
    """The ``subject_id`` in a saved workflow's start data (its root task's), if a number."""
    saved = json.loads(state)
    data = saved.get("tasks", {}).get(saved.get("root"), {}).get("data", {})
    subject = data.get("subject_id")
    return subject if type(subject) is int and 0 < subject < 2**31 else None
