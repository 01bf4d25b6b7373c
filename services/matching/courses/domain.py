"""Course search and course ranking: the search body, the filters, and one explainable formula.

Reach (DESIGN §3 growth, issue 16): a remote course is in reach of anyone; an on-site or blended
one only within a region — the requested region prefix (2, 4 or 6 digits) in a search, or the
worker's city and the regions it is open to (`open_regions`) for a worker. Only open courses whose
end date has not passed (a date in China) are ever returned.

A course's score in [0, 1] is the weighted mean of the factors that apply to the question — the
share of the wanted skills it teaches (to the wanted proficiency), whether it prepares for the
wanted level, text relevance, how near it is, subsidy eligibility, how soon it starts — and the
explanation lists each factor's contribution (they add up to the score), the wanted skills it
teaches and does not teach, and a summary in Chinese (default) or English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from services.common import taxonomy
from services.common.contracts import LEVEL_LABELS_ZH, CourseMode, Name, RegionPrefix, SkillLevel, check_region
from services.matching.courses.documents import skill_keys
from services.matching.documents import CHINA, epoch
from services.matching.domain import language_of as matching_language_of
from services.matching.index import AllOf, AnyOf, Filter, Range, Terms
from services.matching.synonyms import occupation_codes
from services.matching.vocabulary.growth import LEVEL_LABELS_EN

Language = Literal["zh", "en"]
OCCUPATION_CODE = re.compile(r"^\d(-\d{2}){0,3}(-\d{2})?$")
REGION_FIELDS = {6: "region", 4: "city", 2: "province"}
IN_PERSON = (CourseMode.onsite.value, CourseMode.blended.value)

# Weights of the factors; only those that apply to a question count, rescaled to add up to 1.
WEIGHTS = {"skills": 0.45, "level": 0.10, "text": 0.20, "reach": 0.10, "subsidy": 0.05, "start": 0.05}
NICE_TO_HAVE = 0.25  # a gap in a skill the posting only wishes for weighs a quarter of a required one
BELOW_PROFICIENCY = 0.6  # a course that teaches a wanted skill, but not to the wanted proficiency
SOON_DAYS = 180  # a course starting today scores 1 on `start`, one starting this many days away 0
STARTED = 0.3  # a course already running (still joinable until it ends)

def language_of(accept_language: str | None) -> Language:
    """`en` when the client's Accept-Language prefers English (by q=), else Chinese: matching's own rule."""
    return "en" if matching_language_of(accept_language) == "en" else "zh"


def level_label(level: str | None, language: Language) -> str | None:
    if not level:
        return None
    return LEVEL_LABELS_EN[SkillLevel(level)] if language == "en" else LEVEL_LABELS_ZH[SkillLevel(level)]


def today_in_china(now: dt.datetime) -> dt.date:
    return now.astimezone(CHINA).date()


# --- the search body ------------------------------------------------------------------------------


class CourseSearch(BaseModel):
    """Find open training courses; every field narrows the search, `skills` and `text` also rank."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    skills: list[Name] = Field(default_factory=list, max_length=20,
                               description="courses teaching any of these skills (synonyms folded: TIG焊 ≈ 氩弧焊)")
    occupation: Name | None = Field(None, description="an occupation code (6-18-02-04, or a group like 6-18) or a name")
    level: SkillLevel | None = Field(None, description="courses preparing for this skill level")
    modes: list[CourseMode] = Field(default_factory=list, max_length=3, description="any of these modes")
    region: RegionPrefix | None = Field(
        None, description="2-, 4- or 6-digit GB/T 2260 code: on-site and blended courses inside it; remote ones always. "
                          "Without it a worker's search uses the worker's city and open regions")
    starts_after: dt.date | None = Field(None, description="courses starting on or after this date")
    subsidy_eligible: StrictBool | None = Field(None, description="only courses that (true) or that do not (false) qualify for 职业培训补贴")
    text: str = Field("", max_length=200, description="free text, cut into words and matched against title, description, skills")
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


# --- filters ----------------------------------------------------------------------------------------


def open_course_filters(today: dt.date) -> list[Filter]:
    """Courses one can still join: open, and the end date (a date in China) not passed."""
    return [Terms("status", ("open",)), Range("ends", gte=epoch(today))]


def _inside(prefixes: Sequence[str]) -> Filter:
    by_field: dict[str, list[str]] = {}
    for prefix in prefixes:
        by_field.setdefault(REGION_FIELDS[len(prefix)], []).append(prefix)
    return AnyOf(tuple(Terms(name, tuple(dict.fromkeys(values))) for name, values in by_field.items()))


def reach_filter(prefixes: Sequence[str]) -> Filter:
    """Remote courses, or on-site/blended ones inside one of the region prefixes."""
    in_person = AllOf((Terms("mode", IN_PERSON), _inside(prefixes))) if prefixes else None
    remote = Terms("mode", (CourseMode.remote.value,))
    return AnyOf((remote, in_person)) if in_person else remote


