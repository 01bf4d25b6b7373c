"""The erasure kit: cached first answers that name a person go with the person, and nothing else does."""

from __future__ import annotations

import pytest

from services.common.adapters.kv_memory import MemoryKeyValue
from services.common.auth import Principal, Role
from services.common.erasure import forget_replays_naming, remember_replay_naming
from services.common.web import idempotency_cache_key

pytestmark = pytest.mark.unit


def test_noted_answers_and_the_persons_own_go_and_the_others_stay() -> None:
    kv = MemoryKeyValue()
    employer = Principal(role=Role.employer, subject="hr-1", org="org-1")
    worker = Principal(role=Role.worker, subject="w-1")
    invitation = idempotency_cache_key(employer, "/v1/postings/p-1/invitations", "inv-1")  # names w-1
    other_invitation = idempotency_cache_key(employer, "/v1/postings/p-1/invitations", "inv-2")  # names w-2
    application = idempotency_cache_key(worker, "/v1/postings/p-1/applications", "apply-1")  # w-1's own
    for key in (invitation, other_invitation, application):
        kv.set(key, b"cached answer", ttl_s=60)
    remember_replay_naming(kv, "w-1", invitation)
    remember_replay_naming(kv, "w-1", invitation)  # noted once
    remember_replay_naming(kv, "w-2", other_invitation)
    remember_replay_naming(kv, "w-1", None)  # a POST without Idempotency-Key: nothing to note

    assert forget_replays_naming(kv, "w-1") == 2
    assert kv.get(invitation) is None and kv.get(application) is None
    assert kv.get(other_invitation) == b"cached answer"  # the employer's other retries still work
    assert forget_replays_naming(kv, "w-1") == 0  # a replayed erasure finds nothing more
    assert forget_replays_naming(None, "w-1") == 0
