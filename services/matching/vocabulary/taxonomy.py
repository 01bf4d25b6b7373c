"""Taxonomy over the 2022 classification and the shipped skilled-trades vocabulary.

- `suggest_occupations(q, limit)`: typeahead over codes, official names, colloquial names, their
  full pinyin and pinyin initials (`hg` → 焊工), best first.
- `occupation_detail(code)`: ancestors, colloquial names, typical skills, related occupations by
  skill overlap (the shared skills and their count given).
- `suggest_skills(q, limit)`: canonical skills with synonyms, permits and occupations.
- `changes(old, new)`: the change feed between two vocabulary versions, computed from their files.

The data is loaded once (`vocabulary()`), the answers are cached per query.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from services.common import taxonomy as classification

DATA = Path(__file__).resolve().parents[1] / "data"
CURRENT_FILE = DATA / "vocabulary.json"
MAX_LIMIT = 50

_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"^[0-9][0-9-]*$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), no spaces, lower case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True, slots=True)
class Certificate:
    id: str
    kind: str
    category: str
    item: str
    authority: str
    basis: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "category": self.category, "item": self.item,
                "authority": self.authority, "basis": self.basis}


@dataclass(frozen=True, slots=True)
class Skill:
    name: str
    kind: str  # "skill", "operation" (a permit licenses it) or "trade" (version 1.0.0 only)
    synonyms: tuple[str, ...]
    certificates: tuple[str, ...]
    occupations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Occupation:
    code: str
    name: str
    level: str
    parent_code: str | None
    aliases: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Key:
    key: str
    rank: int  # lower is better: how the key was made
    code: str
    term: str
    how: str


@dataclass
class Vocabulary:
    version: str
    released: str
    skills: dict[str, Skill]
    occupations: dict[str, Occupation]  # every entry of the classification, vocabulary or not
    certificates: dict[str, Certificate]
    pinyin: dict[str, tuple[str, ...]]  # term → (full, initials[, full, initials as the trades say it])
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded name → ("skill"|"occupation", id)
    _occupation_keys: list[_Key] = field(default_factory=list)
    _skill_keys: list[_Key] = field(default_factory=list)
    _occupation_written: list[_Key] = field(default_factory=list)
    _skill_written: list[_Key] = field(default_factory=list)

    def skill_by_term(self, term: str) -> Skill | None:
        found = self.terms.get(normalize(term))
        return self.skills[found[1]] if found and found[0] == "skill" else None

    def occupation_by_term(self, term: str) -> Occupation | None:
        found = self.terms.get(normalize(term))
        return self.occupations[found[1]] if found and found[0] == "occupation" else None


def _keys(code: str, names: list[tuple[str, str, int]], pinyin: dict[str, tuple[str, ...]]) -> list[_Key]:
    out = []
    for term, how, rank in names:
        out.append(_Key(normalize(term), rank, code, term, how))
        readings = pinyin.get(term, ())
        for i in range(0, len(readings) - 1, 2):  # pypinyin's reading, then the trades' one if different
            full, initials = readings[i], readings[i + 1]
            if full:
                out.append(_Key(full, rank + 10, code, term, "pinyin"))
            if initials and len(initials) > 1:
                out.append(_Key(initials, rank + 20, code, term, "initials"))
    return out


def load(path: Path) -> Vocabulary:
    data = json.loads(path.read_text(encoding="utf-8"))
    pinyin = {term: tuple(v) for term, v in data.get("pinyin", {}).items()}
    certificates = {c["id"]: Certificate(**c) for c in data["certificates"]}
    skills = {
        s["name"]: Skill(s["name"], s["kind"], tuple(s["synonyms"]), tuple(s["certificates"]), tuple(s["occupations"]))
        for s in data["skills"]
    }
    extra = {o["code"]: o for o in data["occupations"]}
    occupations: dict[str, Occupation] = {}
    for code, entry in classification.occupations().items():
        more = extra.get(code, {})
        occupations[code] = Occupation(code, entry.name, entry.level, entry.parent_code,
                                       tuple(more.get("aliases", ())), tuple(more.get("skills", ())))
    vocabulary = Vocabulary(data["version"], data["released"], skills, occupations, certificates, pinyin)
    level_rank = {"occupation": 0, "job_type": 1, "small": 2, "mid": 3, "major": 4}
    keys: list[_Key] = []
    for occ in occupations.values():
        bias = level_rank.get(occ.level, 4)
        if occ.level in ("occupation", "job_type"):
            vocabulary.terms.setdefault(normalize(occ.name), ("occupation", occ.code))
        for alias in occ.aliases:
            vocabulary.terms.setdefault(normalize(alias), ("occupation", occ.code))
        names = [(occ.name, "name", bias)] + [(a, "alias", 5 + bias) for a in occ.aliases]
        keys += _keys(occ.code, names, pinyin)
    vocabulary._occupation_keys = sorted(keys, key=lambda k: k.key)
    skill_keys: list[_Key] = []
    for skill in skills.values():
        for name in (skill.name, *skill.synonyms):
            vocabulary.terms.setdefault(normalize(name), ("skill", skill.name))
        names = [(skill.name, "name", 0)] + [(s, "synonym", 5) for s in skill.synonyms]
        skill_keys += _keys(skill.name, names, pinyin)
    vocabulary._skill_keys = sorted(skill_keys, key=lambda k: k.key)
    vocabulary._occupation_written = _written(vocabulary._occupation_keys)
    vocabulary._skill_written = _written(vocabulary._skill_keys)
    return vocabulary


@cache
def vocabulary() -> Vocabulary:
    """The current vocabulary (data/vocabulary.json)."""
    return load(CURRENT_FILE)


@cache
def version_file(version: str) -> Path | None:
    """The file of a shipped version: the current one or data/vocabulary-<version>.json."""
    if version == vocabulary().version:
        return CURRENT_FILE
    path = DATA / f"vocabulary-{version}.json"
    return path if re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version) and path.exists() else None


def versions() -> list[str]:
    found = {vocabulary().version}
    for path in DATA.glob("vocabulary-*.json"):
        found.add(path.stem.removeprefix("vocabulary-"))
    return sorted(found, key=lambda v: tuple(int(p) for p in v.split(".")))


# --- typeahead -----------------------------------------------------------------------------------


def _prefix_hits(keys: list[_Key], query: str) -> list[_Key]:
    lo = bisect.bisect_left(keys, query, key=lambda k: k.key)
    out = []
    for item in keys[lo:]:
        if not item.key.startswith(query):
            break
        out.append(item)
    return out


def _score(item: _Key, query: str) -> tuple[int, int, int, str]:
    exact = 0 if item.key == query else 1
    return (exact, item.rank, len(item.term), item.code)


def _written(keys: list[_Key]) -> list[_Key]:
    """The keys made of written names (not pinyin) with CJK in them: the infix scan's list."""
    return [k for k in keys if k.how in ("name", "alias", "synonym") and _CJK.search(k.key)]


