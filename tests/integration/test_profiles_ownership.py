"""Who may do what to a worker profile (DESIGN §3): every role × operation × owner.

403 when the role may never do it (decided before any lookup, so nothing leaks); 404 when the
caller could own a profile but not this one; nothing changes and no event is written on a refusal.
"""

from __future__ import annotations

import pytest

from tests.integration.test_profiles_helpers import ProfilesEnv, profiles, sample_worker  # noqa: F401
from services.common.auth import Role, TokenIssuer
from tests.support import TEST_KEY, auth

pytestmark = pytest.mark.integration

OPERATIONS = ("get", "put", "patch", "delete", "contact", "token", "disclosures", "agency_consent", "disclose")

# caller → expected status per operation on a profile created by agency org-a
MATRIX = {
    "the worker itself": {"get": 200, "put": 200, "patch": 200, "delete": 204, "contact": 200, "token": 403,
                          "disclosures": 200, "agency_consent": 200, "disclose": 403},
    "a worker token its agency minted": {"get": 200, "put": 200, "patch": 200, "delete": 204, "contact": 200, "token": 403,
                                         "disclosures": 200, "agency_consent": 403, "disclose": 403},
    "another worker": {"get": 404, "put": 404, "patch": 404, "delete": 404, "contact": 404, "token": 403,
                       "disclosures": 404, "agency_consent": 404, "disclose": 403},
    "its agency": {"get": 200, "put": 200, "patch": 200, "delete": 204, "contact": 200, "token": 200,
                   "disclosures": 200, "agency_consent": 403, "disclose": 403},
    "an agency acting for it": {"get": 200, "put": 200, "patch": 200, "delete": 204, "contact": 200, "token": 200,
                                "disclosures": 200, "agency_consent": 403, "disclose": 403},
    "another agency": {"get": 404, "put": 404, "patch": 404, "delete": 404, "contact": 404, "token": 404,
                       "disclosures": 404, "agency_consent": 404, "disclose": 403},
    "an employer": {"get": 403, "put": 403, "patch": 403, "delete": 403, "contact": 403, "token": 403,
                    "disclosures": 403, "agency_consent": 403, "disclose": 403},
    "an admin": {"get": 200, "put": 200, "patch": 200, "delete": 204, "contact": 200, "token": 200,
                 "disclosures": 200, "agency_consent": 200, "disclose": 403},
    "a service": {"get": 200, "put": 403, "patch": 403, "delete": 403, "contact": 403, "token": 403,
                  "disclosures": 403, "agency_consent": 403, "disclose": 201},
}


def headers_for(caller: str, worker_id: str) -> dict[str, str]:
    if caller == "a worker token its agency minted":
        return {"Authorization": "Bearer " + TokenIssuer([TEST_KEY]).issue(Role.worker, worker_id, actor="org-a")}
    return {
        "the worker itself": auth("worker", worker_id),
        "another worker": auth("worker", "w-someone-else"),
        "its agency": auth("agency", "staff-7", org="org-a"),
        "an agency acting for it": auth("agency", "staff-9", org="org-z", acts_for=[worker_id]),
        "another agency": auth("agency", "staff-8", org="org-b"),
        "an employer": auth("employer", "boss", org="org-a"),
        "an admin": auth("admin", "root"),
        "a service": auth("service", "jobs"),
    }[caller]


DISCLOSE = {"posting_id": "pst_1", "viewer_role": "employer", "viewer_id": "boss", "viewer_org": "org-e",
            "offered": [{"basis": "application"}]}


def call(profiles: ProfilesEnv, op: str, worker_id: str, headers: dict[str, str]):
    url = f"/v1/workers/{worker_id}"
    written = {**headers, "If-Match": '"1"'}
    body = sample_worker(experience_years=20)
    del body["agency_id"]
    return {
        "get": lambda: profiles.client.get(url, headers=headers),
        "put": lambda: profiles.client.put(url, json=body, headers=written),
        "patch": lambda: profiles.client.patch(url, json={"experience_years": 21}, headers=written),
        "delete": lambda: profiles.client.delete(url, headers=written),
        "contact": lambda: profiles.client.get(url + "/contact", headers=headers),
        "token": lambda: profiles.client.post(url + "/token", headers=headers),
        "disclosures": lambda: profiles.client.get(url + "/contact-disclosures", headers=headers),
        "agency_consent": lambda: profiles.client.put(url + "/agency-contact-consent", json={"basis": "signed form 17"},
                                                      headers=headers),
        "disclose": lambda: profiles.client.post(url + "/contact-disclosures", json=DISCLOSE, headers=headers),
    }[op]()


@pytest.mark.parametrize("caller", list(MATRIX))
def test_ownership_matrix(profiles: ProfilesEnv, caller: str):
    for op in OPERATIONS:
        worker_id = profiles.create_as_agency("org-a")["id"]
        response = call(profiles, op, worker_id, headers_for(caller, worker_id))
        expected = MATRIX[caller][op]
        assert response.status_code == expected, f"{caller} {op}: {response.status_code} {response.text}"
        if expected >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
            # a refusal changes nothing and publishes nothing
            assert [e.entityversion for e in profiles.events(worker_id)] == [1]
            assert profiles.client.get(f"/v1/workers/{worker_id}", headers=auth("admin", "root")).json()["version"] == 1
        if expected == 404:
            # an id that does not exist answers exactly the same: existence does not leak
            missing = call(profiles, op, "w_does_not_exist", headers_for(caller, worker_id))
            assert missing.status_code == 404
            assert missing.json()["detail"] == response.json()["detail"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (auth("worker", "w-new-1"), 201),
        (auth("agency", "s", org="org-a"), 201),
        (auth("admin", "root"), 201),
        (auth("employer", "boss", org="org-e"), 403),
        (auth("service", "jobs"), 403),
        (auth("agency", "s"), 403),  # an agency token without its org
    ],
)
def test_who_may_create(profiles: ProfilesEnv, headers, expected):
    response = profiles.client.post("/v1/workers", json=sample_worker(), headers=headers)
    assert response.status_code == expected, response.text
    assert len(profiles.events()) == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (auth("worker", "w-1"), 403),
        (auth("employer", "boss", org="org-e"), 403),
        (auth("service", "jobs"), 403),
        (auth("agency", "s", org="org-a"), 200),
        (auth("admin", "root"), 200),
    ],
)
def test_who_may_list(profiles: ProfilesEnv, headers, expected):
    assert profiles.client.get("/v1/workers", headers=headers).status_code == expected
