"""HTTP routes for courses and growth paths (DESIGN §3 matching; issue 16).

- `POST /v1/search/courses` — any signed-in caller; a worker searching without a region sees the
  on-site courses in its own reach (and every remote one).
- `GET /v1/workers/{id}/growth?posting_id=` — the worker itself, its managing agency (or one listing
  it in acts_for) and admins. Another worker or an employer gets 403; an agency asking about a
  worker it does not manage gets 404, as for an unknown id (the worker's existence stays hidden, as
  for recommendations); an unknown or no longer open posting is 404.

Texts (summaries, explanations, rule texts) are Chinese unless the client sends `Accept-Language: en`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from pydantic_core import to_json

from services.common.auth import Principal, Role
from services.common.contracts import SkillLevel
from services.common.errors import Forbidden
from services.common.web import Caller
from services.matching import handlers as matching
from services.matching.api import EntityId, _answer, _context, _index, _translated
from services.matching.courses import handlers
from services.matching.courses.domain import CourseSearch, language_of
from services.matching.domain import PostingNotIndexed, WorkerNotIndexed
from services.matching.index import Kind

router = APIRouter(prefix="/v1", tags=["matching"])

AcceptLanguage = Annotated[str | None, Header(max_length=500, description="`en` for English texts; Chinese otherwise")]


class CourseExplanation(BaseModel):
    factors: dict[str, float] = Field(description="each factor's contribution; they add up to the score")
    matched_skills: list[str] = Field(description="wanted skills (searched, or the worker's gaps) the course teaches")
    missing_skills: list[str] = Field(description="wanted skills it does not teach")
    prepares_for_level: SkillLevel | None
    summary: str = Field(description="one line a person can read")


class CourseHit(BaseModel):
    course_id: str
    score: float = Field(ge=0, le=1)
    explanation: CourseExplanation
    course: dict[str, Any] = Field(description="the course as its provider published it")


class CourseRanking(BaseModel):
    items: list[CourseHit]


class GrowthCourse(CourseHit):
    closes: list[str] = Field(description="the gaps (skills, permits' operations) the course closes")


class Growth(BaseModel):
    worker_id: str
    posting_id: str | None = None
    level: dict[str, Any] = Field(description="the worker's current level and its label")
    gaps: dict[str, Any] | None = Field(
        None, description="for a posting: missing skills, level gap, missing certificates and permits, ready")
    next_rung: dict[str, Any] | None = Field(
        description="the next level: each route with what is met and missing, the competition route (破格/越级), "
                    "the outstanding-worker route, and `unlocks.open_postings` counted in the index")
    courses: list[GrowthCourse] = Field(description="open courses in reach that close the gaps (or prepare for the next level), best first")
    summary: str
    rules_version: str
    vocabulary_version: str


@router.post("/search/courses", response_model=CourseRanking, operation_id="search_courses")
def search_courses(request: Request, body: CourseSearch, principal: Principal = Caller,
                   accept_language: AcceptLanguage = None) -> Response:
    """Open training courses by skills (synonyms folded), occupation, level, mode, region, start, subsidy and text."""
    context = _context(request)
    index = _index(context)
    me = None
    if principal.role is Role.worker and not body.region:
        hit = _translated(lambda: index.get(Kind.workers, principal.subject))
        me = hit.source if hit is not None else None
    items = _translated(lambda: handlers.search_courses(index, body, context.clock(), language_of(accept_language), worker=me))
    return _answer(items)


@router.get("/workers/{worker_id}/growth", response_model=Growth, operation_id="worker_growth")
def worker_growth(
    request: Request,
    worker_id: EntityId,
    posting_id: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                                            description="the posting to measure the gaps against")] = None,
    limit: Annotated[int, Query(ge=1, le=50, description="how many courses, best first")] = 10,
    principal: Principal = Caller,
    accept_language: AcceptLanguage = None,
) -> Response:
    """What the worker lacks for a posting, the open courses that close it, and the next rung of the ladder."""
    principal.require(Role.worker, Role.agency, Role.admin)
    if principal.role is Role.worker and principal.subject != worker_id:
        raise Forbidden("a worker sees its own growth path only")
    context = _context(request)
    index = _index(context)
    worker = _translated(lambda: matching.indexed_worker(index, worker_id))
    if not principal.may_manage_worker(worker_id, worker.get("agency_id")):
        raise WorkerNotIndexed(f"worker {worker_id} is not known to matching")  # existence stays hidden
    posting = None
    if posting_id is not None:
        posting = _translated(lambda: matching.indexed_posting(index, posting_id))
        if posting.get("status") != "open":
            raise PostingNotIndexed(f"posting {posting_id} is not open")
    answer = _translated(lambda: handlers.growth_path(index, worker, posting, context.clock(),
                                                      language_of(accept_language), limit=limit))
    return Response(to_json(answer), media_type="application/json")  # built in the documented shape (as _answer)
