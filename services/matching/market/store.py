"""The market read model and the published reports: matching's market tables and the SQL on them.

The tables live in matching's store (SQLite embedded, PostgreSQL scale-out) beside the other
engineer's tables, with their own metadata and their own Alembic chain
(`market_migrations/`, version table `market_alembic_version`).

- `market_workers`: per worker what the figures need — matchable, skill level rank, region,
  primary and all occupation codes — fed by `worker.upserted`; `worker.erased` leaves a tombstone
  holding only the id and version (so a replayed older upsert cannot bring the worker back).
- `market_supply`: the number of seekers per (occupation, region, level), kept in step with
  `market_workers` by the consumer (`rebuild_supply` recomputes it from the workers);
- `market_postings`: per posting its status, kind, occupation, minimum level, region, headcount,
  monthly-equivalent wage, deadline and creation time, fed by `posting.upserted` / `posting.closed`.
- `market_reports`: immutable published reports: their tables (JSON) and the cell snapshot from
  which past periods and trends are answered.

Every write to the read model is a version-guarded upsert (`INSERT … ON CONFLICT DO UPDATE …
WHERE stored.version < new.version`), so replays and reordering change nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from services.common import events
from services.common.store import Outbox
from services.matching.market.domain import CST, MarketCells, Period, build_summary, report_title

metadata = sa.MetaData()

market_workers = sa.Table(
    "market_workers",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("matchable", sa.Boolean, nullable=False),
    sa.Column("erased", sa.Boolean, nullable=False),
    sa.Column("level", sa.SmallInteger, nullable=True),
    sa.Column("region", sa.String(6), nullable=True),
    sa.Column("occupation", sa.String(16), nullable=True),  # the primary (first coded) occupation
    sa.Column("occupations", sa.String(200), nullable=True),  # every code, space-separated
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    # Covers the supply query: an index-only scan grouped in index order.
    sa.Index("ix_market_workers_supply", "matchable", "occupation", "region", "level"),
)

# Seekers per (occupation, region, level), kept by the consumer in the transaction that changes a
# worker: a report reads these few hundred thousand counters, not a million workers. '' stands for
# "no occupation code" (key columns cannot be NULL).
market_supply = sa.Table(
    "market_supply",
    metadata,
    sa.Column("occupation", sa.String(16), primary_key=True),
    sa.Column("region", sa.String(6), primary_key=True),
    sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
    sa.Column("seekers", sa.Integer, nullable=False),
)

market_postings = sa.Table(
    "market_postings",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("org_id", sa.String(64), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=True),
    sa.Column("occupation", sa.String(16), nullable=True),
    sa.Column("min_level", sa.SmallInteger, nullable=True),
    sa.Column("region", sa.String(6), nullable=True),
    sa.Column("headcount", sa.Integer, nullable=False),
    sa.Column("wage_month", sa.Float, nullable=True),
    sa.Column("deadline", sa.Date, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
    # No secondary index: the figures read all postings in one sequential scan (compute_cells).
)

# Where the read model is fed from: a row `handed_over` once the old `matching-market` group's
# backlog was caught up and the index consumer's batches feed it alone (market/consumers.py).
market_feed = sa.Table(
    "market_feed",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

market_reports = sa.Table(
    "market_reports",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("period", sa.String(10), nullable=False),
    sa.Column("period_kind", sa.String(8), nullable=False),
    # The period for a scheduled report, NULL for an admin's: a restarted scheduler cannot publish
    # the same period twice (NULLs never collide, so admins may publish as often as they like).
    sa.Column("schedule_key", sa.String(16), nullable=True),
    sa.Column("trigger", sa.String(16), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("requested_by", sa.String(64), nullable=True),
    sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("cells", sa.LargeBinary, nullable=False),
    sa.UniqueConstraint("schedule_key", name="uq_market_reports_schedule_key"),
    sa.Index("ix_market_reports_period", "period", "published_at"),
    sa.Index("ix_market_reports_published", "published_at", "id"),
)

SOURCE = "/talentflow/matching"
_SUPPLY_LOCK = 0x6D61726B  # advisory lock serialising the read model's writers on PostgreSQL


def _supply_key(occupation: str | None, region: str | None, level: int | None) -> tuple[str, str, int] | None:
    return None if region is None or level is None else (occupation or "", region, level)


# --- read model rows -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkerRow:
    id: str
    version: int
    matchable: bool
    level: int | None
    region: str | None
    occupation: str | None
    occupations: str | None
    updated_at: dt.datetime | None

    def values(self, *, erased: bool = False) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "matchable": self.matchable and not erased, "erased": erased,
                "level": self.level, "region": self.region, "occupation": self.occupation,
                "occupations": self.occupations, "updated_at": self.updated_at}

    @classmethod
    def tombstone(cls, worker_id: str, version: int) -> WorkerRow:
        return cls(worker_id, version, False, None, None, None, None, None)


@dataclass(frozen=True, slots=True)
class PostingRow:
    id: str
    version: int
    org_id: str | None
    status: str
    kind: str | None
    occupation: str | None
    min_level: int | None
    region: str | None
    headcount: int
    wage_month: float | None
    deadline: dt.date | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class PostingClosure:
    id: str
    version: int
    org_id: str
    status: str
    closed_at: dt.datetime


def _insert(engine_or_conn: Engine | Connection, table: sa.Table):
    return (postgresql.insert if engine_or_conn.dialect.name == "postgresql" else sqlite.insert)(table)


def _guarded_upsert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]], columns: Sequence[str], *,
                    replace_equal: bool) -> None:
    """Insert rows, or overwrite `columns` of a stored row whose version is older (or equal)."""
    if not rows:
        return
    stmt = _insert(conn, table)
    newer = stmt.excluded.version >= table.c.version if replace_equal else stmt.excluded.version > table.c.version
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={name: stmt.excluded[name] for name in columns},
        where=newer,
    )
    conn.execute(stmt, rows)


WORKER_COLUMNS = ("version", "matchable", "erased", "level", "region", "occupation", "occupations", "updated_at")
POSTING_COLUMNS = ("version", "org_id", "status", "kind", "occupation", "min_level", "region", "headcount",
                   "wage_month", "deadline", "created_at", "updated_at")


# --- reports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportMeta:
    id: str
    period: str
    period_kind: str
    trigger: str
    title: str
    as_of: dt.datetime
    published_at: dt.datetime

    def as_dict(self, base_url: str = "") -> dict[str, Any]:
        return {
            "id": self.id,
            "period": self.period,
            "period_kind": self.period_kind,
            "trigger": self.trigger,
            "title": self.title,
            "as_of": _aware(self.as_of).isoformat(),
            "published_at": _aware(self.published_at).isoformat(),
            "url": f"{base_url}/v1/market/reports/{self.id}",
            "csv_url": f"{base_url}/v1/market/reports/{self.id}.csv",
        }


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


_META_COLUMNS = (
    market_reports.c.id, market_reports.c.period, market_reports.c.period_kind, market_reports.c.trigger,
    market_reports.c.title, market_reports.c.as_of, market_reports.c.published_at,
)


def _meta(row: Any) -> ReportMeta:
    return ReportMeta(row.id, row.period, row.period_kind, row.trigger, row.title, _aware(row.as_of),
                      _aware(row.published_at))


class AlreadyPublished(Exception):
    """The scheduled report of this period exists (another replica, or before a restart)."""


class EmptyPeriod(AlreadyPublished):
    """Nothing happened in the period and the market is empty: no scheduled report is published
    (a subclass of AlreadyPublished, so the scheduler skips it the same way and looks again later)."""


class MarketRepository:
    """Reads and writes of the market tables, and the live cells with a short-lived cache.

    The live cells are rebuilt from grouped SQL when older than `cache_s` or when this process's
    consumer changed the read model since (`invalidate`).
    """

    def __init__(self, engine: Engine, outbox: Outbox, *, cache_s: float = 5.0, wage_window_days: int = 365,
                 snapshot_cache: int = 16):
        self.engine = engine
        self.outbox = outbox
        self.cache_s = cache_s
        self.wage_window_days = wage_window_days
        self._lock = threading.Lock()
        self._generation = 0
        self._live: tuple[int, float, dt.date, MarketCells] | None = None
        self._snapshots: OrderedDict[str, MarketCells] = OrderedDict()
        self._snapshot_cache = snapshot_cache

    # -- where the read model is fed from --------------------------------------------------------

    def handed_over(self) -> bool:
        """True once the old consumer group's backlog was caught up (`MarketHandover`)."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(market_feed.c.name).where(market_feed.c.name == "handed_over")).first() is not None

    def mark_handed_over(self, note: str, at: dt.datetime) -> None:
        """Record the handover once (a second caller, another replica, changes nothing)."""
        with self.engine.begin() as conn:
            stmt = _insert(conn, market_feed).values(name="handed_over", value=note[:200], at=at)
            conn.execute(stmt.on_conflict_do_nothing(index_elements=[market_feed.c.name]))

    # -- read model writes ----------------------------------------------------------------------

    def apply(self, workers: Sequence[WorkerRow], erased: Sequence[tuple[str, int]],
              postings: Sequence[PostingRow], closures: Sequence[PostingClosure]) -> None:
        """Apply one batch of changes in one transaction, each guarded by its entity version.

        Workers move the seeker counters: the batch reads the rows it changes, works out which
        changes win their version guard and what each did to the counters, then writes rows and
        counter deltas together. Batches are serialised (SQLite's write lock; an advisory lock on
        PostgreSQL) so two consumers never count the same change twice.
        """
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SUPPLY_LOCK})
            if workers or erased:
                self._apply_workers(conn, workers, erased)
            _guarded_upsert(conn, market_postings, [p.values() for p in postings], POSTING_COLUMNS,
                            replace_equal=False)
            _guarded_upsert(
                conn, market_postings,
                [{"id": c.id, "version": c.version, "org_id": c.org_id, "status": c.status, "kind": None,
                  "occupation": None, "min_level": None, "region": None, "headcount": 0, "wage_month": None,
                  "deadline": None, "created_at": None, "updated_at": c.closed_at} for c in closures],
                ("version", "status", "updated_at"), replace_equal=True,
            )
        self.invalidate()

    def _apply_workers(self, conn: Connection, workers: Sequence[WorkerRow], erased: Sequence[tuple[str, int]]) -> None:
        w = market_workers
        ids = list({*(row.id for row in workers), *(worker_id for worker_id, _ in erased)})
        held: dict[str, tuple[int, bool, tuple[str, str, int] | None]] = {}
        for chunk in range(0, len(ids), 500):
            for row in conn.execute(sa.select(w.c.id, w.c.version, w.c.matchable, w.c.occupation, w.c.region, w.c.level)
                                    .where(w.c.id.in_(ids[chunk:chunk + 500]))):
                held[row.id] = (row.version, row.matchable, _supply_key(row.occupation, row.region, row.level))
        deltas: dict[tuple[str, str, int], int] = {}
        winners: dict[str, dict[str, Any]] = {}
        # an upsert, then an erasure, of the same worker: the order their versions allow
        changes = [(row.id, row.version, False, row) for row in workers] + [(i, v, True, None) for i, v in erased]
        for worker_id, version, is_erasure, row in sorted(changes, key=lambda c: (c[0], c[1], c[2])):
            previous = held.get(worker_id)
            if previous is not None and (version < previous[0] or (version == previous[0] and not is_erasure)):
                continue  # not newer than what is stored: a replay or a late arrival
            values = WorkerRow.tombstone(worker_id, version).values(erased=True) if is_erasure else row.values()
            counted = _supply_key(values["occupation"], values["region"], values["level"]) if values["matchable"] else None
            if previous is not None and previous[1] and previous[2] is not None:
                deltas[previous[2]] = deltas.get(previous[2], 0) - 1
            if counted is not None:
                deltas[counted] = deltas.get(counted, 0) + 1
            held[worker_id] = (version, bool(values["matchable"]), counted)
            winners[worker_id] = values
        erasing = [worker_id for worker_id, values in winners.items() if values["erased"]]
        if erasing:  # flows keep their origin, shown lists and worker ids go (issue 17)
            from services.matching.market.outcomes import OutcomesRepository
            OutcomesRepository.forget_workers(conn, erasing)
        _guarded_upsert(conn, w, list(winners.values()), WORKER_COLUMNS, replace_equal=True)
        moved = [{"occupation": k[0], "region": k[1], "level": k[2], "seekers": d}
                 for k, d in sorted(deltas.items()) if d != 0]  # sorted: counters locked in one order
        if moved:
            stmt = _insert(conn, market_supply)
            stmt = stmt.on_conflict_do_update(
                index_elements=[market_supply.c.occupation, market_supply.c.region, market_supply.c.level],
                set_={"seekers": market_supply.c.seekers + stmt.excluded.seekers},
            )
            conn.execute(stmt, moved)

    def rebuild_supply(self) -> None:
        """Recompute every seeker counter from the workers (repair; equal to the kept counters)."""
        w, s = market_workers, market_supply
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SUPPLY_LOCK})
            conn.execute(s.delete())
            occupation = sa.func.coalesce(w.c.occupation, sa.literal_column("''"))
            conn.execute(s.insert().from_select(
                ["occupation", "region", "level", "seekers"],
                sa.select(occupation, w.c.region, w.c.level, sa.func.count())
                .where(w.c.matchable.is_(True))
                .group_by(occupation, w.c.region, w.c.level),
            ))
        self.invalidate()

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1

    # -- live figures -----------------------------------------------------------------------------

    def live_cells(self, now: dt.datetime) -> MarketCells:
        """The market now: cached for `cache_s` seconds unless the read model changed meanwhile."""
        today = now.astimezone(CST).date()
        with self._lock:
            generation, cached = self._generation, self._live
        if cached and cached[0] == generation and cached[2] == today and time.monotonic() - cached[1] < self.cache_s:
            return cached[3]
        cells = self.compute_cells(now)
        with self._lock:
            self._live = (generation, time.monotonic(), today, cells)
        return cells

    def compute_cells(self, now: dt.datetime) -> MarketCells:
        """Seekers from their counters; openings (open, not past deadline) and the wage sample from
        one scan of the postings, the rules evaluated in SQL so no date reaches Python. Both are read
        as columns (`_columns`), not rows."""
        today = now.astimezone(CST).date()
        since = now.astimezone(dt.UTC) - dt.timedelta(days=self.wage_window_days)
        su, p = market_supply, market_postings
        is_open = sa.and_(p.c.status == "open", sa.or_(p.c.deadline.is_(None), p.c.deadline >= today))
        in_window = sa.and_(p.c.wage_month.is_not(None), p.c.created_at >= since)
        with self.engine.connect() as conn:
            occupations, regions, levels, seekers = _columns(
                conn, su, (su.c.occupation, su.c.region, su.c.level, su.c.seekers), su.c.seekers > 0)
            p_occupations, p_regions, p_levels, openings, wages = _columns(
                conn, p,
                (sa.func.coalesce(p.c.occupation, ""), p.c.region, sa.func.coalesce(p.c.min_level, -1),
                 sa.case((is_open, p.c.headcount), else_=0),
                 sa.case((in_window, _float_text(conn, p.c.wage_month)), else_="nan")),
                p.c.region.is_not(None), sa.or_(sa.and_(is_open, p.c.headcount != 0), in_window),
            )
        supply = (_words(occupations), _words(regions), _numbers(levels, "b"), _numbers(seekers, "q"))
        demand = (_words(p_occupations), _words(p_regions), _numbers(p_levels, "b"), _numbers(openings, "q"),
                  _numbers(wages, "d"))
        if len({len(c) for c in supply}) > 1 or len({len(c) for c in demand}) > 1:
            raise RuntimeError("market columns of unequal length: a field was NULL or held a space")
        return MarketCells.from_columns(supply, demand)

    # -- reports ----------------------------------------------------------------------------------

    def publish(self, *, now: dt.datetime, period: Period, trigger: str, min_sample: int, shortage_ratio: float,
                base_url: str, title: str | None = None, requested_by: str | None = None,
                extra: Callable[[MarketCells], dict[str, Any] | None] | None = None) -> ReportMeta:
        """Take a snapshot now and publish it as the report of `period`, with its event, atomically.

        A scheduled report carries its period as `schedule_key`; a second one for the same period
        fails on the unique constraint and nothing (row or event) is written: `AlreadyPublished`.
        """
        cells = self.compute_cells(now)
        summary = build_summary(cells, min_sample=min_sample, shortage_ratio=shortage_ratio)
        if extra is not None:  # flows and outcomes of the period; None: nothing to report
            more = extra(cells)
            if more is None:
                raise EmptyPeriod(period.label)
            summary.update(more)
        report_id = f"mr-{uuid.uuid4().hex}"
        meta = ReportMeta(report_id, period.label, period.kind, trigger, title or report_title(period), now,
                          dt.datetime.now(dt.UTC))
        event = events.make_event(
            "market.report_published",
            events.MarketReportPublished(id=report_id, period=period.label, title=meta.title,
                                         published_at=meta.published_at, url=f"{base_url}/v1/market/reports/{report_id}"),
            subject=report_id, source=SOURCE, entityversion=1,
        )
        try:
            with self.engine.begin() as conn:
                conn.execute(market_reports.insert().values(
                    id=report_id, period=period.label, period_kind=period.kind,
                    schedule_key=period.label if trigger == "schedule" else None, trigger=trigger,
                    title=meta.title, requested_by=requested_by, as_of=now, published_at=meta.published_at,
                    summary=summary, cells=cells.encode(),
                ))
                self.outbox.add(conn, event)
        except sa.exc.IntegrityError:
            if trigger == "schedule" and self.scheduled_exists(period.label):
                raise AlreadyPublished(period.label) from None
            raise
        return meta

    def scheduled_exists(self, period_label: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.literal(1)).where(market_reports.c.schedule_key == period_label)
            ).first() is not None

    def report(self, report_id: str) -> tuple[ReportMeta, dict[str, Any]] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(*_META_COLUMNS, market_reports.c.summary).where(market_reports.c.id == report_id)
            ).first()
        return None if row is None else (_meta(row), row.summary)

    def list_reports(self, *, limit: int, after: tuple[dt.datetime, str] | None = None,
                     period: str | None = None) -> list[ReportMeta]:
        """Newest first; `after` is the (published_at, id) of the last item of the previous page."""
        r = market_reports
        query = sa.select(*_META_COLUMNS).order_by(r.c.published_at.desc(), r.c.id.desc()).limit(limit)
        if period is not None:
            query = query.where(r.c.period == period)
        if after is not None:
            published_at, report_id = after
            query = query.where(sa.or_(r.c.published_at < published_at,
                                       sa.and_(r.c.published_at == published_at, r.c.id < report_id)))
        with self.engine.connect() as conn:
            return [_meta(row) for row in conn.execute(query)]

    def latest_per_period(self, periods: Sequence[str]) -> dict[str, ReportMeta]:
        """For each period, its most recently published report (scheduled or on demand)."""
        if not periods:
            return {}
        r = market_reports
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_META_COLUMNS).where(r.c.period.in_(list(periods)))
                .order_by(r.c.period, r.c.published_at, r.c.id)
            ).all()
        latest: dict[str, ReportMeta] = {}
        for row in rows:
            latest[row.period] = _meta(row)  # ascending order: the last one seen wins
        return latest

    def latest_report(self) -> ReportMeta | None:
        """The report with the freshest snapshot (`as_of`), the last published on a tie."""
        r = market_reports
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(*_META_COLUMNS).order_by(r.c.as_of.desc(), r.c.published_at.desc(), r.c.id.desc()).limit(1)
            ).first()
        return None if row is None else _meta(row)

    def latest_period(self, up_to: str, kind: str) -> str | None:
        """The latest period (of this kind, not after `up_to`) that has a report."""
        r = market_reports
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.max(r.c.period)).where(r.c.period_kind == kind, r.c.period <= up_to)
            ).scalar()

    def snapshot(self, report_id: str) -> MarketCells:
        """A report's cells, decoded once and kept (reports never change)."""
        with self._lock:
            cached = self._snapshots.get(report_id)
            if cached is not None:
                self._snapshots.move_to_end(report_id)
                return cached
        with self.engine.connect() as conn:
            blob = conn.execute(sa.select(market_reports.c.cells).where(market_reports.c.id == report_id)).scalar_one()
        cells = MarketCells.decode(bytes(blob))
        with self._lock:
            self._snapshots[report_id] = cells
            while len(self._snapshots) > self._snapshot_cache:
                self._snapshots.popitem(last=False)
        return cells

    def summaries(self, report_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not report_ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(market_reports.c.id, market_reports.c.summary).where(market_reports.c.id.in_(list(report_ids)))
            ).all()
        return {row.id: row.summary for row in rows}


