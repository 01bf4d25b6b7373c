"""The writers' turn on an SQLite file (services/common/store.py `_WriterTurn`): processes serving
one file queue on an flock before SQLite's own lock, and every way a write can end gives it back."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.common.store import make_engine
from services.common.uow import StoreUnavailable, domain_error

pytestmark = pytest.mark.unit


@pytest.fixture
def engine(tmp_path: Path):
    engine = make_engine(None, home=tmp_path, service="turns")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    yield engine
    engine.dispose()


def write(engine, value: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t VALUES (:x)"), {"x": value})


def finishes(call, timeout_s: float = 10.0) -> bool:
    done = threading.Event()

    def run():
        call()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(timeout_s)


def count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one()


@pytest.mark.parametrize("ending", ["commit", "rollback", "error", "invalidate", "close"])
def test_every_ending_of_a_write_gives_the_turn_back(engine, ending):
    conn = engine.connect()
    transaction = conn.begin()
    conn.execute(sa.text("INSERT INTO t VALUES (1)"))
    if ending == "commit":
        transaction.commit()
    elif ending == "rollback":
        transaction.rollback()
    elif ending == "error":
        with pytest.raises(sa.exc.OperationalError):
            conn.execute(sa.text("INSERT INTO no_such_table VALUES (1)"))
        transaction.rollback()
    elif ending == "invalidate":
        conn.invalidate()
    conn.close()
    assert finishes(lambda: write(engine, 2)), f"a write after {ending} waited for a turn never given back"
    assert count(engine) == (2 if ending == "commit" else 1)


def test_threads_take_turns(engine):
    def many():
        for n in range(50):
            write(engine, n)

    threads = [threading.Thread(target=many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert count(engine) == 200


def test_a_writer_in_another_process_holds_the_turn_until_it_is_done(engine, tmp_path: Path):
    # another process (a second `--processes` server) holding the turn: our write waits for it
    # instead of napping in SQLite's busy handler, and goes on as soon as it is given back
    lock_path = f"{engine.url.database}.writer"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time\n"
         f"fd = os.open({lock_path!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\nsys.stdin.readline()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        waiting = threading.Thread(target=write, args=(engine, 7), daemon=True)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive(), "the write went ahead while another process had the turn"
        holder.stdin.write("\n")
        holder.stdin.flush()
        waiting.join(10)
        assert not waiting.is_alive()
    finally:
        holder.kill()
        holder.wait()
    assert count(engine) == 1
    fd = os.open(lock_path, os.O_RDWR)
    try:  # and nobody holds the turn now
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_reads_do_not_queue_for_the_turn(engine):
    lock_path = f"{engine.url.database}.writer"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as if another process were writing
    seen = []

    def read():
        with engine.connect().execution_options(talentflow_read_only=True) as conn, conn.begin():
            seen.append(conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one())

    try:
        assert finishes(read), "a read waited for the writers' turn"
        assert seen == [0]
    finally:
        os.close(fd)


def test_a_thread_writing_through_two_engines_of_one_file_meets_sqlites_lock_not_itself(engine, tmp_path: Path):
    # the second write of one thread gets SQLite's "database is locked" after its busy timeout, as
    # before the turn existed; with a turn per engine it would wait on its own flock for ever
    other = make_engine(None, home=tmp_path, service="turns")
    outcome = []

    def nested():
        with engine.begin() as first:
            first.execute(sa.text("INSERT INTO t VALUES (1)"))
            second = other.connect()
            second.connection.driver_connection.execute("PRAGMA busy_timeout=200")
            try:
                second.execute(sa.text("INSERT INTO t VALUES (2)"))
            except sa.exc.OperationalError as error:  # SQLAlchemy's, so the unit of work answers 503
                assert isinstance(domain_error(error), StoreUnavailable)
                outcome.append("locked" if "locked" in str(error) else str(error))
            finally:
                second.close()

    try:
        assert finishes(nested), "the thread queued behind its own turn"
        assert outcome == ["locked"] and count(engine) == 1
        assert finishes(lambda: write(other, 3))  # and the turn was given back
    finally:
        other.dispose()
