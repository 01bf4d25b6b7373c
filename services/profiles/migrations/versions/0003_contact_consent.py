"""The agency-held contact consent record and the contact disclosure records
(services/profiles/store.py `agency_contact_consents`, `contact_disclosures`).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "agency_contact_consents",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("recorded_at", Stamp, nullable=False),
        sa.Column("recorded_by_role", sa.String(16), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "contact_disclosures",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("posting_id", sa.String(64), nullable=False),
        sa.Column("viewer_role", sa.String(16), nullable=False),
        sa.Column("viewer_id", sa.String(200), nullable=False),
        sa.Column("basis", sa.String(16), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("disclosed_at", Stamp, nullable=False),
    )
    op.create_index("ix_contact_disclosures_worker", "contact_disclosures", ["worker_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_contact_disclosures_worker", table_name="contact_disclosures")
    op.drop_table("contact_disclosures")
    op.drop_table("agency_contact_consents")
