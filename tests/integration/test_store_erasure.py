"""The store kit leaves no erased row in any file: secure_delete zeroes it, a WAL checkpoint truncates the log."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from services.common.store import checkpoint_wal, make_engine

pytestmark = pytest.mark.integration

SECRET = "王建国 13800000001 wjg@example.com"


def files_holding(folder: Path, needle: str) -> list[str]:
    forms = {needle.encode("utf-8"), needle.encode("utf-16-le")}
    return sorted(f.name for f in folder.iterdir() if f.is_file() and any(form in f.read_bytes() for form in forms))


def test_an_erased_row_leaves_the_database_file_and_its_wal(tmp_path: Path) -> None:
    engine = make_engine(None, home=tmp_path, service="kit")
    try:
        with engine.begin() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            conn.exec_driver_sql("CREATE TABLE people (id INTEGER PRIMARY KEY, body TEXT)")
            conn.exec_driver_sql("INSERT INTO people (body) VALUES (?)", (SECRET,))
            conn.exec_driver_sql("INSERT INTO people (body) VALUES ('someone else')")
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM people WHERE body = :b"), {"b": SECRET})
        # Deleted, but the WAL still holds the page as it was before the delete.
        assert files_holding(tmp_path, SECRET) == ["kit.db-wal"]
        assert checkpoint_wal(engine) is True
        assert files_holding(tmp_path, SECRET) == []
        assert (tmp_path / "kit.db-wal").stat().st_size == 0
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT body FROM people").scalars().all() == ["someone else"]
    finally:
        engine.dispose()


def test_a_background_checkpoint_after_an_erasure_does_not_make_the_caller_wait(tmp_path: Path) -> None:
    engine = make_engine(None, home=tmp_path, service="kit")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE people (id INTEGER PRIMARY KEY, body TEXT)")
            conn.exec_driver_sql("INSERT INTO people (body) VALUES (?)", (SECRET,))
            conn.exec_driver_sql("DELETE FROM people")
        checkpoint_wal(engine, background=True)
        import time

        deadline = time.monotonic() + 10
        while files_holding(tmp_path, SECRET) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert files_holding(tmp_path, SECRET) == []
    finally:
        engine.dispose()
