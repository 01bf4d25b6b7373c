"""What matching does with courses: find them, and answer a worker's growth path (gaps for a
posting, the open courses that close them, the next rung). Course events are folded into the index
by matching's own ingest (`handlers.change_of` → `courses.documents`), in the `matching-courses` group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from services.common.contracts import SkillLevel
from services.matching.courses.documents import course_summary
from services.matching.courses.domain import (
    NICE_TO_HAVE,
    CourseSearch,
    Language,
    Question,
    Scored,
    Wanted,
    level_label,
    open_course_filters,
    reach_filter,
    score,
    search_filters,
    today_in_china,
    wanted_keys,
    worker_reach,
)
from services.matching.index import AnyOf, Filter, IndexHit, Kind, Range, SearchIndex, SearchQuery, Terms
from services.matching.vocabulary.growth import growth

SEARCH_DEPTH = 200  # courses read from the index before the formula orders them


# --- search -----------------------------------------------------------------------------------------


def _ranked(hits: Sequence[IndexHit], question: Question, today: dt.date, language: Language,
            limit: int, *, keep=lambda scored: True) -> list[tuple[Scored, IndexHit]]:
    best = max((hit.relevance for hit in hits), default=0.0)
    scored = []
    for hit in hits:
        result = score(hit.source, question, today, language, text_share=hit.relevance / best if best > 0 else 0.0)
        if keep(result):
            scored.append((result, hit))
    scored.sort(key=lambda pair: (-pair[0].score, str(pair[1].source.get("start_on") or ""), pair[1].id))
    return [(result.summarised(hit.source, today, language), hit) for result, hit in scored[:limit]]


def course_hit(result: Scored, hit: IndexHit) -> dict[str, Any]:
    return {"course_id": hit.id, "score": result.score, "explanation": result.explanation,
            "course": course_summary(hit.source)}


def search_courses(index: SearchIndex, body: CourseSearch, now: dt.datetime, language: Language,
                   worker: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Open courses by the body's filters, ranked by the course formula. A worker searching without
    a region sees on-site courses in its own reach (and remote ones)."""
    today = today_in_china(now)
    reach = worker_reach(worker) if worker is not None and not body.region else None
    filters, words = search_filters(body, today, reach)
    keys = wanted_keys(body.skills)
    query = SearchQuery(tuple(filters), words, tuple(("skills", k) for k in keys), require_relevance=bool(words),
                        limit=max(SEARCH_DEPTH, body.limit))
    hits = index.search(Kind.courses, query)
    question = Question(
        wanted=tuple(Wanted.of(name) for name in dict.fromkeys(body.skills)),
        level=body.level.value if body.level else None,
        home=body.region or (worker or {}).get("region") if (body.region or reach is not None) else None,
        open_regions=tuple((worker or {}).get("open_regions") or ()) if reach is not None else (),
        text=bool(words),
    )
    return [course_hit(r, h) for r, h in _ranked(hits, question, today, language, body.limit)]


# --- growth -----------------------------------------------------------------------------------------


def open_postings_counter(index: SearchIndex, now: dt.datetime):
    """How many open postings a worker of a level (and of these occupations, when it has any) qualifies for."""
    from services.matching.handlers import open_posting_filters  # the postings' own definition of open

    def count(level: str, codes: list[str]) -> int:
        filters: list[Filter] = [*open_posting_filters(now), Range("min_level", lte=SkillLevel(level).rank)]
        if codes:
            filters.append(Terms("occupations", tuple(dict.fromkeys(codes))))
        return index.count(Kind.postings, filters)

    return count


def _question(worker: dict[str, Any], answer: dict[str, Any]) -> Question:
    gaps = answer.get("gaps")
    current = answer["level"]["current"]
    wanted: list[Wanted] = []
    target: str | None
    if gaps is not None:
        for gap in gaps["skills"]:
            wanted.append(Wanted.of(gap["canonical"], names=[gap["name"], *gap.get("synonyms", ())],
                                    min_proficiency=gap["min_proficiency"], weight=1.0 if gap["required"] else NICE_TO_HAVE))
        named = {w.label for w in wanted}
        for gap in gaps["permits"]:  # an operation already wanted as a skill counts once
            if gap["operation"] not in named:
                wanted.append(Wanted.of(gap["operation"], kind="permit"))
                named.add(gap["operation"])
        for gap in gaps["certificates"]:  # a course teaching the trade or operation a certificate names
            if gap["canonical"] not in named:
                wanted.append(Wanted.of(gap["canonical"], names=[gap["name"]], kind="certificate"))
                named.add(gap["canonical"])
        target = gaps["level"]["required"] if gaps["level"] else None
    else:
        target = answer["next_rung"]["level"] if answer.get("next_rung") else None
    return Question(wanted=tuple(wanted), level=target, current_level=current, home=worker.get("region"),
                    open_regions=tuple(worker.get("open_regions") or ()))


