"""Bearer tokens (DESIGN §3): signed JWTs carrying a role, a subject, an org and whom an agency acts for.

Roles: `worker` (subject = worker id), `employer` (org owns its postings), `agency` (acts for the
workers whose agency_id is its org and for the employer orgs it lists in `acts_for`), `admin`, and
`service` (one service calling another's public API, e.g. jobs reading contact data after the
handshake). A worker token an agency mints for a worker it manages carries an RFC 8693 `act`
claim naming the agency org (`{"sub": org}`): it is the worker's token, but what it says on the
worker's behalf (consent to share contact data) counts as the agency's. Tokens are HS256-signed; verification accepts the current key and previous ones, so a
key can be rotated without logging everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

import jwt
import orjson

from services.common.errors import Forbidden, Unauthenticated

ISSUER = "talentflow"


class Role(StrEnum):
    worker = "worker"
    employer = "employer"
    agency = "agency"
    admin = "admin"
    service = "service"


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    subject: str
    org: str | None = None
    acts_for: tuple[str, ...] = field(default_factory=tuple)
    # RFC 8693 `act`: the agency org that minted this worker token and acts through it (None: the person)
    actor: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def may_act_for_org(self, org_id: str) -> bool:
        """An employer for its own org, an agency for the orgs it lists, an admin for any."""
        if self.role is Role.admin:
            return True
        if self.role is Role.employer:
            return self.org == org_id
        if self.role is Role.agency:
            return org_id in self.acts_for or self.org == org_id
        return False

    def may_manage_worker(self, worker_id: str, agency_id: str | None) -> bool:
        """The worker itself, its managing agency (or one listing it in acts_for), or an admin."""
        if self.role is Role.admin:
            return True
        if self.role is Role.worker:
            return self.subject == worker_id
        if self.role is Role.agency:
            return (agency_id is not None and agency_id == self.org) or worker_id in self.acts_for
        return False

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"role {self.role.value} may not do this")


def _b64url(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


_JWT_HEADER = _b64url(b'{"alg":"HS256","typ":"JWT"}')


class TokenIssuer:
    def __init__(self, keys: list[str], ttl_s: int = 30 * 86400):
        if not keys:
            raise ValueError("at least one signing key is required")
        self.keys = keys
        self.ttl_s = ttl_s
        # Tokens this process verified, until their `exp`: an HS256 check and the claim checks cost
        # ~50 µs a request, a dict lookup ~1 µs (issue 15). Only good tokens enter; bounded.
        self._verified: dict[str, tuple[Principal, float]] = {}

    def issue(
        self,
        role: Role | str,
        subject: str,
        org: str | None = None,
        acts_for: list[str] | tuple[str, ...] = (),
        ttl_s: int | None = None,
        actor: str | None = None,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": subject,
            "role": Role(role).value,
            "iat": now,
            "exp": now + (ttl_s or self.ttl_s),
            "jti": uuid.uuid4().hex,
        }
        if org:
            claims["org"] = org
        if acts_for:
            claims["acts_for"] = list(acts_for)
        if actor:
            claims["act"] = {"sub": actor}
        # HS256 by hand (RFC 7519 compact form, as jwt.encode writes it): a third of its cost, and
        # every profile an agency creates issues one; pyjwt still checks every token it is shown
        signing_input = _JWT_HEADER + b"." + _b64url(orjson.dumps(claims))
        signature = hmac.new(self.keys[0].encode(), signing_input, hashlib.sha256).digest()
        return (signing_input + b"." + _b64url(signature)).decode("ascii")

    VERIFIED_CACHE_SIZE = 4096

    def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            if time.time() < known[1]:
                return known[0]
            self._verified.pop(token, None)  # expired since: jwt.decode below says so
        principal, expires = self._verify(token)
        if len(self._verified) >= self.VERIFIED_CACHE_SIZE:
            self._verified.clear()
        self._verified[token] = (principal, expires)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        last_error: Exception | None = None
        for key in self.keys:
            try:
                claims = jwt.decode(
                    token, key, algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub", "iss"]}
                )
                break
            except jwt.InvalidSignatureError as exc:
                last_error = exc
                continue
            except jwt.PyJWTError as exc:
                raise Unauthenticated(f"invalid token: {exc}") from None
        else:
            raise Unauthenticated(
                "invalid token: it was signed by another key than this service's (a token from another"
                " installation, or one issued before TALENTFLOW_SIGNING_KEY or the data folder's signing.key"
                " changed); issue a new one with `talentflow token`"
            ) from None
        try:
            role = Role(claims.get("role"))
        except ValueError:
            raise Unauthenticated("invalid token: unknown role") from None
        acts_for = claims.get("acts_for") or []
        if not isinstance(acts_for, list) or not all(isinstance(a, str) for a in acts_for):
            raise Unauthenticated("invalid token: acts_for must be a list of ids")
        act = claims.get("act")
        if act is not None and not (isinstance(act, dict) and isinstance(act.get("sub"), str) and act["sub"]):
            raise Unauthenticated("invalid token: act must be an object with the acting party's sub")
        return Principal(role=role, subject=str(claims["sub"]), org=claims.get("org"), acts_for=tuple(acts_for),
                         actor=act["sub"] if act else None), float(claims["exp"])

    def verify_header(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthenticated("missing Authorization: Bearer <token>")
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Authorization must be 'Bearer <token>'")
        return self.verify(token.strip())
