"""What the matching service does for a request or an incoming event: one function each,
dependencies (the index, the store, the key-value port) passed in.

Retrieval turns the hard filters of DESIGN §5 into the `search.Filter` AST and asks the index for
a few hundred candidates by text relevance; `ranking.rank` then scores each one, the same code
whichever index served them. Ingest folds a batch of events into version-guarded index writes;
the reactive step announces strong new pairs as `match.found`, each pair once.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic_core import from_json

from services.common import taxonomy
from services.common.contracts import (
    AvailabilityMode,
    Name,
    PostingKind,
    RegionPrefix,
    SkillLevel,
    check_region,
    city_of,
    province_of,
)
from services.common.events import (
    EVENT_TYPES,
    CloudEvent,
    CourseClosed,
    CourseUpserted,
    MatchFound,
    PostingClosed,
    PostingUpserted,
    WorkerErased,
    WorkerUpserted,
    decode,
    make_event,
    schema_version,
)
from services.common.ports import KeyValue, Record
from services.common.uow import UnitOfWork
from services.matching.courses.documents import closed_course_doc, course_doc
from services.matching import inferred, store
from services.matching.documents import (
    CHINA,
    Declined,
    closed_posting_doc,
    epoch,
    posting_doc,
    posting_summary,
    posting_view,
    read_datetime,
    read_worker_upserted,
    worker_doc,
    worker_doc_of,
    worker_summary,
    worker_view,
)
from services.matching.domain import (
    IndexBehind,
    PostingNotIndexed,
    PostingView,
    SkillHeld,
    SkillWanted,
    WorkerNotIndexed,
    WorkerView,
    compatible_modes,
    kinds_for_modes,
    monthly_equivalent,
    region_prefixes,
)
from services.matching.ranking import PostingSide, Ranked, Weights, WorkerFeatures
from services.matching.index import (
    AllOf,
    AnyOf,
    Boost,
    Filter,
    IndexDoc,
    IndexHit,
    Kind,
    Range,
    SearchIndex,
    SearchQuery,
    Terms,
)
from services.matching.synonyms import canonical, occupation_codes

log = logging.getLogger(__name__)

SOURCE = "talentflow/matching"
OCCUPATION_CODE = re.compile(r"^\d(-\d{2}){0,3}(-\d{2})?$")


@dataclass(frozen=True)
class Tuning:
    """The knobs of retrieval, ranking and announcements (from the service's settings)."""

    weights: Weights = field(default_factory=Weights)
    candidate_depth: int = 60  # hits of the engine's first cut that the formula ranks (at least 2 × limit)
    match_threshold: float = 0.6  # score at which a pair is announced as match.found
    match_top_n: int = 10  # at most this many announcements per changed posting or worker
    dedupe_ttl_s: float = 400 * 86400  # key-value marker of an announced pair
    index_wait_s: float = 10.0  # how long the reactive step waits for the index to hold a change


# --- ranking a page of hits ---------------------------------------------------------------------


class ViewCache:
    """Recently read workers (as the formula's `WorkerFeatures`) and postings (as views) by
    (id, version): a document at a version never changes, and the same ones come back for many
    requests, so reading their source once pays (bounded, LRU)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._workers: OrderedDict[tuple[str, int], WorkerFeatures] = OrderedDict()
        self._postings: OrderedDict[tuple[str, int], PostingView] = OrderedDict()
        self._lock = threading.Lock()

    def worker(self, hit: IndexHit) -> WorkerFeatures:
        return self._get(self._workers, hit, WorkerFeatures.from_source)

    def posting(self, hit: IndexHit) -> PostingView:
        return self._get(self._postings, hit, posting_view)

    def forget(self, worker_id: str) -> None:
        """Erasure: drop every cached reading of a worker (they hold no name or contact, but go anyway)."""
        with self._lock:
            for key in [k for k in self._workers if k[0] == worker_id]:
                del self._workers[key]

    def _get(self, cache: OrderedDict, hit: IndexHit, build):
        key = (hit.id, hit.version)
        with self._lock:
            view = cache.get(key)
            if view is not None:
                cache.move_to_end(key)
                return view
        view = build(hit.source)
        with self._lock:
            cache[key] = view
            if len(cache) > self.size:
                cache.popitem(last=False)
        return view


_views = ViewCache()


def _best(
    target: PostingView | WorkerView,
    hits: list[IndexHit],
    tuning: Tuning,
    now: dt.datetime,
    *,
    ranked: Literal["worker", "posting"],
    limit: int,
    min_score: float = 0.0,
    language: str = "zh",
) -> list[tuple[Ranked, IndexHit]]:
    """Score every hit with the one formula, keep the best `limit` at or above `min_score`, and
    explain only those, in `language` (the explanation comes from the same qualities as the score)."""
    if ranked == "worker":  # candidates and worker searches: one posting side, many workers
        side = PostingSide(target, tuning.weights, now)
        scored = [(side.score(_views.worker(h)), side, h) for h in hits]
    else:  # recommendations and posting searches: one worker, many posting sides
        worker = WorkerFeatures.from_view(target)
        sides = [(PostingSide(_views.posting(h), tuning.weights, now, ranked="posting"), h) for h in hits]
        scored = [(side.score(worker), side, h) for side, h in sides]
    scored.sort(key=lambda item: (-item[0], -item[2].relevance, item[2].id))
    # the shown score is rounded to 4 places: compare the threshold with the rounded value too
    kept = [item for item in scored if round(item[0], 4) >= min_score][:limit]
    explained = [(side.explain(_views.worker(h) if ranked == "worker" else worker, language), h) for _, side, h in kept]
    return [(r, h) for r, h in explained if r.score >= min_score]


def worker_hit(ranked: Ranked, hit: IndexHit) -> dict[str, Any]:
    return {"worker_id": hit.id, "score": ranked.score, "explanation": ranked.explanation.as_dict(),
            "worker": worker_summary(hit.source)}


def posting_hit(ranked: Ranked, hit: IndexHit) -> dict[str, Any]:
    return {"posting_id": hit.id, "score": ranked.score, "explanation": ranked.explanation.as_dict(),
            "posting": posting_summary(hit.source)}


# --- reads of single documents ------------------------------------------------------------------


def indexed_posting(index: SearchIndex, posting_id: str) -> dict[str, Any]:
    hit = index.get(Kind.postings, posting_id)
    if hit is None:
        raise PostingNotIndexed(f"posting {posting_id} is not known to matching")
    return hit.source


def indexed_worker(index: SearchIndex, worker_id: str) -> dict[str, Any]:
    hit = index.get(Kind.workers, worker_id)
    if hit is None:
        raise WorkerNotIndexed(f"worker {worker_id} is not known to matching")
    return hit.source


# --- retrieval: hard filters as the filter AST (DESIGN §5) ---------------------------------------


def today_in_china(now: dt.datetime) -> dt.date:
    return now.astimezone(CHINA).date()


def open_posting_filters(now: dt.datetime) -> list[Filter]:
    """Postings that take applicants: open, and the deadline (a date in China) not passed."""
    return [
        Terms("status", ("open",)),
        AnyOf((Terms("deadline", (0,)), Range("deadline", gte=epoch(today_in_china(now))))),
    ]


# The engine's first cut of ranking (`Boost`s, in score points of the index): a rough copy of the
# formula's largest factors (skills 0.30, region 0.12, wage 0.12, level 0.10) at 20 points per unit
# of score, so the few dozen hits Python ranks are the ones the formula would put on top. A boost
# term (any wanted skill, the occupation) already adds BOOST_TERM_WEIGHT (2.0) on its own.
FIRST_CUT_POINTS = 20.0
FIRST_CUT_WEIGHTS = {"skills": 0.30, "region": 0.12, "wage": 0.12, "level": 0.10}


def candidate_query(posting: dict[str, Any], depth: int) -> SearchQuery:
    """Workers who may take the posting: matchable, level, modes, region; some skill or occupation.

    Retrieval fits the question: a posting that names skills or an occupation finds workers by
    those keyword fields alone (canonical names, synonyms folded at index time; occupation codes
    with their ancestors), with no BM25 over jieba-cut common words; only a free-text posting (no
    skill, no occupation) is found by its title's words. `boosts` make the engine's score a first
    cut of the formula, so `depth` can be a few dozen."""
    region, remote_ok = posting["region"], bool(posting.get("remote_ok"))
    filters: list[Filter] = [
        Terms("matchable", (True,)),
        Terms("modes", compatible_modes(posting["kind"], remote_ok)),
    ]
    min_rank = SkillLevel(posting["min_skill_level"]).rank if posting.get("min_skill_level") else 0
    if min_rank:
        filters.append(Range("level", gte=min_rank))
    region_fits: list[Filter] = [
        Terms("city", (city_of(region),)),
        Terms("open_regions", region_prefixes(region)),
    ]
    if remote_ok:
        region_fits.append(Terms("modes", (AvailabilityMode.remote_service.value,)))
    filters.append(AnyOf(tuple(region_fits)))
    wanted = [(s.get("canonical") or canonical(s["name"]), bool(s.get("required", True))) for s in posting.get("skills", [])]
    wanted += [(s["canonical"], True) for s in inferred.skills_of(posting)]  # named only in its text
    skills = list(dict.fromkeys(name for name, _required in wanted))
    boost_terms = [("skills", s) for s in skills]
    occupation = posting.get("occupation") or inferred.occupation_of(posting)
    codes = occupation_codes(occupation.get("code"), occupation["name"]) if occupation else []
    if codes:
        boost_terms.append(("occupations", codes[0]))
    if occupation:  # workers who hold the trade (as an occupation, a certificate or a skill)
        boost_terms.append(("skills", canonical(occupation["name"])))
    text = "" if boost_terms else posting.get("title", "")
    boosts = _first_cut_for_workers(posting, wanted, codes, min_rank)
    return SearchQuery(tuple(filters), text, tuple(dict.fromkeys(boost_terms)), require_relevance=True, limit=depth,
                       boosts=boosts)


def _first_cut_for_workers(posting: dict[str, Any], wanted: list[tuple[str, bool]], codes: list[str],
                           min_rank: int) -> tuple[Boost, ...]:
    points = {name: share * FIRST_CUT_POINTS for name, share in FIRST_CUT_WEIGHTS.items()}
    boosts: list[Boost] = []
    required = [name for name, is_required in wanted if is_required]
    nice = [name for name, is_required in wanted if not is_required]
    skill_points = points["skills"] * (0.85 if codes else 1.0)
    for group, share in ((required, 0.8 if nice else 1.0), (nice, 0.2 if required else 1.0)):
        for name in group:
            boosts.append(Boost(Terms("skills", (name,)), skill_points * share / len(group)))
    if codes:  # same occupation 1, same 小类 0.6, same 中类 0.3 (ancestors are indexed too)
        closeness = points["skills"] * 0.15
        for code, step in zip(codes[:3], (0.4, 0.3, 0.3)):  # noqa: B905 (fewer codes: fewer steps)
            boosts.append(Boost(Terms("occupations", (code,)), closeness * step))
    region = posting["region"]
    tiers = (("province", province_of(region), 0.65), ("city", city_of(region), 0.20), ("region", region, 0.15))
    for field_name, value, share in tiers:
        if field_name == "region" and len(region) < 6:
            continue
        boosts.append(Boost(Terms(field_name, (value,)), points["region"] * share))
    boosts.append(Boost(Terms("open_regions", region_prefixes(region)), points["region"] * 0.5 * 0.5))
    wage = posting.get("wage")
    offered = monthly_equivalent(wage["max"], wage["unit"], posting.get("duration_days")) if wage else None
    if offered is not None:
        boosts.append(Boost(Range("wage_month", lte=float(offered)), points["wage"] * 0.4))
    boosts.append(Boost(Range("level", gte=min_rank + 1), points["level"] * 0.15))
    boosts.append(Boost(Range("level", gte=min_rank + 2), points["level"] * 0.15))
    return tuple(boosts)


def recommendation_query(worker: dict[str, Any], now: dt.datetime, depth: int, kind: str | None = None) -> SearchQuery | None:
    """Open postings the worker may take (kind, level, region from the worker's side); None if none can fit."""
    view = worker_view(worker)
    kinds, service_if_remote = kinds_for_modes(view.modes)
    kind_fits: list[Filter] = [Terms("kind", kinds)] if kinds else []
    if service_if_remote:
        kind_fits.append(AllOf((Terms("kind", (PostingKind.service.value,)), Terms("remote_ok", (True,)))))
    if not kind_fits:
        return None
    filters = open_posting_filters(now) + [AnyOf(tuple(kind_fits)), Range("min_level", lte=view.level.rank)]
    if kind:
        filters.append(Terms("kind", (kind,)))
    region = worker["region"]
    region_fits: list[Filter] = [Terms("city", (city_of(region),))]
    by_length = {6: "region", 4: "city", 2: "province"}
    for length, name in by_length.items():
        listed = tuple(p for p in view.open_regions if len(p) == length)
        if listed:
            region_fits.append(Terms(name, listed))
    if AvailabilityMode.remote_service.value in view.modes:
        region_fits.append(Terms("remote_ok", (True,)))
    filters.append(AnyOf(tuple(region_fits)))
    skills = list(dict.fromkeys([s.canonical for s in view.skills] + list(view.occupation_names) + list(view.inferred_skills)))
    boost_terms = [("skills", s) for s in skills] + [("occupations", chain[0]) for chain in view.occupation_chains]
    boosts = [Boost(Terms("required_skills", (s,)), 1.0) for s in skills[:20]]
    region_tiers = (("province", province_of(region), 1.5), ("city", city_of(region), 0.5), ("region", region, 0.4))
    boosts += [Boost(Terms(name, (value,)), weight) for name, value, weight in region_tiers]
    return SearchQuery(tuple(filters), "", tuple(dict.fromkeys(boost_terms)), require_relevance=True, limit=depth,
                       boosts=tuple(boosts))


# --- ranking -----------------------------------------------------------------------------------


def _depth(tuning: Tuning, limit: int) -> int:
    """How many hits of the engine's first cut the formula ranks: a few dozen, never fewer than 2 × limit."""
    return max(tuning.candidate_depth, 2 * limit)


def rank_candidates(
    index: SearchIndex, posting: dict[str, Any], tuning: Tuning, now: dt.datetime, *, limit: int, min_score: float = 0.0,
    language: str = "zh",
) -> list[dict[str, Any]]:
    """Workers for a posting, best first: the engine's first cut (a few dozen), ranked by the formula."""
    hits = index.search(Kind.workers, candidate_query(posting, _depth(tuning, limit)))
    best = _best(posting_view(posting), hits, tuning, now, ranked="worker", limit=limit, min_score=min_score,
                 language=language)
    return [worker_hit(r, h) for r, h in best]


def rank_recommendations(
    index: SearchIndex,
    worker: dict[str, Any],
    tuning: Tuning,
    now: dt.datetime,
    *,
    limit: int,
    kind: str | None = None,
    min_score: float = 0.0,
    language: str = "zh",
) -> list[dict[str, Any]]:
    """Open postings for a worker, best first, ranked by the same formula as candidates."""
    query = recommendation_query(worker, now, _depth(tuning, limit), kind)
    if query is None:
        return []
    hits = index.search(Kind.postings, query)
    best = _best(worker_view(worker), hits, tuning, now, ranked="posting", limit=limit, min_score=min_score,
                 language=language)
    return [posting_hit(r, h) for r, h in best]


# --- structured search ---------------------------------------------------------------------------


class _SearchBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    occupation: Name | None = Field(None, description="an occupation code (6-18-02-04, or a group like 6-18) or a name")
    skills: list[Name] = Field(default_factory=list, max_length=20, description="any of these skills (synonyms folded)")
    region: RegionPrefix | None = Field(None, description="a 2-, 4- or 6-digit GB/T 2260 code: province, city or county")
    remote: StrictBool | None = None
    text: str = Field("", max_length=200, description="free text, cut into words and matched against the documents")
    limit: int = Field(20, ge=1, le=100)

    @field_validator("region")
    @classmethod
    def _known_region(cls, region: str | None) -> str | None:
        return check_region(region) if region else region

    @field_validator("occupation")
    @classmethod
    def _known_occupation(cls, occupation: str | None) -> str | None:
        if occupation and OCCUPATION_CODE.match(occupation) and taxonomy.occupation(occupation) is None:
            raise ValueError(f"unknown occupation code {occupation!r} (职业分类大典 2022)")
        return occupation


class WorkerSearch(_SearchBody):
    """Find workers: everyone returned is matchable (consent given, profile active)."""

    min_level: SkillLevel | None = Field(None, description="at least this skill level")
    modes: list[AvailabilityMode] = Field(default_factory=list, max_length=4, description="accepts any of these modes")


class PostingSearch(_SearchBody):
    """Find open postings whose deadline has not passed."""

    kinds: list[PostingKind] = Field(default_factory=list, max_length=4, description="any of these kinds")
    min_level: SkillLevel | None = Field(None, description="postings asking at least this level (high-skill postings)")
    worker_level: SkillLevel | None = Field(None, description="postings a worker of this level qualifies for")


def _occupation(occupation: str | None) -> tuple[tuple[str, ...], str | None]:
    """A searched occupation as (code and ancestors, canonical name when given by name)."""
    if not occupation:
        return (), None
    if OCCUPATION_CODE.match(occupation):
        return tuple(taxonomy.ancestors(occupation)), None
    return tuple(occupation_codes(None, occupation)), canonical(occupation)


def _occupation_filter(occupation: str | None) -> tuple[list[Filter], str]:
    """A filter on the occupation hierarchy, or (when the name is unknown) words for the text query."""
    chain, _name = _occupation(occupation)
    if chain:
        return [Terms("occupations", (chain[0],))], ""
    return [], occupation or ""


def _region_filter(region: str, field_names: dict[int, str]) -> Filter:
    return Terms(field_names[len(region)], (region,))


def worker_search_query(body: WorkerSearch, depth: int) -> SearchQuery:
    filters: list[Filter] = [Terms("matchable", (True,))]
    occupation_filters, occupation_words = _occupation_filter(body.occupation)
    filters += occupation_filters
    if body.min_level:
        filters.append(Range("level", gte=body.min_level.rank))
    if body.region:
        inside = _region_filter(body.region, {6: "region", 4: "city", 2: "province"})
        filters.append(AnyOf((inside, Terms("open_regions", region_prefixes(body.region)))))
    if body.modes:
        filters.append(Terms("modes", tuple(m.value for m in body.modes)))
    if body.remote:
        filters.append(Terms("modes", (AvailabilityMode.remote_service.value,)))
    skills = tuple(dict.fromkeys(canonical(s) for s in body.skills))
    if skills:
        filters.append(Terms("skills", skills))
    text = " ".join(filter(None, [body.text, occupation_words]))
    return SearchQuery(tuple(filters), text, tuple(("skills", s) for s in skills),
                       require_relevance=bool(text), limit=max(depth, body.limit))


def posting_search_query(body: PostingSearch, now: dt.datetime, depth: int) -> SearchQuery:
    filters: list[Filter] = open_posting_filters(now)
    occupation_filters, occupation_words = _occupation_filter(body.occupation)
    filters += occupation_filters
    if body.kinds:
        filters.append(Terms("kind", tuple(k.value for k in body.kinds)))
    if body.min_level:
        filters.append(Range("min_level", gte=body.min_level.rank))
    if body.worker_level:
        filters.append(Range("min_level", lte=body.worker_level.rank))
    if body.region:
        filters.append(_region_filter(body.region, {6: "region", 4: "city", 2: "province"}))
    if body.remote:
        filters.append(Terms("remote_ok", (True,)))
    skills = tuple(dict.fromkeys(canonical(s) for s in body.skills))
    if skills:
        filters.append(Terms("skills", skills))
    text = " ".join(filter(None, [body.text, occupation_words]))
    return SearchQuery(tuple(filters), text, tuple(("skills", s) for s in skills),
                       require_relevance=bool(text), limit=max(depth, body.limit))


def search_workers(index: SearchIndex, body: WorkerSearch, tuning: Tuning, now: dt.datetime,
                   language: str = "zh") -> list[dict[str, Any]]:
    """Workers for a recruiter's criteria, ranked as candidates of a posting made of those criteria."""
    chain, name = _occupation(body.occupation)
    wishes = PostingView(
        id=None,
        min_level=body.min_level,
        region=body.region,
        remote_ok=bool(body.remote),
        skills=tuple(SkillWanted(s, canonical(s)) for s in dict.fromkeys(body.skills)),
        occupation_chain=chain,
        occupation_name=name,
    )
    # searches have no first cut of their own yet: they rank five times as deep (300 by default)
    hits = index.search(Kind.workers, worker_search_query(body, 5 * _depth(tuning, body.limit)))
    return [worker_hit(r, h) for r, h in _best(wishes, hits, tuning, now, ranked="worker", limit=body.limit,
                                               language=language)]


def search_postings(
    index: SearchIndex, body: PostingSearch, tuning: Tuning, now: dt.datetime, *, worker: dict[str, Any] | None = None,
    language: str = "zh",
) -> list[dict[str, Any]]:
    """Open postings for the criteria; ranked against the caller's own profile when a worker has one."""
    if worker is not None:
        me = worker_view(worker)
    else:
        chain, name = _occupation(body.occupation)
        me = WorkerView(
            id=None,
            level=body.worker_level,
            region=body.region if body.region and len(body.region) == 6 else None,
            modes=(AvailabilityMode.remote_service.value,) if body.remote else (),
            skills=tuple(SkillHeld(s, canonical(s), None) for s in dict.fromkeys(body.skills)),
            occupation_chains=(chain,) if chain else (),
            occupation_names=(name,) if name else (),
        )
    hits = index.search(Kind.postings, posting_search_query(body, now, 5 * _depth(tuning, body.limit)))
    return [posting_hit(r, h) for r, h in _best(me, hits, tuning, now, ranked="posting", limit=body.limit,
                                                language=language)]


# --- ingest: events → index --------------------------------------------------------------------


@dataclass(slots=True)
class Change:
    """One event as ingest folds it: which document, at which version, what happens to it."""

    kind: Kind
    id: str
    version: int  # the event's entityversion
    action: Literal["upsert", "close", "erase"]
    doc: IndexDoc | None = None  # upsert: the document; close: filled in while folding
    closed: PostingClosed | None = None


@dataclass
class IngestResult:
    upserted: int = 0
    deleted: int = 0
    erased: int = 0
    ignored: int = 0


def decode_all(events: Iterable[CloudEvent]) -> list[tuple[CloudEvent, BaseModel]]:
    """Each event with its parsed data; raises on the first one that does not parse (→ DLQ)."""
    return [(event, event.parsed()) for event in events]


# Versions of worker.upserted the fast reader vouches for: the current one, and version 2, whose
# upcast (name masked, location rounded) the reader applies itself; None is an unversioned producer.
_FAST_WORKER_VERSIONS = (None, 2, EVENT_TYPES["worker.upserted"].version)


def change_of(event: CloudEvent) -> Change | None:
    """The change an event makes to the index (None: a type ingest ignores); raises when the
    data does not parse (→ DLQ). worker.upserted, nearly all of the volume, is read by
    `documents.read_worker_upserted` when it vouches for the data, else by the models."""
    if event.type == "worker.upserted" and schema_version(event.dataschema) in _FAST_WORKER_VERSIONS:
        try:
            doc = worker_doc_of(read_worker_upserted(event.data))
        except Declined:
            pass
        else:
            return Change(Kind.workers, doc.id, event.entityversion, "upsert", doc)
    data = event.parsed()
    version = event.entityversion
    if isinstance(data, WorkerUpserted):
        return Change(Kind.workers, data.id, version, "upsert", worker_doc(data))
    if isinstance(data, WorkerErased):
        return Change(Kind.workers, data.id, version, "erase")
    if isinstance(data, PostingUpserted):
        return Change(Kind.postings, data.id, version, "upsert", posting_doc(data))
    if isinstance(data, PostingClosed):
        return Change(Kind.postings, data.id, version, "close", closed=data)
    if isinstance(data, CourseUpserted):  # talentflow.courses (courses/): a closing carries the whole course
        return Change(Kind.courses, data.id, version, "upsert", course_doc(data, version))
    if isinstance(data, CourseClosed):
        return Change(Kind.courses, data.id, version, "upsert", closed_course_doc(data, version))
    return None


WorkerRead = tuple[int, dict[str, Any]]  # (entityversion, data) of a worker.upserted read without the models


def read_worker_record(record: Record) -> WorkerRead | None:
    """(entityversion, data) of a worker.upserted record read without the models — the data exactly
    as `WorkerUpserted.model_validate(d).model_dump(mode="json")` gives it — or None when the fast
    reader does not vouch for it (another type, a lenient form, an older schema, anything invalid):
    the caller then decodes it the validated way, which reads it or fails it (→ DLQ). The same
    checks as `CloudEvent` on the envelope. Shared by the index and the market consumers."""
    try:
        envelope = from_json(record.value, allow_inf_nan=False)  # the parser `decode` uses, stricter
        if type(envelope) is not dict or envelope.get("type") != "worker.upserted":
            return None
        get = envelope.get
        version, data, schema = get("entityversion"), get("data"), get("dataschema")
        if not (type(version) is int and version >= 0 and type(data) is dict
                and get("specversion", "1.0") == "1.0" and get("datacontenttype", "application/json") == "application/json"
                and type(get("source")) is str and type(get("subject")) is str and type(get("id", "")) is str
                and (schema is None or type(schema) is str) and type(get("traceparent", "")) in (str, type(None))
                and schema_version(schema) in _FAST_WORKER_VERSIONS):
            return None
        if "time" in envelope:
            read_datetime(envelope["time"])
        return version, read_worker_upserted(data)
    except Exception:  # noqa: BLE001 - whatever the fast reader trips on, the models decide
        return None


def read_record(record: Record) -> WorkerRead | CloudEvent:
    """A record as the index and the market take it, read once for both: a worker.upserted the fast
    reader vouches for as (entityversion, data), anything else decoded by the models (raises when
    it does not decode → DLQ)."""
    return read_worker_record(record) or decode(record)


def change_of_read(item: WorkerRead | CloudEvent, record: Record) -> Change | None:
    """`change_of(decode(record))` for a record `read_record` gave `item` for."""
    if type(item) is not tuple:
        return change_of(item)
    version, data = item
    try:
        doc = worker_doc_of(data)
    except Exception:  # noqa: BLE001 - the models decide
        return change_of(decode(record))
    return Change(Kind.workers, doc.id, version, "upsert", doc)


def change_of_record(record: Record) -> Change | None:
    """`change_of(decode(record))`, with a worker.upserted read without the models (`read_worker_record`)."""
    return change_of_read(read_record(record), record)


def apply_to_index(index: SearchIndex, events: Sequence[CloudEvent]) -> IngestResult:
    """Fold a batch of worker and posting events into version-guarded index writes, then refresh."""
    return apply_changes(index, [change_of(event) for event in events])


def apply_changes(index: SearchIndex, changes: Sequence[Change | None], *, refresh: bool = True) -> IngestResult:
    """Fold a batch of changes into version-guarded index writes, then refresh (`refresh=False`:
    the caller waits for the index's own next commit instead, see `consumers.IndexIngest`).

    Per entity only the newest state matters; an older or repeated event changes nothing (the
    index compares versions), so replays and reordering are safe. A closing needs the posting
    it closes: from this batch, else from the index; when neither holds it, the closing is
    kept as a tombstone so the older upsert arriving later cannot reopen it.

    An erasure is applied at its own version before the batch's upserts, whatever came after it
    in the batch: the person's data leaves the index, and a newer profile (someone who registered
    again, their versions continuing above the erasure) is then written like any other.
    """
    result = IngestResult()
    pending: dict[tuple[Kind, str], Change] = {}
    erasures: dict[tuple[Kind, str], int] = {}
    known = [change for change in changes if change is not None]
    result.ignored += len(changes) - len(known)
    if any(known[i].version > known[i + 1].version for i in range(len(known) - 1)):
        known.sort(key=lambda change: change.version)
    for change in known:
        key = (change.kind, change.id)
        current = pending.get(key)
        if change.action == "close":
            base = current.doc if current and current.action in ("upsert", "close") else None
            change = Change(change.kind, change.id, change.version, "close",
                            closed_posting_doc(base, change.closed, change.version) if base else None, change.closed)
        if change.action == "erase":
            erasures[key] = max(change.version, erasures.get(key, -1))
        if current is not None and current.version > change.version:
            result.ignored += 1
            continue
        pending[key] = change

    upserts: dict[Kind, list[IndexDoc]] = {kind: [] for kind in Kind}
    deletes: dict[Kind, list[tuple[str, int]]] = {kind: [] for kind in Kind}
    for (kind, doc_id), version in erasures.items():
        # A repeated erasure, or one older than a profile the index holds, changes nothing.
        if index.erase(kind, doc_id, version):
            result.erased += 1
        _views.forget(doc_id)
    closings = [(key, state) for key, state in pending.items() if state.action == "close" and state.doc is None]
    held = {key: index.get(key[0], key[1]) for key, _ in closings}
    for (kind, doc_id), state in pending.items():
        if state.action == "upsert":
            upserts[kind].append(state.doc)
        elif state.action == "close":
            doc = state.doc
            if doc is None:
                current_hit = held[(kind, doc_id)]
                if current_hit is not None:
                    doc = closed_posting_doc(current_hit.source, state.closed, state.version)
                elif state.closed.posting is not None:  # v2 carries the posting: a compacted log's only record
                    doc = closed_posting_doc(posting_doc(state.closed.posting), state.closed, state.version)
            if doc is not None:
                upserts[kind].append(doc)
            else:
                deletes[kind].append((doc_id, state.version))
    for kind in Kind:
        if upserts[kind]:
            result.upserted += index.upsert(kind, upserts[kind])
        if deletes[kind]:
            result.deleted += index.delete(kind, deletes[kind])
    if refresh:  # offsets are committed after we return: the index must hold the batch durably by then
        index.refresh()
    return result


# --- reactive matching: strong new pairs → match.found -------------------------------------------


def _wait_for(index: SearchIndex, kind: Kind, doc_id: str, version: int, wait_s: float) -> IndexHit | None | Literal["stale"]:
    """The indexed document once it holds `version`; "stale" when a newer one is held; None when gone."""
    deadline = time.monotonic() + wait_s
    while True:
        # the held version first, then the document: the index consumer writes meanwhile, and a
        # document written between `get` and `versions` must not read as a tombstone
        held = index.versions(kind, [doc_id]).get(doc_id)
        hit = index.get(kind, doc_id)
        if hit is not None and hit.version > version:
            return "stale"
        if hit is not None and hit.version == version:
            return hit
        if hit is None and held is not None and held >= version:
            return None  # deleted or erased at (or after) this version
        if time.monotonic() >= deadline:
            raise IndexBehind(f"{kind.value}/{doc_id} is not at version {version} in the index yet")
        time.sleep(0.05)


def dedupe_key(worker_id: str, posting_id: str, recipient_kind: str = "worker") -> str:
    # Each side of a pair is told once: the worker about the posting, the employer about the worker.
    return f"announced:{worker_id}:{posting_id}:{recipient_kind}"


@dataclass(frozen=True)
class Pair:
    """One side of a strong pair to tell: the worker about the posting, or the org about the worker."""

    worker_id: str
    posting_id: str
    org_id: str
    recipient_kind: Literal["worker", "org"]
    score: float
    summary: str
    version: int  # the changed document's version (the event's entityversion)
    worker_version: int | None = None  # the worker's version, when the worker's change found the pair


def announce(uow: UnitOfWork[store.MatchingStore], key_value: KeyValue, tuning: Tuning, pairs: Sequence[Pair],
             now: dt.datetime) -> int:
    """Announce each pair to its side unless it was told before; the number of match.found written.

    The key-value markers sort out pairs told before without a write; the claimed pairs and their
    events are then one transaction for the whole batch (a reactive batch of hundreds of changes
    would otherwise commit once per pair)."""
    fresh: list[tuple[str, Pair]] = []
    for pair in pairs:
        key = dedupe_key(pair.worker_id, pair.posting_id, pair.recipient_kind)
        if key_value.set_if_absent(key, b"1", ttl_s=tuning.dedupe_ttl_s):
            fresh.append((key, pair))
    if not fresh:
        return 0
    events: dict[tuple[str, str, str], CloudEvent] = {}
    rows = []
    for _key, pair in fresh:
        recipient = pair.worker_id if pair.recipient_kind == "worker" else pair.org_id
        event = make_event(
            "match.found",
            MatchFound(recipient_kind=pair.recipient_kind, recipient_id=recipient, worker_id=pair.worker_id,
                       posting_id=pair.posting_id, org_id=pair.org_id, score=pair.score, summary=pair.summary,
                       found_at=now, worker_version=pair.worker_version),
            subject=recipient,
            source=SOURCE,
            entityversion=pair.version,
        )
        events[(pair.worker_id, pair.posting_id, pair.recipient_kind)] = event
        rows.append({"worker_id": pair.worker_id, "posting_id": pair.posting_id, "recipient_kind": pair.recipient_kind,
                     "recipient_id": recipient, "score": pair.score, "event_id": event.id, "announced_at": now})
    try:
        with uow:  # the claimed pairs and their events: one transaction
            claimed = uow.store.claim_announcements(rows)
            announced = [event for key, event in events.items() if key in claimed]
            uow.publish(*announced)
    except Exception:
        key_value.delete(*(key for key, _pair in fresh))  # nothing was stored: let a retry claim the pairs
        raise
    return len(announced)


@dataclass
class ReactiveResult:
    announced: int = 0
    skipped: int = 0


def react(
    index: SearchIndex,
    uow: UnitOfWork[store.MatchingStore],
    key_value: KeyValue,
    events: Sequence[CloudEvent],
    tuning: Tuning,
    now: dt.datetime | None = None,
) -> ReactiveResult:
    """Announce the best new pairs for changed postings and workers, once the index holds the change."""
    now = now or dt.datetime.now(dt.UTC)
    result = ReactiveResult()
    newest: dict[tuple[Kind, str], tuple[CloudEvent, BaseModel]] = {}
    for event, data in decode_all(events):
        if isinstance(data, WorkerErased):
            key = (Kind.workers, data.id)
            if key in newest and newest[key][0].entityversion > event.entityversion:
                continue  # the person came back later in this batch: that life stays
            held = index.get(Kind.workers, data.id)
            if held is not None and held.version > event.entityversion:
                continue  # an old erasure delivered again after the person came back: a no-op
            forget_worker(uow, key_value, data.id)
            newest.pop(key, None)
            continue
        if isinstance(data, WorkerUpserted):
            key = (Kind.workers, data.id)
        elif isinstance(data, PostingUpserted):
            key = (Kind.postings, data.id)
        else:
            continue  # a closing never creates a match
        if key not in newest or newest[key][0].entityversion < event.entityversion:
            newest[key] = (event, data)
    waited: list[tuple[Kind, IndexHit]] = []
    for (kind, doc_id), (event, _data) in newest.items():
        hit = _wait_for(index, kind, doc_id, event.entityversion, tuning.index_wait_s)
        if hit is None or hit == "stale":
            result.skipped += 1  # gone, or a newer event will be handled on its own
            continue
        waited.append((kind, hit))
    if waited:
        # `get` sees writes the index consumer has not refreshed yet, `search` does not: make what
        # we waited for (and the counterparts written with it) searchable before looking for pairs
        index.refresh()
    pairs: list[Pair] = []
    for kind, hit in waited:
        pairs += _pairs_for_posting(index, hit, tuning, now) if kind is Kind.postings else _pairs_for_worker(index, hit, tuning, now)
    result.announced = announce(uow, key_value, tuning, pairs, now)
    return result


def _posting_is_open(source: dict[str, Any], now: dt.datetime) -> bool:
    deadline = source.get("deadline")
    return source.get("status") == "open" and (not deadline or dt.date.fromisoformat(deadline) >= today_in_china(now))


def _pairs_for_posting(index: SearchIndex, hit: IndexHit, tuning: Tuning, now: dt.datetime) -> list[Pair]:
    posting = hit.source
    if not _posting_is_open(posting, now):
        return []
    best = rank_candidates(index, posting, tuning, now, limit=tuning.match_top_n, min_score=tuning.match_threshold)
    # Both sides of a strong pair are told, whichever event found it: when a worker and a posting
    # arrive together, only one of their events may see the other in the index.
    return [Pair(h["worker_id"], hit.id, posting["org_id"], side, h["score"], h["explanation"]["summary"], hit.version)
            for h in best for side in ("worker", "org")]


def _pairs_for_worker(index: SearchIndex, hit: IndexHit, tuning: Tuning, now: dt.datetime) -> list[Pair]:
    worker = hit.source
    if not worker.get("matchable"):
        return []
    best = rank_recommendations(index, worker, tuning, now, limit=tuning.match_top_n, min_score=tuning.match_threshold)
    return [Pair(hit.id, h["posting_id"], h["posting"]["org_id"], side, h["score"], h["explanation"]["summary"],
                 hit.version, worker_version=hit.version)
            for h in best for side in ("org", "worker")]


def forget_worker(uow: UnitOfWork[store.MatchingStore], key_value: KeyValue, worker_id: str) -> None:
    """Erasure reaches matching's own copies: announced pairs and their key-value markers."""
    with uow:
        uow.store.forget_worker(worker_id)
    key_value.delete_prefix(f"announced:{worker_id}:")
