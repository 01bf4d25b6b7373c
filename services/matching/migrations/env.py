"""Alembic environment: runs on the connection handed over by services.common.store.run_migrations."""

from services.common.store import run_env

run_env()
