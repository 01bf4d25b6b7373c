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
