"""The market's background work: the read-model consumer and the report scheduler.

- `MarketIngest.apply_read` is called by the index consumer (`matching-index`, consumers.py) with
  each batch of `talentflow.workers` and `talentflow.postings` it decoded: it keeps per entity only
  the newest event of the batch and applies the batch in one transaction of version-guarded
  upserts, before the index consumer commits its offsets (idempotent, at-least-once).
- `MarketHandover` catches the read model's former group `matching-market` up to where the index
  group stood, once, so an upgrade loses nothing.
- `ReportScheduler` publishes the report of each completed period once: a thread wakes every
  `check_every_s`, and the unique `schedule_key` makes a restarted (or second) scheduler harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from services.common import events
from services.common.consuming import ConsumerWorker
from services.common.contracts import SkillLevel
from services.common.loops import BackgroundLoop
from services.common.ports import EventLog, OffsetReporting, Record
from services.matching.handlers import WorkerRead, read_record
from services.matching.market.domain import Period, PeriodKind, monthly_wage
from services.matching.market.store import (
    AlreadyPublished,
    Clock,
    MarketRepository,
    PostingClosure,
    PostingRow,
    ReportMeta,
    WorkerRow,
)

log = logging.getLogger(__name__)

GROUP = "matching-market"
TOPICS = (events.WORKERS, events.POSTINGS)

# The event types this read model keeps; anything else on the topics is skipped.
HANDLED = frozenset({"worker.upserted", "worker.erased", "posting.upserted", "posting.closed"})


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    # Stored in UTC: SQLite keeps no zone, and comparisons against the wage window must agree.
    return None if moment is None else moment.astimezone(dt.UTC)


def worker_row(event: events.CloudEvent) -> WorkerRow:
    data = event.parsed()
    assert isinstance(data, events.WorkerUpserted)
    codes = [o.code for o in data.occupations if o.code]
    return WorkerRow(
        id=data.id,
        version=event.entityversion,
        matchable=data.matchable,
        level=SkillLevel(data.skill_level).rank,
        region=data.region,
        occupation=codes[0] if codes else None,
        occupations=" ".join(codes) or None,
        updated_at=_utc(data.updated_at),
    )


def worker_row_of(data: dict, version: int) -> WorkerRow:
    """`worker_row` from the data the fast reader gives (`handlers.read_worker_record`): the models'
    JSON form, so the same row without pydantic on the hot path (a unit test holds them equal)."""
    codes = [o["code"] for o in data["occupations"] if o.get("code")]
    return WorkerRow(
        id=data["id"],
        version=version,
        matchable=data["matchable"],
        level=_LEVEL_RANK[data["skill_level"]],
        region=data["region"],
        occupation=codes[0] if codes else None,
        occupations=" ".join(codes) or None,
        updated_at=_utc(dt.datetime.fromisoformat(data["updated_at"])) if data.get("updated_at") else None,
    )


_LEVEL_RANK = {level.value: level.rank for level in SkillLevel}


def posting_row(event: events.CloudEvent) -> PostingRow:
    data = event.parsed()
    assert isinstance(data, events.PostingUpserted)
    return _posting_row(data, event.entityversion)


def closed_posting_row(event: events.CloudEvent) -> PostingRow | None:
    """The posting a closing (posting.closed v2) carries, at the closing's version; None for v1."""
    data = event.parsed()
    assert isinstance(data, events.PostingClosed)
    return _posting_row(data.posting, event.entityversion) if data.posting is not None else None


def _posting_row(data: events.PostingUpserted, version: int) -> PostingRow:
    return PostingRow(
        id=data.id,
        version=version,
        org_id=data.org_id,
        status=data.status.value,
        kind=data.kind.value,
        occupation=data.occupation.code if data.occupation else None,
        min_level=data.min_skill_level.rank if data.min_skill_level else None,
        region=data.region,
        headcount=data.headcount,
        wage_month=monthly_wage(data.wage, data.duration_days),
        deadline=data.deadline,
        created_at=_utc(data.created_at),
        updated_at=_utc(data.updated_at),
    )


