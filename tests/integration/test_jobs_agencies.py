"""An agency acts for the workers whose agency_id is its org (DESIGN §3, issue 13 item 3), through HTTP
on SQLite and PostgreSQL: it lists, accepts and declines their invitations and submits and withdraws
their applications. The jobs service learns who manages whom from worker.upserted (its read model),
and asks profiles once for a worker the log has not told of yet."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common.auth import Role
from services.common.events import WorkerErased, WorkerUpserted, encode, make_event
from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    OWNER,
    WORKER,
    WORKER_ID,
    jobs,
)
from tests.support import auth

pytestmark = pytest.mark.integration

AGENCY_ORG = "agency-z"
AGENCY = auth(Role.agency, "staff-1", org=AGENCY_ORG)  # acts_for names no worker: agency_id is what counts
RIVAL = auth(Role.agency, "staff-9", org="agency-rival")
NOW = dt.datetime(2030, 3, 1, tzinfo=dt.UTC)


def _tell(jobs, worker_id: str, agency_id: str | None, version: int) -> None:
    data = WorkerUpserted.model_validate({
        "id": worker_id, "version": version, "created_at": NOW, "updated_at": NOW, "matchable": True,
        "name": "王**", "region": "150602", "agency_id": agency_id,
    })
    event = make_event("worker.upserted", data, subject=worker_id, source="/talentflow/profiles", entityversion=version)
    jobs.app.state.runtime.event_log.publish([encode(event)])


def _erase(jobs, worker_id: str) -> None:
    event = make_event("worker.erased", WorkerErased(id=worker_id, erased_at=NOW), subject=worker_id,
                       source="/talentflow/profiles", entityversion=99)
    jobs.app.state.runtime.event_log.publish([encode(event)])


def _consume(jobs) -> None:
    consumer = jobs.app.state.agencies
    for _ in range(10):
        if not consumer.run_once():
            break
    assert consumer.dead_lettered == 0


def test_an_agency_answers_invitations_for_its_workers(jobs):
    _tell(jobs, WORKER_ID, AGENCY_ORG, 1)
    _consume(jobs)
    first, second = jobs.create_posting(), jobs.create_posting()
    invitation = jobs.invite(first["id"]).json()
    other = jobs.invite(second["id"]).json()

    listed = jobs.client.get(f"/v1/invitations?worker_id={WORKER_ID}", headers=AGENCY)
    assert listed.status_code == 200, listed.text
    assert {i["id"] for i in listed.json()["items"]} == {invitation["id"], other["id"]}
    assert jobs.client.get(f"/v1/invitations/{invitation['id']}", headers=AGENCY).status_code == 200

    accepted = jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=AGENCY)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    declined = jobs.client.post(f"/v1/invitations/{other['id']}/decline", headers=AGENCY)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    answered = [e for e in jobs.all_events() if e.type == "invitation.answered"]
    assert [(e.data["worker_id"], e.data["answer"]) for e in answered] == [(WORKER_ID, "accepted"), (WORKER_ID, "declined")]

    # another agency sees none of it
    assert jobs.client.get(f"/v1/invitations?worker_id={WORKER_ID}", headers=RIVAL).status_code == 403
    assert jobs.client.get(f"/v1/invitations/{invitation['id']}", headers=RIVAL).status_code == 404
    third = jobs.invite(jobs.create_posting()["id"]).json()
    assert jobs.client.post(f"/v1/invitations/{third['id']}/accept", headers=RIVAL).status_code == 404


def test_an_agency_applies_and_withdraws_for_its_workers(jobs):
    _tell(jobs, WORKER_ID, AGENCY_ORG, 1)
    _consume(jobs)
    posting = jobs.create_posting()
    applied = jobs.apply(posting["id"], headers=AGENCY, worker_id=WORKER_ID, message="代为申请")
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert application["worker_id"] == WORKER_ID
    # the worker sees it as its own, and a second try by the agency answers the same application
    assert [a["id"] for a in jobs.client.get("/v1/applications", headers=WORKER).json()["items"]] == [application["id"]]
    again = jobs.apply(posting["id"], headers=AGENCY, worker_id=WORKER_ID)
    assert again.status_code == 200 and again.json()["id"] == application["id"]
    listed = jobs.client.get(f"/v1/applications?worker_id={WORKER_ID}", headers=AGENCY)
    assert listed.status_code == 200 and [a["id"] for a in listed.json()["items"]] == [application["id"]]

    path = f"/v1/postings/{posting['id']}/applications/{application['id']}"
    assert jobs.client.get(path, headers=AGENCY).status_code == 200
    # the worker's side only: the agency may not shortlist its own worker
    assert jobs.client.patch(path, json={"status": "shortlisted"}, headers=AGENCY).status_code == 403
    withdrawn = jobs.client.patch(path, json={"status": "withdrawn"}, headers=AGENCY)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"

    # who may not
    assert jobs.apply(posting["id"], headers=RIVAL, worker_id=WORKER_ID).status_code == 403
    assert jobs.client.patch(path, json={"status": "withdrawn"}, headers=RIVAL).status_code == 403  # an open posting: seen, not managed
    missing = jobs.apply(posting["id"], headers=AGENCY)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "body.worker_id"
    assert jobs.apply(posting["id"], headers=WORKER, worker_id="w-2").status_code == 403
    assert jobs.apply(posting["id"], headers=OWNER, worker_id=WORKER_ID).status_code == 403


def test_the_newest_profile_version_decides_and_erasure_forgets(jobs):
    posting = jobs.create_posting()
    jobs.invite(posting["id"])
    _tell(jobs, WORKER_ID, AGENCY_ORG, 2)
    _tell(jobs, WORKER_ID, "agency-rival", 3)  # the worker moved to another agency
    _tell(jobs, WORKER_ID, AGENCY_ORG, 2)  # a replayed older version changes nothing
    _consume(jobs)
    assert jobs.client.get(f"/v1/invitations?worker_id={WORKER_ID}", headers=AGENCY).status_code == 403
    assert jobs.client.get(f"/v1/invitations?worker_id={WORKER_ID}", headers=RIVAL).status_code == 200
    _erase(jobs, WORKER_ID)
    _consume(jobs)
    # profiles no longer knows the worker either: nobody acts for it
    assert jobs.client.get(f"/v1/invitations?worker_id={WORKER_ID}", headers=RIVAL).status_code == 403


def test_a_worker_the_log_has_not_told_of_yet_is_looked_up_in_profiles(jobs):
    jobs.profiles.add("w-new", share_contact=False, agency_id=AGENCY_ORG)
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"], worker_id="w-new").json()
    accepted = jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=AGENCY)
    assert accepted.status_code == 200, accepted.text
    assert jobs.client.get("/v1/invitations?worker_id=w-new", headers=RIVAL).status_code == 403
    # once the event arrives the read model answers, without asking profiles
    _tell(jobs, "w-new", AGENCY_ORG, 1)
    _consume(jobs)
    asked = len(jobs.profiles.requests)
    assert jobs.client.get("/v1/invitations?worker_id=w-new", headers=AGENCY).status_code == 200
    assert len(jobs.profiles.requests) == asked


def test_profiles_unreachable_for_an_unknown_worker_is_503_not_a_guess(jobs):
    jobs.profiles.down = True
    response = jobs.client.get("/v1/invitations?worker_id=w-unknown", headers=AGENCY)
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    # a worker the read model knows needs no call at all
    _tell(jobs, WORKER_ID, AGENCY_ORG, 1)
    _consume(jobs)
    assert jobs.client.get(f"/v1/invitations?worker_id={WORKER_ID}", headers=AGENCY).status_code == 200


def test_without_worker_id_an_agency_lists_every_workers_engagements(jobs):
    _tell(jobs, "w-a", AGENCY_ORG, 1)
    _tell(jobs, "w-b", AGENCY_ORG, 1)
    _tell(jobs, "w-c", "agency-rival", 1)
    _consume(jobs)
    posting = jobs.create_posting()
    invited = {w: jobs.invite(posting["id"], worker_id=w).json()["id"] for w in ("w-a", "w-b", "w-c", "w-listed")}
    jobs.client.post(f"/v1/invitations/{invited['w-b']}/decline", headers=AGENCY)
    applied = jobs.apply(jobs.create_posting()["id"], headers=AGENCY, worker_id="w-a").json()

    mine = jobs.client.get("/v1/invitations", params={"limit": 1}, headers=AGENCY)
    assert mine.status_code == 200, mine.text
    seen, page = [], mine.json()
    while True:
        seen += [i["worker_id"] for i in page["items"]]
        if not page["next_cursor"]:
            break
        page = jobs.client.get("/v1/invitations", params={"limit": 1, "cursor": page["next_cursor"]}, headers=AGENCY).json()
    assert sorted(seen) == ["w-a", "w-b"]  # not the rival's worker
    pending = jobs.client.get("/v1/invitations", params={"status": "pending"}, headers=AGENCY).json()["items"]
    assert [i["worker_id"] for i in pending] == ["w-a"]
    # a worker its token lists by id counts too
    listing = auth(Role.agency, "staff-2", org=AGENCY_ORG, acts_for=["w-listed"])
    assert sorted(i["worker_id"] for i in jobs.client.get("/v1/invitations", headers=listing).json()["items"]) == [
        "w-a", "w-b", "w-listed"]
    assert [a["id"] for a in jobs.client.get("/v1/applications", headers=AGENCY).json()["items"]] == [applied["id"]]
    # an employer still names a worker (it manages none)
    refused = jobs.client.get("/v1/invitations", headers=OWNER)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "query.worker_id"
