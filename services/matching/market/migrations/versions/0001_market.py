"""Market read model and published reports (mirrors services/matching/market/store.py).

Revision ID: m0001
"""

import sqlalchemy as sa
from alembic import op

revision = "m0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_workers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("matchable", sa.Boolean, nullable=False),
        sa.Column("erased", sa.Boolean, nullable=False),
        sa.Column("level", sa.SmallInteger, nullable=True),
        sa.Column("region", sa.String(6), nullable=True),
        sa.Column("occupation", sa.String(16), nullable=True),
        sa.Column("occupations", sa.String(200), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_market_workers_supply", "market_workers", ["matchable", "occupation", "region", "level"])

    op.create_table(
        "market_supply",
        sa.Column("occupation", sa.String(16), primary_key=True),
        sa.Column("region", sa.String(6), primary_key=True),
        sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
        sa.Column("seekers", sa.Integer, nullable=False),
    )

    op.create_table(
        "market_postings",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("org_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=True),
        sa.Column("occupation", sa.String(16), nullable=True),
        sa.Column("min_level", sa.SmallInteger, nullable=True),
        sa.Column("region", sa.String(6), nullable=True),
        sa.Column("headcount", sa.Integer, nullable=False),
        sa.Column("wage_month", sa.Float, nullable=True),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    )

    op.create_table(
        "market_reports",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("period_kind", sa.String(8), nullable=False),
        sa.Column("schedule_key", sa.String(16), nullable=True),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("cells", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("schedule_key", name="uq_market_reports_schedule_key"),
    )
    op.create_index("ix_market_reports_period", "market_reports", ["period", "published_at"])
    op.create_index("ix_market_reports_published", "market_reports", ["published_at", "id"])


def downgrade() -> None:
    op.drop_table("market_reports")
    op.drop_table("market_postings")
    op.drop_table("market_supply")
    op.drop_table("market_workers")
