"""The RFC 8693 `act` claim on a worker token an agency minted: carried, read back, checked."""

from __future__ import annotations

import time

import jwt
import pytest

from services.common.auth import ISSUER, Role, TokenIssuer
from services.common.errors import Unauthenticated

pytestmark = pytest.mark.unit

KEY = "k" * 40
ISSUER_ = TokenIssuer([KEY])


def test_an_agency_minted_worker_token_names_the_agency_and_the_persons_own_names_nobody():
    minted = ISSUER_.issue(Role.worker, "w-1", actor="agency-x")
    assert jwt.decode(minted, KEY, algorithms=["HS256"], issuer=ISSUER)["act"] == {"sub": "agency-x"}
    principal = ISSUER_.verify(minted)
    assert (principal.role, principal.subject, principal.actor) == (Role.worker, "w-1", "agency-x")
    own = ISSUER_.verify(ISSUER_.issue(Role.worker, "w-1"))
    assert own.actor is None and "act" not in jwt.decode(ISSUER_.issue(Role.worker, "w-1"), KEY, algorithms=["HS256"],
                                                          issuer=ISSUER)


@pytest.mark.parametrize("act", ["agency-x", {"sub": ""}, {"sub": 7}, {"org": "agency-x"}, ["agency-x"]])
def test_a_malformed_act_claim_is_401(act):
    now = int(time.time())
    token = jwt.encode({"iss": ISSUER, "sub": "w-1", "role": "worker", "iat": now, "exp": now + 60, "act": act},
                       KEY, algorithm="HS256")
    with pytest.raises(Unauthenticated) as caught:
        ISSUER_.verify(token)
    assert "act" in caught.value.detail
