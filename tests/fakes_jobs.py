"""An in-memory `JobsStore` for the handler unit tests of postings and training courses (applications,
invitations and consents go through the real store in the integration tests). Run the handlers on
it through `services.common.uow.InMemoryUnitOfWork`."""

from __future__ import annotations

import datetime as dt

from services.common.contracts import PostingStatus
from services.common.uow import StoreConflict
from services.jobs.courses.domain import LIVE_COURSE, Course
from services.jobs.courses.store import CourseFilters
from services.jobs.domain import Posting


class FakeJobsStore:
    def __init__(self) -> None:
        self.postings: dict[str, Posting] = {}
        self.deleted: dict[str, dt.datetime] = {}
        self.courses: dict[str, Course] = {}
        self.deleted_courses: dict[str, dt.datetime] = {}

    def insert_posting(self, posting: Posting) -> None:
        if posting.id in self.postings:
            raise StoreConflict("the store refused the write: a constraint does not hold")
        self.postings[posting.id] = posting

    def get_posting(self, posting_id: str, *, lock: bool = False, shared: bool = False) -> Posting | None:
        return None if posting_id in self.deleted else self.postings.get(posting_id)

    def update_posting(self, posting: Posting, *, expected_version: int) -> bool:
        held = self.get_posting(posting.id)
        if held is None or held.version != expected_version:
            return False
        self.postings[posting.id] = posting
        return True

    def mark_posting_deleted(self, posting: Posting, *, expected_version: int, at: dt.datetime) -> bool:
        if not self.update_posting(posting, expected_version=expected_version):
            return False
        self.deleted[posting.id] = at
        return True

    def due_postings(self, today: dt.date, limit: int) -> list[Posting]:
        live = (PostingStatus.open, PostingStatus.paused)
        due = [p for p in self.postings.values() if p.id not in self.deleted and p.status in live
               and p.deadline is not None and p.deadline < today]
        return sorted(due, key=lambda p: p.id)[:limit]

    # --- courses (services/jobs/courses/store.py CourseStore) ---

    def insert_course(self, course: Course) -> None:
        if course.id in self.courses:
            raise StoreConflict("the store refused the write: a constraint does not hold")
        self.courses[course.id] = course

    def get_course(self, course_id: str, *, lock: bool = False) -> Course | None:
        return None if course_id in self.deleted_courses else self.courses.get(course_id)

    def update_course(self, course: Course, *, expected_version: int) -> bool:
        held = self.get_course(course.id)
        if held is None or held.version != expected_version:
            return False
        self.courses[course.id] = course
        return True

    def mark_course_deleted(self, course: Course, *, expected_version: int, at: dt.datetime) -> bool:
        if not self.update_course(course, expected_version=expected_version):
            return False
        self.deleted_courses[course.id] = at
        return True

    def list_courses(self, filters: CourseFilters, *, visible_orgs, after_id: str | None, limit: int) -> list[Course]:
        def shown(c: Course) -> bool:
            return (c.id not in self.deleted_courses
                    and (visible_orgs is None or c.status.value == "open" or c.org_id in visible_orgs)
                    and (not filters.org_id or c.org_id == filters.org_id)
                    and (not filters.status or c.status == filters.status)
                    and (not filters.mode or c.mode.value == filters.mode)
                    and (not filters.region or c.region.startswith(filters.region))
                    and (not filters.occupation or (c.occupation is not None and c.occupation.code is not None and (
                        c.occupation.code == filters.occupation or c.occupation.code.startswith(filters.occupation + "-"))))
                    and (not filters.skill or filters.skill.casefold() in {s.name.casefold() for s in c.skills})
                    and (after_id is None or c.id < after_id))

        return sorted(filter(shown, self.courses.values()), key=lambda c: c.id, reverse=True)[:limit]

    def due_courses(self, today: dt.date, limit: int) -> list[Course]:
        due = [c for c in self.courses.values() if c.id not in self.deleted_courses and c.status in LIVE_COURSE
               and c.end_on < today]
        return sorted(due, key=lambda c: (c.end_on, c.id))[:limit]
