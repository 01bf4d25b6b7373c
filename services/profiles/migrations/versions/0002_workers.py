"""Worker profiles, their occupation codes, erasure records, bulk import jobs and their results.

Written by hand to mirror services/profiles/store.py (a test checks there is no drift).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("agency_id", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("skill_level", sa.String(32), nullable=False),
        sa.Column("level_rank", sa.SmallInteger, nullable=False),
        sa.Column("matchable", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("replay_key", sa.String(80), nullable=True),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
    )
    op.create_index("ix_workers_agency_id", "workers", ["agency_id", "id"])
    op.create_index("ix_workers_region", "workers", ["region"])

    op.create_table(
        "worker_occupations",
        sa.Column("worker_id", sa.String(64), sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("code", sa.String(16), primary_key=True),
    )
    op.create_index("ix_worker_occupations_code", "worker_occupations", ["code", "worker_id"])

    op.create_table(
        "worker_erasures",
        sa.Column("worker_id", sa.String(64), primary_key=True),
        sa.Column("erased_at", Stamp, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
    )

    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("owner_role", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.String(200), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("charset", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("processed", sa.Integer, nullable=False),
        sa.Column("ok", sa.Integer, nullable=False),
        sa.Column("failed", sa.Integer, nullable=False),
        sa.Column("detail", sa.Text, nullable=True),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.Column("finished_at", Stamp, nullable=True),
    )
    op.create_index("ix_import_jobs_owner", "import_jobs", ["owner_role", "owner_id", "id"])
    op.create_index("ix_import_jobs_status", "import_jobs", ["status", "updated_at"])

    op.create_table(
        "import_results",
        sa.Column("job_id", sa.String(48), sa.ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("row_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("worker_id", sa.String(64), nullable=True),
        sa.Column("errors", sa.Text, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("import_results")
    op.drop_table("import_jobs")
    op.drop_table("worker_erasures")
    op.drop_table("worker_occupations")
    op.drop_table("workers")
