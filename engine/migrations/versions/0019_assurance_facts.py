"""assurance facts: outcomes, stage periods, deadline results and milestones for the dashboard

Narrow tables written in the same transaction as the task index (``engine.assurance.facts``),
so the partnership assurance dashboard reads indexed rows and never loads a workflow. Rows of
instances that ran before this revision come from ``joinedup assurance-backfill``.

Revision ID: 0019
Revises: 0015
Create Date: 2026-11-30 08:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None

UTC = engine.db.UTCDateTime


def _instance_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["instance_id"],
        ["process_instance.id"],
        name=op.f(f"fk_{table}_instance_id_process_instance"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "instance_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=True),
        sa.Column("other_agency", sa.String(length=64), nullable=True),
        sa.Column("started_at", UTC(), nullable=False),
        sa.Column("ended_at", UTC(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("top_stage", sa.Integer(), nullable=True),
        sa.Column("top_stage_name", sa.String(length=255), nullable=True),
        sa.Column("outcome", sa.String(length=255), nullable=False),
        _instance_fk("instance_outcome"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instance_outcome")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_instance_outcome_instance_id")),
    )
    _index("instance_outcome", "process_key", "ended_at")
    op.create_table(
        "stage_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=True),
        sa.Column("other_agency", sa.String(length=64), nullable=True),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("stage_name", sa.String(length=255), nullable=False),
        sa.Column("entered_at", UTC(), nullable=False),
        sa.Column("left_at", UTC(), nullable=True),
        sa.Column("timescale_due_at", UTC(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("within_timescale", sa.Boolean(), nullable=True),
        _instance_fk("stage_period"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_period")),
    )
    _index("stage_period", "process_key", "left_at")
    _index("stage_period", "instance_id", "left_at")
    op.create_index(
        "ix_stage_period_left_covering",
        "stage_period",
        [
            "left_at",
            "process_key",
            "stage",
            "seconds",
            "within_timescale",
            "agency",
            "other_agency",
            "stage_name",
        ],
    )
    op.create_table(
        "deadline_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=True),
        sa.Column("due_at", UTC(), nullable=False),
        sa.Column("closed_at", UTC(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        _instance_fk("deadline_result"),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["human_task.id"],
            name=op.f("fk_deadline_result_task_id_human_task"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_result")),
        sa.UniqueConstraint("task_id", name=op.f("uq_deadline_result_task_id")),
    )
    _index("deadline_result", "due_at", "agency", "process_key", "met")
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("agency", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("element_id", sa.String(length=255), nullable=False),
        sa.Column("due_at", UTC(), nullable=False),
        sa.Column("reached_at", UTC(), nullable=True),
        sa.Column("dropped_at", UTC(), nullable=True),
        _instance_fk("milestone"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestone")),
    )
    _index("milestone", "instance_id", "reached_at")
    op.create_index(
        "ix_milestone_due_covering",
        "milestone",
        ["process_key", "due_at", "agency", "position", "name", "reached_at", "dropped_at"],
    )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns), unique=False)


def downgrade() -> None:
    for table in ("milestone", "deadline_result", "stage_period", "instance_outcome"):
        op.drop_table(table)
