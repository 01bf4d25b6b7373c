"""An in-memory `SearchIndex` for unit tests: the port's semantics without an engine.

It keeps what the adapters promise: version-guarded upserts and deletes with tombstones, writes
visible to `get`/`search`/`scan`/`count` only after `refresh()` (as a near-real-time engine), the
filter AST evaluated exactly, and a simple relevance: one point per query word found in the
document's text, two per boost term the document holds.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.matching.index import (
    FIELDS,
    MAX_VERSION,
    AllOf,
    FieldType,
    AnyOf,
    Filter,
    IndexDoc,
    IndexHit,
    Kind,
    Range,
    SearchQuery,
    Terms,
)

def _check_version(version: int) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version < MAX_VERSION:
        raise ValueError(f"version must be an integer in [0, 2^62): {version!r}")


_WORD_BREAK = re.compile(r"[\s,.;:!?/|()，。、；：！？（）]+")


@dataclass
class _Side:
    docs: dict[str, IndexDoc] = field(default_factory=dict)
    tombstones: dict[str, int] = field(default_factory=dict)


@dataclass
class FakeStorage:
    """What a fake keeps "on disk": the state of its last refresh or close, for a reopen."""

    sides: dict[Kind, _Side] = field(default_factory=dict)


class FakeSearchIndex:
    """Runs the SearchIndex conformance suite too (tests/fixtures/search.py, kind "fake").

    `refresh_every_s=None` (unit tests): writes become searchable only on `refresh()`, so a test
    can see that a handler refreshes; with a number, also on their own after that long, as the
    adapters' near-real-time commits do.
    """

    reports_tombstone_versions = True
    MAX_RESULT_WINDOW = 10_000

    def __init__(self, storage: FakeStorage | None = None, *, refresh_every_s: float | None = None) -> None:
        self._storage = storage
        self._refresh_every_s = refresh_every_s
        self._dirty_since: float | None = None
        held = storage.sides if storage else {}
        self._written = {kind: _copy(held.get(kind, _Side())) for kind in Kind}  # every write so far
        self._visible = {kind: _copy(held.get(kind, _Side())) for kind in Kind}  # as of the last refresh
        self.refreshes = 0
        self.closed = False

    # -- writes ---------------------------------------------------------------------------------

    def _held(self, kind: Kind, doc_id: str) -> int:
        side = self._written[kind]
        doc = side.docs.get(doc_id)
        return max(doc.version if doc else -1, side.tombstones.get(doc_id, -1))

    def upsert(self, kind: Kind, docs: Sequence[IndexDoc]) -> int:
        for doc in docs:  # a refused batch writes nothing
            _check_version(doc.version)
            _check_document(kind, doc)
        applied = 0
        for doc in docs:
            if doc.version > self._held(kind, doc.id):
                self._written[kind].docs[doc.id] = doc
                self._written[kind].tombstones.pop(doc.id, None)
                applied += 1
        self._touched()
        return applied

    def _touched(self) -> None:
        if self._dirty_since is None:
            self._dirty_since = time.monotonic()

    def _catch_up(self) -> None:
        """Near-real-time: a write older than the refresh interval is searchable without refresh()."""
        if (self._refresh_every_s is not None and self._dirty_since is not None
                and time.monotonic() - self._dirty_since >= self._refresh_every_s):
            self.refresh()

    def delete(self, kind: Kind, items: Sequence[tuple[str, int]]) -> int:
        applied = 0
        for doc_id, version in items:
            _check_version(version)
            if version >= self._held(kind, doc_id):
                self._written[kind].docs.pop(doc_id, None)
                self._written[kind].tombstones[doc_id] = version
                applied += 1
        self._touched()
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
        self._dirty_since = None
        for kind in Kind:
            self._visible[kind] = _copy(self._written[kind])
        self._persist()

    def _persist(self) -> None:
        if self._storage is not None:
            self._storage.sides = {kind: _copy(side) for kind, side in self._written.items()}

    # -- reads ----------------------------------------------------------------------------------

    def get(self, kind: Kind, doc_id: str) -> IndexHit | None:
        # real-time, as the adapters' get: the latest write, refreshed or not
        doc = self._written[kind].docs.get(doc_id)
        return IndexHit(doc.id, doc.version, 0.0, dict(doc.source)) if doc else None

    def versions(self, kind: Kind, ids: Sequence[str]) -> dict[str, int]:
        out = {}
        for doc_id in ids:
            held = self._held(kind, doc_id)
            if held >= 0:
                out[doc_id] = held
        return out

    def search(self, kind: Kind, query: SearchQuery) -> list[IndexHit]:
        for f in (*query.filters, *(b.filter for b in query.boosts)):
            _check_filter(kind, f)
        for name, _value in query.boost_terms:
            if FIELDS[kind].get(name) is not FieldType.keyword:
                raise ValueError(f"boost term field {name!r} is not a keyword field of {kind}")
        if query.offset + query.limit > self.MAX_RESULT_WINDOW:
            raise ValueError(f"offset + limit must be at most {self.MAX_RESULT_WINDOW}: offset {query.offset}")
        self._catch_up()
        if FIELDS[kind].get(query.text_field) is not FieldType.text:
            raise ValueError(f"text field {query.text_field!r} is not a text field of {kind}")
        words = [w for w in _WORD_BREAK.split(query.text.lower()) if w]
        hits = []
        for doc in self._visible[kind].docs.values():
            if not all(_matches(doc, f) for f in query.filters):
                continue
            text = str(doc.fields.get(query.text_field, "")).lower()
            relevance = float(sum(text.count(w) for w in words))  # term frequency, as BM25 rewards
            relevance += 2.0 * sum(1 for name, value in query.boost_terms if value in _values(doc.fields.get(name)))
            if query.require_relevance and relevance <= 0 and (words or query.boost_terms):
                continue
            relevance += sum(b.weight for b in query.boosts if _matches(doc, b.filter))
            hits.append(IndexHit(doc.id, doc.version, relevance, dict(doc.source)))
        hits.sort(key=lambda h: (-h.relevance, h.id))
        return hits[query.offset: query.offset + query.limit]

    def count(self, kind: Kind, filters: Sequence[Filter] = ()) -> int:
        for f in filters:
            _check_filter(kind, f)
        self._catch_up()
        return sum(1 for d in self._visible[kind].docs.values() if all(_matches(d, f) for f in filters))

    def scan(self, kind: Kind) -> Iterator[IndexHit]:
        self._catch_up()
        for doc in sorted(self._visible[kind].docs.values(), key=lambda d: d.id):
            yield IndexHit(doc.id, doc.version, 0.0, dict(doc.source))

    def ping(self) -> bool:
        return not self.closed

    def close(self) -> None:
        if not self.closed:
            self._persist()  # as the adapters do, close commits what was written
        self.closed = True


def _copy(side: _Side) -> _Side:
    return _Side(dict(side.docs), dict(side.tombstones))


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _check_document(kind: Kind, doc: IndexDoc) -> None:
    if not isinstance(doc.id, str) or not doc.id or len(doc.id) > 512:
        raise ValueError(f"document id must be a non-empty string of at most 512 characters: {doc.id!r}")
    known = FIELDS[kind]
    unknown = doc.fields.keys() - known.keys()
    if unknown:
        raise ValueError(f"{kind} document {doc.id}: unknown field(s) {sorted(unknown)}")
    for name, value in doc.fields.items():
        if value is None:
            continue
        for item in (value if isinstance(value, (list, tuple)) else [value]):
            if not _fits(known[name], item):
                raise ValueError(f"{kind} document {doc.id}: field {name!r}: expected {known[name]}, got {item!r}")


def _fits(field_type: FieldType, value: Any) -> bool:
    if field_type in (FieldType.keyword, FieldType.text):
        return isinstance(value, str)
    if field_type is FieldType.bool:
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) if field_type is FieldType.int else value == value and abs(value) != float("inf")


def _check_filter(kind: Kind, f: Filter) -> None:
    if isinstance(f, (AnyOf, AllOf)):
        for clause in f.clauses:
            _check_filter(kind, clause)
        return
    if not isinstance(f, (Terms, Range)):
        raise ValueError(f"not a filter: {f!r}")
    field_type = FieldType.keyword if f.field == "id" else FIELDS[kind].get(f.field)
    if field_type is None:
        raise ValueError(f"filter on unknown field {f.field!r} of {kind}")
    if field_type is FieldType.text:
        raise ValueError(f"filter on text field {f.field!r}: use SearchQuery.text")
    if isinstance(f, Range):
        if field_type not in (FieldType.int, FieldType.float):
            raise ValueError(f"range filter on {field_type} field {f.field!r}: only int and float fields")
        return
    for value in f.values:
        ok = _fits(field_type, value) or (field_type is FieldType.int and _fits(FieldType.float, value) and value == int(value))
        if not ok:
            raise ValueError(f"filter {f.field!r}: expected {field_type}, got {value!r}")


def _matches(doc: IndexDoc, f: Filter) -> bool:
    fields = doc.fields
    if isinstance(f, Terms):
        held = [doc.id] if f.field == "id" else _values(fields.get(f.field))
        return any(v in held for v in f.values)
    if isinstance(f, Range):
        held = [v for v in _values(fields.get(f.field)) if isinstance(v, (int, float))]
        return any((f.gte is None or v >= f.gte) and (f.lte is None or v <= f.lte) for v in held)
    if isinstance(f, AnyOf):
        return any(_matches(doc, c) for c in f.clauses)
    if isinstance(f, AllOf):
        return all(_matches(doc, c) for c in f.clauses)
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
