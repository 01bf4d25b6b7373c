"""Regional flows and placement outcomes (issue 17): what matching led to, and where people went.

Two tables, both without personal data beyond pseudonymous ids:

- `market_engagements`: one row per fact of the engagement log — a match shown (`match.found`,
  once per worker–posting pair), an invitation sent or accepted, an application submitted,
  shortlisted or hired — keyed so a replayed event inserts nothing (`INSERT … ON CONFLICT DO
  NOTHING`). The worker's region and level are copied from the read model when the fact arrives
  (and again just before an erasure), so a flow keeps its origin after the worker is gone; the
  worker id itself is cleared on `worker.erased`.
- `market_shown`: which workers each candidates answer showed, at which rank, under which ranking
  weights (their fingerprint), kept `retention_days` and deleted with the worker (shown.py writes it).

Flows count facts from the worker's region to the posting's region in a period; outcomes count
facts per period, the time from a posting's creation to its first hire, and the hire rate by the
rank at which the hired worker had been shown. Definitions are in docs/market.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from services.common import events
from services.common.contracts import LEVEL_ORDER
from services.matching.market.domain import (
    CST,
    REGION_DEPTHS,
    MarketFilter,
    Period,
    level_value,
    occupation_name,
    region_name,
)
from services.matching.market.store import _insert, market_postings, market_workers, metadata, plain_rows

market_engagements = sa.Table(
    "market_engagements",
    metadata,
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("fact", sa.String(12), nullable=False),
    sa.Column("posting_id", sa.String(64), nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=True),  # NULL once the worker is erased
    sa.Column("worker_region", sa.String(6), nullable=True),
    sa.Column("worker_level", sa.SmallInteger, nullable=True),
    sa.Column("posting_region", sa.String(6), nullable=True),  # copied from the read model, as the worker's
    sa.Column("occupation", sa.String(16), nullable=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_market_engagements_at", "at", "fact"),
    sa.Index("ix_market_engagements_worker", "worker_id"),
    sa.Index("ix_market_engagements_posting", "posting_id", "fact"),
    # hires alone (a small part of the facts): first hires and the hired pairs of the shown lists
    sa.Index("ix_market_engagements_hired", "posting_id", "at", "worker_id",
             sqlite_where=sa.text("fact = 'hired'"), postgresql_where=sa.text("fact = 'hired'")),
    # the few facts that came before their worker or posting, found without scanning the month
    sa.Index("ix_market_engagements_unplaced", "at",
             sqlite_where=sa.text("worker_region IS NULL OR posting_region IS NULL"),
             postgresql_where=sa.text("worker_region IS NULL OR posting_region IS NULL")),
)

market_shown = sa.Table(
    "market_shown",
    metadata,
    sa.Column("posting_id", sa.String(64), primary_key=True),
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("fingerprint", sa.String(16), primary_key=True),
    sa.Column("rank", sa.SmallInteger, nullable=False),  # the best (smallest) rank it was shown at
    sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),  # the first time
    sa.Index("ix_market_shown_at", "shown_at", "fingerprint", "rank"),  # covers the per-rank count
    sa.Index("ix_market_shown_worker", "worker_id"),
)

# Fact counters per reporting period (of the schedule's kind), fact, origin and destination city,
# kept as facts arrive, so a report reads a few thousand city pairs instead of scanning a month of
# facts; '' is an unknown region.
market_flow_counts = sa.Table(
    "market_flow_counts",
    metadata,
    sa.Column("period", sa.String(10), primary_key=True),
    sa.Column("fact", sa.String(12), primary_key=True),
    sa.Column("origin", sa.String(4), primary_key=True),
    sa.Column("destination", sa.String(4), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)

market_ranking_variants = sa.Table(
    "market_ranking_variants",
    metadata,
    sa.Column("fingerprint", sa.String(16), primary_key=True),
    sa.Column("weights", sa.JSON, nullable=False),
    sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
)

ENGAGEMENT_TYPES = frozenset({"match.found", "invitation.sent", "invitation.answered", "application.submitted",
                              "application.updated"})
FLOW_FACTS = ("shown", "invited", "applied", "hired")
OUTCOME_FACTS = ("shown", "invited", "accepted", "applied", "shortlisted", "hired")
RANK_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4-5", 4, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21+", 21, 10_000),
)


# A literal, not a bound parameter: the planner must see `fact = 'hired'` to use the partial index.
HIRED = sa.literal_column("'hired'")


def pair_digest(worker_id: str) -> str:
    """A worker id as it appears in a fact key: hashed, so a key alone names nobody."""
    return hashlib.sha256(worker_id.encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    fact: str
    posting_id: str
    worker_id: str
    at: dt.datetime


def fact_of(event: events.CloudEvent) -> Fact | None:
    """The fact an engagement event states, or None (a declined invitation, a withdrawal…)."""
    data = event.parsed()
    utc = lambda moment: moment.astimezone(dt.UTC)  # noqa: E731
    if isinstance(data, events.MatchFound):
        return Fact(f"shown:{data.posting_id}:{pair_digest(data.worker_id)}", "shown", data.posting_id,
                    data.worker_id, utc(data.found_at))
    if isinstance(data, events.InvitationSent):
        return Fact(f"invited:{data.id}", "invited", data.posting_id, data.worker_id, utc(data.sent_at))
    if isinstance(data, events.InvitationAnswered):
        if data.answer != "accepted":
            return None
        return Fact(f"accepted:{data.id}", "accepted", data.posting_id, data.worker_id, utc(data.answered_at))
    if isinstance(data, events.ApplicationSubmitted):
        return Fact(f"applied:{data.id}", "applied", data.posting_id, data.worker_id, utc(data.submitted_at))
    if isinstance(data, events.ApplicationUpdated):
        if data.status not in ("shortlisted", "hired"):
            return None
        return Fact(f"{data.status}:{data.id}", data.status, data.posting_id, data.worker_id, utc(data.updated_at))
    return None


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """A period's [start, end) in UTC (periods are China Standard Time)."""
    start = dt.datetime.combine(period.start, dt.time(0), CST).astimezone(dt.UTC)
    end = dt.datetime.combine(period.next().start, dt.time(0), CST).astimezone(dt.UTC)
    return start, end


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _occupation_in(code: str | None, prefix: str | None) -> bool:
    return prefix is None or (code is not None and (code == prefix or code.startswith(prefix + "-")))


