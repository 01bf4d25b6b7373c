"""Benchmark: a full market report over 1,000,000 workers and 200,000 postings (DESIGN §7: < 2 s).

Fills matching's market read model directly (as the consumer would have: one row per worker and
posting, skewed like a real market — a few occupations and regions hold most people; a month of
engagement facts and shown candidate lists), then times publishing a report: the grouped queries
that build the cells, the report's tables (percentiles of every group), the month's flows (province
and city) and placement outcomes (issue 17), the snapshot encoding, and the insert with its event. Prints one JSON object:
`{"market_report_s": <median seconds of a full publication>, ...}`.

    .venv/bin/python bench/market_report.py                     # SQLite (the embedded default)
    .venv/bin/python bench/market_report.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from itertools import accumulate
from pathlib import Path

import sqlalchemy as sa

from services.common import taxonomy
from services.common.store import make_engine, run_migrations
from services.matching import store as matching_store
from services.matching.market.domain import Period, build_summary
from services.matching.market.app import MARKET_MIGRATIONS, MarketSettings, VERSION_TABLE
from services.matching.market.handlers import Market
from services.matching.market.outcomes import (
    OutcomesRepository,
    market_engagements,
    market_flow_counts,
    market_shown,
)
from services.matching.market.store import MarketRepository, market_postings, market_workers

NOW = dt.datetime(2026, 3, 1, 0, 5, tzinfo=dt.UTC)
LEVEL_WEIGHTS = [3, 25, 25, 25, 14, 6, 1.5, 0.5]  # apprentice … chief_technician


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return list(accumulate(1 / (rank ** s) for rank in range(1, n + 1)))


def regions(rnd: random.Random) -> list[str]:
    """About 600 counties: every province, a few cities each, a few counties per city."""
    out = []
    for province in taxonomy.PROVINCES:
        for city in range(1, rnd.randint(3, 8)):
            for county in range(1, rnd.randint(3, 8)):
                out.append(f"{province}{city:02d}{county:02d}")
    rnd.shuffle(out)
    return out


def worker_rows(count: int, rnd: random.Random, codes: list[str], places: list[str]):
    code_cum, place_cum = zipf_weights(len(codes)), zipf_weights(len(places), 0.9)
    level_cum = list(accumulate(LEVEL_WEIGHTS))
    updated = NOW - dt.timedelta(days=3)
    for i in range(count):
        occupation = rnd.choices(codes, cum_weights=code_cum)[0] if rnd.random() < 0.97 else None
        yield {"id": f"w-{i}", "version": 1, "matchable": rnd.random() < 0.85, "erased": False,
               "level": rnd.choices(range(8), cum_weights=level_cum)[0],
               "region": rnd.choices(places, cum_weights=place_cum)[0],
               "occupation": occupation, "occupations": occupation, "updated_at": updated}


def posting_rows(count: int, rnd: random.Random, codes: list[str], places: list[str]):
    code_cum, place_cum = zipf_weights(len(codes)), zipf_weights(len(places), 0.9)
    for i in range(count):
        created = NOW - dt.timedelta(days=rnd.randint(0, 540))
        yield {"id": f"p-{i}", "version": 1, "org_id": f"o-{i % 5000}",
               "status": rnd.choices(["open", "paused", "filled", "closed", "expired"], [70, 5, 12, 8, 5])[0],
               "kind": rnd.choice(["full_time", "part_time", "project", "service"]),
               "occupation": rnd.choices(codes, cum_weights=code_cum)[0] if rnd.random() < 0.95 else None,
               "min_level": rnd.choice([None, 1, 2, 3, 3, 4, 4, 5]),
               "region": rnd.choices(places, cum_weights=place_cum)[0], "headcount": rnd.randint(1, 5),
               "wage_month": round(rnd.lognormvariate(9.0, 0.35), 2) if rnd.random() < 0.9 else None,
               "deadline": (NOW + dt.timedelta(days=rnd.randint(-30, 90))).date() if rnd.random() < 0.6 else None,
               "created_at": created, "updated_at": created}


FEBRUARY = dt.datetime(2026, 1, 31, 16, tzinfo=dt.UTC)  # 2026-02-01 00:00 in China


def fact_rows(count: int, rnd: random.Random, workers: int, postings: int, places: list[str]):
    """A month of engagement facts (the engagements consumer's rows): mostly matches shown, then
    applications, invitations, shortlists and hires, between random workers and postings."""
    place_cum = zipf_weights(len(places), 0.9)
    facts = ["shown", "applied", "invited", "accepted", "shortlisted", "hired"]
    for i in range(count):
        fact = rnd.choices(facts, [50, 25, 12, 4, 6, 3])[0]
        yield {"key": f"{fact}:{i}", "fact": fact, "posting_id": f"p-{rnd.randrange(postings)}",
               "worker_id": f"w-{rnd.randrange(workers)}", "worker_region": rnd.choices(places, cum_weights=place_cum)[0],
               "worker_level": rnd.randrange(8), "posting_region": rnd.choices(places, cum_weights=place_cum)[0],
               "occupation": None, "at": FEBRUARY + dt.timedelta(seconds=rnd.randrange(28 * 86400))}


def flow_count_rows(facts: list[dict]):
    """The fact counters the engagements consumer keeps, for the same facts (month, fact, cities)."""
    counts: dict[tuple, int] = {}
    for f in facts:
        key = (Period.containing(f["at"]).label, f["fact"], f["worker_region"][:4], f["posting_region"][:4])
        counts[key] = counts.get(key, 0) + 1
    for (period, fact, origin, destination), n in counts.items():
        yield {"period": period, "fact": fact, "origin": origin, "destination": destination, "count": n}


def shown_rows(count: int, rnd: random.Random, workers: int, postings: int):
    """Candidates answers of the month: 20 workers per answer at ranks 1…20 (market_shown rows)."""
    for i in range(count // 20):
        posting = f"p-{rnd.randrange(postings)}"
        at = FEBRUARY + dt.timedelta(seconds=rnd.randrange(28 * 86400))
        for rank, worker in enumerate(rnd.sample(range(workers), 20), start=1):
            yield {"posting_id": posting, "worker_id": f"w-{worker}", "fingerprint": "bench", "rank": rank,
                   "shown_at": at}


def load(engine: sa.Engine, table: sa.Table, rows, chunk: int = 50_000) -> None:
    columns = [c.name for c in table.columns]
    if engine.dialect.name == "postgresql":  # COPY: a million rows in seconds, not minutes
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
            raw.commit()
        finally:
            raw.close()
        return
    batch = []
    with engine.begin() as conn:
        for row in rows:
            batch.append(row)
            if len(batch) == chunk:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--postings", type=int, default=200_000)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL; SQLite in a temporary folder by default")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--facts", type=int, default=300_000, help="engagement facts in the reported month")
    parser.add_argument("--shown", type=int, default=200_000, help="shown-list rows in the reported month")
    args = parser.parse_args()

    rnd = random.Random(2026)
    codes = [code for code, entry in taxonomy.occupations().items() if entry.level == "occupation"]
    rnd.shuffle(codes)
    places = regions(rnd)
    home = Path(tempfile.mkdtemp(prefix="market-bench-"))
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = make_engine(args.database_url, home=home, service="matching", schema=schema)
    try:
        run_migrations(engine, Path(matching_store.__file__).parent / "migrations")
        run_migrations(engine, MARKET_MIGRATIONS, version_table=VERSION_TABLE)
        started = time.perf_counter()
        load(engine, market_workers, worker_rows(args.workers, rnd, codes, places))
        load(engine, market_postings, posting_rows(args.postings, rnd, codes, places))
        facts = list(fact_rows(args.facts, rnd, args.workers, args.postings, places))
        load(engine, market_engagements, iter(facts))
        load(engine, market_flow_counts, flow_count_rows(facts))  # as the consumer keeps them
        load(engine, market_shown, shown_rows(args.shown, rnd, args.workers, args.postings))
        repo = MarketRepository(engine, matching_store.OUTBOX)
        market = Market(repo, MarketSettings(), "http://127.0.0.1:8003", lambda: NOW)
        market.outcomes = OutcomesRepository(engine)
        repo.rebuild_supply()  # the seeker counters the consumer keeps while it writes workers
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("ANALYZE market_workers"))
                conn.execute(sa.text("ANALYZE market_postings"))
                conn.execute(sa.text("ANALYZE market_engagements"))
                conn.execute(sa.text("ANALYZE market_shown"))
            else:
                conn.execute(sa.text("ANALYZE"))
        load_s = time.perf_counter() - started

        cells_s, summary_s, encode_s, publish_s, publish_cpu_s, outcomes_s = [], [], [], [], [], []
        for run in range(args.runs):
            t0 = time.perf_counter()
            cells = repo.compute_cells(NOW)
            t1 = time.perf_counter()
            build_summary(cells, min_sample=5, shortage_ratio=1.5)
            t2 = time.perf_counter()
            blob = cells.encode()
            t25 = time.perf_counter()
            market.period_figures(Period.parse("2026-02"))  # flows (province, city) and outcomes
            outcomes_s.append(time.perf_counter() - t25)
            t3, c3 = time.perf_counter(), time.process_time()
            # the whole publication as the scheduler does it: figures, flows, outcomes, snapshot, event
            market.publish(Period.parse("2026-02"), NOW + dt.timedelta(seconds=run), trigger="admin")
            t4, c4 = time.perf_counter(), time.process_time()
            publish_cpu_s.append(c4 - c3)
            cells_s.append(t1 - t0)
            summary_s.append(t2 - t1)
            encode_s.append(t3 - t2)
            publish_s.append(t4 - t3)
        t0 = time.perf_counter()
        latest = repo.latest_report()
        assert latest is not None
        repo.snapshot(latest.id)
        decode_s = time.perf_counter() - t0
        print(json.dumps({
            "market_report_s": round(statistics.median(publish_s), 3),
            "market_report_max_s": round(max(publish_s), 3),
            "market_report_cpu_s": round(statistics.median(publish_cpu_s), 3),  # this process only
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "cells_query_s": round(statistics.median(cells_s), 3),
            "summary_s": round(statistics.median(summary_s), 3),
            "snapshot_encode_s": round(statistics.median(encode_s), 3),
            "flows_and_outcomes_s": round(statistics.median(outcomes_s), 3),
            "facts": args.facts,
            "shown_rows": args.shown,
            "snapshot_decode_s": round(decode_s, 3),
            "snapshot_bytes": len(blob),
            "cells": len(cells),
            "workers": args.workers,
            "postings": args.postings,
            "backend": engine.dialect.name,
            "load_s": round(load_s, 1),
            "runs": args.runs,
        }))
    finally:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
        shutil.rmtree(home, ignore_errors=True)  # the SQLite file of a million workers: hundreds of MB


if __name__ == "__main__":
    main()
