"""The market tables on SQLite and PostgreSQL: the hand-written migrations equal the code's tables."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from services.common.store import run_migrations, schema_drift_for
from services.matching.market import store as market_store
from services.matching.app import Settings
from services.matching.market.app import MARKET_MIGRATIONS, VERSION_TABLE
from tests.integration.test_market_support import MATCHING_MIGRATIONS
from tests.support import runtime_for, settings_kwargs

pytestmark = pytest.mark.integration


def market_drift(engine) -> list:
    """Drift of the market's tables only: matching's own tables and indexes are another chain's."""
    ours = set(market_store.metadata.tables)
    return [
        d for d in schema_drift_for(engine, market_store.metadata)
        if not (isinstance(d, tuple) and d[0] == "remove_index" and d[1].table.name not in ours)
    ]


def test_market_migrations_create_exactly_the_declared_tables_beside_matchings_own(store_backend):
    runtime = runtime_for("matching", Settings(**settings_kwargs(store_backend)), store_backend)
    try:
        run_migrations(runtime.engine, MATCHING_MIGRATIONS)
        run_migrations(runtime.engine, MARKET_MIGRATIONS, version_table=VERSION_TABLE)
        run_migrations(runtime.engine, MARKET_MIGRATIONS, version_table=VERSION_TABLE)  # a restart: nothing to do
        assert market_drift(runtime.engine) == []
        names = set(sa.inspect(runtime.engine).get_table_names())
        assert {"market_workers", "market_supply", "market_postings", "market_reports", "market_engagements",
                "market_shown", "market_ranking_variants", "market_feed", VERSION_TABLE, "outbox"} <= names
        with runtime.engine.connect() as conn:
            head = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one()
        assert head == "m0003"
    finally:
        runtime.close()


def test_drift_is_detected_when_the_database_lacks_a_declared_index(store_backend):
    runtime = runtime_for("matching", Settings(**settings_kwargs(store_backend)), store_backend)
    try:
        run_migrations(runtime.engine, MARKET_MIGRATIONS, version_table=VERSION_TABLE)
        with runtime.engine.begin() as conn:
            conn.execute(sa.text("DROP INDEX ix_market_workers_supply"))
        assert [d[0] for d in market_drift(runtime.engine)] == ["add_index"]
    finally:
        runtime.close()


def test_the_cells_read_as_columns_hold_exactly_the_stored_values(store_backend):
    """compute_cells reads the counters and postings as joined columns: every wage comes back as the
    very float stored (not only cent-rounded ones), no code/level/wage as ''/-1/NaN, rules in SQL."""
    import datetime as dt
    import math

    from services.matching import store as matching_store

    runtime = runtime_for("matching", Settings(**settings_kwargs(store_backend)), store_backend)
    try:
        run_migrations(runtime.engine, MARKET_MIGRATIONS, version_table=VERSION_TABLE)
        now = dt.datetime(2026, 3, 15, 4, tzinfo=dt.UTC)
        awkward = [1 / 3 * 10_000, 0.1 + 0.2, 12_345.678901234567, 5e-324 * 3, 1e15 + 0.125, 7000.0]
        supply = [{"occupation": "", "region": "150602", "level": 0, "seekers": 2},
                  {"occupation": "6-18-02-04", "region": "440305", "level": 7, "seekers": 5},
                  {"occupation": "6-18-02-04", "region": "440305", "level": 3, "seekers": 0}]  # emptied: left out
        postings = [{"id": f"p-{i}", "version": 1, "org_id": "o", "status": "open" if i % 2 else "filled",
                     "kind": "full_time", "occupation": None if i == 0 else "6-31-01-03",
                     "min_level": None if i < 2 else i % 8, "region": "150602", "headcount": i + 1,
                     "wage_month": wage, "deadline": None, "created_at": now - dt.timedelta(days=10 * i),
                     "updated_at": now} for i, wage in enumerate(awkward)]
        postings.append({**postings[1], "id": "p-old", "status": "filled", "created_at": now - dt.timedelta(days=400)})
        postings.append({**postings[1], "id": "p-nowhere", "region": None})
        with runtime.engine.begin() as conn:
            conn.execute(market_store.market_supply.insert(), supply)
            conn.execute(market_store.market_postings.insert(), postings)
        cells = market_store.MarketRepository(runtime.engine, matching_store.OUTBOX).compute_cells(now)
        got_supply = sorted(((cells.occupations[o], cells.regions[r], lv, n) for o, r, lv, n
                             in zip(cells.occupation, cells.region, cells.level, cells.seekers, strict=True)),
                            key=lambda row: row[3])
        assert got_supply == [(None, "150602", 0, 2), ("6-18-02-04", "440305", 7, 5)]
        got_demand = sorted(((cells.occupations[o], cells.regions[r], lv, n, w) for o, r, lv, n, w in zip(
            cells.posting_occupation, cells.posting_region, cells.posting_level, cells.openings, cells.wages,
            strict=True)), key=lambda row: row[4])
        expected = sorted(((None if i == 0 else "6-31-01-03", "150602", -1 if i < 2 else i % 8,
                            (i + 1) if i % 2 else 0, wage) for i, wage in enumerate(awkward)), key=lambda row: row[4])
        assert got_demand == expected  # exact floats; p-old (outside the wage window, not open) left out
        assert not any(math.isnan(w) for w in cells.wages)
    finally:
        runtime.close()
