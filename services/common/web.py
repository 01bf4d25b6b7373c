"""The HTTP kit every service uses (DESIGN §3).

- RFC 9457 problem+json for every error: validation names each field, a too-large body is 413,
  an unexpected error is a bare 500 with a request id and never a stack trace;
- bearer-token auth as a FastAPI dependency (`current_principal`);
- `Idempotency-Key` on POST: a retried request returns the first response;
- ETag / If-Match helpers, cursor pagination;
- `/healthz`, `/readyz`, `/metrics` (Prometheus), JSON logs with request ids and no bodies.
"""

from __future__ import annotations

import base64
import contextvars
import gc
import hashlib
import itertools
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import orjson
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.datastructures import Default
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.auth import Principal, Role, TokenIssuer
from services.common.errors import DomainError, InvalidInput, PreconditionRequired, StaleVersion
from services.common.openapi import IF_MATCH_MAX_CHARS, IF_MATCH_PATTERN, install_openapi
from services.common.ports import KeyValue

log = logging.getLogger("talentflow.http")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

PROBLEM = "application/problem+json"
PROBLEM_BASE = "https://talentflow.example/problems/"

HTTP_REQUESTS = Counter(
    "talentflow_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "talentflow_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


# --- JSON out ------------------------------------------------------------------------------------


class OrjsonResponse(JSONResponse):
    """The kit's JSON answer, encoded by orjson (about ten times json.dumps).

    Every service app has it as FastAPI's default response class, kept a *default* so that routes
    with a response model still take FastAPI's own path (pydantic straight to bytes) and this one
    encodes what has none: problems, dicts, ops answers.
    """

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


# --- problem+json ------------------------------------------------------------------------------


def problem(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (type_slug or str(status)),
        "title": title,
        "status": status,
        "detail": detail or title,
        "request_id": request_id_var.get(),
    }
    if errors is not None:
        body["errors"] = errors
    return OrjsonResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


# pydantic appends the member of a union that failed (`…experience_years.int`): not a field name.
_UNION_MEMBER = re.compile(r"^(int|float|str|bool|bytes|none|list\[.*\]|dict\[.*\]|function-\w+\[.*\]|constrained-\w+|.*\[.*\])$")


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    while len(parts) > 1 and _UNION_MEMBER.match(parts[-1]):
        parts.pop()
    if parts and parts[0] in ("body", "query", "path", "header"):
        where, rest = parts[0], parts[1:]
        return (where + "." + ".".join(rest)) if rest else where
    return ".".join(parts)


def validation_errors(exc_errors: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for err in exc_errors:
        out.append({"field": _field_name(err.get("loc", ())), "message": err.get("msg", "invalid"), "type": err.get("type", "value_error")})
    return out


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        errors = validation_errors(exc.errors())
        fields = ", ".join(e["field"] for e in errors[:5])
        return problem(422, "Invalid input", f"invalid fields: {fields}", type_slug="validation", errors=errors)

    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError):
        return problem(exc.status, exc.title, exc.detail, type_slug=exc.type_slug, errors=exc.errors, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request.app, request.scope))}
        return problem(exc.status_code, _reason(exc.status_code), str(exc.detail), headers=headers)


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """The methods of the resource this path is: every route with the path template of the first one
    that matched (the one Starlette chose). Starlette's own 405 names only that route's methods, while
    GET, PUT and DELETE of one resource are separate routes."""
    from fastapi import routing
    from starlette.routing import Match

    template: str | None = None
    methods: set[str] = set()
    for context in routing.iter_route_contexts(app.routes):
        route = getattr(context, "_effective_route", context)
        matches = getattr(route, "matches", None)
        path = getattr(context, "path", None)
        if matches is None or (template is not None and path != template):
            continue
        if matches(scope)[0] is not Match.NONE:
            template = path
            methods |= set(getattr(context, "methods", None) or ())
    return sorted(methods)



