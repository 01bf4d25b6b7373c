"""Training courses and the skills each teaches (services/jobs/courses/store.py).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("occupation_code", sa.String(16), nullable=True),
        sa.Column("start_on", sa.Date, nullable=False),
        sa.Column("end_on", sa.Date, nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("closed_reason", sa.String(32), nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
        sa.Column("deleted_at", TZ, nullable=True),
    )
    op.create_index("ix_courses_org", "courses", ["org_id", "id"])
    op.create_index("ix_courses_status", "courses", ["status", "id"])
    op.create_index("ix_courses_due", "courses", ["status", "end_on"])

    op.create_table(
        "course_skills",
        sa.Column("course_id", sa.String(40), sa.ForeignKey("courses.id", name="fk_course_skills_course"), primary_key=True),
        sa.Column("skill", sa.String(300), primary_key=True),
    )
    op.create_index("ix_course_skills_skill", "course_skills", ["skill", "course_id"])


def downgrade() -> None:
    op.drop_index("ix_course_skills_skill", table_name="course_skills")
    op.drop_table("course_skills")
    op.drop_index("ix_courses_due", table_name="courses")
    op.drop_index("ix_courses_status", table_name="courses")
    op.drop_index("ix_courses_org", table_name="courses")
    op.drop_table("courses")
