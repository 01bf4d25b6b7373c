"""Event-log subscriptions of the matching service: decode, call a handler, return (then the
`ConsumerWorker` commits).

- `matching-index` reads `talentflow.workers` and `talentflow.postings` in batches and keeps the
  index and the market read model in step (version-guarded upserts, closings, erasures), each
  record decoded once for both. No offset is committed before the
  index holds the batch durably: on the embedded index the handler returns the index's
  `CommitTicket` and the worker commits the batch's offsets once the committer thread has committed
  it, reading and indexing the next batches meanwhile (`pipeline`); on Elasticsearch it refreshes.
- `matching-reactive` reads the same topics in its own group, waits until the index holds each
  change, and announces strong new pairs as `match.found` through the outbox: a slow announcement
  never holds back ingest.

A record that cannot be decoded or applied raises; the `ConsumerWorker` retries it alone with
backoff and then sends it to `<topic>.dlq`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.common.consuming import ConsumerWorker
from services.common.events import POSTINGS, WORKERS, decode
from services.common.ports import EventLog, KeyValue, Record
from services.common.uow import StoreUnavailable, UnitOfWork, driver_errors
from services.matching import handlers
from services.matching.index import SearchIndexUnavailable
from services.matching.index import SearchIndex
from services.matching.index.tantivy import CommitTicket, TantivyIndex

log = logging.getLogger(__name__)

INDEX_GROUP = "matching-index"
REACTIVE_GROUP = "matching-reactive"
TOPICS = (WORKERS, POSTINGS)


@dataclass
class IndexIngest:
    """The batch handler of the index consumer; counts what it did for /metrics and tests.

    Each record is fetched and decoded once (`handlers.read_record`) for both readers of the batch:
    the index, and the market read model (`market`, `MarketIngest.apply_read`), whose transaction
    commits before the index's commit ticket is handed back, so the offsets move only once both hold
    the batch.

    An index or a database that cannot be reached (Elasticsearch restarting, PostgreSQL failing
    over) is waited for up to `unavailable_wait_s` inside the handler, so a short outage delays
    ingest instead of sending every record of the moment to the DLQ.
    """

    index: Callable[[], SearchIndex]  # the current index (a replay may switch it)
    unavailable_wait_s: float = 20.0
    market: Callable[[Sequence[Any]], None] | None = None  # the market read model's feed
    totals: handlers.IngestResult = field(default_factory=handlers.IngestResult)

    def __call__(self, records: list[Record]) -> CommitTicket | None:
        """Apply the batch; returns what its durability waits for (the embedded index's next commit),
        or None when it is durable already."""
        read = [handlers.read_record(r) for r in records]  # all decoded before anything is written
        changes = [handlers.change_of_read(item, r) for item, r in zip(read, records, strict=True)]
        market = self.market
        deadline = time.monotonic() + self.unavailable_wait_s
        delay = 0.2
        while True:
            try:
                if market is not None:
                    with driver_errors():
                        market(read)
                    market = None  # stored: a retry of the index below does not write it again
                index = self.index()
                deferred = isinstance(index, TantivyIndex) and not index.read_only
                result = handlers.apply_changes(index, changes, refresh=not deferred)
                break
            except (SearchIndexUnavailable, StoreUnavailable) as exc:
                if time.monotonic() + delay > deadline:
                    raise
                log.warning("%s; retrying the batch in %.1f s", "search index unavailable"
                            if isinstance(exc, SearchIndexUnavailable) else "database unavailable", delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.totals.upserted += result.upserted
        self.totals.deleted += result.deleted
        self.totals.erased += result.erased
        self.totals.ignored += result.ignored
        return index.commit_ticket() if deferred else None


@dataclass
class ReactiveMatching:
    """The batch handler of the reactive consumer: announce strong new pairs, then wake the relay."""

    index: Callable[[], SearchIndex]
    uow: UnitOfWork[Any]  # matching's store (announced pairs) and its outbox
    key_value: KeyValue
    tuning: handlers.Tuning
    on_announced: Callable[[], None] = lambda: None  # wakes the outbox relay
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    announced: int = 0

    def __call__(self, records: list[Record]) -> None:
        events = [decode(r) for r in records]
        result = handlers.react(self.index(), self.uow, self.key_value, events, self.tuning, self.clock())
        if result.announced:
            self.announced += result.announced
            self.on_announced()


def index_consumer(log_: EventLog, ingest: IndexIngest, *, group: str = INDEX_GROUP, max_records: int = 2000,
                   pipeline: int = 4, **options: Any) -> ConsumerWorker:
    """The `matching-index` group: batches, their offsets committed once the index committed them
    (up to `pipeline` batches indexed meanwhile), DLQ after the kit's retries."""
    return ConsumerWorker(log_, group, TOPICS, ingest, batch_handler=True, max_records=max_records,
                          name=f"consumer-{group}", pipeline=pipeline, **options)


def reactive_consumer(log_: EventLog, reactive: ReactiveMatching, *, group: str = REACTIVE_GROUP,
                      **options: Any) -> ConsumerWorker:
    """The `matching-reactive` group: announcements, apart from ingest so they never slow it down."""
    return ConsumerWorker(log_, group, TOPICS, reactive, batch_handler=True, max_records=500,
                          name=f"consumer-{group}", **options)