def _search(keys: list[_Key], written: list[_Key], query: str, limit: int) -> list[tuple[_Key, str]]:
    """Best key per id: prefix hits first (exact before longer), then infix hits on Chinese names."""
    best: dict[str, tuple[tuple, _Key, str]] = {}
    for item in _prefix_hits(keys, query):
        score = _score(item, query)
        if item.code not in best or score < best[item.code][0]:
            best[item.code] = (score, item, item.how)
    if len(best) < limit and _CJK.search(query):
        for item in written:
            if query in item.key and not item.key.startswith(query):
                score = (2, item.rank, len(item.term), item.code)
                if item.code not in best or score < best[item.code][0]:
                    best[item.code] = (score, item, item.how)
    ranked = sorted(best.values(), key=lambda v: v[0])[:limit]
    return [(item, how) for _, item, how in ranked]


def clamp_limit(limit: int | None, default: int = 10) -> int:
    return max(1, min(MAX_LIMIT, default if limit is None else limit))


@lru_cache(maxsize=4096)
def _suggest_occupations(query: str, limit: int) -> tuple[dict[str, Any], ...]:
    vocab = vocabulary()
    if not query:
        return ()
    if _CODE.match(query):
        codes = sorted(c for c in vocab.occupations if c.startswith(query))
        codes.sort(key=lambda c: (c != query, c.count("-") != 3, c))
        return tuple(_occupation_hit(vocab.occupations[c], c, "code") for c in codes[:limit])
    return tuple(_occupation_hit(vocab.occupations[item.code], item.term, how)
                 for item, how in _search(vocab._occupation_keys, vocab._occupation_written, query, limit))