def worker_reach(worker: dict[str, Any]) -> tuple[str, ...]:
    """Where a worker can attend in person: its city, and every region it is open to."""
    region = worker.get("region") or ""
    prefixes = [region[:4]] if len(region) == 6 else []
    prefixes += [p for p in worker.get("open_regions") or [] if len(p) in REGION_FIELDS]
    return tuple(dict.fromkeys(prefixes))


def occupation_chain(occupation: str | None) -> tuple[tuple[str, ...], str]:
    """(the code's chain, "") for a classified occupation; ((), the name) to search as text otherwise."""
    if not occupation:
        return (), ""
    if OCCUPATION_CODE.match(occupation):
        return tuple(taxonomy.ancestors(occupation)), ""
    chain = tuple(occupation_codes(None, occupation))
    return (chain, "") if chain else ((), occupation)


def wanted_keys(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for name in names for key in skill_keys(name)))


def search_filters(body: CourseSearch, today: dt.date, reach: Sequence[str] | None) -> tuple[list[Filter], str]:
    """The hard filters of a course search, and the words for the text query."""
    filters = open_course_filters(today)
    chain, occupation_words = occupation_chain(body.occupation)
    if chain:
        filters.append(Terms("occupations", (chain[0],)))
    if body.level:
        filters.append(Terms("level", (body.level.rank,)))
    if body.modes:
        filters.append(Terms("mode", tuple(m.value for m in body.modes)))
    if body.region:
        filters.append(reach_filter((body.region,)))
    elif reach is not None:
        filters.append(reach_filter(reach))
    if body.starts_after:
        filters.append(Range("starts", gte=epoch(body.starts_after)))
    if body.subsidy_eligible is not None:
        filters.append(Terms("subsidy", (body.subsidy_eligible,)))
    keys = wanted_keys(body.skills)
    if keys:
        filters.append(Terms("skills", keys))
    return filters, " ".join(filter(None, [body.text, occupation_words]))


# --- the formula ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    """A skill the question wants a course to teach: a searched skill or a worker's gap."""

    label: str  # as the question wrote it (or the gap's canonical name)
    keys: tuple[str, ...]
    min_proficiency: int | None = None
    weight: float = 1.0  # a required gap 1, a nice-to-have NICE_TO_HAVE
    kind: str = "skill"  # "skill", "permit" (an operation whose permit it prepares for) or "certificate"

    @classmethod
    def of(cls, label: str, *, names: Sequence[str] = (), min_proficiency: int | None = None, weight: float = 1.0,
           kind: str = "skill") -> Wanted:
        return cls(label, wanted_keys([label, *names]), min_proficiency, weight, kind)


@dataclass(frozen=True)
class Question:
    wanted: tuple[Wanted, ...] = ()
    level: str | None = None  # the level the course should prepare for (a gap or the next rung)
    current_level: str | None = None
    home: str | None = None  # the worker's or requested region, for nearness
    open_regions: tuple[str, ...] = ()
    text: bool = False


def _taught(source: dict[str, Any]) -> dict[str, int]:
    """key → the highest proficiency the course teaches under it."""
    out: dict[str, int] = {}
    for skill in source.get("skills") or []:
        for key in skill.get("keys") or skill_keys(skill["name"]):
            out[key] = max(out.get(key, 0), int(skill.get("proficiency") or 0))
    return out


def _nearness(source: dict[str, Any], question: Question) -> float:
    if source.get("mode") == CourseMode.remote.value:
        return 1.0
    region, home = source.get("region") or "", question.home or ""
    if home and region.startswith(home):  # inside the requested prefix, or the worker's own county
        return 1.0
    if home and region[:4] == home[:4]:
        return 0.85
    if any(region.startswith(p) for p in question.open_regions):
        return 0.7
    if home and region[:2] == home[:2]:
        return 0.5
    return 0.2


def _start(source: dict[str, Any], today: dt.date) -> float:
    start = dt.date.fromisoformat(str(source["start_on"])[:10]) if source.get("start_on") else None
    if start is None:
        return 0.0
    days = (start - today).days
    if days < 0:
        return STARTED
    return max(0.0, 1.0 - days / SOON_DAYS)


@dataclass
class Scored:
    score: float
    explanation: dict[str, Any]  # without its summary until `summarised` (written for the hits shown only)
    closes: list[str]
    matched: list[tuple[Wanted, int]]
    prepares: bool

    def summarised(self, source: dict[str, Any], today: dt.date, language: Language) -> Scored:
        self.explanation["summary"] = _summary(source, self.matched, self.prepares, today, language)
        return self


