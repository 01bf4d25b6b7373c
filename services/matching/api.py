"""HTTP routes of the matching service: parse, authorise, call a handler, shape the answer.

Who may see what (DESIGN §3 Auth/Subjects):

- candidates of a posting: the employer org that owns it, an agency acting for that org, an admin;
- recommendations of a worker: the worker itself, its managing agency (or one listing the worker
  in acts_for), an admin. To anyone else a worker's existence is not revealed: an agency asking
  about a worker it does not manage gets 404, like for an unknown id;
- worker search: employers, agencies, admins; posting search: anyone signed in;
- achievement search (the skill achievement database): employers, agencies, admins — as worker
  search, since each hit points to a worker; a worker sees its own achievements on its profile.

Every hit is masked: no contact data ever reaches the index, and names and certificate numbers
are masked in the stored source and again when a hit is shaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from pydantic_core import to_json

from services.common.auth import Principal, Role
from services.common.contracts import PostingKind
from services.common.errors import Forbidden, Unavailable
from services.common.web import Caller
from services.matching import achievements, handlers
from services.matching.domain import WorkerNotIndexed, language_of
from services.matching.handlers import PostingSearch, Tuning, WorkerSearch
from services.matching.index import SearchIndexUnavailable
from services.matching.index import Kind, SearchIndex

router = APIRouter(prefix="/v1", tags=["matching"])

EntityId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="an id as the API returned it")]
Limit = Annotated[int, Query(ge=1, le=100, description="how many hits, best first")]


@dataclass
class MatchingContext:
    """What the routes need, set on app.state.matching by app.py."""

    index: Callable[[], SearchIndex]
    tuning: Tuning
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)


# --- answer shapes (for the OpenAPI document) -----------------------------------------------------


class Explanation(BaseModel):
    factors: dict[str, float] = Field(description="each factor's contribution; they add up to the score")
    matched_skills: list[str]
    missing_skills: list[str]
    inferred_skills: dict[str, list[str]] = Field(
        default_factory=dict,
        description="skills counted that were inferred from free text: `posting` (its title and description), "
                    "`worker` (the profile's free text)")
    summary: str = Field(description="one line a person can read")


class WorkerHit(BaseModel):
    worker_id: str
    score: float = Field(ge=0, le=1)
    explanation: Explanation
    worker: dict[str, Any] = Field(description="a summary of the profile; no contact data, name and certificate numbers masked")


class PostingHit(BaseModel):
    posting_id: str
    score: float = Field(ge=0, le=1)
    explanation: Explanation
    posting: dict[str, Any]


class WorkerRanking(BaseModel):
    items: list[WorkerHit]


class PostingRanking(BaseModel):
    items: list[PostingHit]


def _context(request: Request) -> MatchingContext:
    return request.app.state.matching


def _index(context: MatchingContext) -> SearchIndex:
    return context.index()


def _answer(items: list[dict[str, Any]]) -> Response:
    """`{"items": [...]}` as JSON, written at once: the handlers build exactly the documented shape
    (the response models below are for the OpenAPI document), so validating it again on every
    request (a few hundred nested values) is skipped; a Response returned is sent as it is."""
    return Response(to_json({"items": items}), media_type="application/json")


def _language(request: Request) -> str:
    """Explanations in Chinese unless the client's Accept-Language prefers English (DESIGN §3)."""
    return language_of(request.headers.get("accept-language"))


def _translated(call: Callable[[], Any]) -> Any:
    """An index that cannot be reached is a 503 (retry later), never a 500."""
    try:
        return call()
    except SearchIndexUnavailable:
        raise Unavailable("the search index cannot be reached; retry shortly") from None


# --- routes --------------------------------------------------------------------------------------


