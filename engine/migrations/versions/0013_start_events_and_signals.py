"""timer start events and signals: scheduled start timers, signal subscriptions, deliveries

``start_timer`` holds the timer start events of each process's latest version (scheduled at
deploy, replaced when a new version is deployed); ``signal_subscription`` every waiting signal
catch and every signal start event, so a broadcast finds its receivers by name alone;
``signal_delivery`` one receiver of one broadcast until it has been delivered.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 04:30:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _start_timer() -> None:
    op.create_table(
        "start_timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("element_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("fire_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("cycles_left", sa.Integer(), nullable=False),
        sa.Column("period_seconds", sa.Float(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definition.id"],
            name=op.f("fk_start_timer_definition_id_definition"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_start_timer")),
    )
    op.create_index(op.f("ix_start_timer_fire_at"), "start_timer", ["fire_at"])
    op.create_index(op.f("ix_start_timer_process_key"), "start_timer", ["process_key"])


def _signal_subscription() -> None:
    op.create_table(
        "signal_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signal_name", sa.String(length=255), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("spiff_task_id", sa.String(length=36), nullable=True),
        sa.Column("definition_id", sa.Integer(), nullable=True),
        sa.Column("process_key", sa.String(length=255), nullable=False),
        sa.Column("element_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definition.id"],
            name=op.f("fk_signal_subscription_definition_id_definition"),
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_signal_subscription_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_subscription")),
        sa.UniqueConstraint("spiff_task_id", name=op.f("uq_signal_subscription_spiff_task_id")),
    )
    for column in ("signal_name", "instance_id", "process_key"):
        op.create_index(op.f(f"ix_signal_subscription_{column}"), "signal_subscription", [column])


def _signal_delivery() -> None:
    op.create_table(
        "signal_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signal_name", sa.String(length=255), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("definition_id", sa.Integer(), nullable=True),
        sa.Column("element_id", sa.String(length=255), nullable=True),
        sa.Column("sent_by", sa.String(length=255), nullable=True),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("fire_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["definition_id"],
            ["definition.id"],
            name=op.f("fk_signal_delivery_definition_id_definition"),
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instance.id"],
            name=op.f("fk_signal_delivery_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_delivery")),
    )
    op.create_index(op.f("ix_signal_delivery_fire_at"), "signal_delivery", ["fire_at"])


def upgrade() -> None:
    _start_timer()
    _signal_subscription()
    _signal_delivery()


def downgrade() -> None:
    op.drop_table("signal_delivery")
    op.drop_table("signal_subscription")
    op.drop_table("start_timer")
