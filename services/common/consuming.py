"""The consumer loop every service runs: poll, handle, commit — with retries and a dead-letter topic.

`ConsumerWorker` owns one group member of an `EventLog`. For each polled batch it calls the handler
(per record, or once with the whole batch when `batch_handler=True`) and commits the batch only
after the handler returned, i.e. after its effect is stored: delivery is at-least-once, so handlers
must be idempotent (DESIGN §6).

A record whose handler keeps raising is retried with exponential backoff (`backoff_s`, doubling, at
most `backoff_max_s`) up to `max_attempts` times, then published to `<topic><dlq_suffix>` with its
key, value and headers plus `error`, `error-attempts`, `original-topic`, `original-partition` and
`original-offset` headers, committed, and the worker goes on. A failing batch falls back to handling
its records one by one, so one poison message does not hold back the others.

Durability decoupled from handling: a batch handler may return a `Durability` (its effect is
written but made durable a little later, e.g. by a search index's next commit). `run_once()` makes
it durable at once (`now()`) and commits; so does the thread for a batch smaller than
`max_records` (caught up: nothing to overlap). Under a backlog the worker's thread (`pipeline` > 0)
goes on with the next batches and commits the offsets of each batch, in order, only once its
`Durability` is done — at most `pipeline` batches wait so. A failed cycle drops the waiting batches uncommitted:
a fresh member reads them again (at-least-once, as ever).

The worker thread never dies of an exception: it logs (never payloads: they may hold personal data),
backs off, and carries on with a fresh consumer. Counters are plain attributes for /metrics.

What operators see (DESIGN §6): `metric_samples()` gives the group's lag per topic (records after
this member's position on the partitions it holds, as the log reports its end: the local log's head,
Kafka's highwater from the fetch responses — not `end_offsets`, which the Tansu broker answers
wrongly), records handled and dead-lettered per topic; `health()` names what is wrong for /readyz:
a thread that died, or no progress for `stuck_after_s` while there is work (lag, or a batch in hand).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

from services.common.loops import BackgroundLoop, StopLoop
from services.common.ports import Consumer, EventLog, MetricSample, OutgoingMessage, Record

__all__ = ["ConsumerWorker", "Durability", "dead_letter_message"]


log = logging.getLogger(__name__)

_ERROR_HEADER_MAX = 1000  # bytes of repr(exception) kept in the DLQ's `error` header

RecordHandler = Callable[[Record], Any]
BatchHandler = Callable[[list[Record]], Any]


@runtime_checkable
class Durability(Protocol):
    """What a batch handler may return when its effect becomes durable later (see the module docstring)."""

    def done(self) -> bool: ...

    def wait(self, timeout_s: float) -> bool: ...

    def now(self) -> None: ...


class _Stopping(StopLoop):
    """Raised inside the loop when stop() was asked for during a backoff: leave without committing."""


def dead_letter_message(record: Record, error: BaseException, attempts: int, dlq_suffix: str = ".dlq") -> OutgoingMessage:
    """The DLQ copy of a record: same key, value and headers, plus what failed and where it came from."""
    headers = dict(record.headers)
    headers.update(
        {
            "error": repr(error).encode("utf-8", "replace")[:_ERROR_HEADER_MAX],
            "error-attempts": str(attempts).encode(),
            "original-topic": record.topic.encode("utf-8"),
            "original-partition": str(record.partition).encode(),
            "original-offset": str(record.offset).encode(),
        }
    )
    return OutgoingMessage(topic=record.topic + dlq_suffix, key=record.key, value=record.value, headers=headers)


class ConsumerWorker(BackgroundLoop):
    """Runs a handler over a consumer group's records, in a daemon thread or one cycle at a time.

    A `BackgroundLoop` (services/common/loops.py) whose wait is the poll itself; a failed cycle
    drops the group member (a fresh one re-reads from the committed offsets) and backs off.

    Use either `start()`/`stop()` or `run_once()` (tests), not both at once: the underlying consumer
    (kafka-python's in particular) must be driven from one thread.
    """

    def __init__(
        self,
        log: EventLog,
        group: str,
        topics: Sequence[str],
        handler: RecordHandler | BatchHandler,
        *,
        max_attempts: int = 5,
        backoff_s: float = 0.2,
        backoff_max_s: float = 30.0,
        dlq_suffix: str = ".dlq",
        batch_handler: bool = False,
        poll_timeout_s: float = 0.5,
        max_records: int = 500,
        from_beginning: bool = True,
        name: str | None = None,
        stuck_after_s: float = 120.0,
        clock: Callable[[], float] = time.monotonic,
        pipeline: int = 0,
    ) -> None:
        if isinstance(topics, str) or not topics:
            raise ValueError("topics must be a non-empty sequence of topic names")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        super().__init__(name=name or f"consumer-{group}", interval_s=0.0, backoff_s=backoff_s,
                         backoff_max_s=backoff_max_s, clock=clock)
        self.log = log
        self.group = group
        self.topics = list(topics)
        self.handler = handler
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.dlq_suffix = dlq_suffix
        self.batch_handler = batch_handler
        self.poll_timeout_s = poll_timeout_s
        self.max_records = max_records
        self.from_beginning = from_beginning
        # Counters, read by /metrics and tests.
        self.processed = 0  # records whose handler returned
        self.dead_lettered = 0  # records sent to the DLQ
        self.retries = 0  # handler calls repeated after a failure
        self.commits = 0
        self.errors = 0  # poll/commit/loop failures (not handler failures)
        self.dead_lettered_by_topic: dict[str, int] = {}
        self.stuck_after_s = stuck_after_s
        self._clock = clock
        # Lag per (topic, partition) as last seen from the loop's own thread (the consumer is
        # single-threaded); None until the log could tell.
        self._lag: dict[tuple[str, int], int] | None = None
        # The last moment the worker was known to be fine: it committed, or had nothing to do.
        self._healthy_at = clock()
        self._consumer: Consumer | None = None
        # Handled batches whose offsets wait for their Durability, oldest first (the thread's only).
        self.pipeline = pipeline
        self._pending: deque[tuple[list[Record], Durability | None]] = deque()

    # -- lifecycle ------------------------------------------------------------------------------

    kind = "consumer"

    def start(self) -> None:
        """Run the loop in a daemon thread until `stop()`."""
        if not self.alive:
            self._healthy_at = self._clock()
        super().start()

    def stop(self, timeout: float = 10.0) -> bool:  # type: ignore[override]
        """Ask the loop to finish its cycle, wait for it, and leave the group."""
        if not super().stop(timeout):
            return False  # the thread still owns the consumer; it closes it when it ends
        self._close_consumer()
        return True

    close = stop

    def on_error(self, exc: Exception) -> None:
        self.errors += 1
        # A fresh member re-reads from the committed offsets (waiting batches included): nothing is lost.
        self._pending.clear()
        self._close_consumer()

    def describe_error(self, exc: Exception, delay: float) -> None:
        log.warning("%s: consumer loop failed (%s); restarting the consumer", self.name, type(exc).__name__)
        log.debug("%s: consumer loop failure", self.name, exc_info=True)

    def on_exit(self) -> None:
        try:
            self._settle(wait_s=5.0)  # what became durable meanwhile need not be read again
        except Exception:  # noqa: BLE001
            log.debug("%s: could not commit the waiting batches on exit", self.name, exc_info=True)
        self._pending.clear()
        self._close_consumer()

    def _close_consumer(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            try:
                consumer.close()
            except Exception:  # noqa: BLE001
                log.debug("%s: consumer close failed", self.name, exc_info=True)

    # -- one cycle ------------------------------------------------------------------------------

    def run_once(self) -> int:
        """Poll once, handle what came, make it durable and commit it; returns how many records
        were taken care of."""
        return self._cycle(pipelined=False)

    def step(self) -> bool:
        return bool(self._cycle(pipelined=self.pipeline > 0))

    def _cycle(self, *, pipelined: bool) -> int:
        if self._consumer is None:
            self._consumer = self.log.consumer(self.group, self.topics, from_beginning=self.from_beginning)
        consumer = self._consumer
        if not pipelined:
            self._settle(wait_s=None)
        # With batches waiting, only look for more: their commit is waited for below, not in the poll.
        records = consumer.poll(0.0 if self._pending else self.poll_timeout_s, self.max_records)
        if not records:
            if self._pending:
                self._settle(wait_s=self.poll_timeout_s)
                return 0
            lag = self._observe_lag(consumer)
            if not lag:  # nothing to do (or the log cannot say): idle is healthy
                self._healthy_at = self._clock()
            return 0
        durability = None
        if self.batch_handler:
            durability = self._handle_batch(records)
        else:
            for record in records:
                self._handle_record(record)
        # Every record is now handled or dead-lettered: once durable, the group may move past them.
        # A batch smaller than asked for means the worker caught up: nothing to overlap with, so it
        # is made durable at once (event → searchable); a backlog is pipelined.
        if durability is not None and (not pipelined or len(records) < self.max_records):
            durability.now()
            durability = None
        self._pending.append((records, durability))
        self._settle(wait_s=None if not pipelined or len(self._pending) > self.pipeline else 0.0)
        self._observe_lag(consumer)
        return len(records)

    def _settle(self, *, wait_s: float | None) -> None:
        """Commit, in order, the waiting batches that are durable. `wait_s`: how long to wait for the
        oldest one (None: until it is, making it durable now when the loop is stopping)."""
        ready: list[Record] = []
        while self._pending:
            records, durability = self._pending[0]
            if durability is not None and not durability.done():
                if wait_s is None:
                    while not durability.wait(0.5):
                        if self._stop.is_set():
                            durability.now()
                            break
                elif not durability.wait(wait_s):
                    break
                wait_s = 0.0  # wait for the oldest only; take whatever else is done already
            self._pending.popleft()
            ready += records
        if ready and self._consumer is not None:
            self._consumer.commit(ready)
            self.commits += 1
            self._healthy_at = self._clock()

    def _handle_batch(self, records: list[Record]) -> Durability | None:
        try:
            result = self.handler(records)  # type: ignore[arg-type]
            self.processed += len(records)
            return result if isinstance(result, Durability) else None
        except Exception as exc:  # noqa: BLE001
            log.warning(
                "%s: batch of %d records failed (%s); handling them one by one",
                self.name, len(records), type(exc).__name__,
            )
        for record in records:
            self._handle_record(record)
        return None

    def _handle_record(self, record: Record) -> None:
        attempt = 0
        while True:
            attempt += 1
            try:
                result = self.handler([record] if self.batch_handler else record)  # type: ignore[arg-type]
                if isinstance(result, Durability):
                    result.now()  # the rare path of a failed batch: one record at a time, durable at once
                self.processed += 1
                return
            except Exception as exc:  # noqa: BLE001
                where = f"{record.topic}[{record.partition}]@{record.offset}"
                if attempt >= self.max_attempts:
                    log.error(
                        "%s: %s failed %d times (%s); sending it to the DLQ",
                        self.name, where, attempt, type(exc).__name__,
                    )
                    self._dead_letter(record, exc, attempt)
                    return
                self.retries += 1
                delay = self._backoff(attempt)
                log.warning(
                    "%s: %s failed (%s), attempt %d of %d; retrying in %.2f s",
                    self.name, where, type(exc).__name__, attempt, self.max_attempts, delay,
                )
                if self._stop.wait(delay):
                    raise _Stopping from None

    def _dead_letter(self, record: Record, error: Exception, attempts: int) -> None:
        message = dead_letter_message(record, error, attempts, self.dlq_suffix)
        failures = 0
        # The record is committed only once its DLQ copy is stored, so keep trying until then.
        while True:
            try:
                self.log.publish([message])
                self.dead_lettered += 1
                self.dead_lettered_by_topic[record.topic] = self.dead_lettered_by_topic.get(record.topic, 0) + 1
                return
            except Exception as exc:  # noqa: BLE001
                failures += 1
                self.errors += 1
                log.error("%s: DLQ publish to %s failed (%s)", self.name, message.topic, type(exc).__name__)
                if self._stop.wait(self._backoff(failures)):
                    raise _Stopping from None

    _backoff = BackgroundLoop.backoff

    # -- what operators see ---------------------------------------------------------------------

    def _observe_lag(self, consumer: Consumer) -> int | None:
        """Refresh the lag snapshot from the consumer's own thread (one query of the local log's
        heads, or Kafka's cached highwaters, per cycle); the total, or None when unknown."""
        lag_of = getattr(consumer, "lag", None)
        if lag_of is None:
            return None
        try:
            self._lag = dict(lag_of())
        except Exception as exc:  # noqa: BLE001 — a failed look is not a failed consumer
            log.debug("%s: lag unavailable (%s)", self.name, type(exc).__name__)
            return None
        return sum(self._lag.values())

    def lag_by_partition(self) -> dict[tuple[str, int], int]:
        """Records after this member's position per (topic, partition) it holds, as last seen ({}: unknown)."""
        return dict(self._lag or {})

    def lag_by_topic(self) -> dict[str, int]:
        """Records after this member's position, per topic, as last seen (topics held: 0 when caught up)."""
        snapshot = self._lag
        if snapshot is None:
            return {}
        totals = {topic: 0 for topic in self.topics}
        for (topic, _partition), lag in snapshot.items():
            totals[topic] = totals.get(topic, 0) + max(0, int(lag))
        return totals

    def health(self) -> str | None:
        """None when fine; else what is wrong, in words for /readyz. A worker never started is fine
        (in scale-out its HTTP process does not run it)."""
        if not self._wanted_running:
            return None
        if not self.alive:
            return f"consumer {self.group}: its thread died"
        stalled = self._clock() - self._healthy_at
        if stalled > self.stuck_after_s:
            lag = sum(self.lag_by_topic().values())
            return (f"consumer {self.group}: no progress for {stalled:.0f} s with work waiting"
                    f" (lag {lag}, {self.errors} loop errors)")
        return None

    def metric_samples(self) -> list[MetricSample]:
        labels = {"group": self.group}
        samples = [
            MetricSample("talentflow_consumer_records", "counter", "records handled by a consumer group", labels, self.processed),
            MetricSample("talentflow_consumer_errors", "counter", "poll/commit failures of a consumer loop", labels, self.errors),
            MetricSample("talentflow_consumer_up", "gauge", "1 while the consumer's thread runs",
                         labels, 1.0 if self.running else 0.0),
            MetricSample("talentflow_consumer_seconds_since_progress", "gauge",
                         "seconds since the consumer last committed or found nothing to do",
                         labels, max(0.0, self._clock() - self._healthy_at)),
        ]
        for topic, lag in sorted(self.lag_by_topic().items()):
            samples.append(MetricSample("talentflow_consumer_lag", "gauge",
                                        "records after the group's position, per topic (this member's partitions)",
                                        {**labels, "topic": topic}, lag))
        for topic in self.topics:
            samples.append(MetricSample("talentflow_dlq_messages", "counter", "records sent to the dead-letter topic",
                                        {**labels, "topic": topic}, self.dead_lettered_by_topic.get(topic, 0)))
        return samples
