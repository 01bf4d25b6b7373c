"""The one ranking formula of the matching service, explainable and the same for every index.

`rank(posting, worker, weights, now)` scores how well a worker fits a posting as a weighted sum of
ten factors, each a quality in [0, 1]:

| factor | what it measures |
| --- | --- |
| skills | coverage of the required skills (80 %) and nice-to-have ones (20 %), synonyms folded, blended with how close the occupations are |
| proficiency | the worker's proficiency in the matched skills against each minimum |
| level | the worker's skill level against the posting's minimum (above it is better) |
| certificates | required certificates held (verified count fully, unverified in part) |
| experience | years of experience, overall and in the matched skills, against what the level implies |
| region | same county > city > province > open to the region > remote |
| wage | whether the worker's expected minimum fits the offered range |
| availability | start date and hours per week against the posting's needs |
| honours | skills-competition awards (tier, rank, recency) and skill achievements |
| freshness | how recently the ranked item (the worker, or the posting in recommendations) was updated |

A factor without anything to compare (a posting with no wage, a search without a region) takes a
neutral value, so it neither lifts nor sinks anyone. The weights come from configuration
(`MATCHING_WEIGHTS`, JSON) and are normalised to sum to 1, so the score is always in [0, 1]. The
explanation gives every factor's contribution (they add up to the score), the matched and missing
skills, and one line in Chinese a recruiter or a worker can read. The same function ranks
postings for a worker (recommendations); only `freshness` looks at the side being ranked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.contracts import LEVEL_LABELS_ZH, SkillLevel
from services.matching.domain import (
    WAGE_UNIT_ZH,
    PostingView,
    RegionRelation,
    WorkerView,
    monthly_equivalent,
    region_relation,
)
from services.matching.synonyms import canonical, canonical_certificate, occupation_closeness, occupation_codes

FACTORS = (
    "skills", "proficiency", "level", "certificates", "experience",
    "region", "wage", "availability", "honours", "freshness",
)
NEUTRAL = 0.5


class Weights(BaseModel):
    """Weight of each factor; normalised to sum to 1 (so they may be given in any scale)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    skills: float = Field(0.30, ge=0, le=100)
    proficiency: float = Field(0.08, ge=0, le=100)
    level: float = Field(0.10, ge=0, le=100)
    certificates: float = Field(0.08, ge=0, le=100)
    experience: float = Field(0.06, ge=0, le=100)
    region: float = Field(0.12, ge=0, le=100)
    wage: float = Field(0.12, ge=0, le=100)
    availability: float = Field(0.06, ge=0, le=100)
    honours: float = Field(0.04, ge=0, le=100)
    freshness: float = Field(0.04, ge=0, le=100)

    @model_validator(mode="after")
    def _some_weight(self) -> Weights:
        if sum(self.as_dict().values()) <= 0:
            raise ValueError("at least one ranking weight must be positive")
        return self

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in FACTORS}

    def normalised(self) -> dict[str, float]:
        values = self.as_dict()
        total = sum(values.values())
        return {name: value / total for name, value in values.items()}


@dataclass(frozen=True)
class Explanation:
    factors: dict[str, float]
    matched_skills: list[str]
    missing_skills: list[str]
    summary: str

    def as_dict(self) -> dict:
        return {
            "factors": self.factors,
            "matched_skills": self.matched_skills,
            "missing_skills": self.missing_skills,
            "summary": self.summary,
        }


_UNEXPLAINED = Explanation({}, [], [], "")


@dataclass(frozen=True)
class Ranked:
    score: float
    explanation: Explanation


@dataclass(frozen=True)
class _Factor:
    quality: float
    note: str | None = None  # a phrase for the summary, when it says something useful


