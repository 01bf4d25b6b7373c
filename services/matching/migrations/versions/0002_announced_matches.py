"""Pairs of worker and posting already announced as match.found (services/matching/store.py).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announced_matches",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("posting_id", sa.String(64), primary_key=True),
        sa.Column("recipient_kind", sa.String(16), primary_key=True),
        sa.Column("recipient_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_announced_matches_posting", "announced_matches", ["posting_id"])


def downgrade() -> None:
    op.drop_table("announced_matches")
