"""Separate consent for the contact exchange (PIPL art. 23), through HTTP on SQLite and PostgreSQL.

Profiles alone: who may turn `consent.share_contact` on, the record that an agency holds the
worker's consent, agency-minted worker tokens (`act`), and the disclosure records. Then the jobs
service wired to the real profiles app (its `HttpProfilesClient` over an in-memory transport):
contact refused without consent, given with it, each reveal recorded and listed, all erased.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.common.auth import Role, TokenIssuer
from services.common.events import encode
from services.jobs import store as jobs_store
from services.profiles import store
from services.profiles.app import Settings, create_app
from tests.fixtures.engines import StoreBackend
from tests.integration.jobs_harness import Jobs, build_jobs
from tests.integration.test_profiles_helpers import ProfilesEnv, jsonl, profiles, sample_worker  # noqa: F401
from tests.support import TEST_KEY, auth, random_id, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration

AGENCY_ORG = "org-a"
AGENCY = auth("agency", "staff-1", org=AGENCY_ORG)
ADMIN = auth("admin", "root")
SERVICE = auth("service", "jobs")
EMPLOYER = auth("employer", "boss-1", org="org-e")
OTHER_EMPLOYER = auth("employer", "boss-2", org="org-f")
PERSONAL = ("13800000001", "wjg@example.com")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _minted(worker_id: str, agency: str = AGENCY_ORG) -> dict[str, str]:
    """A worker token as an agency gets it from profiles (with the `act` claim)."""
    return _bearer(TokenIssuer([TEST_KEY]).issue(Role.worker, worker_id, actor=agency))


def _type(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return response.json()["type"].rsplit("/", 1)[-1]


def _names(response: httpx.Response, field: str) -> bool:
    return any(e["field"] == field for e in response.json().get("errors") or [])


def _disclose(profiles: ProfilesEnv, worker_id: str, *offered: dict, org: str = "org-e") -> httpx.Response:
    body = {"posting_id": "pst_1", "viewer_role": "employer", "viewer_id": "boss-1", "viewer_org": org,
            "offered": list(offered)}
    return profiles.client.post(f"/v1/workers/{worker_id}/contact-disclosures", json=body, headers=SERVICE)


# --- profiles: who gives the consent ---------------------------------------------------------------


def test_an_agency_cannot_turn_share_contact_on_for_its_worker(profiles: ProfilesEnv):
    refused = profiles.client.post("/v1/workers", json=sample_worker(consent={"matching": True, "share_contact": True}),
                                   headers=AGENCY)
    assert refused.status_code == 403 and _names(refused, "body.consent.share_contact"), refused.text
    worker_id = profiles.create_as_agency(AGENCY_ORG)["id"]
    url = f"/v1/workers/{worker_id}"
    on = {"consent": {"share_contact": True}}
    for headers in (AGENCY, _minted(worker_id)):
        patched = profiles.client.patch(url, json=on, headers={**headers, "If-Match": '"1"'})
        assert patched.status_code == 403 and _names(patched, "body.consent.share_contact"), patched.text
    assert [e.entityversion for e in profiles.events(worker_id)] == [1]  # nothing written

    # the worker with its own token may; an agency may keep it on and turn it off
    assert profiles.client.patch(url, json=on, headers={**auth("worker", worker_id), "If-Match": '"1"'}).status_code == 200
    kept = profiles.client.patch(url, json={"experience_years": 16}, headers={**AGENCY, "If-Match": '"2"'})
    assert kept.status_code == 200 and kept.json()["consent"]["share_contact"] is True
    off = profiles.client.patch(url, json={"consent": {"share_contact": False}}, headers={**AGENCY, "If-Match": '"3"'})
    assert off.status_code == 200 and off.json()["consent"]["share_contact"] is False
    assert profiles.client.patch(url, json=on, headers={**ADMIN, "If-Match": '"4"'}).status_code == 200


def test_an_agency_import_row_cannot_turn_share_contact_on(profiles: ProfilesEnv):
    existing = profiles.create_as_agency(AGENCY_ORG)["id"]
    rows = [sample_worker(name="甲", consent={"matching": True, "share_contact": True}),
            {**sample_worker(name="乙", consent={"matching": True, "share_contact": True}), "id": existing},
            sample_worker(name="丙")]
    upload = profiles.client.post("/v1/workers/import", content=jsonl(*rows),
                                  headers={**AGENCY, "Content-Type": "application/x-ndjson"})
    assert upload.status_code == 202, upload.text
    job = profiles.wait_for_job(upload.headers["location"], AGENCY)
    assert job["status"] == "done", job
    results = {r["row"]: r for r in job["results"]["items"]}
    for row in (1, 2):
        assert results[row]["outcome"] == "failed"
        assert [e["field"] for e in results[row]["errors"]] == ["consent.share_contact"], results[row]
    assert results[3]["outcome"] == "created"
    after = profiles.client.get(f"/v1/workers/{existing}", headers=AGENCY).json()
    assert after["consent"]["share_contact"] is False and after["version"] == 1


def test_the_worker_records_that_its_agency_holds_its_consent(profiles: ProfilesEnv):
    worker_id = profiles.create_as_agency(AGENCY_ORG)["id"]
    url = f"/v1/workers/{worker_id}/agency-contact-consent"
    held = {"basis": "纸质同意书 2026-11-30，编号 17"}
    assert profiles.client.get(url, headers=AGENCY).status_code == 404
    for headers in (AGENCY, _minted(worker_id)):  # the agency cannot record its own authority
        refused = profiles.client.put(url, json=held, headers=headers)
        assert refused.status_code == 403, refused.text
    empty = profiles.client.put(url, json={"basis": ""}, headers=auth("worker", worker_id))
    assert empty.status_code == 422 and _names(empty, "body.basis")

    recorded = profiles.client.put(url, json=held, headers=auth("worker", worker_id))
    assert recorded.status_code == 200, recorded.text
    body = recorded.json()
    assert (body["agency_id"], body["basis"], body["recorded_by_role"], body["recorded_by"]) == \
        (AGENCY_ORG, held["basis"], "worker", worker_id)
    assert profiles.client.get(url, headers=AGENCY).json()["agency_id"] == AGENCY_ORG

    # now the agency may turn the profile's consent on
    on = profiles.client.patch(f"/v1/workers/{worker_id}", json={"consent": {"share_contact": True}},
                               headers={**AGENCY, "If-Match": '"1"'})
    assert on.status_code == 200, on.text

    assert profiles.client.delete(url, headers=auth("worker", worker_id)).status_code == 204
    assert profiles.client.get(url, headers=auth("worker", worker_id)).status_code == 404

    unmanaged = random_id("w")
    profiles.create_as_worker(unmanaged)
    assert profiles.client.put(f"/v1/workers/{unmanaged}/agency-contact-consent", json=held,
                               headers=auth("worker", unmanaged)).status_code == 409


def test_a_worker_token_an_agency_mints_names_the_agency(profiles: ProfilesEnv):
    created = profiles.create_as_agency(AGENCY_ORG)
    issuer = TokenIssuer([TEST_KEY])
    assert issuer.verify(created["worker_token"]).actor == AGENCY_ORG
    fresh = profiles.client.post(f"/v1/workers/{created['id']}/token", headers=AGENCY).json()["worker_token"]
    principal = issuer.verify(fresh)
    assert (principal.role, principal.subject, principal.actor) == (Role.worker, created["id"], AGENCY_ORG)
    by_admin = profiles.client.post(f"/v1/workers/{created['id']}/token", headers=ADMIN).json()["worker_token"]
    assert issuer.verify(by_admin).actor is None
    # an older token without `act` still works as the person's own
    assert issuer.verify(issuer.issue(Role.worker, created["id"])).actor is None


def test_a_token_with_a_malformed_act_claim_is_refused(profiles: ProfilesEnv):
    import jwt

    now = int(dt.datetime.now(dt.UTC).timestamp())
    bad = jwt.encode({"iss": "talentflow", "sub": "w-1", "role": "worker", "iat": now, "exp": now + 60, "act": "org-a"},
                     TEST_KEY, algorithm="HS256")
    response = profiles.client.get("/v1/workers/w-1", headers=_bearer(bad))
    assert response.status_code == 401 and "act" in response.json()["detail"]


# --- profiles: disclosures -------------------------------------------------------------------------


def test_a_disclosure_needs_a_consent_that_holds_and_is_recorded(profiles: ProfilesEnv):
    worker_id = profiles.create_as_agency(AGENCY_ORG)["id"]
    refused = _disclose(profiles, worker_id, {"basis": "profile"}, {"basis": "agency", "agency_id": AGENCY_ORG})
    assert refused.status_code == 403 and _type(refused) == "contact-consent-missing"
    assert not any(p in refused.text for p in PERSONAL)
    assert profiles.count(store.contact_disclosures, worker_id=worker_id) == 0

    given = _disclose(profiles, worker_id, {"basis": "profile"}, {"basis": "application"})
    assert given.status_code == 201, given.text
    assert given.json()["contact"] == {"name": "王建国", "phone": "13800000001", "email": "wjg@example.com"}
    assert given.headers["cache-control"] == "no-store"
    disclosure = given.json()["disclosure"]
    assert (disclosure["basis"], disclosure["org_id"], disclosure["viewer_id"], disclosure["posting_id"]) == \
        ("application", "org-e", "boss-1", "pst_1")

    # agency-held consent counts only once recorded, and only for the managing agency
    profiles.client.put(f"/v1/workers/{worker_id}/agency-contact-consent", json={"basis": "form 17"},
                        headers=auth("worker", worker_id))
    elsewhere = _disclose(profiles, worker_id, {"basis": "agency", "agency_id": "org-b"})
    assert _type(elsewhere) == "contact-consent-missing"
    by_agency = _disclose(profiles, worker_id, {"basis": "agency", "agency_id": AGENCY_ORG})
    assert by_agency.status_code == 201 and by_agency.json()["disclosure"]["agency_id"] == AGENCY_ORG

    bad = _disclose(profiles, worker_id, {"basis": "whim"})
    assert bad.status_code == 422 and any(e["field"].startswith("body.offered.0.basis") for e in bad.json()["errors"])
    assert _disclose(profiles, worker_id).status_code == 422  # nothing offered
    assert profiles.count(store.contact_disclosures, worker_id=worker_id) == 2


def test_disclosures_are_listed_for_the_worker_and_its_agency_only_and_erased_with_it(profiles: ProfilesEnv):
    worker_id = profiles.create_as_agency(AGENCY_ORG)["id"]
    for org in ("org-e", "org-f", "org-g"):
        assert _disclose(profiles, worker_id, {"basis": "grant"}, org=org).status_code == 201
    url = f"/v1/workers/{worker_id}/contact-disclosures"
    seen, cursor = [], None
    while True:
        page = profiles.client.get(url, params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                                   headers=auth("worker", worker_id))
        assert page.status_code == 200, page.text
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert [d["org_id"] for d in seen] == ["org-e", "org-f", "org-g"]
    assert all(d["basis"] == "grant" and d["worker_id"] == worker_id for d in seen)
    assert profiles.client.get(url, headers=AGENCY).json()["items"] == seen
    assert profiles.client.get(url, headers=auth("worker", "w-other")).status_code == 404
    assert profiles.client.get(url, headers=auth("agency", "s", org="org-b")).status_code == 404
    assert profiles.client.get(url, headers=EMPLOYER).status_code == 403
    assert profiles.client.get(url, headers=SERVICE).status_code == 403
    assert profiles.client.get(url, params={"cursor": "bm90IGEgY3Vyc29y"}, headers=ADMIN).status_code == 422

    profiles.client.put(f"/v1/workers/{worker_id}/agency-contact-consent", json={"basis": "form 17"},
                        headers=auth("worker", worker_id))
    assert profiles.client.delete(f"/v1/workers/{worker_id}", headers=auth("worker", worker_id)).status_code == 204
    assert profiles.count(store.contact_disclosures, worker_id=worker_id) == 0
    assert profiles.count(store.agency_contact_consents, worker_id=worker_id) == 0
    assert profiles.client.get(url, headers=ADMIN).status_code == 404


# --- jobs and profiles together --------------------------------------------------------------------


@dataclass
class Wired:
    profiles: ProfilesEnv
    jobs: Jobs

    def contact(self, posting_id: str, worker_id: str, headers=EMPLOYER) -> httpx.Response:
        return self.jobs.client.get(f"/v1/postings/{posting_id}/contacts/{worker_id}", headers=headers)

    def disclosures(self, worker_id: str) -> list[dict]:
        response = self.profiles.client.get(f"/v1/workers/{worker_id}/contact-disclosures", headers=auth("worker", worker_id))
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def shortlist(self, posting_id: str, application_id: str, headers=EMPLOYER) -> None:
        moved = self.jobs.client.patch(f"/v1/postings/{posting_id}/applications/{application_id}",
                                       json={"status": "shortlisted"}, headers=headers)
        assert moved.status_code == 200, moved.text


@pytest.fixture
def wired(store_backend, tmp_path) -> Iterator[Wired]:
    settings = Settings(**settings_kwargs(store_backend))
    app = create_app(settings, runtime=runtime_for("profiles", settings, store_backend))
    # jobs in a store of its own (another schema, another folder), as it runs in production
    jobs_home = tmp_path / "jobs"
    jobs_home.mkdir()
    jobs_backend = StoreBackend(store_backend.name, store_backend.database_url,
                                store_backend.schema + "_jobs" if store_backend.schema else None, jobs_home)
    with TestClient(app) as profiles_client:
        def forward(request: httpx.Request) -> httpx.Response:
            answer = profiles_client.request(
                request.method, request.url.raw_path.decode(), content=request.content,
                headers={k: v for k, v in request.headers.items() if k in ("authorization", "content-type")})
            return httpx.Response(answer.status_code, headers={"content-type": answer.headers.get("content-type", "")},
                                  content=answer.content)

        try:
            for jobs in build_jobs(jobs_backend, profiles_transport=httpx.MockTransport(forward)):
                yield Wired(ProfilesEnv(app, profiles_client, store_backend.name), jobs)
        finally:
            if jobs_backend.schema:
                engine = sa.create_engine(jobs_backend.database_url)
                with engine.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{jobs_backend.schema}" CASCADE'))
                engine.dispose()


def _posting(wired: Wired, headers=EMPLOYER) -> str:
    return wired.jobs.create_posting(headers=headers)["id"]


def test_without_consent_the_employer_is_refused_and_nothing_is_recorded(wired: Wired):
    worker_id = wired.profiles.create_as_agency(AGENCY_ORG)["id"]
    posting_id = _posting(wired)
    invitation = wired.jobs.invite(posting_id, worker_id, headers=EMPLOYER).json()
    assert _type(wired.contact(posting_id, worker_id)) == "no-mutual-interest"
    accepted = wired.jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", headers=auth("worker", worker_id))
    assert accepted.status_code == 200, accepted.text
    refused = wired.contact(posting_id, worker_id)
    assert refused.status_code == 403 and _type(refused) == "contact-consent-missing"
    assert not any(p in refused.text for p in PERSONAL)
    assert wired.disclosures(worker_id) == []


def test_profile_consent_reveals_and_the_reveal_is_listed_by_the_worker(wired: Wired):
    worker_id = random_id("w")
    wired.profiles.create_as_worker(worker_id, consent={"matching": True, "share_contact": True})
    posting_id = _posting(wired)
    application = wired.jobs.apply(posting_id, headers=auth("worker", worker_id)).json()
    wired.shortlist(posting_id, application["id"])
    shown = wired.contact(posting_id, worker_id)
    assert shown.status_code == 200, shown.text
    assert (shown.json()["phone"], shown.json()["consent"], shown.json()["basis"]) == \
        ("13800000001", "profile", "application_shortlisted")
    [record] = wired.disclosures(worker_id)
    assert (record["id"], record["org_id"], record["posting_id"], record["basis"], record["viewer_role"]) == \
        (shown.json()["disclosure_id"], "org-e", posting_id, "profile", "employer")


def test_application_body_consent_reveals_to_that_employer_only(wired: Wired):
    worker_id = random_id("w")
    wired.profiles.create_as_worker(worker_id)  # share_contact: false on the profile
    worker = auth("worker", worker_id)
    posting_id = _posting(wired)
    application = wired.jobs.apply(posting_id, headers=worker, share_contact=True).json()
    wired.shortlist(posting_id, application["id"])
    shown = wired.contact(posting_id, worker_id)
    assert shown.status_code == 200 and shown.json()["consent"] == "application", shown.text

    other_posting = _posting(wired, OTHER_EMPLOYER)
    other = wired.jobs.apply(other_posting, headers=worker).json()
    wired.shortlist(other_posting, other["id"], OTHER_EMPLOYER)
    assert _type(wired.contact(other_posting, worker_id, OTHER_EMPLOYER)) == "contact-consent-missing"
    assert [d["org_id"] for d in wired.disclosures(worker_id)] == ["org-e"]


def test_acceptance_consent_then_a_later_grant_and_its_withdrawal(wired: Wired):
    worker_id = random_id("w")
    wired.profiles.create_as_worker(worker_id)
    worker = auth("worker", worker_id)
    first, second = _posting(wired), _posting(wired)
    invitation = wired.jobs.invite(first, worker_id, headers=EMPLOYER).json()
    wired.jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", json={"share_contact": True}, headers=worker)
    assert wired.contact(first, worker_id).json()["consent"] == "acceptance"

    application = wired.jobs.apply(second, headers=worker).json()
    wired.shortlist(second, application["id"])
    assert _type(wired.contact(second, worker_id)) == "contact-consent-missing"
    assert wired.jobs.client.post(f"/v1/postings/{second}/contact-consent", headers=worker).status_code == 200
    assert wired.contact(second, worker_id).json()["consent"] == "grant"
    assert wired.jobs.client.delete(f"/v1/postings/{second}/contact-consent", headers=worker).status_code == 200
    assert _type(wired.contact(second, worker_id)) == "contact-consent-missing"
    assert [d["basis"] for d in wired.disclosures(worker_id)] == ["acceptance", "grant"]


def test_an_agency_minted_token_consents_only_where_the_profile_records_the_agency_holds_it(wired: Wired):
    created = wired.profiles.create_as_agency(AGENCY_ORG)
    worker_id, minted = created["id"], _bearer(created["worker_token"])  # the token profiles gave the agency
    posting_id = _posting(wired)
    invitation = wired.jobs.invite(posting_id, worker_id, headers=EMPLOYER).json()
    accepted = wired.jobs.client.post(f"/v1/invitations/{invitation['id']}/accept", json={"share_contact": True},
                                      headers=minted)
    assert accepted.status_code == 200, accepted.text
    refused = wired.contact(posting_id, worker_id)
    assert _type(refused) == "contact-consent-missing"
    assert not any(p in refused.text for p in PERSONAL)

    # the agency cannot record its own authority; the worker (own token) does
    consent_url = f"/v1/workers/{worker_id}/agency-contact-consent"
    assert wired.profiles.client.put(consent_url, json={"basis": "form 17"}, headers=minted).status_code == 403
    assert wired.profiles.client.put(consent_url, json={"basis": "form 17"}, headers=auth("worker", worker_id)).status_code == 200
    shown = wired.contact(posting_id, worker_id)
    assert shown.status_code == 200 and shown.json()["consent"] == "agency", shown.text
    [record] = wired.disclosures(worker_id)
    assert (record["basis"], record["agency_id"]) == ("agency", AGENCY_ORG)

    # the record withdrawn, the agency's word no longer counts
    assert wired.profiles.client.delete(consent_url, headers=auth("worker", worker_id)).status_code == 204
    assert _type(wired.contact(posting_id, worker_id)) == "contact-consent-missing"


def _consents_in_jobs(wired: Wired, worker_id: str) -> int:
    t = jobs_store.contact_consents
    with wired.jobs.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.worker_id == worker_id)).scalar_one()


def test_erasure_takes_the_grants_and_the_disclosure_records(wired: Wired):
    worker_id = random_id("w")
    wired.profiles.create_as_worker(worker_id)
    worker = auth("worker", worker_id)
    posting_id = _posting(wired)
    application = wired.jobs.apply(posting_id, headers=worker, share_contact=True).json()
    wired.shortlist(posting_id, application["id"])
    assert wired.contact(posting_id, worker_id).status_code == 200
    assert wired.profiles.count(store.contact_disclosures, worker_id=worker_id) == 1

    assert wired.profiles.client.delete(f"/v1/workers/{worker_id}", headers=worker).status_code == 204
    assert wired.profiles.count(store.contact_disclosures, worker_id=worker_id) == 0
    # worker.erased, as profiles wrote it, reaches jobs: the consent for the posting goes with the engagements
    [erased] = [e for e in wired.profiles.events(worker_id) if e.type == "worker.erased"]
    assert _consents_in_jobs(wired, worker_id) == 1
    wired.jobs.app.state.runtime.event_log.publish([encode(erased)])
    handled = 0
    for _ in range(10):
        step = wired.jobs.app.state.erasure.run_once()
        handled += step
        if handled and not step:
            break
    assert handled == 1
    assert _consents_in_jobs(wired, worker_id) == 0
    assert wired.contact(posting_id, worker_id).status_code == 403  # no engagement left: no mutual interest
