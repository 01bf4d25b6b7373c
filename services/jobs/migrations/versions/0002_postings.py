"""Postings, applications and invitations (services/jobs/store.py).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "postings",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("occupation_code", sa.String(16), nullable=True),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("closed_reason", sa.String(32), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("deleted_at", TZ, nullable=True),
    )
    op.create_index("ix_postings_org", "postings", ["org_id", "id"])
    op.create_index("ix_postings_status", "postings", ["status", "id"])
    op.create_index("ix_postings_due", "postings", ["status", "deadline"])

    op.create_table(
        "applications",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("posting_id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], name="fk_applications_posting"),
        sa.UniqueConstraint("posting_id", "worker_id", name="uq_applications_posting_worker"),
    )
    op.create_index("ix_applications_worker", "applications", ["worker_id", "id"])
    op.create_index("ix_applications_posting", "applications", ["posting_id", "id"])

    op.create_table(
        "invitations",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("posting_id", sa.String(40), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("answered_at", TZ, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["posting_id"], ["postings.id"], name="fk_invitations_posting"),
        sa.UniqueConstraint("posting_id", "worker_id", name="uq_invitations_posting_worker"),
    )
    op.create_index("ix_invitations_worker", "invitations", ["worker_id", "id"])
    op.create_index("ix_invitations_posting", "invitations", ["posting_id", "id"])
    op.create_index("ix_invitations_due", "invitations", ["status", "expires_at"])


def downgrade() -> None:
    op.drop_table("invitations")
    op.drop_table("applications")
    op.drop_table("postings")
