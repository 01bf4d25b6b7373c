"""Where the market read model is fed from (mirrors `market_feed` in services/matching/market/store.py).

The read model was fed by its own consumer group, `matching-market`; it is now fed by the index
consumer's batches (`matching-index`). A row `handed_over` says the old group's backlog was caught
up to where the index group stood, so the old group is read no more (market/consumers.py,
`MarketHandover`).

Revision ID: m0003
"""

import sqlalchemy as sa
from alembic import op

revision = "m0003"
down_revision = "m0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "market_feed",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("market_feed")
