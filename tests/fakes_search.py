"""An in-memory `SearchIndex` for unit tests: the port's semantics without an engine.

It keeps what the adapters promise: version-guarded upserts and deletes with tombstones, writes
visible to `get`/`search`/`scan`/`count` only after `refresh()` (as a near-real-time engine), the
filter AST evaluated exactly, and a simple relevance: one point per query word found in the
document's text, two per boost term the document holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.matching.search import (
    AllOf,
    AnyOf,
    Filter,
    IndexDoc,
    IndexHit,
    Kind,
    Range,
    SearchQuery,
    Terms,
)

MAX_VERSION = 2**62  # versions are in [0, MAX_VERSION), as in both adapters
def _check_version(version: int) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version < MAX_VERSION:
        raise ValueError(f"version must be an integer in [0, 2^62): {version!r}")


_WORD_BREAK = re.compile(r"[\s,.;:!?/|()，。、；：！？（）]+")


@dataclass
class _Side:
    docs: dict[str, IndexDoc] = field(default_factory=dict)
    tombstones: dict[str, int] = field(default_factory=dict)


class FakeSearchIndex:
    def __init__(self) -> None:
        self._written = {kind: _Side() for kind in Kind}  # every write so far
        self._visible = {kind: _Side() for kind in Kind}  # what the last refresh made searchable
        self.refreshes = 0
        self.closed = False

    # -- writes ---------------------------------------------------------------------------------

    def _held(self, kind: Kind, doc_id: str) -> int:
        side = self._written[kind]
        doc = side.docs.get(doc_id)
        return max(doc.version if doc else -1, side.tombstones.get(doc_id, -1))

    def upsert(self, kind: Kind, docs: Sequence[IndexDoc]) -> int:
        applied = 0
        for doc in docs:
            _check_version(doc.version)
            if doc.version > self._held(kind, doc.id):
                self._written[kind].docs[doc.id] = doc
                self._written[kind].tombstones.pop(doc.id, None)
                applied += 1
        return applied

    def delete(self, kind: Kind, items: Sequence[tuple[str, int]]) -> int:
        applied = 0
        for doc_id, version in items:
            _check_version(version)
            if version >= self._held(kind, doc_id):
                self._written[kind].docs.pop(doc_id, None)
                self._written[kind].tombstones[doc_id] = version
                applied += 1
        return applied

    def erase(self, kind: Kind, doc_id: str, version: int) -> bool:
        # As the adapters do: a tombstone at the erasure's version, visible at once; an erasure older
        # than what is held (a returning person's newer profile) or repeated changes nothing.
        _check_version(version)
        held = self._written[kind]
        if version < self._held(kind, doc_id) or (version == held.tombstones.get(doc_id) and doc_id not in held.docs):
            return False
        for side in (self._written[kind], self._visible[kind]):
            side.docs.pop(doc_id, None)
            side.tombstones[doc_id] = version
        return True

    def refresh(self) -> None:
        self.refreshes += 1
        for kind in Kind:
            self._visible[kind] = _Side(dict(self._written[kind].docs), dict(self._written[kind].tombstones))

    # -- reads ----------------------------------------------------------------------------------

    def get(self, kind: Kind, doc_id: str) -> IndexHit | None:
        doc = self._visible[kind].docs.get(doc_id)
        return IndexHit(doc.id, doc.version, 0.0, dict(doc.source)) if doc else None

    def versions(self, kind: Kind, ids: Sequence[str]) -> dict[str, int]:
        out = {}
        for doc_id in ids:
            held = self._held(kind, doc_id)
            if held >= 0:
                out[doc_id] = held
        return out

    def search(self, kind: Kind, query: SearchQuery) -> list[IndexHit]:
        words = [w for w in _WORD_BREAK.split(query.text.lower()) if w]
        hits = []
        for doc in self._visible[kind].docs.values():
            if not all(_matches(doc.fields, f) for f in query.filters):
                continue
            text = str(doc.fields.get("text", "")).lower()
            relevance = float(sum(1 for w in words if w in text))
            relevance += 2.0 * sum(1 for name, value in query.boost_terms if value in _values(doc.fields.get(name)))
            if query.require_relevance and relevance <= 0:
                continue
            hits.append(IndexHit(doc.id, doc.version, relevance, dict(doc.source)))
        hits.sort(key=lambda h: (-h.relevance, h.id))
        return hits[query.offset: query.offset + query.limit]

    def count(self, kind: Kind, filters: Sequence[Filter] = ()) -> int:
        return sum(1 for d in self._visible[kind].docs.values() if all(_matches(d.fields, f) for f in filters))

    def scan(self, kind: Kind) -> Iterator[IndexHit]:
        for doc in sorted(self._visible[kind].docs.values(), key=lambda d: d.id):
            yield IndexHit(doc.id, doc.version, 0.0, dict(doc.source))

    def ping(self) -> bool:
        return not self.closed

    def close(self) -> None:
        self.closed = True


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _matches(fields: dict[str, Any], f: Filter) -> bool:
    if isinstance(f, Terms):
        held = _values(fields.get(f.field))
        return any(v in held for v in f.values)
    if isinstance(f, Range):
        held = [v for v in _values(fields.get(f.field)) if isinstance(v, (int, float))]
        return any((f.gte is None or v >= f.gte) and (f.lte is None or v <= f.lte) for v in held)
    if isinstance(f, AnyOf):
        return any(_matches(fields, c) for c in f.clauses)
    if isinstance(f, AllOf):
        return all(_matches(fields, c) for c in f.clauses)
    raise TypeError(f"unknown filter {f!r}")


# --- fake events: worker and posting events as profiles and jobs publish them ---------------------

import datetime as _dt  # noqa: E402
import uuid as _uuid  # noqa: E402

from services.common.events import (  # noqa: E402
    CloudEvent,
    PostingClosed,
    PostingUpserted,
    WorkerErased,
    WorkerUpserted,
    encode,
    make_event,
)
from services.common.ports import Record  # noqa: E402

NOW = _dt.datetime.now(_dt.UTC)
SOON = (NOW + _dt.timedelta(days=30)).date()


def new_id(prefix: str) -> str:
    return f"{prefix}-{_uuid.uuid4().hex[:10]}"


def worker_data(worker_id: str | None = None, version: int = 1, **overrides: Any) -> dict[str, Any]:
    """A skilled welder in 东胜区 (DESIGN's example profile, contact left out as events do)."""
    data: dict[str, Any] = {
        "id": worker_id or new_id("w"),
        "version": version,
        "created_at": NOW.isoformat(),
        "updated_at": NOW.isoformat(),
        "name": "王建国",
        "region": "150602",
        "occupations": [{"code": "6-18-02-04", "name": "焊工"}],
        "skill_level": "technician",
        "skills": [{"name": "氩弧焊", "proficiency": 5, "years": 12}, {"name": "压力容器焊接", "proficiency": 4, "years": 8}],
        "certificates": [{"occupation": "焊工", "level": "technician", "number": "1915000000123",
                          "issuer": "内蒙古职业技能鉴定中心", "issued_on": "2019-06-01", "verified": True}],
        "awards": [{"name": "全国职业院校技能大赛", "tier": "national", "rank": 3, "year": 2023}],
        "achievements": [{"kind": "patent", "title": "一种管道焊接定位装置", "year": 2022}],
        "experience_years": 15,
        "availability": {"modes": ["project", "part_time"], "hours_per_week": 16, "available_from": None},
        "wage_expectation": {"min": 300, "max": 500, "unit": "day"},
        "open_regions": ["1506", "1502"],
        "consent": {"matching": True, "share_contact": False},
        "agency_id": None,
        "status": "active",
        "matchable": True,
    }
    data.update(overrides)
    if "matchable" not in overrides:
        data["matchable"] = bool(data["consent"]["matching"]) and data["status"] == "active"
    return data


def posting_data(posting_id: str | None = None, version: int = 1, **overrides: Any) -> dict[str, Any]:
    """DESIGN's example posting: a welding repair project in 东胜区."""
    data: dict[str, Any] = {
        "id": posting_id or new_id("p"),
        "org_id": "org-coal",
        "version": version,
        "created_at": NOW.isoformat(),
        "updated_at": NOW.isoformat(),
        "kind": "project",
        "title": "煤化工压力容器焊接修复技术攻关",
        "description": "承压设备裂纹修复，需氩弧焊打底，现场作业约两个月",
        "occupation": {"code": "6-18-02-04", "name": "焊工"},
        "skills": [{"name": "氩弧焊", "min_proficiency": 4, "required": True},
                   {"name": "压力容器焊接", "min_proficiency": 3, "required": False}],
        "min_skill_level": "senior",
        "certificates": ["焊工"],
        "headcount": 2,
        "wage": {"min": 400, "max": 800, "unit": "day"},
        "region": "150602",
        "location": {"lat": 39.82, "lon": 110.0},
        "remote_ok": False,
        "start_on": None,
        "duration_days": 60,
        "deadline": SOON.isoformat(),
        "status": "open",
    }
    data.update(overrides)
    return data


def worker_upserted(data: dict[str, Any]) -> CloudEvent:
    return make_event("worker.upserted", WorkerUpserted.model_validate(data), subject=data["id"],
                      source="talentflow/profiles", entityversion=data["version"])


def worker_erased(worker_id: str, version: int) -> CloudEvent:
    return make_event("worker.erased", WorkerErased(id=worker_id, erased_at=NOW), subject=worker_id,
                      source="talentflow/profiles", entityversion=version)


def posting_upserted(data: dict[str, Any]) -> CloudEvent:
    return make_event("posting.upserted", PostingUpserted.model_validate(data), subject=data["id"],
                      source="talentflow/jobs", entityversion=data["version"])


def posting_closed(posting_id: str, version: int, status: str = "filled", org_id: str = "org-coal") -> CloudEvent:
    return make_event("posting.closed", PostingClosed(id=posting_id, org_id=org_id, status=status, reason="filled",
                                                      closed_at=NOW), subject=posting_id,
                      source="talentflow/jobs", entityversion=version)


def as_record(event: CloudEvent, offset: int = 0) -> Record:
    message = encode(event)
    return Record(message.topic, 0, offset, message.key, message.value, dict(message.headers), 0)
