"""The courses' tables and their repository (SQL lives only here and in services/jobs/store.py).

`courses` holds the client-written fields as one JSON document plus the columns lists filter on;
`course_skills` holds each course's skill names, casefolded, so a list filters by skill with an
index on both SQLite and PostgreSQL (no JSON operators, which differ between them). The tables are
declared on their own `metadata` and copied into the jobs service's (services/jobs/store.py), whose
Alembic chain creates them (0005_courses); `JobsStore` inherits `CourseStore`, so a handler reaches
them through the one unit of work. Ids sort by creation time, so lists are newest first and page by
id alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from services.common.contracts import CourseStatus
from services.common.store import is_postgres
from services.common.uow import translates_driver_errors
from services.jobs.courses.domain import LIVE_COURSE, Course

metadata = sa.MetaData()
TZ = sa.DateTime(timezone=True)

courses = sa.Table(
    "courses",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("org_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("region", sa.String(6), nullable=False),
    sa.Column("occupation_code", sa.String(16), nullable=True),
    sa.Column("start_on", sa.Date, nullable=False),
    sa.Column("end_on", sa.Date, nullable=False),
    # The client-written fields but status (a column of its own), as CourseFields dumps them.
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Column("closed_reason", sa.String(32), nullable=True),
    sa.Column("closed_at", TZ, nullable=True),
    # A deleted course is kept as a row (its id stays taken) but never served.
    sa.Column("deleted_at", TZ, nullable=True),
    sa.Index("ix_courses_org", "org_id", "id"),
    sa.Index("ix_courses_status", "status", "id"),
    sa.Index("ix_courses_due", "status", "end_on"),
)

course_skills = sa.Table(
    "course_skills",
    metadata,
    sa.Column("course_id", sa.String(40), sa.ForeignKey("courses.id", name="fk_course_skills_course"), primary_key=True),
    # casefolded: the filter ?skill=TIG finds a course that teaches "tig"
    sa.Column("skill", sa.String(300), primary_key=True),  # a Name (100) casefolded can grow
    sa.Index("ix_course_skills_skill", "skill", "course_id"),
)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything this service writes is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class CourseFilters:
    org_id: str | None = None
    status: CourseStatus | None = None
    mode: str | None = None
    region: str | None = None  # a 2-, 4- or 6-digit prefix
    occupation: str | None = None  # a code; matches it and every code below it
    skill: str | None = None  # a skill name, compared casefolded


def _course(row: RowMapping) -> Course:
    return Course.model_validate(
        {
            **row["fields"],
            "status": row["status"],
            "id": row["id"],
            "org_id": row["org_id"],
            "version": row["version"],
            "created_at": utc(row["created_at"]),
            "updated_at": utc(row["updated_at"]),
            "closed_reason": row["closed_reason"],
            "closed_at": utc(row["closed_at"]),
        }
    )


def course_values(course: Course) -> dict[str, Any]:
    """The row of a course (without `deleted_at`)."""
    fields = course.fields()
    fields.pop("status")
    return {
        "id": course.id,
        "org_id": course.org_id,
        "status": course.status.value,
        "mode": course.mode.value,
        "region": course.region,
        "occupation_code": course.occupation.code if course.occupation else None,
        "start_on": course.start_on,
        "end_on": course.end_on,
        "fields": fields,
        "version": course.version,
        "created_at": course.created_at,
        "updated_at": course.updated_at,
        "closed_reason": course.closed_reason,
        "closed_at": course.closed_at,
    }


_INSERT_COURSE = courses.insert()
_UPDATE_COURSE = courses.update().where(
    courses.c.id == sa.bindparam("b_id"),
    courses.c.version == sa.bindparam("b_version"),
    courses.c.deleted_at.is_(None),
)


def _skill_rows(course: Course) -> list[dict[str, str]]:
    return [{"course_id": course.id, "skill": name} for name in dict.fromkeys(s.name.casefold() for s in course.skills)]


def _write_skills(conn: Connection, course: Course) -> None:
    conn.execute(course_skills.delete().where(course_skills.c.course_id == course.id))
    rows = _skill_rows(course)
    if rows:
        conn.execute(course_skills.insert(), rows)


def insert_course(conn: Connection, course: Course) -> None:
    conn.execute(_INSERT_COURSE, {**course_values(course), "deleted_at": None})
    _write_skills(conn, course)


def get_course(conn: Connection, course_id: str, *, lock: bool = False) -> Course | None:
    """The course unless deleted; `lock` holds its row until the transaction ends (PostgreSQL)."""
    query = sa.select(courses).where(courses.c.id == course_id, courses.c.deleted_at.is_(None))
    if lock and is_postgres(conn.engine):  # SQLite serialises writers at BEGIN IMMEDIATE
        query = query.with_for_update()
    row = conn.execute(query).mappings().first()
    return _course(row) if row else None


def update_course(conn: Connection, course: Course, *, expected_version: int) -> bool:
    """Write the course's new state if the row is still at `expected_version`; False otherwise."""
    values = course_values(course)
    del values["id"], values["created_at"]
    result = conn.execute(_UPDATE_COURSE, {**values, "b_id": course.id, "b_version": expected_version})
    if result.rowcount != 1:
        return False
    _write_skills(conn, course)
    return True


