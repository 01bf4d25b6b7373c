"""The jobs service's rules without I/O: posting validation, merge patch, lifecycles, who may do what."""

from __future__ import annotations

import datetime as dt
from itertools import product

import pytest
from pydantic import ValidationError

from services.common.auth import Principal, Role
from services.common.contracts import PostingStatus
from services.common.errors import IllegalTransition, InvalidInput
from services.jobs.domain import (
    POSTING_TRANSITIONS,
    ApplicationIn,
    ApplicationStatus,
    Invitation,
    InvitationIn,
    InvitationStatus,
    PostingCreate,
    PostingIn,
    PostingPatch,
    apply_merge_patch,
    check_answerable,
    check_application_move,
    check_client_status,
    check_editable,
    check_posting_dates,
    check_posting_transition,
    managed_orgs,
    may_manage,
    may_read_posting,
    new_id,
    validate_posting,
)

pytestmark = pytest.mark.unit

TODAY = dt.date(2030, 3, 2)


def posting(**overrides):
    body = {
        "kind": "project",
        "title": "焊接修复",
        "occupation": {"code": "6-18-02-04", "name": "焊工"},
        "skills": [{"name": "氩弧焊", "min_proficiency": 4}],
        "wage": {"min": 400, "max": 800, "unit": "day"},
        "region": "150602",
        "start_on": "2030-04-15",
        "deadline": "2030-04-10",
    }
    body.update(overrides)
    return body


# --- validation --------------------------------------------------------------------------------


def test_a_good_posting_passes():
    model = PostingIn.model_validate(posting())
    assert model.status is PostingStatus.open and model.headcount == 1


@pytest.mark.parametrize(
    ("wage", "message"),
    [
        ({"min": 300, "max": 6_000, "unit": "hour"}, "above 5000"),
        ({"min": 100_000, "max": 2_000_000, "unit": "month"}, "above 1000000"),
        ({"min": 100, "max": 1_001, "unit": "day"}, "10 × min"),
        ({"min": 0, "max": 10, "unit": "day"}, "above 0"),
        ({"min": 500, "max": 400, "unit": "day"}, "below min"),
    ],
)
def test_an_implausible_wage_is_refused(wage, message):
    with pytest.raises(ValidationError, match=message):
        PostingIn.model_validate(posting(wage=wage))


def test_a_ten_fold_range_and_a_project_sum_are_fine():
    assert PostingIn.model_validate(posting(wage={"min": 100, "max": 1_000, "unit": "day"})).wage.max == 1_000
    assert PostingIn.model_validate(posting(wage={"min": 2_000_000, "max": 5_000_000, "unit": "project"}))


@pytest.mark.parametrize(
    "change",
    [
        {"skills": [{"name": "氩弧焊"}, {"name": "氩弧焊 "}]},
        {"skills": [{"name": "TIG"}, {"name": "tig"}]},
        {"certificates": ["焊工", "焊工"]},
        {"occupation": {"code": "6", "name": "生产制造"}},  # a major group: too vague
        {"occupation": {"code": "6-18", "name": "机械制造"}},
        {"occupation": {"code": "6-18-02-99", "name": "不存在"}},
        {"deadline": "2030-04-20"},  # after start_on
        {"nickname": "x"},
    ],
)
def test_rules_on_skills_certificates_occupation_dates_and_unknown_fields(change):
    with pytest.raises(ValidationError):
        PostingIn.model_validate(posting(**change))


def test_small_groups_occupations_and_free_text_are_specific_enough():
    assert PostingIn.model_validate(posting(occupation={"code": "6-18-02", "name": "机械热加工人员"}))
    assert PostingIn.model_validate(posting(occupation={"name": "管道安装"})).occupation.code is None


def test_posting_create_adds_only_org_id():
    assert PostingCreate.model_validate({**posting(), "org_id": "org-a"}).org_id == "org-a"
    with pytest.raises(ValidationError):
        PostingCreate.model_validate({**posting(), "org_id": "org a"})


