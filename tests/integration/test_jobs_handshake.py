"""The handshake: a worker's contact data reaches a posting's org only after mutual interest.

Profiles is faked behind httpx.MockTransport (it checks the `service` token the jobs service sends).
"""

from __future__ import annotations

import pytest

from services.common.auth import Role, TokenIssuer
from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    ADMIN,
    AGENCY_ELSEWHERE,
    AGENCY_FOR_ORG,
    OTHER_EMPLOYER,
    OWNER,
    TEST_KEY,
    WORKER,
    WORKER_ID,
    jobs,
)

pytestmark = pytest.mark.integration

CARD = {"name": "王建国", "phone": "13800000001", "email": "wjg@example.com"}


def _contact(jobs, posting_id: str, headers=OWNER, worker_id: str = WORKER_ID):
    return jobs.client.get(f"/v1/postings/{posting_id}/contacts/{worker_id}", headers=headers)


def _shortlist(jobs, posting_id: str) -> str:
    application = jobs.apply(posting_id).json()
    url = f"/v1/postings/{posting_id}/applications/{application['id']}"
    assert jobs.client.patch(url, json={"status": "shortlisted"}, headers=OWNER).status_code == 200
    return url


def test_contact_is_hidden_before_an_accepted_invitation_and_shown_after(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)  # an accepted invitation needs no standing consent
    posting = jobs.create_posting()
    assert _contact(jobs, posting["id"]).status_code == 403
    invitation = jobs.invite(posting["id"]).json()
    before = _contact(jobs, posting["id"])
    assert before.status_code == 403 and "13800000001" not in before.text
    assert jobs.profiles.requests == []  # nothing was even asked of profiles before mutual interest
    jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=WORKER)

    shown = _contact(jobs, posting["id"])
    assert shown.status_code == 200, shown.text
    assert shown.json() == {**CARD, "posting_id": posting["id"], "worker_id": WORKER_ID, "basis": "invitation_accepted"}
    assert shown.headers["cache-control"] == "no-store"
    assert _contact(jobs, posting["id"], headers=AGENCY_FOR_ORG).status_code == 200
    # the jobs service asked with a service token of its own
    token = jobs.profiles.requests[-1].headers["authorization"].removeprefix("Bearer ")
    principal = TokenIssuer([TEST_KEY]).verify(token)
    assert (principal.role, principal.subject) == (Role.service, "jobs")
    assert jobs.profiles.requests[-1].url.path == f"/v1/workers/{WORKER_ID}/contact"


def test_contact_goes_only_to_the_postings_org_and_only_for_that_posting(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=True)
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"]).json()
    jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=WORKER)
    assert _contact(jobs, posting["id"]).status_code == 200
    assert _contact(jobs, posting["id"], headers=OTHER_EMPLOYER).status_code == 403
    assert _contact(jobs, posting["id"], headers=AGENCY_ELSEWHERE).status_code == 403
    assert _contact(jobs, posting["id"], headers=WORKER).status_code == 403
    assert _contact(jobs, posting["id"], headers=ADMIN).status_code == 403  # admins run the platform, not hiring
    assert _contact(jobs, posting["id"], headers={}).status_code == 401
    # another posting of the same org has no mutual interest with this worker
    other = jobs.create_posting()
    assert _contact(jobs, other["id"]).status_code == 403
    paused = jobs.create_posting(status="paused")
    assert _contact(jobs, paused["id"], headers=OTHER_EMPLOYER).status_code == 404
    assert _contact(jobs, "pst_unknown").status_code == 404


def test_a_shortlisted_application_shows_contact_only_with_the_workers_consent(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    application = jobs.apply(posting["id"]).json()
    assert _contact(jobs, posting["id"]).status_code == 403  # submitted is not mutual interest
    url = f"/v1/postings/{posting['id']}/applications/{application['id']}"
    jobs.client.patch(url, json={"status": "shortlisted"}, headers=OWNER)
    refused = _contact(jobs, posting["id"])
    assert refused.status_code == 403
    assert "not agreed to share contact data" in refused.json()["detail"]
    assert all("/contact" not in r.url.path for r in jobs.profiles.requests)  # consent first, no contact read

    jobs.profiles.add(WORKER_ID, share_contact=True)  # the worker changes their mind in profiles
    shown = _contact(jobs, posting["id"])
    assert shown.status_code == 200 and shown.json()["basis"] == "application_shortlisted"
    assert shown.json()["phone"] == CARD["phone"]
    jobs.client.patch(url, json={"status": "hired"}, headers=OWNER)
    assert _contact(jobs, posting["id"]).json()["basis"] == "application_hired"


def test_a_rejected_or_withdrawn_application_is_no_longer_mutual_interest(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=True)
    posting = jobs.create_posting()
    url = _shortlist(jobs, posting["id"])
    assert _contact(jobs, posting["id"]).status_code == 200
    jobs.client.patch(url, json={"status": "withdrawn"}, headers=WORKER)
    assert _contact(jobs, posting["id"]).status_code == 403


def test_profiles_unreachable_is_503_and_an_erased_worker_is_404(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=True)
    posting = jobs.create_posting()
    _shortlist(jobs, posting["id"])
    jobs.profiles.down = True
    down = _contact(jobs, posting["id"])
    assert down.status_code == 503
    assert down.headers["content-type"] == "application/problem+json"
    jobs.profiles.down = False
    del jobs.profiles.workers[WORKER_ID]
    assert _contact(jobs, posting["id"]).status_code == 404


def test_contact_data_never_reaches_events(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=True)
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"]).json()
    jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=WORKER)
    _shortlist(jobs, posting["id"])
    assert _contact(jobs, posting["id"]).status_code == 200
    text = jobs.outbox_text()
    for personal in CARD.values():
        assert personal not in text
