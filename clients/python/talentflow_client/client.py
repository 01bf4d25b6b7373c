"""`TalentFlow` and `AsyncTalentFlow`: one object for the four services, over the generated layer.

    from talentflow_client import TalentFlow, NotFound

    with TalentFlow(token=os.environ["TALENTFLOW_TOKEN"]) as tf:          # the embedded ports 8001-8004
        created = tf.workers.create({"name": "王建国", "region": "150602", ...})
        for worker in tf.workers.iter(region="1506"):                      # every page, by cursor
            print(worker.id, worker.name)

Each call is one generated operation (named by its OpenAPI operation id, see `generated/manifest.json`)
sent through the retrying transport: a POST gets an `Idempotency-Key` (yours, or a new one kept for
its retries), 429/503 are retried honouring `Retry-After`, and an error answer is raised as the
typed exception of `talentflow_client.errors`. Answers are the generated attrs models
(`worker.to_dict()` gives the JSON). What the generator cannot express (the CSV/JSONL import) is
written here by hand. `raw(service)` hands out the generated client for any other operation.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import json
import os
import time
import types
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .errors import TalentFlowError, Unreachable, problem_of
from .transport import AsyncRetryingTransport, RetryingTransport, RetryPolicy

if TYPE_CHECKING:  # the generated models the facade answers with (names checked by tests/sdk/test_sdk_drift.py)
    from .generated.jobs.models import Application, Invitation, PageApplication, PageInvitation, PagePosting, Posting
    from .generated.matching.models import PostingRanking, WorkerRanking
    from .generated.notify.models import (
        DeliveryOut, NotificationOut, PageDeliveryOut, PageNotificationOut, PageSubscriptionOut, SubscriptionOut,
        SubscriptionWithSecret,
    )
    from .generated.profiles.models import ImportJobView, ImportResult, Worker, WorkerCreated, WorkerPage, WorkerToken

SERVICES = ("profiles", "jobs", "matching", "notify")
DEFAULT_PORTS = {"profiles": 8001, "jobs": 8002, "matching": 8003, "notify": 8004}
MANIFEST = Path(__file__).with_name("generated") / "manifest.json"
USER_AGENT = "talentflow-client/0.1"
IMPORT_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


def default_urls(host: str = "127.0.0.1") -> dict[str, str]:
    """The services' URLs from TALENTFLOW_<SERVICE>_URL, else the embedded run's ports."""
    return {s: os.environ.get(f"TALENTFLOW_{s.upper()}_URL") or f"http://{host}:{port}" for s, port in DEFAULT_PORTS.items()}


@functools.cache
def _manifest() -> dict[str, Any]:
    return json.loads(MANIFEST.read_text())


@functools.cache
def operation(operation_id: str) -> types.ModuleType:
    """The generated module of an operation id (`create_worker` → generated/profiles/api/profiles/create_worker.py)."""
    try:
        dotted = _manifest()["operations"][operation_id]
    except KeyError:
        raise TalentFlowError(f"no operation {operation_id!r} in this SDK's OpenAPI documents (run `make sdk`?)") from None
    return importlib.import_module(f"{__package__}.generated.{dotted}")


def service_of(operation_id: str) -> str:
    return _manifest()["operations"][operation_id].split(".", 1)[0]


class _Json:
    """A plain dict where the generated code expects a model (it calls `.to_dict()`)."""

    def __init__(self, data: Mapping[str, Any]):
        self.data = dict(data)

    def to_dict(self) -> dict[str, Any]:
        return self.data


_PARSING = types.SimpleNamespace(raise_on_unexpected_status=False)
_HEADER_ARGS = (("idempotency_key", "Idempotency-Key"), ("if_match", "If-Match"), ("if_none_match", "If-None-Match"))


def _page_cursor(page: Any) -> str | None:
    cursor = page.get("next_cursor") if isinstance(page, dict) else getattr(page, "next_cursor", None)
    return cursor if isinstance(cursor, str) and cursor else None


def _page_items(page: Any) -> list[Any]:
    items = page.get("items") if isinstance(page, dict) else getattr(page, "items", None)
    return list(items or [])


def etag_of(version: int | str) -> str:
    """If-Match value for a version read earlier (`worker.version`) or an ETag as the server sent it."""
    return f'"{version}"' if isinstance(version, int) else version


class BearerToken(httpx.Auth):
    """`Authorization: Bearer …` on every request. A token string is sent as is; a callable is asked
    for the token on each request (a token that rotates, from a vault or a refresh flow) and asked
    once more, and the request sent again, when the service answers 401."""

    def __init__(self, token: str | Callable[[], str]):
        self.token = token

    def _current(self) -> str:
        return self.token() if callable(self.token) else self.token

    def auth_flow(self, request: httpx.Request):
        request.headers["Authorization"] = f"Bearer {self._current()}"
        response = yield request
        if response.status_code == 401 and callable(self.token):
            request.headers["Authorization"] = f"Bearer {self._current()}"
            yield request


class _Core:
    """What the sync and async clients share: URLs, headers, turning a call into a request and an answer into a result."""

    def __init__(self, token: str | Callable[[], str] | None, base_urls: Mapping[str, str] | None,
                 gateway: str | None, language: str | None):
        if gateway and base_urls:
            raise ValueError("give base_urls or gateway, not both")
        urls = default_urls()
        if base_urls:
            unknown = set(base_urls) - set(SERVICES)
            if unknown:
                raise ValueError(f"unknown services in base_urls: {sorted(unknown)}; known: {', '.join(SERVICES)}")
            urls.update(base_urls)
        if gateway:
            urls = dict.fromkeys(SERVICES, gateway)
        self.urls = {s: u.rstrip("/") for s, u in urls.items()}
        token = token if token is not None else os.environ.get("TALENTFLOW_TOKEN")
        self.auth = BearerToken(token) if token else None
        self.token = token if isinstance(token, str) else None
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json, application/problem+json"}
        if language:
            self.headers["Accept-Language"] = language

    def prepare(self, operation_id: str, args: dict[str, Any], body: Any = None, **header_values: Any):
        module = operation(operation_id)
        accepted = inspect.signature(module._get_kwargs).parameters
        call = {k: v for k, v in args.items() if v is not None}
        if body is not None:
            call["body"] = body if hasattr(body, "to_dict") else _Json(body)
        extra: dict[str, str] = {}
        for name, header in _HEADER_ARGS:
            value = header_values.get(name)
            if value is None:
                continue
            value = etag_of(value) if name != "idempotency_key" else str(value)
            if name in accepted:  # the document declares the header: the generated code sets it
                call[name] = value
            else:
                extra[header] = value
        unknown = set(call) - set(accepted)
        if unknown:
            raise TypeError(f"{operation_id} takes no {', '.join(sorted(unknown))}; it takes {', '.join(accepted)}")
        request = module._get_kwargs(**call)
        headers = {**request.get("headers", {}), **extra}
        if "json" in request:
            # an optional body is a union in the generated code: a dict goes through untouched, and
            # no body (the generator's UNSET) is sent as none
            if isinstance(request["json"], _Json):
                request["json"] = request["json"].data
            elif request["json"] is None or type(request["json"]).__name__ == "Unset":
                del request["json"]
                headers.pop("Content-Type", None)
        request["headers"] = headers
        return module, service_of(operation_id), request

    @staticmethod
    def result(module: types.ModuleType, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise problem_of(response)
        parsed = module._parse_response(client=_PARSING, response=response)
        if parsed is None and response.content and "json" in response.headers.get("content-type", ""):
            return response.json()
        return parsed

    def import_request(self, data: bytes | str | os.PathLike[str], format: str | None,
                       idempotency_key: str | None) -> tuple[bytes, dict[str, str]]:
        if isinstance(data, (str, os.PathLike)) and not (isinstance(data, str) and "\n" in data):
            path = Path(data)
            content = path.read_bytes()
            format = format or ("jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "csv")
        else:
            content = data.encode() if isinstance(data, str) else bytes(data)
        if format not in IMPORT_TYPES:
            raise ValueError(f"format must be one of {', '.join(IMPORT_TYPES)} (got {format!r})")
        headers = {"Content-Type": IMPORT_TYPES[format]}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return content, headers


def _import_job(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise problem_of(response)
    return operation("get_import_job").ImportJobView.from_dict(response.json())


# --- resources: one class per area, shared by both clients ------------------------------------------
# A method returns what `_call` returns: the answer for the sync client, an awaitable for the async one.


class _Resource:
    def __init__(self, client: TalentFlow | AsyncTalentFlow):
        self._client = client

    def _call(self, operation_id: str, body: Any = None, **args: Any) -> Any:
        headers = {k: args.pop(k) for k, _ in _HEADER_ARGS if k in args}
        return self._client.call(operation_id, body=body, headers=headers, **args)


class Workers(_Resource):
    """Profiles (`profiles` service): an agency's or admin's workers, their import, their tokens."""

    def create(self, worker: Mapping[str, Any] | Any, *, idempotency_key: str | None = None) -> WorkerCreated:
        return self._call("create_worker", worker, idempotency_key=idempotency_key)

    def get(self, worker_id: str) -> Worker:
        return self._call("get_worker", worker_id=worker_id)

    def list(self, *, limit: int | None = None, cursor: str | None = None, **filters: Any) -> WorkerPage:
        """One page: `.items` and `.next_cursor`. Filters: status, region, occupation, level, min_level, agency_id."""
        return self._call("list_workers", limit=limit, cursor=cursor, **filters)

    def iter(self, *, page_size: int | None = None, **filters: Any) -> Iterator[Worker]:
        """Every item, page after page (the cursor is followed); `async for` on the async client."""
        return self._client.iterate("list_workers", page_size=page_size, **filters)

    def replace(self, worker_id: str, worker: Mapping[str, Any] | Any, *, if_match: int | str | None = None) -> Worker:
        return self._call("replace_worker", worker, worker_id=worker_id, if_match=if_match)

    def patch(self, worker_id: str, changes: Mapping[str, Any], *, if_match: int | str | None = None) -> Worker:
        return self._call("patch_worker", changes, worker_id=worker_id, if_match=if_match)

    def delete(self, worker_id: str, *, if_match: int | str | None = None) -> None:
        """Erase the person everywhere (PIPL/GDPR)."""
        return self._call("erase_worker", worker_id=worker_id, if_match=if_match)

    def token(self, worker_id: str) -> WorkerToken:
        """A token for the person, handed over by their agency."""
        return self._call("issue_worker_token", worker_id=worker_id)

    def import_job(self, job_id: str, *, limit: int | None = None, cursor: str | None = None,
                   outcome: str | None = None) -> ImportJobView:
        """An import's status and counts, with one page of per-row results (`.results`)."""
        return self._call("get_import_job", job_id=job_id, limit=limit, cursor=cursor, outcome=outcome)