REGION_QUALITY = {
    RegionRelation.county: 1.0,
    RegionRelation.city: 0.85,
    RegionRelation.province: 0.65,
    RegionRelation.open_region: 0.5,
    RegionRelation.remote: 0.35,
    RegionRelation.none: 0.0,
}
AWARD_TIER_VALUE = {"national": 1.0, "provincial": 0.75, "city": 0.5, "enterprise": 0.3}
AWARD_TIER_ZH = {"national": "全国级", "provincial": "省级", "city": "市级", "enterprise": "企业级"}
ACHIEVEMENT_VALUE = {"patent": 0.35, "process_innovation": 0.3, "work_method": 0.3, "other": 0.15}
# Hours a week a posting kind needs at least, to count a worker's hours as enough.
HOURS_NEEDED = {"full_time": 40, "project": 24, "part_time": 8, "service": 8}


def rank(
    posting: PostingView,
    worker: WorkerView,
    weights: Weights,
    now: dt.datetime,
    *,
    ranked: Literal["worker", "posting"] = "worker",
    explain: bool = True,
) -> Ranked:
    """Score how well `worker` fits `posting`; `ranked` says which side is being ranked (freshness).

    With `explain=False` the score is the same but the summary's phrases are not built: ranking a
    few hundred candidates explains only the ones that will be shown (see handlers).
    """
    matched, missing, skills = _skills(posting, worker, explain)
    factors = {
        "skills": skills,
        "proficiency": _proficiency(posting, worker),
        "level": _level(posting, worker, explain),
        "certificates": _certificates(posting, worker, explain),
        "experience": _experience(posting, worker),
        "region": _region(posting, worker),
        "wage": _wage(posting, worker, explain),
        "availability": _availability(posting, worker, now, explain),
        "honours": _honours(worker, now, explain),
        "freshness": _freshness(worker.updated_at if ranked == "worker" else posting.updated_at, now),
    }
    shares = _shares(weights)
    if not explain:  # the hot path: a few hundred candidates per request
        total = sum(shares[name] * min(1.0, max(0.0, f.quality)) for name, f in factors.items())
        return Ranked(min(1.0, max(0.0, total)), _UNEXPLAINED)
    contributions = {name: round(shares[name] * min(1.0, max(0.0, f.quality)), 4) for name, f in factors.items()}
    score = round(min(1.0, max(0.0, sum(contributions.values()))), 4)
    notes = [f.note for name in ("skills", "level", "region", "wage", "certificates", "availability", "honours")
             if (f := factors[name]).note]
    summary = "，".join(notes) if notes else "符合基本条件"
    return Ranked(score, Explanation(contributions, matched, missing, summary))


@lru_cache(maxsize=64)
def _shares(weights: Weights) -> dict[str, float]:
    return weights.normalised()


# --- factors -----------------------------------------------------------------------------------


def _held_skills(worker: WorkerView) -> dict[str, int | None]:
    """Canonical skill → proficiency; occupations and certificates count as held (proficiency unknown)."""
    held: dict[str, int | None] = {}
    for name in worker.occupation_names:
        held.setdefault(name, None)
    for cert in worker.certificates:
        held.setdefault(cert.trade, None)
    for skill in worker.skills:
        held[skill.canonical] = skill.proficiency  # an explicit skill beats an implied one
    return held


def _credit(wanted_min: int, proficiency: int | None) -> float:
    """How far a held skill covers a wanted one: fully at or above the minimum proficiency, in part
    below it (a recruiter reads "TIG 3 where 4 is asked" as not quite there), 0.75 when unknown."""
    if proficiency is None:
        return 0.75
    if proficiency >= wanted_min:
        return 1.0
    return max(0.25, 1.0 - 0.35 * (wanted_min - proficiency))


