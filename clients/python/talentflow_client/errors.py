"""problem+json answers (RFC 9457) as typed exceptions, and what a caller cannot reach.

Every error a TalentFlow service answers is `application/problem+json` with `type`, `title`,
`status`, `detail`, and for invalid input an `errors` list naming each field
(`{"field": "body.skills.0.proficiency", "message": "...", "type": "..."}`). The SDK raises the
subclass of `ApiError` for the status, so callers write `except NotFound:` or read
`exc.errors[0].field`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx


class TalentFlowError(Exception):
    """Anything the SDK raises."""


class Unreachable(TalentFlowError):
    """No answer from the service (connection refused, DNS, time-out) after the retries."""

    def __init__(self, url: str, cause: BaseException):
        super().__init__(f"{url}: {type(cause).__name__}: {cause}")
        self.url = url
        self.cause = cause


@dataclass(frozen=True)
class FieldError:
    """One invalid field: `field` is a dotted path such as `body.skills.0.proficiency` or `query.limit`."""

    field: str
    message: str
    type: str | None = None

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ApiError(TalentFlowError):
    """An error answer. `status`, `title`, `detail`, `type` come from the problem document;
    `errors` names each invalid field (empty when the problem is not about fields)."""

    status: int = 0

    def __init__(self, status: int, problem: dict[str, Any], response: httpx.Response | None = None):
        self.status = status
        self.problem = problem
        self.response = response
        self.type: str = str(problem.get("type") or "about:blank")
        self.title: str = str(problem.get("title") or "")
        self.detail: str = str(problem.get("detail") or problem.get("title") or f"HTTP {status}")
        self.errors: list[FieldError] = [
            FieldError(str(e.get("field") or e.get("loc") or ""), str(e.get("message") or e.get("msg") or ""), e.get("type"))
            for e in (problem.get("errors") or []) if isinstance(e, dict)
        ]
        self.request_id: str | None = response.headers.get("x-request-id") if response is not None else None
        self.retry_after: str | None = response.headers.get("retry-after") if response is not None else None
        fields = f" [{'; '.join(str(e) for e in self.errors)}]" if self.errors else ""
        super().__init__(f"{status} {self.title}: {self.detail}{fields}")

    @property
    def fields(self) -> list[str]:
        """The names of the invalid fields, in the server's order."""
        return [e.field for e in self.errors]


class BadRequest(ApiError):
    status = 400


class ValidationProblem(ApiError):
    """422 (or a 400 naming fields): read `errors[i].field` and `errors[i].message`."""

    status = 422


class Unauthorized(ApiError):
    """401: no token, an expired or foreign one."""

    status = 401


class Forbidden(ApiError):
    """403: the token's role or org may not do this (or the worker's consent is missing)."""

    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    """409: the object's state forbids it, or the same Idempotency-Key is still running."""

    status = 409


class Gone(ApiError):
    status = 410


class PreconditionFailed(ApiError):
    """412: If-Match named a version that is no longer current: read it again, then retry."""

    status = 412


class PayloadTooLarge(ApiError):
    status = 413


class UnsupportedMediaType(ApiError):
    status = 415


class PreconditionRequired(ApiError):
    """428: this write needs If-Match (the ETag last read)."""

    status = 428


class RateLimited(ApiError):
    """429 after the retries: `retry_after` says when to come back."""

    status = 429


class ServerError(ApiError):
    status = 500


class ServiceUnavailable(ApiError):
    """503 after the retries: a dependency of the service is down."""

    status = 503


BY_STATUS: dict[int, type[ApiError]] = {
    cls.status: cls
    for cls in (BadRequest, ValidationProblem, Unauthorized, Forbidden, NotFound, Conflict, Gone, PreconditionFailed,
                PayloadTooLarge, UnsupportedMediaType, PreconditionRequired, RateLimited, ServerError, ServiceUnavailable)
}


def problem_of(response: httpx.Response) -> ApiError:
    """The typed exception for an error answer (its body read already)."""
    try:
        body = json.loads(response.content) if response.content else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    body.setdefault("status", response.status_code)
    body.setdefault("title", response.reason_phrase)
    if "detail" not in body and response.content and not body.get("errors"):
        body["detail"] = response.text[:300]
    status = response.status_code
    cls = BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else ApiError
    if status == 400 and body.get("errors"):
        cls = ValidationProblem
    return cls(status, body, response)


__all__ = [
    "ApiError", "BadRequest", "Conflict", "FieldError", "Forbidden", "Gone", "NotFound", "PayloadTooLarge",
    "PreconditionFailed", "PreconditionRequired", "RateLimited", "ServerError", "ServiceUnavailable",
    "TalentFlowError", "Unauthorized", "Unreachable", "UnsupportedMediaType", "ValidationProblem", "problem_of",
]
