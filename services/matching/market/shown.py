"""Which workers each candidates answer showed, at which rank (the placement feedback loop).

The candidates route calls `ShownLists.record` with the ids it answered: a non-blocking put on a
bounded queue (a full queue drops the list and counts it — the answer is never slowed). A
background thread drains the queue in batches into `market_shown` (one row per worker–posting pair
and ranking-weights fingerprint, with the best rank and the first time it was shown), records each
fingerprint's weights once, and sweeps rows older than `retention_days`. No personal data: ids,
ranks and times only; `worker.erased` deletes the worker's rows (outcomes.forget_workers). With
`autostart` (the service's setting), the first record starts the writer, so an HTTP process that
runs no workers (`serve --no-workers`, several processes) writes what it showed as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from services.common.ports import MetricSample
from services.matching.market.outcomes import market_ranking_variants, market_shown
from services.matching.market.store import _insert, utc_now

log = logging.getLogger(__name__)


def fingerprint(weights: Any) -> str:
    """12 hex digits naming a set of ranking weights (normalised, so 2:1 and 0.66:0.33 are one variant)."""
    values = weights.normalised() if hasattr(weights, "normalised") else dict(weights)
    canonical = json.dumps({k: round(v, 6) for k, v in sorted(values.items())}, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


class ShownLists:
    """The recorder of shown candidate lists: `record` on the request path, a thread for the writes."""

    def __init__(self, engine: Engine, *, retention_days: int = 180, max_queued: int = 10_000,
                 flush_every_s: float = 0.5, sweep_every_s: float = 3600.0,
                 clock: Callable[[], dt.datetime] = utc_now, autostart: bool = False):
        self.engine = engine
        self.retention_days = retention_days
        self.flush_every_s = flush_every_s
        self.sweep_every_s = sweep_every_s
        self.clock = clock
        self.dropped = 0
        self.written = 0
        self._queue: queue.Queue[tuple[str, tuple[str, ...], str, dict[str, float] | None, dt.datetime]] = \
            queue.Queue(max_queued)
        self._fingerprints: dict[int, tuple[Any, str, dict[str, float]]] = {}
        self._known: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_sweep = 0.0
        self._write_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self.autostart = autostart

    # -- the request path -------------------------------------------------------------------------

    def record(self, posting_id: str, worker_ids: Sequence[str], weights: Any) -> None:
        """Queue one answer (microseconds; never raises, never waits)."""
        if not worker_ids:
            return
        cached = self._fingerprints.get(id(weights))
        if cached is None or cached[0] is not weights:
            values = weights.normalised() if hasattr(weights, "normalised") else dict(weights)
            cached = (weights, fingerprint(weights), values)
            self._fingerprints[id(weights)] = cached
        try:
            self._queue.put_nowait((posting_id, tuple(worker_ids), cached[1], cached[2], self.clock()))
        except queue.Full:
            self.dropped += 1
        if self._thread is None and self.autostart:  # an HTTP process without workers writes its own
            self.start()

    def metric_samples(self) -> list[MetricSample]:
        """For /metrics (the app gathers every background loop's samples at scrape time)."""
        return [
            MetricSample("talentflow_market_shown_lists_dropped", "counter",
                         "candidates answers not recorded because the shown-lists queue was full", {}, self.dropped),
            MetricSample("talentflow_market_shown_rows_written", "counter",
                         "worker-posting rows of shown candidate lists written", {}, self.written),
            MetricSample("talentflow_market_shown_lists_queued", "gauge",
                         "candidates answers waiting to be written", {}, self._queue.qsize()),
        ]

    # -- the background writer --------------------------------------------------------------------

    def flush(self) -> int:
        """Write everything queued now (the thread calls this; tests and stop() too)."""
        batch = []
        while True:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        if not batch:
            return 0
        rows: dict[tuple[str, str, str], dict[str, Any]] = {}
        variants: dict[str, tuple[dict[str, float], dt.datetime]] = {}
        for posting_id, worker_ids, print_, values, at in batch:
            if print_ not in self._known:
                variants.setdefault(print_, (values or {}, at))
            for rank, worker_id in enumerate(worker_ids, start=1):
                key = (posting_id, worker_id, print_)
                held = rows.get(key)
                if held is None:
                    rows[key] = {"posting_id": posting_id, "worker_id": worker_id, "fingerprint": print_,
                                 "rank": rank, "shown_at": at}
                elif rank < held["rank"]:
                    held["rank"] = rank
        s = market_shown
        with self._write_lock, self.engine.begin() as conn:
            if variants:
                stmt = _insert(conn, market_ranking_variants).on_conflict_do_nothing(index_elements=["fingerprint"])
                conn.execute(stmt, [{"fingerprint": f, "weights": w, "first_seen": at} for f, (w, at) in variants.items()])
            stmt = _insert(conn, s)
            stmt = stmt.on_conflict_do_update(
                index_elements=[s.c.posting_id, s.c.worker_id, s.c.fingerprint],
                set_={"rank": sa.case((stmt.excluded.rank < s.c.rank, stmt.excluded.rank), else_=s.c.rank)},
            )
            conn.execute(stmt, sorted(rows.values(), key=lambda r: (r["posting_id"], r["worker_id"], r["fingerprint"])))
        self._known.update(variants)
        self.written += len(rows)
        return len(rows)

    def sweep(self, now: dt.datetime | None = None) -> int:
        """Delete what was shown longer ago than the retention period."""
        cutoff = (now or self.clock()) - dt.timedelta(days=self.retention_days)
        with self._write_lock, self.engine.begin() as conn:
            result = conn.execute(market_shown.delete().where(market_shown.c.shown_at < cutoff))
        return max(result.rowcount or 0, 0)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.flush()
                if time.monotonic() - self._last_sweep >= self.sweep_every_s:
                    self.sweep()
                    self._last_sweep = time.monotonic()
            except Exception as exc:  # noqa: BLE001 — a failed write is retried at the next tick
                log.warning("recording shown candidate lists failed (%s)", type(exc).__name__)
            self._stop.wait(self.flush_every_s)

    def start(self) -> None:
        with self._start_lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="market-shown-lists", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        try:
            self.flush()
        except Exception as exc:  # noqa: BLE001 — stopping must not fail on a closed store
            log.warning("could not write the last shown lists (%s)", type(exc).__name__)
