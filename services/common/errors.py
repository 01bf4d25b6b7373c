"""Domain exceptions shared by the services, described in one place.

Services raise these (or their own subclasses); the HTTP kit turns each into RFC 9457
problem+json with the status given here. Nothing else in a service decides a status code.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str = "", *, errors: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.headers = headers or {}


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a rule; `errors` names the fields."""

    status, title, type_slug = 422, "Invalid input", "validation"

    @classmethod
    def field(cls, loc: str, msg: str) -> InvalidInput:
        return cls(f"{loc}: {msg}", errors=[{"field": loc, "message": msg, "type": "value_error"}])


class Unauthenticated(DomainError):
    status, title, type_slug = 401, "Authentication required", "unauthenticated"

    def __init__(self, detail: str = "", **kw):
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(DomainError):
    status, title, type_slug = 403, "Forbidden", "forbidden"


class NotFound(DomainError):
    status, title, type_slug = 404, "Not found", "not-found"


class Conflict(DomainError):
    status, title, type_slug = 409, "Conflict", "conflict"


class IllegalTransition(Conflict):
    title, type_slug = "Illegal state transition", "illegal-transition"


class StaleVersion(DomainError):
    status, title, type_slug = 412, "Precondition failed: stale version", "stale-version"


class PreconditionRequired(DomainError):
    status, title, type_slug = 428, "If-Match required", "precondition-required"


class PayloadTooLarge(DomainError):
    status, title, type_slug = 413, "Payload too large", "payload-too-large"


class RateLimited(DomainError):
    status, title, type_slug = 429, "Too many requests", "rate-limited"


class Unavailable(DomainError):
    """A dependency (store, log, index, another service) cannot be reached: retry later."""

    status, title, type_slug = 503, "Service unavailable", "unavailable"
