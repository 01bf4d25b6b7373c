"""Training courses (DESIGN §3): the models and rules, pure Python and pydantic, no I/O.

A training school or agency (职业培训机构) publishes courses; the API families follow the postings':

- `CourseIn` (the contract's `CourseFields` plus the jobs service's stricter rules), `CourseCreate`
  (`CourseIn` plus the provider org an agency or admin names), `CoursePatch` (a JSON merge patch,
  validated as the merged whole) and `Course` (what the service answers);
- the lifecycle as an explicit table (open ⇄ paused, then full, closed or expired, which are final)
  so an illegal move is refused in one place (`IllegalTransition`, 409);
- who provides a course (`course_provider`) and who may read one (`may_read_course`).

Rules that depend on the date take `today`, so they are tested without a clock.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictFloat, StrictInt, field_validator

from services.common.auth import Principal, Role
from services.common.contracts import (
    CourseFields,
    CourseMode,
    CourseSkill,
    CourseStatus,
    Id,
    LongText,
    Occupation,
    RegionCode,
    SkillLevel,
    Strict,
    Text,
    WholeNumber,
)
from services.common.errors import Forbidden, IllegalTransition, InvalidInput
from services.jobs.domain import PATCH_MAX_DEPTH, _depth, may_manage, specific_occupation, validate_body

# --- limits (documented in docs/jobs.md) -------------------------------------------------------

# A course announced further ahead than this is a plan, not an offer a worker can act on.
START_HORIZON = dt.timedelta(days=731)
# Longer than three years is a degree programme, not a vocational training course.
MAX_COURSE_DAYS = 1096
HOURS_PER_DAY = 24  # hours above 24 × the course's calendar days are a typo (minutes, an extra zero)


class CourseIn(CourseFields):
    """A course as its provider writes it; each rule is a field validator, so a refusal names its field."""

    @field_validator("skills")
    @classmethod
    def _distinct_skills(cls, skills: list[CourseSkill]) -> list[CourseSkill]:
        names = [s.name.casefold() for s in skills]
        if len(set(names)) != len(names):
            raise ValueError("skills must not repeat a name")
        return skills

    @field_validator("occupation")
    @classmethod
    def _specific_occupation(cls, occupation: Occupation | None) -> Occupation | None:
        return specific_occupation(occupation)


class CourseCreate(CourseIn):
    """`CourseIn` plus the provider org: an employer's or agency's own org by default; an agency may
    name an org it acts for, and an admin must name one."""

    org_id: Id | None = None


class CoursePatch(Strict):
    """A JSON merge patch (RFC 7396) of a course: present keys replace, `null` resets to the
    default, objects merge key by key. Only the merged whole is validated (as `CourseIn`)."""

    title: Text | None = None
    description: LongText | None = None
    occupation: dict[str, Any] | None = None
    skills: list[Any] | None = Field(None, max_length=30)
    prepares_for_level: SkillLevel | None = None
    mode: CourseMode | None = None
    region: RegionCode | None = None
    start_on: dt.date | None = None
    end_on: dt.date | None = None
    hours: StrictInt | StrictFloat | None = None
    fee: dict[str, Any] | None = None
    subsidy_eligible: StrictBool | None = None
    seats: WholeNumber | None = None
    status: CourseStatus | None = None

    @field_validator("occupation", "skills", "fee")
    @classmethod
    def _shallow(cls, value: Any) -> Any:
        if value is not None and _depth(value, PATCH_MAX_DEPTH) > PATCH_MAX_DEPTH:
            raise ValueError(f"nested more than {PATCH_MAX_DEPTH} levels deep; a course has no such field")
        return value


class Course(CourseFields):
    """A course as the service answers it."""

    id: str
    org_id: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_reason: Literal["full", "withdrawn", "expired", "deleted"] | None = None
    closed_at: dt.datetime | None = None

    def fields(self) -> dict[str, Any]:
        """The client-written fields only (JSON-ready), as a merge patch applies to them."""
        return self.model_dump(mode="json", include=set(CourseFields.model_fields))


class CourseCloseReason(StrEnum):
    full = "full"  # every seat is taken
    withdrawn = "withdrawn"  # the provider cancels it


class CourseCloseRequest(Strict):
    reason: CourseCloseReason


EXPIRED_REASON = "expired"
DELETED_REASON = "deleted"
# Closing reasons as they appear in course.closed, and the status each leads to.
CLOSE_STATUS: dict[str, CourseStatus] = {
    CourseCloseReason.full: CourseStatus.full,
    CourseCloseReason.withdrawn: CourseStatus.closed,
    EXPIRED_REASON: CourseStatus.expired,
}

# The lifecycle, as a posting's: open ⇄ paused, either → full / closed / expired; those three are final.
COURSE_TRANSITIONS: dict[CourseStatus, frozenset[CourseStatus]] = {
    CourseStatus.open: frozenset({CourseStatus.paused, CourseStatus.full, CourseStatus.closed, CourseStatus.expired}),
    CourseStatus.paused: frozenset({CourseStatus.open, CourseStatus.full, CourseStatus.closed, CourseStatus.expired}),
    CourseStatus.full: frozenset(),
    CourseStatus.closed: frozenset(),
    CourseStatus.expired: frozenset(),
}
LIVE_COURSE = frozenset({CourseStatus.open, CourseStatus.paused})
# What a client may set through PUT/PATCH; the rest have their own way in (close, the sweep).
CLIENT_SETTABLE_STATUS = LIVE_COURSE


def check_course_transition(current: CourseStatus, target: CourseStatus) -> None:
    """Refuse a move the lifecycle does not allow (staying in the same status is no move)."""
    if current != target and target not in COURSE_TRANSITIONS[current]:
        raise IllegalTransition(f"a course that is {current.value} cannot become {target.value}")


def check_course_editable(status: CourseStatus) -> None:
    """Full, closed and expired courses are history: they are no longer edited."""
    if status not in LIVE_COURSE:
        raise IllegalTransition(f"the course is {status.value}; it can no longer be changed")


def check_client_status(status: CourseStatus, *, field: str = "body.status") -> None:
    if status not in CLIENT_SETTABLE_STATUS:
        how = "the end date passing" if status is CourseStatus.expired else "POST /v1/courses/{id}/close"
        raise InvalidInput.field(field, f"status {status.value} is set through {how}, not by writing the course")


def check_course_dates(fields: CourseFields, today: dt.date, *, previous: CourseFields | None = None) -> None:
    """A live course has not ended yet, starts within the horizon, lasts at most MAX_COURSE_DAYS,
    and its hours fit its days. Dates a rewrite leaves unchanged are not checked against today again,
    so a course that is running stays editable until the sweep expires it after end_on."""
    if previous is None or fields.end_on != previous.end_on:
        if fields.end_on < today:
            raise InvalidInput.field("body.end_on", f"the course ended on {fields.end_on}, before today ({today})")
    if previous is None or fields.start_on != previous.start_on:
        if fields.start_on > today + START_HORIZON:
            raise InvalidInput.field("body.start_on", f"the start must be within {START_HORIZON.days} days")
    days = (fields.end_on - fields.start_on).days + 1
    if days > MAX_COURSE_DAYS:
        raise InvalidInput.field("body.end_on", f"a course lasts at most {MAX_COURSE_DAYS} days; this one {days}")
    if fields.hours > HOURS_PER_DAY * days:
        raise InvalidInput.field("body.hours", f"{fields.hours} hours do not fit into {days} days")


def validate_course(data: dict[str, Any]) -> CourseIn:
    """Validate a merged course; errors name the fields as a request body would (`body.fee.amount`)."""
    return validate_body(CourseIn, data)


def course_provider(principal: Principal, requested: str | None) -> str:
    """The org a new course belongs to. Training schools and agencies publish for their own org (an
    employer or agency token's `org`); an agency may name an org it acts for; an admin names one."""
    if principal.role in (Role.employer, Role.agency):
        if requested is None:
            if not principal.org:
                raise Forbidden(f"a {principal.role.value} token without an org cannot publish a course")
            return principal.org
        if not principal.may_act_for_org(requested):
            raise Forbidden(f"your token does not act for org {requested}")
        return requested
    if principal.role is Role.admin:
        if requested is None:
            raise InvalidInput.field("body.org_id", "required: the org that provides this course")
        return requested
    raise Forbidden(f"role {principal.role.value} may not publish a course; its provider's org does")


def may_read_course(principal: Principal, org_id: str, status: CourseStatus) -> bool:
    """Open courses are public to any authenticated caller; the others only to whoever manages
    them (the provider's org, an agency acting for it, admins) and to other services."""
    return status is CourseStatus.open or principal.role is Role.service or may_manage(principal, org_id)


__all__ = [
    "CLOSE_STATUS", "COURSE_TRANSITIONS", "Course", "CourseCloseReason", "CourseCloseRequest", "CourseCreate",
    "CourseIn", "CoursePatch", "DELETED_REASON", "EXPIRED_REASON", "LIVE_COURSE", "check_client_status",
    "check_course_dates", "check_course_editable", "check_course_transition", "course_provider",
    "may_read_course", "validate_course",
]