def courses_for(index: SearchIndex, worker: dict[str, Any], question: Question, today: dt.date, language: Language,
                limit: int) -> list[dict[str, Any]]:
    """Open courses in the worker's reach that teach a wanted skill or prepare for a level on the way."""
    keys = tuple(dict.fromkeys(k for w in question.wanted for k in w.keys))
    closing: list[Filter] = []
    if keys:
        closing.append(Terms("skills", keys))
    if question.level:
        low = SkillLevel(question.current_level).rank + 1 if question.current_level else SkillLevel(question.level).rank
        closing.append(Range("level", gte=low, lte=SkillLevel(question.level).rank))
    if not closing:
        return []
    filters = (*open_course_filters(today), reach_filter(worker_reach(worker)), AnyOf(tuple(closing)))
    hits = index.search(Kind.courses, SearchQuery(filters, "", tuple(("skills", k) for k in keys),
                                                  limit=SEARCH_DEPTH))
    useful = lambda result: bool(result.closes) or result.explanation["factors"].get("level", 0) > 0  # noqa: E731
    out = []
    for result, hit in _ranked(hits, question, today, language, limit, keep=useful):
        item = course_hit(result, hit)
        item["closes"] = result.closes
        out.append(item)
    return out


def growth_path(index: SearchIndex, worker: dict[str, Any], posting: dict[str, Any] | None, now: dt.datetime,
                language: Language, *, limit: int = 10) -> dict[str, Any]:
    """The growth answer: gaps for the posting (when given), the next rung with the open postings it
    would unlock, and the open courses that close the gaps (or prepare for the next level), best first."""
    today = today_in_china(now)
    answer = growth(worker, posting, open_postings_counter(index, now), None, today, language=language)
    question = _question(worker, answer)
    answer["courses"] = courses_for(index, worker, question, today, language, limit)
    answer["summary"] = _summary(answer, posting, language)
    if posting is not None:
        answer["posting_id"] = posting.get("id")
    answer["worker_id"] = worker.get("id")
    return answer


def _summary(answer: dict[str, Any], posting: dict[str, Any] | None, language: Language) -> str:
    en = language == "en"
    parts: list[str] = []
    lacking: list[str] = []
    gaps = answer.get("gaps")
    if gaps is not None:
        title = (posting or {}).get("title") or ""
        lacking = [g["canonical"] for g in gaps["skills"] if g["required"]]
        lacking += [f"{level_label(gaps['level']['required'], language)}" + ("" if en else "等级")] if gaps["level"] else []
        lacking += [c["canonical"] + ("" if en else "证书") for c in gaps["certificates"]]
        lacking += [p["operation"] + (" permit" if en else "操作证") for p in gaps["permits"]]
        if not lacking:
            parts.append(f"meets every requirement of “{title}”" if en else f"已满足“{title}”的全部要求")
        else:
            parts.append((f"lacks for “{title}”: " + ", ".join(lacking)) if en else (f"距“{title}”还差：" + "、".join(lacking)))
    rung = answer.get("next_rung")
    if rung is None:
        parts.append("already at the top of the skill ladder" if en else "已是技能等级的最高一级")
    else:
        label = level_label(rung["level"], language)
        unlocks = (rung.get("unlocks") or {}).get("open_postings")
        if en:
            parts.append(f"next rung: {label}" + (f", which would open {unlocks} more open posting(s)" if unlocks else ""))
        else:
            parts.append(f"下一级：{label}" + (f"，可多符合{unlocks}个在招岗位" if unlocks else ""))
    count = len(answer.get("courses") or [])
    wanting = bool(lacking) if gaps is not None else rung is not None  # something a course could help with
    if not count and not wanting:
        return ("; " if en else "；").join(parts)
    if en:
        parts.append(f"{count} open course(s) would help" if count else "no open course in reach closes these gaps yet")
    else:
        parts.append(f"{count}门开放课程可帮助补足" if count else "暂无可参加的开放课程能补足这些差距")
    return ("; " if en else "；").join(parts)
