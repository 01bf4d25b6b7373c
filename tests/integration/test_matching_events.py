"""Matching's consumers on real engines: the local event log, the tantivy index, SQLite and
PostgreSQL. Ingest is idempotent and safe against reordering, commits offsets only after the index
holds the batch, sends a malformed message to the DLQ; reactive matching announces each pair once,
even after a restart that lost the key-value markers; erasure reaches every copy."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from services.common.adapters.kv_memory import MemoryKeyValue
from services.common.events import MATCHES, decode, dlq, encode
from services.common.ports import OutgoingMessage
from services.common.store import make_engine, run_migrations, schema_drift
from services.matching import handlers, store
from services.matching.app import MIGRATIONS, Settings, create_app
from services.matching.consumers import IndexIngest, index_consumer
from services.matching.index import Kind
from tests.fakes_search import (
    new_id,
    posting_closed,
    posting_data,
    posting_upserted,
    worker_data,
    worker_erased,
    worker_upserted,
)
from tests.support import runtime_for, settings_kwargs

pytestmark = pytest.mark.integration


@pytest.fixture
def matching(store_backend, tmp_path):
    settings = Settings(**settings_kwargs(store_backend), index_path=tmp_path / "index", index_wait_s=2.0)
    runtime = runtime_for("matching", settings, store_backend)
    app = create_app(settings, runtime=runtime)
    for consumer in (app.state.index_consumer, app.state.reactive_consumer):
        consumer.poll_timeout_s = 0.05  # an empty poll ends a drain; keep it short
    yield app
    app.state.index.close()
    runtime.close()


def publish(app, *events) -> None:
    app.state.runtime.event_log.publish([encode(e) for e in events])


def drain(worker) -> int:
    total = 0
    while n := worker.run_once():
        total += n
    return total


def index_of(app):
    return app.state.index()


def held(app, kind: Kind) -> dict[str, int]:
    return {hit.id: hit.version for hit in index_of(app).scan(kind)}


def read_topic(app, topic: str) -> list:
    consumer = app.state.runtime.event_log.consumer(new_id("reader"), [topic], from_beginning=True)
    try:
        records, batch = [], consumer.poll(0.2, 1000)
        while batch:
            records += batch
            batch = consumer.poll(0.05, 1000)
        return records
    finally:
        consumer.close()


# --- the store ---------------------------------------------------------------------------------------


def test_migrations_match_the_tables_the_code_declares(store_backend):
    engine = make_engine(store_backend.database_url, home=store_backend.home, service="matching",
                         schema=store_backend.schema)
    try:
        run_migrations(engine, MIGRATIONS)
        assert schema_drift(engine, store.metadata) == []
        run_migrations(engine, MIGRATIONS)  # a second start changes nothing
    finally:
        engine.dispose()


# --- ingest ------------------------------------------------------------------------------------------


def test_ingest_is_idempotent_and_reordering_safe(matching):
    wid = new_id("w")
    v1, v2 = worker_data(wid, 1, experience_years=3), worker_data(wid, 2, experience_years=9)
    posting = posting_data()
    publish(matching, worker_upserted(v2), posting_upserted(posting), worker_upserted(v1))
    assert drain(matching.state.index_consumer) == 3
    assert held(matching, Kind.workers) == {wid: 2}
    assert index_of(matching).get(Kind.workers, wid).source["experience_years"] == 9

    publish(matching, worker_upserted(v1), worker_upserted(v2), posting_upserted(posting))  # replays
    drain(matching.state.index_consumer)
    assert held(matching, Kind.workers) == {wid: 2}
    assert held(matching, Kind.postings) == {posting["id"]: 1}


def test_closing_and_erasure_through_the_log(matching):
    worker, posting = worker_data(), posting_data()
    publish(matching, worker_upserted(worker), posting_upserted(posting))
    drain(matching.state.index_consumer)
    publish(matching, posting_closed(posting["id"], 2), worker_erased(worker["id"], 2),
            worker_upserted(worker))  # a late copy of the profile must not bring the person back
    drain(matching.state.index_consumer)
    assert index_of(matching).get(Kind.postings, posting["id"]).source["status"] == "filled"
    assert index_of(matching).get(Kind.workers, worker["id"]) is None
    assert worker["id"] not in held(matching, Kind.workers)


def test_offsets_are_committed_only_after_the_index_holds_the_batch(matching):
    steps: list[str] = []
    real_index = index_of(matching)

    class RecordingIndex:
        def __getattr__(self, name):
            return getattr(real_index, name)

        def upsert(self, kind, docs):
            steps.append("upsert")
            return real_index.upsert(kind, docs)

        def refresh(self):
            steps.append("refresh")
            real_index.refresh()

    log = matching.state.runtime.event_log

    class RecordingLog:
        def __getattr__(self, name):
            return getattr(log, name)

        def consumer(self, *args, **kwargs):
            consumer = log.consumer(*args, **kwargs)
            commit = consumer.commit

            def recorded_commit(records):
                steps.append("commit")
                commit(records)

            consumer.commit = recorded_commit
            return consumer

    publish(matching, worker_upserted(worker_data()))
    worker = index_consumer(RecordingLog(), IndexIngest(lambda: RecordingIndex()), group=new_id("g"))
    try:
        assert worker.run_once() == 1
    finally:
        worker.stop()
    assert steps == ["upsert", "refresh", "commit"]


def test_a_failing_index_write_commits_nothing(matching):
    class BrokenIndex:
        def __getattr__(self, name):
            raise OSError("disk full")

    publish(matching, worker_upserted(worker_data()))
    group = new_id("g")
    worker = index_consumer(matching.state.runtime.event_log, IndexIngest(lambda: BrokenIndex()), group=group,
                            max_attempts=1, backoff_s=0.001)
    try:
        worker.run_once()
    finally:
        worker.stop()
    assert worker.dead_lettered == 1  # max_attempts=1: straight to the DLQ, as a poison message would
    # with the real index, the same group now reads nothing more: the record was taken care of once
    assert worker.processed == 0


def test_a_malformed_message_goes_to_the_dlq_and_the_rest_is_indexed(matching):
    good = worker_data()
    log = matching.state.runtime.event_log
    log.publish([OutgoingMessage("talentflow.workers", "junk", b"{not a cloud event", {}),
                 encode(worker_upserted(good))])
    broken = worker_upserted(worker_data())
    broken.data["skill_level"] = "grandmaster"  # an envelope whose data does not parse
    publish(matching, broken)
    worker = index_consumer(log, IndexIngest(matching.state.index), group=new_id("g"), backoff_s=0.001)
    try:
        assert drain(worker) == 3
    finally:
        worker.stop()
    assert worker.dead_lettered == 2
    assert good["id"] in held(matching, Kind.workers)
    dead = read_topic(matching, dlq("talentflow.workers"))
    assert {r.key for r in dead} == {"junk", broken.subject}
    assert all("error" in r.headers for r in dead)


# --- reactive matching --------------------------------------------------------------------------------


def announcements(app) -> list:
    app.state.relay.drain()
    return [decode(r) for r in read_topic(app, MATCHES)]


def test_a_new_posting_announces_its_best_workers_once(matching):
    strong, weak, unmatchable = (
        worker_data(),
        worker_data(skills=[{"name": "氩弧焊", "proficiency": 1, "years": 0}], awards=[], achievements=[],
                    certificates=[], experience_years=0, skill_level="senior", region="150621",
                    wage_expectation={"min": 2000, "max": 3000, "unit": "day"}),
        worker_data(consent={"matching": False, "share_contact": False}),
    )
    publish(matching, *(worker_upserted(w) for w in (strong, weak, unmatchable)))
    drain(matching.state.index_consumer)
    drain(matching.state.reactive_consumer)
    posting = posting_data()
    publish(matching, posting_upserted(posting))
    drain(matching.state.index_consumer)
    drain(matching.state.reactive_consumer)

    found = [e for e in announcements(matching) if e.data["posting_id"] == posting["id"]]
    # both sides of the one strong pair: the worker, and the posting's org about that worker
    assert sorted((e.data["recipient_kind"], e.data["recipient_id"], e.data["worker_id"]) for e in found) == [
        ("org", posting["org_id"], strong["id"]), ("worker", strong["id"], strong["id"])]
    event = next(e for e in found if e.data["recipient_kind"] == "worker")
    assert event.subject == strong["id"] and event.data["score"] >= 0.6
    assert "匹配必需技能" in event.data["summary"]
    assert "王建国" not in json.dumps(event.data, ensure_ascii=False)
    assert event.data.get("worker_version") is None  # found from the posting's side: the worker's version is not known here

    # the same posting again (a replay, or an edit) announces nothing new
    publish(matching, posting_upserted(posting_data(posting["id"], 2)))
    drain(matching.state.index_consumer)
    drain(matching.state.reactive_consumer)
    assert len([e for e in announcements(matching) if e.data["posting_id"] == posting["id"]]) == 2


def test_a_changed_worker_announces_to_the_owners_of_the_best_postings(matching):
    posting, closed = posting_data(org_id="org-a"), posting_data(org_id="org-b")
    publish(matching, posting_upserted(posting), posting_upserted(closed), posting_closed(closed["id"], 2, org_id="org-b"))
    drain(matching.state.index_consumer)
    drain(matching.state.reactive_consumer)
    worker = worker_data()
    publish(matching, worker_upserted(worker))
    drain(matching.state.index_consumer)
    drain(matching.state.reactive_consumer)
    found = [e for e in announcements(matching) if e.data["worker_id"] == worker["id"]]
    assert sorted((e.data["recipient_kind"], e.data["recipient_id"], e.data["posting_id"]) for e in found) == [
        ("org", "org-a", posting["id"]), ("worker", worker["id"], posting["id"])]
    # found from the worker's change: both sides carry the worker's version (notify lifts an older erasure with it)
    assert [e.data["worker_version"] for e in found] == [worker["version"]] * 2


def test_a_restart_with_an_empty_key_value_store_does_not_announce_again(matching):
    worker, posting = worker_data(), posting_data()
    events = [worker_upserted(worker), posting_upserted(posting)]
    publish(matching, *events)
    drain(matching.state.index_consumer)
    first = handlers.react(index_of(matching), matching.state.uow, MemoryKeyValue(), events,
                           matching.state.matching.tuning)
    again = handlers.react(index_of(matching), matching.state.uow, MemoryKeyValue(), events,
                           matching.state.matching.tuning)
    # each side told once: the employer about the worker, the worker about the posting
    assert first.announced == 2 and again.announced == 0
    with matching.state.runtime.engine.connect() as conn:
        assert store.MatchingStore(conn).announced(worker["id"], posting["id"])
        kinds = conn.execute(sa.select(store.announced_matches.c.recipient_kind).where(
            store.announced_matches.c.worker_id == worker["id"])).scalars().all()
    assert sorted(kinds) == ["org", "worker"]


class CountingUnitOfWork:
    """matching's unit of work, counting the transactions it opens (and failing one on request)."""

    def __init__(self, uow, fail: bool = False):
        self.uow, self.fail, self.transactions = uow, fail, 0

    def __enter__(self):
        self.transactions += 1
        self.uow.__enter__()
        return self

    def __exit__(self, *exc):
        return self.uow.__exit__(*exc)

    @property
    def store(self):
        return self.uow.store

    def publish(self, *events):
        if self.fail:
            raise RuntimeError("the outbox write failed")
        self.uow.publish(*events)