def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# --- auth --------------------------------------------------------------------------------------


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the verified caller, or 401 problem+json.

    `async` although it awaits nothing: FastAPI runs a plain `def` dependency in its thread pool,
    a hop (two thread switches and a queue) that costs more than checking the HS256 signature."""
    issuer: TokenIssuer = request.app.state.token_issuer
    principal = issuer.verify_header(request.headers.get("authorization"))
    request.state.principal = principal
    return principal


Caller = Depends(current_principal)


# --- ETag / If-Match ---------------------------------------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


# If-Match as this API reads it: the expression the OpenAPI documents give as the header's pattern.
_IF_MATCH = re.compile(IF_MATCH_PATTERN)
_VERSION_IN_TAG = re.compile(r"[0-9]{1,18}")


def parse_if_match(request: Request) -> int | None | str:
    """The version named by If-Match: an int, '*' for any, or None when the header is absent."""
    value = request.headers.get("if-match")
    if value is None:
        return None
    if len(value) > IF_MATCH_MAX_CHARS or not _IF_MATCH.fullmatch(value):
        raise InvalidInput.field("header.If-Match", "must be an ETag this API returned, like \"3\"")
    if value.strip(" \t") == "*":
        return "*"
    versions = [int(v) for v in _VERSION_IN_TAG.findall(value)]
    return versions[0] if len(versions) == 1 else max(versions)


def check_if_match(request: Request, current_version: int, *, required: bool = False) -> None:
    """412 when If-Match names another version; 428 when required and absent."""
    wanted = parse_if_match(request)
    if wanted is None:
        if required:
            raise PreconditionRequired("send If-Match with the ETag you last read")
        return
    if wanted != "*" and wanted != current_version:
        raise StaleVersion(f"the resource is at version {current_version}, not {wanted}; read it again")


# --- cursor pagination -------------------------------------------------------------------------

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(position: dict[str, Any]) -> str:
    raw = json.dumps(position, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# A cursor this API hands out is a small flat object; anything bigger or deeper was not made here.
MAX_CURSOR_CHARS = 2048
MAX_CURSOR_DEPTH = 4


def _nesting_depth(raw: bytes) -> int:
    """How deep JSON arrays/objects nest, counted before parsing (the parser recurses per level)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The position a cursor names; 422 problem naming `query.cursor` for anything this API did
    not hand out — bounded in size and nesting before any parsing, so a hostile one costs nothing."""
    if not cursor:
        return None
    bad = InvalidInput.field("query.cursor", "not a cursor this API returned")
    if len(cursor) > MAX_CURSOR_CHARS:
        raise bad
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        if _nesting_depth(raw) > MAX_CURSOR_DEPTH:
            raise ValueError
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise ValueError
        return value
    except (ValueError, UnicodeError, RecursionError, TypeError):
        raise bad from None


# --- idempotency -------------------------------------------------------------------------------


def _digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\x00")
    return h.hexdigest()


def idempotency_caller_prefix(role: Role | str, subject: str) -> str:
    """The start of every idempotency entry of one caller: erasing a person deletes this prefix."""
    role_name = role.value if isinstance(role, Role) else str(role)
    return "idem:" + _digest(role_name, subject)[:16] + ":"


def idempotency_cache_key(principal: Principal, path: str, key: bytes | str) -> str:
    """Where the first response to a POST with this Idempotency-Key is kept (erasure removes it).

    A key belongs to the caller — role, subject and org — not to the token string (DESIGN §3): two
    fresh tokens of one employer retrying with one key reach the same entry. Names are hashed, so
    the key-value store holds no ids in clear.
    """
    raw_key = key.encode("latin-1") if isinstance(key, str) else key
    # 70 characters in all: stores that record the key beside a row keep it in 80
    return idempotency_caller_prefix(principal.role, principal.subject) + _digest(
        principal.role.value, principal.subject, principal.org or "", path, raw_key
    )[:48]


def idempotency_replay_key(request: Request) -> str | None:
    """The cache entry of this POST's Idempotency-Key, for a route that records it beside the row
    it creates (so erasing the row erases the cached answer); None without a key or a caller."""
    idem = request.headers.get("idempotency-key")
    principal = getattr(request.state, "principal", None)
    if not idem or principal is None:
        return None
    return idempotency_cache_key(principal, request.scope["path"], idem.encode("latin-1"))


class IdempotencyMiddleware:
    """`Idempotency-Key` on POST: the first response is kept for a day and returned to retries.

    The key is scoped by the caller (role, subject, org) and the path; the entry lives in the
    service's key-value store (a SQLite file on the embedded run, Redis in scale-out), so it
    survives a restart and is shared by every process of the service. A retry with another body is
    422; a retry while the first is still running is 409. Responses of 5xx are not kept (a retry
    may succeed). A request without a valid token passes through untouched (the route answers 401).
    """

    def __init__(self, app: ASGIApp, kv_getter: Callable[[], KeyValue], ttl_s: float = 86400,
                 issuer_getter: Callable[[], TokenIssuer | None] = lambda: None, running_ttl_s: float = 60):
        self.app = app
        self.kv_getter = kv_getter
        self.issuer_getter = issuer_getter
        self.ttl_s = ttl_s
        self.running_ttl_s = running_ttl_s

    def _caller(self, authorization: bytes | None) -> Principal | None:
        issuer = self.issuer_getter()
        if issuer is None or not authorization:
            return None
        try:
            return issuer.verify_header(authorization.decode("latin-1"))
        except Exception:  # noqa: BLE001 — any refusal: the route itself answers 401
            return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or _is_streaming_upload(scope):
            # Bulk uploads are not buffered here (they can be hundreds of MiB); their job resource
            # is what a client polls and retries against.
            return await self.app(scope, receive, send)
        idem = authorization = None
        for name, value in scope["headers"]:  # one pass, no dict: most POSTs carry no key
            if name == b"idempotency-key":
                idem = value
            elif name == b"authorization":
                authorization = value
        if not idem:
            return await self.app(scope, receive, send)
        if len(idem) > 200:
            resp = problem(422, "Invalid input", "Idempotency-Key is too long", type_slug="validation",
                           errors=[{"field": "header.Idempotency-Key", "message": "at most 200 characters", "type": "value_error"}])
            return await resp(scope, receive, send)
        principal = self._caller(authorization)
        if principal is None:
            return await self.app(scope, receive, send)
        body_chunks = []
        more = True
        while more:
            message = await receive()
            body_chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(body_chunks)
        fingerprint = hashlib.sha256(body).hexdigest()
        kv = self.kv_getter()
        key = idempotency_cache_key(principal, scope["path"], idem)
        if not kv.set_if_absent(key, orjson.dumps({"state": "running", "fp": fingerprint}),
                                ttl_s=self.running_ttl_s):
            stored = orjson.loads(kv.get(key) or b"{}")
            if stored.get("fp") != fingerprint:
                resp = problem(422, "Invalid input", "this Idempotency-Key was used with another request body",
                               type_slug="idempotency-mismatch",
                               errors=[{"field": "header.Idempotency-Key", "message": "reused with a different body", "type": "value_error"}])
                return await resp(scope, receive, send)
            if stored.get("state") == "running":
                resp = problem(409, "Conflict", "the first request with this Idempotency-Key is still running",
                               type_slug="idempotency-in-progress", headers={"Retry-After": "1"})
                return await resp(scope, receive, send)
            replay_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored["headers"]]
            replay_headers.append((b"idempotent-replayed", b"true"))
            await send({"type": "http.response.start", "status": stored["status"], "headers": replay_headers})
            await send({"type": "http.response.body", "body": base64.b64decode(stored["body"])})
            return

        sent = False

        async def replay_receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        captured: dict[str, Any] = {"body": []}

        async def capture_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])]
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture_send)
        except BaseException:
            kv.delete(key)
            raise
        status = captured.get("status", 500)
        if status >= 500:
            kv.delete(key)
            return
        record = {
            "state": "done",
            "fp": fingerprint,
            "status": status,
            "headers": [h for h in captured.get("headers", []) if h[0].lower() not in ("content-length", "date", "server")]
            + [("content-length", str(sum(len(b) for b in captured["body"])))],
            "body": base64.b64encode(b"".join(captured["body"])).decode(),
        }
        kv.set(key, orjson.dumps(record), ttl_s=self.ttl_s)


# --- request id, logs, metrics, body limit -----------------------------------------------------


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line; carries the request id; messages never contain bodies."""

    _second: tuple[int, str] = (-1, "")

    def format(self, record: logging.LogRecord) -> str:
        second, text = self._second
        if int(record.created) != second:  # strftime once a second, not once a line
            second = int(record.created)
            text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._second = (second, text)  # one assignment: threads see a matching pair
        entry = {
            "ts": f"{text}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        for attr in ("service", "method", "path", "status", "duration_ms"):
            if hasattr(record, attr):
                entry[attr] = getattr(record, attr)
        if record.exc_info:
            entry["error"] = f"{record.exc_info[0].__name__}" if record.exc_info[0] else None
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonLogFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("kafka").setLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry URLs that may hold tokens


_RID_PREFIX = os.urandom(10).hex()  # per process: ids of two processes never meet
_rid_counter = itertools.count(1)


def _new_request_id() -> str:
    """32 hex characters, unique per process start and request; no system call per request."""
    return f"{_RID_PREFIX}{next(_rid_counter):012x}"


class RequestContextMiddleware:
    """Request id (from `X-Request-Id` or new), access log line, metrics, and the body size limit.

    Pure ASGI and cheap on purpose (issue 15): one pass over the headers, no body copy, the
    Prometheus children of each (method, route, status) looked up once and kept.
    """

    def __init__(self, app: ASGIApp, service: str, max_body_bytes: int):
        self.app = app
        self.service = service
        self.max_body_bytes = max_body_bytes
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._latencies: dict[tuple[str, str], Any] = {}

    def _observe(self, method: str, route_path: str, status: int, elapsed: float) -> None:
        counter = self._counters.get((method, route_path, status))
        if counter is None:
            counter = self._counters[(method, route_path, status)] = HTTP_REQUESTS.labels(
                self.service, method, route_path, str(status))
        latency = self._latencies.get((method, route_path))
        if latency is None:
            latency = self._latencies[(method, route_path)] = HTTP_LATENCY.labels(self.service, method, route_path)
        counter.inc()
        latency.observe(elapsed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = ""
        declared = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                rid = value.decode("latin-1")[:64]
            elif name == b"content-length":
                declared = value
        if not rid:
            rid = _new_request_id()
        rid_header = (b"x-request-id", rid.encode("latin-1"))
        token = request_id_var.set(rid)
        start = time.perf_counter()
        status = 500
        started = False
        too_large = False
        if declared is not None:
            try:
                too_large = int(declared) > self.max_body_bytes
            except ValueError:
                too_large = True
        try:
            if too_large:
                resp = problem(413, "Payload too large", f"the body is over {self.max_body_bytes} bytes", type_slug="payload-too-large")
                status = 413
                return await resp(scope, receive, send)
            received = 0
            limit = self.max_body_bytes

            async def limited_receive() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise _BodyTooLarge
                return message

            async def send_with_id(message: Message) -> None:
                nonlocal status, started
                if message["type"] == "http.response.start":
                    status = message["status"]
                    started = True
                    message["headers"] = [*message.get("headers", ()), rid_header]
                await send(message)

            try:
                await self.app(scope, limited_receive if not _is_streaming_upload(scope) else receive, send_with_id)
            except _BodyTooLarge:
                status = 413
                resp = problem(413, "Payload too large", f"the body is over {self.max_body_bytes} bytes", type_slug="payload-too-large")
                await resp(scope, receive, send)
            except Exception as exc:
                # Answer here rather than in Starlette's outer error middleware, so the 500 carries
                # the request id; only the exception's type is logged (messages may hold personal data).
                log.error("unhandled error %s", type(exc).__name__)
                if started:
                    raise
                status = 500
                resp = problem(500, "Internal server error", "an unexpected error occurred; quote the request id")
                await send_with_id_raw(resp, scope, receive, send, rid)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            route_path = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self._observe(method, route_path, status, elapsed)
            quiet = route_path in ("/healthz", "/readyz", "/metrics")  # probes would drown the log
            level = logging.DEBUG if quiet else logging.INFO
            if log.isEnabledFor(level):
                log.log(level, "%s %s %s", method, route_path, status,
                        extra={"service": self.service, "method": method, "path": route_path,
                               "status": status, "duration_ms": round(elapsed * 1000, 2)})
            request_id_var.reset(token)


class _BodyTooLarge(BaseException):
    """Raised from `receive` past the body limit. A BaseException, so FastAPI's body parsing (which
    turns any Exception into a 400) lets it through to the middleware that answers 413."""


async def send_with_id_raw(resp: Response, scope: Scope, receive: Receive, send: Send, rid: str) -> None:
    async def _send(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = list(message.get("headers", [])) + [(b"x-request-id", rid.encode())]
        await send(message)

    await resp(scope, receive, _send)


# Bulk imports stream bodies larger than the JSON limit; their handlers enforce their own limits.
STREAMING_UPLOAD_SUFFIXES = ("/import",)


def _is_streaming_upload(scope: Scope) -> bool:
    return scope["method"] == "POST" and scope["path"].endswith(STREAMING_UPLOAD_SUFFIXES)


# --- health, readiness, metrics ----------------------------------------------------------------


class PipelineCollector:
    """Prometheus families from the app's background loops (consumers, outbox relay, dispatchers):
    each loop with a `metric_samples()` reports its own samples, gathered here at scrape time.

    One registry per app, so two apps in one process (tests) never report each other's loops.
    """

    def __init__(self, service: str, sources: Callable[[], Iterable[Any]]):
        self.service = service
        self.sources = sources

    def collect(self) -> Iterable[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        families: dict[str, tuple[str, str, list[tuple[dict[str, str], float]]]] = {}
        for source in self.sources():
            report = getattr(source, "metric_samples", None)
            if report is None:
                continue
            try:
                samples = report()
            except Exception as exc:  # noqa: BLE001 — a store that is down must not take /metrics with it
                log.warning("metrics of %s unavailable (%s)", type(source).__name__, type(exc).__name__)
                continue
            for sample in samples:
                kind, _help, rows = families.setdefault(sample.name, (sample.kind, sample.help, []))
                rows.append(({**sample.labels, "service": self.service}, float(sample.value)))
        for name, (kind, help_text, rows) in families.items():
            label_names = sorted({key for labels, _ in rows for key in labels})
            family_type = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            family = family_type(name, help_text, labels=label_names)
            merged: dict[tuple[str, ...], float] = {}
            for labels, value in rows:  # two loops of one kind (e.g. two consumers of one group) add up
                key = tuple(labels.get(n, "") for n in label_names)
                merged[key] = merged.get(key, 0.0) + value
            for key, value in merged.items():
                family.add_metric(list(key), value)
            yield family


def pipeline_causes(sources: Iterable[Any]) -> list[str]:
    """What the background loops say is wrong (a consumer stuck or dead, a relay thread gone)."""
    causes = []
    for source in sources:
        health = getattr(source, "health", None)
        if health is None:
            continue
        try:
            cause = health()
        except Exception as exc:  # noqa: BLE001
            cause = f"{type(source).__name__}: health check failed ({type(exc).__name__})"
        if cause:
            causes.append(cause)
    return causes


class Health(BaseModel):
    status: Literal["ok"]
    service: str


class Readiness(BaseModel):
    status: Literal["ready", "unready"]
    service: str
    checks: dict[str, bool] = Field(description="each store, log and index: reachable or not")
    pipeline: Literal["ok", "stuck"]
    causes: list[str] | None = Field(None, description="what is wrong, when unready")


def ops_router(service: str, checks: dict[str, Callable[[], bool]],
               workers: Callable[[], Iterable[Any]] = lambda: ()) -> APIRouter:
    router = APIRouter(tags=["operations"])
    pipeline = CollectorRegistry(auto_describe=False)
    pipeline.register(PipelineCollector(service, workers))

    @router.get("/healthz", operation_id=f"{service}_healthz", response_model=Health)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @router.get("/readyz", operation_id=f"{service}_readyz", response_model=Readiness,
                responses={503: {"model": Readiness, "description": "a store, log or index is unreachable, or a loop is stuck"}})
    def readyz() -> Response:
        results = {}
        for name, check in checks.items():
            try:
                results[name] = bool(check())
            except Exception:
                results[name] = False
        # Reachable engines are not enough: a consumer stuck on its lag, or a loop whose thread died,
        # makes the service unready too, and the answer says which.
        stuck = pipeline_causes(workers())
        causes = [f"{name} unreachable" for name, ok in results.items() if not ok] + stuck
        ready = not causes
        body: dict[str, Any] = {"status": "ready" if ready else "unready", "service": service, "checks": results,
                                "pipeline": "ok" if not stuck else "stuck"}
        if causes:
            body["causes"] = causes
        return OrjsonResponse(body, status_code=200 if ready else 503)

    @router.get("/metrics", operation_id=f"{service}_metrics", response_class=Response,
                responses={200: {"description": "Prometheus text exposition format",
                                 "content": {"text/plain": {"schema": {"type": "string"}}}}})
    def metrics() -> Response:
        return Response(generate_latest() + generate_latest(pipeline), media_type=CONTENT_TYPE_LATEST)

    return router


class Worker:
    """Anything with start/stop that runs beside the HTTP API (outbox relay, consumers, schedulers)."""

    def start(self) -> None: ...

    def stop(self, timeout_s: float = 5.0) -> None: ...


def _telemetry() -> dict[str, bool]:
    """FastAPI's OpenTelemetry hooks: off unless an exporter is configured. The kit has its own
    metrics and logs, and FastAPI otherwise asks the OTel globals on every request (~7 µs)."""
    exporting = bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")) or \
        os.environ.get("FASTAPI_OTEL_AUTO_CONFIGURE", "").lower() == "true"
    return {} if exporting else {"tracing": False, "metrics": False, "logs": False}


def create_service_app(
    *,
    service: str,
    title: str,
    version: str,
    token_issuer: TokenIssuer,
    key_value: KeyValue,
    routers: Sequence[APIRouter],
    checks: dict[str, Callable[[], bool]],
    workers: Sequence[Any] = (),
    run_workers: bool = True,
    max_body_bytes: int = 2 * 1024 * 1024,
    on_shutdown: Sequence[Callable[[], None]] = (),
    description: str = "",
) -> FastAPI:
    """The FastAPI app of one service: kit middleware, problem handlers, ops routes, and workers.

    Workers start with the app's lifespan when `run_workers` (the embedded run); in scale-out they
    run in their own process (`talentflow work SERVICE`).
    """
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if run_workers:
            for w in workers:
                w.start()
        # Everything built at start (schemas, dictionaries, caches) lives for the whole process: move
        # it out of the collector's view so full collections don't stall requests for tens of ms.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            for w in reversed(list(workers)):
                try:
                    w.stop()
                except Exception:
                    log.exception("stopping a worker failed")
            for fn in on_shutdown:
                try:
                    fn()
                except Exception:
                    log.exception("shutdown hook failed")

    app = FastAPI(title=title, version=version, lifespan=lifespan, description=description,
                  generate_unique_id_function=lambda route: route.name,
                  # /docs is served below from assets shipped in the package (DESIGN §3: closed networks)
                  docs_url=None, redoc_url=None,
                  # a default, so routes with a response model keep pydantic's own bytes path
                  default_response_class=Default(OrjsonResponse),
                  telemetry=_telemetry())
    app.state.service = service
    app.state.token_issuer = token_issuer
    app.state.key_value = key_value
    # The service's background loops (services/common/loops.py); `workers` is the older name.
    app.state.loops = app.state.workers = list(workers)
    install_problem_handlers(app)
    for router in routers:
        app.include_router(router)
    app.include_router(ops_router(service, checks, lambda: app.state.workers))
    install_offline_docs(app)
    install_openapi(app)
    # Outermost first: request context (ids, limits, metrics) wraps idempotency, which wraps routes.
    app.add_middleware(IdempotencyMiddleware, kv_getter=lambda: app.state.key_value,
                       issuer_getter=lambda: app.state.token_issuer)
    app.add_middleware(RequestContextMiddleware, service=service, max_body_bytes=max_body_bytes)
    return app


def install_offline_docs(app: FastAPI) -> None:
    """Swagger UI at `/docs` and ReDoc at `/redoc` from the files the `fastapi-standalone-docs`
    package ships (Swagger UI 5, which reads OpenAPI 3.1, and `redoc.standalone.js`; MIT and Apache
    licences beside them, served under /docs/assets/): no outside host is asked, so both pages work
    on a closed network (FastAPI's defaults load them, and ReDoc's fonts, from public CDNs)."""
    import fastapi_standalone_docs
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from starlette.staticfiles import StaticFiles

    assets = Path(fastapi_standalone_docs.__file__).parent / "static"
    app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")
    favicon = "/docs/assets/fastapi/favicon.png"

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> Response:
        return get_redoc_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            redoc_js_url="/docs/assets/redoc/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> Response:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            swagger_js_url="/docs/assets/swagger/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger/swagger-ui.css",
            swagger_favicon_url=favicon,
        )