def _skills(posting: PostingView, worker: WorkerView, explain: bool = True) -> tuple[list[str], list[str], _Factor]:
    held = _held_skills(worker)
    required = [s for s in posting.skills if s.required]
    nice = [s for s in posting.skills if not s.required]
    matched = [s.name for s in posting.skills if s.canonical in held]
    missing = [s.name for s in (*required, *nice) if s.canonical not in held]
    matched_required = [s.name for s in required if s.canonical in held]
    matched_nice = [s.name for s in nice if s.canonical in held]

    def covered(wanted: list) -> float:
        return sum(_credit(s.min_proficiency, held[s.canonical]) for s in wanted if s.canonical in held) / len(wanted)

    coverage: float | None = None
    if required and nice:
        coverage = 0.8 * covered(required) + 0.2 * covered(nice)
    elif required:
        coverage = covered(required)
    elif nice:
        coverage = covered(nice)

    occupation = _occupation_fit(posting, worker)
    if _wishes(worker) and not held:
        coverage = occupation = None  # a search that named no skill says nothing about skills
    if coverage is not None and occupation is not None:
        quality = 0.85 * coverage + 0.15 * occupation
    elif coverage is not None:
        quality = coverage
    elif occupation is not None:
        quality = occupation
    else:
        quality = NEUTRAL
    if not explain:
        return matched, missing, _Factor(quality)

    parts: list[str] = []
    if required:
        listed = f"（{'、'.join(matched_required)}）" if matched_required else ""
        parts.append(f"匹配必需技能{len(matched_required)}/{len(required)}{listed}")
        absent = [s.name for s in required if s.canonical not in held]
        if absent:
            parts.append(f"缺少{'、'.join(absent)}")
        if matched_nice:
            parts.append(f"另有加分技能{'、'.join(matched_nice)}")
    elif nice:
        listed = f"（{'、'.join(matched_nice)}）" if matched_nice else ""
        parts.append(f"匹配技能{len(matched_nice)}/{len(nice)}{listed}")
    elif occupation is not None and posting.occupation_name:
        if occupation >= 1.0:
            parts.append(f"同职业（{posting.occupation_name}）")
        elif occupation > 0:
            parts.append(f"相近职业（要求{posting.occupation_name}）")
    short = [f"{s.name}{held[s.canonical]}级低于要求{s.min_proficiency}级" for s in (*required, *nice)
             if s.canonical in held and held[s.canonical] is not None and held[s.canonical] < s.min_proficiency]
    if short:
        parts.append(f"熟练度不足（{'、'.join(short)}）")
    return matched, missing, _Factor(quality, "，".join(parts) or None)


def _occupation_fit(posting: PostingView, worker: WorkerView) -> float | None:
    if posting.occupation_chain:
        return max((occupation_closeness(list(posting.occupation_chain), list(c)) for c in worker.occupation_chains),
                   default=0.0)
    if posting.occupation_name:
        names = set(worker.occupation_names) | {s.canonical for s in worker.skills}
        return 1.0 if posting.occupation_name in names else 0.0
    return None


def _wishes(worker: WorkerView) -> bool:
    """A worker view built from a search's criteria rather than a profile (it has no id)."""
    return worker.id is None


def _proficiency(posting: PostingView, worker: WorkerView) -> _Factor:
    held = {s.canonical: s.proficiency for s in worker.skills}
    if _wishes(worker) and all(p is None for p in held.values()):
        return _Factor(NEUTRAL)
    if not posting.skills:
        known = sorted((p for p in held.values() if p is not None), reverse=True)[:3]
        return _Factor(sum(known) / (5 * len(known)) if known else NEUTRAL)
    total = weight_sum = 0.0
    for wanted in posting.skills:
        weight = 2.0 if wanted.required else 1.0
        weight_sum += weight
        if wanted.canonical not in held:
            continue
        proficiency = held[wanted.canonical]
        if proficiency is None:
            total += weight * NEUTRAL
        elif proficiency >= wanted.min_proficiency:
            # meeting the minimum is good; each point above it is better still
            total += weight * min(1.0, 0.8 + 0.1 * (proficiency - wanted.min_proficiency))
        else:
            total += weight * max(0.0, 0.5 - 0.25 * (wanted.min_proficiency - proficiency))
    return _Factor(total / weight_sum if weight_sum else NEUTRAL)


