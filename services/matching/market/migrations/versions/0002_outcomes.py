"""Flows and outcomes: engagement facts, shown candidate lists, ranking variants (issue 17).

Mirrors services/matching/market/outcomes.py.

Revision ID: m0002
"""

import sqlalchemy as sa
from alembic import op

revision = "m0002"
down_revision = "m0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_engagements",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("fact", sa.String(12), nullable=False),
        sa.Column("posting_id", sa.String(64), nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=True),
        sa.Column("worker_region", sa.String(6), nullable=True),
        sa.Column("worker_level", sa.SmallInteger, nullable=True),
        sa.Column("posting_region", sa.String(6), nullable=True),
        sa.Column("occupation", sa.String(16), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_market_engagements_at", "market_engagements", ["at", "fact"])
    op.create_index("ix_market_engagements_worker", "market_engagements", ["worker_id"])
    op.create_index("ix_market_engagements_posting", "market_engagements", ["posting_id", "fact"])
    hired = sa.text("fact = 'hired'")
    op.create_index("ix_market_engagements_hired", "market_engagements", ["posting_id", "at", "worker_id"],
                    sqlite_where=hired, postgresql_where=hired)
    unplaced = sa.text("worker_region IS NULL OR posting_region IS NULL")
    op.create_index("ix_market_engagements_unplaced", "market_engagements", ["at"], sqlite_where=unplaced,
                    postgresql_where=unplaced)
    op.create_table(
        "market_shown",
        sa.Column("posting_id", sa.String(64), primary_key=True),
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(16), primary_key=True),
        sa.Column("rank", sa.SmallInteger, nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_market_shown_at", "market_shown", ["shown_at", "fingerprint", "rank"])
    op.create_index("ix_market_shown_worker", "market_shown", ["worker_id"])
    op.create_table(
        "market_flow_counts",
        sa.Column("period", sa.String(10), primary_key=True),
        sa.Column("fact", sa.String(12), primary_key=True),
        sa.Column("origin", sa.String(4), primary_key=True),
        sa.Column("destination", sa.String(4), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "market_ranking_variants",
        sa.Column("fingerprint", sa.String(16), primary_key=True),
        sa.Column("weights", sa.JSON, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("market_ranking_variants")
    op.drop_table("market_flow_counts")
    op.drop_table("market_shown")
    op.drop_table("market_engagements")
