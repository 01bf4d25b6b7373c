"""`talentflow replay matching`: rebuild the search index from the event log, then switch to it.

The log is the source of truth (DESIGN §6): reading `talentflow.workers` and `talentflow.postings`
from the beginning with a fresh consumer group and folding every batch through the same
`handlers.apply_to_index` the live consumer uses gives the same documents at the same versions.

- Embedded (tantivy): the index lives in `<index root>/generations/<name>/`, and the file
  `<index root>/current` names the generation in use. A replay fills a new generation, closes it,
  and replaces `current` atomically (`os.replace`). A running service notices the switch
  (`IndexHolder`), opens the new generation, copies over whatever its consumer wrote to the old
  one meanwhile (newer versions only, so nothing written in the gap is lost), then retires it.
- Elasticsearch: the replay folds the log into a temporary embedded index, then
  `ElasticsearchIndex.rebuild` fills a new generation and swaps the alias in one call; the tail
  of the log that arrived meanwhile is applied to the alias afterwards (versions make it safe).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from services.common.events import decode
from services.common.ports import EventLog
from services.matching import handlers
from services.matching.consumers import TOPICS
from services.matching.documents import doc_from_source
from services.matching.search import IndexDoc, Kind, SearchIndex

log = logging.getLogger(__name__)

POINTER = "current"
GENERATIONS = "generations"
COPY_BATCH = 1000


# --- generations on disk ------------------------------------------------------------------------


def current_generation(root: Path) -> Path | None:
    pointer = root / POINTER
    if not pointer.exists():
        return None
    name = pointer.read_text("utf-8").strip()
    return root / GENERATIONS / name if name else None


def new_generation(root: Path) -> Path:
    # Names sort in creation order (retire_generations relies on it): UTC time to the nanosecond.
    now_ns = time.time_ns()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now_ns // 10**9))
    folder = root / GENERATIONS / f"g{stamp}.{now_ns % 10**9:09d}-{uuid.uuid4().hex[:4]}"
    folder.mkdir(parents=True)
    return folder


def switch_generation(root: Path, folder: Path) -> None:
    """Point `current` at a generation: written aside, then renamed over (atomic on POSIX)."""
    root.mkdir(parents=True, exist_ok=True)
    temporary = root / f".{POINTER}.{uuid.uuid4().hex}"
    temporary.write_text(folder.name, "utf-8")
    os.replace(temporary, root / POINTER)


def ensure_generation(root: Path) -> Path:
    """The generation in use, created on first start."""
    folder = current_generation(root)
    if folder is not None and folder.is_dir():
        return folder
    folder = new_generation(root)
    switch_generation(root, folder)
    return folder


def retire_generations(root: Path, keep: int = 1) -> list[Path]:
    """Delete old generations, keeping the current one and `keep` before it (to roll back by hand)."""
    current = current_generation(root)
    folders = sorted((p for p in (root / GENERATIONS).glob("g*") if p.is_dir() and p != current), key=lambda p: p.name)
    doomed = folders[: max(0, len(folders) - keep)]
    for folder in doomed:
        shutil.rmtree(folder, ignore_errors=True)
    return doomed


# --- the index a running service uses -----------------------------------------------------------


class IndexHolder:
    """The current `SearchIndex`; with a generation root, it follows the pointer a replay switches.

    Call it to get the index (`holder()`); the pointer file is looked at most every
    `check_every_s`, so the cost on the request path is one clock read.
    """

    def __init__(
        self,
        index: SearchIndex,
        *,
        root: Path | None = None,
        opener: Callable[[Path], SearchIndex] | None = None,
        check_every_s: float = 1.0,
        retire_after_s: float = 10.0,
    ) -> None:
        self._index = index
        self._root = root
        self._opener = opener
        self._generation = current_generation(root) if root else None
        self._check_every_s = check_every_s
        self._retire_after_s = retire_after_s
        self._next_check = time.monotonic() + check_every_s
        self._lock = threading.Lock()
        self.switches = 0

    @classmethod
    def fixed(cls, index: SearchIndex) -> IndexHolder:
        return cls(index)

    def __call__(self) -> SearchIndex:
        if self._root is not None and time.monotonic() >= self._next_check:
            self.check()
        return self._index

    def check(self) -> bool:
        """Switch to the generation `current` names, if it changed; True when it switched."""
        if self._root is None or self._opener is None:
            return False
        with self._lock:
            self._next_check = time.monotonic() + self._check_every_s
            named = current_generation(self._root)
            if named is None or named == self._generation or not named.is_dir():
                return False
            old, new = self._index, self._opener(named)
            copied = copy_newer(old, new)
            self._index, self._generation = new, named
            self.switches += 1
            log.info("matching index switched to generation %s (%d gap writes carried over)", named.name, copied)
        # Requests that started on the old index may still be reading it: close it a little later.
        timer = threading.Timer(self._retire_after_s, old.close)
        timer.daemon = True
        timer.start()
        return True

    def ping(self) -> bool:
        return self().ping()

    def close(self) -> None:
        self._index.close()


def copy_newer(source: SearchIndex, target: SearchIndex) -> int:
    """Carry into `target` every document (and deletion) of `source` newer than what `target` holds."""
    copied = 0
    for kind in Kind:
        live_in_source: set[str] = set()
        batch: list[IndexDoc] = []
        for hit in source.scan(kind):
            live_in_source.add(hit.id)
            batch.append(doc_from_source(kind, hit.id, hit.version, hit.source))
            if len(batch) >= COPY_BATCH:
                copied += _copy_batch(target, kind, batch)
                batch = []
        copied += _copy_batch(target, kind, batch)
        # A document the target has but the source deleted at a newer version goes too.
        target_ids = [hit.id for hit in target.scan(kind) if hit.id not in live_in_source]
        for start in range(0, len(target_ids), COPY_BATCH):
            ids = target_ids[start: start + COPY_BATCH]
            held_source, held_target = source.versions(kind, ids), target.versions(kind, ids)
            # a deletion or an erasure in the gap (a tombstone at its version): here too
            gone = [(i, v) for i, v in held_source.items() if v > held_target.get(i, -1)]
            if gone:
                copied += target.delete(kind, gone)
    target.refresh()
    return copied


def _copy_batch(target: SearchIndex, kind: Kind, batch: list[IndexDoc]) -> int:
    if not batch:
        return 0
    held = target.versions(kind, [d.id for d in batch])
    newer = [d for d in batch if d.version > held.get(d.id, -1)]
    return target.upsert(kind, newer) if newer else 0


# --- rebuilding from the log ------------------------------------------------------------------------


def read_log(
    event_log: EventLog,
    index: SearchIndex,
    *,
    group: str,
    poll_timeout_s: float = 0.5,
    idle_polls: int = 3,
    first_wait_s: float = 15.0,
    max_records: int = 5000,
) -> int:
    """Fold the worker and posting topics into `index` with `group`, until the log has no more.

    The end is three empty polls in a row after the first record (or `first_wait_s` with none:
    an empty log, or Kafka still assigning partitions). Returns how many records were read.
    """
    consumer = event_log.consumer(group, list(TOPICS), from_beginning=True)
    read, idle, started = 0, 0, time.monotonic()
    try:
        while True:
            records = consumer.poll(poll_timeout_s, max_records)
            if not records:
                idle += 1
                if (read and idle >= idle_polls) or (not read and time.monotonic() - started >= first_wait_s):
                    break
                continue
            idle = 0
            events = []
            for record in records:
                try:
                    events.append(decode(record))
                except ValueError:
                    log.warning("replay: skipping an undecodable record at %s[%d]@%d",
                                record.topic, record.partition, record.offset)
            _apply(index, events)
            consumer.commit(records)
            read += len(records)
    finally:
        consumer.close()
    return read


def _apply(index: SearchIndex, events: list) -> None:
    try:
        handlers.apply_to_index(index, events)
    except Exception:  # one bad event (the live consumer sent it to the DLQ): apply the rest alone
        for event in events:
            try:
                handlers.apply_to_index(index, [event])
            except Exception as error:  # noqa: BLE001
                log.warning("replay: skipping %s %s (%s)", event.type, event.id, type(error).__name__)


def _docs(index: SearchIndex, kind: Kind) -> Iterator[IndexDoc]:
    for hit in index.scan(kind):
        yield doc_from_source(kind, hit.id, hit.version, hit.source)


def replay_embedded(root: Path, event_log: EventLog, opener: Callable[[Path], SearchIndex], **read_options) -> Path:
    """Fill a new generation from the log and make it current; returns its folder."""
    folder = new_generation(root)
    index = opener(folder)
    try:
        count = read_log(event_log, index, group=f"matching-replay-{uuid.uuid4().hex[:12]}", **read_options)
        index.refresh()
    finally:
        index.close()
    switch_generation(root, folder)
    log.info("replay: %d records into %s", count, folder)
    return folder


def replay_elasticsearch(es_index, event_log: EventLog, opener: Callable[[Path], SearchIndex], **read_options) -> int:
    """Fold the log into a temporary embedded index, rebuild each Elasticsearch alias from it, then
    apply the tail that arrived meanwhile to the alias."""
    group = f"matching-replay-{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory(prefix="talentflow-replay-") as folder:
        staging = opener(Path(folder))
        try:
            count = read_log(event_log, staging, group=group, **read_options)
            staging.refresh()
            for kind in Kind:
                es_index.rebuild(kind, _docs(staging, kind))
        finally:
            staging.close()
    count += read_log(event_log, es_index, group=group, first_wait_s=1.0, **read_options)
    return count


def main(args: argparse.Namespace | None = None) -> int:
    """Entry point of `talentflow replay matching`."""
    from services.common.runtime import make_event_log
    from services.matching.app import Settings, index_root, open_tantivy

    settings = Settings()
    event_log = make_event_log(settings, client_id="talentflow-matching-replay")
    try:
        if settings.elasticsearch_url:
            from services.matching.index_elastic import ElasticsearchIndex

            es_index = ElasticsearchIndex(settings.elasticsearch_url, prefix=settings.elasticsearch_prefix)
            try:
                count = replay_elasticsearch(es_index, event_log, lambda path: open_tantivy(path, settings))
            finally:
                es_index.close()
            print(f"matching: replayed {count} records into Elasticsearch", file=sys.stderr)
        else:
            root = index_root(settings)
            folder = replay_embedded(root, event_log, lambda path: open_tantivy(path, settings))
            retire_generations(root)
            print(f"matching: index rebuilt from the log into {folder}", file=sys.stderr)
    finally:
        event_log.close()
    return 0
