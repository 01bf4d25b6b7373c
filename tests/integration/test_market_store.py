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
                "market_shown", "market_ranking_variants", VERSION_TABLE, "outbox"} <= names
        with runtime.engine.connect() as conn:
            head = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one()
        assert head == "m0002"
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
