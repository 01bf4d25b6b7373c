"""Growth paths: what a worker lacks for a posting, and the next rung of the skill-level ladder.

`growth(worker, posting=None, open_postings_counter=None, courses=None, today=None)` is a pure
function over dicts shaped like the contract's WorkerFields and PostingFields (DESIGN §3):

- the gaps for a posting: required skills the worker does not have (compared through the
  vocabulary's synonyms: 二保焊 ≈ 二氧化碳保护焊, 电焊工 ≈ 焊工) or has below the minimum proficiency,
  the level gap, certificates the posting names that the worker does not hold, and permits
  (特种作业操作证, 特种设备作业人员证 …) that the posting's operations need;
- the next rung: each usual route to the next level with what is met and what is missing (years
  since the current level's certificate, the certificate itself), the competition route (which
  award tier and rank allows 破格/越级 evaluation, and whether the worker's awards qualify), the
  outstanding-worker route, and — with a counter callback — how many open postings it unlocks;
- with `courses` (dicts with `skills` [{name}] and optionally `level`), those that close a gap,
  the ones closing most first.

Texts are Chinese; with `language="en"` the rules' `text_en` and English level labels are used.

The rules live in data/growth_rules.json (sources in data/README.md), not in this code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from services.common.contracts import LEVEL_LABELS_ZH, LEVEL_ORDER, SkillLevel
from services.matching.vocabulary.taxonomy import Vocabulary, normalize, vocabulary

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "growth_rules.json"
_CERT_SUFFIXES = ("职业资格证书", "职业技能等级证书", "资格证书", "操作证", "上岗证", "资格证", "证书", "证")

OpenPostingsCounter = Callable[[str, list[str]], int]


@cache
def rules() -> dict[str, Any]:
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    levels = [step["level"] for step in data["ladder"]]
    if levels != [level.value for level in LEVEL_ORDER]:
        raise ValueError("growth_rules.json: the ladder must list every skill level in order")
    return data


def _rank(level: str | None) -> int:
    return SkillLevel(level).rank if level else -1


LEVEL_LABELS_EN = {
    SkillLevel.apprentice: "apprentice",
    SkillLevel.junior: "junior worker (level 5)",
    SkillLevel.intermediate: "intermediate worker (level 4)",
    SkillLevel.senior: "senior worker (level 3)",
    SkillLevel.technician: "technician (level 2)",
    SkillLevel.senior_technician: "senior technician (level 1)",
    SkillLevel.principal_technician: "principal technician",
    SkillLevel.chief_technician: "chief technician",
}


def _label(level: str | None, language: str = "zh") -> str | None:
    if not level:
        return None
    return LEVEL_LABELS_EN[SkillLevel(level)] if language == "en" else LEVEL_LABELS_ZH[SkillLevel(level)]


def _text(rule: dict[str, Any], language: str) -> str:
    return rule.get("text_en") or rule["text"] if language == "en" else rule["text"]


def _key(name: str, vocab: Vocabulary) -> tuple[str, str]:
    """What a written skill, trade or certificate name stands for in the vocabulary."""
    folded = normalize(name)
    found = vocab.terms.get(folded)
    if found is None:
        for suffix in _CERT_SUFFIXES:
            if folded.endswith(suffix) and len(folded) > len(suffix):
                found = vocab.terms.get(folded[: -len(suffix)])
                if found:
                    break
    return found if found else ("text", folded)


def _synonyms(key: tuple[str, str], vocab: Vocabulary) -> list[str]:
    kind, ident = key
    if kind == "skill":
        return [ident, *vocab.skills[ident].synonyms]
    if kind == "occupation":
        occ = vocab.occupations[ident]
        return [occ.name, *occ.aliases]
    return []


def _canonical(key: tuple[str, str], vocab: Vocabulary) -> str:
    kind, ident = key
    return vocab.occupations[ident].name if kind == "occupation" else ident


def _permit_view(cert_id: str, vocab: Vocabulary) -> dict[str, str]:
    return vocab.certificates[cert_id].as_dict()


def _held(worker: dict[str, Any], vocab: Vocabulary) -> set[tuple[str, str]]:
    """Everything the worker's certificates stand for: the trade or operation, and each permit id."""
    held: set[tuple[str, str]] = set()
    for cert in worker.get("certificates") or []:
        key = _key(cert.get("occupation") or "", vocab)
        held.add(key)
        if key[0] == "skill":
            held.update(("permit", c) for c in vocab.skills[key[1]].certificates)
    return held


