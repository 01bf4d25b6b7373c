"""Profiles handlers on the in-memory store (no database): one unit of work per command, events
only with a commit, and every refusal leaves the store as it was."""

from __future__ import annotations

import copy
import inspect

import pytest

from services.common.adapters.kv_memory import MemoryKeyValue
from services.common.auth import Principal, Role, TokenIssuer
from services.common.errors import NotFound, StaleVersion, Unavailable
from services.common.uow import InMemoryUnitOfWork
from services.profiles import handlers
from services.profiles.domain import AlreadyExists, validate_worker
from services.profiles.store import ProfilesStore
from tests.fakes_profiles import FakeProfilesStore

pytestmark = pytest.mark.unit

WORKER = {
    "name": "王建国",
    "contact": {"phone": "13800000001", "email": "wjg@example.com"},
    "region": "150602",
    "skill_level": "technician",
    "consent": {"matching": True, "share_contact": False},
    "status": "active",
}


class FailingDeletes(MemoryKeyValue):
    def delete(self, *keys: str) -> int:
        raise ConnectionError("key-value store unreachable")


def make_deps(key_value=None) -> tuple[handlers.Deps, InMemoryUnitOfWork, list[str]]:
    woken: list[str] = []
    uow = InMemoryUnitOfWork(FakeProfilesStore(), after_commit=lambda: woken.append("relay"))
    deps = handlers.Deps(uow=uow, token_issuer=TokenIssuer(["k" * 32]), key_value=MemoryKeyValue() if key_value is None else key_value,
                         after_erasure=lambda: woken.append("after_erasure"))
    return deps, uow, woken


def worker(**over):
    return validate_worker({**copy.deepcopy(WORKER), **over})


def test_the_fake_store_offers_every_method_of_the_real_one():
    public = {name for name, member in vars(ProfilesStore).items() if not name.startswith("_") and callable(member)}
    assert public <= set(dir(FakeProfilesStore)), public - set(dir(FakeProfilesStore))
    for name in public:
        real = inspect.signature(getattr(ProfilesStore, name))
        fake = inspect.signature(getattr(FakeProfilesStore, name))
        assert list(real.parameters) == list(fake.parameters), name


def test_a_worker_creates_its_profile_in_one_commit_with_its_event_and_the_relay_is_woken():
    deps, uow, woken = make_deps()
    me = Principal(Role.worker, "w-abc")
    state, token = handlers.create_worker(deps, me, worker())
    assert (state.id, state.version, token) == ("w-abc", 1, None)
    assert uow.fake.workers["w-abc"].contact == {"phone": "13800000001", "email": "wjg@example.com"}
    assert [(e.type, e.subject, e.entityversion) for e in uow.published] == [("worker.upserted", "w-abc", 1)]
    assert "13800000001" not in uow.published[0].model_dump_json()  # contact data stays out of events
    assert (uow.commits, woken) == (1, ["relay"])


def test_a_second_create_is_refused_and_writes_nothing():
    deps, uow, woken = make_deps()
    me = Principal(Role.worker, "w-abc")
    handlers.create_worker(deps, me, worker())
    with pytest.raises(AlreadyExists):
        handlers.create_worker(deps, me, worker(name="李四"))
    assert uow.fake.workers["w-abc"].document["name"] == "王建国"
    assert len(uow.published) == 1 and uow.rollbacks == 1 and woken == ["relay"]


def test_a_stale_if_match_writes_nothing_and_a_current_one_writes_the_next_version():
    deps, uow, _ = make_deps()
    me = Principal(Role.worker, "w-abc")
    handlers.create_worker(deps, me, worker())
    with pytest.raises(StaleVersion):
        handlers.replace_worker(deps, me, "w-abc", worker(experience_years=3), if_match=7)
    assert uow.fake.workers["w-abc"].version == 1 and len(uow.published) == 1
    state = handlers.patch_worker(deps, me, "w-abc", {"experience_years": 3}, if_match=1)
    assert state.version == 2 and uow.fake.workers["w-abc"].document["experience_years"] == 3
    assert [e.entityversion for e in uow.published] == [1, 2]
    # the same document again is no change: no version, no event
    assert handlers.patch_worker(deps, me, "w-abc", {"experience_years": 3}, if_match=2).version == 2
    assert len(uow.published) == 2


def test_another_workers_profile_is_not_found_and_an_agency_sees_only_its_own():
    deps, uow, _ = make_deps()
    agency = Principal(Role.agency, "staff-1", org="org-a")
    state, token = handlers.create_worker(deps, agency, worker(agency_id="org-a"))
    assert token and uow.fake.workers[state.id].agency_id == "org-a"
    with pytest.raises(NotFound):
        handlers.get_worker(deps, Principal(Role.worker, "w-other"), state.id)
    with pytest.raises(NotFound):
        handlers.get_worker(deps, Principal(Role.agency, "staff-9", org="org-b"), state.id)
    page, more = handlers.list_workers(deps, agency, limit=10, after=None)
    assert [s.id for s in page] == [state.id] and more is None
    assert handlers.list_workers(deps, Principal(Role.agency, "staff-9", org="org-b"), limit=10, after=None) == ([], None)


def test_an_erasure_commits_the_erasure_and_a_person_who_comes_back_continues_above_it():
    deps, uow, woken = make_deps()
    me = Principal(Role.worker, "w-abc")
    handlers.create_worker(deps, me, worker())
    handlers.erase_worker(deps, me, "w-abc", if_match=None)
    assert "w-abc" not in uow.fake.workers and uow.fake.erased_version("w-abc") == 2
    assert [e.type for e in uow.published] == ["worker.upserted", "worker.erased"]
    assert woken == ["relay", "relay", "after_erasure"]
    state, _ = handlers.create_worker(deps, me, worker())
    assert state.version == 3


def test_an_erasure_whose_cached_answer_cannot_be_dropped_rolls_back():
    deps, uow, woken = make_deps(key_value=FailingDeletes())
    agency = Principal(Role.agency, "staff-1", org="org-a")
    state, _ = handlers.create_worker(deps, agency, worker(agency_id="org-a"), replay_key="idem:1")
    uow_store_before = copy.deepcopy(vars(uow.fake))
    with pytest.raises(Unavailable):
        handlers.erase_worker(deps, agency, state.id, if_match=None)
    assert vars(uow.fake) == uow_store_before  # the profile, its replay key, no erasure record
    assert [e.type for e in uow.published] == ["worker.upserted"] and woken == ["relay"]
