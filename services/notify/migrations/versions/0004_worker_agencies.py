"""Which agency manages which worker, so an agency reads its workers' inboxes
(services/notify/store.py `worker_agencies`).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_agencies",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("worker_agencies")
