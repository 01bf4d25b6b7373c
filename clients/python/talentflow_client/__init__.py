"""talentflow-client: a typed Python SDK for the TalentFlow services, and the agency CLI.

- `TalentFlow` / `AsyncTalentFlow` (client.py): the four services behind one object, on httpx;
- `errors`: problem+json answers as typed exceptions naming the fields;
- `transport`: Idempotency-Key on every POST, retries on 429/503 honouring Retry-After;
- `webhooks`: a Standard Webhooks verifier for what notify sends;
- `events`: the AsyncAPI document's event models;
- `generated`: what openapi-python-client made of the OpenAPI documents (`make sdk`);
- `cli`: `talentflow import|jobs|export|invitations|webhooks` for agencies.
"""

from .client import DEFAULT_PORTS, SERVICES, AsyncTalentFlow, TalentFlow, default_urls, etag_of
from .errors import (
    ApiError, BadRequest, Conflict, FieldError, Forbidden, Gone, NotFound, PayloadTooLarge, PreconditionFailed,
    PreconditionRequired, RateLimited, ServerError, ServiceUnavailable, TalentFlowError, Unauthorized, Unreachable,
    UnsupportedMediaType, ValidationProblem,
)
from .transport import RetryPolicy
from .webhooks import WebhookMessage, WebhookVerificationError, WebhookVerifier

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_PORTS", "SERVICES", "ApiError", "AsyncTalentFlow", "BadRequest", "Conflict", "FieldError", "Forbidden",
    "Gone", "NotFound", "PayloadTooLarge", "PreconditionFailed", "PreconditionRequired", "RateLimited", "RetryPolicy",
    "ServerError", "ServiceUnavailable", "TalentFlow", "TalentFlowError", "Unauthorized", "Unreachable",
    "UnsupportedMediaType", "ValidationProblem", "WebhookMessage", "WebhookVerificationError", "WebhookVerifier",
    "default_urls", "etag_of",
]