class OutcomesRepository:
    """The SQL of flows and outcomes (the only module that touches their tables)."""

    def __init__(self, engine: Engine, period_kind: str = "month"):
        self.engine = engine
        self.period_kind = period_kind

    # -- writes ---------------------------------------------------------------------------------

    def add_facts(self, facts: Sequence[Fact]) -> int:
        """Store facts once each, with the worker's region and level as the read model knows them."""
        if not facts:
            return 0
        ids = list({f.worker_id for f in facts})
        with self.engine.begin() as conn:
            held = self._worker_places(conn, ids)
            places = self._posting_places(conn, list({f.posting_id for f in facts}))
            rows = [{"key": f.key, "fact": f.fact, "posting_id": f.posting_id, "worker_id": f.worker_id,
                     "worker_region": held.get(f.worker_id, (None, None))[0],
                     "worker_level": held.get(f.worker_id, (None, None))[1],
                     "posting_region": places.get(f.posting_id, (None, None))[0],
                     "occupation": places.get(f.posting_id, (None, None))[1], "at": f.at} for f in facts]
            stmt = (_insert(conn, market_engagements).on_conflict_do_nothing(index_elements=["key"])
                    .returning(market_engagements.c.key))
            inserted = {key for (key,) in conn.execute(stmt, rows)}  # only the new ones: a redelivery counts nothing
            counts: dict[tuple[str, str, str, str], int] = {}
            for row in rows:
                if row["key"] in inserted:
                    key = (Period.containing(row["at"], self.period_kind).label, row["fact"],  # type: ignore[arg-type]
                           (row["worker_region"] or "")[:4], (row["posting_region"] or "")[:4])
                    counts[key] = counts.get(key, 0) + 1
            if counts:
                c = market_flow_counts
                upsert = _insert(conn, c)
                upsert = upsert.on_conflict_do_update(index_elements=[c.c.period, c.c.fact, c.c.origin, c.c.destination],
                                                      set_={"count": c.c.count + upsert.excluded["count"]})
                conn.execute(upsert, [{"period": k[0], "fact": k[1], "origin": k[2], "destination": k[3], "count": n}
                                      for k, n in sorted(counts.items())])
        return len(inserted)

    @staticmethod
    def _worker_places(conn: Connection, ids: list[str]) -> dict[str, tuple[str | None, int | None]]:
        w = market_workers
        held: dict[str, tuple[str | None, int | None]] = {}
        for chunk in range(0, len(ids), 500):
            for row in conn.execute(sa.select(w.c.id, w.c.region, w.c.level).where(w.c.id.in_(ids[chunk:chunk + 500]))):
                if row.region is not None:
                    held[row.id] = (row.region, row.level)
        return held

    @staticmethod
    def _posting_places(conn: Connection, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
        p = market_postings
        held: dict[str, tuple[str | None, str | None]] = {}
        for chunk in range(0, len(ids), 500):
            for row in conn.execute(sa.select(p.c.id, p.c.region, p.c.occupation).where(p.c.id.in_(ids[chunk:chunk + 500]))):
                if row.region is not None:
                    held[row.id] = (row.region, row.occupation)
        return held

    @staticmethod
    def forget_workers(conn: Connection, worker_ids: Sequence[str]) -> None:
        """Erasure (in the read model's transaction, before the tombstone): fill in the facts'
        origin from the worker's row, clear the worker id, delete the shown lists that name them."""
        e, w = market_engagements, market_workers
        for chunk in range(0, len(worker_ids), 500):
            ids = list(worker_ids[chunk:chunk + 500])
            held = {row.id: (row.region, row.level)
                    for row in conn.execute(sa.select(w.c.id, w.c.region, w.c.level).where(w.c.id.in_(ids)))}
            for worker_id, (region, level) in held.items():
                if region is not None:
                    conn.execute(e.update().where(e.c.worker_id == worker_id, e.c.worker_region.is_(None))
                                 .values(worker_region=region, worker_level=level))
            conn.execute(e.update().where(e.c.worker_id.in_(ids)).values(worker_id=None))
            conn.execute(market_shown.delete().where(market_shown.c.worker_id.in_(ids)))

    # -- flows ----------------------------------------------------------------------------------

    def flow_rows(self, start: dt.datetime, end: dt.datetime, *, cities_only: bool = False,
                  unplaced_only: bool = False) -> list[tuple]:
        """(fact, worker region, posting region, posting occupation, worker level, count) in [start, end);
        `cities_only` groups by city codes alone (occupation and level None): what a report needs.

        Facts carry both places from when they arrived, so one scan of the period answers; the few
        that arrived before their worker or posting are joined to the read model instead."""
        e, w, p = market_engagements, market_workers, market_postings
        in_period = (e.c.at >= start, e.c.at < end, e.c.fact.in_(FLOW_FACTS))
        known = sa.and_(e.c.worker_region.is_not(None), e.c.posting_region.is_not(None))
        queries = []
        for complete in ((False,) if unplaced_only else (True, False)):
            if complete:
                origin, level, destination, occupation = e.c.worker_region, e.c.worker_level, e.c.posting_region, e.c.occupation
                source = e
            else:
                origin = sa.func.coalesce(e.c.worker_region, w.c.region)
                level = sa.func.coalesce(e.c.worker_level, w.c.level)
                destination = sa.func.coalesce(e.c.posting_region, p.c.region)
                occupation = sa.func.coalesce(e.c.occupation, p.c.occupation)
                source = e.outerjoin(w, w.c.id == e.c.worker_id).outerjoin(p, p.c.id == e.c.posting_id)
            if cities_only:
                origin, destination = sa.func.substr(origin, 1, 4), sa.func.substr(destination, 1, 4)
                keys = (e.c.fact, origin, destination)
                columns = (e.c.fact, origin, destination, sa.null(), sa.null())
            else:
                keys = columns = (e.c.fact, origin, destination, occupation, level)
            unplaced = sa.or_(e.c.worker_region.is_(None), e.c.posting_region.is_(None))  # the partial index
            queries.append(sa.select(*columns, sa.func.count()).select_from(source)
                           .where(*in_period, known if complete else unplaced).group_by(*keys))
        with self.engine.connect() as conn:
            return [tuple(row) for query in queries for row in conn.execute(query)]

    def flow_counts(self, period: Period) -> list[tuple] | None:
        """The counters of a period of the kept kind, shaped as `flow_rows(cities_only=True)`; None
        for a period of another kind (then the facts are scanned). Facts counted with an unknown
        place are read again from the facts, joined to what the read model knows now."""
        if period.kind != self.period_kind:
            return None
        c = market_flow_counts
        with self.engine.connect() as conn:
            rows = plain_rows(conn, sa.select(c.c.fact, c.c.origin, c.c.destination, c.c.count)
                              .where(c.c.period == period.label, c.c.fact.in_(FLOW_FACTS), c.c.origin != "",
                                     c.c.destination != ""))
        placed = [(fact, origin, destination, None, None, n) for fact, origin, destination, n in rows]
        return placed + self.flow_rows(*period_bounds(period), cities_only=True, unplaced_only=True)

    # -- outcomes -------------------------------------------------------------------------------

    def fact_counts(self, start: dt.datetime, end: dt.datetime, period: Period | None = None) -> dict[str, int]:
        """How many facts of each kind in [start, end): from the counters when `period` is of the kept kind."""
        e, c = market_engagements, market_flow_counts
        if period is not None and period.kind == self.period_kind:
            query = sa.select(c.c.fact, sa.func.sum(c.c.count)).where(c.c.period == period.label).group_by(c.c.fact)
        else:
            query = sa.select(e.c.fact, sa.func.count()).where(e.c.at >= start, e.c.at < end).group_by(e.c.fact)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        counts = dict.fromkeys(OUTCOME_FACTS, 0)
        counts.update({fact: int(n) for fact, n in rows})
        return counts

    def first_hires(self, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
        """(posting created, its first hire) for the postings whose first hire falls in [start, end)."""
        e, p = market_engagements, market_postings
        first = (sa.select(e.c.posting_id, sa.func.min(e.c.at).label("hired_at"))
                 .where(e.c.fact == HIRED, e.c.at < end).group_by(e.c.posting_id).subquery())
        query = (sa.select(p.c.created_at, first.c.hired_at).select_from(first.join(p, p.c.id == first.c.posting_id))
                 .where(first.c.hired_at >= start, p.c.created_at.is_not(None)))
        with self.engine.connect() as conn:
            return [(_aware(c), _aware(h)) for c, h in conn.execute(query)]

    def shown_with_hires(self, start: dt.datetime, end: dt.datetime) -> list[tuple[str, int, int, int]]:
        """(fingerprint, rank, pairs shown, of them hired) for the worker–posting pairs shown in [start, end).

        Two counts in SQL: the shown pairs per rank (one pass over the period's rows), and the hired
        ones, reached from the hires (a few thousand) through the shown lists' key."""
        s, e = market_shown, market_engagements
        in_period = (s.c.shown_at >= start, s.c.shown_at < end)
        shown_query = sa.select(s.c.fingerprint, s.c.rank, sa.func.count()).where(*in_period).group_by(s.c.fingerprint, s.c.rank)
        hires = (sa.select(e.c.posting_id, e.c.worker_id).where(e.c.fact == HIRED, e.c.worker_id.is_not(None))
                 .distinct().subquery())
        hired_query = (sa.select(s.c.fingerprint, s.c.rank, sa.func.count())
                       .select_from(hires.join(s, sa.and_(s.c.posting_id == hires.c.posting_id,
                                                          s.c.worker_id == hires.c.worker_id)))
                       .where(*in_period).group_by(s.c.fingerprint, s.c.rank))
        with self.engine.connect() as conn:
            shown = {(f, int(r)): int(n) for f, r, n in conn.execute(shown_query)}
            hired = {(f, int(r)): int(n) for f, r, n in conn.execute(hired_query)}
        return [(f, r, n, hired.get((f, r), 0)) for (f, r), n in sorted(shown.items())]

    def variants(self) -> dict[str, tuple[dict[str, float], dt.datetime]]:
        v = market_ranking_variants
        with self.engine.connect() as conn:
            return {row.fingerprint: (row.weights, _aware(row.first_seen)) for row in conn.execute(sa.select(v))}

    def has_engagements(self, start: dt.datetime, end: dt.datetime) -> bool:
        e = market_engagements
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.literal(1)).where(e.c.at >= start, e.c.at < end).limit(1)).first() is not None