class Postings(_Resource):
    def create(self, posting: Mapping[str, Any] | Any, *, idempotency_key: str | None = None) -> Posting:
        return self._call("create_posting", posting, idempotency_key=idempotency_key)

    def get(self, posting_id: str) -> Posting:
        return self._call("get_posting", posting_id=posting_id)

    def list(self, *, limit: int | None = None, cursor: str | None = None, **filters: Any) -> PagePosting:
        """Filters: org_id, status, kind, region, occupation."""
        return self._call("list_postings", limit=limit, cursor=cursor, **filters)

    def iter(self, *, page_size: int | None = None, **filters: Any) -> Iterator[Posting]:
        """Every item, page after page (the cursor is followed); `async for` on the async client."""
        return self._client.iterate("list_postings", page_size=page_size, **filters)

    def patch(self, posting_id: str, changes: Mapping[str, Any], *, if_match: int | str | None = None) -> Posting:
        return self._call("patch_posting", changes, posting_id=posting_id, if_match=if_match)

    def close(self, posting_id: str, reason: str = "filled", *, idempotency_key: str | None = None) -> Posting:
        return self._call("close_posting", {"reason": reason}, posting_id=posting_id, idempotency_key=idempotency_key)

    def invite(self, posting_id: str, worker_id: str, message: str | None = None, *,
               idempotency_key: str | None = None) -> Invitation:
        body = {"worker_id": worker_id, **({"message": message} if message else {})}
        return self._call("invite_worker", body, posting_id=posting_id, idempotency_key=idempotency_key)

    def candidates(self, posting_id: str, *, limit: int | None = None, min_score: float | None = None) -> WorkerRanking:
        """Workers ranked for the posting (matching), personal data masked, each with its explanation."""
        return self._call("posting_candidates", posting_id=posting_id, limit=limit, min_score=min_score)