@router.get("/postings/{posting_id}/candidates", response_model=WorkerRanking, operation_id="posting_candidates")
def posting_candidates(
    request: Request,
    posting_id: EntityId,
    limit: Limit = 20,
    min_score: Annotated[float, Query(ge=0, le=1, description="leave out hits scoring below this")] = 0.0,
    principal: Principal = Caller,
) -> Response:
    """Workers ranked for a posting: the hard filters of DESIGN §5, then the ranking formula."""
    principal.require(Role.employer, Role.agency, Role.admin)
    context = _context(request)
    index = _index(context)
    posting = _translated(lambda: handlers.indexed_posting(index, posting_id))
    if not principal.may_act_for_org(posting["org_id"]):
        raise Forbidden("only the posting's employer, an agency acting for it, or an admin sees its candidates")
    items = _translated(lambda: handlers.rank_candidates(index, posting, context.tuning, context.clock(),
                                                        limit=limit, min_score=min_score, language=_language(request)))
    shown = getattr(request.app.state, "shown_lists", None)  # market outcomes by rank: a queue put, no I/O
    if shown is not None:
        shown.record(posting_id, [item["worker_id"] for item in items], context.tuning.weights)
    return _answer(items)


@router.get("/workers/{worker_id}/recommendations", response_model=PostingRanking, operation_id="worker_recommendations")
def worker_recommendations(
    request: Request,
    worker_id: EntityId,
    limit: Limit = 20,
    kind: Annotated[PostingKind | None, Query(description="only postings of this kind")] = None,
    principal: Principal = Caller,
) -> Response:
    """Open postings ranked for a worker, by the same formula that ranks candidates."""
    principal.require(Role.worker, Role.agency, Role.admin)
    if principal.role is Role.worker and principal.subject != worker_id:
        raise Forbidden("a worker sees its own recommendations only")
    context = _context(request)
    index = _index(context)
    worker = _translated(lambda: handlers.indexed_worker(index, worker_id))
    if not principal.may_manage_worker(worker_id, worker.get("agency_id")):
        raise WorkerNotIndexed(f"worker {worker_id} is not known to matching")  # existence stays hidden
    if not worker.get("matchable"):
        return _answer([])  # no matching consent, or a paused profile: matching leaves it alone
    items = _translated(lambda: handlers.rank_recommendations(index, worker, context.tuning, context.clock(),
                                                             limit=limit, kind=kind.value if kind else None,
                                                             language=_language(request)))
    return _answer(items)


@router.post("/search/workers", response_model=WorkerRanking, operation_id="search_workers")
def search_workers(request: Request, body: WorkerSearch, principal: Principal = Caller) -> Response:
    """Matchable workers by structured filters and free text, ranked against the criteria."""
    principal.require(Role.employer, Role.agency, Role.admin)
    context = _context(request)
    index = _index(context)
    return _answer(_translated(lambda: handlers.search_workers(index, body, context.tuning, context.clock(),
                                                               _language(request))))


@router.post("/search/postings", response_model=PostingRanking, operation_id="search_postings")
def search_postings(request: Request, body: PostingSearch, principal: Principal = Caller) -> Response:
    """Open postings by structured filters and free text; a worker's hits are ranked against its profile."""
    if principal.role is Role.service:
        raise Forbidden("role service may not do this")
    context = _context(request)
    index = _index(context)
    me = None
    if principal.role is Role.worker:
        hit = _translated(lambda: index.get(Kind.workers, principal.subject))
        me = hit.source if hit is not None and hit.source.get("matchable") else None
    return _answer(_translated(lambda: handlers.search_postings(index, body, context.tuning, context.clock(), worker=me,
                                                                language=_language(request))))


class AchievementHit(BaseModel):
    achievement: dict[str, Any] = Field(description="kind (patent, process_innovation, work_method, other, award), "
                                                    "title, year; for an award its tier and rank")
    worker_id: str
    score: float = Field(ge=0, le=1)
    explanation: dict[str, Any] = Field(description="factors (text, merit, recency), matched_terms, summary")
    worker: dict[str, Any] = Field(description="the holder: masked name, no contact data, no certificate numbers")


class AchievementResults(BaseModel):
    items: list[AchievementHit]


@router.post("/search/achievements", response_model=AchievementResults, operation_id="search_achievements")
def search_achievements(request: Request, body: achievements.AchievementSearch, principal: Principal = Caller) -> Response:
    """The skill achievement database: achievements and awards of matchable workers, each pointing to its holder."""
    principal.require(Role.employer, Role.agency, Role.admin)
    context = _context(request)
    index = _index(context)
    return _answer(_translated(lambda: achievements.search_achievements(index, body, context.clock(), _language(request))))