def posting_closure(event: events.CloudEvent) -> PostingClosure:
    data = event.parsed()
    assert isinstance(data, events.PostingClosed)
    return PostingClosure(data.id, event.entityversion, data.org_id, data.status.value, _utc(data.closed_at))


class MarketIngest:
    """Turns a batch of worker and posting events into one version-guarded write of the read model.

    Fed by the index consumer with the batch it decoded (`apply_read`: each record as
    `handlers.read_record` gives it), so every event is fetched and decoded once for both; `handle`
    decodes records itself (the old group's catch-up, `MarketHandover`, and tests).
    """

    def __init__(self, repository: MarketRepository):
        self.repository = repository

    def handle(self, records: list[Record]) -> None:
        self.apply_read([read_record(record) for record in records])

    def apply_read(self, items: Sequence[WorkerRead | events.CloudEvent]) -> None:
        """Keep the newest event of each type per entity, then apply upserts before removals.

        A posting's newest upsert (or the posting a v2 closure carries) is applied first and its
        closure after it; each statement is guarded by the stored version, so a closure older than
        a reopening upsert, or an upsert older than an erasure, changes nothing.
        """
        newest: dict[tuple[str, str], events.CloudEvent] = {}
        fast_workers: dict[str, WorkerRead] = {}  # worker.upserted read without the models
        for item in items:
            if type(item) is tuple:
                version, data = item
                held_fast = fast_workers.get(data["id"])
                if held_fast is None or version >= held_fast[0]:
                    fast_workers[data["id"]] = item
                continue
            event = item
            if event.type not in HANDLED:
                continue
            held = newest.get((event.type, event.subject))
            if held is None or event.entityversion >= held.entityversion:
                newest[(event.type, event.subject)] = event
        if not newest and not fast_workers:
            return
        by_type: dict[str, list[events.CloudEvent]] = {t: [] for t in HANDLED}
        for (event_type, _), event in newest.items():
            by_type[event_type].append(event)
        workers = {e.subject: worker_row(e) for e in by_type["worker.upserted"]}
        for worker_id, (version, data) in fast_workers.items():
            if worker_id not in workers or version >= workers[worker_id].version:
                workers[worker_id] = worker_row_of(data, version)
        # A closing without its posting's upsert in the batch brings the posting along (v2): after
        # compaction it is the posting's only record; the version guard keeps a held newer row.
        upserted = {e.subject for e in by_type["posting.upserted"]}
        carried = [row for e in by_type["posting.closed"] if e.subject not in upserted
                   and (row := closed_posting_row(e)) is not None]
        self.repository.apply(
            workers=list(workers.values()),
            erased=[(e.subject, e.entityversion) for e in by_type["worker.erased"]],
            postings=[posting_row(e) for e in by_type["posting.upserted"]] + carried,
            closures=[posting_closure(e) for e in by_type["posting.closed"]],
        )


def market_consumer(event_log: EventLog, repository: MarketRepository, **options) -> ConsumerWorker:
    """The read model's own group `matching-market` (before the index consumer fed it; now its
    catch-up, `MarketHandover`, and tests that feed the market alone)."""
    return ConsumerWorker(event_log, GROUP, TOPICS, MarketIngest(repository).handle, batch_handler=True,
                          name="market-consumer", **options)


