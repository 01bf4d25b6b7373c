"""Skills (and an occupation) a posting or profile names only in its free text, added when its
structured skills are few, so a posting written as prose still finds and ranks the right trades.

When an index document is built (`documents.py`), a posting with fewer than `posting_few` skills
gets what enrichment (`vocabulary.enrich`) finds in its title and description; a worker with fewer
than `worker_few` skills gets what it finds in the profile's free text — the names it wrote that the
synonym groups do not fold (a skill such as 补焊, an occupation without a code), its achievements'
titles and its awards' names (DESIGN's worker has no self-description field). A negated mention
(不要求焊工证) adds nothing: enrichment reports it under `negated`. What is added is stored in the
document's source under `inferred` (`{"skills": [{"name", "canonical", "confidence", "span"}],
"occupation": {"code", "name", "confidence"} | None}`), so a replay or a copy between engines
rebuilds the same document without enriching again, and ranking can count those skills at a
discount (`Weights.inferred`) and say in its explanation which skills were inferred.

The thresholds are settings (`MATCHING_ENRICH_*`); `configure` is called by the app at start-up,
because documents are built by several loops (ingest, replay) that take no settings of their own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from services.matching.synonyms import canonical, groups, normalize, occupation_code

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enrichment:
    """When and what enrichment adds to an index document (see the module docstring)."""

    enabled: bool = True
    posting_few: int = 2  # a posting with fewer structured skills is enriched from its text
    worker_few: int = 2  # a profile with fewer structured skills is enriched from its free text
    min_confidence: float = 0.7  # skills enrichment is less sure of are not added
    min_occupation_confidence: float = 0.5  # an occupation inferred only from skills scores ~0.5-0.8
    max_skills: int = 8  # at most this many inferred skills per document (best first)


_settings = Enrichment()


def configure(enrichment: Enrichment) -> None:
    """Set how documents are enriched (the app calls this once, before any loop starts)."""
    global _settings
    _settings = enrichment
    _enriched.cache_clear()


def warm_up() -> None:
    """Load enrichment's tokenizer before the loops start, when documents are enriched at all: the
    first batch of ingest would otherwise wait seconds for it (the app calls this at start-up)."""
    if _settings.enabled:
        from services.matching.vocabulary.enrich import warm_up as load_tokenizer

        load_tokenizer()


def current() -> Enrichment:
    return _settings


def _enrich(text: str) -> dict[str, Any]:
    # Imported here: jieba and the vocabulary load only where enrichment is used.
    from services.matching.vocabulary.enrich import enrich

    return enrich(text)


# Postings' texts only: a profile's text is a person's, and erasure must reach every copy, caches too.
_enriched = lru_cache(maxsize=4096)(_enrich)


def _from_text(text: str, structured: list[str], *, occupation_known: bool, cached: bool) -> dict[str, Any] | None:
    settings = _settings
    text = text.strip()
    if not text:
        return None
    try:
        found = (_enriched if cached else _enrich)(text[:4000])
    except Exception:  # noqa: BLE001 - enrichment is an extra: a document is indexed without it
        log.exception("enrichment failed; the document is indexed with its structured skills only")
        return None
    have = {canonical(name) for name in structured}
    skills: list[dict[str, Any]] = []
    for item in found["skills"]:
        folded = canonical(item["name"])
        if item["confidence"] < settings.min_confidence or folded in have:
            continue
        have.add(folded)
        skills.append({"name": item["name"], "canonical": folded, "confidence": item["confidence"],
                       "span": item["span"]["text"]})
        if len(skills) >= settings.max_skills:
            break
    occupation = None
    if not occupation_known:
        best = next((o for o in found["occupations"] if o["confidence"] >= settings.min_occupation_confidence), None)
        if best is not None:
            occupation = {"code": best["code"], "name": best["name"], "confidence": best["confidence"]}
    if not skills and occupation is None:
        return None
    return {"skills": skills, "occupation": occupation, "vocabulary_version": found.get("vocabulary_version")}


@lru_cache(maxsize=1)
def _known_names() -> frozenset[str]:
    """Every name the synonym groups know: such a skill is folded already, its text adds nothing."""
    return frozenset(normalize(name) for group in groups() for name in (group.canonical, *group.aliases))


def for_posting(data: dict[str, Any]) -> dict[str, Any] | None:
    """What a posting's title and description add (None: enough structured skills, or nothing found)."""
    settings = _settings
    skills = data.get("skills") or []
    if not settings.enabled or len(skills) >= settings.posting_few:
        return None
    text = "\n".join(filter(None, [data.get("title") or "", data.get("description") or ""]))
    return _from_text(text, [s["name"] for s in skills], occupation_known=bool(data.get("occupation")), cached=True)


def for_worker(data: dict[str, Any]) -> dict[str, Any] | None:
    """What a profile's free text adds (None: enough structured skills, or nothing found)."""
    settings = _settings
    skills = data.get("skills") or []
    if not settings.enabled or len(skills) >= settings.worker_few:
        return None
    occupations = data.get("occupations") or []
    free = [s["name"] for s in skills if normalize(s["name"]) not in _known_names()]  # names no group knows
    free += [o["name"] for o in occupations if not occupation_code(o.get("code"), o["name"])]
    free += [a["title"] for a in data.get("achievements") or ()]
    free += [a["name"] for a in data.get("awards") or ()]
    if not free:
        return None
    known = any(occupation_code(o.get("code"), o["name"]) for o in occupations)
    return _from_text("；".join(free), [s["name"] for s in skills], occupation_known=known, cached=False)


def skills_of(source: dict[str, Any]) -> list[dict[str, Any]]:
    """The inferred skills a stored source holds ([] when none)."""
    inferred = source.get("inferred")
    return list(inferred.get("skills") or ()) if inferred else []


def occupation_of(source: dict[str, Any]) -> dict[str, Any] | None:
    inferred = source.get("inferred")
    return inferred.get("occupation") if inferred else None


__all__ = ["Enrichment", "configure", "current", "for_posting", "for_worker", "occupation_of", "skills_of"]
