"""Index documents of the matching service: events in, `IndexDoc`s out, and stored sources back
into the views the ranking reads.

A worker's document carries the fields of `search.FIELDS[Kind.workers]` (what the hard filters and
relevance need) and a stored `source` (what ranking and hits need). The source never holds contact
data (the events don't carry it) nor the worker's precise location, and the name and certificate
numbers are stored already masked, so no hit can reveal them whatever code path serves it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from services.common.contracts import (
    LEVEL_LABELS_ZH,
    SkillLevel,
    city_of,
    mask_certificate_number,
    mask_name,
    province_of,
)
from services.common.events import PostingClosed, PostingUpserted, WorkerUpserted
from services.matching.domain import (
    DEFAULT_MODES,
    AchievementHeld,
    AwardHeld,
    CertificateHeld,
    PostingView,
    SkillHeld,
    SkillWanted,
    WorkerView,
    monthly_equivalent,
    wage_midpoint_month,
)
from services.matching.search import IndexDoc, Kind
from services.matching.synonyms import canonical, canonical_certificate, occupation_codes

DESCRIPTION_IN_HITS = 300  # characters of a posting's description shown in a hit


def epoch(moment: dt.datetime | dt.date | None) -> int:
    """Epoch seconds (UTC); a date counts from its midnight in China (UTC+8); None → 0."""
    if moment is None:
        return 0
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return int(moment.timestamp())
    return int(dt.datetime.combine(moment, dt.time(), tzinfo=CHINA).timestamp())


CHINA = dt.timezone(dt.timedelta(hours=8))


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


# --- workers -----------------------------------------------------------------------------------


def worker_doc(worker: WorkerUpserted) -> IndexDoc:
    """The index document of a worker; `matchable` only with matching consent and an active profile."""
    matchable = bool(worker.matchable and worker.consent.matching and worker.status == "active")
    modes = [m.value for m in worker.availability.modes] if worker.availability else [m.value for m in DEFAULT_MODES]
    source = worker_source(worker, matchable, modes)
    return IndexDoc(worker.id, worker.version, worker_fields(source), source)


def worker_fields(source: dict[str, Any]) -> dict[str, Any]:
    """The indexed fields of a worker, all derived from its stored source (so a replay or a copy
    between engines can rebuild a document from what the index holds)."""
    skills = source.get("skills", [])
    occupations = source.get("occupations", [])
    region = source["region"]
    wage = source.get("wage_expectation")
    text = " ".join(
        [s["name"] for s in skills]
        + [s.get("canonical") or canonical(s["name"]) for s in skills]
        + [o["name"] for o in occupations]
        + [canonical(o["name"]) for o in occupations]
        + [f"{c['occupation']} {LEVEL_LABELS_ZH[SkillLevel(c['level'])]}" for c in source.get("certificates", [])]
        + [a["name"] for a in source.get("awards", [])]
        + [a["title"] for a in source.get("achievements", [])]
    )
    fields: dict[str, Any] = {
        "matchable": bool(source.get("matchable")),
        "level": SkillLevel(source["skill_level"]).rank,
        "modes": list((source.get("availability") or {}).get("modes") or [m.value for m in DEFAULT_MODES]),
        "region": region,
        "city": city_of(region),
        "province": province_of(region),
        "open_regions": _unique(list(source.get("open_regions", []))),
        "skills": _unique([s.get("canonical") or canonical(s["name"]) for s in skills]),
        "occupations": _unique([code for o in occupations for code in occupation_codes(o.get("code"), o["name"])]),
        "agency_id": [source["agency_id"]] if source.get("agency_id") else [],
        "text": text,
        "experience": float(source.get("experience_years") or 0),
        "updated": epoch(_datetime(source.get("updated_at"))),
    }
    wage_month = monthly_equivalent(wage["min"], wage["unit"]) if wage else None
    if wage_month is not None:
        fields["wage_month"] = float(wage_month)
    return fields


def doc_from_source(kind: Kind, doc_id: str, version: int, source: dict[str, Any]) -> IndexDoc:
    """Rebuild an index document from a stored source (copying between indexes)."""
    fields = worker_fields(source) if kind is Kind.workers else posting_fields(source)
    return IndexDoc(doc_id, version, fields, source)


def worker_source(worker: WorkerUpserted, matchable: bool, modes: list[str]) -> dict[str, Any]:
    data = worker.model_dump(mode="json")
    return {
        "id": worker.id,
        "version": worker.version,
        "name": mask_name(worker.name),
        "region": worker.region,
        "occupations": data["occupations"],
        "skill_level": worker.skill_level.value,
        "skills": [{**s, "canonical": canonical(s["name"])} for s in data["skills"]],
        "certificates": [
            {
                "occupation": c["occupation"],
                "level": c["level"],
                "number": mask_certificate_number(c["number"]),
                "issuer": c.get("issuer"),
                "issued_on": c.get("issued_on"),
                "verified": c["verified"],
            }
            for c in data["certificates"]
        ],
        "awards": data["awards"],
        "achievements": data["achievements"],
        "experience_years": worker.experience_years,
        "availability": data["availability"] or {"modes": modes, "hours_per_week": None, "available_from": None},
        "wage_expectation": data["wage_expectation"],
        "open_regions": list(worker.open_regions),
        "agency_id": worker.agency_id,
        "matchable": matchable,
        "status": worker.status.value,
        "updated_at": data["updated_at"],
    }


def worker_summary(source: dict[str, Any]) -> dict[str, Any]:
    """A worker as a hit shows it: no contact, masked name and certificate numbers, no agency."""
    return {
        "id": source["id"],
        "name": mask_name(source.get("name") or "*"),
        "region": source.get("region"),
        "occupations": source.get("occupations", []),
        "skill_level": source.get("skill_level"),
        "skills": [{k: s.get(k) for k in ("name", "proficiency", "years")} for s in source.get("skills", [])],
        "certificates": [
            {**{k: c.get(k) for k in ("occupation", "level", "issuer", "issued_on", "verified")},
             "number": mask_certificate_number(c.get("number"))}
            for c in source.get("certificates", [])
        ],
        "awards": source.get("awards", []),
        "achievements": source.get("achievements", []),
        "experience_years": source.get("experience_years"),
        "availability": source.get("availability"),
        "wage_expectation": source.get("wage_expectation"),
        "open_regions": source.get("open_regions", []),
        "updated_at": source.get("updated_at"),
    }


def worker_view(source: dict[str, Any]) -> WorkerView:
    availability = source.get("availability") or {}
    return WorkerView(
        id=source["id"],
        level=SkillLevel(source["skill_level"]),
        region=source.get("region"),
        open_regions=tuple(source.get("open_regions", ())),
        modes=tuple(availability.get("modes") or (m.value for m in DEFAULT_MODES)),
        skills=tuple(
            SkillHeld(s["name"], s.get("canonical") or canonical(s["name"]), s.get("proficiency"), float(s.get("years") or 0))
            for s in source.get("skills", ())
        ),
        occupation_chains=tuple(
            tuple(chain) for o in source.get("occupations", ()) if (chain := occupation_codes(o.get("code"), o["name"]))
        ),
        occupation_names=tuple(canonical(o["name"]) for o in source.get("occupations", ())),
        certificates=tuple(
            CertificateHeld(canonical_certificate(c["occupation"]), SkillLevel(c["level"]) if c.get("level") else None,
                            bool(c.get("verified")))
            for c in source.get("certificates", ())
        ),
        awards=tuple(AwardHeld(a["tier"], a.get("rank"), a["year"]) for a in source.get("awards", ())),
        achievements=tuple(AchievementHeld(a["kind"], a["year"]) for a in source.get("achievements", ())),
        experience_years=source.get("experience_years"),
        hours_per_week=availability.get("hours_per_week"),
        available_from=_date(availability.get("available_from")),
        wage=source.get("wage_expectation"),
        updated_at=_datetime(source.get("updated_at")),
    )


# --- postings ----------------------------------------------------------------------------------


def posting_doc(posting: PostingUpserted) -> IndexDoc:
    """The index document of a posting (matchable only while `open`, which a filter checks)."""
    data = posting.model_dump(mode="json")
    source = {k: v for k, v in data.items() if k not in ("created_at",)}
    source["skills"] = [{**s, "canonical": canonical(s["name"])} for s in data["skills"]]
    return IndexDoc(posting.id, posting.version, posting_fields(source), source)


def closed_posting_doc(current: IndexDoc | dict[str, Any], closed: PostingClosed, version: int) -> IndexDoc:
    """The held posting with the status its closing gave it, at the closing event's version."""
    source = dict(current.source if isinstance(current, IndexDoc) else current)
    source.update(status=closed.status.value, version=version,
                  updated_at=closed.closed_at.isoformat(), closed_reason=closed.reason)
    return IndexDoc(closed.id, version, posting_fields(source), source)


