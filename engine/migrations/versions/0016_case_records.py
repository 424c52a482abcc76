"""case records: members' school, GP and young carer; versions for stale pages; who cares
for whom; protective factors

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-30 08:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("family_case") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("family_member") as batch_op:
        batch_op.add_column(sa.Column("school", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("gp", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("young_carer", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "caring_relationship",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("carer_id", sa.Integer(), nullable=False),
        sa.Column("cared_for_id", sa.Integer(), nullable=False),
        sa.Column("care", sa.Text(), nullable=False),
        sa.Column("recorded_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["family_case.id"], name=op.f("fk_caring_relationship_case_id_family_case")
        ),
        sa.ForeignKeyConstraint(
            ["carer_id"],
            ["family_member.id"],
            name=op.f("fk_caring_relationship_carer_id_family_member"),
        ),
        sa.ForeignKeyConstraint(
            ["cared_for_id"],
            ["family_member.id"],
            name=op.f("fk_caring_relationship_cared_for_id_family_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caring_relationship")),
    )
    op.create_index(
        op.f("ix_caring_relationship_case_id"), "caring_relationship", ["case_id"], unique=False
    )
    op.create_table(
        "protective_factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["family_case.id"], name=op.f("fk_protective_factor_case_id_family_case")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["family_member.id"],
            name=op.f("fk_protective_factor_member_id_family_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protective_factor")),
    )
    op.create_index(
        op.f("ix_protective_factor_case_id"), "protective_factor", ["case_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_protective_factor_case_id"), table_name="protective_factor")
    op.drop_table("protective_factor")
    op.drop_index(op.f("ix_caring_relationship_case_id"), table_name="caring_relationship")
    op.drop_table("caring_relationship")
    with op.batch_alter_table("family_member") as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("young_carer")
        batch_op.drop_column("gp")
        batch_op.drop_column("school")
    with op.batch_alter_table("family_case") as batch_op:
        batch_op.drop_column("version")
