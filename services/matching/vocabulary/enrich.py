"""Enrichment: the occupations and skills a Chinese free text names, with a confidence and a span.

A posting's title and description, or a worker's self-description, is cut by a jieba tokenizer of
its own (not the index's: `jieba.Tokenizer()`), into which every name of the vocabulary is loaded as
a user word: official occupation names, colloquial names (电焊, 焊工作业 …), skills and synonyms.
A token that is a vocabulary name is a mention; its confidence depends on how it was named (the
official or canonical name above a long colloquial name above a short or Latin one), rises a
little when the text names it again or as a certificate (焊工证), and a mention in a negated clause
(不要求焊工证, 无需电工证, 电工证不限, 有无焊工证均可) is reported under `negated`, not as asked for.
When the text names skills but no occupation, the occupation those skills point to is inferred
(`inferred: true`, lower confidence).

    python -m services.matching.vocabulary.enrich --eval tests/data/enrich_labels.json
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jieba

from services.matching.vocabulary.taxonomy import Vocabulary, normalize, vocabulary

MAX_TEXT = 20_000
_USER_FREQ = 2_000_000  # well above any word of jieba's dictionary: a vocabulary name wins its span

# A clause ends at these; 、 and 或 do not end one (不要求焊工证、电工证 negates both).
_CLAUSE_END = re.compile(r"[，,。．.；;！!？?\n\r：:（）()【】\[\]]")
_NEG_BEFORE = ("不要求", "无需", "无须", "不需要", "不需", "不用", "不必", "非必须", "不限", "不做要求", "不作要求",
               "无要求", "没有要求")
_NEG_AFTER = ("不要求", "非必须", "非必需", "不需要", "不做要求", "不作要求", "可无", "不是必须", "没有也可",
              "没有也行", "无要求", "不限", "不必", "不强求", "可不持")
_POSITIVE = ("有", "持", "需", "会", "懂", "熟", "具备", "但", "要", "优先", "必须", "须")
_EITHER_BEFORE = ("有无", "有没有")
_EITHER_AFTER = ("均可", "都可", "皆可", "都行", "均行")
_CERT_AFTER = ("证", "上岗证", "操作证", "资格证")
# jieba's own dictionary has 电工证, 驾驶证 …: a token ending so is looked up without the suffix
_CERT_SUFFIXES = ("职业资格证书", "操作证", "上岗证", "资格证", "证书", "证")


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str  # "occupation" or "skill"
    id: str  # occupation code or canonical skill name
    term: str
    start: int
    end: int
    how: str  # "name", "alias"/"synonym"
    negated: bool
    certificate: bool


class _Cutter:
    """A jieba tokenizer of its own with the vocabulary as user words (built once, thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokenizer: jieba.Tokenizer | None = None
        self._version: str | None = None

    def tokenizer(self, vocab: Vocabulary) -> jieba.Tokenizer:
        with self._lock:
            if self._tokenizer is None or self._version != vocab.version:
                jieba.setLogLevel(logging.WARNING)  # its dictionary build talks at INFO on stderr: not our log
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for term in _all_terms(vocab):
                    tokenizer.add_word(term, freq=_USER_FREQ)
                self._tokenizer, self._version = tokenizer, vocab.version
            return self._tokenizer


_CUTTER = _Cutter()


def warm_up(vocab: Vocabulary | None = None) -> None:
    """Build the tokenizer now (jieba's dictionary and the vocabulary: 0.7 s here with jieba's cache
    file present, more without it or on a busy machine) rather than while the first document waits."""
    _CUTTER.tokenizer(vocab or vocabulary())


def _all_terms(vocab: Vocabulary) -> list[str]:
    terms = set()
    for occ in vocab.occupations.values():
        if occ.level in ("occupation", "job_type"):
            terms.add(occ.name)
        terms.update(occ.aliases)
    for skill in vocab.skills.values():
        terms.add(skill.name)
        terms.update(skill.synonyms)
    # jieba splits on spaces and most punctuation: a name with them can never be one token
    return sorted(t for t in terms if not re.search(r"[\s、,，()（）]", t))


_VERBS = ("具备", "掌握", "会", "懂", "有", "持")


def _negated(text: str, start: int, end: int, clause_start: int, clause_end: int, certificate: bool) -> bool:
    """Whether the clause says the mention is not required.

    不限 negates only a certificate next to it (电工证不限; but 电工焊工不限 is "either", 学历不限 is
    about something else); the other cues negate what follows them in the clause unless a positive
    word comes between (学历不要求，需电工证 is split into clauses anyway; 不限年龄有电工证 is positive),
    one verb right after the cue belonging to the negation (不需要会CAD, 不要求有焊工证).
    """
    before = text[clause_start:start]
    after = text[end:clause_end]
    for cue in _NEG_BEFORE:
        at = before.rfind(cue)
        if at < 0:
            continue
        between = before[at + len(cue):]
        if cue == "不限":
            if between == "" and certificate:
                return True
            continue
        between = next((between[len(v):] for v in _VERBS if between.startswith(v)), between)
        if len(between) <= 12 and not any(p in between for p in _POSITIVE):
            return True
    for cue in _NEG_AFTER:
        at = after.find(cue)
        if 0 <= at <= 8 and (cue != "不限" or certificate):
            return True
    if any(c in before[-6:] for c in _EITHER_BEFORE) and any(c in after[:10] for c in _EITHER_AFTER):
        return True
    return False


def _clauses(text: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    for m in _CLAUSE_END.finditer(text):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(text)))
    return bounds


