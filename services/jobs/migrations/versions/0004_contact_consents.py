"""Contact consents: the worker's last word on giving its contact data to one posting's org
(services/jobs/store.py `contact_consents`).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contact_consents",
        sa.Column("posting_id", sa.String(40), sa.ForeignKey("postings.id", name="fk_contact_consents_posting"), primary_key=True),
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("basis", sa.String(16), nullable=False),
        sa.Column("given_by", sa.String(16), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_contact_consents_worker", "contact_consents", ["worker_id"])


def downgrade() -> None:
    op.drop_index("ix_contact_consents_worker", table_name="contact_consents")
    op.drop_table("contact_consents")