def skill_gaps(worker: dict[str, Any], posting: dict[str, Any], vocab: Vocabulary | None = None) -> list[dict[str, Any]]:
    vocab = vocab or vocabulary()
    have: dict[tuple[str, str], int | None] = {}
    for skill in worker.get("skills") or []:
        key = _key(skill["name"], vocab)
        have[key] = max(have.get(key) or 0, int(skill.get("proficiency") or 0))
    for occ in worker.get("occupations") or []:
        if occ.get("code"):
            have.setdefault(("occupation", occ["code"]), None)
        if occ.get("name"):
            have.setdefault(_key(occ["name"], vocab), None)
    gaps = []
    for req in posting.get("skills") or []:
        key = _key(req["name"], vocab)
        needed = int(req.get("min_proficiency") or 1)
        entry = {"name": req["name"], "canonical": _canonical(key, vocab), "synonyms": _synonyms(key, vocab),
                 "min_proficiency": needed, "required": bool(req.get("required", True))}
        if key not in have:
            gaps.append({**entry, "have": None, "reason": "missing"})
        elif have[key] is not None and have[key] < needed:
            gaps.append({**entry, "have": have[key], "reason": "below_proficiency"})
    return gaps


def certificate_gaps(worker: dict[str, Any], posting: dict[str, Any], vocab: Vocabulary | None = None) -> dict[str, list]:
    """Certificates the posting names and permits its operations need that the worker does not hold."""
    vocab = vocab or vocabulary()
    held = _held(worker, vocab)
    missing_certificates = []
    for name in posting.get("certificates") or []:
        key = _key(name, vocab)
        permits = vocab.skills[key[1]].certificates if key[0] == "skill" else ()
        if key in held or any(("permit", p) in held for p in permits):
            continue
        missing_certificates.append({"name": name, "canonical": _canonical(key, vocab),
                                     "permits": [_permit_view(p, vocab) for p in permits]})
    named = {c["canonical"] for c in missing_certificates}
    missing_permits = []
    for req in posting.get("skills") or []:
        key = _key(req["name"], vocab)
        if key[0] != "skill" or not vocab.skills[key[1]].certificates or key[1] in named:
            continue
        permits = vocab.skills[key[1]].certificates
        if key in held or any(("permit", p) in held for p in permits):
            continue
        missing_permits.append({"operation": key[1], "permits": [_permit_view(p, vocab) for p in permits]})
    return {"certificates": missing_certificates, "permits": missing_permits}


def _years_since(issued_on: Any, today: dt.date) -> float | None:
    if not issued_on:
        return None
    day = issued_on if isinstance(issued_on, dt.date) else dt.date.fromisoformat(str(issued_on)[:10])
    return round((today - day).days / 365.25, 1)


def _certificate_at(worker: dict[str, Any], level: str) -> dict[str, Any] | None:
    found = [c for c in worker.get("certificates") or [] if c.get("level") == level]
    found.sort(key=lambda c: str(c.get("issued_on") or "9999"))
    return found[0] if found else None


def _route_view(route: dict[str, Any], worker: dict[str, Any], level: str, today: dt.date,
                language: str = "zh") -> dict[str, Any]:
    missing: list[str] = []
    view: dict[str, Any] = {"id": route["id"], "text": _text(route, language), "source": route["source"]}
    cert = _certificate_at(worker, level)
    if route.get("certificate_at_level"):
        view["certificate_required"] = {"level": level, "label": _label(level, language)}
        view["has_certificate"] = cert is not None
        if cert is None:
            missing.append("certificate")
    if route.get("years_since_certificate") is not None:
        needed = route["years_since_certificate"]
        since = _years_since(cert.get("issued_on"), today) if cert else None
        view.update(years_required=needed, years_counted=since)
        if since is None:
            missing.append("years_unknown" if cert else "years")
        elif since < needed:
            missing.append("years")
            view["years_to_go"] = round(needed - since, 1)
    if route.get("years_in_occupation") is not None:
        needed = route["years_in_occupation"]
        counted = float(worker.get("experience_years") or 0)
        view.update(years_required=needed, years_counted=counted)
        if counted < needed:
            missing.append("years")
            view["years_to_go"] = round(needed - counted, 1)
    if route.get("years_since_certificate") is None and route["id"] == "enterprise":
        missing.append("enterprise_evaluation")
    view["missing"] = missing
    view["met"] = not missing
    return view


def _competition_view(rule: dict[str, Any], worker: dict[str, Any], current: str, language: str = "zh") -> dict[str, Any]:
    rank = SkillLevel(current).rank
    target = max(rank + rule["levels_up"], SkillLevel(rule["promote_to_at_least"]).rank)
    target = min(target, SkillLevel(rule["cap"]).rank)
    qualifying = [
        a for a in worker.get("awards") or []
        if a.get("tier") == rule["tier"] and a.get("rank") is not None and a["rank"] <= rule["max_rank"]
    ]
    available = target > rank
    return {
        "tier": rule["tier"], "max_rank": rule["max_rank"], "text": _text(rule, language), "source": rule["source"],
        "promotes_to": LEVEL_ORDER[target].value if available else None,
        "promotes_to_label": _label(LEVEL_ORDER[target].value, language) if available else None,
        "skips_levels": max(0, target - rank - 1),
        "qualifying_awards": [{"name": a.get("name"), "rank": a["rank"], "year": a.get("year")} for a in qualifying]
        if available else [],
    }


