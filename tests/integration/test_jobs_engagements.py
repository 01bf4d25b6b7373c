"""Applications and invitations through HTTP on SQLite and PostgreSQL: moves, who makes them, events."""

from __future__ import annotations

import pytest

from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    ADMIN,
    AGENCY_ELSEWHERE,
    AGENCY_FOR_ORG,
    OTHER_EMPLOYER,
    OTHER_WORKER,
    OWNER,
    ORG,
    WORKER,
    WORKER_ID,
    auth,
    jobs,
)

pytestmark = pytest.mark.integration


# --- applications ------------------------------------------------------------------------------


def test_a_worker_applies_once_and_a_second_try_answers_the_first(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    first = jobs.apply(posting["id"], message="十二年氩弧焊经验")
    assert first.status_code == 201, first.text
    application = first.json()
    assert application["status"] == "submitted" and application["worker_id"] == WORKER_ID
    assert application["org_id"] == ORG and application["message"] == "十二年氩弧焊经验"
    assert first.headers["location"] == f"/v1/postings/{posting['id']}/applications/{application['id']}"
    second = jobs.apply(posting["id"], message="再投一次")
    assert second.status_code == 200 and second.json() == application
    [event] = jobs.new_events()
    assert (event.type, event.subject, event.entityversion) == ("application.submitted", posting["id"], 1)
    assert event.data["id"] == application["id"] and event.data["worker_id"] == WORKER_ID
    assert "message" not in event.data or event.data["message"] is None  # free text stays in jobs
    assert "十二年" not in jobs.outbox_text()


def test_applying_needs_a_worker_an_open_posting_and_a_live_deadline(jobs):
    posting = jobs.create_posting(deadline="2030-03-02", start_on=None)
    assert jobs.apply(posting["id"], headers=OWNER).status_code == 403
    assert jobs.apply(posting["id"], headers={}).status_code == 401
    assert jobs.apply("pst_unknown").status_code == 404
    too_long = jobs.apply(posting["id"], message="x" * 2001)
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "body.message"
    paused = jobs.create_posting(status="paused")
    assert jobs.apply(paused["id"]).status_code == 404  # not visible to a worker
    jobs.clock.advance(days=1)  # the deadline day is over, the sweep has not run yet
    late = jobs.apply(posting["id"])
    assert late.status_code == 409
    assert jobs.apply(posting["id"], headers=OTHER_WORKER).status_code == 409


def test_the_employer_side_moves_an_application_and_the_worker_sees_it(jobs):
    posting = jobs.create_posting()
    application = jobs.apply(posting["id"]).json()
    jobs.new_events()
    url = f"/v1/postings/{posting['id']}/applications/{application['id']}"
    stale = jobs.client.patch(url, json={"status": "shortlisted"}, headers={**OWNER, "If-Match": '"5"'})
    assert stale.status_code == 412
    shortlisted = jobs.client.patch(url, json={"status": "shortlisted"}, headers={**OWNER, "If-Match": '"1"'})
    assert shortlisted.status_code == 200 and shortlisted.json()["status"] == "shortlisted"
    assert shortlisted.headers["etag"] == '"2"'
    hired = jobs.client.patch(url, json={"status": "hired"}, headers=AGENCY_FOR_ORG)
    assert hired.status_code == 200 and hired.json()["version"] == 3
    events = jobs.new_events()
    assert [(e.type, e.subject, e.entityversion, e.data["previous_status"], e.data["status"]) for e in events] == [
        ("application.updated", posting["id"], 2, "submitted", "shortlisted"),
        ("application.updated", posting["id"], 3, "shortlisted", "hired"),
    ]
    mine = jobs.client.get(url, headers=WORKER)
    assert mine.status_code == 200 and mine.json()["status"] == "hired"
    for final in ("rejected", "shortlisted", "submitted"):
        response = jobs.client.patch(url, json={"status": final}, headers=OWNER)
        assert response.status_code == 409, (final, response.text)
    assert jobs.client.patch(url, json={"status": "withdrawn"}, headers=WORKER).status_code == 409
    assert jobs.new_events() == []


@pytest.mark.parametrize(
    ("moves", "last_status"),
    [
        ([("rejected", OWNER)], "rejected"),
        ([("shortlisted", OWNER), ("rejected", ADMIN)], "rejected"),
        ([("withdrawn", WORKER)], "withdrawn"),
        ([("shortlisted", OWNER), ("withdrawn", WORKER)], "withdrawn"),
    ],
)
def test_every_allowed_application_path(jobs, moves, last_status):
    posting = jobs.create_posting()
    application = jobs.apply(posting["id"]).json()
    url = f"/v1/postings/{posting['id']}/applications/{application['id']}"
    for status, headers in moves:
        response = jobs.client.patch(url, json={"status": status}, headers=headers)
        assert response.status_code == 200, response.text
    assert jobs.client.get(url, headers=OWNER).json()["status"] == last_status


def test_each_side_makes_only_its_own_moves(jobs):
    posting = jobs.create_posting()
    application = jobs.apply(posting["id"]).json()
    url = f"/v1/postings/{posting['id']}/applications/{application['id']}"
    assert jobs.client.patch(url, json={"status": "shortlisted"}, headers=WORKER).status_code == 403
    assert jobs.client.patch(url, json={"status": "withdrawn"}, headers=OWNER).status_code == 403
    assert jobs.client.patch(url, json={"status": "hired"}, headers=OWNER).status_code == 409  # shortlist first
    assert jobs.client.patch(url, json={"status": "shortlisted"}, headers=OTHER_EMPLOYER).status_code == 403
    assert jobs.client.patch(url, json={"status": "shortlisted"}, headers=AGENCY_ELSEWHERE).status_code == 403
    assert jobs.client.patch(url, json={"status": "withdrawn"}, headers=OTHER_WORKER).status_code == 404
    assert jobs.client.get(url, headers=OTHER_WORKER).status_code == 404
    bad = jobs.client.patch(url, json={"status": "promoted"}, headers=OWNER)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.status"
    assert jobs.client.patch(f"/v1/postings/{posting['id']}/applications/app_nope", json={"status": "shortlisted"},
                             headers=OWNER).status_code == 404
    assert jobs.client.get(url, headers=OWNER).json()["status"] == "submitted"


def test_a_worker_withdraws_from_a_posting_that_is_no_longer_open(jobs):
    posting = jobs.create_posting()
    application = jobs.apply(posting["id"]).json()
    jobs.client.post(f"/v1/postings/{posting['id']}/close", json={"reason": "withdrawn"}, headers=OWNER)
    url = f"/v1/postings/{posting['id']}/applications/{application['id']}"
    withdrawn = jobs.client.patch(url, json={"status": "withdrawn"}, headers=WORKER)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_application_lists_page_and_show_only_what_the_caller_may_see(jobs):
    posting = jobs.create_posting()
    workers = [f"w-{i}" for i in range(5)]
    made = [jobs.apply(posting["id"], headers=auth("worker", w)).json()["id"] for w in workers]
    url = f"/v1/postings/{posting['id']}/applications"
    seen, cursor = [], None
    while True:
        page = jobs.client.get(url + "?limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=OWNER).json()
        seen.extend(a["id"] for a in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == made[::-1]
    jobs.client.patch(f"{url}/{made[1]}", json={"status": "shortlisted"}, headers=OWNER)
    shortlisted = jobs.client.get(url + "?status=shortlisted", headers=AGENCY_FOR_ORG).json()["items"]
    assert [a["id"] for a in shortlisted] == [made[1]]
    assert jobs.client.get(url, headers=OTHER_EMPLOYER).status_code == 403
    assert jobs.client.get(url, headers=auth("worker", "w-0")).status_code == 403
    assert jobs.client.get(url, headers=ADMIN).status_code == 200

    other = jobs.create_posting()
    jobs.apply(other["id"], headers=auth("worker", "w-0"))
    own = jobs.client.get("/v1/applications", headers=auth("worker", "w-0")).json()["items"]
    assert {a["posting_id"] for a in own} == {posting["id"], other["id"]}
    assert all(a["worker_id"] == "w-0" for a in own)
    assert jobs.client.get("/v1/applications?worker_id=w-1", headers=auth("worker", "w-0")).status_code == 403
    assert len(jobs.client.get("/v1/applications?worker_id=w-1", headers=ADMIN).json()["items"]) == 1
    agency = auth("agency", "ag", org="agency-x", acts_for=["w-1"])
    assert len(jobs.client.get("/v1/applications?worker_id=w-1", headers=agency).json()["items"]) == 1
    assert jobs.client.get("/v1/applications", headers=OWNER).status_code == 422  # whose?


# --- invitations -------------------------------------------------------------------------------


def test_an_invitation_is_sent_once_and_accepted_by_the_invited_worker(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    sent = jobs.invite(posting["id"])
    assert sent.status_code == 201, sent.text
    invitation = sent.json()
    assert invitation["status"] == "pending" and invitation["worker_id"] == WORKER_ID
    assert invitation["expires_at"].startswith("2030-03-16")  # 14 days by default
    again = jobs.invite(posting["id"], headers=AGENCY_FOR_ORG)
    assert again.status_code == 200 and again.json()["id"] == invitation["id"]
    [event] = jobs.new_events()
    assert (event.type, event.subject, event.entityversion) == ("invitation.sent", posting["id"], 1)
    assert "欢迎" not in jobs.outbox_text()

    url = f"/v1/invitations/{invitation['id']}"
    assert jobs.client.post(f"{url}/accept", headers=OWNER).status_code == 403
    assert jobs.client.post(f"{url}/accept", headers=OTHER_WORKER).status_code == 404
    assert jobs.client.get(url, headers=OTHER_WORKER).status_code == 404
    assert jobs.client.get(url, headers=OTHER_EMPLOYER).status_code == 404
    accepted = jobs.client.post(f"{url}/accept", headers=WORKER)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["answered_at"] is not None
    assert jobs.client.post(f"{url}/decline", headers=WORKER).status_code == 409
    [answered] = jobs.new_events()
    assert (answered.type, answered.entityversion, answered.data["answer"]) == ("invitation.answered", 2, "accepted")
    assert jobs.client.get(url, headers=OWNER).json()["status"] == "accepted"
    assert jobs.invite(posting["id"]).status_code == 200  # already accepted: the same invitation


def test_a_declined_invitation_is_final(jobs):
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"]).json()
    declined = jobs.client.post(f"/v1/invitations/{invitation['id']}/decline", headers=WORKER)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=WORKER).status_code == 409
    assert jobs.invite(posting["id"]).status_code == 409


def test_who_may_invite(jobs):
    posting = jobs.create_posting()
    assert jobs.invite(posting["id"], headers=OTHER_EMPLOYER).status_code == 403
    assert jobs.invite(posting["id"], headers=AGENCY_ELSEWHERE).status_code == 403
    assert jobs.invite(posting["id"], headers=WORKER).status_code == 403
    assert jobs.invite(posting["id"], headers={}).status_code == 401
    assert jobs.invite(posting["id"], worker_id="w 1").status_code == 422
    assert jobs.invite(posting["id"], worker_id="w-3", headers=ADMIN).status_code == 201
    paused = jobs.create_posting(status="paused")
    assert jobs.invite(paused["id"], headers=OTHER_EMPLOYER).status_code == 404
    assert jobs.invite(paused["id"]).status_code == 409  # only open postings invite


def test_an_invitation_expires_and_can_then_be_sent_anew(jobs):
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"]).json()
    jobs.new_events()
    jobs.clock.advance(days=14, seconds=1)
    late = jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=WORKER)
    assert late.status_code == 409
    assert jobs.sweep() == (0, 1, 0)
    assert jobs.sweep() == (0, 0, 0)  # a second sweep finds nothing more
    [event] = jobs.new_events()
    assert (event.type, event.entityversion, event.data["answer"]) == ("invitation.answered", 2, "expired")
    assert jobs.client.get(f"/v1/invitations/{invitation['id']}", headers=WORKER).json()["status"] == "expired"
    renewed = jobs.invite(posting["id"])
    assert renewed.status_code == 201 and renewed.json()["id"] == invitation["id"]
    assert renewed.json()["status"] == "pending" and renewed.json()["version"] == 3
    assert jobs.new_event_types() == [("invitation.sent", posting["id"], 3)]


def test_re_inviting_past_expiry_before_the_sweep_records_the_expiry_first(jobs):
    posting = jobs.create_posting()
    jobs.invite(posting["id"])
    jobs.new_events()
    jobs.clock.advance(days=15)
    renewed = jobs.invite(posting["id"])
    assert renewed.status_code == 201 and renewed.json()["version"] == 3
    events = jobs.new_events()
    assert [(e.type, e.entityversion) for e in events] == [("invitation.answered", 2), ("invitation.sent", 3)]
    assert events[0].data["answer"] == "expired"


def test_accepting_needs_the_posting_still_open_but_declining_does_not(jobs):
    posting = jobs.create_posting()
    first = jobs.invite(posting["id"]).json()
    second = jobs.invite(posting["id"], worker_id="w-2").json()
    jobs.client.post(f"/v1/postings/{posting['id']}/close", json={"reason": "filled"}, headers=OWNER)
    assert jobs.client.post(f"/v1/invitations/{first['id']}/accept", headers=WORKER).status_code == 409
    assert jobs.client.post(f"/v1/invitations/{second['id']}/decline", headers=OTHER_WORKER).status_code == 200


def test_invitation_lists(jobs):
    posting = jobs.create_posting()
    other = jobs.create_posting()
    mine = [jobs.invite(p["id"]).json()["id"] for p in (posting, other)]
    jobs.invite(posting["id"], worker_id="w-2")
    page = jobs.client.get("/v1/invitations?limit=1", headers=WORKER).json()
    assert [i["id"] for i in page["items"]] == [mine[1]] and page["next_cursor"]
    rest = jobs.client.get(f"/v1/invitations?limit=1&cursor={page['next_cursor']}", headers=WORKER).json()
    assert [i["id"] for i in rest["items"]] == [mine[0]] and rest["next_cursor"] is None
    assert jobs.client.get("/v1/invitations?status=accepted", headers=WORKER).json()["items"] == []
    by_posting = jobs.client.get(f"/v1/postings/{posting['id']}/invitations", headers=OWNER).json()["items"]
    assert {i["worker_id"] for i in by_posting} == {WORKER_ID, "w-2"}
    assert jobs.client.get(f"/v1/postings/{posting['id']}/invitations", headers=WORKER).status_code == 403