@pytest.mark.parametrize(
    ("deadline", "previous", "ok"),
    [
        (TODAY, None, True),
        (TODAY - dt.timedelta(days=1), None, False),
        (TODAY - dt.timedelta(days=1), TODAY - dt.timedelta(days=1), True),  # unchanged: not checked again
        (TODAY + dt.timedelta(days=366), None, True),
        (TODAY + dt.timedelta(days=367), None, False),
        (None, None, True),
    ],
)
def test_deadline_between_today_and_the_horizon(deadline, previous, ok):
    fields = PostingIn.model_validate(posting(deadline=deadline.isoformat() if deadline else None, start_on=None))
    if ok:
        check_posting_dates(fields, TODAY, previous_deadline=previous)
    else:
        with pytest.raises(InvalidInput) as caught:
            check_posting_dates(fields, TODAY, previous_deadline=previous)
        assert caught.value.errors[0]["field"] == "body.deadline"


# --- merge patch -------------------------------------------------------------------------------


def test_merge_patch_follows_rfc_7396():
    target = {"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]}
    patch = {"a": "z", "c": {"f": None}, "list": [3], "new": {"x": 1}}
    assert apply_merge_patch(target, patch) == {"a": "z", "c": {"d": "e"}, "list": [3], "new": {"x": 1}}
    assert target == {"a": "b", "c": {"d": "e", "f": "g"}, "list": [1, 2]}  # not mutated
    assert apply_merge_patch({"a": 1}, {"a": None}) == {}
    assert apply_merge_patch({"a": {"b": 1}}, {"a": 5}) == {"a": 5}


def test_a_patch_is_validated_as_the_merged_whole_with_body_field_names():
    current = PostingIn.model_validate(posting()).model_dump(mode="json")
    merged = apply_merge_patch(current, PostingPatch.model_validate({"wage": {"max": 900}}).model_dump(
        mode="json", exclude_unset=True))
    assert validate_posting(merged).wage.max == 900
    broken = apply_merge_patch(current, {"wage": {"min": 1000}})
    with pytest.raises(InvalidInput) as caught:
        validate_posting(broken)
    assert [e["field"] for e in caught.value.errors] == ["body.wage"]
    with pytest.raises(InvalidInput) as caught:
        validate_posting(apply_merge_patch(current, {"skills": [{"name": "x", "min_proficiency": 9}]}))
    assert caught.value.errors[0]["field"] == "body.skills.0.min_proficiency"


def test_a_patch_refuses_unknown_keys_and_keeps_explicit_nulls():
    with pytest.raises(ValidationError):
        PostingPatch.model_validate({"org_id": "other"})
    patch = PostingPatch.model_validate({"location": None, "title": "新"})
    assert patch.model_dump(exclude_unset=True) == {"location": None, "title": "新"}


# --- lifecycles --------------------------------------------------------------------------------


ALLOWED_POSTING_MOVES = {
    ("open", "paused"), ("open", "closed"), ("open", "filled"), ("open", "expired"),
    ("paused", "open"), ("paused", "closed"), ("paused", "filled"), ("paused", "expired"),
}


@pytest.mark.parametrize(("current", "target"), list(product(PostingStatus, PostingStatus)))
def test_every_posting_transition(current, target):
    if current == target or (current.value, target.value) in ALLOWED_POSTING_MOVES:
        check_posting_transition(current, target)
    else:
        with pytest.raises(IllegalTransition):
            check_posting_transition(current, target)


def test_the_transition_table_is_complete_and_final_states_are_final():
    assert set(POSTING_TRANSITIONS) == set(PostingStatus)
    for final in (PostingStatus.closed, PostingStatus.filled, PostingStatus.expired):
        with pytest.raises(IllegalTransition):
            check_editable(final)
    check_editable(PostingStatus.open)
    check_editable(PostingStatus.paused)


@pytest.mark.parametrize("status", [PostingStatus.closed, PostingStatus.filled, PostingStatus.expired])
def test_clients_do_not_write_final_statuses(status):
    with pytest.raises(InvalidInput):
        check_client_status(status)


EMPLOYER_ALLOWED = {("submitted", "shortlisted"), ("submitted", "rejected"), ("shortlisted", "hired"), ("shortlisted", "rejected")}
WORKER_ALLOWED = {("submitted", "withdrawn"), ("shortlisted", "withdrawn")}


@pytest.mark.parametrize(
    ("side", "current", "target"), list(product(["employer", "worker"], ApplicationStatus, ApplicationStatus))
)
def test_every_application_move_for_each_side(side, current, target):
    allowed = EMPLOYER_ALLOWED if side == "employer" else WORKER_ALLOWED
    if (current.value, target.value) in allowed:
        check_application_move(side, current, target)
    else:
        with pytest.raises(IllegalTransition):
            check_application_move(side, current, target)


def _invitation(status=InvitationStatus.pending, expires_in=dt.timedelta(days=1)):
    now = dt.datetime(2030, 3, 2, tzinfo=dt.UTC)
    return now, Invitation(id="inv_1", posting_id="pst_1", org_id="org", worker_id="w", status=status,
                           expires_at=now + expires_in, version=1, created_at=now, updated_at=now)


def test_only_a_pending_unexpired_invitation_is_answerable():
    now, pending = _invitation()
    check_answerable(pending, now)
    now, lapsed = _invitation(expires_in=dt.timedelta(0))
    with pytest.raises(IllegalTransition, match="expired"):
        check_answerable(lapsed, now)
    for status in (InvitationStatus.accepted, InvitationStatus.declined, InvitationStatus.expired):
        now, answered = _invitation(status=status)
        with pytest.raises(IllegalTransition):
            check_answerable(answered, now)


# --- who may do what ---------------------------------------------------------------------------


OWNER = Principal(Role.employer, "e1", org="org-a")
OTHER = Principal(Role.employer, "e2", org="org-b")
AGENCY = Principal(Role.agency, "ag", org="agency-x", acts_for=("org-a", "w-1"))
WORKER = Principal(Role.worker, "w-1")
ADMIN = Principal(Role.admin, "root")
SERVICE = Principal(Role.service, "matching")


@pytest.mark.parametrize(
    ("principal", "manages", "reads_paused", "orgs"),
    [
        (OWNER, True, True, ("org-a",)),
        (OTHER, False, False, ("org-b",)),
        (AGENCY, True, True, ("org-a", "w-1", "agency-x")),
        (WORKER, False, False, ()),
        (ADMIN, True, True, None),
        (SERVICE, False, True, None),
        (Principal(Role.employer, "e3"), False, False, ()),
    ],
)
def test_who_manages_and_who_reads_a_posting(principal, manages, reads_paused, orgs):
    assert may_manage(principal, "org-a") is manages
    assert may_read_posting(principal, "org-a", PostingStatus.open) is True
    assert may_read_posting(principal, "org-a", PostingStatus.paused) is reads_paused
    assert managed_orgs(principal) == orgs


@pytest.mark.parametrize("worker_id", ["..", ".", "-", "w 1", "", "x" * 65])
def test_an_invitation_names_a_plausible_worker_id(worker_id):
    with pytest.raises(ValidationError):
        InvitationIn.model_validate({"worker_id": worker_id})


def test_ids_sort_in_creation_order_and_do_not_repeat():
    ids = [new_id("pst") for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("pst_") and len(i) == 28 for i in ids)


@pytest.mark.parametrize("field", ["wage", "location", "occupation"])
def test_a_merge_patch_nested_too_deep_is_refused_on_its_field(field):
    nested: dict = {"a": 1}
    for _ in range(10):
        nested = {"a": nested}
    with pytest.raises(ValidationError) as refused:
        PostingPatch.model_validate({field: nested})
    assert refused.value.errors()[0]["loc"] == (field,)
    assert PostingPatch.model_validate({field: {"max": None}}).model_dump(mode="json", exclude_unset=True) == {field: {"max": None}}


def test_a_merge_patch_list_nested_too_deep_is_refused():
    with pytest.raises(ValidationError):
        PostingPatch.model_validate({"skills": [[[[[["x"]]]]]]})
    assert PostingPatch.model_validate({"skills": [{"name": "氩弧焊", "min_proficiency": 3}]}).skills


@pytest.mark.parametrize("message", ["a\x00b", "\x00"])
def test_messages_refuse_nul(message):
    with pytest.raises(ValidationError):
        ApplicationIn(message=message)
    with pytest.raises(ValidationError):
        InvitationIn(worker_id="w-1", message=message)
