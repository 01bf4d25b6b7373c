"""The embedded `SearchIndex`: one tantivy index per Kind on local disk, Chinese text cut by jieba.

Layout: `<path>/<kind>/` holds a tantivy index whose schema is generated from `search.FIELDS`:

| port type | tantivy field |
| --- | --- |
| keyword | text, `raw` tokenizer, indexed only (multi-valued) |
| text | text pre-cut by jieba (`textcut`), whitespace tokenizer, with term frequencies for BM25 |
| int / float / bool | i64 / f64 / bool, indexed and fast |

plus the implicit `id` (raw, stored), `version` (fast), `source` (stored JSON bytes), `_key` (a
64-bit hash of the id, fast and indexed: it names hits without loading stored documents and
splits the key space into pages for `scan`) and `_live` (false for a tombstone).

The version guard lives in the index itself: a deleted document is replaced by a tombstone
document (id, version, `_live` false) in the same tantivy commit, so documents, tombstones and
their versions survive a restart together and can never disagree. An erasure is a tombstone at the
erasure's own version (`worker.erased` carries the version after the person's last profile
version): older upserts replayed after it stay shadowed, and a person who registers again, whose
versions continue above the erasure, is indexed like anyone else. Indexes written before that gave
erasures a tombstone at 2^62 (LEGACY_ERASED_VERSION); opening such an index rewrites those as
"erased at an unknown version" (a tombstone at version 0), so a returning person is not shut out. Writes not yet committed are
held in a small per-kind overlay (id → version and document), which the guard and `get` read
first; it is emptied by every commit, so it never holds more than one commit interval's writes.

Near-real-time: writes go to the tantivy writer at once; a background thread commits at most
every `commit_interval_s` (and `refresh()` commits immediately), then reloads the searchers.
One lock serialises writers and commits; searches run concurrently on the last committed state.
A write is durable once committed: a caller that acknowledges writes elsewhere (the ingest
consumer, before it commits its offsets) calls `refresh()` first; `close()` commits too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Occur, Query

try:  # ~20x faster than the standard library both ways: sources are encoded on every write and
    # decoded for every hit (hundreds a search). Optional: the standard library does the same job.
    import orjson

    def _encode_source(source: dict[str, Any]) -> bytes:
        return orjson.dumps(source)

    _decode_source = orjson.loads
except ImportError:  # pragma: no cover - depends on the environment

    def _encode_source(source: dict[str, Any]) -> bytes:
        return json.dumps(source, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()

    # pydantic's own JSON parser (always installed) decodes a source ~2x faster than json.loads
    # (measured 7 µs against 17 µs for a worker's ~900 bytes; bench/matching_micro.py).
    from pydantic_core import from_json as _decode_source

from services.matching.index.port import (
    BOOST_TERM_WEIGHT,
    LEGACY_ERASED_VERSION,
    MAX_VERSION,
    SearchIndexUnavailable,
    FIELDS,
    AllOf,
    AnyOf,
    FieldType,
    Filter,
    IndexDoc,
    IndexHit,
    Kind,
    Range,
    SearchQuery,
    Terms,
)
from services.matching.index.textcut import ChineseCutter, default_cutter

__all__ = [
    "BOOST_TERM_WEIGHT",
    "LEGACY_ERASED_VERSION",
    "MAX_RESULT_WINDOW",
    "MAX_VERSION",
    "CommitTicket",
    "IndexSchemaMismatch",
    "TantivyIndex",
]

# MAX_VERSION, LEGACY_ERASED_VERSION and BOOST_TERM_WEIGHT live on the port (index/port.py);
# `TantivyIndex` rewrites legacy erasure tombstones on open (see the module docstring).
# The version such a legacy tombstone is rewritten to: erased at a version nobody knows any more, so
# any registration (versions start at 1) supersedes it.
UNKNOWN_ERASURE_VERSION = 0
# Deepest hit a search may ask for (offset + limit), as Elasticsearch's index.max_result_window.
MAX_RESULT_WINDOW = 10_000
MAX_ID_LENGTH = 512
# Bumped whenever the on-disk layout changes in a way an old index cannot serve.
LAYOUT_VERSION = 1
SCHEMA_FILE = "talentflow-schema.json"
CUT_TOKENIZER = "talentflow_cut"
SCAN_PAGE = 1_000
SMALL_TERM_SET = 16
# A query word in more than this share of the documents only scores (see `_common_words`); below
# COMMON_WORD_MIN_DOCS documents every word finds candidates, as it costs nothing there.
COMMON_WORD_SHARE = 0.05
COMMON_WORD_MIN_DOCS = 10_000
COMMIT_RETRY_S = 1.0
# A read-only index looks at the writer's meta.json at most this often (a stat) and reloads when it
# changed: tantivy's own OnCommit watcher polls every 500 ms, too slow for event → searchable.
READER_CHECK_S = 0.01

log = logging.getLogger(__name__)

_KEYWORD_OPTION = "basic"  # keywords filter and boost; they need no frequencies or positions
_TEXT_OPTION = "freq"  # BM25 needs term frequencies; phrase search (positions) is not offered


class IndexSchemaMismatch(RuntimeError):
    """The index on disk was built for other FIELDS: delete its folder and replay the log."""


def id_key(doc_id: str) -> int:
    """A stable signed 64-bit hash of an id (fast-field friendly; collisions ~ 1 in 2^64)."""
    return int.from_bytes(hashlib.blake2b(doc_id.encode(), digest_size=8).digest(), "big", signed=True)


def schema_spec(kind: Kind) -> dict[str, Any]:
    """What the on-disk index was built from; a different spec means the index must be rebuilt."""
    return {"layout": LAYOUT_VERSION, "kind": kind.value, "fields": {k: v.value for k, v in FIELDS[kind].items()}}


def build_schema(kind: Kind) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option=_KEYWORD_OPTION)
    builder.add_integer_field("_key", indexed=True, fast=True)
    builder.add_integer_field("version", fast=True)
    builder.add_boolean_field("_live", indexed=True, fast=True)
    builder.add_bytes_field("source", stored=True)
    for name, field_type in FIELDS[kind].items():
        if field_type is FieldType.keyword:
            builder.add_text_field(name, tokenizer_name="raw", index_option=_KEYWORD_OPTION)
        elif field_type is FieldType.text:
            builder.add_text_field(name, tokenizer_name=CUT_TOKENIZER, index_option=_TEXT_OPTION)
        elif field_type is FieldType.int:
            builder.add_integer_field(name, indexed=True, fast=True)
        elif field_type is FieldType.float:
            builder.add_float_field(name, indexed=True, fast=True)
        elif field_type is FieldType.bool:
            builder.add_boolean_field(name, indexed=True, fast=True)
        else:  # pragma: no cover - FieldType is closed
            raise AssertionError(field_type)
    return builder.build()


@dataclass(slots=True)
class _Held:
    """What the index holds for an id: a live document or a tombstone, at a version."""

    version: int
    live: bool
    doc: IndexDoc | None = None  # only for writes not yet committed (the overlay)


class CommitTicket:
    """Done once the index has committed the writes made before `TantivyIndex.commit_ticket()`."""

    __slots__ = ("_index", "_number")

    def __init__(self, index: TantivyIndex, number: int) -> None:
        self._index = index
        self._number = number

    def done(self) -> bool:
        return self._index._commits >= self._number

    def wait(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for the commit; True when done. A closed index committed on close."""
        index = self._index
        with index._lock:
            return index._committed.wait_for(lambda: index._commits >= self._number or index._closed, timeout_s) \
                and index._commits >= self._number

    def now(self) -> None:
        """Commit now unless already done (`refresh()`)."""
        if not self.done():
            self._index.refresh()


