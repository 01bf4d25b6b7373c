"""Index generations on disk and the `IndexHolder` a running service reads its index through.

Embedded (tantivy): the index lives in `<index root>/generations/<name>/`, and the file
`<index root>/current` names the generation in use. A replay (replay.py) fills a new generation and
replaces `current` atomically; a running service's `IndexHolder` notices the switch, opens the new
generation, copies over whatever its consumer wrote to the old one meanwhile (newer versions only),
then retires it. `open_index(settings)` is where the adapter is chosen.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from services.matching.documents import doc_from_source
from services.matching.index.port import IndexDoc, Kind, SearchIndex

if TYPE_CHECKING:
    from services.matching.settings import Settings

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
            # a reader process leaves carrying the gap's writes over to the writer process
            copied = 0 if getattr(new, "read_only", False) else copy_newer(old, new)
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


# --- choosing and opening the index -------------------------------------------------------------


def index_root(settings: Settings) -> Path:
    return settings.index_path or settings.home / "index"


def open_tantivy(path: Path, settings: Settings | None = None, *, read_only: bool = False) -> SearchIndex:
    from services.matching.index.tantivy import TantivyIndex

    interval = settings.index_commit_interval_s if settings else 0.1
    return TantivyIndex(path, commit_interval_s=interval, read_only=read_only)


def open_index(settings: Settings, *, read_only: bool = False) -> IndexHolder:
    """The search index the settings select, held so a replay can switch it. `read_only`: an HTTP
    process beside a separate worker process that writes the embedded index (one writer only)."""
    if settings.elasticsearch_url:
        from services.matching.index.elastic import ElasticsearchIndex

        return IndexHolder.fixed(ElasticsearchIndex(settings.elasticsearch_url, prefix=settings.elasticsearch_prefix))
    root = index_root(settings)
    opener = lambda folder: open_tantivy(folder, settings, read_only=read_only)  # noqa: E731
    return IndexHolder(opener(ensure_generation(root)), root=root, opener=opener)