def test_a_burst_of_changes_is_announced_in_one_transaction(matching):
    # a reactive batch of hundreds of changes once committed per pair: at a million workers that
    # was the consumer's lag; every pair of the batch is now claimed in one transaction
    workers = [worker_data() for _ in range(3)]
    postings = [posting_data(org_id=f"org-{n}") for n in range(2)]
    events = [worker_upserted(w) for w in workers] + [posting_upserted(p) for p in postings]
    publish(matching, *events)
    drain(matching.state.index_consumer)
    counting = CountingUnitOfWork(matching.state.uow)
    result = handlers.react(index_of(matching), counting, MemoryKeyValue(), events, matching.state.matching.tuning)
    assert result.announced == 3 * 2 * 2  # each pair, each side
    assert counting.transactions == 1
    pairs = {(e.data["worker_id"], e.data["posting_id"], e.data["recipient_kind"]) for e in announcements(matching)}
    assert pairs == {(w["id"], p["id"], side) for w in workers for p in postings for side in ("worker", "org")}


def test_a_failed_announcement_batch_leaves_every_pair_to_the_retry(matching):
    worker, postings = worker_data(), [posting_data(), posting_data()]
    events = [worker_upserted(worker)] + [posting_upserted(p) for p in postings]
    publish(matching, *events)
    drain(matching.state.index_consumer)
    kv, tuning = MemoryKeyValue(), matching.state.matching.tuning
    with pytest.raises(RuntimeError):
        handlers.react(index_of(matching), CountingUnitOfWork(matching.state.uow, fail=True), kv, events, tuning)
    assert all(kv.get(handlers.dedupe_key(worker["id"], p["id"], side)) is None
               for p in postings for side in ("worker", "org"))
    assert announcements(matching) == []
    assert handlers.react(index_of(matching), matching.state.uow, kv, events, tuning).announced == 4


