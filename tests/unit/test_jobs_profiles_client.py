"""The profiles client: what the jobs service sends, and how each kind of answer is read.

The profiles service is an `httpx.MockTransport` (in memory, no sockets)."""

from __future__ import annotations

import json

import httpx
import pytest

from services.common.auth import Role, TokenIssuer
from services.jobs.domain import ConsentBasis, ContactConsentMissing
from services.jobs.profiles_client import HttpProfilesClient, ProfilesUnavailable

pytestmark = pytest.mark.unit

KEY = "k" * 40
ISSUER = TokenIssuer([KEY])


def client_for(handler) -> HttpProfilesClient:
    return HttpProfilesClient("http://profiles.internal:8001/", lambda: ISSUER.issue(Role.service, "jobs"),
                              transport=httpx.MockTransport(handler), timeout_s=0.5)


OFFERED = [(ConsentBasis.profile, None), (ConsentBasis.agency, "agency-x")]


def _disclose(client: HttpProfilesClient, worker_id: str = "w-1"):
    return client.disclose_contact(worker_id, posting_id="pst_1", viewer_role="employer", viewer_id="emp-1",
                                   viewer_org="org-a", offered=OFFERED)


def test_it_asks_for_a_recorded_disclosure_with_a_service_token():
    seen = []

    def profiles(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v1/workers/w-1/contact-disclosures" and request.method == "POST":
            return httpx.Response(201, json={
                "contact": {"name": "王建国", "phone": "13800000001", "email": "w@example.com"},
                "disclosure": {"id": "dsc_1", "basis": "agency", "agency_id": "agency-x"}})
        return httpx.Response(404)

    disclosed = _disclose(client_for(profiles))
    assert (disclosed.name, disclosed.phone, disclosed.email) == ("王建国", "13800000001", "w@example.com")
    assert (disclosed.consent, disclosed.disclosure_id) == (ConsentBasis.agency, "dsc_1")
    assert [r.url.host for r in seen] == ["profiles.internal"]
    assert json.loads(seen[0].content) == {
        "posting_id": "pst_1", "viewer_role": "employer", "viewer_id": "emp-1", "viewer_org": "org-a",
        "offered": [{"basis": "profile", "agency_id": None}, {"basis": "agency", "agency_id": "agency-x"}]}
    principal = ISSUER.verify(seen[0].headers["authorization"].removeprefix("Bearer "))
    assert (principal.role, principal.subject) == (Role.service, "jobs")


def test_a_refused_consent_is_contact_consent_missing_other_403s_are_unavailable():
    missing = client_for(lambda r: httpx.Response(403, json={
        "type": "https://talentflow.example/problems/contact-consent-missing", "detail": "no consent for org-a"}))
    with pytest.raises(ContactConsentMissing) as caught:
        _disclose(missing)
    assert caught.value.status == 403 and caught.value.detail == "no consent for org-a"
    refused_token = client_for(lambda r: httpx.Response(403, json={"type": "https://talentflow.example/problems/forbidden"}))
    with pytest.raises(ProfilesUnavailable):
        _disclose(refused_token)


def test_an_unknown_worker_is_none():
    client = client_for(lambda r: httpx.Response(404, json={"title": "Not found"}))
    assert _disclose(client, "w-9") is None


def test_an_id_of_dots_never_reaches_another_path():
    seen = []
    client = client_for(lambda r: seen.append(r) or httpx.Response(404))
    assert _disclose(client, "..") is None and _disclose(client, ".") is None
    assert seen == []
    _disclose(client, "a:b.c")
    assert seen[0].url.raw_path == b"/v1/workers/a%3Ab.c/contact-disclosures"


def _raise(exc_type):
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("simulated", request=request)
    return handler


@pytest.mark.parametrize(
    "handler",
    [
        _raise(httpx.ConnectError),
        _raise(httpx.ReadTimeout),
        _raise(httpx.RemoteProtocolError),
        lambda r: httpx.Response(500, json={"title": "boom"}),
        lambda r: httpx.Response(503),
        lambda r: httpx.Response(401, json={"title": "bad token"}),
        lambda r: httpx.Response(200, content=b"<html>"),
        lambda r: httpx.Response(200, json=["not", "an", "object"]),
        lambda r: httpx.Response(302, headers={"location": "http://elsewhere/"}),
    ],
)
def test_every_failure_to_get_an_answer_is_unavailable(handler):
    client = client_for(handler)
    with pytest.raises(ProfilesUnavailable) as caught:
        _disclose(client)
    assert caught.value.status == 503


@pytest.mark.parametrize("body", [{"contact": {"name": ["not", "a", "name"]}, "disclosure": {"id": "d", "basis": "profile"}},
                                  {"contact": {"name": "王"}}, {"contact": "x", "disclosure": {}},
                                  {"contact": {"name": "王"}, "disclosure": {"id": "d", "basis": "whim"}}])
def test_contact_in_an_unknown_shape_is_unavailable_not_a_crash(body):
    client = client_for(lambda r: httpx.Response(201, json=body))
    with pytest.raises(ProfilesUnavailable):
        _disclose(client)
