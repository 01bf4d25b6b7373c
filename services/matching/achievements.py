"""The skill achievement database: workers' achievements (patents, process innovations, named work
methods) and skills-competition awards, searchable as their own thing (`POST /v1/search/achievements`).

They are fields of the worker's index document (`achievement_kinds`, `achievement_years`,
`achievement_text`, see `documents.worker_fields`), not documents of their own: a worker's
achievements then share its document's life — its version guard, its `matchable` flag (consent and
an active profile) and its erasure — with nothing extra to keep in step, on every adapter
(docs/matching.md says more). The index finds the workers who hold a fitting achievement; each
achievement of theirs is then checked against the criteria one by one (a worker with a 2015 patent
and a 2023 award is found for "patents of 2020–2024" by the document, but neither item fits it), and
every fitting one is a hit of its own, scored and explained here, pointing to the masked worker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.common import taxonomy
from services.common.contracts import LEVEL_LABELS_ZH, Name, RegionPrefix, SkillLevel, check_region, mask_name
from services.matching.domain import language_of
from services.matching.index import Filter, IndexHit, Kind, Range, SearchIndex, SearchQuery, Terms
from services.matching.index.textcut import default_cutter
from services.matching.synonyms import canonical, occupation_codes

AchievementKindFilter = Literal["patent", "process_innovation", "work_method", "other", "award"]

KIND_ZH = {"patent": "专利", "process_innovation": "工艺革新", "work_method": "命名操作法", "other": "技能成果", "award": "竞赛获奖"}
KIND_EN = {"patent": "patent", "process_innovation": "process innovation", "work_method": "named work method",
           "other": "skill achievement", "award": "competition award"}
TIER_ZH = {"national": "全国", "provincial": "省级", "city": "市级", "enterprise": "企业"}
# How much an item says about its holder, before the text: a patent most, a national award as much.
KIND_MERIT = {"patent": 1.0, "process_innovation": 0.85, "work_method": 0.85, "other": 0.5}
TIER_MERIT = {"national": 1.0, "provincial": 0.8, "city": 0.55, "enterprise": 0.4}
# Shares of the score: how well the title fits the text, what kind of item it is, how recent.
WEIGHTS_WITH_TEXT = {"text": 0.6, "merit": 0.25, "recency": 0.15}
WEIGHTS_WITHOUT_TEXT = {"text": 0.0, "merit": 0.6, "recency": 0.4}
RECENT_YEARS = 5  # an item this recent counts fully; older ones fade to 0.3 over 20 years
DEPTH = 400  # workers the index returns for one search (each may hold several fitting items)


class AchievementSearch(BaseModel):
    """Achievements and awards of matchable workers, by occupation, region, kind, year and text."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field("", max_length=200, description="words of the title (technical problem, method, product)")
    occupation: Name | None = Field(None, description="the holder's occupation: a code (6-18-02-04, or a group like 6-18) or a name")
    region: RegionPrefix | None = Field(None, description="the holder's region: a 2-, 4- or 6-digit GB/T 2260 code")
    kinds: list[AchievementKindFilter] = Field(default_factory=list, max_length=5,
                                               description="any of these kinds; `award` is a skills-competition award")
    year_from: int | None = Field(None, ge=1950, le=2100, description="from this year on")
    year_to: int | None = Field(None, ge=1950, le=2100, description="up to this year")
    limit: int = Field(20, ge=1, le=100)

    @field_validator("region")
    @classmethod
    def _known_region(cls, region: str | None) -> str | None:
        return check_region(region) if region else region

    @field_validator("occupation")
    @classmethod
    def _known_occupation(cls, occupation: str | None) -> str | None:
        if occupation and occupation[0].isdigit() and taxonomy.occupation(occupation) is None:
            raise ValueError(f"unknown occupation code {occupation!r} (职业分类大典 2022)")
        return occupation

    @model_validator(mode="after")
    def _years_ordered(self) -> AchievementSearch:
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError("year_from must not be after year_to")
        return self


def _occupation_chain(occupation: str) -> list[str]:
    if occupation[0].isdigit():
        return list(taxonomy.ancestors(occupation))
    return occupation_codes(None, occupation)


def achievement_query(body: AchievementSearch, depth: int = DEPTH) -> SearchQuery:
    """Matchable workers holding at least one achievement or award that may fit."""
    filters: list[Filter] = [Terms("matchable", (True,)),
                             Range("achievement_years", gte=body.year_from or 1950, lte=body.year_to or 2100)]
    if body.kinds:
        filters.append(Terms("achievement_kinds", tuple(dict.fromkeys(body.kinds))))
    if body.region:
        filters.append(Terms({6: "region", 4: "city", 2: "province"}[len(body.region)], (body.region,)))
    if body.occupation:
        chain = _occupation_chain(body.occupation)
        # an occupation by a name the classification lacks: the trade held, under its canonical name
        filters.append(Terms("occupations", (chain[0],)) if chain else Terms("skills", (canonical(body.occupation),)))
    return SearchQuery(tuple(filters), body.text, require_relevance=bool(body.text), limit=depth,
                       text_field="achievement_text")


