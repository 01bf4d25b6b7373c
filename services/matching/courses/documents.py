"""A training course as matching indexes it (`Kind.courses`), built from `course.upserted` /
`course.closed` data, and the names a skill is known by.

A course's skills are indexed under every key a name resolves to — the vocabulary's canonical skill
(TIG焊 → 氩弧焊, 二保焊 → 二氧化碳保护焊, 电焊 → the occupation 焊工) and the older synonym groups
(低压电工 → 电工) — and a query asks with the keys of its own names, so a search or a gap written
with any synonym finds the course. Everything indexed derives from the stored source, so a replay or
a copy between engines rebuilds the same document (`course_fields`). Courses hold no personal data.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from services.common.contracts import SkillLevel, city_of, province_of
from services.common.events import CourseClosed, CourseUpserted
from services.matching.documents import epoch
from services.matching.index import IndexDoc, Kind
from services.matching.synonyms import canonical, occupation_codes
from services.matching.vocabulary.taxonomy import normalize, vocabulary

DESCRIPTION_IN_HITS = 300  # characters of a course's description kept in the index and shown in a hit
NO_LEVEL = -1  # `level` of a course that prepares for no particular skill level


@lru_cache(maxsize=16_384)
def skill_keys(name: str) -> tuple[str, ...]:
    """Every key a skill (or trade) name is indexed and queried under: the vocabulary's canonical
    skill or occupation name, and the synonym group's canonical name."""
    vocab = vocabulary()
    keys: list[str] = []
    found = vocab.terms.get(normalize(name))
    if found is not None:
        kind, ident = found
        keys.append(vocab.occupations[ident].name if kind == "occupation" else ident)
    keys.append(canonical(name))
    return tuple(dict.fromkeys(keys))


def _date(value: Any) -> dt.date | None:
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _datetime(value: Any) -> dt.datetime | None:
    if not value:
        return None
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def course_source(data: dict[str, Any]) -> dict[str, Any]:
    """What the index stores and hits show: the course as published (JSON form), without `created_at`."""
    source = {k: v for k, v in data.items() if k != "created_at"}
    source["description"] = (data.get("description") or "")[:DESCRIPTION_IN_HITS]
    source["skills"] = [{**s, "keys": list(skill_keys(s["name"]))} for s in data["skills"]]
    return source


def course_fields(source: dict[str, Any]) -> dict[str, Any]:
    """The indexed fields of a course, all derived from its stored source."""
    skills = source.get("skills") or []
    occupation = source.get("occupation")
    level = source.get("prepares_for_level")
    fee = source.get("fee") or {}
    keys = [key for s in skills for key in (s.get("keys") or skill_keys(s["name"]))]
    return {
        "status": source["status"],
        "org_id": source["org_id"],
        "mode": source["mode"],
        "region": source["region"],
        "city": city_of(source["region"]),
        "province": province_of(source["region"]),
        "skills": list(dict.fromkeys(keys)),
        "occupations": occupation_codes(occupation.get("code"), occupation["name"]) if occupation else [],
        "level": SkillLevel(level).rank if level else NO_LEVEL,
        "subsidy": bool(source.get("subsidy_eligible")),
        "starts": epoch(_date(source.get("start_on"))),
        "ends": epoch(_date(source.get("end_on"))),
        "hours": float(source.get("hours") or 0),
        "fee": float(fee.get("amount") or 0),
        "text": " ".join(
            [source.get("title") or "", source.get("description") or ""]
            + [s["name"] for s in skills] + keys
            + ([occupation["name"], canonical(occupation["name"])] if occupation else [])
        ),
        "updated": epoch(_datetime(source.get("updated_at"))),
    }


def course_doc(course: CourseUpserted, version: int | None = None) -> IndexDoc:
    """The index document of a course at `version` (the event's entityversion; else the course's)."""
    source = course_source(course.model_dump(mode="json"))
    if version is not None:
        source["version"] = version
    return IndexDoc(course.id, source["version"], course_fields(source), source)


def closed_course_doc(closed: CourseClosed, version: int) -> IndexDoc:
    """The course as its closing left it: the state the event carries, with the closing's status.

    Kept in the index (not deleted) so its version still guards against an older upsert arriving
    late; every query asks for open courses only."""
    source = course_source(closed.course.model_dump(mode="json"))
    source.update(status=closed.status.value, version=version, updated_at=closed.closed_at.isoformat(),
                  closed_reason=closed.reason)
    return IndexDoc(closed.id, version, course_fields(source), source)


def doc_from_course_source(doc_id: str, version: int, source: dict[str, Any]) -> IndexDoc:
    """Rebuild a course's index document from what the index stores (copying between indexes)."""
    return IndexDoc(doc_id, version, course_fields(source), source)


def course_summary(source: dict[str, Any]) -> dict[str, Any]:
    """A course as a hit shows it (the provider is an organisation: nothing to mask)."""
    keys = ("id", "org_id", "title", "description", "occupation", "prepares_for_level", "mode", "region",
            "start_on", "end_on", "hours", "fee", "subsidy_eligible", "seats", "status", "updated_at")
    summary = {k: source.get(k) for k in keys}
    summary["skills"] = [{"name": s["name"], "proficiency": s.get("proficiency")} for s in source.get("skills") or []]
    return summary


KIND = Kind.courses

__all__ = ["KIND", "NO_LEVEL", "closed_course_doc", "course_doc", "course_fields", "course_source", "course_summary",
           "doc_from_course_source", "skill_keys"]
