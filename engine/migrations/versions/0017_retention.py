"""retention: time to live per definition, legal holds, purge reports, entry corrections

``definition.history_ttl_days`` holds ``camunda:historyTimeToLive``; the index on
``process_instance (definition_id, status, ended_at)`` finds ended instances past it.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 08:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

INSTANCE_INDEX = "ix_process_instance_definition_id_status_ended_at"


def upgrade() -> None:
    with op.batch_alter_table("definition") as batch_op:
        batch_op.add_column(sa.Column("history_ttl_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.create_index(INSTANCE_INDEX, ["definition_id", "status", "ended_at"])
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("placed_by", sa.String(length=64), nullable=False),
        sa.Column("lifted_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("lifted_by", sa.String(length=64), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_hold")),
    )
    op.create_index(
        op.f("ix_legal_hold_case_ref_lifted_at"), "legal_hold", ["case_ref", "lifted_at"]
    )
    op.create_table(
        "purge_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("run_by", sa.String(length=64), nullable=False),
        sa.Column("instances", sa.Integer(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_run")),
    )
    op.create_table(
        "purge_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("ended_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("rule", sa.String(length=255), nullable=False),
        sa.Column("purged_at", engine.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["purge_run.id"], name=op.f("fk_purge_item_run_id_purge_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purge_item")),
    )
    op.create_index(op.f("ix_purge_item_run_id"), "purge_item", ["run_id"])
    op.create_table(
        "entry_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_event_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("case_ref", sa.String(length=64), nullable=True),
        sa.Column("field", sa.String(length=255), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("corrected", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("corrected_by", sa.String(length=64), nullable=False),
        sa.Column("corrected_at", engine.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_event_id"],
            ["audit_event.id"],
            name=op.f("fk_entry_correction_audit_event_id_audit_event"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry_correction")),
    )
    op.create_index(
        op.f("ix_entry_correction_audit_event_id"), "entry_correction", ["audit_event_id"]
    )
    op.create_index(op.f("ix_entry_correction_instance_id"), "entry_correction", ["instance_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_entry_correction_instance_id"), table_name="entry_correction")
    op.drop_index(op.f("ix_entry_correction_audit_event_id"), table_name="entry_correction")
    op.drop_table("entry_correction")
    op.drop_index(op.f("ix_purge_item_run_id"), table_name="purge_item")
    op.drop_table("purge_item")
    op.drop_table("purge_run")
    op.drop_index(op.f("ix_legal_hold_case_ref_lifted_at"), table_name="legal_hold")
    op.drop_table("legal_hold")
    with op.batch_alter_table("process_instance") as batch_op:
        batch_op.drop_index(INSTANCE_INDEX)
    with op.batch_alter_table("definition") as batch_op:
        batch_op.drop_column("history_ttl_days")
