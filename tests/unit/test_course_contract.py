"""The training-course contract (DESIGN §3 "A course as written", §4 talentflow.courses)."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from pydantic import ValidationError

from services.common import events, topics
from services.common.contracts import CourseFields, CourseMode, CourseStatus, SkillLevel
from services.common.events import CourseClosed, CourseUpserted, decode, encode, json_schemas, make_event

pytestmark = pytest.mark.unit

COURSE = {
    "title": "压力容器焊接（远程理论＋实操考核）",
    "description": "承压设备焊接工艺、缺陷识别与返修，结业可参加焊工技师评价",
    "occupation": {"code": "6-18-02-04", "name": "焊工"},
    "skills": [{"name": "压力容器焊接", "proficiency": 4}],
    "prepares_for_level": "technician",
    "mode": "remote",
    "region": "150602",
    "start_on": "2027-01-05", "end_on": "2027-02-28", "hours": 120,
    "fee": {"amount": 2800, "currency": "CNY"}, "subsidy_eligible": True,
    "seats": 40,
    "status": "open",
}
NOW = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)


def _errors(data) -> set[str]:
    with pytest.raises(ValidationError) as exc:
        CourseFields.model_validate(data)
    return {".".join(str(p) for p in e["loc"]) for e in exc.value.errors()}


def test_the_designs_course_is_valid():
    course = CourseFields.model_validate(COURSE)
    assert course.mode is CourseMode.remote and course.prepares_for_level is SkillLevel.technician
    assert course.status is CourseStatus.open and course.fee.amount == 2800


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"end_on": "2027-01-04"}, "end_on"),
        ({"hours": 0}, "hours"),
        ({"fee": {"amount": -1, "currency": "CNY"}}, "fee.amount"),
        ({"fee": {"amount": 1, "currency": "yuan"}}, "fee.currency"),
        ({"skills": []}, "skills"),
        ({"skills": [{"name": "焊接", "proficiency": 6}]}, "skills.0.proficiency"),
        ({"mode": "hybrid"}, "mode"),
        ({"region": "990101"}, "region"),
        ({"prepares_for_level": "master"}, "prepares_for_level"),
        ({"seats": 0}, "seats"),
        ({"subsidy_eligible": "yes"}, "subsidy_eligible"),
        ({"teacher": "x"}, "teacher"),
    ],
)
def test_bad_course_fields_are_named(patch, field):
    assert field in _errors({**COURSE, **patch})


def _state(**extra) -> CourseUpserted:
    return CourseUpserted.model_validate({**COURSE, "id": "crs_1", "org_id": "school-1", "version": 2,
                                          "created_at": NOW, "updated_at": NOW, **extra})


def test_course_events_go_to_the_compacted_courses_topic_keyed_by_course_id():
    upserted = make_event("course.upserted", _state(), subject="crs_1", source="/t", entityversion=2)
    message = encode(upserted)
    assert (message.topic, message.key) == ("talentflow.courses", "crs_1")
    assert topics.COURSES == events.COURSES and topics.COURSES in topics.COMPACTED
    back = decode(message.value)
    assert back.parsed() == _state()
    jsonschema.validate(json.loads(message.value), json_schemas()["course.upserted"])


def test_course_closed_carries_the_closed_course():
    closed_state = _state(status="closed")
    data = CourseClosed(id="crs_1", org_id="school-1", status=CourseStatus.closed, reason="withdrawn",
                        closed_at=NOW, course=closed_state)
    message = encode(make_event("course.closed", data, subject="crs_1", source="/t", entityversion=3))
    jsonschema.validate(json.loads(message.value), json_schemas()["course.closed"])
    parsed = decode(message.value).parsed()
    assert parsed.course.status is CourseStatus.closed and parsed.reason == "withdrawn"
