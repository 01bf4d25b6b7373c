"""HTTP routes of training courses: parse, authorise, call a handler, shape the answer.

As the postings' routes (services/jobs/api.py): 201 + Location for a new course, an `ETag` on
every course, `If-Match` read once and checked by the handler against the locked row, JSON merge
patch on PATCH, cursor pages on lists. `Idempotency-Key` on POST is the kit's middleware.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.common.auth import Principal, Role
from services.common.errors import Forbidden
from services.common.contracts import CourseMode, CourseStatus
from services.common.web import Caller, Page, etag, parse_if_match
from services.jobs.api import ID_PATTERN, MERGE_PATCH, Cursor, Handlers, Limit, _after, _page
from services.jobs.courses import handlers
from services.jobs.courses.domain import Course, CourseCloseRequest, CourseCreate, CourseIn, CoursePatch
from services.jobs.courses.store import CourseFilters

router = APIRouter(prefix="/v1", tags=["courses"])

CourseId = Annotated[str, Path(pattern=ID_PATTERN, description="a course id")]


def course_writer(principal: Principal = Caller) -> Principal:
    """The caller of a write, refused by role before its body is read: a worker or another service
    gets 403 whatever it sent (validation would otherwise answer 422 first). Which org's course
    the caller may touch is the handler's question."""
    if principal.role not in (Role.employer, Role.agency, Role.admin):
        raise Forbidden(f"role {principal.role.value} may not publish or change a course; its provider's org does")
    return principal


Writer = Depends(course_writer)


def _tagged(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


@router.post("/courses", status_code=201, response_model=Course, operation_id="create_course")
def create_course(body: CourseCreate, response: Response, deps: Handlers, principal: Principal = Writer) -> Course:
    """Publish a training course. A training school (employer token) or agency publishes for its
    own org, or names `org_id` of an org it acts for; an admin names `org_id`."""
    course = handlers.create_course(deps, principal, body)
    response.headers["Location"] = f"/v1/courses/{course.id}"
    _tagged(response, course.version)
    return course


@router.get("/courses", response_model=Page[Course], operation_id="list_courses")
def list_courses(
    deps: Handlers,
    principal: Principal = Caller,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN, description="the provider org")] = None,
    status: CourseStatus | None = None,
    mode: CourseMode | None = None,
    region: Annotated[str | None, Query(pattern=r"^(\d{2}|\d{4}|\d{6})$", description="province, city or county code")] = None,
    occupation: Annotated[str | None, Query(pattern=r"^\d(-\d{2}){0,4}$", description="a code; its sub-codes match too")] = None,
    skill: Annotated[str | None, Query(min_length=1, max_length=100, pattern=r"^[^\x00]*$",
                                       description="a skill the course teaches (exact name, any case)")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> dict:
    """Courses newest first: open ones for everyone, the others of the orgs the caller manages."""
    filters = CourseFilters(org_id=org_id, status=status, mode=mode.value if mode else None, region=region,
                            occupation=occupation, skill=skill.strip() if skill else None)
    return _page(handlers.list_courses(deps, principal, filters, after=_after(cursor), limit=limit))


@router.get("/courses/{course_id}", response_model=Course, operation_id="get_course",
            responses={304: {"description": "not modified since the ETag in If-None-Match"}})
def get_course(course_id: CourseId, request: Request, response: Response, deps: Handlers,
               principal: Principal = Caller):
    course = handlers.get_course(deps, principal, course_id)
    if request.headers.get("if-none-match") == etag(course.version):
        return Response(status_code=304, headers={"ETag": etag(course.version)})
    _tagged(response, course.version)
    return course


@router.put("/courses/{course_id}", response_model=Course, operation_id="replace_course")
def replace_course(course_id: CourseId, body: CourseIn, request: Request, response: Response, deps: Handlers,
                   principal: Principal = Writer) -> Course:
    """Replace the client-written fields; honours If-Match (412 on a stale version)."""
    course = handlers.replace_course(deps, principal, course_id, body, parse_if_match(request))
    _tagged(response, course.version)
    return course


@router.patch(
    "/courses/{course_id}",
    response_model=Course,
    operation_id="patch_course",
    openapi_extra={"requestBody": {"content": {MERGE_PATCH: {"schema": {"$ref": "#/components/schemas/CoursePatch"}}}}},
)
def patch_course(course_id: CourseId, body: CoursePatch, request: Request, response: Response, deps: Handlers,
                 principal: Principal = Writer) -> Course:
    """JSON merge patch (RFC 7396); the merged course is validated as a whole."""
    course = handlers.patch_course(deps, principal, course_id, body, parse_if_match(request))
    _tagged(response, course.version)
    return course


@router.delete("/courses/{course_id}", status_code=204, operation_id="delete_course")
def delete_course(course_id: CourseId, request: Request, deps: Handlers, principal: Principal = Writer) -> Response:
    handlers.delete_course(deps, principal, course_id, parse_if_match(request))
    return Response(status_code=204)


@router.post("/courses/{course_id}/close", response_model=Course, operation_id="close_course")
def close_course(course_id: CourseId, body: CourseCloseRequest, request: Request, response: Response, deps: Handlers,
                 principal: Principal = Writer) -> Course:
    """`full` → status full (every seat taken); `withdrawn` → status closed."""
    course = handlers.close_course(deps, principal, course_id, body.reason, parse_if_match(request))
    _tagged(response, course.version)
    return course
