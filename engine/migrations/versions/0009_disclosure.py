"""disclosure: who holds each record, and the sharing decisions that let other agencies read it

``held_by`` on instances, tasks and audit events names the agency whose restricted record it
is (NULL: open to every agency involved in the case, as before); ``disclosure_grant`` holds
the sharing decisions; ``notification_outbox.audience`` the agencies a notification may reach.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 23:20:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

HELD = ("process_instance", "human_task", "audit_event")


def upgrade() -> None:
    for table in HELD:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("held_by", sa.String(length=64), nullable=True))
    with op.batch_alter_table("notification_outbox") as batch_op:
        batch_op.add_column(sa.Column("audience", sa.JSON(), nullable=True))
    op.create_table(
        "disclosure_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("from_agency", sa.String(length=64), nullable=False),
        sa.Column("to_agency", sa.String(length=64), nullable=False),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("element_id", sa.String(length=255), nullable=True),
        sa.Column("granted_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("granted_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_disclosure_grant_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_grant")),
        sa.UniqueConstraint(
            "instance_id",
            "from_agency",
            "to_agency",
            name=op.f("uq_disclosure_grant_instance_id_from_agency_to_agency"),
        ),
    )


def downgrade() -> None:
    op.drop_table("disclosure_grant")
    with op.batch_alter_table("notification_outbox") as batch_op:
        batch_op.drop_column("audience")
    for table in HELD:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("held_by")
