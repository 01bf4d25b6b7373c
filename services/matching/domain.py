"""The matching service's own rules, in pure Python: which availability fits which posting kind,
when a region fits, monthly-equivalent wages, and the views the ranking formula reads.

Nothing here does I/O. `documents.py` turns events into index documents and back into the views
below; `ranking.py` scores a (posting, worker) pair from two views; `handlers.py` asks the index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from services.common.contracts import AvailabilityMode, PostingKind, SkillLevel, WageUnit
from services.common.errors import NotFound

# --- availability modes and posting kinds (DESIGN §5) ------------------------------------------

# Which worker modes fit a posting kind; `service` also takes remote_service when remote is allowed.
MODES_FOR_KIND: dict[PostingKind, tuple[AvailabilityMode, ...]] = {
    PostingKind.full_time: (AvailabilityMode.full_time,),
    PostingKind.part_time: (AvailabilityMode.part_time,),
    PostingKind.project: (AvailabilityMode.project,),
    PostingKind.service: (AvailabilityMode.part_time, AvailabilityMode.project),
}

# A profile without availability is read as looking for an ordinary full-time job.
DEFAULT_MODES: tuple[AvailabilityMode, ...] = (AvailabilityMode.full_time,)


def compatible_modes(kind: PostingKind | str, remote_ok: bool) -> tuple[str, ...]:
    """Worker modes that fit a posting of this kind."""
    kind = PostingKind(kind)
    modes = [m.value for m in MODES_FOR_KIND[kind]]
    if kind is PostingKind.service and remote_ok:
        modes.append(AvailabilityMode.remote_service.value)
    return tuple(modes)


def kind_fits(kind: PostingKind | str, remote_ok: bool, worker_modes: tuple[str, ...] | list[str]) -> bool:
    return bool(set(compatible_modes(kind, remote_ok)) & set(worker_modes))


def kinds_for_modes(worker_modes: tuple[str, ...] | list[str]) -> tuple[tuple[str, ...], bool]:
    """Posting kinds a worker's modes fit: (kinds that fit regardless of remote, service-if-remote).

    The second value is True when `service` postings fit only if they allow remote work (a worker
    whose only fitting mode for them is remote_service).
    """
    modes = set(worker_modes)
    kinds = [k.value for k, fits in MODES_FOR_KIND.items() if modes & {m.value for m in fits}]
    service_if_remote = PostingKind.service.value not in kinds and AvailabilityMode.remote_service.value in modes
    return tuple(kinds), service_if_remote


# --- regions -----------------------------------------------------------------------------------


class RegionRelation(StrEnum):
    """How a worker's place relates to a posting's, best first (DESIGN §5 region distance)."""

    county = "county"  # the same 6-digit region
    city = "city"  # the same city (first 4 digits)
    province = "province"  # the same province (first 2 digits), and open to it or remote
    open_region = "open_region"  # elsewhere, but the worker lists the posting's place
    remote = "remote"  # elsewhere, the posting allows remote work and the worker serves remotely
    none = "none"

    @property
    def label_zh(self) -> str:
        return REGION_RELATION_ZH[self]


REGION_RELATION_ZH = {
    RegionRelation.county: "同区县",
    RegionRelation.city: "同城",
    RegionRelation.province: "同省",
    RegionRelation.open_region: "愿意前往该地区",
    RegionRelation.remote: "可远程服务",
    RegionRelation.none: "地区不符",
}


def region_prefixes(region: str) -> tuple[str, ...]:
    """A region and the prefixes that contain it: 150602 → (150602, 1506, 15)."""
    return tuple(p for p in (region, region[:4], region[:2]) if len(p) <= len(region))


def open_to(open_regions: tuple[str, ...] | list[str], region: str) -> bool:
    """The worker lists the place (its county, city or province, or a prefix inside a search prefix)."""
    return any(region.startswith(prefix) or prefix.startswith(region) for prefix in open_regions)


def region_relation(
    *,
    worker_region: str | None,
    open_regions: tuple[str, ...] | list[str],
    worker_modes: tuple[str, ...] | list[str],
    posting_region: str | None,
    remote_ok: bool,
) -> RegionRelation:
    """The closest relation that lets the worker take the posting (`none` when the region doesn't fit).

    The posting's place may be a 2- or 4-digit prefix (a search), which a worker inside it fits.
    """
    if not posting_region or not worker_region:
        return RegionRelation.none
    remote = remote_ok and AvailabilityMode.remote_service.value in worker_modes
    if len(posting_region) < 6:  # a search by province or city: inside it is as good as it gets
        if worker_region.startswith(posting_region):
            return RegionRelation.county
        if open_to(open_regions, posting_region):
            return RegionRelation.open_region
        return RegionRelation.remote if remote else RegionRelation.none
    if worker_region == posting_region:
        return RegionRelation.county
    if worker_region[:4] == posting_region[:4]:
        return RegionRelation.city
    listed = open_to(open_regions, posting_region)
    if worker_region[:2] == posting_region[:2] and (listed or remote):
        return RegionRelation.province
    if listed:
        return RegionRelation.open_region
    return RegionRelation.remote if remote else RegionRelation.none


# --- wages -------------------------------------------------------------------------------------

DAYS_PER_MONTH = 21.75  # statutory monthly working days
HOURS_PER_MONTH = 174.0  # statutory monthly working hours
DAYS_PER_MONTH_CALENDAR = 30.4

WAGE_UNIT_ZH = {
    WageUnit.hour.value: "时薪",
    WageUnit.day.value: "日薪",
    WageUnit.month.value: "月薪",
    WageUnit.project.value: "项目报酬",
}


def monthly_equivalent(amount: float, unit: str, duration_days: int | None = None) -> float | None:
    """An amount at its monthly equivalent (DESIGN §3 market rules); None when it has none.

    A project amount needs the project's duration: it is spread over duration_days / 30.4 months.
    """
    if unit == WageUnit.month:
        return float(amount)
    if unit == WageUnit.day:
        return amount * DAYS_PER_MONTH
    if unit == WageUnit.hour:
        return amount * HOURS_PER_MONTH
    if unit == WageUnit.project and duration_days:
        return amount / (duration_days / DAYS_PER_MONTH_CALENDAR)
    return None


def wage_midpoint_month(wage: dict | None, duration_days: int | None = None) -> float | None:
    """The midpoint of a wage range at its monthly equivalent (a posting's offered wage)."""
    if not wage:
        return None
    return monthly_equivalent((wage["min"] + wage["max"]) / 2, wage["unit"], duration_days)


def wage_range_month(wage: dict | None, duration_days: int | None = None) -> tuple[float, float] | None:
    if not wage:
        return None
    low = monthly_equivalent(wage["min"], wage["unit"], duration_days)
    high = monthly_equivalent(wage["max"], wage["unit"], duration_days)
    return (low, high) if low is not None and high is not None else None


# --- views the ranking reads --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SkillHeld:
    name: str
    canonical: str
    proficiency: int | None  # None: unknown (a search, not a profile)
    years: float = 0.0


@dataclass(frozen=True, slots=True)
class SkillWanted:
    name: str
    canonical: str
    min_proficiency: int = 1
    required: bool = True
    inferred: bool = False  # named only in the posting's free text (enrichment), not in its skills


@dataclass(frozen=True, slots=True)
class CertificateHeld:
    trade: str  # canonical trade name
    level: SkillLevel | None
    verified: bool


@dataclass(frozen=True, slots=True)
class AwardHeld:
    tier: str
    rank: int | None
    year: int


@dataclass(frozen=True, slots=True)
class AchievementHeld:
    kind: str
    year: int


@dataclass(frozen=True)
class WorkerView:
    """What the ranking reads of a worker (a profile from the index, or a search's wishes)."""

    id: str | None
    level: SkillLevel | None = None
    region: str | None = None
    open_regions: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    skills: tuple[SkillHeld, ...] = ()
    inferred_skills: tuple[str, ...] = ()  # canonical names the profile's free text adds (enrichment)
    occupation_chains: tuple[tuple[str, ...], ...] = ()  # each occupation's code and ancestors
    occupation_names: tuple[str, ...] = ()  # canonical trade names
    certificates: tuple[CertificateHeld, ...] = ()
    awards: tuple[AwardHeld, ...] = ()
    achievements: tuple[AchievementHeld, ...] = ()
    experience_years: float | None = None
    hours_per_week: int | None = None
    available_from: dt.date | None = None
    wage: dict | None = None  # {"min", "max", "unit"} as the worker wrote it
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class PostingView:
    """What the ranking reads of a posting (a posting from the index, or a search's criteria)."""

    id: str | None
    org_id: str | None = None
    kind: str | None = None
    min_level: SkillLevel | None = None
    region: str | None = None
    remote_ok: bool = False
    skills: tuple[SkillWanted, ...] = ()
    occupation_chain: tuple[str, ...] = ()
    occupation_name: str | None = None  # canonical
    certificates: tuple[str, ...] = ()  # canonical trade names
    wage: dict | None = None
    start_on: dt.date | None = None
    duration_days: int | None = None
    updated_at: dt.datetime | None = None
    status: str = "open"
    title: str = ""
    extra: dict = field(default_factory=dict)


# --- the reader's language (DESIGN §3: texts for people in Chinese unless English is asked for) ---


def language_of(accept_language: str | None) -> str:
    """`en` when an `Accept-Language` header prefers English to Chinese (by q), else `zh` (the default)."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept_language or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("en", "zh"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0 and (best is None or (-quality, position) < (best[0], best[1])):
            best = (-quality, position, primary)
    return best[2] if best else "zh"


# --- errors ------------------------------------------------------------------------------------


class PostingNotIndexed(NotFound):
    title = "Posting not found"


class WorkerNotIndexed(NotFound):
    title = "Worker not found"


class IndexBehind(RuntimeError):
    """The index does not hold an event's change yet; the reactive consumer retries later."""
