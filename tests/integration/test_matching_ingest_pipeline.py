"""The index consumer's pipeline on the embedded index (issue 14): a batch is written at once, made
durable by the index's next commit, and its offsets are committed only after that commit — while
the worker goes on reading and indexing the next batches.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench.matching_micro import worker_records
from services.common.adapters.eventlog_local import LocalEventLog
from services.common.events import WORKERS
from services.common.ports import OutgoingMessage
from services.matching.consumers import IndexIngest, index_consumer
from services.matching.index import Kind, SearchQuery
from services.matching.index.tantivy import TantivyIndex


def test_a_commit_ticket_is_done_after_the_commit_that_holds_the_writes(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index", commit_interval_s=0.2)
    try:
        assert index.commit_ticket().done()  # nothing written: nothing to wait for
        ingest = IndexIngest(lambda: index)
        ticket = ingest(next(worker_records(50, 50)))
        assert ticket is not None and not ticket.done()
        assert index.get(Kind.workers, "bw-0") is not None  # the overlay holds it already
        assert ticket.wait(5.0) and ticket.done()
        assert len(index.search(Kind.workers, SearchQuery(limit=100))) == 50
        later = ingest(next(worker_records(60, 60)))
        later.now()  # commits at once
        assert later.done()
    finally:
        index.close()


def test_closing_the_index_completes_its_tickets(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "index", commit_interval_s=60)
    ticket = IndexIngest(lambda: index)(next(worker_records(5, 5)))
    assert not ticket.done()
    index.close()
    assert ticket.done() and ticket.wait(0.0)


def test_offsets_follow_the_index_commit_and_everything_committed_is_searchable(tmp_path: Path) -> None:
    log = LocalEventLog(tmp_path / "log.db", partitions=4)
    index = TantivyIndex(tmp_path / "index", commit_interval_s=0.05)
    worker = index_consumer(log, IndexIngest(lambda: index), max_records=100, poll_timeout_s=0.05)
    try:
        records = [r for batch in worker_records(1000, 1000) for r in batch]
        log.publish([OutgoingMessage(WORKERS, r.key, r.value, r.headers) for r in records])
        worker.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            committed = log._conn().execute(
                "SELECT COALESCE(SUM(next_offset), 0) FROM group_offsets WHERE grp = 'matching-index'").fetchone()[0]
            # Whatever the group committed is in the committed index (a searcher sees it).
            assert index.count(Kind.workers) >= committed
            if committed == 1000:
                break
            time.sleep(0.01)
        assert committed == 1000
        assert worker.commits < 10 + 4  # batches of 100: a commit per durable run of batches, not more
    finally:
        worker.stop()
        index.close()
        log.close()


def test_a_reader_sees_the_writers_commit_on_its_next_search(tmp_path: Path) -> None:
    # tantivy's own OnCommit watcher polls every 500 ms; the reader looks at meta.json itself
    # (at most every READER_CHECK_S) so `serve --no-workers` is as fresh as the writer's commits.
    from services.matching.index.tantivy import READER_CHECK_S

    writer = TantivyIndex(tmp_path / "index", commit_interval_s=60)
    reader = TantivyIndex(tmp_path / "index", read_only=True)
    try:
        assert reader.count(Kind.workers) == 0
        for round_ in range(1, 4):
            IndexIngest(lambda: writer)(next(worker_records(10 * round_, 10 * round_))).now()
            time.sleep(READER_CHECK_S * 2)
            assert reader.count(Kind.workers) == 10 * round_
    finally:
        reader.close()
        writer.close()
