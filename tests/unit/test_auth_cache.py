"""The verified-token cache of TokenIssuer (issue 15): a token checked once is answered from memory
until its `exp`, never after; a bad token never enters; another key's issuer does not share it."""

from __future__ import annotations

import time

import pytest

from services.common.auth import Role, TokenIssuer
from services.common.errors import Unauthenticated

pytestmark = pytest.mark.unit

KEY = "k" * 64


def test_a_verified_token_is_answered_from_memory_until_it_expires():
    issuer = TokenIssuer([KEY])
    token = issuer.issue(Role.agency, "staff-1", org="org-a", ttl_s=1)
    first = issuer.verify(token)
    assert issuer.verify(token) is first  # from the cache
    time.sleep(2.1)  # past its exp (whole seconds)
    with pytest.raises(Unauthenticated):
        issuer.verify(token)
    assert token not in issuer._verified


def test_bad_tokens_never_enter_and_the_cache_stays_bounded(monkeypatch):
    issuer = TokenIssuer([KEY])
    good = issuer.issue(Role.worker, "w-1")
    with pytest.raises(Unauthenticated):
        issuer.verify(good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1])
    with pytest.raises(Unauthenticated):
        TokenIssuer(["x" * 64]).verify(good)  # another installation's key
    assert issuer._verified == {}
    monkeypatch.setattr(TokenIssuer, "VERIFIED_CACHE_SIZE", 3)
    for n in range(7):
        issuer.verify(issuer.issue(Role.worker, f"w-{n}"))
        assert len(issuer._verified) <= 3