def _occupation_hit(occ: Occupation, matched: str, how: str) -> dict[str, Any]:
    return {"code": occ.code, "name": occ.name, "level": occ.level, "matched": matched, "match": how}


def suggest_occupations(q: str, limit: int | None = 10) -> list[dict[str, Any]]:
    """Occupations whose code, name, colloquial name or its pinyin starts with `q` (Chinese: contains)."""
    return [dict(hit) for hit in _suggest_occupations(normalize(q)[:50], clamp_limit(limit))]


def _skill_view(skill: Skill, vocab: Vocabulary) -> dict[str, Any]:
    return {
        "name": skill.name,
        "kind": skill.kind,
        "synonyms": list(skill.synonyms),
        "certificates": [vocab.certificates[c].as_dict() for c in skill.certificates if c in vocab.certificates],
        "occupations": [{"code": c, "name": vocab.occupations[c].name} for c in skill.occupations
                        if c in vocab.occupations],
    }


@lru_cache(maxsize=4096)
def _suggest_skills(query: str, limit: int) -> tuple[dict[str, Any], ...]:
    vocab = vocabulary()
    if not query:
        return ()
    out = []
    for item, how in _search(vocab._skill_keys, vocab._skill_written, query, limit):
        view = _skill_view(vocab.skills[item.code], vocab)
        view.update(matched=item.term, match=how)
        out.append(view)
    return tuple(out)


def suggest_skills(q: str, limit: int | None = 10) -> list[dict[str, Any]]:
    """Canonical skills whose name, synonym or its pinyin starts with `q` (Chinese: contains)."""
    return [dict(hit) for hit in _suggest_skills(normalize(q)[:50], clamp_limit(limit))]


def skill(name: str) -> dict[str, Any] | None:
    vocab = vocabulary()
    found = vocab.skill_by_term(name)
    return _skill_view(found, vocab) if found else None


# --- an occupation and its neighbours ------------------------------------------------------------


@cache
def _occupations_by_skill() -> dict[str, tuple[str, ...]]:
    return {name: s.occupations for name, s in vocabulary().skills.items()}


@lru_cache(maxsize=4096)
def related_occupations(code: str, limit: int = 10) -> tuple[dict[str, Any], ...]:
    """Occupations sharing typical skills with `code`, most shared first (Jaccard breaks ties)."""
    vocab = vocabulary()
    occ = vocab.occupations.get(code)
    if occ is None or not occ.skills:
        return ()
    mine = set(occ.skills)
    shared: dict[str, set[str]] = {}
    for name in mine:
        for other in _occupations_by_skill().get(name, ()):
            if other != code:
                shared.setdefault(other, set()).add(name)
    ranked = []
    for other, common in shared.items():
        theirs = set(vocab.occupations[other].skills)
        jaccard = len(common) / len(mine | theirs)
        ranked.append((-len(common), -jaccard, other, common, jaccard))
    ranked.sort()
    return tuple(
        {"code": other, "name": vocab.occupations[other].name, "overlap": len(common),
         "shared_skills": sorted(common, key=list(occ.skills).index), "jaccard": round(jaccard, 3)}
        for _, _, other, common, jaccard in ranked[:limit]
    )