class Invitations(_Resource):
    """Invitations to the workers an agency manages (a worker's own, with a worker token)."""

    def list(self, *, limit: int | None = None, cursor: str | None = None, **filters: Any) -> PageInvitation:
        """Filters: worker_id, status (`pending`, `accepted`, `declined`, `expired`)."""
        return self._call("list_my_invitations", limit=limit, cursor=cursor, **filters)

    def iter(self, *, page_size: int | None = None, **filters: Any) -> Iterator[Invitation]:
        """Every item, page after page (the cursor is followed); `async for` on the async client."""
        return self._client.iterate("list_my_invitations", page_size=page_size, **filters)

    def get(self, invitation_id: str) -> Invitation:
        return self._call("get_invitation", invitation_id=invitation_id)

    def accept(self, invitation_id: str, *, share_contact: bool | None = None, message: str | None = None,
               idempotency_key: str | None = None) -> Invitation:
        body = {k: v for k, v in (("share_contact", share_contact), ("message", message)) if v is not None}
        return self._call("accept_invitation", body or None, invitation_id=invitation_id, idempotency_key=idempotency_key)

    def decline(self, invitation_id: str, *, idempotency_key: str | None = None) -> Invitation:
        return self._call("decline_invitation", invitation_id=invitation_id, idempotency_key=idempotency_key)


