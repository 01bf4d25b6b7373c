"""Build the skilled-trades vocabulary that matching ships (services/matching/data/vocabulary*.json).

Sources (see services/matching/data/README.md for provenance and licences):
- vocab_occupations.csv: classified occupation code, colloquial names, typical skills (authored)
- vocab_skills.csv: canonical skill, kind (`skill`, or `operation` when a permit licenses it),
  synonyms and colloquial names, certificate ids (authored)
- vocab_certificates.csv: the permits: 特种作业操作证, 特种设备作业人员证, 建筑施工特种作业操作资格证
- skill_synonyms.csv: the 78 synonym groups matching had before; they make version 1.0.0
- services/common/data/occupations-2022.csv: the 2022 classification (CC BY 4.0)

Pinyin (full and initials) of every occupation name, alias, skill and synonym is computed here
with pypinyin and stored in the JSON, so the service needs no pinyin package at run time:

    pip install --target /tmp/pyp pypinyin==0.55.0
    PYTHONPATH=/tmp/pyp .venv/bin/python scripts/build_vocabulary.py          # writes the files
    PYTHONPATH=/tmp/pyp .venv/bin/python scripts/build_vocabulary.py --check  # fails when stale

The build refuses unknown occupation codes, unknown skill or certificate references, and a name
that would stand for two different things.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "services" / "matching" / "data"
CLASSIFICATION = ROOT / "services" / "common" / "data" / "occupations-2022.csv"
VERSION = "2.0.0"
RELEASED = "2026-12-03"
PREVIOUS = "1.0.0"
PREVIOUS_RELEASED = "2026-06-01"


def normalize(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()


def split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def classification() -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in read_csv(CLASSIFICATION)}


# How the trades say some words, where pypinyin's reading differs: a second reading is stored
# beside pypinyin's, so typing either finds the name (刨工: paogong or baogong).
TRADE_READINGS = {
    "刨": "bào",  # 刨床, 刨工, 刨削: the machine tool
    "行车": ["háng", "chē"],  # the overhead crane
    "给排水": ["jǐ", "pái", "shuǐ"],
    "给水": ["jǐ", "shuǐ"],
    "铣": "xǐ",
    "扳": "bān",
}


def _reading(term: str, lazy_pinyin, style) -> list[str]:
    return [s for s in lazy_pinyin(normalize(term), style=style, errors="default") if s.strip()]


def _full_and_initials(syllables: list[str]) -> list[str]:
    from pypinyin.contrib.tone_convert import to_normal

    plain = [to_normal(s) for s in syllables]
    full = re.sub(r"[^0-9a-z]", "", "".join(plain).lower())
    initials = "".join(s[0] for s in plain if s and s[0].isalnum()).lower()
    return [full, initials]


def pinyin_of(terms: set[str]) -> dict[str, list[str]]:
    """term → [full, initials] as pypinyin reads it, then [full, initials] as the trades say it if different."""
    from pypinyin import Style, lazy_pinyin, load_phrases_dict, load_single_dict  # build-time only

    first = {term: _full_and_initials(_reading(term, lazy_pinyin, Style.TONE)) for term in sorted(terms)}
    load_single_dict({ord(k): v for k, v in TRADE_READINGS.items() if len(k) == 1})
    load_phrases_dict({k: [[s] for s in v] for k, v in TRADE_READINGS.items() if len(k) > 1})
    out: dict[str, list[str]] = {}
    for term in sorted(terms):
        second = _full_and_initials(_reading(term, lazy_pinyin, Style.TONE))
        out[term] = first[term] + (second if second != first[term] else [])
    return out


class Terms:
    """Every name of the vocabulary, folded, must stand for one thing only."""

    def __init__(self) -> None:
        self.owner: dict[str, str] = {}
        self.errors: list[str] = []

    def claim(self, name: str, owner: str) -> None:
        key = normalize(name)
        if key in self.owner and self.owner[key] != owner:
            self.errors.append(f"{name!r} names both {self.owner[key]} and {owner}")
        self.owner.setdefault(key, owner)


def build_current(codes: dict[str, dict[str, str]]) -> dict:
    errors: list[str] = []
    certificates = read_csv(DATA / "vocab_certificates.csv")
    cert_ids = {c["id"] for c in certificates}
    skills_rows = read_csv(DATA / "vocab_skills.csv")
    skills: dict[str, dict] = {}
    for row in skills_rows:
        name = row["name"].strip()
        if name in skills:
            errors.append(f"skill {name!r} twice")
        certs = split(row["certificates"])
        errors += [f"skill {name!r}: unknown certificate {c!r}" for c in certs if c not in cert_ids]
        if row["kind"] not in ("skill", "operation"):
            errors.append(f"skill {name!r}: kind {row['kind']!r}")
        if row["kind"] == "operation" and not certs:
            errors.append(f"operation {name!r} names no certificate")
        skills[name] = {"name": name, "kind": row["kind"], "synonyms": split(row["synonyms"]),
                        "certificates": certs, "occupations": []}
    occupations = []
    for row in read_csv(DATA / "vocab_occupations.csv"):
        code = row["code"].strip()
        entry = codes.get(code)
        if entry is None or entry["level"] != "occupation":
            errors.append(f"occupation {code!r} is not a detailed occupation of the 2022 classification")
            continue
        typical = split(row["skills"])
        for skill in typical:
            if skill not in skills:
                errors.append(f"occupation {code}: unknown skill {skill!r}")
            elif code not in skills[skill]["occupations"]:
                skills[skill]["occupations"].append(code)
        occupations.append({"code": code, "aliases": split(row["aliases"]), "skills": typical})
    unused = [name for name, s in skills.items() if not s["occupations"]]
    errors += [f"skill {name!r} belongs to no occupation" for name in unused]
    if errors:
        raise SystemExit("\n".join(errors))
    return {"certificates": certificates, "skills": list(skills.values()), "occupations": occupations}


def build_previous(codes: dict[str, dict[str, str]]) -> dict:
    """Version 1.0.0: the 78 groups of skill_synonyms.csv as they were before this vocabulary."""
    by_name = {normalize(r["name"]): r["code"] for r in codes.values() if r["level"] == "occupation"}
    skills, occupations = [], []
    for row in read_csv(DATA / "skill_synonyms.csv"):
        names = [row["canonical"].strip(), *split(row["aliases"])]
        if row["kind"] == "trade":
            code = next((by_name[normalize(n)] for n in names if normalize(n) in by_name), None)
            if code is not None:
                official = codes[code]["name"]
                # an alias that is another classified occupation's name (管工, 模具工 …) is left out
                aliases = [n for n in names if n != official and normalize(n) not in by_name]
                occupations.append({"code": code, "aliases": aliases, "skills": []})
                continue
        skills.append({"name": names[0], "kind": row["kind"], "synonyms": names[1:], "certificates": [],
                       "occupations": []})
    return {"certificates": [], "skills": skills, "occupations": occupations}


def check_terms(vocabulary: dict, codes: dict[str, dict[str, str]]) -> None:
    terms = Terms()
    for entry in codes.values():
        if entry["level"] == "occupation":
            terms.claim(entry["name"], f"occupation {entry['code']}")
    for occ in vocabulary["occupations"]:
        for alias in occ["aliases"]:
            terms.claim(alias, f"occupation {occ['code']}")
    for skill in vocabulary["skills"]:
        for name in (skill["name"], *skill["synonyms"]):
            terms.claim(name, f"skill {skill['name']}")
    if terms.errors:
        raise SystemExit("\n".join(terms.errors))


def finish(vocabulary: dict, version: str, released: str, codes: dict[str, dict[str, str]]) -> dict:
    check_terms(vocabulary, codes)
    names: set[str] = {r["name"] for r in codes.values() if r["level"] in ("occupation", "small", "mid", "major")}
    for occ in vocabulary["occupations"]:
        names.update(occ["aliases"])
    for skill in vocabulary["skills"]:
        names.update([skill["name"], *skill["synonyms"]])
    return {"version": version, "released": released, "classification": "occupations-2022", **vocabulary,
            "pinyin": pinyin_of(names)}


def dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the shipped files differ from a fresh build")
    args = parser.parse_args(argv)
    codes = classification()
    outputs = {
        DATA / "vocabulary.json": finish(build_current(codes), VERSION, RELEASED, codes),
        DATA / f"vocabulary-{PREVIOUS}.json": finish(build_previous(codes), PREVIOUS, PREVIOUS_RELEASED, codes),
    }
    stale = []
    for path, data in outputs.items():
        text = dump(data)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{path.relative_to(ROOT)}: {len(data['skills'])} skills, {len(data['occupations'])} occupations")
    if stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
