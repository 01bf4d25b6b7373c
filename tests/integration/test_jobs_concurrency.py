"""Races the row locks and unique constraints settle: one application per worker, one version per write.

These call the handlers from threads (the HTTP layer adds nothing to a race) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.common.auth import Principal, Role
from services.common.errors import StaleVersion
from services.jobs import handlers
from services.jobs.domain import ApplicationIn, InvitationIn, PostingPatch
from tests.integration.jobs_harness import OWNER, jobs  # noqa: F401  (jobs is a fixture)

pytestmark = pytest.mark.integration

THREADS = 6
WORKER = Principal(Role.worker, "w-race")
EMPLOYER = Principal(Role.employer, "emp-1", org="org-a")


def _race(fn):
    barrier = threading.Barrier(THREADS)

    def run(_):
        barrier.wait()
        try:
            return fn()
        except StaleVersion as exc:
            return exc

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def test_concurrent_applications_of_one_worker_make_one_application_and_one_event(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    deps = jobs.app.state.deps
    results = _race(lambda: handlers.apply(deps, WORKER, posting["id"], ApplicationIn()))
    assert sum(created for _, created in results) == 1
    assert len({application.id for application, _ in results}) == 1
    assert [e.type for e in jobs.new_events()] == ["application.submitted"]


def test_concurrent_invitations_of_one_worker_make_one_invitation(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    deps = jobs.app.state.deps
    results = _race(lambda: handlers.invite(deps, EMPLOYER, posting["id"], InvitationIn(worker_id="w-race")))
    assert sum(created for _, created in results) == 1
    assert [e.type for e in jobs.new_events()] == ["invitation.sent"]


def test_concurrent_writes_with_the_same_if_match_let_exactly_one_win(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    deps = jobs.app.state.deps
    results = _race(lambda: handlers.patch_posting(
        deps, EMPLOYER, posting["id"], PostingPatch.model_validate({"headcount": 7}), 1))
    winners = [r for r in results if not isinstance(r, StaleVersion)]
    assert len(winners) == 1 and winners[0].version == 2
    assert [(e.type, e.entityversion) for e in jobs.new_events()] == [("posting.upserted", 2)]


def test_every_committed_write_wakes_the_relay(jobs):
    woken = []
    deps = jobs.app.state.deps
    # as the app's own wake: after the commit of the group the command ran in (services/jobs/app.py)
    deps.wake = lambda: deps.uow.call_after_commit(lambda: woken.append(len(jobs.all_events())))
    posting = jobs.create_posting()
    jobs.client.post(f"/v1/postings/{posting['id']}/close", json={"reason": "filled"}, headers=OWNER)
    jobs.client.post(f"/v1/postings/{posting['id']}/close", json={"reason": "filled"}, headers=OWNER)  # refused
    assert woken == [1, 3]  # after each commit, with its events already in the outbox


def test_sweeps_running_at_once_expire_each_posting_exactly_once(jobs):
    due = [jobs.create_posting(deadline="2030-03-02", start_on=None)["id"] for _ in range(5)]
    jobs.new_events()
    jobs.clock.advance(days=1)
    deps = jobs.app.state.deps
    expired = _race(lambda: handlers.expire_due_postings(deps, batch=2))
    assert sum(expired) == len(due)
    events = jobs.new_events()
    assert sorted((e.subject, e.type) for e in events) == sorted(
        (posting_id, kind) for posting_id in due for kind in ("posting.upserted", "posting.closed"))