def mentions(text: str, vocab: Vocabulary | None = None) -> list[Mention]:
    vocab = vocab or vocabulary()
    text = text[:MAX_TEXT]
    folded = _fold(text)
    clauses = _clauses(folded)
    out = []
    ci = 0
    for word, start, end in _CUTTER.tokenizer(vocab).tokenize(folded, HMM=False):
        found = vocab.terms.get(normalize(word))
        certificate = False
        if found is None:
            stem = next((word[: -len(x)] for x in _CERT_SUFFIXES if word.endswith(x) and len(word) > len(x)), None)
            found = vocab.terms.get(normalize(stem)) if stem else None
            if found is None:
                continue
            word, end, certificate = stem, start + len(stem), True
        while ci + 1 < len(clauses) and clauses[ci][1] < start:
            ci += 1
        c_start, c_end = clauses[ci]
        kind, ident = found
        if kind == "occupation":
            occ = vocab.occupations[ident]
            if occ.level not in ("occupation", "job_type"):
                continue
            how = "name" if normalize(occ.name) == normalize(word) else "alias"
        else:
            how = "name" if normalize(ident) == normalize(word) else "synonym"
        certificate = certificate or folded[end:end + 3].startswith(_CERT_AFTER)
        out.append(Mention(kind, ident, text[start:end], start, end, how,
                           _negated(folded, start, end, c_start, c_end, certificate), certificate))
    return out


def _fold(text: str) -> str:
    """Full-width Latin letters and digits to half-width, keeping every offset (one char for one)."""
    return "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in text)


def _base_confidence(m: Mention) -> float:
    if m.how == "name":
        return 0.95
    if re.fullmatch(r"[0-9a-zA-Z+#&._ -]+", m.term):
        return 0.6 if len(m.term) <= 3 else 0.75
    return 0.85 if len(m.term) >= 3 else 0.75


def enrich(text: str, vocab: Vocabulary | None = None) -> dict[str, Any]:
    """Occupations and skills the text asks for, best first; what it says is not required under `negated`."""
    vocab = vocab or vocabulary()
    found = mentions(text, vocab)
    groups: dict[tuple[str, str], list[Mention]] = {}
    negated: dict[tuple[str, str], list[Mention]] = {}
    for m in found:
        (negated if m.negated else groups).setdefault((m.kind, m.id), []).append(m)
    occupations, skills = [], []
    for (kind, ident), items in groups.items():
        confidence = max(_base_confidence(m) for m in items)
        if len(items) > 1 or any(m.certificate for m in items):
            confidence += 0.04
        item = _item(vocab, kind, ident, min(confidence, 0.99), items)
        (occupations if kind == "occupation" else skills).append(item)
    if not occupations and skills:
        inferred = _infer_occupation(vocab, [s["name"] for s in skills])
        if inferred is not None:
            code, score, basis = inferred
            first = min((m for (k, i), ms in groups.items() if k == "skill" and i in basis for m in ms),
                        key=lambda m: m.start)
            item = _item(vocab, "occupation", code, round(min(0.8, 0.45 + 0.15 * score), 2), [first])
            item.update(inferred=True, inferred_from=basis)
            occupations.append(item)
    occupations.sort(key=lambda i: (-i["confidence"], i["span"]["start"]))
    skills.sort(key=lambda i: (-i["confidence"], i["span"]["start"]))
    not_required = [
        {"kind": kind, **_ident(vocab, kind, ident), "span": _span(items[0])}
        for (kind, ident), items in negated.items() if (kind, ident) not in groups
    ]
    return {"occupations": occupations, "skills": skills, "negated": not_required,
            "vocabulary_version": vocab.version}


def _ident(vocab: Vocabulary, kind: str, ident: str) -> dict[str, str]:
    if kind == "occupation":
        return {"code": ident, "name": vocab.occupations[ident].name}
    return {"name": ident}


def _span(m: Mention) -> dict[str, Any]:
    return {"start": m.start, "end": m.end, "text": m.term}


