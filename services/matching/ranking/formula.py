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

The formula is written once, in `PostingSide.qualities`: the posting's side is compiled once per
request (its skill lists, level target, region, wage), each worker is read once into
`WorkerFeatures` (from its stored source on the hot path, or from a `WorkerView` — a profile or a
search's wishes), and the score is the weighted sum of the ten qualities. `explain` adds the
contributions and the Chinese summary from the same qualities, so an explanation always adds up to
the score that ordered the list (tests/unit/test_matching_ranking.py holds them together).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

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
    # Not a factor: how much a skill inferred from free text (services/matching/inferred.py) counts
    # against one written as a structured skill — as a wanted skill's share of coverage, and as the
    # credit of a held one (a held skill of unknown proficiency gets 0.75).
    inferred: float = Field(0.6, ge=0, le=1)

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
    # skills the match counted that were inferred from free text: the posting's (its title and
    # description) and the worker's (see services/matching/inferred.py)
    inferred_skills: dict[str, list[str]] | None = None

    def as_dict(self) -> dict:
        return {
            "factors": self.factors,
            "matched_skills": self.matched_skills,
            "missing_skills": self.missing_skills,
            "inferred_skills": self.inferred_skills or {"posting": [], "worker": []},
            "summary": self.summary,
        }


_UNEXPLAINED = Explanation({}, [], [], "")


@dataclass(frozen=True)
class Ranked:
    score: float
    explanation: Explanation


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

    With `explain=False` the score is the same formula unrounded and without the summary's phrases
    (ranking a few hundred candidates explains only the ones that will be shown, see handlers).
    """
    side = PostingSide(posting, weights, now, ranked=ranked)
    features = WorkerFeatures.from_view(worker)
    if not explain:
        return Ranked(side.score(features), _UNEXPLAINED)
    return side.explain(features)


@lru_cache(maxsize=64)
def _shares(weights: Weights) -> dict[str, float]:
    return weights.normalised()


# --- what the formula reads of a worker ----------------------------------------------------------


class WorkerFeatures:
    """A worker as the formula reads it, built once per worker (from a stored source or a view)."""

    __slots__ = (
        "wishes", "held", "proficiency_of", "skill_years", "chains", "occupation_names", "trades",
        "level_rank", "experience", "region", "open_regions", "modes", "wage", "available_from",
        "hours_per_week", "awards", "achievements", "updated_at", "inferred",
    )

    def __init__(self, *, wishes: bool, skills: list[tuple[str, int | None, float]], chains: tuple[tuple[str, ...], ...],
                 occupation_names: tuple[str, ...], trades: list[tuple[str, bool]], level_rank: int | None,
                 experience: float | None, region: str | None, open_regions, modes, wage: dict | None,
                 available_from: dt.date | None, hours_per_week: int | None, awards, achievements,
                 updated_at: dt.datetime | None, inferred: tuple[str, ...] = ()) -> None:
        held: dict[str, int | None] = {}
        for name in occupation_names:
            held.setdefault(name, None)
        for trade, _verified in trades:
            held.setdefault(trade, None)
        proficiency_of: dict[str, int | None] = {}
        for name, proficiency, _years in skills:
            held[name] = proficiency  # an explicit skill beats an implied one
            proficiency_of[name] = proficiency
        # skills only the profile's free text names: held, at the `Weights.inferred` credit
        self.inferred = frozenset(name for name in inferred if name not in held)
        for name in self.inferred:
            held[name] = None
        self.wishes = wishes  # a search's criteria rather than a profile: neutral where it says nothing
        self.held = held  # canonical skill → proficiency (occupations and certificates: unknown)
        self.proficiency_of = proficiency_of  # explicit skills only
        self.skill_years = [(name, years) for name, _p, years in skills]
        self.chains = chains
        self.occupation_names = occupation_names
        self.trades = trades
        self.level_rank = level_rank
        self.experience = experience
        self.region = region
        self.open_regions = open_regions
        self.modes = modes
        self.wage = wage
        self.available_from = available_from
        self.hours_per_week = hours_per_week
        self.awards = awards  # (tier, rank, year)
        self.achievements = achievements  # (kind, year)
        self.updated_at = updated_at

    @classmethod
    def from_source(cls, source: dict) -> WorkerFeatures:
        """From a worker's stored source (see `documents.worker_source`): the candidates' hot path."""
        availability = source.get("availability") or {}
        occupations = source.get("occupations", ())
        return cls(
            wishes=False,
            skills=[(s.get("canonical") or canonical(s["name"]), s.get("proficiency"), float(s.get("years") or 0))
                    for s in source.get("skills", ())],
            chains=tuple(chain for o in occupations if (chain := _chain(o.get("code"), o["name"]))),
            occupation_names=tuple(canonical(o["name"]) for o in occupations),
            trades=[(canonical_certificate(c["occupation"]), bool(c.get("verified"))) for c in source.get("certificates", ())],
            level_rank=_LEVEL_RANK[source["skill_level"]],
            experience=source.get("experience_years"),
            region=source.get("region"),
            open_regions=source.get("open_regions", ()),
            modes=availability.get("modes") or _DEFAULT_MODES,
            wage=source.get("wage_expectation"),
            available_from=_date_of(availability.get("available_from")),
            hours_per_week=availability.get("hours_per_week"),
            awards=[(a["tier"], a.get("rank"), a["year"]) for a in source.get("awards", ())],
            achievements=[(a["kind"], a["year"]) for a in source.get("achievements", ())],
            updated_at=_datetime_of(source.get("updated_at")),
            inferred=tuple(s["canonical"] for s in (source.get("inferred") or {}).get("skills") or ()),
        )

    @classmethod
    def from_view(cls, worker: WorkerView) -> WorkerFeatures:
        return cls(
            wishes=worker.id is None,
            skills=[(s.canonical, s.proficiency, s.years) for s in worker.skills],
            chains=tuple(worker.occupation_chains),
            occupation_names=tuple(worker.occupation_names),
            trades=[(c.trade, c.verified) for c in worker.certificates],
            level_rank=worker.level.rank if worker.level is not None else None,
            experience=worker.experience_years,
            region=worker.region,
            open_regions=worker.open_regions,
            modes=worker.modes,
            wage=worker.wage,
            available_from=worker.available_from,
            hours_per_week=worker.hours_per_week,
            awards=[(a.tier, a.rank, a.year) for a in worker.awards],
            achievements=[(a.kind, a.year) for a in worker.achievements],
            updated_at=_aware(worker.updated_at),
            inferred=tuple(worker.inferred_skills),
        )


# --- the formula, compiled for one posting --------------------------------------------------------


class PostingSide:
    """The posting's side of the formula, compiled once; `qualities(worker)` is the formula."""

    __slots__ = (
        "posting", "shares", "required", "nice", "wanted_all", "chain", "closeness", "occupation_name", "min_rank",
        "min_level", "certificates", "target_years", "wanted_names", "weight_sum", "region", "remote_ok", "offered",
        "duration_days", "start", "today", "needed_hours", "recent_year", "now", "posting_updated", "ranked",
        "discount",
    )

    def __init__(self, posting: PostingView, weights: Weights, now: dt.datetime,
                 *, ranked: Literal["worker", "posting"] = "worker") -> None:
        shares = _shares(weights)
        self.posting = posting
        self.shares = tuple(shares[name] for name in FACTORS)
        discount = self.discount = weights.inferred
        # (canonical name, minimum proficiency, weight): a skill inferred from the text weighs less
        self.required = [(s.canonical, s.min_proficiency, discount if s.inferred else 1.0)
                         for s in posting.skills if s.required]
        self.nice = [(s.canonical, s.min_proficiency, discount if s.inferred else 1.0)
                     for s in posting.skills if not s.required]
        self.wanted_all = [(s.canonical, s.min_proficiency, (2.0 if s.required else 1.0) * (discount if s.inferred else 1.0))
                           for s in posting.skills]
        self.chain = list(posting.occupation_chain)
        self.closeness: dict[tuple[str, ...], float] = {}  # a worker occupation's chain → closeness to ours
        self.occupation_name = posting.occupation_name
        minimum = posting.min_level or SkillLevel.junior
        self.min_level = minimum
        self.min_rank = minimum.rank
        self.certificates = posting.certificates
        self.target_years = 3 + 1.5 * minimum.rank  # years a recruiter expects at that level: 高级工 7.5, 技师 9
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
        self.posting_updated = _aware(posting.updated_at)
        self.ranked = ranked

    def qualities(self, f: WorkerFeatures) -> tuple[float, ...]:
        """The ten qualities, in FACTORS order, each as the module docstring describes."""
        held = f.held
        wishes = f.wishes

        # skills: coverage of the wanted skills, blended with how close the occupations are
        required, nice = self.required, self.nice
        coverage: float | None = None
        guessed, discount = f.inferred, self.discount
        if required and nice:
            coverage = 0.8 * _covered(required, held, guessed, discount) + 0.2 * _covered(nice, held, guessed, discount)
        elif required:
            coverage = _covered(required, held, guessed, discount)
        elif nice:
            coverage = _covered(nice, held, guessed, discount)
        occupation = self._occupation_fit(f)
        if wishes and not held:
            coverage = occupation = None  # a search that named no skill says nothing about skills
        if coverage is not None and occupation is not None:
            q_skills = 0.85 * coverage + 0.15 * occupation
        elif coverage is not None:
            q_skills = coverage
        elif occupation is not None:
            q_skills = occupation
        else:
            q_skills = NEUTRAL

        # proficiency in the wanted skills against each minimum
        proficiency_of = f.proficiency_of
        if wishes and all(p is None for p in proficiency_of.values()):
            q_proficiency = NEUTRAL
        elif not self.wanted_all:
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
                    # meeting the minimum is good; each point above it is better still
                    total += weight * min(1.0, 0.8 + 0.1 * (proficiency - minimum))
                else:
                    total += weight * max(0.0, 0.5 - 0.25 * (minimum - proficiency))
            q_proficiency = total / self.weight_sum if self.weight_sum else NEUTRAL

        # level against the minimum (above it is better)
        if f.level_rank is None:
            q_level = NEUTRAL
        else:
            gap = f.level_rank - self.min_rank
            q_level = min(1.0, 0.7 + 0.15 * gap) if gap >= 0 else max(0.0, 0.4 - 0.2 * -gap)

        # certificates: verified fully, unverified in part
        best_cert = _best_certificates(f.trades)
        if self.certificates:
            values = [best_cert.get(trade, 0.0) for trade in self.certificates]
            q_certificates = sum(values) / len(values)
        else:
            trade = self.occupation_name
            if trade and trade in best_cert:
                q_certificates = 1.0 if best_cert[trade] >= 1.0 else 0.8
            elif not f.trades and wishes:
                q_certificates = NEUTRAL  # a search's wishes hold no certificates to compare
            else:
                q_certificates = 0.6 if f.trades else 0.4

        # experience, overall and in the wanted skills
        if wishes:
            q_experience = NEUTRAL
        else:
            target = self.target_years
            overall = NEUTRAL if f.experience is None else min(1.0, f.experience / target)
            wanted = self.wanted_names
            if not wanted:
                q_experience = overall
            else:
                years = [y for name, y in f.skill_years if name in wanted]
                in_skills = min(1.0, (sum(years) / len(years)) / target) if years else 0.0
                q_experience = 0.6 * overall + 0.4 * in_skills

        # region: same county > city > province > open to the region > remote
        relation = self._region_relation(f)
        q_region = NEUTRAL if relation is None else REGION_QUALITY[relation]

        # wage: the worker's expected minimum against the offered maximum
        q_wage = self._wage(f)[0]

        # availability: start date and hours a week
        on_time, _late, hours = self._availability(f)
        q_availability = 0.6 * on_time + 0.4 * hours

        # honours: the best award, and skill achievements
        q_honours = NEUTRAL if wishes else self._honours(f)[0]

        # freshness of the side being ranked
        updated_at = f.updated_at if self.ranked == "worker" else self.posting_updated
        if updated_at is None:
            q_freshness = NEUTRAL
        else:
            days = (self.now - updated_at).total_seconds() / 86400
            q_freshness = 1.0 if days <= 30 else max(0.2, 1.0 - 0.8 * (days - 30) / 335)

        return (q_skills, q_proficiency, q_level, q_certificates, q_experience,
                q_region, q_wage, q_availability, q_honours, q_freshness)

    def score(self, f: WorkerFeatures) -> float:
        """The weighted sum of the qualities, each clamped to [0, 1] (NaN counts as 0)."""
        total = 0.0
        for share, q in zip(self.shares, self.qualities(f)):  # noqa: B905 (both are ten long)
            total += share * ((q if q <= 1.0 else 1.0) if q >= 0.0 else 0.0)
        return (total if total <= 1.0 else 1.0) if total >= 0.0 else 0.0

    def explain(self, f: WorkerFeatures, language: str = "zh") -> Ranked:
        """The score from the same qualities, with each factor's contribution and a summary in
        `language` (`zh`, the default, or `en`; skill and trade names stay as written)."""
        t = TEXTS.get(language, ZH)
        qualities = self.qualities(f)
        contributions = {name: round(share * ((q if q <= 1.0 else 1.0) if q >= 0.0 else 0.0), 4)
                         for name, share, q in zip(FACTORS, self.shares, qualities)}  # noqa: B905
        score = round(min(1.0, max(0.0, sum(contributions.values()))), 4)
        matched, missing = self._matched_missing(f)
        inferred = self._inferred(f)
        notes = [note for note in (self._skills_note(f, qualities, t), self._inferred_note(inferred, t),
                                   self._level_note(f, t), self._region_note(f, t),
                                   self._wage(f, t)[1], self._certificates_note(f, t), self._availability_note(f, t),
                                   None if f.wishes else self._honours(f, t)[1]) if note]
        summary = t["sep"].join(notes) if notes else t["basic"]
        return Ranked(score, Explanation(contributions, matched, missing, summary, inferred))

    # --- parts shared by the qualities and the explanation --------------------------------------------

    def _occupation_fit(self, f: WorkerFeatures) -> float | None:
        if self.chain:
            best = 0.0
            closeness = self.closeness
            for chain in f.chains:
                value = closeness.get(chain)
                if value is None:
                    value = closeness[chain] = occupation_closeness(self.chain, list(chain))
                if value > best:
                    best = value
            return best
        if self.occupation_name:
            if self.occupation_name in f.occupation_names or self.occupation_name in f.proficiency_of:
                return 1.0
            return 0.0
        return None

    def _region_relation(self, f: WorkerFeatures) -> RegionRelation | None:
        if not self.region or not f.region:
            return None
        return region_relation(worker_region=f.region, open_regions=f.open_regions, worker_modes=f.modes,
                               posting_region=self.region, remote_ok=self.remote_ok)

    def _wage(self, f: WorkerFeatures, t: dict[str, Any] | None = None) -> tuple[float, str | None]:
        offered, expected = self.offered, f.wage
        if not offered or not expected:
            return 0.6, None
        unit = expected["unit"]
        if offered["unit"] == unit:
            expected_min, offered_max = float(expected["min"]), float(offered["max"])
        else:
            expected_min = monthly_equivalent(expected["min"], unit, self.duration_days)
            offered_max = monthly_equivalent(offered["max"], offered["unit"], self.duration_days)
            if expected_min is None or offered_max is None:
                return 0.6, None
        t = t or ZH
        unit_name = t["units"].get(unit) or t["units"][None]
        if expected_min <= offered_max:
            return 1.0, t["wage_fits"].format(unit=unit_name)
        gap = (expected_min - offered_max) / expected_min if expected_min else 1.0
        return max(0.0, 1.0 - 4.0 * gap), t["wage_above"].format(unit=unit_name, pct=round(gap * 100))

    def _availability(self, f: WorkerFeatures) -> tuple[float, int | None, float]:
        """(on time, days late or None, hours enough)."""
        available_from = f.available_from
        late = None
        if available_from is None:
            on_time = 1.0
        elif self.start is not None:
            late = (available_from - self.start).days
            on_time = 1.0 if late <= 0 else max(0.0, 1.0 - late / 45)  # a month late is half as good
        else:
            late = (available_from - self.today).days
            on_time = 1.0 if late <= 14 else max(0.0, 1.0 - (late - 14) / 90)
        needed = self.needed_hours
        hours_per_week = f.hours_per_week
        hours = 1.0 if hours_per_week is None or not needed else min(1.0, hours_per_week / needed)
        return on_time, late, hours

    def _honours(self, f: WorkerFeatures, t: dict[str, Any] | None = None) -> tuple[float, str | None]:
        recent = self.recent_year
        best_award, best_tier = 0.0, None
        for tier, rank_, year in f.awards:
            value = AWARD_TIER_VALUE.get(tier, 0.3)
            value *= 1.0 if rank_ is not None and rank_ <= 3 else 0.85 if rank_ and rank_ <= 10 else 0.7
            value *= 1.0 if year >= recent else 0.6
            if value > best_award:
                best_award, best_tier = value, tier
        achieved = 0
        if f.achievements:
            achieved = min(0.6, sum(ACHIEVEMENT_VALUE.get(kind, 0.15) * (1.0 if year >= recent else 0.6)
                                    for kind, year in f.achievements))
        t = t or ZH
        notes = []
        if best_tier:
            notes.append(t["award"].format(tier=t["tiers"][best_tier]))
        if f.achievements:
            notes.append(t["achievements"].format(n=len(f.achievements)))
        return min(1.0, best_award + 0.5 * achieved), t["sep"].join(notes) or None

    # --- the summary's phrases (only for the hits shown) ---------------------------------------------

    def _matched_missing(self, f: WorkerFeatures) -> tuple[list[str], list[str]]:
        skills = self.posting.skills
        matched = [s.name for s in skills if s.canonical in f.held]
        required = [s for s in skills if s.required]
        nice = [s for s in skills if not s.required]
        missing = [s.name for s in (*required, *nice) if s.canonical not in f.held]
        return matched, missing

    def _skills_note(self, f: WorkerFeatures, qualities: tuple[float, ...], t: dict[str, Any] = None) -> str | None:
        t = t or ZH
        names = t["list"].join
        held = f.held
        skills = self.posting.skills
        required = [s for s in skills if s.required]
        nice = [s for s in skills if not s.required]
        matched_required = [s.name for s in required if s.canonical in held]
        matched_nice = [s.name for s in nice if s.canonical in held]
        occupation = None if (f.wishes and not held) else self._occupation_fit(f)
        parts: list[str] = []
        if required:
            listed = t["listed"].format(names=names(matched_required)) if matched_required else ""
            parts.append(t["required"].format(m=len(matched_required), n=len(required), listed=listed))
            absent = [s.name for s in required if s.canonical not in held]
            if absent:
                parts.append(t["absent"].format(names=names(absent)))
            if matched_nice:
                parts.append(t["nice_extra"].format(names=names(matched_nice)))
        elif nice:
            listed = t["listed"].format(names=names(matched_nice)) if matched_nice else ""
            parts.append(t["matched"].format(m=len(matched_nice), n=len(nice), listed=listed))
        elif occupation is not None and self.posting.occupation_name:
            if occupation >= 1.0:
                parts.append(t["same_occupation"].format(name=self.posting.occupation_name))
            elif occupation > 0:
                parts.append(t["near_occupation"].format(name=self.posting.occupation_name))
        short = [t["short_item"].format(name=s.name, held=held[s.canonical], min=s.min_proficiency)
                 for s in (*required, *nice)
                 if s.canonical in held and held[s.canonical] is not None and held[s.canonical] < s.min_proficiency]
        if short:
            parts.append(t["short"].format(items=names(short)))
        return t["sep"].join(parts) or None

    def _inferred(self, f: WorkerFeatures) -> dict[str, list[str]]:
        """Skills counted that were inferred from free text: the posting's, and the worker's matched ones."""
        skills = self.posting.skills
        return {"posting": [s.name for s in skills if s.inferred],
                "worker": [s.name for s in skills if s.canonical in f.inferred]}

    @staticmethod
    def _inferred_note(inferred: dict[str, list[str]], t: dict[str, Any] | None = None) -> str | None:
        t = t or ZH
        notes = []
        if inferred["posting"]:
            notes.append(t["posting_inferred"].format(names=t["list"].join(inferred["posting"])))
        if inferred["worker"]:
            notes.append(t["worker_inferred"].format(names=t["list"].join(inferred["worker"])))
        return t["sep"].join(notes) or None

    def _level_note(self, f: WorkerFeatures, t: dict[str, Any] | None = None) -> str | None:
        t = t or ZH
        if f.level_rank is None:
            return None
        level = t["levels"][_LEVEL_BY_RANK[f.level_rank]]
        gap = f.level_rank - self.min_rank
        if self.posting.min_level is None:
            return level
        minimum = t["levels"][self.min_level]
        if gap > 0:
            return t["level_above"].format(level=level, min=minimum)
        if gap == 0:
            return t["level_meets"].format(level=level)
        return t["level_below"].format(level=level, min=minimum)

    def _region_note(self, f: WorkerFeatures, t: dict[str, Any] | None = None) -> str | None:
        relation = self._region_relation(f)
        return None if relation is None else (t or ZH)["regions"][relation]

    def _certificates_note(self, f: WorkerFeatures, t: dict[str, Any] | None = None) -> str | None:
        t = t or ZH
        best = _best_certificates(f.trades)
        if self.certificates:
            held = [c for c in self.certificates if c in best]
            absent = [c for c in self.certificates if c not in best]
            notes = []
            if held:
                verified = all(best[c] >= 1.0 for c in held)
                notes.append(t["certs_held"].format(names=t["list"].join(held))
                             + (t["verified"] if verified else t["unverified"]))
            if absent:
                notes.append(t["certs_absent"].format(names=t["list"].join(absent)))
            return t["sep"].join(notes) or None
        trade = self.occupation_name
        if trade and trade in best:
            return t["certs_held"].format(names=trade) + (t["verified"] if best[trade] >= 1.0 else "")
        return None

    def _availability_note(self, f: WorkerFeatures, t: dict[str, Any] | None = None) -> str | None:
        t = t or ZH
        _on_time, late, hours = self._availability(f)
        note = None
        if late is not None:
            if self.start is not None and late > 0:
                note = t["late_start"].format(days=late)
            elif self.start is None and late > 14:
                note = t["available_in"].format(days=late)
        if hours < 1.0:
            note = t["sep"].join(filter(None, [note, t["hours"].format(hours=f.hours_per_week)]))
        return note


# --- the summary's words, by language (DESIGN §3: Chinese by default, English on request) ----------

ZH: dict[str, Any] = {
    "sep": "，", "list": "、", "listed": "（{names}）", "basic": "符合基本条件",
    "required": "匹配必需技能{m}/{n}{listed}", "absent": "缺少{names}", "nice_extra": "另有加分技能{names}",
    "matched": "匹配技能{m}/{n}{listed}", "same_occupation": "同职业（{name}）", "near_occupation": "相近职业（要求{name}）",
    "short_item": "{name}{held}级低于要求{min}级", "short": "熟练度不足（{items}）",
    "posting_inferred": "岗位技能由标题和描述推断（{names}）", "worker_inferred": "{names}由求职者资料文字推断",
    "level_above": "{level}高于要求的{min}", "level_meets": "{level}符合要求", "level_below": "{level}低于要求的{min}",
    "wage_fits": "{unit}期望在范围内", "wage_above": "{unit}期望高于报价约{pct}%",
    "certs_held": "持有{names}证书", "verified": "（已核验）", "unverified": "（未核验）", "certs_absent": "缺少{names}证书",
    "late_start": "到岗晚于开工约{days}天", "available_in": "{days}天后可到岗", "hours": "每周可投入{hours}小时",
    "award": "获{tier}技能竞赛奖项", "achievements": "有{n}项技能成果",
    "units": {**WAGE_UNIT_ZH, None: "薪资"},
    "tiers": AWARD_TIER_ZH,
    "levels": LEVEL_LABELS_ZH,
    "regions": {relation: relation.label_zh for relation in RegionRelation},
}
EN: dict[str, Any] = {
    "sep": "; ", "list": ", ", "listed": " ({names})", "basic": "meets the basic conditions",
    "required": "required skills matched {m}/{n}{listed}", "absent": "missing {names}",
    "nice_extra": "also has {names} (nice to have)", "matched": "skills matched {m}/{n}{listed}",
    "same_occupation": "same occupation ({name})", "near_occupation": "related occupation ({name} wanted)",
    "short_item": "{name} at level {held}, below the {min} asked", "short": "proficiency short ({items})",
    "posting_inferred": "skills inferred from the posting's title and description ({names})",
    "worker_inferred": "{names} inferred from the worker's own text",
    "level_above": "{level}, above the {min} asked", "level_meets": "{level}, as asked",
    "level_below": "{level}, below the {min} asked",
    "wage_fits": "expected {unit} within the offer", "wage_above": "expected {unit} about {pct}% above the offer",
    "certs_held": "holds the {names} certificate", "verified": " (verified)", "unverified": " (not verified)",
    "certs_absent": "lacks the {names} certificate",
    "late_start": "available about {days} days after the start", "available_in": "available in {days} days",
    "hours": "{hours} hours a week",
    "award": "{tier} skills-competition award", "achievements": "{n} skill achievement(s)",
    "units": {"hour": "hourly wage", "day": "daily wage", "month": "monthly wage", "project": "project fee", None: "wage"},
    "tiers": {"national": "national", "provincial": "provincial", "city": "city", "enterprise": "enterprise"},
    "levels": {
        SkillLevel.apprentice: "apprentice", SkillLevel.junior: "junior worker",
        SkillLevel.intermediate: "intermediate worker", SkillLevel.senior: "senior worker",
        SkillLevel.technician: "technician", SkillLevel.senior_technician: "senior technician",
        SkillLevel.principal_technician: "principal technician", SkillLevel.chief_technician: "chief technician",
    },
    "regions": {
        RegionRelation.county: "same county", RegionRelation.city: "same city", RegionRelation.province: "same province",
        RegionRelation.open_region: "willing to work in the region", RegionRelation.remote: "can serve remotely",
        RegionRelation.none: "region does not fit",
    },
}
TEXTS = {"zh": ZH, "en": EN}


class CandidateScorer(PostingSide):
    """`PostingSide` reading workers straight from their stored sources (candidates, searches)."""

    def score(self, source: dict | WorkerFeatures) -> float:  # type: ignore[override]
        features = source if isinstance(source, WorkerFeatures) else WorkerFeatures.from_source(source)
        return PostingSide.score(self, features)


def _covered(wanted: list[tuple[str, int, float]], held: dict[str, int | None], guessed: frozenset[str] = frozenset(),
             discount: float = 1.0) -> float:
    """Weighted share of the wanted skills held; a held skill only the worker's free text names
    counts at most `discount` (Weights.inferred)."""
    got = total = 0.0
    for name, minimum, weight in wanted:
        total += weight
        if name in held:
            credit = _credit(minimum, held[name])
            got += weight * (credit if name not in guessed or credit <= discount else discount)
    return got / total if total else 0.0


def _credit(wanted_min: int, proficiency: int | None) -> float:
    """How far a held skill covers a wanted one: fully at or above the minimum proficiency, in part
    below it (a recruiter reads "TIG 3 where 4 is asked" as not quite there), 0.75 when unknown."""
    if proficiency is None:
        return 0.75
    if proficiency >= wanted_min:
        return 1.0
    return max(0.25, 1.0 - 0.35 * (wanted_min - proficiency))


def _best_certificates(trades: list[tuple[str, bool]]) -> dict[str, float]:
    best: dict[str, float] = {}
    for trade, verified in trades:
        best[trade] = max(best.get(trade, 0.0), 1.0 if verified else 0.6)
    return best


_LEVEL_RANK = {level.value: level.rank for level in SkillLevel}
_LEVEL_BY_RANK = {level.rank: level for level in SkillLevel}
_DEFAULT_MODES = ("full_time",)


@lru_cache(maxsize=16_384)
def _chain(code: str | None, name: str) -> tuple[str, ...]:
    return tuple(occupation_codes(code, name))


@lru_cache(maxsize=4096)
def _date_of(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _datetime_of(value: str | None) -> dt.datetime | None:  # nearly every worker's is different: no cache
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


__all__ = ["FACTORS", "CandidateScorer", "Explanation", "PostingSide", "Ranked", "Weights", "WorkerFeatures", "rank"]