class _KindIndex:
    """One Kind's tantivy index, its writer and the overlay of uncommitted writes."""

    def __init__(self, kind: Kind, folder: Path, *, writer_heap_mb: int, reader_reload: str, read_only: bool = False) -> None:
        self.kind = kind
        self.fields = FIELDS[kind]
        folder.mkdir(parents=True, exist_ok=True)
        spec_file = folder / SCHEMA_FILE
        spec = schema_spec(kind)
        if spec_file.exists():
            on_disk = json.loads(spec_file.read_text("utf-8"))
            if on_disk != spec:
                raise IndexSchemaMismatch(
                    f"the {kind} index at {folder} was built for {on_disk}, this code needs {spec}: "
                    "delete the folder and replay the log (talentflow replay)"
                )
        self.schema = build_schema(kind)
        self.index = tantivy.Index(self.schema, path=str(folder), reuse=True)
        if not spec_file.exists():
            spec_file.write_text(json.dumps(spec, sort_keys=True), "utf-8")
        # Tokenizers are not persisted with the index: register on every open.
        self.index.register_tokenizer(
            CUT_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        self.index.config_reader(reload_policy="Manual" if reader_reload == "manual" else "OnCommit")
        self.writer = None
        if not read_only:
            try:
                self.writer = self.index.writer(heap_size=writer_heap_mb * 1_000_000)
            except ValueError as error:
                raise RuntimeError(f"cannot open the {kind} index at {folder} for writing (another process?): {error}") from None
        self.text_fields = [n for n, t in self.fields.items() if t is FieldType.text]
        self.int_fields = [n for n, t in self.fields.items() if t is FieldType.int]
        self.float_fields = [n for n, t in self.fields.items() if t is FieldType.float]
        self.pending: dict[str, _Held] = {}
        self.dirty = False
        self.meta_file = folder / "meta.json"
        self.meta_seen: tuple[int, int, int] | None = None
        self.meta_checked_at = 0.0


class TantivyIndex:
    """`SearchIndex` on tantivy: embedded, on disk, near-real-time (see the module docstring)."""

    # Tombstones are documents here, so `versions()` reports them (Elasticsearch cannot).
    reports_tombstone_versions = True

    def __init__(
        self,
        path: str | Path,
        *,
        commit_interval_s: float = 0.1,
        writer_heap_mb: int = 128,
        reader_reload: str = "manual",
        cutter: ChineseCutter | None = None,
        common_word_share: float = COMMON_WORD_SHARE,
        common_word_min_docs: int = COMMON_WORD_MIN_DOCS,
        read_only: bool = False,
    ) -> None:
        if commit_interval_s <= 0:
            raise ValueError("commit_interval_s must be positive")
        if reader_reload not in ("manual", "on_commit"):
            raise ValueError("reader_reload must be 'manual' or 'on_commit'")
        # A reader process (`talentflow serve matching --no-workers` beside `talentflow work
        # matching`): no writer (tantivy allows one per index), searchers reloaded on every commit
        # the writer process makes (tantivy watches meta.json); writes raise.
        self.read_only = read_only
        if read_only:
            reader_reload = "on_commit"
        self.path = Path(path)
        self.commit_interval_s = commit_interval_s
        self.common_word_share = common_word_share
        self.common_word_min_docs = common_word_min_docs
        self._cutter = cutter or default_cutter
        self._cutter.warm_up()
        self._lock = threading.RLock()  # the one writer lock: writes, guard reads and commits
        self._kinds = {
            kind: _KindIndex(kind, self.path / kind.value, writer_heap_mb=writer_heap_mb, reader_reload=reader_reload,
                             read_only=read_only)
            for kind in Kind
        }
        if not read_only:
            for state in self._kinds.values():
                _rewrite_legacy_erasures(state)
        self._closed = False
        self._wake = threading.Condition(self._lock)
        self._committed = threading.Condition(self._lock)  # notified after every commit
        self._commits = 0  # commits made so far (a `CommitTicket` waits for a number)
        self._first_dirty_at: float | None = None
        self._committer = threading.Thread(target=self._commit_loop, name="tantivy-committer", daemon=True)
        if not read_only:
            self._committer.start()

    # --- writes ---------------------------------------------------------------------------------

    def upsert(self, kind: Kind, docs: Sequence[IndexDoc]) -> int:
        state = self._state(kind)
        prepared = [(doc, self._document(state, doc)) for doc in docs]  # validate all before writing any
        with self._lock:
            self._check_open()
            held = self._held(state, [doc.id for doc, _ in prepared])
            applied = 0
            for doc, document in prepared:
                current = held.get(doc.id)
                if current is not None and current.version >= doc.version:
                    continue  # a replay, a reordering, or an erased id
                if current is not None:
                    state.writer.delete_documents_by_term("id", doc.id)
                state.writer.add_document(document)
                held[doc.id] = state.pending[doc.id] = _Held(doc.version, True, doc)
                applied += 1
            if applied:
                self._mark_dirty(state)
            return applied

    def delete(self, kind: Kind, items: Sequence[tuple[str, int]]) -> int:
        state = self._state(kind)
        for doc_id, version in items:
            _check_id(doc_id)
            _check_version(version)
        with self._lock:
            self._check_open()
            held = self._held(state, [doc_id for doc_id, _ in items])
            applied = 0
            for doc_id, version in items:
                current = held.get(doc_id)
                if current is not None and (version < current.version or (version == current.version and not current.live)):
                    continue
                self._write_tombstone(state, doc_id, version, replace=current is not None)
                held[doc_id] = state.pending[doc_id]
                applied += 1
            if applied:
                self._mark_dirty(state)
            return applied

    def erase(self, kind: Kind, doc_id: str, version: int) -> bool:
        state = self._state(kind)
        _check_id(doc_id)
        _check_version(version)
        with self._lock:
            self._check_open()
            current = self._held(state, [doc_id]).get(doc_id)
            if current is not None and (version < current.version or (version == current.version and not current.live)):
                # A repeated erasure, or one from before a newer registration: that life is not erased.
                return False
            # Whatever was there goes; a payload-free tombstone at the erasure's version stays.
            # Committed at once, so erasure is durable on return.
            self._write_tombstone(state, doc_id, version, replace=True)
            state.dirty = True
            self._commit_locked()
            return True

    def _write_tombstone(self, state: _KindIndex, doc_id: str, version: int, *, replace: bool) -> None:
        if replace:
            state.writer.delete_documents_by_term("id", doc_id)
        state.writer.add_document(
            tantivy.Document.from_dict(
                {"id": doc_id, "_key": id_key(doc_id), "version": version, "_live": False}, state.schema
            )
        )
        state.pending[doc_id] = _Held(version, False)

    def commit_ticket(self) -> CommitTicket:
        """What the writes made so far need to be durable: the next commit if any is pending, else
        none. The ingest consumer acknowledges a batch once its ticket is done, so the commit itself
        runs on the committer thread (at most `commit_interval_s` later) while the next batch is read."""
        with self._lock:
            dirty = any(state.dirty for state in self._kinds.values())
            return CommitTicket(self, self._commits + 1 if dirty else self._commits)

    def refresh(self) -> None:
        if self.read_only:  # see what the writer process has committed so far
            for state in self._kinds.values():
                state.index.reload()
            return
        with self._lock:
            self._check_open()
            self._commit_locked()

    # --- reads ----------------------------------------------------------------------------------

    def get(self, kind: Kind, doc_id: str) -> IndexHit | None:
        state = self._state(kind)
        pending = state.pending.get(doc_id)
        if pending is not None:
            if not pending.live or pending.doc is None:
                return None
            return IndexHit(doc_id, pending.version, 0.0, dict(pending.doc.source))
        searcher = self._searcher(state)
        query = Query.boolean_query(
            [(Occur.Must, Query.term_query(state.schema, "id", doc_id, index_option=_KEYWORD_OPTION)), (Occur.Must, _live(state))]
        )
        result = searcher.search(query, limit=1, count=False)
        if not result.hits:
            return None
        return self._hits(searcher, [(0.0, address) for _, address in result.hits])[0]

    def versions(self, kind: Kind, ids: Sequence[str]) -> dict[str, int]:
        state = self._state(kind)
        with self._lock:  # the overlay and the committed state must be read as one
            return {doc_id: held.version for doc_id, held in self._held(state, list(ids)).items()}

    def search(self, kind: Kind, query: SearchQuery) -> list[IndexHit]:
        state = self._state(kind)
        _check_window(query.limit, query.offset)
        if query.limit == 0:
            return []
        if state.fields.get(query.text_field) is not FieldType.text:
            raise ValueError(f"text field {query.text_field!r} is not a text field of {state.kind}")
        searcher = self._searcher(state)
        words = self._cutter.query_tokens(query.text) if query.text else []
        common = (self._common_words(searcher, words, has_boosts=bool(query.boost_terms), field=query.text_field)
                  if query.require_relevance else set())
        if common:
            # Common words (维修, 操作 …) only score; the rarer words and the boost terms find the
            # candidates, which is what keeps retrieval fast on a large index. When that finds
            # fewer than asked, the page is not full of better documents: ask again with every word.
            narrow = searcher.search(self._compile(state, query, words, common), limit=query.limit, offset=query.offset, count=False)
            if len(narrow.hits) == query.limit:
                return self._hits(searcher, narrow.hits)
        result = searcher.search(self._compile(state, query, words), limit=query.limit, offset=query.offset, count=False)
        return self._hits(searcher, result.hits)

    def _common_words(self, searcher: tantivy.Searcher, words: list[str], *, has_boosts: bool,
                      field: str = "text") -> set[str]:
        """Query words in more than COMMON_WORD_SHARE of the documents, when something rarer
        (another word or a boost term) is there to find the candidates instead (as Lucene's
        former cutoff_frequency): BM25 gives such words little weight anyway."""
        total = searcher.num_docs
        if total < self.common_word_min_docs or not words:
            return set()
        common = {word for word in words if searcher.doc_freq(field, word) > self.common_word_share * total}
        return common if (has_boosts or len(common) < len(words)) else set()

    def count(self, kind: Kind, filters: Sequence[Filter] = ()) -> int:
        state = self._state(kind)
        searcher = self._searcher(state)
        return searcher.search(self._filter_query(state, filters), limit=1, count=True).count

    def scan(self, kind: Kind) -> Iterator[IndexHit]:
        """Every live document of one committed snapshot, a page of `_key` space at a time."""
        state = self._state(kind)
        searcher = self._searcher(state)
        live = _live(state)
        total = searcher.search(live, limit=1, count=True).count
        if total == 0:
            return
        pages = max(1, math.ceil(total / SCAN_PAGE))
        span = 2**64 // pages
        lower = -(2**63)
        for page in range(pages):
            upper = 2**63 - 1 if page == pages - 1 else lower + span - 1
            page_query = Query.boolean_query(
                [
                    (Occur.Must, live),
                    (Occur.Must, Query.range_query(state.schema, "_key", tantivy.FieldType.Integer, lower, upper, use_inverted_index=True)),
                ]
            )
            found = searcher.search(page_query, limit=SCAN_PAGE, count=True)
            hits = found.hits
            if found.count > len(hits):  # a page the hash filled above average
                hits = searcher.search(page_query, limit=found.count, count=False).hits
            yield from self._hits(searcher, hits)
            lower = upper + 1

    def ping(self) -> bool:
        return not self._closed and all((self.path / kind.value).is_dir() for kind in Kind)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            if not self.read_only:
                self._commit_locked()
            self._closed = True
            self._wake.notify_all()
            self._committed.notify_all()
        if self.read_only:
            return
        self._committer.join(timeout=5)
        for state in self._kinds.values():
            state.writer.wait_merging_threads()

    def __enter__(self) -> TantivyIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TantivyIndex({str(self.path)!r}{', read_only=True' if self.read_only else ''})"

    # --- commit ---------------------------------------------------------------------------------

    def _mark_dirty(self, state: _KindIndex) -> None:
        state.dirty = True
        if self._first_dirty_at is None:
            self._first_dirty_at = time.monotonic()
            self._wake.notify()

    def _commit_loop(self) -> None:
        with self._lock:
            while not self._closed:
                if self._first_dirty_at is None:
                    self._wake.wait()
                    continue
                due = self._first_dirty_at + self.commit_interval_s - time.monotonic()
                if due > 0:
                    self._wake.wait(due)  # releases the lock: writers go on meanwhile
                    continue
                try:
                    self._commit_locked()
                except Exception:  # a full disk, say: keep the writes pending and try again
                    log.exception("search index commit failed; retrying in %.1fs", COMMIT_RETRY_S)
                    self._first_dirty_at = time.monotonic() + COMMIT_RETRY_S

    def _commit_locked(self) -> None:
        """Commit every kind with writes, reload its searcher, then drop its overlay (in that order,
        so a reader always finds a write either in the overlay or in the searcher)."""
        for state in self._kinds.values():
            if state.dirty:
                state.writer.commit()
                state.index.reload()
                state.pending.clear()
                state.dirty = False
        self._first_dirty_at = None
        self._commits += 1
        self._committed.notify_all()

    # --- helpers --------------------------------------------------------------------------------

    def _searcher(self, state: _KindIndex) -> tantivy.Searcher:
        """The searcher of the last commit; a reader first reloads when the writer committed since
        it last looked (at most every READER_CHECK_S; a stat of meta.json, which each commit replaces)."""
        if self.read_only:
            now = time.monotonic()
            if now - state.meta_checked_at >= READER_CHECK_S:
                state.meta_checked_at = now
                try:
                    stat = os.stat(state.meta_file)
                    mark = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
                except OSError:
                    mark = None
                if mark != state.meta_seen:
                    state.index.reload()
                    state.meta_seen = mark
        return state.index.searcher()

    def _state(self, kind: Kind) -> _KindIndex:
        try:
            return self._kinds[Kind(kind)]
        except ValueError:
            raise ValueError(f"unknown index kind {kind!r}") from None

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the search index is closed")
        if self.read_only:
            raise RuntimeError("this search index is opened read-only (the writer is another process)")

    def _held(self, state: _KindIndex, ids: list[str]) -> dict[str, _Held]:
        """Versions held for these ids: the overlay first, then one lookup in the committed index."""
        held: dict[str, _Held] = {}
        missing: dict[int, str] = {}
        for doc_id in ids:
            pending = state.pending.get(doc_id)
            if pending is not None:
                held[doc_id] = pending
            else:
                missing[id_key(doc_id)] = doc_id
        if not missing:
            return held
        searcher = state.index.searcher()
        if searcher.num_docs == 0:
            return held
        query = Query.term_set_query(state.schema, "id", list(missing.values()))
        addresses = [address for _, address in searcher.search(query, limit=2 * len(missing), count=False).hits]
        if not addresses:
            return held
        keys = searcher.fast_field_values("_key", addresses)
        versions = searcher.fast_field_values("version", addresses)
        lives = searcher.fast_field_values("_live", addresses)
        for key, version, live in zip(keys, versions, lives, strict=True):
            doc_id = missing.get(key)
            if doc_id is not None and (doc_id not in held or held[doc_id].version < version):
                held[doc_id] = _Held(version, bool(live))
        return held

    def _hits(self, searcher: tantivy.Searcher, scored: Sequence[tuple[float, tantivy.DocAddress]]) -> list[IndexHit]:
        if not scored:
            return []
        addresses = [address for _, address in scored]
        versions = searcher.fast_field_values("version", addresses)
        hits = []
        for (score, address), version in zip(scored, versions, strict=True):
            stored = searcher.doc(address)
            raw = stored.get_first("source")
            hits.append(IndexHit(stored.get_first("id"), version, float(score), _decode_source(raw) if raw else {}))
        return hits

    def _document(self, state: _KindIndex, doc: IndexDoc) -> tantivy.Document:
        """The tantivy document for an IndexDoc; raises ValueError naming a bad field.

        This is the ingest hot path (≥ 20,000 a second), so tantivy's own typed conversion does
        most checking (it names the field); only what it would let through is checked here."""
        _check_id(doc.id)
        _check_version(doc.version)
        unknown = doc.fields.keys() - state.fields.keys()
        if unknown:
            raise ValueError(f"{state.kind} document {doc.id}: unknown field(s) {sorted(unknown)}")
        values = {name: value for name, value in doc.fields.items() if value is not None}
        for name in state.text_fields:
            if name in values:
                if type(values[name]) is not str:
                    raise ValueError(f"{state.kind} document {doc.id}: field {name!r}: expected text")
                values[name] = self._cutter.index_text(values[name])
        for name in state.int_fields:
            if type(values.get(name)) is bool:  # tantivy would store true as 1
                raise ValueError(f"{state.kind} document {doc.id}: field {name!r}: expected an integer")
        for name in state.float_fields:
            value = values.get(name)
            if type(value) is float and not math.isfinite(value):
                raise ValueError(f"{state.kind} document {doc.id}: field {name!r}: expected a finite number")
        try:
            values["source"] = _encode_source(doc.source)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{state.kind} document {doc.id}: source is not JSON: {error}") from None
        values["id"] = doc.id
        values["_key"] = id_key(doc.id)
        values["version"] = doc.version
        values["_live"] = True
        try:
            return tantivy.Document.from_dict(values, state.schema)
        except ValueError as error:  # "Expected I64 type for field level, got '5'"
            raise ValueError(f"{state.kind} document {doc.id}: {error}") from None

    # --- queries --------------------------------------------------------------------------------

    def _compile(self, state: _KindIndex, query: SearchQuery, words: list[str], common: set[str] = frozenset()) -> Query:
        relevance: list[Query] = []
        for word in words:
            if word not in common:
                relevance.append(Query.term_query(state.schema, query.text_field, word, index_option=_TEXT_OPTION))
        for field_name, value in query.boost_terms:
            if state.fields.get(field_name) is not FieldType.keyword:
                raise ValueError(f"boost term field {field_name!r} is not a keyword field of {state.kind}")
            relevance.append(
                Query.const_score_query(
                    Query.term_query(state.schema, field_name, str(value), index_option=_KEYWORD_OPTION),
                    BOOST_TERM_WEIGHT,
                )
            )
        required = query.require_relevance and bool(relevance)
        filter_clauses = self._filter_clauses(state, query.filters, tombstones_excluded=required)
        # Filters decide membership only: wrapped to score 0, so relevance is text and boosts alone.
        clauses = [(Occur.Must, Query.const_score_query(_conjunction(filter_clauses), 0.0))] if filter_clauses else []
        if relevance:
            any_relevant = relevance[0] if len(relevance) == 1 else Query.boolean_query([(Occur.Should, c) for c in relevance])
            clauses.append((Occur.Must if required else Occur.Should, any_relevant))
        if common:
            scoring_only = [Query.term_query(state.schema, query.text_field, word, index_option=_TEXT_OPTION)
                            for word in common]
            clauses.extend((Occur.Should, clause) for clause in scoring_only)
        if query.boosts:
            # The first cut of ranking: each boost only adds its weight, it never admits a document.
            if not any(occur == Occur.Must for occur, _ in clauses):
                clauses.append((Occur.Must, Query.const_score_query(self._live_or_all(state, required), 0.0)))
            for boost in query.boosts:
                clauses.append((Occur.Should, Query.const_score_query(self._filter(state, boost.filter), float(boost.weight))))
        # With no relevance clause the filters alone decide, require_relevance or not (docs/matching.md).
        return Query.boolean_query(clauses)

    def _live_or_all(self, state: _KindIndex, tombstones_excluded: bool) -> Query:
        return Query.all_query() if tombstones_excluded else _live(state)

    def _filter_query(self, state: _KindIndex, filters: Sequence[Filter]) -> Query:
        return _conjunction(self._filter_clauses(state, filters, tombstones_excluded=False))

    def _filter_clauses(self, state: _KindIndex, filters: Sequence[Filter], *, tombstones_excluded: bool) -> list[Query]:
        clauses = [self._filter(state, f) for f in filters]
        # Every clause costs a pass over its posting list, and `_live` matches nearly every
        # document: add it only when nothing else keeps tombstones (which hold no field) out.
        if not tombstones_excluded and not any(_excludes_tombstones(f) for f in filters):
            clauses.append(_live(state))
        return clauses

    def _filter(self, state: _KindIndex, node: Filter) -> Query:
        if isinstance(node, Terms):
            field_type = _filter_field(state, node.field)
            if field_type is FieldType.text:
                raise ValueError(f"filter on text field {node.field!r}: use SearchQuery.text")
            values = [_term_value(node.field, field_type, value) for value in node.values]
            if not values:
                return Query.empty_query()
            distinct = list(dict.fromkeys(values))
            if field_type is FieldType.keyword and len(distinct) > SMALL_TERM_SET:
                return Query.term_set_query(state.schema, node.field, distinct)
            # A few terms: a union of term queries, which an intersection can skip through,
            # where a term set first collects every matching document (measured: bench/).
            option = _KEYWORD_OPTION if field_type is FieldType.keyword else "position"
            terms = [Query.term_query(state.schema, node.field, value, index_option=option) for value in distinct]
            return terms[0] if len(terms) == 1 else Query.boolean_query([(Occur.Should, t) for t in terms])
        if isinstance(node, Range):
            field_type = _filter_field(state, node.field)
            if field_type not in (FieldType.int, FieldType.float):
                raise ValueError(f"range filter on {field_type} field {node.field!r}: only int and float fields")
            if node.gte is None and node.lte is None:
                return Query.exists_query(node.field)
            if field_type is FieldType.int:
                lower = None if node.gte is None else math.ceil(node.gte)
                upper = None if node.lte is None else math.floor(node.lte)
                if lower is not None and upper is not None and lower > upper:
                    return Query.empty_query()
                return Query.range_query(state.schema, node.field, tantivy.FieldType.Integer, lower, upper)
            lower_f = None if node.gte is None else float(node.gte)
            upper_f = None if node.lte is None else float(node.lte)
            if lower_f is not None and upper_f is not None and lower_f > upper_f:
                return Query.empty_query()
            return Query.range_query(state.schema, node.field, tantivy.FieldType.Float, lower_f, upper_f)
        if isinstance(node, AnyOf):
            if not node.clauses:
                return Query.empty_query()
            return Query.boolean_query([(Occur.Should, self._filter(state, c)) for c in node.clauses])
        if isinstance(node, AllOf):
            if not node.clauses:
                return Query.all_query()
            return Query.boolean_query([(Occur.Must, self._filter(state, c)) for c in node.clauses])
        raise ValueError(f"not a filter: {node!r}")


# --- pure helpers -------------------------------------------------------------------------------


def _conjunction(clauses: list[Query]) -> Query:
    if not clauses:
        return Query.all_query()
    return clauses[0] if len(clauses) == 1 else Query.boolean_query([(Occur.Must, c) for c in clauses])


def _live(state: _KindIndex) -> Query:
    return Query.term_query(state.schema, "_live", True)


def _excludes_tombstones(node: Filter) -> bool:
    """True when no tombstone can match the filter: it needs a value in a field tombstones lack."""
    if isinstance(node, Terms):
        return node.field != "id"
    if isinstance(node, Range):
        return True
    if isinstance(node, AllOf):
        return any(_excludes_tombstones(c) for c in node.clauses)
    if isinstance(node, AnyOf):
        return all(_excludes_tombstones(c) for c in node.clauses)
    return False


def _filter_field(state: _KindIndex, name: str) -> FieldType:
    if name == "id":
        return FieldType.keyword
    field_type = state.fields.get(name)
    if field_type is None:
        raise ValueError(f"filter on unknown field {name!r} of {state.kind}")
    return field_type


def _term_value(field_name: str, field_type: FieldType, value: Any) -> Any:
    """A filter value in the field's type (strict: a wrong type is a caller's bug, not a miss)."""
    if field_type is FieldType.keyword:
        if not isinstance(value, str):
            raise ValueError(f"filter {field_name!r}: keyword values are strings, got {value!r}")
        return value
    if field_type is FieldType.bool:
        if not isinstance(value, bool):
            raise ValueError(f"filter {field_name!r}: expected true/false, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"filter {field_name!r}: expected a number, got {value!r}")
    if field_type is FieldType.int:
        if value != int(value):
            raise ValueError(f"filter {field_name!r}: expected an integer, got {value!r}")
        return int(value)
    return float(value)


def _check_id(doc_id: str) -> None:
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > MAX_ID_LENGTH:
        raise ValueError(f"document id must be a non-empty string of at most {MAX_ID_LENGTH} characters: {doc_id!r}")


def _check_version(version: int) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version < MAX_VERSION:
        raise ValueError(f"version must be an integer in [0, 2^62): {version!r}")


def _rewrite_legacy_erasures(state: _KindIndex) -> int:
    """Tombstones an older version wrote at LEGACY_ERASED_VERSION become tombstones at
    UNKNOWN_ERASURE_VERSION (once: a rewritten index has none left); returns how many."""
    searcher = state.index.searcher()
    tombstones = Query.term_query(state.schema, "_live", False)
    total = searcher.search(tombstones, limit=1, count=True).count
    if total == 0:
        return 0
    addresses = [address for _, address in searcher.search(tombstones, limit=total, count=False).hits]
    versions = searcher.fast_field_values("version", addresses)
    legacy = [searcher.doc(a).get_first("id") for a, v in zip(addresses, versions, strict=True) if v >= LEGACY_ERASED_VERSION]
    for doc_id in legacy:
        state.writer.delete_documents_by_term("id", doc_id)
        state.writer.add_document(tantivy.Document.from_dict(
            {"id": doc_id, "_key": id_key(doc_id), "version": UNKNOWN_ERASURE_VERSION, "_live": False}, state.schema))
    if legacy:
        state.writer.commit()
        state.index.reload()
        log.info("%s index: %d erasure tombstone(s) of an older version now read as erased at an unknown version",
                 state.kind, len(legacy))
    return len(legacy)


def _check_window(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")
    if limit + offset > MAX_RESULT_WINDOW:
        raise ValueError(f"offset + limit must be at most {MAX_RESULT_WINDOW}")
