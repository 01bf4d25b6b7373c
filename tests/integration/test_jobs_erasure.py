"""worker.erased reaches the jobs service's copies: the worker's applications and invitations go."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common.events import WorkerErased, encode, make_event
from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    ADMIN,
    OTHER_WORKER,
    OWNER,
    WORKER,
    WORKER_ID,
    jobs,
)

pytestmark = pytest.mark.integration


def _publish_erasure(jobs, worker_id: str) -> None:
    event = make_event("worker.erased", WorkerErased(id=worker_id, erased_at=dt.datetime.now(dt.UTC)),
                       subject=worker_id, source="/talentflow/profiles", entityversion=9)
    jobs.app.state.runtime.event_log.publish([encode(event)])


def _consume(jobs) -> int:
    total = 0
    for _ in range(10):
        handled = jobs.app.state.erasure.run_once()
        total += handled
        if total and not handled:
            break
    return total


def test_an_erased_worker_leaves_no_applications_or_invitations(jobs):
    posting = jobs.create_posting()
    jobs.apply(posting["id"], message="我的电话 13800000001")
    jobs.apply(posting["id"], headers=OTHER_WORKER)
    jobs.invite(posting["id"])
    _publish_erasure(jobs, WORKER_ID)
    _publish_erasure(jobs, WORKER_ID)  # delivered twice: the handler is idempotent
    assert _consume(jobs) == 2
    remaining = jobs.client.get(f"/v1/postings/{posting['id']}/applications", headers=OWNER).json()["items"]
    assert [a["worker_id"] for a in remaining] == ["w-2"]
    assert jobs.client.get(f"/v1/postings/{posting['id']}/invitations", headers=OWNER).json()["items"] == []
    assert jobs.client.get("/v1/applications", headers=WORKER).json()["items"] == []
    assert jobs.app.state.erasure.dead_lettered == 0
    # the posting itself is untouched
    assert jobs.client.get(f"/v1/postings/{posting['id']}", headers=ADMIN).json()["status"] == "open"


def _publish(jobs, *events) -> None:
    jobs.app.state.runtime.event_log.publish([encode(e) for e in events])


def _erased(worker_id: str, version: int, erased_at: dt.datetime):
    return make_event("worker.erased", WorkerErased(id=worker_id, erased_at=erased_at), subject=worker_id,
                      source="/talentflow/profiles", entityversion=version)


def _drain(consumer) -> None:
    while consumer.run_once():
        pass


def test_an_old_erasure_delivered_after_the_person_came_back_leaves_the_new_profile_alone(jobs):
    from services.common.events import WorkerUpserted

    posting = jobs.create_posting()
    now = dt.datetime.now(dt.UTC)
    # the person was erased (version 2), came back (version 3) and applied
    _publish(jobs, _erased(WORKER_ID, 2, now))
    _drain(jobs.app.state.erasure)
    jobs.apply(posting["id"])
    # the read model of worker agencies has seen the new profile (versions go on across lives)
    came_back = WorkerUpserted.model_validate({"id": WORKER_ID, "version": 3, "created_at": now, "updated_at": now,
                                               "matchable": True, "name": "王**", "region": "150602"})
    _publish(jobs, make_event("worker.upserted", came_back, subject=WORKER_ID, source="/talentflow/profiles",
                              entityversion=3))
    _drain(jobs.app.state.agencies)
    _publish(jobs, _erased(WORKER_ID, 2, now), _erased(WORKER_ID, 2, now))  # redelivered, twice
    _drain(jobs.app.state.erasure)
    _drain(jobs.app.state.agencies)
    assert len(jobs.client.get("/v1/applications", headers=WORKER).json()["items"]) == 1
    with jobs.app.state.runtime.engine.connect() as conn:
        from services.jobs import store

        assert store.known_worker_version(conn, WORKER_ID) == 3
    assert jobs.app.state.erasure.dead_lettered == 0 and jobs.app.state.agencies.dead_lettered == 0

    # erased again for real: everything goes, the read model too
    _publish(jobs, _erased(WORKER_ID, 4, dt.datetime.now(dt.UTC)))
    _drain(jobs.app.state.erasure)
    _drain(jobs.app.state.agencies)
    assert jobs.client.get("/v1/applications", headers=WORKER).json()["items"] == []
    with jobs.app.state.runtime.engine.connect() as conn:
        assert store.known_worker_version(conn, WORKER_ID) is None
