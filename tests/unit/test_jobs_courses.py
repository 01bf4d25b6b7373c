"""Training-course rules and handlers on the in-memory store (no database): who provides a course,
the lifecycle table, the date rules, and that a course and its events commit together while a
refusal writes and publishes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from zoneinfo import ZoneInfo

import pytest

from services.common.auth import Principal, Role
from services.common.contracts import CourseStatus
from services.common.errors import Forbidden, IllegalTransition, InvalidInput, NotFound, StaleVersion
from services.common.uow import InMemoryUnitOfWork
from services.jobs import handlers
from services.jobs.courses import handlers as courses
from services.jobs.courses.domain import (
    COURSE_TRANSITIONS,
    CourseCloseReason,
    CourseCreate,
    CourseIn,
    CoursePatch,
    check_course_dates,
    check_course_transition,
    course_provider,
    may_read_course,
)
from services.jobs.courses.store import CourseFilters, CourseStore
from tests.fakes_jobs import FakeJobsStore

pytestmark = pytest.mark.unit

NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 on 1 December in Shanghai
TODAY = dt.date(2026, 12, 1)
SCHOOL = Principal(Role.agency, "school-1", org="school-x")
EMPLOYER = Principal(Role.employer, "emp-1", org="org-coal")
BODY = {"title": "压力容器焊接", "skills": [{"name": "压力容器焊接", "proficiency": 4}], "mode": "remote",
        "region": "150602", "start_on": "2026-12-10", "end_on": "2026-12-20", "hours": 80,
        "prepares_for_level": "technician", "seats": 30}


def make_deps() -> tuple[handlers.Deps, InMemoryUnitOfWork]:
    uow = InMemoryUnitOfWork(FakeJobsStore())
    deps = handlers.Deps(uow=uow, profiles=None, clock=lambda: NOW,  # type: ignore[arg-type]  # courses only
                         timezone=ZoneInfo("Asia/Shanghai"), invitation_ttl=dt.timedelta(days=14))
    return deps, uow


def test_the_fake_offers_the_real_stores_course_methods_with_their_signatures():
    for name, member in vars(CourseStore).items():
        if not name.startswith("_") and callable(member):
            assert list(inspect.signature(member).parameters) == \
                list(inspect.signature(getattr(FakeJobsStore, name)).parameters), name


@pytest.mark.parametrize(
    ("principal", "requested", "expected"),
    [
        (SCHOOL, None, "school-x"),
        (Principal(Role.agency, "a", org="agency-x", acts_for=("school-y",)), "school-y", "school-y"),
        (EMPLOYER, None, "org-coal"),
        (EMPLOYER, "org-coal", "org-coal"),
        (Principal(Role.admin, "root"), "school-z", "school-z"),
    ],
)
def test_who_provides_a_new_course(principal, requested, expected):
    assert course_provider(principal, requested) == expected


@pytest.mark.parametrize(
    ("principal", "requested", "error"),
    [
        (Principal(Role.worker, "w-1"), None, Forbidden),
        (Principal(Role.service, "matching"), None, Forbidden),
        (EMPLOYER, "school-x", Forbidden),
        (SCHOOL, "org-coal", Forbidden),
        (Principal(Role.agency, "a"), None, Forbidden),  # an agency token without an org
        (Principal(Role.admin, "root"), None, InvalidInput),
    ],
)
def test_who_may_not_provide_a_course(principal, requested, error):
    with pytest.raises(error):
        course_provider(principal, requested)


def test_only_open_courses_are_public():
    worker = Principal(Role.worker, "w-1")
    assert may_read_course(worker, "school-x", CourseStatus.open)
    assert not any(may_read_course(worker, "school-x", s) for s in CourseStatus if s is not CourseStatus.open)
    assert all(may_read_course(SCHOOL, "school-x", s) for s in CourseStatus)
    assert may_read_course(Principal(Role.service, "matching"), "school-x", CourseStatus.paused)


def test_the_lifecycle_table_has_final_states_and_no_way_back():
    for final in (CourseStatus.full, CourseStatus.closed, CourseStatus.expired):
        assert COURSE_TRANSITIONS[final] == frozenset()
        with pytest.raises(IllegalTransition):
            check_course_transition(final, CourseStatus.open)
    check_course_transition(CourseStatus.paused, CourseStatus.open)
    check_course_transition(CourseStatus.open, CourseStatus.open)  # staying is no move


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_on": "2026-11-01", "end_on": "2026-11-30"}, "body.end_on"),
        ({"start_on": "2029-01-01", "end_on": "2029-02-01"}, "body.start_on"),
        ({"start_on": "2026-12-10", "end_on": "2030-01-01"}, "body.end_on"),
        ({"start_on": "2026-12-10", "end_on": "2026-12-10", "hours": 25}, "body.hours"),
    ],
)
def test_date_rules_name_their_field(change, field):
    with pytest.raises(InvalidInput) as refused:
        check_course_dates(CourseIn.model_validate({**BODY, **change}), TODAY)
    assert [e["field"] for e in refused.value.errors] == [field]


def test_an_unchanged_past_end_day_is_not_checked_again():
    running = CourseIn.model_validate({**BODY, "start_on": "2026-11-01", "end_on": "2026-11-30"})
    check_course_dates(running, TODAY, previous=running)  # the sweep expires it; an edit is not refused


def test_a_course_and_its_event_commit_together():
    deps, uow = make_deps()
    course = courses.create_course(deps, SCHOOL, CourseCreate.model_validate(BODY))
    assert uow.fake.courses[course.id].version == 1 and uow.commits == 1 and course.org_id == "school-x"
    [event] = uow.published
    assert (event.type, event.subject, event.entityversion) == ("course.upserted", course.id, 1)
    assert event.data["skills"] == [{"name": "压力容器焊接", "proficiency": 4}] and event.data["org_id"] == "school-x"


def test_closing_publishes_the_new_state_then_the_closing_that_carries_it():
    deps, uow = make_deps()
    course = courses.create_course(deps, SCHOOL, CourseCreate.model_validate(BODY))
    closed = courses.close_course(deps, SCHOOL, course.id, CourseCloseReason.full, 1)
    assert (closed.status, closed.version, closed.closed_reason) == (CourseStatus.full, 2, "full")
    upserted, closing = uow.published[1:]
    assert (upserted.type, closing.type) == ("course.upserted", "course.closed")
    assert closing.data["course"] == upserted.data and closing.data["reason"] == "full"
    with pytest.raises(IllegalTransition):
        courses.close_course(deps, SCHOOL, course.id, CourseCloseReason.withdrawn, None)
    assert len(uow.published) == 3 and uow.fake.courses[course.id].version == 2


def test_a_stale_if_match_or_a_stranger_changes_and_publishes_nothing():
    deps, uow = make_deps()
    course = courses.create_course(deps, SCHOOL, CourseCreate.model_validate(BODY))
    with pytest.raises(StaleVersion):
        courses.close_course(deps, SCHOOL, course.id, CourseCloseReason.withdrawn, 7)
    with pytest.raises(Forbidden):
        courses.delete_course(deps, EMPLOYER, course.id, None)
    with pytest.raises(Forbidden):
        courses.patch_course(deps, Principal(Role.worker, "w-1"), course.id, CoursePatch(seats=5), None)
    assert uow.fake.courses[course.id] == course and uow.fake.deleted_courses == {}
    assert [e.type for e in uow.published] == ["course.upserted"]


def test_a_patch_that_breaks_the_merged_course_writes_nothing():
    deps, uow = make_deps()
    course = courses.create_course(deps, SCHOOL, CourseCreate.model_validate(BODY))
    with pytest.raises(InvalidInput) as refused:
        courses.patch_course(deps, SCHOOL, course.id, CoursePatch.model_validate({"end_on": "2026-12-05"}), None)
    assert [e["field"] for e in refused.value.errors] == ["body.end_on"]
    assert uow.fake.courses[course.id] == course and len(uow.published) == 1 and uow.rollbacks == 1


def test_delete_hides_the_course_from_reads_and_lists():
    deps, uow = make_deps()
    course = courses.create_course(deps, SCHOOL, CourseCreate.model_validate(BODY))
    courses.delete_course(deps, SCHOOL, course.id, 1)
    with pytest.raises(NotFound):
        courses.get_course(deps, SCHOOL, course.id)
    assert courses.list_courses(deps, SCHOOL, CourseFilters(), after=None, limit=10).items == []
    assert [(e.type, e.data["reason"]) for e in uow.published[1:]] == [("course.closed", "deleted")]


def test_lists_page_newest_first():
    deps, _ = make_deps()
    made = [courses.create_course(deps, SCHOOL, CourseCreate.model_validate(BODY)).id for _ in range(3)]
    first = courses.list_courses(deps, Principal(Role.worker, "w-1"), CourseFilters(), after=None, limit=2)
    assert [c.id for c in first.items] == made[:0:-1] and first.next_after == made[1]
    rest = courses.list_courses(deps, Principal(Role.worker, "w-1"), CourseFilters(), after=first.next_after, limit=2)
    assert [c.id for c in rest.items] == [made[0]] and rest.next_after is None


def test_expiry_closes_what_is_past_its_end_day():
    deps, uow = make_deps()
    course = courses.create_course(deps, SCHOOL, CourseCreate.model_validate(BODY))
    on_end_day = dataclasses.replace(deps, clock=lambda: dt.datetime(2026, 12, 20, 15, 59, tzinfo=dt.UTC))
    assert courses.expire_due_courses(on_end_day) == 0
    after = dataclasses.replace(deps, clock=lambda: dt.datetime(2026, 12, 20, 16, 0, tzinfo=dt.UTC))
    assert courses.expire_due_courses(after) == 1
    assert uow.fake.courses[course.id].status is CourseStatus.expired
    assert [e.type for e in uow.published] == ["course.upserted", "course.upserted", "course.closed"]
    assert uow.published[-1].data["reason"] == "expired"
    assert courses.expire_due_courses(after) == 0