def score(source: dict[str, Any], question: Question, today: dt.date, language: Language,
          text_share: float | None = None) -> Scored:
    taught = _taught(source)
    qualities: dict[str, float] = {}
    matched: list[tuple[Wanted, int]] = []
    missing: list[Wanted] = []
    for want in question.wanted:
        reached = max((taught[k] for k in want.keys if k in taught), default=None)
        (missing.append(want) if reached is None else matched.append((want, reached)))
    if question.wanted:
        total = sum(w.weight for w in question.wanted)
        got = sum(w.weight * (1.0 if not w.min_proficiency or reached >= w.min_proficiency else BELOW_PROFICIENCY)
                  for w, reached in matched)
        qualities["skills"] = got / total if total else 0.0
    course_level = source.get("prepares_for_level")
    prepares = bool(question.level) and course_level == question.level
    if question.level:
        if prepares:
            qualities["level"] = 1.0
        elif course_level and question.current_level and \
                SkillLevel(question.current_level).rank < SkillLevel(course_level).rank < SkillLevel(question.level).rank:
            qualities["level"] = 0.5  # a rung on the way there
        else:
            qualities["level"] = 0.0
    if question.text:
        qualities["text"] = max(0.0, min(1.0, text_share or 0.0))
    if question.home or question.open_regions:
        qualities["reach"] = _nearness(source, question)
    qualities["subsidy"] = 1.0 if source.get("subsidy_eligible") else 0.0
    qualities["start"] = _start(source, today)
    scale = sum(WEIGHTS[name] for name in qualities)
    factors = {name: round(WEIGHTS[name] / scale * quality, 4) for name, quality in qualities.items()}
    total_score = round(min(1.0, max(0.0, sum(factors.values()))), 4)
    explanation = {
        "factors": factors,
        "matched_skills": [w.label for w, _ in matched],
        "missing_skills": [w.label for w in missing],
        "prepares_for_level": course_level,
    }
    return Scored(total_score, explanation, [w.label for w, _ in matched], matched, prepares)


def _fee_text(source: dict[str, Any], language: Language) -> str:
    fee = source.get("fee")
    amount = (fee or {}).get("amount")
    if not amount:
        return "free" if language == "en" else "免费"
    shown = int(amount) if float(amount).is_integer() else amount
    currency = (fee or {}).get("currency") or "CNY"
    return f"fee {currency} {shown}" if language == "en" else (f"学费{shown}元" if currency == "CNY" else f"学费{shown} {currency}")


def _summary(source: dict[str, Any], matched: list[tuple[Wanted, int]], prepares: bool, today: dt.date,
             language: Language) -> str:
    en = language == "en"
    parts: list[str] = []
    if matched:
        taught = [(f"{w.label} (to proficiency {p})" if en else f"{w.label}（教到{p}级熟练度）") for w, p in matched]
        parts.append(("closes: " if en else "可补足：") + ("、" if not en else ", ").join(taught))
    else:
        names = [s["name"] for s in source.get("skills") or []][:5]
        parts.append(("teaches: " + ", ".join(names)) if en else ("教授：" + "、".join(names)))
    level = source.get("prepares_for_level")
    if level:
        label = level_label(level, language)
        if en:
            parts.append(f"prepares for the {label} evaluation" + (" you need" if prepares else ""))
        else:
            parts.append(f"面向{label}评价" + ("（正是所需等级）" if prepares else ""))
    mode = source.get("mode")
    region_name = region_text(source.get("region"), language)
    if mode == CourseMode.remote.value:
        parts.append("remote, open to anyone" if en else "远程授课，不受地域限制")
    elif mode == CourseMode.blended.value:
        parts.append(f"blended, in-person part in {region_name}" if en else f"线上线下结合，线下在{region_name}")
    else:
        parts.append(f"on site in {region_name}" if en else f"在{region_name}面授")
    if source.get("subsidy_eligible"):
        parts.append("eligible for the vocational-training subsidy" if en else "可申请职业培训补贴")
    start = str(source.get("start_on") or "")[:10]
    started = bool(start) and dt.date.fromisoformat(start) < today
    hours = source.get("hours")
    hours_text = (f"{int(hours) if float(hours).is_integer() else hours}") if hours else ""
    if en:
        parts.append(("started " if started else "starts ") + start + (f", {hours_text} hours" if hours_text else "")
                     + f", {_fee_text(source, language)}")
    else:
        parts.append(("已于" if started else "") + f"{start}开课" + (f"，{hours_text}学时" if hours_text else "")
                     + f"，{_fee_text(source, language)}")
    return ("; " if en else "；").join(parts)


def region_text(region: str | None, language: Language) -> str:
    """A region as a reader reads it: the province's name (GB/T 2260; smaller names are not shipped) and the code."""
    if not region:
        return ""
    province = taxonomy.province_name(region)
    if language == "en" or not province:
        return f"region {region}" if language == "en" else region
    return province if len(region) == 2 else f"{province}（{region}）"