def test_reactive_matching_in_a_process_of_its_own(store_backend, tmp_path):
    # MATCHING_REACTIVE=false on the process that writes the index, MATCHING_REACTIVE_ONLY=true on a
    # `talentflow work matching` beside it: announcements no longer share ingest's process
    kwargs = dict(**settings_kwargs(store_backend), index_path=tmp_path / "index", index_wait_s=5.0)
    writer_settings = Settings(**kwargs, reactive=False)
    writer = create_app(writer_settings, runtime=runtime_for("matching", writer_settings, store_backend))
    apart_settings = Settings(**kwargs, reactive_only=True)
    apart = create_app(apart_settings, runtime=runtime_for("matching", apart_settings, store_backend))
    try:
        assert writer.state.reactive_consumer is None
        assert apart.state.workers == [apart.state.reactive_consumer] and apart_settings.index_read_only
        for consumer in (writer.state.index_consumer, apart.state.reactive_consumer):
            consumer.poll_timeout_s = 0.05
        worker, posting = worker_data(), posting_data()
        publish(writer, worker_upserted(worker), posting_upserted(posting))
        drain(writer.state.index_consumer)
        assert drain(apart.state.reactive_consumer) == 2
        # the pairs were claimed in the shared store; the writer's relay publishes them
        found = sorted((e.data["recipient_kind"], e.data["posting_id"]) for e in announcements(writer)
                       if e.data["worker_id"] == worker["id"])
        assert found == [("org", posting["id"]), ("worker", posting["id"])]
    finally:
        for app in (apart, writer):
            app.state.index.close()
            app.state.runtime.close()


