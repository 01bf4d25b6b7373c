"""The profiles API through HTTP on SQLite and PostgreSQL: writes, versions, events, erasure, lists."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from services.common.adapters.eventlog_local import LocalEventLog
from services.common.events import WORKERS, decode
from services.profiles import store
from tests.integration.test_profiles_helpers import ProfilesEnv, profiles, sample_worker  # noqa: F401
from tests.support import auth, random_id

pytestmark = pytest.mark.integration

PERSONAL = ("13800000001", "wjg@example.com", "1915000000123")


def names_field(problem: dict, field: str) -> bool:
    """The problem names the field (pydantic adds the union member after it, e.g. `.int`)."""
    return any(e["field"] == field or e["field"].startswith(field + ".") for e in problem["errors"])


# --- create ------------------------------------------------------------------------------------


def test_worker_creates_its_own_profile_with_its_subject_as_id(profiles: ProfilesEnv):
    worker_id = random_id("w")
    response = profiles.client.post("/v1/workers", json=sample_worker(), headers=auth("worker", worker_id))
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == worker_id
    assert body["version"] == 1
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"/v1/workers/{worker_id}"
    assert body["contact"] == {"phone": "13800000001", "email": "wjg@example.com"}
    assert (body["province"], body["city"]) == ("15", "1506")
    assert "worker_token" not in body

    again = profiles.client.post("/v1/workers", json=sample_worker(), headers=auth("worker", worker_id))
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert len(profiles.events(worker_id)) == 1


def test_agency_create_gets_a_new_id_its_org_and_a_worker_token(profiles: ProfilesEnv):
    response = profiles.client.post("/v1/workers", json=sample_worker(), headers=auth("agency", "staff-1", org="org-a"))
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("w_")
    assert body["agency_id"] == "org-a"
    token = body["worker_token"]
    own = profiles.client.get(f"/v1/workers/{body['id']}", headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 200
    assert own.json()["id"] == body["id"]


def test_minimal_profile_gets_defaults(profiles: ProfilesEnv):
    response = profiles.client.post("/v1/workers", json={"name": "李四", "region": "110101"}, headers=auth("admin", "root"))
    assert response.status_code == 201
    body = response.json()
    assert body["skill_level"] == "junior"
    assert body["consent"] == {"matching": False, "share_contact": False}
    assert body["contact"] == {"phone": None, "email": None}
    assert body["agency_id"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region": "15060"}, "body.region"),
        ({"region": "990602"}, "body.region"),
        ({"occupations": [{"code": "9-99-99-99", "name": "x"}]}, "body.occupations.0.code"),
        ({"skill_level": "grandmaster"}, "body.skill_level"),
        ({"skills": [{"name": "焊接", "proficiency": 6}]}, "body.skills.0.proficiency"),
        ({"contact": {"phone": "call me"}}, "body.contact.phone"),
        ({"contact": {"email": "not-an-email"}}, "body.contact.email"),
        ({"wage_expectation": {"min": 500, "max": 300, "unit": "day"}}, "body.wage_expectation"),
        ({"availability": {"modes": ["project", "project"]}}, "body.availability.modes"),
        ({"open_regions": ["9"]}, "body.open_regions.0"),
        ({"experience_years": "15"}, "body.experience_years"),
        ({"skills": [{"name": "s", "proficiency": 3}] * 51}, "body.skills"),
        ({"nickname": "老王"}, "body.nickname"),
        ({"status": "retired"}, "body.status"),
        ({"location": {"lat": 91, "lon": 0}}, "body.location.lat"),
    ],
)
def test_invalid_profile_is_a_422_naming_the_field(profiles: ProfilesEnv, change, field):
    response = profiles.client.post("/v1/workers", json=sample_worker(**change), headers=auth("admin", "root"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert names_field(response.json(), field)
    assert profiles.count(store.workers) == 0
    assert profiles.events() == []


def test_free_text_occupation_without_code_is_accepted(profiles: ProfilesEnv):
    body = profiles.create_as_agency("org-a", occupations=[{"name": "非遗木雕传承"}])
    assert body["occupations"] == [{"code": None, "name": "非遗木雕传承"}]


def test_no_token_is_401(profiles: ProfilesEnv):
    response = profiles.client.post("/v1/workers", json=sample_worker())
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    bad = profiles.client.get("/v1/workers/w_x", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401


# --- idempotency -------------------------------------------------------------------------------


def test_idempotent_retry_returns_the_first_answer_and_writes_once(profiles: ProfilesEnv):
    headers = {**auth("agency", "staff-1", org="org-a"), "Idempotency-Key": random_id("idem")}
    first = profiles.client.post("/v1/workers", json=sample_worker(), headers=headers)
    retry = profiles.client.post("/v1/workers", json=sample_worker(), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert profiles.count(store.workers) == 1
    assert len(profiles.events()) == 1

    other_body = profiles.client.post("/v1/workers", json=sample_worker(name="赵六"), headers=headers)
    assert other_body.status_code == 422
    assert profiles.count(store.workers) == 1


def test_erasure_drops_the_cached_first_answer(profiles: ProfilesEnv):
    headers = {**auth("agency", "staff-1", org="org-a"), "Idempotency-Key": random_id("idem")}
    created = profiles.client.post("/v1/workers", json=sample_worker(), headers=headers).json()
    kv = profiles.app.state.key_value
    with profiles.engine.connect() as conn:
        replay_key = store.ProfilesStore(conn).replay_key_of(created["id"])
    assert replay_key and kv.get(replay_key) is not None
    erased = profiles.client.delete(f"/v1/workers/{created['id']}", headers=auth("agency", "staff-1", org="org-a"))
    assert erased.status_code == 204
    assert kv.get(replay_key) is None


# --- read, replace, patch ----------------------------------------------------------------------


def test_get_returns_the_profile_with_etag(profiles: ProfilesEnv):
    worker_id = random_id("w")
    profiles.create_as_worker(worker_id)
    response = profiles.client.get(f"/v1/workers/{worker_id}", headers=auth("worker", worker_id))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["skills"][0] == {"name": "氩弧焊", "proficiency": 5, "years": 12}
    assert profiles.client.get("/v1/workers/w_missing", headers=auth("admin", "root")).status_code == 404


def test_put_replaces_and_bumps_the_version(profiles: ProfilesEnv):
    worker_id = random_id("w")
    profiles.create_as_worker(worker_id)
    replaced = sample_worker(name="王建国", skills=[{"name": "电焊", "proficiency": 3, "years": 2}], awards=[])
    response = profiles.client.put(f"/v1/workers/{worker_id}", json=replaced, headers={**auth("worker", worker_id), "If-Match": '"1"'})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert response.headers["etag"] == '"2"'
    assert response.json()["awards"] == []
    stale = profiles.client.put(f"/v1/workers/{worker_id}", json=replaced, headers={**auth("worker", worker_id), "If-Match": '"1"'})
    assert stale.status_code == 412
    invalid = profiles.client.put(f"/v1/workers/{worker_id}", json=sample_worker(region="x"), headers=auth("worker", worker_id))
    assert invalid.status_code == 422
    assert [e["field"] for e in invalid.json()["errors"]] == ["body.region"]
    assert profiles.client.get(f"/v1/workers/{worker_id}", headers=auth("worker", worker_id)).json()["version"] == 2


def test_put_of_an_unchanged_profile_writes_nothing(profiles: ProfilesEnv):
    worker_id = random_id("w")
    profiles.create_as_worker(worker_id)
    response = profiles.client.put(f"/v1/workers/{worker_id}", json=sample_worker(), headers=auth("worker", worker_id))
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert len(profiles.events(worker_id)) == 1


def test_patch_merges_objects_replaces_lists_and_null_resets(profiles: ProfilesEnv):
    worker_id = random_id("w")
    profiles.create_as_worker(worker_id)
    response = profiles.client.patch(
        f"/v1/workers/{worker_id}",
        json={"contact": {"email": None}, "availability": {"hours_per_week": 30}, "skills": [{"name": "TIG", "proficiency": 4}],
              "location": None},
        headers={**auth("worker", worker_id), "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["contact"] == {"phone": "13800000001", "email": None}
    assert body["availability"] == {"modes": ["project", "part_time"], "hours_per_week": 30, "available_from": "2026-12-01"}
    assert body["skills"] == [{"name": "TIG", "proficiency": 4, "years": 0}]
    assert body["location"] is None
    assert body["version"] == 2


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"region": None}, "body.region"),
        ({"availability": {"modes": []}}, "body.availability.modes"),
        ({"wage_expectation": {"min": 900}}, "body.wage_expectation"),
        ({"skills": [{"name": "x", "proficiency": 0}]}, "body.skills.0.proficiency"),
        ({"favourite_colour": "red"}, "body.favourite_colour"),
        ([1, 2], "body"),
    ],
)
def test_patch_that_breaks_the_profile_is_422_and_changes_nothing(profiles: ProfilesEnv, patch, field):
    worker_id = random_id("w")
    profiles.create_as_worker(worker_id)
    response = profiles.client.patch(f"/v1/workers/{worker_id}", json=patch, headers=auth("worker", worker_id))
    assert response.status_code == 422, response.text
    assert names_field(response.json(), field)
    assert profiles.client.get(f"/v1/workers/{worker_id}", headers=auth("worker", worker_id)).json()["version"] == 1
    assert len(profiles.events(worker_id)) == 1


def test_malformed_if_match_is_422_and_star_matches_any(profiles: ProfilesEnv):
    worker_id = random_id("w")
    profiles.create_as_worker(worker_id)
    bad = profiles.client.patch(f"/v1/workers/{worker_id}", json={"experience_years": 16},
                                headers={**auth("worker", worker_id), "If-Match": "yesterday"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "header.If-Match"
    star = profiles.client.patch(f"/v1/workers/{worker_id}", json={"experience_years": 16},
                                 headers={**auth("worker", worker_id), "If-Match": "*"})
    assert star.status_code == 200


def test_managed_profile_needs_if_match_unmanaged_does_not(profiles: ProfilesEnv):
    managed = profiles.create_as_agency("org-a")
    agency = auth("agency", "staff-1", org="org-a")
    blind = profiles.client.patch(f"/v1/workers/{managed['id']}", json={"experience_years": 3}, headers=agency)
    assert blind.status_code == 428
    blind_worker = profiles.client.put(f"/v1/workers/{managed['id']}", json=sample_worker(),
                                       headers=auth("worker", managed["id"]))
    assert blind_worker.status_code == 428
    ok = profiles.client.patch(f"/v1/workers/{managed['id']}", json={"experience_years": 3}, headers={**agency, "If-Match": '"1"'})
    assert ok.status_code == 200

    own_id = random_id("w")
    profiles.create_as_worker(own_id)
    unmanaged = profiles.client.patch(f"/v1/workers/{own_id}", json={"experience_years": 3}, headers=auth("worker", own_id))
    assert unmanaged.status_code == 200


def test_put_without_agency_id_keeps_the_managing_agency(profiles: ProfilesEnv):
    managed = profiles.create_as_agency("org-a")
    body = sample_worker()
    del body["agency_id"]
    response = profiles.client.put(f"/v1/workers/{managed['id']}", json=body,
                                   headers={**auth("agency", "s", org="org-a"), "If-Match": '"1"'})
    assert response.status_code == 200
    assert response.json()["agency_id"] == "org-a"


# --- who may set agency_id and verified --------------------------------------------------------


def test_worker_cannot_verify_its_own_certificate(profiles: ProfilesEnv):
    worker_id = random_id("w")
    verified = [dict(sample_worker()["certificates"][0], verified=True)]
    create = profiles.client.post("/v1/workers", json=sample_worker(certificates=verified), headers=auth("worker", worker_id))
    assert create.status_code == 403
    assert create.json()["errors"][0]["field"] == "body.certificates.0.verified"
    assert profiles.count(store.workers) == 0

    profiles.create_as_worker(worker_id)
    patch = profiles.client.patch(f"/v1/workers/{worker_id}", json={"certificates": verified}, headers=auth("worker", worker_id))
    assert patch.status_code == 403
    assert patch.json()["errors"][0]["field"] == "body.certificates.0.verified"
    assert len(profiles.events(worker_id)) == 1


def test_agency_verifies_and_the_worker_keeps_it_only_while_unchanged(profiles: ProfilesEnv):
    created = profiles.create_as_agency("org-a")
    cert = dict(sample_worker()["certificates"][0], verified=True)
    agency = auth("agency", "staff-1", org="org-a")
    verified = profiles.client.patch(f"/v1/workers/{created['id']}", json={"certificates": [cert]}, headers={**agency, "If-Match": '"1"'})
    assert verified.status_code == 200
    assert verified.json()["certificates"][0]["verified"] is True

    worker = auth("worker", created["id"])
    keeps = profiles.client.patch(f"/v1/workers/{created['id']}", json={"experience_years": 20, "certificates": [cert]},
                                  headers={**worker, "If-Match": '"2"'})
    assert keeps.status_code == 200
    raised = profiles.client.patch(f"/v1/workers/{created['id']}", json={"certificates": [dict(cert, level="senior_technician")]},
                                   headers={**worker, "If-Match": '"3"'})
    assert raised.status_code == 403
    assert raised.json()["errors"][0]["field"] == "body.certificates.0.verified"


def test_agency_id_rules(profiles: ProfilesEnv):
    foreign = profiles.client.post("/v1/workers", json=sample_worker(agency_id="org-b"), headers=auth("agency", "s", org="org-a"))
    assert foreign.status_code == 403
    assert foreign.json()["errors"][0]["field"] == "body.agency_id"
    self_assigned = profiles.client.post("/v1/workers", json=sample_worker(agency_id="org-a"), headers=auth("worker", random_id("w")))
    assert self_assigned.status_code == 403

    created = profiles.create_as_agency("org-a")
    worker = auth("worker", created["id"])
    move = profiles.client.patch(f"/v1/workers/{created['id']}", json={"agency_id": "org-b"}, headers={**worker, "If-Match": '"1"'})
    assert move.status_code == 403
    assert move.json()["errors"][0]["field"] == "body.agency_id"
    leave = profiles.client.patch(f"/v1/workers/{created['id']}", json={"agency_id": None}, headers={**worker, "If-Match": '"1"'})
    assert leave.status_code == 200
    assert leave.json()["agency_id"] is None
    assert profiles.client.get(f"/v1/workers/{created['id']}", headers=auth("agency", "s", org="org-a")).status_code == 404

    admin = profiles.client.patch(f"/v1/workers/{created['id']}", json={"agency_id": "org-b"}, headers=auth("admin", "root"))
    assert admin.status_code == 200
    assert admin.json()["agency_id"] == "org-b"
    by_admin = profiles.client.post("/v1/workers", json=sample_worker(agency_id="org-c"), headers=auth("admin", "root"))
    assert by_admin.json()["agency_id"] == "org-c"


# --- events ------------------------------------------------------------------------------------


def test_every_change_writes_one_event_in_order(profiles: ProfilesEnv):
    created = profiles.create_as_agency("org-a")
    worker_id = created["id"]
    agency = auth("agency", "s", org="org-a")
    profiles.client.patch(f"/v1/workers/{worker_id}", json={"status": "paused"}, headers={**agency, "If-Match": '"1"'})
    profiles.client.patch(f"/v1/workers/{worker_id}", json={"status": "active", "consent": {"matching": False}},
                          headers={**agency, "If-Match": '"2"'})
    profiles.client.patch(f"/v1/workers/{worker_id}", json={"consent": {"matching": True}}, headers={**agency, "If-Match": '"3"'})
    profiles.client.patch(f"/v1/workers/{worker_id}", json={"skills": "many"}, headers={**agency, "If-Match": '"4"'})  # refused

    events = profiles.events(worker_id)
    assert [(e.type, e.entityversion) for e in events] == [("worker.upserted", v) for v in (1, 2, 3, 4)]
    assert [e.data["matchable"] for e in events] == [True, False, False, True]
    assert [e.data["status"] for e in events] == ["active", "paused", "active", "active"]
    first = events[0]
    assert first.subject == worker_id and first.source == "/talentflow/profiles"
    assert first.parsed().id == worker_id
    # contact data never travels; certificate numbers are masked
    assert "contact" not in first.data
    raw = first.model_dump_json()
    for secret in PERSONAL:
        assert secret not in raw
    assert first.data["certificates"][0]["number"].startswith("19")


def test_relay_publishes_the_outbox_in_order_to_the_event_log(profiles: ProfilesEnv, tmp_path):
    from services.common.store import OutboxRelay

    log = LocalEventLog(tmp_path / "relay-test.db", partitions=2)
    relay = OutboxRelay(profiles.engine, store.outbox, log)
    try:
        created = profiles.create_as_agency("org-a")
        profiles.client.patch(f"/v1/workers/{created['id']}", json={"experience_years": 1},
                              headers={**auth("agency", "s", org="org-a"), "If-Match": '"1"'})
        assert relay.drain() == 2
        profiles.client.delete(f"/v1/workers/{created['id']}", headers=auth("admin", "root"))
        assert relay.drain() == 1
        with profiles.engine.connect() as conn:
            assert store.OUTBOX.pending(conn) == 0
        consumer = log.consumer(random_id("g"), [WORKERS])
        received = [decode(r) for r in consumer.poll(timeout_s=1)]
        consumer.close()
        assert [(e.type, e.entityversion) for e in received] == [
            ("worker.upserted", 1), ("worker.upserted", 2), ("worker.erased", 3)]
        assert {r.subject for r in received} == {created["id"]}
    finally:
        log.close()


def test_traceparent_is_carried_into_the_event(profiles: ProfilesEnv):
    trace = "00-" + "a" * 32 + "-" + "b" * 16 + "-01"
    worker_id = random_id("w")
    profiles.client.post("/v1/workers", json=sample_worker(), headers={**auth("worker", worker_id), "traceparent": trace})
    assert profiles.events(worker_id)[0].traceparent == trace


# --- erasure -----------------------------------------------------------------------------------


def test_erasure_removes_the_person_and_keeps_a_record_without_personal_data(profiles: ProfilesEnv):
    created = profiles.create_as_agency("org-a")
    worker_id = created["id"]
    stale = profiles.client.delete(f"/v1/workers/{worker_id}", headers={**auth("worker", worker_id), "If-Match": '"7"'})
    assert stale.status_code == 412
    response = profiles.client.delete(f"/v1/workers/{worker_id}", headers=auth("worker", worker_id))
    assert response.status_code == 204
    assert profiles.client.get(f"/v1/workers/{worker_id}", headers=auth("admin", "root")).status_code == 404
    disclose = {"posting_id": "pst_1", "viewer_role": "employer", "viewer_id": "e-1", "viewer_org": "org-e",
                "offered": [{"basis": "application"}]}
    assert profiles.client.post(f"/v1/workers/{worker_id}/contact-disclosures", json=disclose,
                                headers=auth("service", "jobs")).status_code == 404
    assert profiles.client.delete(f"/v1/workers/{worker_id}", headers=auth("admin", "root")).status_code == 404

    assert profiles.count(store.workers, id=worker_id) == 0
    assert profiles.count(store.worker_occupations, worker_id=worker_id) == 0
    with profiles.engine.connect() as conn:
        record = conn.execute(sa.select(store.worker_erasures).where(store.worker_erasures.c.worker_id == worker_id)).one()
        outbox_values = b"".join(bytes(v) for v in conn.execute(sa.select(store.outbox.c.value)).scalars())
    assert (record.version, record.actor_role, record.actor_id) == (2, "worker", worker_id)
    assert b"\xe7\x8e\x8b\xe5\xbb\xba\xe5\x9b\xbd" not in outbox_values  # 王建国
    events = profiles.events(worker_id)
    assert [(e.type, e.entityversion) for e in events] == [("worker.erased", 2)]
    assert set(events[0].data) == {"id", "erased_at"}


def test_a_worker_who_comes_back_continues_above_the_erased_version(profiles: ProfilesEnv):
    worker_id = random_id("w")
    profiles.create_as_worker(worker_id)
    profiles.client.delete(f"/v1/workers/{worker_id}", headers=auth("worker", worker_id))
    again = profiles.create_as_worker(worker_id)
    assert again["version"] == 3
    assert [(e.type, e.entityversion) for e in profiles.events(worker_id)] == [("worker.erased", 2), ("worker.upserted", 3)]
    # erased a second time: the erasure goes on above the new profile, and one record is kept
    assert profiles.client.delete(f"/v1/workers/{worker_id}", headers=auth("worker", worker_id)).status_code == 204
    assert [(e.type, e.entityversion) for e in profiles.events(worker_id)][-1] == ("worker.erased", 4)
    with profiles.engine.connect() as conn:
        assert conn.execute(sa.select(store.worker_erasures.c.version).where(
            store.worker_erasures.c.worker_id == worker_id)).scalars().all() == [4]
    assert profiles.create_as_worker(worker_id)["version"] == 5  # and back once more


# --- contact and tokens ------------------------------------------------------------------------


def test_contact_for_the_owners_and_never_straight_to_a_service(profiles: ProfilesEnv):
    created = profiles.create_as_agency("org-a")
    for headers in (auth("worker", created["id"]), auth("agency", "s", org="org-a"), auth("admin", "root")):
        response = profiles.client.get(f"/v1/workers/{created['id']}/contact", headers=headers)
        assert response.status_code == 200
        assert response.json() == {"name": "王建国", "phone": "13800000001", "email": "wjg@example.com", "share_contact": False}
    # a service reads contact only through a recorded disclosure
    service = profiles.client.get(f"/v1/workers/{created['id']}/contact", headers=auth("service", "jobs"))
    assert service.status_code == 403 and "contact-disclosures" in service.json()["detail"]
    assert profiles.client.get(f"/v1/workers/{created['id']}/contact", headers=auth("employer", "e", org="org-e")).status_code == 403
    assert profiles.client.get(f"/v1/workers/{created['id']}/contact", headers=auth("agency", "s", org="org-b")).status_code == 404


def test_agency_issues_a_fresh_worker_token(profiles: ProfilesEnv):
    created = profiles.create_as_agency("org-a")
    response = profiles.client.post(f"/v1/workers/{created['id']}/token", headers=auth("agency", "s", org="org-a"))
    assert response.status_code == 200
    token = response.json()["worker_token"]
    assert profiles.client.get(f"/v1/workers/{created['id']}", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert profiles.client.post(f"/v1/workers/{created['id']}/token", headers=auth("agency", "s", org="org-b")).status_code == 404
    assert profiles.client.post(f"/v1/workers/{created['id']}/token", headers=auth("worker", created["id"])).status_code == 403


# --- lists -------------------------------------------------------------------------------------


def test_list_filters_and_pages(profiles: ProfilesEnv):
    welder = profiles.create_as_agency("org-a")  # 6-18-02-04, technician, 150602
    electrician = profiles.create_as_agency("org-a", region="150202", skill_level="senior",
                                            occupations=[{"code": "6-31-01-03", "name": "电工"}])
    paused = profiles.create_as_agency("org-a", region="110101", skill_level="junior", status="paused", occupations=[])
    other = profiles.create_as_agency("org-b")
    agency = auth("agency", "s", org="org-a")

    def ids(headers=agency, **params) -> list[str]:
        response = profiles.client.get("/v1/workers", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [w["id"] for w in response.json()["items"]]

    assert ids() == [welder["id"], electrician["id"], paused["id"]]
    assert ids(status="paused") == [paused["id"]]
    assert ids(region="15") == [welder["id"], electrician["id"]]
    assert ids(region="1506") == [welder["id"]]
    assert ids(region="150202") == [electrician["id"]]
    assert ids(occupation="6-18") == [welder["id"]]
    assert ids(occupation="6") == [welder["id"], electrician["id"]]
    assert ids(occupation="6-18-02-04") == [welder["id"]]
    assert ids(min_level="senior") == [welder["id"], electrician["id"]]
    assert ids(level="senior") == [electrician["id"]]
    assert ids(headers=auth("admin", "root")) == [welder["id"], electrician["id"], paused["id"], other["id"]]
    assert ids(headers=auth("admin", "root"), agency_id="org-b") == [other["id"]]
    assert ids(headers=auth("agency", "s", org="org-c", acts_for=[other["id"]])) == [other["id"]]

    first = profiles.client.get("/v1/workers", params={"limit": 2}, headers=agency).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = profiles.client.get("/v1/workers", params={"limit": 2, "cursor": first["next_cursor"]}, headers=agency).json()
    assert [w["id"] for w in second["items"]] == [paused["id"]]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "1"}, "query.region"),
        ({"region": "99"}, "query.region"),
        ({"occupation": "9-99"}, "query.occupation"),
        ({"min_level": "boss"}, "query.min_level"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 201}, "query.limit"),
        ({"cursor": "!!!"}, "query.cursor"),
        ({"status": "gone"}, "query.status"),
    ],
)
def test_list_rejects_bad_filters(profiles: ProfilesEnv, params, field):
    response = profiles.client.get("/v1/workers", params=params, headers=auth("admin", "root"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_agency_cannot_list_another_agency(profiles: ProfilesEnv):
    response = profiles.client.get("/v1/workers", params={"agency_id": "org-b"}, headers=auth("agency", "s", org="org-a"))
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "query.agency_id"


def test_nul_characters_are_refused_the_same_on_both_stores(profiles: ProfilesEnv):
    response = profiles.client.post("/v1/workers", json=sample_worker(skills=[{"name": "焊\u0000接", "proficiency": 3}]),
                                    headers=auth("admin", "root"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.skills.0.name"
    odd_id = profiles.client.get("/v1/workers/w%00x", headers=auth("admin", "root"))
    assert odd_id.status_code == 422
    assert odd_id.json()["errors"][0]["field"] == "path.worker_id"
    assert profiles.count(store.workers) == 0
