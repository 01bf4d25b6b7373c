"""Index documents of the matching service: events in, `IndexDoc`s out, and stored sources back
into the views the ranking reads.

A worker's document carries the fields of `search.FIELDS[Kind.workers]` (what the hard filters and
relevance need) and a stored `source` (what ranking and hits need). The source never holds contact
data (the events don't carry it) nor the worker's precise location, and the name and certificate
numbers are stored already masked, so no hit can reveal them whatever code path serves it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter

from services.common import taxonomy
from services.common.contracts import (
    LEVEL_LABELS_ZH,
    LOCATION_DECIMALS,
    AchievementKind,
    AvailabilityMode,
    AwardTier,
    SkillLevel,
    WageUnit,
    WorkerStatus,
    city_of,
    mask_certificate_number,
    mask_name,
    province_of,
)
from services.common.events import PostingClosed, PostingUpserted, WorkerUpserted
from services.common.taxonomy import valid_region
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
from services.matching import inferred
from services.matching.index import IndexDoc, Kind
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
    return list(dict.fromkeys(filter(None, values)))


# --- workers -----------------------------------------------------------------------------------


def worker_doc(worker: WorkerUpserted) -> IndexDoc:
    """The index document of a worker; `matchable` only with matching consent and an active profile."""
    return worker_doc_of(worker.model_dump(mode="json"))


def worker_doc_of(data: dict[str, Any]) -> IndexDoc:
    """The index document of a worker from its event data in the models' JSON form (what
    `WorkerUpserted.model_dump(mode="json")` or `read_worker_upserted` gives; taken over, not copied)."""
    source = _worker_source(data)
    return IndexDoc(source["id"], source["version"], worker_fields(source), source)


_LEVEL_RANK = {level.value: level.rank for level in SkillLevel}
_LEVEL_ZH = {level.value: LEVEL_LABELS_ZH[level] for level in SkillLevel}
_DEFAULT_MODES = [m.value for m in DEFAULT_MODES]


def level_rank(level: str) -> int:
    """SkillLevel(level).rank, by a dict lookup (ValueError for an unknown level, as the enum)."""
    try:
        return _LEVEL_RANK[level]
    except (KeyError, TypeError):
        return SkillLevel(level).rank


def worker_fields(source: dict[str, Any]) -> dict[str, Any]:
    """The indexed fields of a worker, all derived from its stored source (so a replay or a copy
    between engines can rebuild a document from what the index holds)."""
    skills = source.get("skills", [])
    occupations = source.get("occupations", [])
    region = source["region"]
    wage = source.get("wage_expectation")
    skill_names = [s.get("canonical") or canonical(s["name"]) for s in skills]
    skill_names += [s["canonical"] for s in inferred.skills_of(source)]  # from free text (inferred.py)
    occupation_names = [o["name"] for o in occupations]
    guessed = inferred.occupation_of(source)
    if guessed:
        occupations = [*occupations, guessed]
    words = [s["name"] for s in skills]
    words += skill_names
    words += occupation_names
    words += [canonical(name) for name in occupation_names]
    words += [f"{c['occupation']} {_LEVEL_ZH.get(c['level']) or LEVEL_LABELS_ZH[SkillLevel(c['level'])]}"
              for c in source.get("certificates", ())]
    words += [a["name"] for a in source.get("awards", ())]
    words += [a["title"] for a in source.get("achievements", ())]
    text = " ".join(words)
    fields: dict[str, Any] = {
        "matchable": bool(source.get("matchable")),
        "level": level_rank(source["skill_level"]),
        "modes": list((source.get("availability") or {}).get("modes") or _DEFAULT_MODES),
        "region": region,
        "city": city_of(region),
        "province": province_of(region),
        "open_regions": _unique(list(source.get("open_regions", []))),
        # what the formula counts as held: skills, the trades of occupations and of certificates
        # (canonical names, so synonyms are folded here, at index time, once)
        "skills": _unique(skill_names + [canonical(name) for name in occupation_names]
                          + [canonical_certificate(c["occupation"]) for c in source.get("certificates", ())]),
        "occupations": _unique([code for o in occupations for code in occupation_codes(o.get("code"), o["name"])]),
        "agency_id": [source["agency_id"]] if source.get("agency_id") else [],
        "text": text,
        # the skill achievement database: its achievements and awards, searchable on their own
        "achievement_kinds": _unique([a["kind"] for a in source.get("achievements", ())]
                                     + (["award"] if source.get("awards") else [])),
        "achievement_years": sorted({a["year"] for a in (*source.get("achievements", ()), *source.get("awards", ()))}),
        "achievement_text": " ".join([a["title"] for a in source.get("achievements", ())]
                                     + [a["name"] for a in source.get("awards", ())]),
        "experience": float(source.get("experience_years") or 0),
        "updated": epoch(_datetime(source.get("updated_at"))),
    }
    wage_month = monthly_equivalent(wage["min"], wage["unit"]) if wage else None
    if wage_month is not None:
        fields["wage_month"] = float(wage_month)
    return fields


def doc_from_source(kind: Kind, doc_id: str, version: int, source: dict[str, Any]) -> IndexDoc:
    """Rebuild an index document from a stored source (copying between indexes)."""
    if kind is Kind.courses:
        from services.matching.courses.documents import doc_from_course_source  # courses/ imports this module

        return doc_from_course_source(doc_id, version, source)
    fields = worker_fields(source) if kind is Kind.workers else posting_fields(source)
    return IndexDoc(doc_id, version, fields, source)


def _worker_source(data: dict[str, Any]) -> dict[str, Any]:
    matchable = bool(data["matchable"] and data["consent"]["matching"] and data["status"] == "active")
    availability = data["availability"]
    for skill in data["skills"]:
        skill["canonical"] = canonical(skill["name"])
    source = {
        "id": data["id"],
        "version": data["version"],
        "name": mask_name(data["name"]),
        "region": data["region"],
        "occupations": data["occupations"],
        "skill_level": data["skill_level"],
        "skills": data["skills"],
        "certificates": [
            {
                "occupation": c["occupation"],
                "level": c["level"],
                "number": mask_certificate_number(c["number"]),
                "issuer": c["issuer"],
                "issued_on": c["issued_on"],
                "verified": c["verified"],
            }
            for c in data["certificates"]
        ],
        "awards": data["awards"],
        "achievements": data["achievements"],
        "experience_years": data["experience_years"],
        "availability": availability or {"modes": list(_DEFAULT_MODES), "hours_per_week": None, "available_from": None},
        "wage_expectation": data["wage_expectation"],
        "open_regions": data["open_regions"],
        "agency_id": data["agency_id"],
        "matchable": matchable,
        "status": data["status"],
        "updated_at": data["updated_at"],
    }
    added = inferred.for_worker(data)
    if added:
        source["inferred"] = added
    return source


# --- the fast reader of worker.upserted ---------------------------------------------------------
#
# Ingest reads a million profiles at ≥ 20,000 a second; validating each with the pydantic models and
# dumping it back to JSON form cost ~100 µs of the ~250 µs an event took. The producer is the profiles
# outbox, which wrote models it had validated, so this reader checks the same rules with plain type
# and range tests and builds the data exactly as `WorkerUpserted.model_validate(d).model_dump(mode="json")`
# would. Whatever it is not sure of (a type, a value out of range, stray whitespace, an unknown key in
# a nested object, an unusual date format) it declines, and the caller validates with the models,
# which accept it or name the error (→ DLQ). A unit test holds the two to the same output.


class Declined(Exception):
    """The fast reader does not vouch for this data: validate it with the event models instead."""


_MODES = frozenset(m.value for m in AvailabilityMode)
_UNITS = frozenset(u.value for u in WageUnit)
_TIERS = frozenset(t.value for t in AwardTier)
_ACHIEVEMENT_KINDS = frozenset(k.value for k in AchievementKind)
_STATUSES = frozenset(s.value for s in WorkerStatus)
_OCCUPATION_CODE = re.compile(r"\d(?:-\d{2}){1,3}(?:-\d{2})?\Z", re.ASCII)
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z", re.ASCII)
_DATETIME = TypeAdapter(dt.datetime)
_OCCUPATION_KEYS = frozenset({"code", "name"})
_SKILL_KEYS = frozenset({"name", "proficiency", "years"})
_CERTIFICATE_KEYS = frozenset({"occupation", "level", "number", "issuer", "issued_on", "verified"})
_AWARD_KEYS = frozenset({"name", "tier", "rank", "year"})
_ACHIEVEMENT_KEYS = frozenset({"kind", "title", "year"})
_AVAILABILITY_KEYS = frozenset({"modes", "hours_per_week", "available_from"})
_WAGE_KEYS = frozenset({"min", "max", "unit"})
_CONSENT_KEYS = frozenset({"matching", "share_contact"})
_LOCATION_KEYS = frozenset({"lat", "lon"})


def _iso_date(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is not str or not _DATE.match(value):
        raise Declined
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise Declined from None
    return value


_DATETIME_SIMPLE = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})\Z", re.ASCII)


def read_datetime(value: Any) -> str:
    """A datetime string as the models dump it (2026-11-20T08:00:00+00:00 → 2026-11-20T08:00:00Z)."""
    if type(value) is not str:
        raise Declined
    simple = _DATETIME_SIMPLE.match(value)
    if simple is not None:  # the usual form, formatted here as pydantic does (a test holds them equal)
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise Declined from None
        whole, _fraction, offset = simple.groups()
        if offset in ("Z", "+00:00", "-00:00"):
            offset = "Z"
        if moment.microsecond:
            return f"{whole}.{moment.microsecond:06d}{offset}"
        return f"{whole}{offset}"
    try:
        return _DATETIME.dump_python(_DATETIME.validate_python(value), mode="json")
    except ValueError:
        raise Declined from None


_REGION_OK: dict[str, bool] = {}  # a few thousand real codes; bounded against junk all the same


def _region_ok(code: Any, lengths: tuple[int, ...]) -> bool:
    if type(code) is not str or len(code) not in lengths:
        return False
    ok = _REGION_OK.get(code)
    if ok is None:
        ok = code.isascii() and code.isdigit() and valid_region(code)
        if len(_REGION_OK) < 50_000:
            _REGION_OK[code] = ok
    return ok


@lru_cache(maxsize=8192)
def _known_occupation_code(code: str) -> bool:
    return len(code) <= 16 and bool(_OCCUPATION_CODE.match(code)) and taxonomy.occupation(code) is not None


def _name_ok(value: Any, max_length: int = 100) -> bool:
    """Name/Text: a string already stripped, 1..max_length long, without NUL."""
    return type(value) is str and 0 < len(value) <= max_length and value == value.strip() and "\x00" not in value


def _year_ok(value: Any) -> bool:
    return type(value) is int and 1950 <= value <= 2100


def _number_ok(value: Any, low: float, high: float) -> bool:
    return (type(value) is int or type(value) is float) and low <= value <= high


def _list_ok(value: Any, max_length: int) -> bool:
    return (type(value) is list and len(value) <= max_length) or value is _ABSENT


def read_worker_upserted(data: Any) -> dict[str, Any]:
    """`WorkerUpserted.model_validate(data).model_dump(mode="json")` for the data the profiles outbox
    writes (version 3, or version 2, whose upcast masks and rounds the same way), without the
    models; raises `Declined` for anything it does not vouch for."""
    if type(data) is not dict:
        raise Declined
    get = data.get
    name, region, worker_id, version, matchable = get("name"), get("region"), get("id"), get("version"), get("matchable")
    if not (_name_ok(name) and _region_ok(region, (6,)) and type(worker_id) is str and worker_id == worker_id.strip()
            and type(version) is int and type(matchable) is bool):
        raise Declined
    # fields with a default: absent → the default; null only where the model allows it
    occupations, skill_level, skills = get("occupations", _ABSENT), get("skill_level", "junior"), get("skills", _ABSENT)
    certificates, awards, achievements = get("certificates", _ABSENT), get("awards", _ABSENT), get("achievements", _ABSENT)
    experience, open_regions = get("experience_years", 0), get("open_regions", _ABSENT)
    consent = get("consent", _NO_CONSENT)
    status = get("status", "active")
    if not (_list_ok(occupations, 10) and _list_ok(skills, 50) and _list_ok(certificates, 30) and _list_ok(awards, 30)
            and _list_ok(achievements, 30) and _list_ok(open_regions, 50)
            and type(skill_level) is str and skill_level in _LEVEL_RANK and type(status) is str and status in _STATUSES
            and _number_ok(experience, 0, 70) and type(consent) is dict and consent.keys() <= _CONSENT_KEYS):
        raise Declined
    matching, share_contact = consent.get("matching", False), consent.get("share_contact", False)
    if type(matching) is not bool or type(share_contact) is not bool:
        raise Declined
    out_occupations = []
    for item in occupations:
        if type(item) is not dict or not item.keys() <= _OCCUPATION_KEYS:
            raise Declined
        code, occupation_name = item.get("code"), item.get("name")
        if not _name_ok(occupation_name) or (code is not None and (type(code) is not str or not _known_occupation_code(code))):
            raise Declined
        out_occupations.append({"code": code, "name": occupation_name})
    out_skills = []
    for item in skills:
        if type(item) is not dict or not item.keys() <= _SKILL_KEYS:
            raise Declined
        skill_name, proficiency, years = item.get("name"), item.get("proficiency"), item.get("years", 0)
        if not (_name_ok(skill_name) and type(proficiency) is int and 1 <= proficiency <= 5 and _number_ok(years, 0, 70)):
            raise Declined
        out_skills.append({"name": skill_name, "proficiency": proficiency, "years": years})
    out_certificates = []
    for item in certificates:
        if type(item) is not dict or not item.keys() <= _CERTIFICATE_KEYS:
            raise Declined
        number, issuer, verified, level = item.get("number"), item.get("issuer"), item.get("verified", False), item.get("level")
        if not (_name_ok(item.get("occupation")) and type(level) is str and level in _LEVEL_RANK
                and _name_ok(number, 40) and (issuer is None or _name_ok(issuer)) and type(verified) is bool):
            raise Declined
        out_certificates.append({"occupation": item["occupation"], "level": level, "number": number, "issuer": issuer,
                                 "issued_on": _iso_date(item.get("issued_on")), "verified": verified})
    out_awards = []
    for item in awards:
        if type(item) is not dict or not item.keys() <= _AWARD_KEYS:
            raise Declined
        rank, tier, year = item.get("rank"), item.get("tier"), item.get("year")
        if not (_name_ok(item.get("name"), 200) and type(tier) is str and tier in _TIERS and _year_ok(year)
                and (rank is None or (type(rank) is int and 1 <= rank <= 1000))):
            raise Declined
        out_awards.append({"name": item["name"], "tier": tier, "rank": rank, "year": year})
    out_achievements = []
    for item in achievements:
        if type(item) is not dict or not item.keys() <= _ACHIEVEMENT_KEYS:
            raise Declined
        kind, year = item.get("kind"), item.get("year")
        if not (type(kind) is str and kind in _ACHIEVEMENT_KINDS and _name_ok(item.get("title"), 200) and _year_ok(year)):
            raise Declined
        out_achievements.append({"kind": kind, "title": item["title"], "year": year})
    availability = get("availability")
    if availability is not None:
        if type(availability) is not dict or not availability.keys() <= _AVAILABILITY_KEYS:
            raise Declined
        modes, hours = availability.get("modes"), availability.get("hours_per_week")
        if (type(modes) is not list or not 0 < len(modes) <= 4 or not all(type(m) is str and m in _MODES for m in modes)
                or len(set(modes)) != len(modes) or (hours is not None and (type(hours) is not int or not 1 <= hours <= 84))):
            raise Declined
        availability = {"modes": list(modes), "hours_per_week": hours,
                        "available_from": _iso_date(availability.get("available_from"))}
    wage = get("wage_expectation")
    if wage is not None:
        if type(wage) is not dict or not wage.keys() <= _WAGE_KEYS:
            raise Declined
        low, high, unit = wage.get("min"), wage.get("max"), wage.get("unit")
        if not (_number_ok(low, 0, 10_000_000) and _number_ok(high, 0, 10_000_000) and high >= low
                and type(unit) is str and unit in _UNITS):
            raise Declined
        wage = {"min": low, "max": high, "unit": unit}
    location = get("location")
    if location is not None:
        if type(location) is not dict or location.keys() != _LOCATION_KEYS:
            raise Declined
        lat, lon = location["lat"], location["lon"]
        if not (_number_ok(lat, -90, 90) and _number_ok(lon, -180, 180)):
            raise Declined
        location = {"lat": round(lat, LOCATION_DECIMALS), "lon": round(lon, LOCATION_DECIMALS)}  # as the v3 model
    agency_id = get("agency_id")
    if agency_id is not None and (type(agency_id) is not str or not _ID.match(agency_id)):
        raise Declined
    if not all(_region_ok(r, (2, 4, 6)) for r in open_regions):
        raise Declined
    return {
        "name": mask_name(name),  # as the v3 model (idempotent on v3 data, which comes masked)
        "region": region,
        "location": location,
        "occupations": out_occupations,
        "skill_level": skill_level,
        "skills": out_skills,
        "certificates": out_certificates,
        "awards": out_awards,
        "achievements": out_achievements,
        "experience_years": experience,
        "availability": availability,
        "wage_expectation": wage,
        "open_regions": list(open_regions),
        "consent": {"matching": matching, "share_contact": share_contact},
        "agency_id": agency_id,
        "status": status,
        "id": worker_id,
        "version": version,
        "created_at": read_datetime(get("created_at")),
        "updated_at": read_datetime(get("updated_at")),
        "matchable": matchable,
    }


_NO_CONSENT: dict[str, bool] = {}
_ABSENT: tuple = ()  # a list field left out: its default, the empty list


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
        inferred_skills=tuple(s["canonical"] for s in inferred.skills_of(source)),
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
    added = inferred.for_posting(data)
    if added:
        source["inferred"] = added
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
    guessed = inferred.occupation_of(source)
    if not occupations and guessed:
        occupations = occupation_codes(guessed["code"], guessed["name"])
    added = [s["canonical"] for s in inferred.skills_of(source)]  # the text asks for them: count as required
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
        "skills": _unique([canonical(s["name"]) for s in skills] + added),
        "required_skills": _unique([canonical(s["name"]) for s in skills if s.get("required", True)] + added),
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
    summary["inferred_skills"] = [s["name"] for s in inferred.skills_of(source)]
    return summary


def posting_view(source: dict[str, Any]) -> PostingView:
    occupation = source.get("occupation") or inferred.occupation_of(source)
    wanted = tuple(
        SkillWanted(s["name"], s.get("canonical") or canonical(s["name"]), int(s.get("min_proficiency") or 1),
                    bool(s.get("required", True)))
        for s in source.get("skills", ())
    )
    wanted += tuple(SkillWanted(s["name"], s["canonical"], 1, True, inferred=True) for s in inferred.skills_of(source))
    return PostingView(
        id=source["id"],
        org_id=source.get("org_id"),
        kind=source.get("kind"),
        min_level=SkillLevel(source["min_skill_level"]) if source.get("min_skill_level") else None,
        region=source.get("region"),
        remote_ok=bool(source.get("remote_ok")),
        skills=wanted,
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