class Applications(_Resource):
    def list(self, *, limit: int | None = None, cursor: str | None = None, **filters: Any) -> PageApplication:
        return self._call("list_my_applications", limit=limit, cursor=cursor, **filters)


    def iter(self, *, page_size: int | None = None, **filters: Any) -> Iterator[Application]:
        """Every item, page after page (the cursor is followed); `async for` on the async client."""
        return self._client.iterate("list_my_applications", page_size=page_size, **filters)

class Matching(_Resource):
    def recommendations(self, worker_id: str, *, limit: int | None = None, kind: str | None = None) -> PostingRanking:
        return self._call("worker_recommendations", worker_id=worker_id, limit=limit, kind=kind)

    def search_workers(self, query: Mapping[str, Any]) -> WorkerRanking:
        return self._call("search_workers", query)

    def search_postings(self, query: Mapping[str, Any]) -> PostingRanking:
        return self._call("search_postings", query)


class Inbox(_Resource):
    def list(self, *, limit: int | None = None, cursor: str | None = None, **filters: Any) -> PageNotificationOut:
        """Filters: unread, worker_id (a managed worker's inbox)."""
        return self._call("list_inbox", limit=limit, cursor=cursor, **filters)

    def iter(self, *, page_size: int | None = None, **filters: Any) -> Iterator[NotificationOut]:
        """Every item, page after page (the cursor is followed); `async for` on the async client."""
        return self._client.iterate("list_inbox", page_size=page_size, **filters)

    def read(self, notification_id: str, *, worker_id: str | None = None) -> NotificationOut:
        return self._call("mark_notification_read", notification_id=notification_id, worker_id=worker_id)


class Subscriptions(_Resource):
    """Webhooks (notify): the answer to `create` carries the signing `secret` once."""

    def create(self, url: str, event_types: list[str] | None = None, *, org_id: str | None = None,
               idempotency_key: str | None = None) -> SubscriptionWithSecret:
        body = {"url": url, "event_types": event_types or ["*"], **({"org_id": org_id} if org_id else {})}
        return self._call("create_subscription", body, idempotency_key=idempotency_key)

    def list(self, *, limit: int | None = None, cursor: str | None = None) -> PageSubscriptionOut:
        return self._call("list_subscriptions", limit=limit, cursor=cursor)

    def iter(self, *, page_size: int | None = None, **filters: Any) -> Iterator[SubscriptionOut]:
        """Every item, page after page (the cursor is followed); `async for` on the async client."""
        return self._client.iterate("list_subscriptions", page_size=page_size, **filters)

    def get(self, subscription_id: str) -> SubscriptionOut:
        return self._call("get_subscription", subscription_id=subscription_id)

    def delete(self, subscription_id: str) -> None:
        return self._call("delete_subscription", subscription_id=subscription_id)

    def test(self, subscription_id: str) -> DeliveryOut:
        return self._call("test_subscription", subscription_id=subscription_id)

    def deliveries(self, subscription_id: str, *, limit: int | None = None, cursor: str | None = None) -> PageDeliveryOut:
        return self._call("list_deliveries", subscription_id=subscription_id, limit=limit, cursor=cursor)


