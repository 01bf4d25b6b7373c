"""The ownership matrix: every caller against every posting operation, on open and non-open postings.

401 without a token; open postings are public to read, their writes 403 for callers who do not
manage them; a non-open posting is 404 to whoever may not see it (its existence would leak). Each
operation runs on a fresh posting per caller, so one caller's write never changes another's answer.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    ADMIN,
    AGENCY_ELSEWHERE,
    AGENCY_FOR_ORG,
    ANONYMOUS,
    OTHER_EMPLOYER,
    OTHER_WORKER,
    OWNER,
    SERVICE,
    WORKER,
    jobs,
    posting_body,
)

pytestmark = pytest.mark.integration

CALLERS = {
    "owner": OWNER,
    "agency_for_org": AGENCY_FOR_ORG,
    "admin": ADMIN,
    "other_employer": OTHER_EMPLOYER,
    "agency_elsewhere": AGENCY_ELSEWHERE,
    "worker": WORKER,
    "service": SERVICE,
    "anonymous": ANONYMOUS,
}
ORDER = list(CALLERS)


def _expect(*codes: int) -> dict[str, int]:
    return dict(zip(ORDER, codes, strict=True))


OPERATIONS: dict[str, Callable] = {
    "read": lambda c, p, h: c.get(f"/v1/postings/{p}", headers=h),
    "put": lambda c, p, h: c.put(f"/v1/postings/{p}", json=posting_body(title="改"), headers=h),
    "patch": lambda c, p, h: c.patch(f"/v1/postings/{p}", json={"headcount": 3}, headers=h),
    "delete": lambda c, p, h: c.delete(f"/v1/postings/{p}", headers=h),
    "close": lambda c, p, h: c.post(f"/v1/postings/{p}/close", json={"reason": "filled"}, headers=h),
    "list_applications": lambda c, p, h: c.get(f"/v1/postings/{p}/applications", headers=h),
    "invite": lambda c, p, h: c.post(f"/v1/postings/{p}/invitations", json={"worker_id": "w-9"}, headers=h),
    "list_invitations": lambda c, p, h: c.get(f"/v1/postings/{p}/invitations", headers=h),
}
#                     owner agency admin other_emp agency_else worker service anon
ON_OPEN = {
    "read": _expect(200, 200, 200, 200, 200, 200, 200, 401),
    "put": _expect(200, 200, 200, 403, 403, 403, 403, 401),
    "patch": _expect(200, 200, 200, 403, 403, 403, 403, 401),
    "delete": _expect(204, 204, 204, 403, 403, 403, 403, 401),
    "close": _expect(200, 200, 200, 403, 403, 403, 403, 401),
    "list_applications": _expect(200, 200, 200, 403, 403, 403, 403, 401),
    "invite": _expect(201, 201, 201, 403, 403, 403, 403, 401),
    "list_invitations": _expect(200, 200, 200, 403, 403, 403, 403, 401),
}
ON_PAUSED = {
    "read": _expect(200, 200, 200, 404, 404, 404, 200, 401),
    "put": _expect(200, 200, 200, 404, 404, 404, 403, 401),
    "patch": _expect(200, 200, 200, 404, 404, 404, 403, 401),
    "delete": _expect(204, 204, 204, 404, 404, 404, 403, 401),
    "close": _expect(200, 200, 200, 404, 404, 404, 403, 401),
    "list_applications": _expect(200, 200, 200, 404, 404, 404, 403, 401),
    "invite": _expect(409, 409, 409, 404, 404, 404, 403, 401),  # only open postings invite
    "list_invitations": _expect(200, 200, 200, 404, 404, 404, 403, 401),
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_open_posting_matrix(jobs, operation):
    seen = {}
    for name, headers in CALLERS.items():
        posting = jobs.create_posting()
        seen[name] = OPERATIONS[operation](jobs.client, posting["id"], headers).status_code
    assert seen == ON_OPEN[operation]


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_paused_posting_matrix(jobs, operation):
    seen = {}
    for name, headers in CALLERS.items():
        posting = jobs.create_posting(status="paused")
        seen[name] = OPERATIONS[operation](jobs.client, posting["id"], headers).status_code
    assert seen == ON_PAUSED[operation]


def test_a_refused_write_changes_nothing_and_announces_nothing(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    for headers in (OTHER_EMPLOYER, AGENCY_ELSEWHERE, WORKER, SERVICE, ANONYMOUS):
        for operation in ("put", "patch", "delete", "close", "invite"):
            assert OPERATIONS[operation](jobs.client, posting["id"], headers).status_code in (401, 403)
    assert jobs.client.get(f"/v1/postings/{posting['id']}", headers=OWNER).json() == posting
    assert jobs.new_events() == []


def test_a_token_that_is_not_ours_is_401(jobs):
    forged = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl"}
    response = jobs.client.get("/v1/postings", headers=forged)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert jobs.client.get("/v1/postings", headers={"Authorization": "Basic abc"}).status_code == 401


ENGAGEMENT_CALLERS = {**CALLERS, "other_worker": OTHER_WORKER}


def test_application_matrix(jobs):
    """Reading and moving one application: its worker, the posting's managers, nobody else."""
    read, shortlist = {}, {}
    for name, headers in ENGAGEMENT_CALLERS.items():
        posting = jobs.create_posting()
        application = jobs.apply(posting["id"]).json()
        url = f"/v1/postings/{posting['id']}/applications/{application['id']}"
        read[name] = jobs.client.get(url, headers=headers).status_code
        shortlist[name] = jobs.client.patch(url, json={"status": "shortlisted"}, headers=headers).status_code
    #                 owner agency admin other_emp agency_else worker service anon other_worker
    assert read == dict(zip(ENGAGEMENT_CALLERS, (200, 200, 200, 403, 403, 200, 403, 401, 404), strict=True))
    assert shortlist == dict(zip(ENGAGEMENT_CALLERS, (200, 200, 200, 403, 403, 403, 403, 401, 404), strict=True))


def test_invitation_matrix(jobs):
    """Reading one invitation: its worker and the posting's managers; answering it: its worker only."""
    read, accept = {}, {}
    for name, headers in ENGAGEMENT_CALLERS.items():
        posting = jobs.create_posting()
        invitation = jobs.invite(posting["id"]).json()
        url = f"/v1/invitations/{invitation['id']}"
        read[name] = jobs.client.get(url, headers=headers).status_code
        accept[name] = jobs.client.post(f"{url}/accept", headers=headers).status_code
    #                 owner agency admin other_emp agency_else worker service anon other_worker
    assert read == dict(zip(ENGAGEMENT_CALLERS, (200, 200, 200, 404, 404, 200, 404, 401, 404), strict=True))
    assert accept == dict(zip(ENGAGEMENT_CALLERS, (403, 403, 403, 404, 404, 200, 404, 401, 404), strict=True))