def _items(source: dict[str, Any]) -> list[dict[str, Any]]:
    items = [{"kind": a["kind"], "title": a["title"], "year": a["year"]} for a in source.get("achievements", ())]
    items += [{"kind": "award", "title": a["name"], "year": a["year"], "tier": a["tier"], "rank": a.get("rank")}
              for a in source.get("awards", ())]
    return items


def _merit(item: dict[str, Any]) -> float:
    if item["kind"] != "award":
        return KIND_MERIT.get(item["kind"], 0.5)
    rank = item.get("rank")
    by_rank = 1.0 if rank is not None and rank <= 3 else 0.85 if rank is not None and rank <= 10 else 0.7
    return TIER_MERIT.get(item.get("tier"), 0.4) * by_rank


def _recency(year: int, this_year: int) -> float:
    age = this_year - year
    if age <= RECENT_YEARS:
        return 1.0
    return max(0.3, 1.0 - 0.7 * (age - RECENT_YEARS) / 20)


def _summary(item: dict[str, Any], matched: list[str], worker: dict[str, Any], language: str) -> str:
    occupations = [o["name"] for o in worker.get("occupations", ())]
    level = worker.get("skill_level")
    if language == "en":
        what = KIND_EN[item["kind"]]
        if item["kind"] == "award":
            what = f"{item.get('tier')} {what}" + (f", rank {item['rank']}" if item.get("rank") else "")
        parts = [f"{what}, {item['year']}"]
        if matched:
            parts.insert(0, "title names " + ", ".join(f"“{w}”" for w in matched))
        holder = " / ".join(occupations) or "a skilled worker"
        parts.append(f"held by {holder} ({level.replace('_', ' ')})" if level else f"held by {holder}")
        return "; ".join(parts)
    what = KIND_ZH[item["kind"]]
    if item["kind"] == "award":
        what = f"{TIER_ZH.get(item.get('tier'), '')}{what}" + (f"第{item['rank']}名" if item.get("rank") else "")
    parts = [f"{item['year']}年{what}"]
    if matched:
        parts.insert(0, "标题含" + "、".join(f"“{w}”" for w in matched))
    holder = "、".join(occupations) or "技能人才"
    level_zh = LEVEL_LABELS_ZH[SkillLevel(level)] if level else ""
    parts.append(f"持有人为{holder}" + (f"（{level_zh}）" if level_zh else ""))
    return "，".join(parts)


def holder_summary(source: dict[str, Any]) -> dict[str, Any]:
    """The holder as an achievement hit shows it: masked name, no contact, no certificate numbers."""
    return {
        "id": source["id"],
        "name": mask_name(source.get("name") or "*"),
        "region": source.get("region"),
        "occupations": source.get("occupations", []),
        "skill_level": source.get("skill_level"),
        "skills": [s["name"] for s in source.get("skills", ())],
        "certificates": [{k: c.get(k) for k in ("occupation", "level", "verified")} for c in source.get("certificates", ())],
        "experience_years": source.get("experience_years"),
    }


def rank_achievements(hits: list[IndexHit], body: AchievementSearch, now: dt.datetime,
                      language: str = "zh") -> list[dict[str, Any]]:
    """Every achievement or award of the found workers that fits the criteria, scored, best first."""
    words = default_cutter.query_tokens(body.text) if body.text else []
    weights = WEIGHTS_WITH_TEXT if words else WEIGHTS_WITHOUT_TEXT
    kinds = set(body.kinds)
    low, high = body.year_from or 1950, body.year_to or 2100
    scored: list[tuple[float, int, str, dict[str, Any]]] = []
    for hit in hits:
        source = hit.source
        if not source.get("matchable"):
            continue  # the filter keeps them out; a stale copy must not slip through either
        for position, item in enumerate(_items(source)):
            if (kinds and item["kind"] not in kinds) or not low <= item["year"] <= high:
                continue
            title_words = set(default_cutter.index_text(item["title"]).split())
            matched = [w for w in words if w in title_words]
            if words and not matched:
                continue
            factors = {
                "text": weights["text"] * (len(matched) / len(words) if words else 0.0),
                "merit": weights["merit"] * _merit(item),
                "recency": weights["recency"] * _recency(item["year"], now.year),
            }
            factors = {name: round(value, 4) for name, value in factors.items()}
            score = round(min(1.0, sum(factors.values())), 4)
            explanation = {"factors": factors, "matched_terms": matched,
                           "summary": _summary(item, matched, source, language)}
            hit_item = {"achievement": item, "worker_id": hit.id, "score": score, "explanation": explanation,
                        "worker": holder_summary(source)}
            scored.append((score, item["year"], f"{hit.id}:{position}", hit_item))
    scored.sort(key=lambda entry: (-entry[0], -entry[1], entry[2]))
    return [entry[3] for entry in scored[: body.limit]]


def search_achievements(index: SearchIndex, body: AchievementSearch, now: dt.datetime,
                        language: str = "zh") -> list[dict[str, Any]]:
    hits = index.search(Kind.workers, achievement_query(body))
    return rank_achievements(hits, body, now, language)


__all__ = ["AchievementSearch", "achievement_query", "holder_summary", "language_of", "rank_achievements",
           "search_achievements"]