class _Areas:
    def _areas(self) -> None:
        self.workers = Workers(self)
        self.postings = Postings(self)
        self.invitations = Invitations(self)
        self.applications = Applications(self)
        self.matching = Matching(self)
        self.inbox = Inbox(self)
        self.subscriptions = Subscriptions(self)


# The list operations `iter` pages through, by area.
LISTS = {"workers": "list_workers", "postings": "list_postings", "invitations": "list_my_invitations",
         "applications": "list_my_applications", "inbox": "list_inbox", "subscriptions": "list_subscriptions"}


class TalentFlow(_Areas):
    """The sync client. `base_urls` maps service → URL (defaults: TALENTFLOW_<SERVICE>_URL or the
    embedded ports); `gateway` sends every service's paths to one URL; `token` is a string or a
    callable that returns the current one (asked again after a 401), and defaults to TALENTFLOW_TOKEN. `transport` replaces the HTTP transport under the retries (tests use
    `httpx.MockTransport`)."""

    def __init__(self, token: str | Callable[[], str] | None = None, *, base_urls: Mapping[str, str] | None = None,
                 gateway: str | None = None, language: str | None = None, timeout_s: float = 30.0,
                 retry: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None):
        self._core = _Core(token, base_urls, gateway, language)
        self._transport = RetryingTransport(transport or httpx.HTTPTransport(), retry)
        self._http = {url: httpx.Client(base_url=url, headers=self._core.headers, auth=self._core.auth, timeout=timeout_s,
                                        transport=self._transport)
                      for url in set(self._core.urls.values())}
        self._areas()

    def http(self, service: str) -> httpx.Client:
        return self._http[self._core.urls[service]]

    def call(self, operation_id: str, *, body: Any = None, headers: Mapping[str, Any] | None = None, **args: Any) -> Any:
        """Any generated operation by its id, e.g. `call("taxonomy_skills", q="焊")`."""
        module, service, request = self._core.prepare(operation_id, args, body, **(headers or {}))
        return self._core.result(module, self._send(service, request))

    def _send(self, service: str, request: dict[str, Any]) -> httpx.Response:
        try:
            return self.http(service).request(**request)
        except httpx.TransportError as exc:
            raise Unreachable(self._core.urls[service], exc) from None

    def iterate(self, operation_id: str, *, page_size: int | None = None, **args: Any) -> Iterator[Any]:
        """Every item of a cursor-paginated list, page after page."""
        cursor = args.pop("cursor", None)
        while True:
            page = self.call(operation_id, limit=page_size, cursor=cursor, **args)
            yield from _page_items(page)
            cursor = _page_cursor(page)
            if cursor is None:
                return

    # -- the bulk import (not expressible by the generator: CSV or JSONL bodies) --

    def import_workers(self, data: bytes | str | os.PathLike[str], *, format: str | None = None,
                       idempotency_key: str | None = None) -> ImportJobView:
        """Upload a CSV or JSONL roster (a path, bytes or text); answers the queued job (202).
        A retry with the same key and bytes answers the first job and imports nothing again."""
        content, headers = self._core.import_request(data, format, idempotency_key)
        return _import_job(self._send("profiles", {"method": "POST", "url": "/v1/workers/import",
                                                   "content": content, "headers": headers}))

    def wait_import(self, job_id: str, *, timeout_s: float = 600, poll_s: float = 0.5,
                    on_progress: Callable[[Any], None] | None = None) -> ImportJobView:
        """Poll the job until it has finished (`finished_at` set); `on_progress(job)` after each poll."""
        deadline = time.monotonic() + timeout_s
        while True:
            job = self.workers.import_job(job_id, limit=1)
            if on_progress:
                on_progress(job)
            if isinstance(job.finished_at, str) or getattr(job.finished_at, "year", None):
                return job
            if time.monotonic() >= deadline:
                raise TimeoutError(f"import {job_id} not finished after {timeout_s:g} s (status {job.status})")
            time.sleep(poll_s)

    def import_results(self, job_id: str, *, outcome: str | None = None,
                       page_size: int = 500) -> Iterator[ImportResult]:
        """Every row's result (row, outcome, worker_id, errors) in row order; `outcome` filters."""
        cursor = None
        while True:
            job = self.workers.import_job(job_id, limit=page_size, cursor=cursor, outcome=outcome)
            results = job.results
            yield from _page_items(results)
            cursor = _page_cursor(results)
            if cursor is None:
                return

    def raw(self, service: str) -> Any:
        """The generated client of a service, on this client's retrying httpx client (for
        `generated.<service>.api...` functions this facade does not wrap)."""
        gen = importlib.import_module(f"{__package__}.generated.{service}")
        client = gen.AuthenticatedClient(base_url=self._core.urls[service], token=self._core.token or "")
        client.set_httpx_client(self.http(service))
        return client

    def close(self) -> None:
        for client in self._http.values():
            client.close()

    def __enter__(self) -> TalentFlow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncTalentFlow(_Areas):
    """The async client: the same areas and methods, each awaited; `iter` is an async iterator."""

    def __init__(self, token: str | Callable[[], str] | None = None, *, base_urls: Mapping[str, str] | None = None,
                 gateway: str | None = None, language: str | None = None, timeout_s: float = 30.0,
                 retry: RetryPolicy | None = None, transport: httpx.AsyncBaseTransport | None = None):
        self._core = _Core(token, base_urls, gateway, language)
        self._transport = AsyncRetryingTransport(transport or httpx.AsyncHTTPTransport(), retry)
        self._http = {url: httpx.AsyncClient(base_url=url, headers=self._core.headers, auth=self._core.auth,
                                             timeout=timeout_s,
                                             transport=self._transport)
                      for url in set(self._core.urls.values())}
        self._areas()

    def http(self, service: str) -> httpx.AsyncClient:
        return self._http[self._core.urls[service]]

    async def call(self, operation_id: str, *, body: Any = None, headers: Mapping[str, Any] | None = None,
                   **args: Any) -> Any:
        module, service, request = self._core.prepare(operation_id, args, body, **(headers or {}))
        return self._core.result(module, await self._send(service, request))

    async def _send(self, service: str, request: dict[str, Any]) -> httpx.Response:
        try:
            return await self.http(service).request(**request)
        except httpx.TransportError as exc:
            raise Unreachable(self._core.urls[service], exc) from None

    async def iterate(self, operation_id: str, *, page_size: int | None = None, **args: Any) -> AsyncIterator[Any]:
        cursor = args.pop("cursor", None)
        while True:
            page = await self.call(operation_id, limit=page_size, cursor=cursor, **args)
            for item in _page_items(page):
                yield item
            cursor = _page_cursor(page)
            if cursor is None:
                return

    async def import_workers(self, data: bytes | str | os.PathLike[str], *, format: str | None = None,
                             idempotency_key: str | None = None) -> Any:
        content, headers = self._core.import_request(data, format, idempotency_key)
        return _import_job(await self._send("profiles", {"method": "POST", "url": "/v1/workers/import",
                                                         "content": content, "headers": headers}))

    async def wait_import(self, job_id: str, *, timeout_s: float = 600, poll_s: float = 0.5) -> Any:
        deadline = time.monotonic() + timeout_s
        while True:
            job = await self.workers.import_job(job_id, limit=1)
            if isinstance(job.finished_at, str) or getattr(job.finished_at, "year", None):
                return job
            if time.monotonic() >= deadline:
                raise TimeoutError(f"import {job_id} not finished after {timeout_s:g} s (status {job.status})")
            await asyncio.sleep(poll_s)

    async def import_results(self, job_id: str, *, outcome: str | None = None,
                             page_size: int = 500) -> AsyncIterator[Any]:
        cursor = None
        while True:
            job = await self.workers.import_job(job_id, limit=page_size, cursor=cursor, outcome=outcome)
            for result in _page_items(job.results):
                yield result
            cursor = _page_cursor(job.results)
            if cursor is None:
                return

    def raw(self, service: str) -> Any:
        gen = importlib.import_module(f"{__package__}.generated.{service}")
        client = gen.AuthenticatedClient(base_url=self._core.urls[service], token=self._core.token or "")
        client.set_async_httpx_client(self.http(service))
        return client

    async def aclose(self) -> None:
        for client in self._http.values():
            await client.aclose()

    async def __aenter__(self) -> AsyncTalentFlow:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


__all__ = ["AsyncTalentFlow", "DEFAULT_PORTS", "SERVICES", "TalentFlow", "default_urls", "etag_of", "operation"]