def _level(posting: PostingView, worker: WorkerView, explain: bool = True) -> _Factor:
    if worker.level is None:
        return _Factor(NEUTRAL)
    minimum = posting.min_level or SkillLevel.junior
    gap = worker.level.rank - minimum.rank
    if gap >= 0:
        quality = min(1.0, 0.7 + 0.15 * gap)
    else:
        quality = max(0.0, 0.4 - 0.2 * -gap)
    if not explain:
        return _Factor(quality)
    worker_zh = LEVEL_LABELS_ZH[worker.level]
    if posting.min_level is None:
        note = worker_zh
    elif gap > 0:
        note = f"{worker_zh}高于要求的{LEVEL_LABELS_ZH[minimum]}"
    elif gap == 0:
        note = f"{worker_zh}符合要求"
    else:
        note = f"{worker_zh}低于要求的{LEVEL_LABELS_ZH[minimum]}"
    return _Factor(quality, note)


def _certificates(posting: PostingView, worker: WorkerView, explain: bool = True) -> _Factor:
    best: dict[str, float] = {}
    for cert in worker.certificates:
        best[cert.trade] = max(best.get(cert.trade, 0.0), 1.0 if cert.verified else 0.6)
    if posting.certificates:
        values = [best.get(trade, 0.0) for trade in posting.certificates]
        if not explain:
            return _Factor(sum(values) / len(values))
        held = [t for t in posting.certificates if t in best]
        absent = [t for t in posting.certificates if t not in best]
        notes = []
        if held:
            verified = all(best[t] >= 1.0 for t in held)
            notes.append(f"持有{'、'.join(held)}证书" + ("（已核验）" if verified else "（未核验）"))
        if absent:
            notes.append(f"缺少{'、'.join(absent)}证书")
        return _Factor(sum(values) / len(values), "，".join(notes))
    trade = posting.occupation_name
    if trade and trade in best:
        return _Factor(1.0 if best[trade] >= 1.0 else 0.8,
                       f"持有{trade}证书" + ("（已核验）" if best[trade] >= 1.0 else ""))
    if not worker.certificates and _wishes(worker):
        return _Factor(NEUTRAL)  # a search's wishes hold no certificates to compare
    return _Factor(0.6 if worker.certificates else 0.4)


def _experience(posting: PostingView, worker: WorkerView) -> _Factor:
    if _wishes(worker):
        return _Factor(NEUTRAL)
    minimum = posting.min_level or SkillLevel.junior
    target = 3 + 1.5 * minimum.rank  # years a recruiter expects at that level: 高级工 7.5, 技师 9
    overall = NEUTRAL if worker.experience_years is None else min(1.0, worker.experience_years / target)
    wanted = {s.canonical for s in posting.skills}
    years = [s.years for s in worker.skills if s.canonical in wanted]
    if not wanted:
        return _Factor(overall)
    in_skills = min(1.0, (sum(years) / len(years)) / target) if years else 0.0
    return _Factor(0.6 * overall + 0.4 * in_skills)


def _region(posting: PostingView, worker: WorkerView) -> _Factor:
    if not posting.region or not worker.region:
        return _Factor(NEUTRAL)
    relation = region_relation(
        worker_region=worker.region,
        open_regions=worker.open_regions,
        worker_modes=worker.modes,
        posting_region=posting.region,
        remote_ok=posting.remote_ok,
    )
    return _Factor(REGION_QUALITY[relation], relation.label_zh)