def test_reactive_only_needs_reactive_matching_on(store_backend, tmp_path):
    with pytest.raises(ValueError, match="MATCHING_REACTIVE=true"):
        Settings(**settings_kwargs(store_backend), index_path=tmp_path / "index", reactive=False, reactive_only=True)


def test_the_reactive_step_waits_for_the_index(matching):
    posting = posting_data()
    tuning = handlers.Tuning(index_wait_s=0.1)
    with pytest.raises(handlers.IndexBehind):
        handlers.react(index_of(matching), matching.state.uow, MemoryKeyValue(),
                       [posting_upserted(posting)], tuning)


def test_erasure_forgets_announced_pairs_and_their_markers(matching):
    worker, posting = worker_data(), posting_data()
    publish(matching, worker_upserted(worker), posting_upserted(posting))
    drain(matching.state.index_consumer)
    drain(matching.state.reactive_consumer)
    kv = matching.state.runtime.key_value
    assert kv.get(handlers.dedupe_key(worker["id"], posting["id"])) is not None
    publish(matching, worker_erased(worker["id"], 2))
    drain(matching.state.index_consumer)
    drain(matching.state.reactive_consumer)
    assert kv.get(handlers.dedupe_key(worker["id"], posting["id"])) is None
    with matching.state.runtime.engine.connect() as conn:
        rows = conn.execute(sa.select(store.announced_matches).where(
            store.announced_matches.c.worker_id == worker["id"])).all()
    assert rows == []


# --- returning people: erasure is an end, not a ban ----------------------------------------------------