class MarketHandover(BackgroundLoop):
    """Hands the feeding of the read model from the old group `matching-market` to the index
    consumer, losing nothing, once per installation.

    The index consumer's batches feed the read model from the moment this version runs. What the
    old group had not read yet when the index group stood at its committed offsets (an upgrade
    under load, or a read model that never consumed) is read by the old group up to there, then
    `market_feed.handed_over` is written and the old group is read no more. Both feeds are
    version-guarded upserts, so reading an event twice, or in another order, changes nothing.
    A fresh installation (no committed offsets) is handed over at the first check.
    """

    kind = "market handover"

    def __init__(self, event_log: EventLog, repository: MarketRepository, *, index_group: str,
                 clock: Clock, consumer_options: dict | None = None):
        super().__init__(name="market-handover", interval_s=60.0, backoff_s=1.0, backoff_max_s=30.0)
        self.event_log = event_log
        self.repository = repository
        self.index_group = index_group
        self.clock = clock
        self.consumer_options = consumer_options or {}
        self.done = False
        self.caught_up = 0  # records the old group read during the catch-up
        self._targets: dict[tuple[str, int], int] | None = None
        self._consumer: ConsumerWorker | None = None

    def run_once(self) -> int:
        """One step of the catch-up; 0 when there is nothing (more) to do."""
        if self.done:
            return 0
        if self.repository.handed_over():
            return self._finish(None)
        if not isinstance(self.event_log, OffsetReporting):
            return self._finish("the event log cannot report group offsets: fed by the index consumer")
        if self._targets is None:
            self._targets = dict(self.event_log.committed_offsets(self.index_group, TOPICS))
        old = self.event_log.committed_offsets(GROUP, TOPICS)
        behind = {tp: target for tp, target in self._targets.items() if old.get(tp, 0) < target}
        if not behind:
            return self._finish(f"{GROUP} at or past {self.index_group}'s offsets {sorted(self._targets.items())}")
        if self._consumer is None:
            log.info("market read model: %s is behind %s on %d partitions; catching up", GROUP,
                     self.index_group, len(behind))
            self._consumer = market_consumer(self.event_log, self.repository, **self.consumer_options)
        handled = self._consumer.run_once()
        self.caught_up += handled
        if not handled and self._read_to_the_end(behind):
            # committed below the target, yet nothing is left to read: the records between were
            # compacted away (an erasure's tombstone past its retention ends a partition)
            return self._finish(f"{GROUP} read to the end of the log")
        return handled or 1  # go on at once until handed over

    def _read_to_the_end(self, behind: dict[tuple[str, int], int]) -> bool:
        """True when this member holds every partition still behind and found nothing after its
        position on any (another replica's member may hold the others: then it says so itself)."""
        lags = self._consumer.lag_by_partition() if self._consumer is not None else {}
        return set(behind) <= set(lags) and all(lags[tp] == 0 for tp in behind)

    def _finish(self, note: str | None) -> int:
        if note is not None:
            self.repository.mark_handed_over(note, self.clock())
            log.info("market read model handed over to %s (%d records caught up): %s", self.index_group,
                     self.caught_up, note)
        self.done = True
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            consumer.stop()
        return 0

    def on_exit(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            consumer.stop()


class ReportScheduler(BackgroundLoop):
    """Publishes the report of the period that just ended, once, whatever the restarts.

    A `BackgroundLoop` (services/common/loops.py) that checks every `check_every_s`; a failed
    publication is retried at the next check.

    The report of a period is its market as it stood when the period closed (taken at the first
    check after it ended, so `as_of` says exactly when).
    """

    def __init__(self, publish: Callable[[Period, dt.datetime], ReportMeta], *, repository: MarketRepository,
                 kind: PeriodKind, check_every_s: float, clock: Clock):
        super().__init__(name="market-report-scheduler", interval_s=check_every_s, backoff_s=check_every_s,
                         backoff_max_s=check_every_s)
        self.publish = publish
        self.repository = repository
        self.kind = kind
        self.check_every_s = check_every_s
        self.clock = clock
        self.published: list[str] = []

    def due(self, now: dt.datetime) -> Period:
        return Period.containing(now, self.kind).previous()

    def run_once(self, now: dt.datetime | None = None) -> ReportMeta | None:
        """Publish the due period's report unless it exists; returns what was published."""
        now = now or self.clock()
        period = self.due(now)
        if self.repository.scheduled_exists(period.label):
            return None
        try:
            meta = self.publish(period, now)
        except AlreadyPublished:
            return None  # another replica won the race: the unique key kept it to one
        self.published.append(meta.id)
        log.info("published the market report of %s (%s)", period.label, meta.id)
        return meta

    kind = "market report schedule"

    def step(self) -> bool:
        self.run_once()
        return False  # one check per interval

    def describe_error(self, exc: Exception, delay: float) -> None:
        log.warning("market report publication failed (%s); retrying in %.0fs", type(exc).__name__, delay)