def _wage(posting: PostingView, worker: WorkerView, explain: bool = True) -> _Factor:
    offered, expected = posting.wage, worker.wage
    if not offered or not expected:
        return _Factor(0.6)
    if offered["unit"] == expected["unit"]:
        expected_min, offered_max = float(expected["min"]), float(offered["max"])
    else:
        expected_min = monthly_equivalent(expected["min"], expected["unit"], posting.duration_days)
        offered_max = monthly_equivalent(offered["max"], offered["unit"], posting.duration_days)
        if expected_min is None or offered_max is None:
            return _Factor(0.6)
    unit_zh = WAGE_UNIT_ZH.get(expected["unit"], "薪资")
    if expected_min <= offered_max:
        return _Factor(1.0, f"{unit_zh}期望在范围内" if explain else None)
    gap = (expected_min - offered_max) / expected_min if expected_min else 1.0
    return _Factor(max(0.0, 1.0 - 4.0 * gap), f"{unit_zh}期望高于报价约{round(gap * 100)}%" if explain else None)


def _availability(posting: PostingView, worker: WorkerView, now: dt.datetime, explain: bool = True) -> _Factor:
    today = now.date()
    note = None
    if worker.available_from is None:
        on_time = 1.0
    elif posting.start_on is not None:
        late = (worker.available_from - max(posting.start_on, today)).days
        on_time = 1.0 if late <= 0 else max(0.0, 1.0 - late / 45)  # a month late is half as good
        if late > 0:
            note = f"到岗晚于开工约{late}天"
    else:
        late = (worker.available_from - today).days
        on_time = 1.0 if late <= 14 else max(0.0, 1.0 - (late - 14) / 90)
        if late > 14:
            note = f"{late}天后可到岗"
    needed = HOURS_NEEDED.get(posting.kind or "", 0)
    hours = 1.0 if worker.hours_per_week is None or not needed else min(1.0, worker.hours_per_week / needed)
    if not explain:
        return _Factor(0.6 * on_time + 0.4 * hours)
    if hours < 1.0:
        note = "，".join(filter(None, [note, f"每周可投入{worker.hours_per_week}小时"]))
    return _Factor(0.6 * on_time + 0.4 * hours, note)


def _honours(worker: WorkerView, now: dt.datetime, explain: bool = True) -> _Factor:
    if _wishes(worker):
        return _Factor(NEUTRAL)
    best_award, best_tier = 0.0, None
    for award in worker.awards:
        value = AWARD_TIER_VALUE.get(award.tier, 0.3)
        value *= 1.0 if award.rank is not None and award.rank <= 3 else 0.85 if award.rank and award.rank <= 10 else 0.7
        value *= 1.0 if award.year >= now.year - 10 else 0.6
        if value > best_award:
            best_award, best_tier = value, award.tier
    achievements = min(0.6, sum(
        ACHIEVEMENT_VALUE.get(a.kind, 0.15) * (1.0 if a.year >= now.year - 10 else 0.6) for a in worker.achievements
    ))
    quality = min(1.0, best_award + 0.5 * achievements)
    if not explain:
        return _Factor(quality)
    notes = []
    if best_tier:
        notes.append(f"获{AWARD_TIER_ZH[best_tier]}技能竞赛奖项")
    if worker.achievements:
        notes.append(f"有{len(worker.achievements)}项技能成果")
    return _Factor(quality, "，".join(notes) or None)


def _freshness(updated_at: dt.datetime | None, now: dt.datetime) -> _Factor:
    if updated_at is None:
        return _Factor(NEUTRAL)
    if updated_at.tzinfo is None:
        updated_at = updated_at.replace(tzinfo=dt.UTC)
    days = (now - updated_at).total_seconds() / 86400
    if days <= 30:
        return _Factor(1.0)
    return _Factor(max(0.2, 1.0 - 0.8 * (days - 30) / 335))




