"""The market consumer's batch handler, without I/O: what it keeps of each event and what it applies."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common import events
from services.common.ports import Record
from services.matching.market.consumers import MarketIngest

pytestmark = pytest.mark.unit

WHEN = dt.datetime(2026, 1, 5, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class RecordingRepository:
    """Implements the one method the handler calls, keeping what it was given."""

    def __init__(self):
        self.batches: list[dict] = []

    def apply(self, workers, erased, postings, closures):
        self.batches.append({"workers": workers, "erased": erased, "postings": postings, "closures": closures})


def record(event: events.CloudEvent, offset: int = 0) -> Record:
    message = events.encode(event)
    return Record(message.topic, 0, offset, message.key, message.value, message.headers, 0)


def worker(version: int, **fields) -> events.CloudEvent:
    data = events.WorkerUpserted.model_validate({
        "id": "w-1", "version": version, "created_at": WHEN, "updated_at": WHEN, "matchable": True,
        "name": "王建国", "region": "150602", "skill_level": "technician",
        "occupations": [{"name": "自由职业"}, {"code": "6-18-02-04", "name": "焊工"}, {"code": "6-31-01-03", "name": "电工"}],
        "certificates": [{"occupation": "焊工", "level": "technician", "number": "19**********23"}],
        **fields,
    })
    return events.make_event("worker.upserted", data, subject="w-1", source="/t", entityversion=version)


def posting(version: int, **fields) -> events.CloudEvent:
    data = events.PostingUpserted.model_validate({
        "id": "p-1", "org_id": "o-1", "version": version, "created_at": WHEN, "updated_at": WHEN, "kind": "project",
        "title": "焊接修复", "occupation": {"code": "6-18-02-04", "name": "焊工"}, "min_skill_level": "senior",
        "headcount": 2, "wage": {"min": 400, "max": 800, "unit": "day"}, "region": "150602",
        "duration_days": 60, "deadline": "2026-12-10", **fields,
    })
    return events.make_event("posting.upserted", data, subject="p-1", source="/t", entityversion=version)


def test_a_worker_keeps_only_what_the_figures_need_primary_occupation_first_coded():
    repo = RecordingRepository()
    MarketIngest(repo).handle([record(worker(1))])
    (row,) = repo.batches[0]["workers"]
    assert (row.id, row.version, row.matchable, row.level, row.region) == ("w-1", 1, True, 4, "150602")
    assert (row.occupation, row.occupations) == ("6-18-02-04", "6-18-02-04 6-31-01-03")
    assert row.updated_at == WHEN and row.updated_at.tzinfo == dt.UTC  # stored in UTC
    assert "王" not in repr(row) and "19*" not in repr(row)  # no name or certificate in the read model


def test_a_posting_keeps_its_monthly_wage_and_minimum_level():
    repo = RecordingRepository()
    MarketIngest(repo).handle([record(posting(3))])
    (row,) = repo.batches[0]["postings"]
    assert (row.version, row.status, row.kind, row.occupation, row.min_level, row.headcount) == (3, "open", "project", "6-18-02-04", 3, 2)
    assert row.wage_month == 600 * 21.75 and row.deadline == dt.date(2026, 12, 10)


def test_a_batch_keeps_the_newest_event_of_each_kind_per_entity():
    repo = RecordingRepository()
    closed = events.make_event("posting.closed", events.PostingClosed(id="p-1", org_id="o-1", status="filled", reason="done",
                                                                      closed_at=WHEN), subject="p-1", source="/t", entityversion=5)
    erased = events.make_event("worker.erased", events.WorkerErased(id="w-1", erased_at=WHEN), subject="w-1", source="/t",
                               entityversion=3)
    batch = [record(worker(2), 0), record(worker(1), 1), record(posting(4), 2), record(closed, 3), record(posting(2), 4),
             record(erased, 5)]
    MarketIngest(repo).handle(batch)
    (applied,) = repo.batches
    assert [w.version for w in applied["workers"]] == [2]
    assert applied["erased"] == [("w-1", 3)]
    assert [p.version for p in applied["postings"]] == [4]  # the posting's data, then its closure
    assert [(c.id, c.version, c.status) for c in applied["closures"]] == [("p-1", 5, "filled")]


def test_a_closing_alone_brings_the_posting_it_carries_at_its_version():
    """After compaction a closed posting's only record is its posting.closed (v2 carries the posting)."""
    repo = RecordingRepository()
    state = events.PostingUpserted.model_validate({**posting(5, status="filled").data, "version": 5})
    closed = events.make_event("posting.closed", events.PostingClosed(id="p-1", org_id="o-1", status="filled",
                                                                      reason="filled", closed_at=WHEN, posting=state),
                               subject="p-1", source="/t", entityversion=5)
    MarketIngest(repo).handle([record(closed)])
    (applied,) = repo.batches
    assert [(p.id, p.version, p.status, p.occupation, p.headcount) for p in applied["postings"]] == [
        ("p-1", 5, "filled", "6-18-02-04", 2)]
    assert [(c.id, c.version) for c in applied["closures"]] == [("p-1", 5)]
    # with the posting's own upsert in the batch, that one is applied (never two rows for one posting)
    repo = RecordingRepository()
    MarketIngest(repo).handle([record(posting(5, status="filled")), record(closed, 1)])
    assert [p.version for p in repo.batches[0]["postings"]] == [5] and len(repo.batches[0]["postings"]) == 1


def test_events_this_read_model_does_not_need_are_skipped_and_garbage_fails_the_batch():
    repo = RecordingRepository()
    match = events.make_event("match.found", events.MatchFound(
        recipient_kind="worker", recipient_id="w-1", worker_id="w-1", posting_id="p-1", org_id="o-1", score=0.9,
        summary="好", found_at=WHEN), subject="w-1", source="/t", entityversion=1)
    MarketIngest(repo).handle([record(match)])
    assert repo.batches == []
    with pytest.raises(events.UndecodableEvent):
        MarketIngest(repo).handle([Record("talentflow.workers", 0, 0, "w-1", b"not json", {}, 0)])


@pytest.mark.parametrize("fields", [
    {},
    {"occupations": [{"name": "自由职业"}]},
    {"matchable": False, "skill_level": "junior", "region": "440305"},
    {"occupations": [{"code": "6-31-01-03", "name": "电工"}], "updated_at": dt.datetime(2025, 7, 1, 3, tzinfo=dt.UTC)},
])
def test_the_light_reader_gives_the_row_the_models_give(fields):
    """worker.upserted, nearly all of the volume, is read without pydantic (handlers.read_worker_record,
    shared with the index consumer); whatever it gives must be what the models give."""
    from services.matching.handlers import read_worker_record
    from services.matching.market.consumers import worker_row, worker_row_of

    event = worker(3, **fields)
    fast = read_worker_record(record(event))
    assert fast is not None, "the light reader should vouch for what the profiles outbox writes"
    version, data = fast
    assert worker_row_of(data, version) == worker_row(event)
    repo = RecordingRepository()
    MarketIngest(repo).handle([record(event)])
    assert repo.batches[0]["workers"] == [worker_row(event)]


def test_in_a_batch_the_newest_worker_wins_whichever_reader_read_it():
    repo = RecordingRepository()
    older, newer = worker(1, region="150603"), worker(2, region="150621")
    MarketIngest(repo).handle([record(newer, 1), record(older, 2)])
    (row,) = repo.batches[0]["workers"]
    assert (row.version, row.region) == (2, "150621")