def _text(column: sa.ColumnElement) -> sa.ColumnElement:
    return sa.cast(column, sa.Text)


def _float_text(conn: Connection, column: sa.ColumnElement) -> sa.ColumnElement:
    """A float as text that reads back as the same float: SQLite's `%!.17g` (its plain cast keeps
    15 digits), PostgreSQL's own output (shortest exact form since version 12)."""
    if conn.dialect.name == "postgresql":
        return _text(column)
    return sa.func.printf("%!.17g", column)


def _columns(conn: Connection, table: sa.Table, fields: Sequence[sa.ColumnElement],
             *where: sa.ColumnElement) -> list[str]:
    """Each field (never NULL, never holding a space) of every row, joined with spaces: one text per field.

    One aggregate per field (`group_concat` / `string_agg`): half a million rows arrive as a few
    values, split once (`_words`) or parsed by numpy (`_numbers`), without a tuple per row for the
    driver to build and the garbage collector to walk (that cost more than the query). The
    aggregates of one query read the rows in one pass, so the n-th value of each is the same row's."""
    if conn.dialect.name == "postgresql":
        aggregates = [sa.func.string_agg(_text(f), " ") for f in fields]
    else:  # group_concat writes numbers as text itself
        aggregates = [sa.func.group_concat(f, " ") for f in fields]
    row = conn.execute(sa.select(*aggregates).select_from(table).where(*where)).one()
    return [text or "" for text in row]


def _words(text: str) -> list[str]:
    return text.split(" ") if text else []


_NUMPY_TYPES = {"b": np.int8, "q": np.int64, "d": np.float64}


def _numbers(text: str, typecode: str) -> array:
    """Numbers joined with spaces as a typed array, parsed in C (numpy reads floats exactly)."""
    return array(typecode, np.fromstring(text, dtype=_NUMPY_TYPES[typecode], sep=" ").tobytes())


def plain_rows(conn: Connection, query: sa.Select) -> list[tuple]:
    """Plain tuples straight from the driver, for reads of tens of thousands of rows (building a
    SQLAlchemy Row for each costs more than the query). Only for queries whose literals are values
    this package computed (they are rendered by the dialect, not bound)."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
