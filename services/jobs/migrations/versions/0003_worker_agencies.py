"""The read model of which agency manages which worker (services/jobs/store.py `worker_agencies`).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_agencies",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_worker_agencies_agency", "worker_agencies", ["agency_id", "worker_id"])


def downgrade() -> None:
    op.drop_index("ix_worker_agencies_agency", table_name="worker_agencies")
    op.drop_table("worker_agencies")
