"""The profiles client: what the jobs service sends, and how each kind of answer is read.

The profiles service is an `httpx.MockTransport` (in memory, no sockets)."""

from __future__ import annotations

import httpx
import pytest

from services.common.auth import Role, TokenIssuer
from services.jobs.profiles_client import HttpProfilesClient, ProfilesUnavailable

pytestmark = pytest.mark.unit

KEY = "k" * 40
ISSUER = TokenIssuer([KEY])


def client_for(handler) -> HttpProfilesClient:
    return HttpProfilesClient("http://profiles.internal:8001/", lambda: ISSUER.issue(Role.service, "jobs"),
                              transport=httpx.MockTransport(handler), timeout_s=0.5)


def test_it_reads_consent_and_contact_with_a_service_token():
    seen = []

    def profiles(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v1/workers/w-1":
            return httpx.Response(200, json={"id": "w-1", "consent": {"matching": True, "share_contact": True}})
        if request.url.path == "/v1/workers/w-1/contact":
            return httpx.Response(200, json={"name": "王建国", "phone": "13800000001", "email": "w@example.com"})
        return httpx.Response(404)

    client = client_for(profiles)
    assert client.share_contact("w-1") is True
    card = client.contact("w-1")
    assert (card.name, card.phone, card.email) == ("王建国", "13800000001", "w@example.com")
    assert [r.url.host for r in seen] == ["profiles.internal"] * 2
    principal = ISSUER.verify(seen[0].headers["authorization"].removeprefix("Bearer "))
    assert (principal.role, principal.subject) == (Role.service, "jobs")


@pytest.mark.parametrize(
    ("body", "consents"),
    [({"consent": {"share_contact": False}}, False), ({"consent": {"share_contact": "yes"}}, False),
     ({}, False), ({"consent": None}, False), ({"consent": {"share_contact": True}}, True)],
)
def test_only_an_explicit_true_is_consent(body, consents):
    assert client_for(lambda r: httpx.Response(200, json=body)).share_contact("w-1") is consents


def test_an_unknown_worker_is_none():
    client = client_for(lambda r: httpx.Response(404, json={"title": "Not found"}))
    assert client.share_contact("w-9") is None
    assert client.contact("w-9") is None


def test_an_id_of_dots_never_reaches_another_path():
    seen = []
    client = client_for(lambda r: seen.append(r) or httpx.Response(200, json={}))
    assert client.contact("..") is None and client.share_contact(".") is None
    assert seen == []
    client.share_contact("a:b.c")
    assert seen[0].url.raw_path == b"/v1/workers/a%3Ab.c"


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
        client.share_contact("w-1")
    assert caught.value.status == 503


def test_contact_in_an_unknown_shape_is_unavailable_not_a_crash():
    client = client_for(lambda r: httpx.Response(200, json={"name": ["not", "a", "name"]}))
    with pytest.raises(ProfilesUnavailable):
        client.contact("w-1")