# --- the answers ---------------------------------------------------------------------------------


def _level_in(level: int | None, ranks: frozenset[int] | None) -> bool:
    return ranks is None or (level is not None and level in ranks)


def flows(rows: Iterable[tuple], flt: MarketFilter, depth: int, *, limit: int | None = None) -> dict[str, Any]:
    """Counts per (origin, destination) at `depth` (1 province, 2 city), biggest first.

    The occupation filter is the posting's occupation (and everything below it), the level filter
    the worker's skill level; a fact whose origin or destination is unknown is counted under
    `unknown` in the totals only.
    """
    ranks = flt.level_ranks()
    digits = REGION_DEPTHS[depth]
    position = {fact: i for i, fact in enumerate(FLOW_FACTS)}  # shown, invited, applied, hired
    cells: dict[tuple[str, str], list[int]] = {}
    totals = [0] * len(FLOW_FACTS)
    unknown = 0
    filtered = flt.occupation is not None or ranks is not None or flt.region is not None
    for fact, origin, destination, occupation, level, count in rows:
        if filtered:
            if not _occupation_in(occupation, flt.occupation) or not _level_in(level, ranks):
                continue
            if flt.region is not None and not ((origin or "").startswith(flt.region)
                                               or (destination or "").startswith(flt.region)):
                continue
        at = position[fact]
        totals[at] += count
        if not origin or not destination:
            unknown += count
            continue
        key = (origin[:digits], destination[:digits])
        cell = cells.get(key)
        if cell is None:
            cell = cells[key] = [0] * len(FLOW_FACTS)
        cell[at] += count
    # biggest first (hires, applications, invitations, matches); only the flows kept are named: a
    # report keeps 20 of thousands of city pairs
    order = sorted(cells, key=lambda k: (-cells[k][3], -cells[k][2], -cells[k][1], -cells[k][0], k[0], k[1]))
    items = []
    for origin, destination in order if limit is None else order[:limit]:
        shown, invited, applied, hired = cells[(origin, destination)]
        items.append({"from": origin, "from_name": region_name(origin), "to": destination,
                      "to_name": region_name(destination), "within": origin == destination,
                      "matches": shown, "invitations": invited, "applications": applied, "hires": hired})
    across = [0] * len(FLOW_FACTS)
    for (origin, destination), cell in cells.items():
        if origin != destination:
            for i, n in enumerate(cell):
                across[i] += n
    total = {"matches": totals[0], "invitations": totals[1], "applications": totals[2], "hires": totals[3],
             "unknown_region": unknown,
             "across_regions": {"matches": across[0], "invitations": across[1], "applications": across[2],
                                "hires": across[3]}}
    return {"depth": depth, "totals": total, "items": items}


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def by_rank(pairs: Iterable[tuple[str, int, int, int]]) -> list[dict[str, Any]]:
    """Hire rate per rank bucket from (fingerprint, rank, shown, hired) counts."""
    counts = {label: [0, 0] for label, _, _ in RANK_BUCKETS}
    for _, rank, shown, hired in pairs:
        for label, low, high in RANK_BUCKETS:
            if low <= rank <= high:
                counts[label][0] += shown
                counts[label][1] += hired
                break
    return [{"rank": label, "shown": shown, "hires": hires, "hire_rate": _rate(hires, shown)}
            for label, (shown, hires) in counts.items()]


