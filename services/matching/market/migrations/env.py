"""Alembic environment of the market tables (their own chain, version table `market_alembic_version`).

Runs on the connection handed over by services.common.store.run_migrations.
"""

from services.common.store import run_env

run_env()