# --- the same formula, compiled for one posting -----------------------------------------------------
#
# A candidates request scores a few hundred workers against one posting. `rank()` rebuilds the
# posting's side (its skill lists, weights, level target, region, wage) and a `WorkerView` for every
# pair; `CandidateScorer` does the posting's side once and reads each worker straight from its stored
# source, so scoring a candidate is a few dict look-ups and arithmetic. It computes exactly what
# `rank(posting, worker_view(source), weights, now, explain=False).score` computes, operation for
# operation (the same floats, so the same order); a unit test holds the two equal on the labelled
# set and on random pairs. The explanation of the hits shown still comes from `rank()`.


class CandidateScorer:
    """`rank(posting, worker_view(source), weights, now, explain=False).score` for many worker sources."""

    __slots__ = (
        "shares", "required", "nice", "wanted_all", "chain", "closeness", "occupation_name", "min_rank",
        "certificates", "target_years", "wanted_names", "skill_weights", "weight_sum", "region", "remote_ok",
        "offered", "duration_days", "start", "today", "needed_hours", "recent_year", "now",
    )

    def __init__(self, posting: PostingView, weights: Weights, now: dt.datetime) -> None:
        shares = _shares(weights)
        self.shares = tuple(shares[name] for name in FACTORS)
        self.required = [(s.canonical, s.min_proficiency) for s in posting.skills if s.required]
        self.nice = [(s.canonical, s.min_proficiency) for s in posting.skills if not s.required]
        self.wanted_all = [(s.canonical, s.min_proficiency, 2.0 if s.required else 1.0) for s in posting.skills]
        self.chain = list(posting.occupation_chain)
        self.closeness: dict[str, float] = {}  # a worker occupation's code → closeness to the posting's
        self.occupation_name = posting.occupation_name
        minimum = posting.min_level or SkillLevel.junior
        self.min_rank = minimum.rank
        self.certificates = posting.certificates
        self.target_years = 3 + 1.5 * minimum.rank
        self.wanted_names = {s.canonical for s in posting.skills}
        weight_sum = 0.0
        for _name, _minimum, weight in self.wanted_all:
            weight_sum += weight
        self.weight_sum = weight_sum
        self.region = posting.region
        self.remote_ok = posting.remote_ok
        self.offered = posting.wage
        self.duration_days = posting.duration_days
        self.today = now.date()
        self.start = None if posting.start_on is None else max(posting.start_on, self.today)
        self.needed_hours = HOURS_NEEDED.get(posting.kind or "", 0)
        self.recent_year = now.year - 10
        self.now = now

    def score(self, source: dict) -> float:
        """The score of the worker whose stored source this is (see `documents.worker_source`)."""
        skills = source.get("skills", ())
        occupations = source.get("occupations", ())
        certificates = source.get("certificates", ())
        # the worker's side, as worker_view() and rank() read it
        skill_list = [(s.get("canonical") or canonical(s["name"]), s.get("proficiency"), s.get("years")) for s in skills]
        held: dict[str, int | None] = {}
        for occupation in occupations:
            held.setdefault(canonical(occupation["name"]), None)
        trades = [(canonical_certificate(c["occupation"]), bool(c.get("verified"))) for c in certificates]
        for trade, _verified in trades:
            held.setdefault(trade, None)
        proficiency_of: dict[str, int | None] = {}
        for name, proficiency, _years in skill_list:
            held[name] = proficiency
            proficiency_of[name] = proficiency

        # skills
        required, nice = self.required, self.nice
        coverage: float | None = None
        if required and nice:
            coverage = 0.8 * _covered(required, held) + 0.2 * _covered(nice, held)
        elif required:
            coverage = _covered(required, held)
        elif nice:
            coverage = _covered(nice, held)
        if self.chain:
            closeness = self.closeness
            occupation: float | None = 0.0
            best = None
            for o in occupations:
                code = o.get("code")
                key = (code, o["name"])
                value = closeness.get(key)
                if value is None:
                    worker_chain = occupation_codes(code, o["name"])
                    value = closeness[key] = occupation_closeness(self.chain, worker_chain) if worker_chain else -1.0
                if value >= 0.0 and (best is None or value > best):
                    best = value
            occupation = 0.0 if best is None else best
        elif self.occupation_name:
            names = {canonical(o["name"]) for o in occupations} | {name for name, _p, _y in skill_list}
            occupation = 1.0 if self.occupation_name in names else 0.0
        else:
            occupation = None
        if coverage is not None and occupation is not None:
            q_skills = 0.85 * coverage + 0.15 * occupation
        elif coverage is not None:
            q_skills = coverage
        elif occupation is not None:
            q_skills = occupation
        else:
            q_skills = NEUTRAL

        # proficiency
        if not self.wanted_all:
            known = sorted((p for p in proficiency_of.values() if p is not None), reverse=True)[:3]
            q_proficiency = sum(known) / (5 * len(known)) if known else NEUTRAL
        else:
            total = 0.0
            for name, minimum, weight in self.wanted_all:
                if name not in proficiency_of:
                    continue
                proficiency = proficiency_of[name]
                if proficiency is None:
                    total += weight * NEUTRAL
                elif proficiency >= minimum:
                    total += weight * min(1.0, 0.8 + 0.1 * (proficiency - minimum))
                else:
                    total += weight * max(0.0, 0.5 - 0.25 * (minimum - proficiency))
            q_proficiency = total / self.weight_sum if self.weight_sum else NEUTRAL

        # level
        gap = _LEVEL_RANK[source["skill_level"]] - self.min_rank
        q_level = min(1.0, 0.7 + 0.15 * gap) if gap >= 0 else max(0.0, 0.4 - 0.2 * -gap)

        # certificates
        best_cert: dict[str, float] = {}
        for trade, verified in trades:
            best_cert[trade] = max(best_cert.get(trade, 0.0), 1.0 if verified else 0.6)
        if self.certificates:
            values = [best_cert.get(trade, 0.0) for trade in self.certificates]
            q_certificates = sum(values) / len(values)
        else:
            trade = self.occupation_name
            if trade and trade in best_cert:
                q_certificates = 1.0 if best_cert[trade] >= 1.0 else 0.8
            else:
                q_certificates = 0.6 if certificates else 0.4

        # experience
        experience = source.get("experience_years")
        target = self.target_years
        overall = NEUTRAL if experience is None else min(1.0, experience / target)
        wanted = self.wanted_names
        if not wanted:
            q_experience = overall
        else:
            years = [float(y or 0) for name, _p, y in skill_list if name in wanted]
            in_skills = min(1.0, (sum(years) / len(years)) / target) if years else 0.0
            q_experience = 0.6 * overall + 0.4 * in_skills

        # region
        availability = source.get("availability") or {}
        worker_region = source.get("region")
        if not self.region or not worker_region:
            q_region = NEUTRAL
        else:
            q_region = REGION_QUALITY[region_relation(
                worker_region=worker_region,
                open_regions=source.get("open_regions", ()),
                worker_modes=availability.get("modes") or _DEFAULT_MODES,
                posting_region=self.region,
                remote_ok=self.remote_ok,
            )]

        # wage
        offered, expected = self.offered, source.get("wage_expectation")
        if not offered or not expected:
            q_wage = 0.6
        else:
            unit = expected["unit"]
            if offered["unit"] == unit:
                expected_min, offered_max = float(expected["min"]), float(offered["max"])
            else:
                expected_min = monthly_equivalent(expected["min"], unit, self.duration_days)
                offered_max = monthly_equivalent(offered["max"], offered["unit"], self.duration_days)
            if expected_min is None or offered_max is None:
                q_wage = 0.6
            elif expected_min <= offered_max:
                q_wage = 1.0
            else:
                gap_share = (expected_min - offered_max) / expected_min if expected_min else 1.0
                q_wage = max(0.0, 1.0 - 4.0 * gap_share)

        # availability
        available_from = _date_of(availability.get("available_from"))
        if available_from is None:
            on_time = 1.0
        elif self.start is not None:
            late = (available_from - self.start).days
            on_time = 1.0 if late <= 0 else max(0.0, 1.0 - late / 45)
        else:
            late = (available_from - self.today).days
            on_time = 1.0 if late <= 14 else max(0.0, 1.0 - (late - 14) / 90)
        hours_per_week = availability.get("hours_per_week")
        needed = self.needed_hours
        hours = 1.0 if hours_per_week is None or not needed else min(1.0, hours_per_week / needed)
        q_availability = 0.6 * on_time + 0.4 * hours

        # honours
        recent = self.recent_year
        best_award = 0.0
        for award in source.get("awards", ()):
            value = AWARD_TIER_VALUE.get(award["tier"], 0.3)
            rank_ = award.get("rank")
            value *= 1.0 if rank_ is not None and rank_ <= 3 else 0.85 if rank_ and rank_ <= 10 else 0.7
            value *= 1.0 if award["year"] >= recent else 0.6
            if value > best_award:
                best_award = value
        achievements = source.get("achievements", ())
        if achievements:
            achieved = min(0.6, sum(ACHIEVEMENT_VALUE.get(a["kind"], 0.15) * (1.0 if a["year"] >= recent else 0.6)
                                    for a in achievements))
        else:
            achieved = 0
        q_honours = min(1.0, best_award + 0.5 * achieved)

        # freshness (of the worker: candidates rank workers)
        updated_at = _datetime_of(source.get("updated_at"))
        if updated_at is None:
            q_freshness = NEUTRAL
        else:
            days = (self.now - updated_at).total_seconds() / 86400
            q_freshness = 1.0 if days <= 30 else max(0.2, 1.0 - 0.8 * (days - 30) / 335)

        # min(1.0, max(0.0, q)) written out (the same value, NaN included, without 20 calls)
        s = self.shares
        total = s[0] * ((q_skills if q_skills <= 1.0 else 1.0) if q_skills >= 0.0 else 0.0)
        total += s[1] * ((q_proficiency if q_proficiency <= 1.0 else 1.0) if q_proficiency >= 0.0 else 0.0)
        total += s[2] * ((q_level if q_level <= 1.0 else 1.0) if q_level >= 0.0 else 0.0)
        total += s[3] * ((q_certificates if q_certificates <= 1.0 else 1.0) if q_certificates >= 0.0 else 0.0)
        total += s[4] * ((q_experience if q_experience <= 1.0 else 1.0) if q_experience >= 0.0 else 0.0)
        total += s[5] * ((q_region if q_region <= 1.0 else 1.0) if q_region >= 0.0 else 0.0)
        total += s[6] * ((q_wage if q_wage <= 1.0 else 1.0) if q_wage >= 0.0 else 0.0)
        total += s[7] * ((q_availability if q_availability <= 1.0 else 1.0) if q_availability >= 0.0 else 0.0)
        total += s[8] * ((q_honours if q_honours <= 1.0 else 1.0) if q_honours >= 0.0 else 0.0)
        total += s[9] * ((q_freshness if q_freshness <= 1.0 else 1.0) if q_freshness >= 0.0 else 0.0)
        return (total if total <= 1.0 else 1.0) if total >= 0.0 else 0.0


def _covered(wanted: list[tuple[str, int]], held: dict[str, int | None]) -> float:
    return sum(_credit(minimum, held[name]) for name, minimum in wanted if name in held) / len(wanted)


_LEVEL_RANK = {level.value: level.rank for level in SkillLevel}
_DEFAULT_MODES = ("full_time",)


@lru_cache(maxsize=4096)
def _date_of(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _datetime_of(value: str | None) -> dt.datetime | None:  # nearly every worker's is different: no cache
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


__all__ = ["FACTORS", "CandidateScorer", "Explanation", "Ranked", "Weights", "rank"]
