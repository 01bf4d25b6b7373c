"""httpx transports that make every call safe to retry: an `Idempotency-Key` on each POST, kept for
its retries, and retries with backoff on 429/503 that honour `Retry-After`.

They wrap any httpx transport, so the facade's calls and the generated operations (used directly
through `TalentFlow.raw(...)`) behave the same.

What is retried:
- 429 and 503 answers, waiting `Retry-After` (seconds or an HTTP date, capped at `max_wait_s`) or
  else an exponential backoff with jitter;
- a 409 that carries `Retry-After` on a request with an Idempotency-Key (the first request with that
  key is still running);
- a connection that could not be made (nothing was sent, so any method);
- a connection lost after sending, only for requests safe to repeat: GET/HEAD/PUT/DELETE/OPTIONS
  and POSTs/PATCHes with an Idempotency-Key (the server answers a repeat with the first answer).
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first included
    base_delay_s: float = 0.25
    max_delay_s: float = 8.0
    max_wait_s: float = 30.0  # the longest Retry-After honoured; a longer one ends the retries

    def backoff(self, attempt: int) -> float:
        """Full jitter: a random wait up to base × 2^(attempt-1), capped."""
        return random.uniform(0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))


def retry_after_s(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now())


def with_idempotency_key(request: httpx.Request) -> httpx.Request:
    if request.method == "POST" and "idempotency-key" not in request.headers:
        request.headers["Idempotency-Key"] = str(uuid.uuid4())
    return request


def _replayable(request: httpx.Request) -> bool:
    return request.method in IDEMPOTENT_METHODS or "idempotency-key" in request.headers


def _wait_for(response: httpx.Response, request: httpx.Request, attempt: int, policy: RetryPolicy) -> float | None:
    """How long to wait before the next try, or None when this answer is final."""
    if attempt >= policy.attempts:
        return None
    status = response.status_code
    hinted = retry_after_s(response.headers.get("retry-after"))
    if status == 409 and not (hinted is not None and "idempotency-key" in request.headers):
        return None
    if status not in RETRY_STATUSES and status != 409:
        return None
    if hinted is None:
        return policy.backoff(attempt)
    return hinted if hinted <= policy.max_wait_s else None


def _wait_after_error(exc: httpx.TransportError, request: httpx.Request, attempt: int, policy: RetryPolicy) -> float | None:
    if attempt >= policy.attempts:
        return None
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)) or _replayable(request):
        return policy.backoff(attempt)
    return None


class RetryingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport | None = None, policy: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.inner = inner or httpx.HTTPTransport()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with_idempotency_key(request)
        request.read()  # the body is sent again on a retry
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.inner.handle_request(request)
            except httpx.TransportError as exc:
                wait = _wait_after_error(exc, request, attempt, self.policy)
                if wait is None:
                    raise
                self.sleep(wait)
                continue
            wait = _wait_for(response, request, attempt, self.policy)
            if wait is None:
                return response
            response.read()
            response.close()
            self.sleep(wait)

    def close(self) -> None:
        self.inner.close()


class AsyncRetryingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport | None = None, policy: RetryPolicy | None = None,
                 sleep: Callable[[float], object] = asyncio.sleep):
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        with_idempotency_key(request)
        await request.aread()
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self.inner.handle_async_request(request)
            except httpx.TransportError as exc:
                wait = _wait_after_error(exc, request, attempt, self.policy)
                if wait is None:
                    raise
                await self.sleep(wait)
                continue
            wait = _wait_for(response, request, attempt, self.policy)
            if wait is None:
                return response
            await response.aread()
            await response.aclose()
            await self.sleep(wait)

    async def aclose(self) -> None:
        await self.inner.aclose()


__all__ = ["AsyncRetryingTransport", "RetryPolicy", "RetryingTransport", "retry_after_s", "with_idempotency_key"]
