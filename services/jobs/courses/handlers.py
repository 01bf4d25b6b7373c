"""What happens for each command on a training course: one function each, `deps` first.

The jobs service's handler shape (services/jobs/handlers.py): `command(deps, principal, …)`, every
write one `with deps.uow as uow:` — the row through `uow.store` (JobsStore inherits CourseStore) and
its outbox events through `uow.publish`, one commit, after the row was locked and the caller's
If-Match checked against it; the relay is woken after commit.

Events (DESIGN §4, `talentflow.courses`, keyed by course id): `course.upserted` for every change
(the whole state at the new version), followed by `course.closed` when a course fills, is withdrawn
or expires; `course.closed` alone on delete. `course.closed` carries the state after closing, so on
the compacted topic it alone rebuilds the course.
"""

from __future__ import annotations

import datetime as dt

from services.common.auth import Principal
from services.common.contracts import CourseStatus
from services.common.errors import Forbidden, IllegalTransition, NotFound
from services.common.events import CloudEvent, CourseClosed, CourseUpserted, make_event
from services.common.uow import UnitOfWork
from services.jobs.courses.domain import (
    CLOSE_STATUS,
    DELETED_REASON,
    EXPIRED_REASON,
    LIVE_COURSE,
    Course,
    CourseCloseReason,
    CourseCreate,
    CourseIn,
    CoursePatch,
    check_client_status,
    check_course_dates,
    check_course_editable,
    check_course_transition,
    course_provider,
    may_read_course,
    validate_course,
)
from services.jobs.courses.store import CourseFilters
from services.jobs.domain import apply_merge_patch, managed_orgs, may_manage, new_id
from services.jobs.handlers import SOURCE, Deps, IfMatch, Page, _changed_concurrently, _page, _precondition
from services.jobs.store import JobsStore

# --- events ------------------------------------------------------------------------------------


def _course_state(course: Course) -> CourseUpserted:
    return CourseUpserted.model_validate(
        {**course.fields(), "id": course.id, "org_id": course.org_id, "version": course.version,
         "created_at": course.created_at, "updated_at": course.updated_at}
    )


def _course_upserted(course: Course) -> CloudEvent:
    return make_event("course.upserted", _course_state(course), subject=course.id, source=SOURCE,
                      entityversion=course.version)


def _course_closed(course: Course, reason: str, at: dt.datetime) -> CloudEvent:
    data = CourseClosed(id=course.id, org_id=course.org_id, status=course.status, reason=reason, closed_at=at,
                        course=_course_state(course))
    return make_event("course.closed", data, subject=course.id, source=SOURCE, entityversion=course.version)


# --- access ------------------------------------------------------------------------------------


def _readable_course(uow: UnitOfWork[JobsStore], principal: Principal, course_id: str, **lock) -> Course:
    course = uow.store.get_course(course_id, **lock)
    if course is None or not may_read_course(principal, course.org_id, course.status):
        raise NotFound(f"no course {course_id}")
    return course


def _managed_course(uow: UnitOfWork[JobsStore], principal: Principal, course_id: str, **lock) -> Course:
    """The course if the caller provides it (its org, an agency acting for that org, an admin);
    403 when the caller may see but not change it, 404 when even its existence is hidden."""
    course = _readable_course(uow, principal, course_id, **lock)
    if not may_manage(principal, course.org_id):
        raise Forbidden("only the course's provider org, an agency acting for it, or an admin may do this")
    return course


# --- commands ----------------------------------------------------------------------------------


def create_course(deps: Deps, principal: Principal, body: CourseCreate) -> Course:
    org_id = course_provider(principal, body.org_id)
    check_client_status(body.status)
    check_course_dates(body, deps.today())
    now = deps.now()
    course = Course(**body.model_dump(exclude={"org_id"}), id=new_id("crs"), org_id=org_id, version=1,
                    created_at=now, updated_at=now)
    with deps.uow as uow:
        uow.store.insert_course(course)
        uow.publish(_course_upserted(course))
    deps.wake()
    return course


def get_course(deps: Deps, principal: Principal, course_id: str) -> Course:
    with deps.uow.read() as uow:
        return _readable_course(uow, principal, course_id)


