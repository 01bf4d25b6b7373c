"""Retrieval, ranking and ingest on the in-memory index: every hard filter of DESIGN §5 keeps out a
candidate that fails it, and events fold into the index safely whatever their order."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common.errors import NotFound
from services.matching import handlers
from services.matching.handlers import PostingSearch, Tuning, WorkerSearch
from services.matching.index import Kind
from tests.fakes_search import (
    FakeSearchIndex,
    new_id,
    posting_closed,
    posting_data,
    posting_upserted,
    worker_data,
    worker_erased,
    worker_upserted,
)

pytestmark = pytest.mark.unit

NOW = dt.datetime.now(dt.UTC)
TUNING = Tuning()


def index_with(*events) -> FakeSearchIndex:
    index = FakeSearchIndex()
    handlers.apply_to_index(index, list(events))
    return index


def candidate_ids(index: FakeSearchIndex, posting: dict) -> set[str]:
    source = handlers.indexed_posting(index, posting["id"])
    return {h["worker_id"] for h in handlers.rank_candidates(index, source, TUNING, NOW, limit=100)}


def recommended_ids(index: FakeSearchIndex, worker: dict, kind: str | None = None) -> set[str]:
    source = handlers.indexed_worker(index, worker["id"])
    return {h["posting_id"] for h in handlers.rank_recommendations(index, source, TUNING, NOW, limit=100, kind=kind)}


# --- candidates: one failing filter keeps a worker out --------------------------------------------

FAILS_ONE_FILTER = {
    "no matching consent": {"consent": {"matching": False, "share_contact": False}},
    "paused": {"status": "paused"},
    "level below the minimum": {"skill_level": "intermediate"},
    "mode does not fit a project": {"availability": {"modes": ["full_time"]}},
    "elsewhere and not open to the region": {"region": "320583", "open_regions": ["32"]},
    "same province but not open to it": {"region": "150203", "open_regions": []},
    "neither skill nor text hit": {"skills": [{"name": "中式烹调", "proficiency": 5}], "occupations": [],
                                   "certificates": [], "awards": [], "achievements": []},
}


@pytest.mark.parametrize("failure", list(FAILS_ONE_FILTER))
def test_a_candidate_failing_one_hard_filter_never_appears(failure):
    posting = posting_data()
    good, bad = worker_data(), worker_data(**FAILS_ONE_FILTER[failure])
    index = index_with(posting_upserted(posting), worker_upserted(good), worker_upserted(bad))
    assert candidate_ids(index, posting) == {good["id"]}


@pytest.mark.parametrize(
    ("kind", "remote_ok", "modes", "fits"),
    [
        ("full_time", False, ["full_time"], True),
        ("full_time", False, ["part_time", "project"], False),
        ("part_time", False, ["part_time"], True),
        ("part_time", False, ["full_time"], False),
        ("service", False, ["part_time"], True),
        ("service", False, ["project"], True),
        ("service", False, ["remote_service"], False),
        ("service", True, ["remote_service"], True),
    ],
)
def test_availability_modes_against_posting_kinds(kind, remote_ok, modes, fits):
    posting = posting_data(kind=kind, remote_ok=remote_ok)
    worker = worker_data(availability={"modes": modes}, region="150603")
    index = index_with(posting_upserted(posting), worker_upserted(worker))
    assert (worker["id"] in candidate_ids(index, posting)) is fits
    assert (posting["id"] in recommended_ids(index, worker)) is fits


@pytest.mark.parametrize(
    ("worker_region", "open_regions", "fits"),
    [
        ("150602", [], True),  # the same county
        ("150621", [], True),  # inside the posting's city
        ("150203", ["15"], True),  # open to the province
        ("320583", ["1506"], True),  # open to the city
        ("320583", ["150602"], True),  # open to the county
        ("320583", ["150603"], False),  # open to another county of the city only
        ("150203", [], False),
    ],
)
def test_region_fits_from_both_sides(worker_region, open_regions, fits):
    posting = posting_data()
    worker = worker_data(region=worker_region, open_regions=open_regions)
    index = index_with(posting_upserted(posting), worker_upserted(worker))
    assert (worker["id"] in candidate_ids(index, posting)) is fits
    assert (posting["id"] in recommended_ids(index, worker)) is fits


def test_remote_work_fits_any_region_for_a_worker_serving_remotely():
    posting = posting_data(kind="service", remote_ok=True)
    far = worker_data(region="440305", open_regions=[], availability={"modes": ["remote_service"]})
    index = index_with(posting_upserted(posting), worker_upserted(far))
    assert candidate_ids(index, posting) == {far["id"]}
    assert recommended_ids(index, far) == {posting["id"]}


def test_candidates_are_best_first_limited_and_above_min_score():
    posting = posting_data()
    strong = worker_data()
    weak = worker_data(skill_level="senior", skills=[{"name": "氩弧焊", "proficiency": 2, "years": 1}], awards=[],
                       achievements=[], certificates=[], experience_years=1, region="150621")
    index = index_with(posting_upserted(posting), worker_upserted(strong), worker_upserted(weak))
    source = handlers.indexed_posting(index, posting["id"])
    hits = handlers.rank_candidates(index, source, TUNING, NOW, limit=10)
    assert [h["worker_id"] for h in hits] == [strong["id"], weak["id"]]
    assert hits[0]["score"] > hits[1]["score"]
    assert len(handlers.rank_candidates(index, source, TUNING, NOW, limit=1)) == 1
    assert [h["worker_id"] for h in handlers.rank_candidates(index, source, TUNING, NOW, limit=10,
                                                             min_score=hits[1]["score"] + 0.01)] == [strong["id"]]


# --- recommendations: postings a worker may take ------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "paused"},
        {"deadline": (NOW - dt.timedelta(days=2)).date().isoformat()},
        {"min_skill_level": "senior_technician"},
        {"kind": "full_time"},
        {"region": "440305"},
    ],
)
def test_a_posting_failing_one_filter_is_never_recommended(overrides):
    worker = worker_data()
    good, bad = posting_data(), posting_data(**overrides)
    index = index_with(worker_upserted(worker), posting_upserted(good), posting_upserted(bad))
    assert recommended_ids(index, worker) == {good["id"]}


def test_recommendations_by_kind():
    worker = worker_data()
    project, part_time = posting_data(), posting_data(kind="part_time")
    index = index_with(worker_upserted(worker), posting_upserted(project), posting_upserted(part_time))
    assert recommended_ids(index, worker) == {project["id"], part_time["id"]}
    assert recommended_ids(index, worker, kind="part_time") == {part_time["id"]}


def test_unknown_ids_are_not_found():
    index = FakeSearchIndex()
    with pytest.raises(NotFound):
        handlers.indexed_posting(index, "nope")
    with pytest.raises(NotFound):
        handlers.indexed_worker(index, "nope")


# --- structured search ----------------------------------------------------------------------------


def test_worker_search_by_skill_synonym_region_prefix_and_level():
    welder, electrician = worker_data(open_regions=["1502"]), worker_data(occupations=[{"code": "6-31-01-03", "name": "电工"}],
                                                     skills=[{"name": "PLC编程", "proficiency": 4}], region="150203",
                                                     open_regions=[])
    index = index_with(worker_upserted(welder), worker_upserted(electrician))

    def found(**body) -> list[str]:
        return [h["worker_id"] for h in handlers.search_workers(index, WorkerSearch(**body), TUNING, NOW)]

    assert found(skills=["TIG焊"]) == [welder["id"]]
    assert found(occupation="6-31") == [electrician["id"]]
    assert found(occupation="电焊工") == [welder["id"]]
    assert found(region="150602") == [welder["id"]]
    assert set(found(region="1502")) == {electrician["id"], welder["id"]}  # the welder is open to 1502
    assert found(min_level="senior_technician") == []
    assert set(found()) == {welder["id"], electrician["id"]}
    assert found(text="压力容器") == [welder["id"]]


def test_worker_search_never_shows_unmatchable_workers():
    hidden = worker_data(consent={"matching": False, "share_contact": False})
    index = index_with(worker_upserted(hidden))
    assert handlers.search_workers(index, WorkerSearch(), TUNING, NOW) == []


def test_posting_search_finds_open_postings_and_ranks_against_a_profile():
    open_posting, closed = posting_data(), posting_data()
    index = index_with(posting_upserted(open_posting), posting_upserted(closed),
                       posting_closed(closed["id"], 2))
    body = PostingSearch(skills=["TIG焊"], region="15")
    anonymous = handlers.search_postings(index, body, TUNING, NOW)
    assert [h["posting_id"] for h in anonymous] == [open_posting["id"]]
    me = handlers.worker_doc(worker_upserted(worker_data()).parsed()).source
    mine = handlers.search_postings(index, body, TUNING, NOW, worker=me)
    assert mine[0]["score"] > anonymous[0]["score"]  # a profile says more than the criteria alone
    assert handlers.search_postings(index, PostingSearch(kinds=["full_time"]), TUNING, NOW) == []
    assert handlers.search_postings(index, PostingSearch(worker_level="intermediate"), TUNING, NOW) == []


def test_search_bodies_refuse_unknown_codes():
    with pytest.raises(ValueError, match="occupation"):
        WorkerSearch(occupation="6-99-99-99")
    with pytest.raises(ValueError, match="region"):
        PostingSearch(region="99")
    with pytest.raises(ValueError):
        WorkerSearch(limit=0)


# --- ingest ----------------------------------------------------------------------------------------


def held(index: FakeSearchIndex, kind: Kind) -> dict[str, int]:
    return {hit.id: hit.version for hit in index.scan(kind)}


def test_ingest_is_idempotent():
    worker = worker_data()
    index = index_with(worker_upserted(worker))
    before = held(index, Kind.workers)
    result = handlers.apply_to_index(index, [worker_upserted(worker)] * 3)
    assert result.upserted == 0
    assert held(index, Kind.workers) == before


def test_an_older_event_arriving_late_changes_nothing():
    wid = new_id("w")
    v1, v2 = worker_data(wid, 1, experience_years=1), worker_data(wid, 2, experience_years=20)
    index = index_with(worker_upserted(v2))
    handlers.apply_to_index(index, [worker_upserted(v1)])
    assert index.get(Kind.workers, wid).source["experience_years"] == 20


def test_within_a_batch_the_newest_version_wins_whatever_the_order():
    wid = new_id("w")
    events = [worker_upserted(worker_data(wid, v, experience_years=v)) for v in (3, 1, 2)]
    index = index_with(*events)
    assert index.get(Kind.workers, wid).version == 3
    assert index.get(Kind.workers, wid).source["experience_years"] == 3


def test_a_closing_marks_the_posting_not_open_and_an_older_upsert_cannot_reopen_it():
    posting = posting_data()
    index = index_with(posting_upserted(posting))
    handlers.apply_to_index(index, [posting_closed(posting["id"], 2)])
    assert index.get(Kind.postings, posting["id"]).source["status"] == "filled"
    handlers.apply_to_index(index, [posting_upserted(posting)])  # version 1 again
    assert index.get(Kind.postings, posting["id"]).version == 2


def test_a_closing_that_overtakes_its_posting_leaves_a_tombstone():
    posting = posting_data()
    index = index_with(posting_closed(posting["id"], 2))
    handlers.apply_to_index(index, [posting_upserted(posting)])
    assert index.get(Kind.postings, posting["id"]) is None
    assert index.versions(Kind.postings, [posting["id"]]) == {posting["id"]: 2}


def test_closing_and_upsert_in_one_batch():
    posting = posting_data()
    index = index_with(posting_closed(posting["id"], 2), posting_upserted(posting))
    hit = index.get(Kind.postings, posting["id"])
    assert (hit.version, hit.source["status"]) == (2, "filled")


def test_erasure_removes_the_worker_and_keeps_older_copies_out():
    worker = worker_data()
    index = index_with(worker_upserted(worker))
    handlers.apply_to_index(index, [worker_erased(worker["id"], 2)])
    assert index.get(Kind.workers, worker["id"]) is None
    handlers.apply_to_index(index, [worker_upserted(worker_data(worker["id"], 1))])  # a late copy
    assert index.get(Kind.workers, worker["id"]) is None


def test_a_returning_person_is_indexed_and_an_old_erasure_redelivered_is_a_no_op():
    worker = worker_data()
    index = index_with(worker_upserted(worker))
    handlers.apply_to_index(index, [worker_erased(worker["id"], 2)])
    result = handlers.apply_to_index(index, [worker_upserted(worker_data(worker["id"], 3))])  # registered again
    assert result.upserted == 1 and index.get(Kind.workers, worker["id"]).version == 3
    again = handlers.apply_to_index(index, [worker_erased(worker["id"], 2)])  # the old erasure, redelivered
    assert again.erased == 0 and index.get(Kind.workers, worker["id"]).version == 3
    handlers.apply_to_index(index, [worker_erased(worker["id"], 4)])  # erased again: clean
    assert handlers.apply_to_index(index, [worker_erased(worker["id"], 4)]).erased == 0
    assert index.get(Kind.workers, worker["id"]) is None


def test_erase_and_return_in_one_batch_erases_the_old_life_and_keeps_the_new():
    worker = worker_data()
    index = index_with(worker_upserted(worker))
    result = handlers.apply_to_index(index, [
        worker_upserted(worker_data(worker["id"], 2)), worker_erased(worker["id"], 3),
        worker_upserted(worker_data(worker["id"], 4)), worker_erased(worker["id"], 3),
    ])
    assert (result.erased, result.upserted) == (1, 1)
    assert index.get(Kind.workers, worker["id"]).version == 4


def test_ingest_refreshes_before_returning():
    index = FakeSearchIndex()
    handlers.apply_to_index(index, [worker_upserted(worker_data())])
    assert index.refreshes == 1
    assert index.count(Kind.workers) == 1


def test_a_malformed_event_in_a_batch_fails_the_batch_before_anything_is_written():
    good = worker_upserted(worker_data())
    broken = worker_upserted(worker_data())
    broken.data["skill_level"] = "grandmaster"
    index = FakeSearchIndex()
    with pytest.raises(ValueError):
        handlers.apply_to_index(index, [good, broken])
    assert index.versions(Kind.workers, [good.subject]) == {}