def mark_course_deleted(conn: Connection, course: Course, *, expected_version: int, at: dt.datetime) -> bool:
    values = course_values(course)
    del values["id"], values["created_at"]
    result = conn.execute(_UPDATE_COURSE, {**values, "deleted_at": at, "b_id": course.id, "b_version": expected_version})
    if result.rowcount != 1:
        return False
    # a deleted course is found by no filter
    conn.execute(course_skills.delete().where(course_skills.c.course_id == course.id))
    return True


def list_courses(
    conn: Connection,
    filters: CourseFilters,
    *,
    visible_orgs: Sequence[str] | None,
    after_id: str | None,
    limit: int,
) -> list[Course]:
    """Newest first. `visible_orgs`: the orgs whose non-open courses the caller may see
    (None = all); open courses are visible to everyone."""
    t = courses
    query = sa.select(t).where(t.c.deleted_at.is_(None))
    if visible_orgs is not None:
        visible = t.c.status == CourseStatus.open.value
        if visible_orgs:
            visible = sa.or_(visible, t.c.org_id.in_(list(visible_orgs)))
        query = query.where(visible)
    if filters.org_id:
        query = query.where(t.c.org_id == filters.org_id)
    if filters.status:
        query = query.where(t.c.status == filters.status.value)
    if filters.mode:
        query = query.where(t.c.mode == filters.mode)
    if filters.region:
        query = query.where(t.c.region.startswith(filters.region, autoescape=True))
    if filters.occupation:
        query = query.where(
            sa.or_(
                t.c.occupation_code == filters.occupation,
                t.c.occupation_code.startswith(filters.occupation + "-", autoescape=True),
            )
        )
    if filters.skill:
        teaching = sa.select(course_skills.c.course_id).where(course_skills.c.skill == filters.skill.casefold())
        query = query.where(t.c.id.in_(teaching))
    if after_id:
        query = query.where(t.c.id < after_id)
    rows = conn.execute(query.order_by(t.c.id.desc()).limit(limit)).mappings().all()
    return [_course(r) for r in rows]


def due_courses(conn: Connection, today: dt.date, limit: int) -> list[Course]:
    """Live courses whose end day is over, locked for this transaction; rows another sweeper holds
    are skipped, so two replicas never expire the same course twice."""
    t = courses
    query = (
        sa.select(t)
        .where(t.c.status.in_([s.value for s in LIVE_COURSE]), t.c.end_on < today, t.c.deleted_at.is_(None))
        .order_by(t.c.end_on, t.c.id)
        .limit(limit)
    )
    if is_postgres(conn.engine):
        query = query.with_for_update(skip_locked=True)
    return [_course(r) for r in conn.execute(query).mappings().all()]


@translates_driver_errors
class CourseStore:
    """The courses' repository on one connection (the unit of work's transaction); the jobs
    service's `JobsStore` inherits it. A driver error leaves as StoreConflict, StoreRefused or
    StoreUnavailable (services.common.uow)."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def due_courses(self, today: dt.date, limit: int) -> list[Course]:
        return due_courses(self.conn, today, limit)

    def get_course(self, course_id: str, *, lock: bool = False) -> Course | None:
        return get_course(self.conn, course_id, lock=lock)

    def insert_course(self, course: Course) -> None:
        return insert_course(self.conn, course)

    def list_courses(
        self, filters: CourseFilters, *, visible_orgs: Sequence[str] | None, after_id: str | None, limit: int
    ) -> list[Course]:
        return list_courses(self.conn, filters, visible_orgs=visible_orgs, after_id=after_id, limit=limit)

    def mark_course_deleted(self, course: Course, *, expected_version: int, at: dt.datetime) -> bool:
        return mark_course_deleted(self.conn, course, expected_version=expected_version, at=at)

    def update_course(self, course: Course, *, expected_version: int) -> bool:
        return update_course(self.conn, course, expected_version=expected_version)
