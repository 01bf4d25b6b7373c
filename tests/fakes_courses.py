"""Training courses as the jobs service publishes them (DESIGN §3 "A course as written"), for tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.common.events import CloudEvent, CourseClosed, CourseUpserted, make_event
from tests.fakes_search import NOW, new_id

TODAY = NOW.date()


def course_data(course_id: str | None = None, version: int = 1, **overrides: Any) -> dict[str, Any]:
    """DESIGN's example: a remote pressure-vessel welding course preparing for technician, starting in a month."""
    data: dict[str, Any] = {
        "id": course_id or new_id("c"),
        "org_id": "org-school",
        "version": version,
        "created_at": NOW.isoformat(),
        "updated_at": NOW.isoformat(),
        "title": "压力容器焊接（远程理论＋实操考核）",
        "description": "承压设备焊接工艺、缺陷识别与返修，结业可参加焊工技师评价",
        "occupation": {"code": "6-18-02-04", "name": "焊工"},
        "skills": [{"name": "压力容器焊接", "proficiency": 4}],
        "prepares_for_level": "technician",
        "mode": "remote",
        "region": "150602",
        "start_on": (TODAY + dt.timedelta(days=30)).isoformat(),
        "end_on": (TODAY + dt.timedelta(days=90)).isoformat(),
        "hours": 120,
        "fee": {"amount": 2800, "currency": "CNY"},
        "subsidy_eligible": True,
        "seats": 40,
        "status": "open",
    }
    data.update(overrides)
    return data


def course_upserted(data: dict[str, Any]) -> CloudEvent:
    return make_event("course.upserted", CourseUpserted.model_validate(data), subject=data["id"],
                      source="talentflow/jobs", entityversion=data["version"])


def course_closed(data: dict[str, Any], version: int, status: str = "closed", reason: str = "withdrawn") -> CloudEvent:
    """The closing of a course whose last state was `data`; the event carries the course after closing."""
    after = {**data, "version": version, "status": status}
    closed = CourseClosed(id=data["id"], org_id=data["org_id"], status=status, reason=reason, closed_at=NOW,
                          course=CourseUpserted.model_validate(after))
    return make_event("course.closed", closed, subject=data["id"], source="talentflow/jobs", entityversion=version)