def posting_fields(source: dict[str, Any]) -> dict[str, Any]:
    skills = source.get("skills") or []
    occupation = source.get("occupation")
    occupations = occupation_codes(occupation.get("code"), occupation["name"]) if occupation else []
    min_level = source.get("min_skill_level")
    fields: dict[str, Any] = {
        "status": source["status"],
        "org_id": source["org_id"],
        "kind": source["kind"],
        "min_level": SkillLevel(min_level).rank if min_level else 0,
        "region": source["region"],
        "city": city_of(source["region"]),
        "province": province_of(source["region"]),
        "remote_ok": bool(source.get("remote_ok")),
        "skills": _unique([canonical(s["name"]) for s in skills]),
        "required_skills": _unique([canonical(s["name"]) for s in skills if s.get("required", True)]),
        "occupations": occupations,
        "text": " ".join(
            [source.get("title") or "", source.get("description") or ""]
            + [s["name"] for s in skills]
            + [canonical(s["name"]) for s in skills]
            + ([occupation["name"], canonical(occupation["name"])] if occupation else [])
        ),
        "headcount": int(source.get("headcount") or 1),
        "deadline": epoch(_date(source.get("deadline"))),
        "updated": epoch(_datetime(source.get("updated_at"))),
    }
    wage_month = wage_midpoint_month(source.get("wage"), source.get("duration_days"))
    if wage_month is not None:
        fields["wage_month"] = float(wage_month)
    return fields


