"""prune live state: finished history out of running instances' saved task trees

Saves now prune finished tasks no live task can need (``engine.live_state``); this rewrites
the state of instances saved before that, in batches. Nothing to undo: a pruned state loads
with the code before it too (the ``history`` key is ignored there).

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 11:30:00
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from engine.live_state.backfill import prune_saved_states

    prune_saved_states(op.get_bind())


def downgrade() -> None:
    pass
