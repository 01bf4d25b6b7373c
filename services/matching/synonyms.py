"""Skill and trade synonyms, and the occupation hierarchy, as the matching service sees them.

Workers and employers name the same thing differently: 电焊工 and 焊工, TIG焊 and 氩弧焊, 维修电工
and 电工. Before anything is indexed or compared, a name is folded to one canonical name
(`canonical`), so an index lookup for 焊工 finds a worker who wrote 电焊工 and the ranking counts
the skill as covered. The groups live in `data/skill_synonyms.csv` (one group a line:
canonical name, kind `trade` or `skill`, aliases separated by `|`), where they can be extended
without touching code. Occupation codes come from the national classification in
`services.common.taxonomy`; a free-text trade without a code is resolved to a code when one of
its synonyms is the name of a classified occupation (电焊工 → 焊工 → 6-18-02-04).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from services.common import taxonomy

SYNONYMS_FILE = Path(__file__).parent / "data" / "skill_synonyms.csv"

_SPACES = re.compile(r"\s+")
# Certificates are written as 焊工证, 电工证书, 低压电工作业证 …: the trade is what matters.
_CERTIFICATE_SUFFIXES = ("职业资格证书", "职业技能等级证书", "资格证书", "资格证", "证书", "操作证", "上岗证", "证")


@dataclass(frozen=True, slots=True)
class SynonymGroup:
    canonical: str
    kind: str  # "trade" or "skill"
    aliases: tuple[str, ...]


def normalize(name: str) -> str:
    """Unicode-fold (full-width → half-width), drop spaces, lower-case Latin letters."""
    folded = unicodedata.normalize("NFKC", name)
    return _SPACES.sub("", folded).lower()


@cache
def groups() -> tuple[SynonymGroup, ...]:
    with SYNONYMS_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        aliases = tuple(a.strip() for a in (row["aliases"] or "").split("|") if a.strip())
        out.append(SynonymGroup(row["canonical"].strip(), row["kind"].strip(), aliases))
    return tuple(out)


@cache
def _alias_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for group in groups():
        for name in (group.canonical, *group.aliases):
            key = normalize(name)
            if key in mapping and mapping[key] != group.canonical:
                raise ValueError(f"{name!r} belongs to two synonym groups: {mapping[key]} and {group.canonical}")
            mapping[key] = group.canonical
    return mapping


@lru_cache(maxsize=65_536)
def canonical(name: str) -> str:
    """The canonical name of a skill or trade; an unknown name is returned normalised."""
    key = normalize(name)
    return _alias_map().get(key, key)


@lru_cache(maxsize=16_384)
def canonical_certificate(name: str) -> str:
    """The trade a certificate name stands for: 焊工证 → 焊工, 电工证书 → 电工, 低压电工作业证 → 电工."""
    key = normalize(name)
    if key in _alias_map():
        return _alias_map()[key]
    for suffix in _CERTIFICATE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return canonical(key[: -len(suffix)])
    return canonical(key)


def same(a: str, b: str) -> bool:
    return canonical(a) == canonical(b)


def names_in_group(name: str) -> tuple[str, ...]:
    """The canonical name and all its aliases (the name alone when it is in no group)."""
    target = canonical(name)
    for group in groups():
        if group.canonical == target:
            return (group.canonical, *group.aliases)
    return (target,)


@cache
def _occupation_codes_by_name() -> dict[str, str]:
    by_name: dict[str, str] = {}
    for entry in taxonomy.occupations().values():
        if entry.level == "occupation":
            by_name.setdefault(normalize(entry.name), entry.code)
    return by_name


def occupation_code(code: str | None, name: str) -> str | None:
    """The classified code of an occupation: the given one, or one found through the name's synonyms."""
    if code:
        return code
    by_name = _occupation_codes_by_name()
    for candidate in names_in_group(name):
        found = by_name.get(normalize(candidate))
        if found:
            return found
    return None


def occupation_codes(code: str | None, name: str) -> list[str]:
    """The code and all its ancestors (6-18-02-04 → 6-18-02, 6-18, 6), for hierarchical filters."""
    return list(_occupation_chain(code, name))


@lru_cache(maxsize=16_384)
def _occupation_chain(code: str | None, name: str) -> tuple[str, ...]:
    resolved = occupation_code(code, name)
    return tuple(taxonomy.ancestors(resolved)) if resolved else ()


def occupation_closeness(a: list[str], b: list[str]) -> float:
    """How close two occupations are in the hierarchy, from their ancestor chains (code first).

    1.0 the same occupation, 0.6 the same small group (小类), 0.3 the same middle group (中类), else 0.
    """
    if not a or not b:
        return 0.0
    if a[0] == b[0]:
        return 1.0
    shared = set(a) & set(b)
    depth = max((code.count("-") for code in shared), default=-1)
    return {2: 0.6, 1: 0.3}.get(depth, 0.0)


__all__ = [
    "SynonymGroup", "canonical", "canonical_certificate", "groups", "names_in_group", "normalize",
    "occupation_closeness", "occupation_code", "occupation_codes", "same",
]