def _item(vocab: Vocabulary, kind: str, ident: str, confidence: float, items: list[Mention]) -> dict[str, Any]:
    out: dict[str, Any] = {**_ident(vocab, kind, ident), "confidence": round(confidence, 2),
                           "span": _span(items[0]), "spans": [_span(m) for m in items]}
    if kind == "skill":
        skill = vocab.skills[ident]
        out["kind"] = skill.kind
        if skill.certificates:
            out["certificates"] = list(skill.certificates)
    else:
        out["inferred"] = False
    return out


def _infer_occupation(vocab: Vocabulary, skills: list[str]) -> tuple[str, float, list[str]] | None:
    """The occupation the named skills point to: each skill votes 1/(its occupations), its first one a bit more."""
    votes: dict[str, float] = {}
    basis: dict[str, list[str]] = {}
    for name in skills:
        occs = vocab.skills[name].occupations
        for i, code in enumerate(occs):
            votes[code] = votes.get(code, 0.0) + 1.0 / len(occs) + (0.01 if i == 0 else 0.0)
            basis.setdefault(code, []).append(name)
    if not votes:
        return None
    code = max(votes, key=lambda c: (votes[c], -list(votes).index(c)))
    if votes[code] < 0.5:
        return None
    return code, votes[code], basis[code]


FEW_SKILLS = 3
MIN_CONFIDENCE = 0.7


def inferred_skills(
    text: str,
    structured: list[str],
    *,
    few: int = FEW_SKILLS,
    min_confidence: float = MIN_CONFIDENCE,
    vocab: Vocabulary | None = None,
) -> list[dict[str, Any]]:
    """Skills a posting's or profile's free text adds when its structured skills are few (< `few`).

    Each is `{"name", "confidence", "span", "inferred": True}`, leaving out what the structured list
    already names (through synonyms) and anything below `min_confidence`; for ranking to count as
    inferred and to say so in its explanation.
    """
    vocab = vocab or vocabulary()
    if len(structured) >= few or not text.strip():
        return []
    have = {vocab.skill_by_term(name).name if vocab.skill_by_term(name) else normalize(name) for name in structured}
    return [
        {"name": s["name"], "confidence": s["confidence"], "span": s["span"], "inferred": True}
        for s in enrich(text, vocab)["skills"]
        if s["name"] not in have and s["confidence"] >= min_confidence
    ]


def enrich_json(text: str) -> str:
    """enrich() as JSON text, for the HTTP layer. Not cached: a submitted text may be a person's own
    words (a self-description), and a cache keyed by it is a copy that erasure could not reach."""
    return json.dumps(enrich(text), ensure_ascii=False)


# --- evaluation ----------------------------------------------------------------------------------


def evaluate(labels: list[dict[str, Any]], vocab: Vocabulary | None = None) -> dict[str, Any]:
    """Micro precision and recall of occupations (codes) and skills (canonical names) against labels."""
    vocab = vocab or vocabulary()
    counts = {"occupations": [0, 0, 0], "skills": [0, 0, 0]}  # true positives, predicted, expected
    misses = []
    for case in labels:
        result = enrich(case["text"], vocab)
        got = {"occupations": {o["code"] for o in result["occupations"]},
               "skills": {s["name"] for s in result["skills"]}}
        want = {"occupations": set(case.get("occupations", [])), "skills": set(case.get("skills", []))}
        for key in counts:
            counts[key][0] += len(got[key] & want[key])
            counts[key][1] += len(got[key])
            counts[key][2] += len(want[key])
        if got != want:
            misses.append({"text": case["text"], "extra": {k: sorted(got[k] - want[k]) for k in got},
                           "missing": {k: sorted(want[k] - got[k]) for k in got}})
    report: dict[str, Any] = {"cases": len(labels), "vocabulary_version": vocab.version}
    for key, (tp, predicted, expected) in counts.items():
        report[key] = {"precision": round(tp / predicted, 3) if predicted else 1.0,
                       "recall": round(tp / expected, 3) if expected else 1.0,
                       "true_positives": tp, "predicted": predicted, "expected": expected}
    tp = sum(c[0] for c in counts.values())
    predicted = sum(c[1] for c in counts.values())
    expected = sum(c[2] for c in counts.values())
    report["all"] = {"precision": round(tp / predicted, 3), "recall": round(tp / expected, 3)}
    report["misses"] = misses
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.matching.vocabulary.enrich")
    parser.add_argument("--eval", type=Path, help="labelled texts (JSON list of {text, occupations, skills})")
    parser.add_argument("--misses", action="store_true", help="also print the texts that were not exactly right")
    parser.add_argument("text", nargs="?", help="a text to enrich")
    args = parser.parse_args(argv)
    if args.eval:
        report = evaluate(json.loads(args.eval.read_text(encoding="utf-8")))
        if not args.misses:
            report.pop("misses")
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    if args.text:
        print(json.dumps(enrich(args.text), ensure_ascii=False, indent=2))
        return 0
    parser.print_usage()
    return 2


if __name__ == "__main__":
    sys.exit(main())
