"""Hostile input through HTTP (issue 13, item 5): each case a 4xx problem+json naming the field,
never a stored record.

- webhook URLs whose IPv6 address carries a private or loopback IPv4 address (IPv4-compatible,
  IPv4-mapped, SIIT, NAT64 well-known and local-use, 6to4, Teredo), at subscribe and at each send;
- names and titles made only of zero-width characters, or holding bidi overrides (U+202E);
- `"digest_hour": false` in notify preferences (a bool is not an hour).
"""

from __future__ import annotations

import pytest

from tests.integration.jobs_harness import ORG, build_jobs, posting_body
from tests.integration.notify_support import (  # noqa: F401 — fixtures
    SQLITE_ONLY,
    WebhookReceiver,
    application_submitted,
    notify_factory,
)
from tests.integration.test_profiles_helpers import profiles, sample_worker  # noqa: F401 — fixture
from tests.support import auth, random_id

pytestmark = pytest.mark.integration

# Each carries 10.0.0.1, 127.0.0.1 or 192.168.0.1 inside an IPv6 address.
EMBEDDED_PRIVATE = [
    "http://[::10.0.0.1]/",  # IPv4-compatible
    "http://[::127.0.0.1]/",  # IPv4-compatible loopback (loopback is disabled below)
    "http://[::ffff:10.0.0.1]/",  # IPv4-mapped
    "http://[::ffff:0:a00:1]/",  # SIIT, IPv4-translated
    "http://[64:ff9b::a00:1]/",  # NAT64 well-known prefix
    "http://[64:ff9b::7f00:1]/",
    "http://[64:ff9b:1::a00:1]/",  # NAT64 local-use prefix
    "http://[2002:a00:1::1]/",  # 6to4 of 10.0.0.1
    "http://[2002:c0a8:1::1]/",  # 6to4 of 192.168.0.1
    "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",  # Teredo, client 10.0.0.1
]


def _employer(org: str) -> dict[str, str]:
    return auth("employer", random_id("u"), org=org)


@SQLITE_ONLY
def test_ipv6_forms_of_private_ipv4_are_refused_at_subscribe(notify_factory):  # noqa: F811
    notify = notify_factory(allow_loopback_webhooks=False)
    org = random_id("org")
    for url in EMBEDDED_PRIVATE:
        response = notify.client.post("/v1/subscriptions", headers=_employer(org), json={"url": url, "event_types": ["*"]})
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "body.url"
    assert notify.client.get("/v1/subscriptions", headers=_employer(org)).json()["items"] == []
    # a public IPv4 inside IPv6 is an ordinary public endpoint
    public = notify.client.post("/v1/subscriptions", headers=_employer(org),
                                json={"url": "http://[64:ff9b::5db8:d822]/hooks", "event_types": ["*"]})
    assert public.status_code == 201, public.text


@SQLITE_ONLY
def test_embedded_loopback_follows_the_loopback_setting(notify_factory):  # noqa: F811
    notify = notify_factory(allow_loopback_webhooks=True)
    response = notify.client.post("/v1/subscriptions", headers=_employer(random_id("org")),
                                  json={"url": "http://[::127.0.0.1]/", "event_types": ["*"]})
    assert response.status_code == 201, response.text
    still_private = notify.client.post("/v1/subscriptions", headers=_employer(random_id("org")),
                                       json={"url": "http://[::10.0.0.1]/", "event_types": ["*"]})
    assert still_private.status_code == 422


def test_a_name_that_later_resolves_to_an_embedded_private_ipv4_is_refused_at_send(notify_factory):  # noqa: F811
    dns = {"hooks.partner.example": ["93.184.216.34"]}
    notify = notify_factory(resolver=lambda host, port: dns.get(host, []), allow_loopback_webhooks=False)
    org = random_id("org")
    with WebhookReceiver() as receiver:
        port = receiver.server.server_address[1]
        created = notify.client.post("/v1/subscriptions", headers=_employer(org),
                                     json={"url": f"http://hooks.partner.example:{port}/hooks",
                                           "event_types": ["application.submitted"]})
        assert created.status_code == 201, created.text
        dns["hooks.partner.example"] = ["::ffff:0:7f00:1"]  # SIIT form of 127.0.0.1
        notify.publish(application_submitted(random_id("a"), random_id("p"), org, random_id("w")))
        notify.consume()
        notify.dispatch()
        assert receiver.received == []
    deliveries = notify.client.get(f"/v1/subscriptions/{created.json()['id']}/deliveries", headers=_employer(org))
    [delivery] = deliveries.json()["items"]
    assert delivery["status"] == "pending"
    assert delivery["last_error"].startswith("refused: ::ffff:0:7f00:1 carries the IPv4 address 127.0.0.1")


@SQLITE_ONLY
@pytest.mark.parametrize("hour", [False, True, 8.5, "8"])
def test_digest_hour_must_be_an_integer(notify_factory, hour):  # noqa: F811
    notify = notify_factory()
    worker = auth("worker", random_id("w"))
    response = notify.client.put("/v1/preferences", json={"digest_hour": hour}, headers=worker)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["body.digest_hour"]
    assert notify.client.put("/v1/preferences", json={"digest_hour": 0}, headers=worker).json()["digest_hour"] == 0
    # JSON has one kind of number and the document says integer: 9.0 is the whole number 9
    assert notify.client.put("/v1/preferences", json={"digest_hour": 9.0}, headers=worker).json()["digest_hour"] == 9


INVISIBLE_OR_DISGUISED = [
    "\u200b\u200b\u200b",  # zero-width spaces only
    "\u200d\ufeff\u2060",  # joiner, BOM, word joiner
    "\u0301\u0302",  # combining marks with nothing to sit on
    "\u202e国建王",  # right-to-left override
    "王建国\u2066x\u2069",  # isolates
    "王\u200f建国",  # right-to-left mark
]


@pytest.mark.parametrize("name", INVISIBLE_OR_DISGUISED)
def test_worker_names_must_be_visible_and_undisguised(profiles, name):  # noqa: F811
    agency = auth("agency", "staff-1", org="org-a")
    response = profiles.client.post("/v1/workers", json=sample_worker(name=name), headers=agency)
    assert response.status_code == 422, response.text
    assert "body.name" in [e["field"] for e in response.json()["errors"]]
    listed = profiles.client.get("/v1/workers", headers=agency).json()["items"]
    assert listed == []


def test_visible_names_in_any_script_are_kept(profiles):  # noqa: F811
    agency = auth("agency", "staff-1", org="org-a")
    for name in ["王建国", "Zoë Ål", "阿依古丽·买买提", "李\u200d明"]:  # a joiner inside a visible name is fine
        response = profiles.client.post("/v1/workers", json=sample_worker(name=name), headers=agency)
        assert response.status_code == 201, (name, response.text)


def test_posting_titles_and_skill_names_must_be_visible_and_undisguised(store_backend):
    for jobs in build_jobs(store_backend):
        owner = auth("employer", "emp-1", org=ORG)
        for body, field in [
            (posting_body(title="\u200b\u200c"), "body.title"),
            (posting_body(title="焊工\u202e急聘"), "body.title"),
            (posting_body(description="承压设备\u202e修复"), "body.description"),
            (posting_body(skills=[{"name": "\u2060", "min_proficiency": 3, "required": True}]), "body.skills.0.name"),
        ]:
            response = jobs.client.post("/v1/postings", json=body, headers=owner)
            assert response.status_code == 422, (field, response.text)
            assert field in [e["field"] for e in response.json()["errors"]], response.text
        assert jobs.client.get("/v1/postings", params={"org_id": ORG}, headers=owner).json()["items"] == []
