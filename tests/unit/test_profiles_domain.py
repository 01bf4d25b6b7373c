"""Rules of the profiles service without I/O: merge patch, who may set what, events, preconditions."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services.common.auth import Principal, Role
from services.common.errors import Forbidden, InvalidInput, PreconditionRequired, StaleVersion
from services.common.events import WorkerUpserted
from services.profiles import domain
from services.profiles.handlers import check_precondition

pytestmark = pytest.mark.unit

NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
WORKER = Principal(Role.worker, "w-1")
AGENCY = Principal(Role.agency, "staff", org="org-a")
OTHER_AGENCY = Principal(Role.agency, "staff", org="org-b")
ADMIN = Principal(Role.admin, "root")

CERT = {"occupation": "焊工", "level": "technician", "number": "1915000000123", "issuer": "鉴定中心",
        "issued_on": "2019-06-01", "verified": False}


def worker(**fields) -> domain.WorkerIn:
    return domain.WorkerIn.model_validate({"name": "王建国", "region": "150602",
                                           "contact": {"phone": "13800000001", "email": "a@b.cn"}, **fields})


# RFC 7396 appendix A, the examples that apply to objects
@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_merge_patch_follows_rfc_7396(target, patch, result):
    assert domain.merge_patch(target, patch) == result


def test_merge_patch_does_not_touch_the_target():
    target = {"a": {"b": 1}}
    domain.merge_patch(target, {"a": {"b": 2}})
    assert target == {"a": {"b": 1}}


def test_check_patch_names_unknown_fields_and_refuses_non_objects():
    with pytest.raises(InvalidInput) as unknown:
        domain.check_patch({"shoe_size": 44})
    assert unknown.value.errors[0]["field"] == "body.shoe_size"
    with pytest.raises(InvalidInput) as not_object:
        domain.check_patch(["name"])
    assert not_object.value.errors[0]["field"] == "body"
    assert domain.check_patch({"consent": {"matching": False}}) == {"consent": {"matching": False}}


def test_validate_worker_names_nested_fields_under_a_prefix():
    with pytest.raises(InvalidInput) as exc:
        domain.validate_worker({"name": "x", "region": "150602", "skills": [{"name": "焊", "proficiency": 7}]}, prefix="")
    assert [e["field"] for e in exc.value.errors] == ["skills.0.proficiency"]


def test_nul_characters_are_refused_with_their_field():
    with pytest.raises(InvalidInput) as exc:
        domain.validate_worker({"name": "x", "region": "150602", "contact": {"email": "a\u0000@b.cn"}})
    assert exc.value.errors[0]["field"] == "body.contact.email"


def test_agency_for_create():
    assert domain.agency_for_create(AGENCY, None) == "org-a"
    assert domain.agency_for_create(AGENCY, "org-a") == "org-a"
    assert domain.agency_for_create(ADMIN, "org-x") == "org-x"
    assert domain.agency_for_create(WORKER, None) is None
    with pytest.raises(Forbidden) as foreign:
        domain.agency_for_create(AGENCY, "org-b")
    assert foreign.value.errors[0]["field"] == "body.agency_id"
    with pytest.raises(Forbidden):
        domain.agency_for_create(WORKER, "org-a")


def test_agency_for_update():
    assert domain.agency_for_update(WORKER, "org-a", None, provided=False) == "org-a"  # left out: kept
    assert domain.agency_for_update(WORKER, "org-a", None, provided=True) is None  # the worker leaves
    assert domain.agency_for_update(AGENCY, "org-a", "org-a", provided=True) == "org-a"
    assert domain.agency_for_update(ADMIN, "org-a", "org-b", provided=True) == "org-b"
    for principal in (WORKER, AGENCY):
        with pytest.raises(Forbidden):
            domain.agency_for_update(principal, "org-a", "org-b", provided=True)


def test_only_admin_or_managing_agency_verifies_certificates():
    verified = worker(certificates=[dict(CERT, verified=True)])
    domain.check_certificates(ADMIN, "w-1", None, verified, None)
    domain.check_certificates(AGENCY, "w-1", "org-a", verified, None)
    for principal, agency in ((WORKER, "org-a"), (OTHER_AGENCY, "org-a")):
        with pytest.raises(Forbidden) as exc:
            domain.check_certificates(principal, "w-1", agency, verified, None)
        assert exc.value.errors[0]["field"] == "body.certificates.0.verified"


def test_a_worker_keeps_a_verified_certificate_only_while_unchanged():
    stored = {"certificates": [dict(CERT, verified=True)]}
    domain.check_certificates(WORKER, "w-1", None, worker(certificates=[dict(CERT, verified=True)]), stored)
    with pytest.raises(Forbidden):
        domain.check_certificates(WORKER, "w-1", None, worker(certificates=[dict(CERT, number="9", verified=True)]), stored)
    # unverifying is always allowed
    domain.check_certificates(WORKER, "w-1", None, worker(certificates=[dict(CERT, number="9")]), stored)


@pytest.mark.parametrize(
    ("consent", "status", "matchable"),
    [(True, "active", True), (False, "active", False), (True, "paused", False), (False, "paused", False)],
)
def test_upserted_event_carries_the_profile_without_personal_data(consent, status, matchable):
    profile = worker(consent={"matching": consent, "share_contact": True}, status=status, certificates=[CERT])
    event = domain.upserted_event(profile, worker_id="w-1", version=3, created_at=NOW, updated_at=NOW)
    assert (event.type, event.subject, event.entityversion) == ("worker.upserted", "w-1", 3)
    data = event.parsed()
    assert isinstance(data, WorkerUpserted)
    assert data.matchable is matchable
    assert data.certificates[0].number == "19*********23"
    raw = event.model_dump_json()
    for secret in ("13800000001", "a@b.cn", "1915000000123"):
        assert secret not in raw
    assert "contact" not in json.loads(raw)["data"]


def test_erased_event_carries_only_the_id_and_time():
    event = domain.erased_event("w-1", version=4, erased_at=NOW)
    assert event.type == "worker.erased" and event.entityversion == 4
    assert event.data == {"id": "w-1", "erased_at": NOW.isoformat().replace("+00:00", "Z")}


def test_new_ids_are_valid_unique_and_grow_with_time():
    ids = [domain.new_worker_id() for _ in range(200)]
    assert len(set(ids)) == 200
    assert all(domain.ID_PATTERN.match(i) for i in ids)
    assert ids[0][:14] <= ids[-1][:14]  # the millisecond prefix never goes back


def test_worker_view_derives_province_and_city():
    state = domain.ProfileState(id="w-1", version=2, document={"name": "x", "region": "150602"}, contact={},
                                created_at=NOW, updated_at=NOW)
    view = domain.worker_view(state)
    assert (view["province"], view["city"], view["version"]) == ("15", "1506", 2)


def test_preconditions():
    check_precondition(None, 3, required=False)
    check_precondition(3, 3, required=True)
    check_precondition("*", 3, required=True)
    with pytest.raises(StaleVersion):
        check_precondition(2, 3, required=False)
    with pytest.raises(PreconditionRequired):
        check_precondition(None, 3, required=True)


def test_traceparent_is_kept_only_when_well_formed():
    good = "00-" + "a" * 32 + "-" + "b" * 16 + "-01"
    assert domain.traceparent_of(good) == good
    assert domain.traceparent_of("garbage") is None
    assert domain.traceparent_of(None) is None


def test_filters_are_checked():
    assert domain.check_occupation_filter("6-18") == "6-18"
    assert domain.check_region_filter("15") == "15"
    with pytest.raises(InvalidInput):
        domain.check_occupation_filter("6-99-99")
    with pytest.raises(InvalidInput):
        domain.check_region_filter("99")
