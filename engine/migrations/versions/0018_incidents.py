"""incidents: background work whose retries ran out, until an owner retries or cancels

``incident`` holds one failed timer, signal delivery or timer start with its last error,
element, line and attempts; open while ``resolved_at`` is empty.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 07:45:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("definition_id", sa.Integer(), nullable=True),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("element_id", sa.String(length=255), nullable=True),
        sa.Column("element_name", sa.String(length=255), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("job", sa.JSON(), nullable=False),
        sa.Column("opened_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("last_failed_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=255), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"], ["definition.id"], name=op.f("fk_incident_definition_id_definition")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_incident_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    op.create_index(
        op.f("ix_incident_instance_id_resolved_at"), "incident", ["instance_id", "resolved_at"]
    )
    op.create_index(
        op.f("ix_incident_process_key_resolved_at_opened_at"),
        "incident",
        ["process_key", "resolved_at", "opened_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_incident_process_key_resolved_at_opened_at"), table_name="incident")
    op.drop_index(op.f("ix_incident_instance_id_resolved_at"), table_name="incident")
    op.drop_table("incident")
