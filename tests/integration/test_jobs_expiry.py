"""Postings expire at their deadline: the sweep (a worker thread of the app) closes them with reason expired."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from services.common.events import decode
from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    OWNER,
    WORKER,
    build_jobs,
    jobs,
)

pytestmark = pytest.mark.integration


def test_a_posting_stays_open_through_its_deadline_day_and_expires_after_it(jobs):
    posting = jobs.create_posting(deadline="2030-03-05", start_on=None)
    paused = jobs.create_posting(deadline="2030-03-05", start_on=None, status="paused")
    later = jobs.create_posting(deadline="2030-03-06", start_on=None)
    no_deadline = jobs.create_posting(deadline=None, start_on=None)
    jobs.new_events()
    # 23:59 on 5 March in Shanghai (15:59 UTC): still the deadline day
    jobs.clock.now = dt.datetime(2030, 3, 5, 15, 59, tzinfo=dt.UTC)
    assert jobs.sweep() == (0, 0, 0)
    assert jobs.apply(posting["id"]).status_code == 201
    assert [e.type for e in jobs.new_events()] == ["application.submitted"]
    # midnight in Shanghai: the deadline day is over
    jobs.clock.now = dt.datetime(2030, 3, 5, 16, 0, tzinfo=dt.UTC)
    assert jobs.sweep() == (2, 0, 0)
    events = jobs.new_events()
    assert sorted((e.subject, e.type, e.entityversion) for e in events) == sorted([
        (posting["id"], "posting.upserted", 2), (posting["id"], "posting.closed", 2),
        (paused["id"], "posting.upserted", 2), (paused["id"], "posting.closed", 2),
    ])
    for event in events:
        assert event.data["status"] == "expired"
        if event.type == "posting.closed":
            assert event.data["reason"] == "expired"
    for upserted, closed in zip(events[::2], events[1::2], strict=True):  # each posting's pair, in order
        assert (upserted.type, closed.type, upserted.subject) == ("posting.upserted", "posting.closed", closed.subject)

    expired = jobs.client.get(f"/v1/postings/{posting['id']}", headers=OWNER).json()
    assert expired["status"] == "expired" and expired["closed_reason"] == "expired"
    assert jobs.client.get(f"/v1/postings/{posting['id']}", headers=WORKER).status_code == 404
    assert jobs.client.patch(f"/v1/postings/{posting['id']}", json={"status": "open"}, headers=OWNER).status_code == 409
    assert jobs.client.get(f"/v1/postings/{later['id']}", headers=WORKER).json()["status"] == "open"
    assert jobs.client.get(f"/v1/postings/{no_deadline['id']}", headers=WORKER).json()["status"] == "open"
    assert jobs.sweep() == (0, 0, 0)  # nothing is expired twice
    assert jobs.new_events() == []


def test_an_unchanged_deadline_of_today_does_not_block_edits(jobs):
    posting = jobs.create_posting(deadline="2030-03-02", start_on=None)
    jobs.clock.advance(hours=1)
    edited = jobs.client.patch(f"/v1/postings/{posting['id']}", json={"headcount": 4}, headers=OWNER)
    assert edited.status_code == 200
    moved = jobs.client.patch(f"/v1/postings/{posting['id']}", json={"deadline": "2030-03-01"}, headers=OWNER)
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "body.deadline"


def test_the_sweep_runs_by_itself_as_a_worker_of_the_app(store_backend):
    """The app's workers list holds the sweep; started, it expires due postings without being asked."""
    for jobs in build_jobs(store_backend, expiry_sweep_s=0.05):
        posting = jobs.create_posting(deadline="2030-03-02", start_on=None)
        jobs.clock.advance(days=1)
        sweeper = jobs.app.state.sweeper
        assert sweeper in jobs.app.state.workers
        done = threading.Event()
        original = sweeper.run_once

        def observed():
            result = original()
            if result[0]:
                done.set()
            return result

        sweeper.run_once = observed
        sweeper.start()
        try:
            assert done.wait(10), "the sweep did not expire the posting"
        finally:
            sweeper.stop()
        assert jobs.client.get(f"/v1/postings/{posting['id']}", headers=OWNER).json()["status"] == "expired"


def test_published_events_keep_each_postings_order_through_the_relay(jobs):
    """The relay publishes the outbox to the event log keyed by posting id; one posting's events
    arrive exactly once each, in the order their changes committed."""
    posting = jobs.create_posting()
    url = f"/v1/postings/{posting['id']}"
    jobs.client.patch(url, json={"status": "paused"}, headers=OWNER)
    jobs.client.patch(url, json={"status": "open"}, headers=OWNER)
    application = jobs.apply(posting["id"]).json()
    jobs.client.patch(f"{url}/applications/{application['id']}", json={"status": "shortlisted"}, headers=OWNER)
    jobs.client.post(f"{url}/close", json={"reason": "filled"}, headers=OWNER)
    jobs.client.post(f"{url}/close", json={"reason": "filled"}, headers=OWNER)  # refused: no event
    assert jobs.app.state.relay.drain() == 7
    log = jobs.app.state.runtime.event_log
    consumer = log.consumer("test-reader", ["talentflow.postings", "talentflow.engagements"])
    records = []
    for _ in range(20):
        batch = consumer.poll(timeout_s=0.2)
        records.extend(batch)
        if len(records) >= 7 and not batch:
            break
    consumer.close()
    assert all(r.key == posting["id"] for r in records)
    by_topic = {}
    for record in records:
        event = decode(record)
        by_topic.setdefault(record.topic, []).append((event.type, event.entityversion))
    assert by_topic == {
        "talentflow.postings": [("posting.upserted", 1), ("posting.upserted", 2), ("posting.upserted", 3),
                                ("posting.upserted", 4), ("posting.closed", 4)],
        "talentflow.engagements": [("application.submitted", 1), ("application.updated", 2)],
    }