def test_a_person_who_erased_themselves_and_comes_back_is_matched_like_anyone(matching, tmp_path):
    from fastapi.testclient import TestClient

    from services.common.events import WORKERS
    from services.matching.index.tantivy import TantivyIndex
    from services.matching.replay import replay_embedded
    from tests.support import auth

    client = TestClient(matching)  # no lifespan: the consumers are driven by hand below
    event_log = matching.state.runtime.event_log
    wid = new_id("w")
    posting = posting_data()
    employer, admin = auth("employer", "u-1", posting["org_id"]), auth("admin", "root")

    def step() -> None:
        drain(matching.state.index_consumer)
        drain(matching.state.reactive_consumer)

    def candidate_ids() -> list[str]:
        response = client.get(f"/v1/postings/{posting['id']}/candidates", headers=employer)
        assert response.status_code == 200, response.text
        return [item["worker_id"] for item in response.json()["items"]]

    def announced() -> list[str]:
        with matching.state.runtime.engine.connect() as conn:
            return sorted(conn.execute(sa.select(store.announced_matches.c.recipient_kind).where(
                store.announced_matches.c.worker_id == wid)).scalars().all())

    publish(matching, worker_upserted(worker_data(wid, 1)), posting_upserted(posting))
    step()
    assert wid in candidate_ids() and announced() == ["org", "worker"]

    publish(matching, worker_erased(wid, 2))  # profiles: the erasure's version is the last one + 1
    step()
    assert wid not in candidate_ids()
    assert client.get(f"/v1/workers/{wid}/recommendations", headers=admin).status_code == 404
    assert announced() == []

    # the same id registers again: profiles continues above the erased version
    publish(matching, worker_upserted(worker_data(wid, 3, name="王新")))
    step()
    assert wid in candidate_ids()
    response = client.get(f"/v1/workers/{wid}/recommendations", headers=auth("worker", wid))
    assert response.status_code == 200 and posting["id"] in [i["posting_id"] for i in response.json()["items"]]
    assert announced() == ["org", "worker"]  # told again, like any new profile

    # the old erasure delivered again changes nothing, anywhere
    publish(matching, worker_erased(wid, 2))
    step()
    assert held(matching, Kind.workers)[wid] == 3 and wid in candidate_ids()
    assert announced() == ["org", "worker"]

    # a replay of the log restores the person who came back
    replay_embedded(tmp_path / "index", event_log, TantivyIndex, first_wait_s=1.0, poll_timeout_s=0.05, idle_polls=2)
    assert matching.state.index.check() is True
    assert held(matching, Kind.workers)[wid] == 3 and wid in candidate_ids()

    # erased a second time, the erasure delivered twice: clean, nothing in the DLQ
    publish(matching, worker_erased(wid, 4), worker_erased(wid, 4))
    step()
    assert wid not in held(matching, Kind.workers) and wid not in candidate_ids()
    assert client.get(f"/v1/workers/{wid}/recommendations", headers=admin).status_code == 404
    assert read_topic(matching, dlq(WORKERS)) == []


# --- lean events and logs ---------------------------------------------------------------------------


def test_matching_reads_lean_and_older_worker_events_and_never_logs_the_person(matching, caplog):
    import logging

    from services.common.events import WORKERS

    caplog.set_level(logging.DEBUG)
    posting = posting_data()
    lean = worker_upserted(worker_data(name="欧阳娜娜", location={"lat": 39.904689, "lon": 116.407173}))
    assert lean.data["name"] == "欧***" and lean.data["location"] == {"lat": 39.9, "lon": 116.41}
    # what a version 2 producer wrote: the full name and the exact spot
    older = worker_upserted(worker_data(name="欧阳娜娜"))
    older.dataschema = "urn:talentflow:events:worker.upserted:v2"
    older.data.update(name="欧阳娜娜", location={"lat": 39.904689, "lon": 116.407173})
    broken = worker_upserted(worker_data(name="欧阳娜娜"))
    broken.dataschema = "urn:talentflow:events:worker.upserted:v2"
    broken.data.update(name="欧阳娜娜", skill_level="grandmaster", location={"lat": 39.904689, "lon": 116.407173})
    publish(matching, lean, older, broken, posting_upserted(posting))
    for consumer in (matching.state.index_consumer, matching.state.reactive_consumer):
        consumer.backoff_s = 0.001
    drain(matching.state.index_consumer)
    drain(matching.state.reactive_consumer)

    for event in (lean, older):
        hit = index_of(matching).get(Kind.workers, event.subject)
        assert hit is not None and hit.source["name"] == "欧***" and "location" not in hit.source
    assert index_of(matching).get(Kind.workers, broken.subject) is None
    assert {decode(r).subject for r in read_topic(matching, dlq(WORKERS))} == {broken.subject}  # one per group
    text = "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert "failed" in text  # the poison record was logged, by type
    for personal in ("欧阳娜娜", "阳娜娜", "39.904689", "116.407173"):
        assert personal not in text