def list_courses(deps: Deps, principal: Principal, filters: CourseFilters, *, after: str | None, limit: int) -> Page[Course]:
    with deps.uow.read() as uow:
        items = uow.store.list_courses(filters, visible_orgs=managed_orgs(principal), after_id=after, limit=limit + 1)
    return _page(items, limit)


def _rewrite(deps: Deps, uow: UnitOfWork[JobsStore], current: Course, new_fields: CourseIn) -> Course:
    """Write a course's new fields (PUT or merged PATCH) after the lifecycle and date rules."""
    check_client_status(new_fields.status)
    check_course_transition(current.status, new_fields.status)
    check_course_dates(new_fields, deps.today(), previous=current)
    if new_fields.model_dump(mode="json") == current.fields():
        return current  # nothing changed: no new version, no event
    updated = Course(**new_fields.model_dump(), id=current.id, org_id=current.org_id, version=current.version + 1,
                     created_at=current.created_at, updated_at=deps.now())
    if not uow.store.update_course(updated, expected_version=current.version):
        raise _changed_concurrently()
    uow.publish(_course_upserted(updated))
    return updated


def replace_course(deps: Deps, principal: Principal, course_id: str, body: CourseIn, if_match: IfMatch) -> Course:
    with deps.uow as uow:
        current = _managed_course(uow, principal, course_id, lock=True)
        _precondition(deps, if_match, current.version)
        check_course_editable(current.status)
        updated = _rewrite(deps, uow, current, body)
    deps.wake()
    return updated


def patch_course(deps: Deps, principal: Principal, course_id: str, patch: CoursePatch, if_match: IfMatch) -> Course:
    with deps.uow as uow:
        current = _managed_course(uow, principal, course_id, lock=True)
        _precondition(deps, if_match, current.version)
        check_course_editable(current.status)
        merged = apply_merge_patch(current.fields(), patch.model_dump(mode="json", exclude_unset=True))
        updated = _rewrite(deps, uow, current, validate_course(merged))
    deps.wake()
    return updated


def close_course(deps: Deps, principal: Principal, course_id: str, reason: CourseCloseReason, if_match: IfMatch) -> Course:
    """`full` → status full (every seat taken); `withdrawn` → status closed (the provider cancels it)."""
    with deps.uow as uow:
        current = _managed_course(uow, principal, course_id, lock=True)
        _precondition(deps, if_match, current.version)
        closed = _close(uow, current, reason.value, deps.now())
    deps.wake()
    return closed


def _close(uow: UnitOfWork[JobsStore], current: Course, reason: str, now: dt.datetime) -> Course:
    target = CLOSE_STATUS[reason]
    if current.status == target:
        raise IllegalTransition(f"the course is already {target.value}")
    check_course_transition(current.status, target)
    closed = current.model_copy(
        update={"status": target, "version": current.version + 1, "updated_at": now, "closed_reason": reason,
                "closed_at": now}
    )
    if not uow.store.update_course(closed, expected_version=current.version):
        raise _changed_concurrently()
    uow.publish(_course_upserted(closed), _course_closed(closed, reason, now))
    return closed


def delete_course(deps: Deps, principal: Principal, course_id: str, if_match: IfMatch) -> None:
    """The course disappears from every read; a live one is announced closed (reason `deleted`)."""
    now = deps.now()
    with deps.uow as uow:
        current = _managed_course(uow, principal, course_id, lock=True)
        _precondition(deps, if_match, current.version)
        update = {"version": current.version + 1, "updated_at": now}
        if current.status in LIVE_COURSE:
            update |= {"status": CourseStatus.closed, "closed_reason": DELETED_REASON, "closed_at": now}
        deleted = current.model_copy(update=update)
        if not uow.store.mark_course_deleted(deleted, expected_version=current.version, at=now):
            raise _changed_concurrently()
        uow.publish(_course_closed(deleted, DELETED_REASON, now))
    deps.wake()


def expire_due_courses(deps: Deps, *, batch: int = 200) -> int:
    """Expire live courses whose end day is over (local dates, as deadlines); one unit per batch."""
    today, now, total = deps.today(), deps.now(), 0
    while True:
        with deps.uow as uow:
            due = uow.store.due_courses(today, batch)
            for course in due:
                _close(uow, course, EXPIRED_REASON, now)
        total += len(due)
        if due:
            deps.wake()
        if len(due) < batch:
            return total