def posting_summary(source: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "org_id", "kind", "title", "occupation", "min_skill_level", "certificates", "headcount", "wage",
            "region", "remote_ok", "start_on", "duration_days", "deadline", "status", "updated_at")
    summary = {k: source.get(k) for k in keys}
    summary["description"] = (source.get("description") or "")[:DESCRIPTION_IN_HITS]
    summary["skills"] = [{k: s.get(k) for k in ("name", "min_proficiency", "required")} for s in source.get("skills", [])]
    return summary


def posting_view(source: dict[str, Any]) -> PostingView:
    occupation = source.get("occupation")
    return PostingView(
        id=source["id"],
        org_id=source.get("org_id"),
        kind=source.get("kind"),
        min_level=SkillLevel(source["min_skill_level"]) if source.get("min_skill_level") else None,
        region=source.get("region"),
        remote_ok=bool(source.get("remote_ok")),
        skills=tuple(
            SkillWanted(s["name"], s.get("canonical") or canonical(s["name"]), int(s.get("min_proficiency") or 1),
                        bool(s.get("required", True)))
            for s in source.get("skills", ())
        ),
        occupation_chain=tuple(occupation_codes(occupation.get("code"), occupation["name"])) if occupation else (),
        occupation_name=canonical(occupation["name"]) if occupation else None,
        certificates=tuple(_unique([canonical_certificate(c) for c in source.get("certificates", ())])),
        wage=source.get("wage"),
        start_on=_date(source.get("start_on")),
        duration_days=source.get("duration_days"),
        updated_at=_datetime(source.get("updated_at")),
        status=source.get("status", "open"),
        title=source.get("title") or "",
    )


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _datetime(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)