def outcomes(counts: dict[str, int], first_hires: Sequence[tuple[dt.datetime, dt.datetime]],
             pairs: Sequence[tuple[str, int, int, int]]) -> dict[str, Any]:
    days = [max((hired - created).total_seconds(), 0) / 86400 for created, hired in first_hires]
    shown = sum(p[2] for p in pairs)
    hired = sum(p[3] for p in pairs)
    return {
        "matches": counts["shown"],
        "invitations": counts["invited"],
        "invitations_accepted": counts["accepted"],
        "applications": counts["applied"],
        "shortlists": counts["shortlisted"],
        "hires": counts["hired"],
        "time_to_first_hire": {
            "postings": len(days),
            "median_days": round(statistics.median(days), 1) if days else None,
            "mean_days": round(statistics.fmean(days), 1) if days else None,
        },
        "shown": {"pairs": shown, "hires": hired, "hire_rate": _rate(hired, shown)},
        "hire_rate_by_rank": by_rank(pairs),
    }


def variants_report(pairs: Sequence[tuple[str, int, int, int]],
                    known: dict[str, tuple[dict[str, float], dt.datetime]]) -> list[dict[str, Any]]:
    """Hire rate per ranking variant (weights fingerprint): the admin's comparison when weights change."""
    grouped: dict[str, list[tuple[str, int, int, int]]] = {}
    for pair in pairs:
        grouped.setdefault(pair[0], []).append(pair)
    out = []
    for fingerprint, group in grouped.items():
        shown = sum(p[2] for p in group)
        hires = sum(p[3] for p in group)
        top3 = [p for p in group if p[1] <= 3]
        top3_shown = sum(p[2] for p in top3)
        weights, first_seen = known.get(fingerprint, (None, None))
        out.append({
            "fingerprint": fingerprint, "weights": weights,
            "first_seen": first_seen.isoformat() if first_seen else None,
            "shown": shown, "hires": hires, "hire_rate": _rate(hires, shown),
            "top3_shown": top3_shown, "top3_hire_rate": _rate(sum(p[3] for p in top3), top3_shown),
            "mean_rank_of_hires": round(sum(p[1] * p[3] for p in group) / hires, 2) if hires else None,
            "hire_rate_by_rank": by_rank(group),
        })
    out.sort(key=lambda v: v["first_seen"] or "")
    return out


def level_key(rank: int | None) -> str | None:
    return level_value(rank) if rank is not None and 0 <= rank < len(LEVEL_ORDER) else None


__all__ = ["ENGAGEMENT_TYPES", "Fact", "OutcomesRepository", "fact_of", "flows", "occupation_name", "outcomes",
           "period_bounds", "variants_report"]
