"""The handshake: a worker's contact data reaches a posting's org only after mutual interest.

Profiles is faked behind httpx.MockTransport (it checks the `service` token the jobs service sends).
"""

from __future__ import annotations

import pytest

from services.common.auth import Role, TokenIssuer
from tests.support import auth
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


def _problem_type(response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return response.json()["type"].rsplit("/", 1)[-1]


def test_contact_is_hidden_before_an_accepted_invitation_and_needs_consent_after(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    assert _problem_type(_contact(jobs, posting["id"])) == "no-mutual-interest"
    invitation = jobs.invite(posting["id"]).json()
    before = _contact(jobs, posting["id"])
    assert before.status_code == 403 and "13800000001" not in before.text
    assert _problem_type(before) == "no-mutual-interest"
    assert jobs.profiles.requests == []  # nothing was even asked of profiles before mutual interest
    accepted = jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=WORKER)
    assert accepted.status_code == 200, accepted.text

    # mutual interest, but no consent for this employer: refused, saying that consent is missing
    refused = _contact(jobs, posting["id"])
    assert refused.status_code == 403 and "13800000001" not in refused.text
    assert _problem_type(refused) == "contact-consent-missing"
    assert "consent" in refused.json()["detail"]


def test_consent_in_the_acceptance_body_reveals_the_contact(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"]).json()
    accepted = jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", json={"share_contact": True}, headers=WORKER)
    assert accepted.status_code == 200, accepted.text

    shown = _contact(jobs, posting["id"])
    assert shown.status_code == 200, shown.text
    assert shown.json() == {**CARD, "posting_id": posting["id"], "worker_id": WORKER_ID, "basis": "invitation_accepted",
                            "consent": "acceptance", "disclosure_id": "dsc_1"}
    assert shown.headers["cache-control"] == "no-store"
    assert _contact(jobs, posting["id"], headers=AGENCY_FOR_ORG).status_code == 200
    # the jobs service asked with a service token of its own, naming who reads and on what consent
    request = jobs.profiles.requests[-1]
    principal = TokenIssuer([TEST_KEY]).verify(request.headers["authorization"].removeprefix("Bearer "))
    assert (principal.role, principal.subject) == (Role.service, "jobs")
    assert (request.method, request.url.path) == ("POST", f"/v1/workers/{WORKER_ID}/contact-disclosures")
    first, second = jobs.profiles.disclosures
    assert (first["viewer_role"], first["viewer_id"], first["org_id"], first["basis"]) == ("employer", "emp-1", "org-a", "acceptance")
    assert (second["viewer_role"], second["viewer_id"], second["org_id"]) == ("agency", "agency-1", "org-a")


def test_a_malformed_acceptance_body_is_422_naming_the_field(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"]).json()
    bad = jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", json={"share_contact": "yes"}, headers=WORKER)
    assert bad.status_code == 422
    assert any(e["field"].startswith("body.share_contact") for e in bad.json()["errors"]), bad.text
    assert jobs.client.get(f"/v1/invitations/{invitation['id']}", headers=WORKER).json()["status"] == "pending"


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
    assert _problem_type(_contact(jobs, posting["id"])) == "no-mutual-interest"  # submitted is not mutual interest
    url = f"/v1/postings/{posting['id']}/applications/{application['id']}"
    jobs.client.patch(url, json={"status": "shortlisted"}, headers=OWNER)
    refused = _contact(jobs, posting["id"])
    assert refused.status_code == 403
    assert _problem_type(refused) == "contact-consent-missing"
    assert jobs.profiles.disclosures == []  # nothing disclosed, nothing recorded

    jobs.profiles.add(WORKER_ID, share_contact=True)  # the worker changes their mind in profiles
    shown = _contact(jobs, posting["id"])
    assert shown.status_code == 200 and shown.json()["basis"] == "application_shortlisted"
    assert shown.json()["consent"] == "profile"
    assert shown.json()["phone"] == CARD["phone"]
    jobs.client.patch(url, json={"status": "hired"}, headers=OWNER)
    assert _contact(jobs, posting["id"]).json()["basis"] == "application_hired"


def test_consent_in_the_application_body_counts_once_shortlisted(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    application = jobs.apply(posting["id"], share_contact=True).json()
    assert _problem_type(_contact(jobs, posting["id"])) == "no-mutual-interest"  # consent alone is not enough
    jobs.client.patch(f"/v1/postings/{posting['id']}/applications/{application['id']}",
                      json={"status": "shortlisted"}, headers=OWNER)
    shown = _contact(jobs, posting["id"])
    assert shown.status_code == 200, shown.text
    assert (shown.json()["consent"], shown.json()["phone"]) == ("application", CARD["phone"])
    # the consent was for this employer only: another org's posting the worker was shortlisted for is refused
    other = jobs.create_posting(headers=OTHER_EMPLOYER)
    other_app = jobs.apply(other["id"]).json()
    jobs.client.patch(f"/v1/postings/{other['id']}/applications/{other_app['id']}",
                      json={"status": "shortlisted"}, headers=OTHER_EMPLOYER)
    assert _problem_type(_contact(jobs, other["id"], headers=OTHER_EMPLOYER)) == "contact-consent-missing"


def test_a_later_grant_reveals_and_its_withdrawal_refuses_again(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    url = _shortlist(jobs, posting["id"])
    consent_url = f"/v1/postings/{posting['id']}/contact-consent"
    assert jobs.client.get(consent_url, headers=WORKER).status_code == 404  # nothing said yet
    assert _problem_type(_contact(jobs, posting["id"])) == "contact-consent-missing"

    granted = jobs.client.post(consent_url, headers=WORKER)
    assert granted.status_code == 200, granted.text
    assert {k: granted.json()[k] for k in ("status", "basis", "given_by", "agency_id")} == \
        {"status": "granted", "basis": "grant", "given_by": "worker", "agency_id": None}
    assert _contact(jobs, posting["id"]).json()["consent"] == "grant"

    withdrawn = jobs.client.delete(consent_url, headers=WORKER)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert jobs.client.get(consent_url, headers=WORKER).json()["status"] == "withdrawn"
    assert _problem_type(_contact(jobs, posting["id"])) == "contact-consent-missing"
    # a withdrawal for this posting outweighs the profile's standing consent
    jobs.profiles.add(WORKER_ID, share_contact=True)
    assert _problem_type(_contact(jobs, posting["id"])) == "contact-consent-missing"
    # … until the worker consents again
    assert jobs.client.post(consent_url, json={}, headers=WORKER).status_code == 200
    assert _contact(jobs, posting["id"]).status_code == 200
    assert jobs.client.patch(url, json={"status": "hired"}, headers=OWNER).status_code == 200


def test_only_a_worker_engaged_with_the_posting_grants_and_only_its_own(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    consent_url = f"/v1/postings/{posting['id']}/contact-consent"
    assert jobs.client.post(consent_url, headers=WORKER).status_code == 404  # no application, no invitation
    _shortlist(jobs, posting["id"])
    assert jobs.client.post(consent_url, json={"worker_id": "w-2"}, headers=WORKER).status_code == 404
    assert jobs.client.post(consent_url, headers=OWNER).status_code == 403  # the employer cannot consent for the worker
    assert jobs.client.post(consent_url, json={"worker_id": WORKER_ID}, headers=ADMIN).status_code == 403
    assert jobs.client.post(consent_url, headers=AGENCY_ELSEWHERE).status_code == 422  # names no worker
    assert jobs.client.post(consent_url, json={"worker_id": WORKER_ID}, headers=AGENCY_ELSEWHERE).status_code == 403
    bad = jobs.client.post(consent_url, json={"worker_id": WORKER_ID, "extra": 1}, headers=WORKER)
    assert bad.status_code == 422
    assert _problem_type(_contact(jobs, posting["id"])) == "contact-consent-missing"  # none of these counted


def test_consent_through_an_agency_minted_token_counts_only_where_the_profile_records_it(jobs):
    minted = {"Authorization": "Bearer " + TokenIssuer([TEST_KEY]).issue(Role.worker, WORKER_ID, actor="agency-z")}
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"]).json()
    accepted = jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", json={"share_contact": True}, headers=minted)
    assert accepted.status_code == 200, accepted.text
    consent = jobs.client.get(f"/v1/postings/{posting['id']}/contact-consent", headers=WORKER).json()
    assert (consent["given_by"], consent["agency_id"]) == ("agency", "agency-z")
    refused = _contact(jobs, posting["id"])
    assert _problem_type(refused) == "contact-consent-missing"
    assert "13800000001" not in refused.text

    jobs.profiles.workers[WORKER_ID]["agency_holds"] = "agency-z"  # the profile records the agency holds consent
    shown = _contact(jobs, posting["id"])
    assert shown.status_code == 200, shown.text
    assert shown.json()["consent"] == "agency"
    assert jobs.profiles.disclosures[-1]["agency_id"] == "agency-z"

    # the worker's own word is never replaced by the agency's
    assert jobs.client.post(f"/v1/postings/{posting['id']}/contact-consent", headers=WORKER).status_code == 200
    assert jobs.client.post(f"/v1/postings/{posting['id']}/contact-consent", headers=minted).json()["given_by"] == "worker"


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


def test_an_agency_accepting_for_its_worker_passes_consent_only_where_the_profile_records_it(jobs):
    agency = auth(Role.agency, "staff-3", org="agency-m")
    jobs.profiles.add(WORKER_ID, share_contact=False, agency_id="agency-m")
    posting = jobs.create_posting()
    invitation = jobs.invite(posting["id"]).json()
    accepted = jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", json={"share_contact": True}, headers=agency)
    assert accepted.status_code == 200, accepted.text
    consent = jobs.client.get(f"/v1/postings/{posting['id']}/contact-consent", params={"worker_id": WORKER_ID},
                              headers=agency).json()
    assert (consent["given_by"], consent["agency_id"], consent["basis"]) == ("agency", "agency-m", "acceptance")
    assert _problem_type(_contact(jobs, posting["id"])) == "contact-consent-missing"
    jobs.profiles.workers[WORKER_ID]["agency_holds"] = "agency-m"
    assert _contact(jobs, posting["id"]).json()["consent"] == "agency"
    # the agency may also withdraw for its worker; then even the recorded agency consent does not count
    withdrawn = jobs.client.delete(f"/v1/postings/{posting['id']}/contact-consent", params={"worker_id": WORKER_ID},
                                   headers=agency)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert _problem_type(_contact(jobs, posting["id"])) == "contact-consent-missing"


def test_an_admin_applying_for_a_worker_cannot_consent_for_it(jobs):
    jobs.profiles.add(WORKER_ID, share_contact=False)
    posting = jobs.create_posting()
    refused = jobs.client.post(f"/v1/postings/{posting['id']}/applications",
                               json={"worker_id": WORKER_ID, "share_contact": True}, headers=ADMIN)
    assert refused.status_code == 403, refused.text
    assert any(e["field"] == "body.share_contact" for e in refused.json()["errors"])
    assert jobs.client.get("/v1/applications", headers=WORKER).json()["items"] == []  # nothing half-written