def occupation_detail(code: str) -> dict[str, Any] | None:
    """An occupation with its ancestors, colloquial names, typical skills and related occupations."""
    vocab = vocabulary()
    occ = vocab.occupations.get(code.strip())
    if occ is None:
        return None
    chain = classification.ancestors(occ.code)[1:]
    return {
        "code": occ.code,
        "name": occ.name,
        "level": occ.level,
        "ancestors": [{"code": c, "name": vocab.occupations[c].name, "level": vocab.occupations[c].level}
                      for c in chain if c in vocab.occupations],
        "aliases": list(occ.aliases),
        "skills": [_skill_view(vocab.skills[s], vocab) for s in occ.skills if s in vocab.skills],
        "related": [dict(r) for r in related_occupations(occ.code)],
        "vocabulary_version": vocab.version,
    }


# --- change feed ---------------------------------------------------------------------------------


def changes(old: Vocabulary, new: Vocabulary) -> dict[str, Any]:
    """What changed from `old` to `new`: skills added, removed or changed, occupations' names and skills."""

    def diff(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str]]:
        return [x for x in b if x not in a], [x for x in a if x not in b]

    added = [name for name in new.skills if name not in old.skills]
    removed = [name for name in old.skills if name not in new.skills]
    changed = []
    for name, after in new.skills.items():
        before = old.skills.get(name)
        if before is None:
            continue
        entry: dict[str, Any] = {"name": name}
        for attr in ("synonyms", "certificates", "occupations"):
            plus, minus = diff(getattr(before, attr), getattr(after, attr))
            if plus:
                entry[f"{attr}_added"] = plus
            if minus:
                entry[f"{attr}_removed"] = minus
        if before.kind != after.kind:
            entry["kind"] = {"from": before.kind, "to": after.kind}
        if len(entry) > 1:
            changed.append(entry)
    occupations = []
    for code in sorted(set(new.occupations) | set(old.occupations)):
        before_occ, after_occ = old.occupations.get(code), new.occupations.get(code)
        a_aliases = before_occ.aliases if before_occ else ()
        b_aliases = after_occ.aliases if after_occ else ()
        a_skills = before_occ.skills if before_occ else ()
        b_skills = after_occ.skills if after_occ else ()
        entry = {"code": code, "name": (after_occ or before_occ).name}
        for attr, (a, b) in {"aliases": (a_aliases, b_aliases), "skills": (a_skills, b_skills)}.items():
            plus, minus = diff(a, b)
            if plus:
                entry[f"{attr}_added"] = plus
            if minus:
                entry[f"{attr}_removed"] = minus
        if len(entry) > 2:
            occupations.append(entry)
    return {
        "from": old.version,
        "to": new.version,
        "released": new.released,
        "skills": {"added": added, "removed": removed, "changed": changed},
        "occupations": occupations,
        "summary": {"skills_added": len(added), "skills_removed": len(removed), "skills_changed": len(changed),
                    "occupations_changed": len(occupations)},
    }


@lru_cache(maxsize=16)
def change_feed(since: str, until: str | None = None) -> dict[str, Any] | None:
    """The change feed between two shipped versions (until: the current one); None for an unknown version."""
    until = until or vocabulary().version
    old_path, new_path = version_file(since), version_file(until)
    if old_path is None or new_path is None:
        return None
    old = vocabulary() if old_path == CURRENT_FILE else load(old_path)
    new = vocabulary() if new_path == CURRENT_FILE else load(new_path)
    return changes(old, new)


__all__ = [
    "Certificate", "Occupation", "Skill", "Vocabulary", "change_feed", "changes", "clamp_limit", "load",
    "normalize", "occupation_detail", "related_occupations", "skill", "suggest_occupations", "suggest_skills",
    "versions", "vocabulary",
]