def next_rung(
    worker: dict[str, Any],
    open_postings_counter: OpenPostingsCounter | None = None,
    today: dt.date | None = None,
    language: str = "zh",
) -> dict[str, Any] | None:
    """The next level, every route to it with what is met and missing, and the postings it unlocks."""
    today = today or dt.date.today()
    data = rules()
    current = worker.get("skill_level") or SkillLevel.junior.value
    step = next(s for s in data["ladder"] if s["level"] == current)
    if step["next"] is None:
        return None
    routes = [_route_view(r, worker, current, today, language) for r in step["routes"]]
    competition = [_competition_view(r, worker, current, language) for r in data["competition_route"]]
    competition = [c for c in competition if c["promotes_to"]]
    outstanding = data["outstanding_route"]
    achievements = [{"kind": a.get("kind"), "title": a.get("title"), "year": a.get("year")}
                    for a in worker.get("achievements") or []]
    out: dict[str, Any] = {
        "level": step["next"],
        "label": _label(step["next"], language),
        "routes": routes,
        "ready": any(r["met"] for r in routes) or any(c["qualifying_awards"] for c in competition),
        "competition_route": competition,
        "outstanding_route": {"text": _text(outstanding, language), "source": outstanding["source"],
                              "evidence": achievements},
        "sources": {key: data["sources"][key]["title"] for key in
                    {r["source"] for r in routes} | {c["source"] for c in competition} | {outstanding["source"]}},
    }
    if open_postings_counter is not None:
        codes = [o["code"] for o in worker.get("occupations") or [] if o.get("code")]
        now = open_postings_counter(current, codes)
        then = open_postings_counter(step["next"], codes)
        out["unlocks"] = {"open_postings": max(0, then - now), "open_postings_now": now,
                          "open_postings_at_next": then}
    return out


def _course_matches(courses: Iterable[dict[str, Any]], wanted: dict[tuple[str, str], str], next_level: str | None,
                    vocab: Vocabulary) -> list[dict[str, Any]]:
    ranked = []
    for course in courses:
        closes = sorted({wanted[k] for s in course.get("skills") or [] if (k := _key(s["name"], vocab)) in wanted})
        prepares = bool(next_level) and course.get("level") == next_level
        if closes or prepares:
            ranked.append((-len(closes), not prepares, str(course.get("id")), course, closes, prepares))
    ranked.sort(key=lambda r: r[:3])
    return [{"id": c.get("id"), "title": c.get("title"), "closes": closes, "prepares_for_next_level": prepares}
            for *_, c, closes, prepares in ranked]


def growth(
    worker: dict[str, Any],
    posting: dict[str, Any] | None = None,
    open_postings_counter: OpenPostingsCounter | None = None,
    courses: Iterable[dict[str, Any]] | None = None,
    today: dt.date | None = None,
    language: str = "zh",
) -> dict[str, Any]:
    vocab = vocabulary()
    current = worker.get("skill_level") or SkillLevel.junior.value
    out: dict[str, Any] = {"level": {"current": current, "label": _label(current, language)},
                           "rules_version": rules()["version"], "vocabulary_version": vocab.version}
    wanted: dict[tuple[str, str], str] = {}
    if posting is not None:
        skills = skill_gaps(worker, posting, vocab)
        certs = certificate_gaps(worker, posting, vocab)
        needed = posting.get("min_skill_level")
        level_gap = None
        if needed and _rank(needed) > _rank(current):
            level_gap = {"required": needed, "required_label": _label(needed, language), "have": current,
                         "rungs": _rank(needed) - _rank(current)}
        out["gaps"] = {
            "skills": skills,
            "level": level_gap,
            "certificates": certs["certificates"],
            "permits": certs["permits"],
            "ready": not [s for s in skills if s["required"]] and level_gap is None
            and not certs["certificates"] and not certs["permits"],
        }
        for gap in skills:
            wanted[_key(gap["name"], vocab)] = gap["canonical"]
        for gap in certs["permits"]:
            wanted[("skill", gap["operation"])] = gap["operation"]
    out["next_rung"] = next_rung(worker, open_postings_counter, today, language)
    if courses is not None:
        next_level = out["next_rung"]["level"] if out["next_rung"] else None
        out["courses"] = _course_matches(courses, wanted, next_level, vocab)
    return out


__all__ = ["certificate_gaps", "growth", "next_rung", "rules", "skill_gaps"]
