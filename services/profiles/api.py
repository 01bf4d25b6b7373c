"""HTTP routes of the profiles service: parse, authorise, call a handler, shape the answer.

Status codes live here and in the exceptions' own classes; the handlers decide nothing about HTTP.
Answers are serialised straight from the stored JSON (no second validation on the way out); the
`responses=` declarations keep the OpenAPI document exact.

The writes of one worker (POST, PUT, PATCH, DELETE) are `async` routes that hand their command to
the unit of work (`await deps.uow.run(handler, deps, …)`): no thread-pool hop for the route or
its auth dependency, and on SQLite the process's one writer thread commits several at once.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel
from pydantic_core import to_json

from services.common.auth import Principal
from services.common.contracts import SkillLevel, WorkerStatus
from services.common.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from services.common.web import (
    Caller,
    decode_cursor,
    encode_cursor,
    etag,
    idempotency_replay_key,
    parse_if_match,
    request_id_var,
)
from services.profiles import domain, handlers, import_format
from services.profiles.domain import (
    AgencyContactConsent,
    AgencyContactConsentIn,
    ContactCard,
    ContactDisclosurePage,
    DisclosedContact,
    DisclosureRequest,
    Worker,
    WorkerCreated,
    WorkerIn,
    WorkerPatch,
    WorkerToken,
)
from services.profiles.handlers import Deps, ImportRunner, may_import

router = APIRouter(prefix="/v1", tags=["profiles"])

ID = r"^[A-Za-z0-9_.:-]{1,64}$"
WorkerId = Annotated[str, Path(pattern=ID, description="the worker id")]

JSON = "application/json"


def _deps(request: Request) -> Deps:
    return request.app.state.deps


def _importer(request: Request) -> ImportRunner:
    return request.app.state.importer


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(to_json(body), status_code=status, media_type=JSON, headers=headers)


def _worker_response(state: domain.ProfileState, status: int = 200, extra: dict[str, Any] | None = None) -> Response:
    body = domain.worker_view(state)
    if extra:
        body.update(extra)
    # personal data: never kept by shared caches
    headers = {"ETag": etag(state.version), "Cache-Control": "no-store"}
    if status == 201:
        headers["Location"] = f"/v1/workers/{state.id}"
    return json_response(body, status, headers)


def _replay_key(request: Request) -> str | None:
    """The kit's Idempotency-Key cache entry for this POST (same derivation as IdempotencyMiddleware)."""
    return idempotency_replay_key(request)


def _traceparent(request: Request) -> str | None:
    return domain.traceparent_of(request.headers.get("traceparent"))


PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid bearer token"},
    403: {"description": "this role may not do this, or a field it may not set (named in `errors`)"},
    404: {"description": "no such worker, or not one the caller may see"},
    422: {"description": "invalid input; `errors` names each field"},
}
WRITE_PROBLEMS = {
    **PROBLEMS,
    412: {"description": "If-Match names another version"},
    428: {"description": "If-Match is required: the profile is managed by an agency"},
}


# --- workers -------------------------------------------------------------------------------------


@router.post("/workers", status_code=201, response_model=WorkerCreated, responses={**PROBLEMS, 409: {"description": "the worker already has a profile"}},
             operation_id="create_worker")
async def create_worker(request: Request, worker: WorkerIn, principal: Principal = Caller) -> Response:
    """Create a profile. A worker token creates its own (id = its subject); an agency or admin gets a
    new id and a `worker_token` for the person. Accepts `Idempotency-Key`."""
    deps = _deps(request)
    state, token = await deps.uow.run(handlers.create_worker, deps,
        principal, worker, replay_key=_replay_key(request), traceparent=_traceparent(request)
    )
    return _worker_response(state, 201, {"worker_token": token} if token else None)


class WorkerPage(BaseModel):
    items: list[Worker]
    next_cursor: str | None = None


@router.get("/workers", response_model=WorkerPage, responses=PROBLEMS, operation_id="list_workers")
def list_workers(
    request: Request,
    principal: Principal = Caller,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, max_length=200),
    status: WorkerStatus | None = None,
    region: str | None = Query(None, pattern=r"^(\d{2}|\d{4}|\d{6})$", description="province (2), city (4) or county (6) code"),
    occupation: str | None = Query(None, max_length=16, description="occupation code; workers with any code below it count"),
    level: SkillLevel | None = Query(None, description="exactly this skill level"),
    min_level: SkillLevel | None = Query(None, description="this skill level or higher"),
    agency_id: str | None = Query(None, pattern=ID, description="admin only: one agency's workers"),
) -> Response:
    """An agency's workers (its org's, plus those its token acts for), or for an admin everyone's, in
    creation order."""
    position = decode_cursor(cursor)
    after = position.get("after") if position else None
    if position is not None and not (isinstance(after, str) and domain.ID_PATTERN.match(after)):
        raise InvalidInput.field("query.cursor", "not a cursor this API returned")
    rows, next_id = handlers.list_workers(_deps(request),
        principal, limit=limit, after=after, status=status.value if status else None, region=region,
        occupation=occupation, level=level, min_level=min_level, agency_id=agency_id,
    )
    return json_response({
        "items": [domain.worker_view(r) for r in rows],
        "next_cursor": encode_cursor({"after": next_id}) if next_id else None,
    })


# --- bulk import (declared before /workers/{worker_id} routes for readability; paths differ anyway) ----


class ImportResult(BaseModel):
    row: int
    outcome: Literal["created", "updated", "failed"]
    worker_id: str | None = None
    errors: list[dict[str, str]] = []
    # where the managing agency gets the worker's token to hand to the person (POST)
    worker_token_url: str | None = None


class ImportResultPage(BaseModel):
    items: list[ImportResult]
    next_cursor: str | None = None


class ImportJobView(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed", "interrupted"]
    format: Literal["jsonl", "csv"]
    total: int
    processed: int
    ok: int
    failed: int
    detail: str | None = None
    created_at: str
    updated_at: str
    finished_at: str | None = None
    results: ImportResultPage | None = None


def _job_view(job, results: list[dict[str, Any]] | None = None, next_cursor: str | None = None) -> dict[str, Any]:
    body = {
        "id": job.id,
        "status": job.status,
        "format": job.format,
        "total": job.total,
        "processed": job.processed,
        "ok": job.ok,
        "failed": job.failed,
        "detail": job.detail,
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
    if results is not None:
        body["results"] = {"items": results, "next_cursor": next_cursor}
    return body


@router.post(
    "/workers/import",
    status_code=202,
    response_model=ImportJobView,
    responses={**PROBLEMS, 413: {"description": "too many rows or bytes"}, 415: {"description": "not JSONL or CSV"},
               429: {"description": "too many imports waiting"}},
    operation_id="import_workers",
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/x-ndjson": {"schema": {"type": "string", "description": "one worker (POST body shape, optional id) per line"}},
        "text/csv": {"schema": {"type": "string", "description": "header row, then one worker per row (see docs/profiles.md)"}},
    }}},
)
async def import_workers(request: Request, principal: Principal = Caller) -> Response:
    """Upload JSONL or CSV (streamed, up to 100,000 rows); rows are validated and written in batches in
    the background. Poll the job at its Location. Accepts `Idempotency-Key`: a retried upload (same
    caller, key and bytes, within 24 h) answers the first job and imports nothing again."""
    may_import(principal)
    replay = _import_replay(request)
    if replay is not None:
        kv, replay_key = replay
        stored = await run_in_threadpool(kv.get, replay_key)
        if stored is not None:
            return await _replay_import(request, principal, json.loads(stored))
        claimed = await run_in_threadpool(kv.set_if_absent, replay_key, json.dumps({"state": "running"}).encode(),
                                          IMPORT_UPLOAD_WINDOW_S)
        if not claimed:
            raise Conflict("the first upload with this Idempotency-Key is still coming in; retry in a moment",
                           headers={"Retry-After": "5"})
        try:
            response, job_id, fingerprint = await _receive_import(request, principal)
        except BaseException:
            await run_in_threadpool(kv.delete, replay_key)
            raise
        entry = json.dumps({"state": "done", "job_id": job_id, "fp": fingerprint}).encode()
        await run_in_threadpool(kv.set, replay_key, entry, IMPORT_KEY_TTL_S)
        return response
    return (await _receive_import(request, principal))[0]


IMPORT_KEY_TTL_S = 86400  # DESIGN §3: a key is kept 24 h
IMPORT_UPLOAD_WINDOW_S = 3600  # how long a first upload may take before a retry may start over


def _import_replay(request: Request) -> tuple[Any, str] | None:
    """The key-value store and entry of this upload's Idempotency-Key (the kit's caller-scoped
    derivation; the kit's middleware leaves streamed uploads to their route), or None without a key."""
    idem = request.headers.get("idempotency-key")
    if not idem:
        return None
    if len(idem) > 200:
        raise InvalidInput.field("header.Idempotency-Key", "at most 200 characters")
    key = idempotency_replay_key(request)
    return (request.app.state.runtime.key_value, key) if key else None


async def _replay_import(request: Request, principal: Principal, entry: dict[str, Any]) -> Response:
    if entry.get("state") != "done":
        raise Conflict("the first upload with this Idempotency-Key is still coming in; retry in a moment",
                       headers={"Retry-After": "5"})
    digest = hashlib.sha256()
    async for chunk in request.stream():
        digest.update(chunk)
    if digest.hexdigest() != entry.get("fp"):
        raise InvalidInput("this Idempotency-Key was used with another upload", errors=[
            {"field": "header.Idempotency-Key", "message": "reused with a different body", "type": "value_error"}])
    job, _ = await run_in_threadpool(handlers.get_import_job, _deps(request), principal, entry["job_id"], outcome=None,
                                     after_row=0, limit=0)
    return json_response(_job_view(job), 202, {"Location": f"/v1/workers/import/{job.id}",
                                                "Idempotent-Replayed": "true"})


async def _receive_import(request: Request, principal: Principal) -> tuple[Response, str, str]:
    """Stream the upload to disk, check it, record the job and queue it: (answer, job id, sha256 of the bytes)."""
    try:
        fmt, declared = import_format.media_format(request.headers.get("content-type"))
    except import_format.FormatError as exc:
        raise domain.UnsupportedMediaType(exc.message, errors=[{"field": exc.field, "message": exc.message, "type": "value_error"}]) from None
    runner = _importer(request)
    limits = runner.limits
    runner.reserve()
    job_id = domain.new_job_id()
    path = runner.upload_path(job_id)
    try:
        splitter = import_format.RecordSplitter(csv_quotes=fmt == import_format.CSV, max_record_bytes=limits.max_row_bytes)
        sniffer = import_format.CharsetSniffer() if declared is None else None
        records, size = 0, 0
        header: bytes | import_format.RecordTooLong | None = None

        def count(found: list[bytes | import_format.RecordTooLong]) -> None:
            nonlocal records, header
            for record in found:
                records += 1
                if fmt == import_format.CSV and records == 1:
                    header = record
                    if declared is not None:
                        _csv_header(record, declared)  # a bad header refuses the upload before it is all in
            rows = records - (1 if fmt == import_format.CSV else 0)
            if rows > limits.max_rows:
                raise PayloadTooLarge(f"more than {limits.max_rows} rows; split the file",
                                      errors=[{"field": "body", "message": f"at most {limits.max_rows} rows", "type": "value_error"}])

        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with path.open("wb") as upload:
            async for chunk in request.stream():
                digest.update(chunk)
                size += len(chunk)
                if size > limits.max_bytes:
                    raise PayloadTooLarge(f"the upload is over {limits.max_bytes} bytes; split the file",
                                          errors=[{"field": "body", "message": f"at most {limits.max_bytes} bytes", "type": "value_error"}])
                upload.write(chunk)
                if sniffer is not None:
                    sniffer.feed(chunk)
                count(splitter.feed(chunk))
            count(splitter.finish())
        codec = declared or (sniffer.codec() if sniffer else "utf-8")
        if fmt == import_format.CSV and header is None:
            raise InvalidInput.field("csv.header", "the upload is empty: send a header row and data rows")
        columns = _csv_header(header, codec) if header is not None else None
        total = records - (1 if fmt == import_format.CSV else 0)
        if total == 0:
            raise InvalidInput.field("body", "the upload has no rows")
        job = await run_in_threadpool(runner.create_job, principal, job_id, fmt, codec, total)
    except BaseException:
        path.unlink(missing_ok=True)
        runner.release()
        raise
    runner.submit(principal, job, columns)
    location = f"/v1/workers/import/{job.id}"
    return json_response(_job_view(job), 202, {"Location": location}), job.id, digest.hexdigest()


def _csv_header(record: bytes | import_format.RecordTooLong, codec: str) -> list[str]:
    if isinstance(record, import_format.RecordTooLong):
        raise InvalidInput.field("csv.header", "the header row is too long")
    try:
        return import_format.parse_csv_header(import_format.decode_record(record, codec, first=True))
    except UnicodeDecodeError:
        raise InvalidInput.field("csv.header", f"the header is {import_format.not_decodable(codec)}") from None
    except import_format.FormatError as exc:
        raise InvalidInput.field(exc.field, exc.message) from None


@router.get("/workers/import/{job_id}", response_model=ImportJobView, responses=PROBLEMS, operation_id="get_import_job")
def get_import_job(
    request: Request,
    job_id: Annotated[str, Path(pattern=ID)],
    principal: Principal = Caller,
    limit: int = Query(100, ge=1, le=1000, description="per-row results on this page"),
    cursor: str | None = Query(None, max_length=200),
    outcome: str | None = Query(None, pattern="^(created|updated|failed)$", description="only rows with this outcome"),
) -> Response:
    """Status, counts and one page of per-row results (row order; follow `results.next_cursor`)."""
    position = decode_cursor(cursor)
    after_row = position.get("row") if position else 0
    # a row number the store can compare: not a bool, not beyond a 32-bit column (a tampered cursor)
    if not isinstance(after_row, int) or isinstance(after_row, bool) or not 0 <= after_row < 2**31:
        raise InvalidInput.field("query.cursor", "not a cursor this API returned")
    job, results = handlers.get_import_job(_deps(request), principal, job_id, outcome=outcome, after_row=after_row, limit=limit + 1)
    more = len(results) > limit
    results = results[:limit]
    for result in results:
        worker_id = result.get("worker_id")
        result["worker_token_url"] = f"/v1/workers/{worker_id}/token" if worker_id else None
    next_cursor = encode_cursor({"row": results[-1]["row"]}) if more else None
    return json_response(_job_view(job, results, next_cursor))


class ImportToken(BaseModel):
    row: int
    worker_id: str
    worker_token: str | None = None
    expires_in: int | None = None
    error: str | None = None


class ImportTokenPage(BaseModel):
    items: list[ImportToken]
    next_cursor: str | None = None


@router.post("/workers/import/{job_id}/tokens", response_model=ImportTokenPage, responses=PROBLEMS,
             operation_id="issue_import_tokens")
def issue_import_tokens(
    request: Request,
    job_id: Annotated[str, Path(pattern=ID)],
    principal: Principal = Caller,
    limit: int = Query(100, ge=1, le=500, description="tokens on this page"),
    cursor: str | None = Query(None, max_length=200),
) -> Response:
    """Fresh worker tokens for the workers this import created, one page at a time (row order), for the
    agency to hand to each person. A worker erased or no longer managed since gets `error` instead."""
    position = decode_cursor(cursor)
    after_row = position.get("row") if position else 0
    if not isinstance(after_row, int) or isinstance(after_row, bool) or not 0 <= after_row < 2**31:
        raise InvalidInput.field("query.cursor", "not a cursor this API returned")
    job, results = handlers.get_import_job(_deps(request), principal, job_id, outcome="created", after_row=after_row, limit=limit + 1)
    more = len(results) > limit
    results = results[:limit]
    items = []
    for result in results:
        try:
            issued = handlers.worker_token(_deps(request), principal, result["worker_id"])
            items.append({"row": result["row"], "worker_id": issued.worker_id, "worker_token": issued.worker_token,
                          "expires_in": issued.expires_in, "error": None})
        except NotFound:
            items.append({"row": result["row"], "worker_id": result["worker_id"], "worker_token": None,
                          "expires_in": None, "error": "erased, or no longer managed by your agency"})
    next_cursor = encode_cursor({"row": results[-1]["row"]}) if more else None
    return json_response({"items": items, "next_cursor": next_cursor}, headers={"Cache-Control": "no-store"})


# --- one worker ----------------------------------------------------------------------------------


@router.get("/workers/{worker_id}", response_model=Worker, responses=PROBLEMS, operation_id="get_worker")
def get_worker(request: Request, worker_id: WorkerId, principal: Principal = Caller) -> Response:
    """The profile with its contact data, for the worker, its agency or an admin; ETag = version."""
    return _worker_response(handlers.get_worker(_deps(request), principal, worker_id))


@router.put("/workers/{worker_id}", response_model=Worker, responses=WRITE_PROBLEMS, operation_id="replace_worker")
async def replace_worker(request: Request, worker_id: WorkerId, worker: WorkerIn, principal: Principal = Caller) -> Response:
    """Replace the whole profile (`agency_id` left out keeps the managing agency). Honours If-Match."""
    deps = _deps(request)
    state = await deps.uow.run(handlers.replace_worker, deps,
        principal, worker_id, worker, if_match=parse_if_match(request), traceparent=_traceparent(request)
    )
    return _worker_response(state)


@router.patch(
    "/workers/{worker_id}",
    response_model=Worker,
    responses=WRITE_PROBLEMS,
    operation_id="patch_worker",
    openapi_extra={"requestBody": {"content": {"application/merge-patch+json": {"schema": WorkerPatch.model_json_schema()}}}},
)
async def patch_worker(request: Request, worker_id: WorkerId, patch: dict[str, Any] = Body(...),
                       principal: Principal = Caller) -> Response:
    """RFC 7396 merge patch (`application/merge-patch+json` or JSON): `null` removes a field, objects
    merge, lists replace; the result is validated as a whole profile. Honours If-Match."""
    deps = _deps(request)
    state = await deps.uow.run(handlers.patch_worker, deps,
        principal, worker_id, patch, if_match=parse_if_match(request), traceparent=_traceparent(request)
    )
    return _worker_response(state)


@router.delete("/workers/{worker_id}", status_code=204, responses={**PROBLEMS, 412: {"description": "stale If-Match"}},
               operation_id="erase_worker")
async def erase_worker(request: Request, worker_id: WorkerId, principal: Principal = Caller) -> Response:
    """Erase the person (PIPL/GDPR): the profile and contact data leave the store, `worker.erased` goes
    out; afterwards the id answers 404."""
    deps = _deps(request)
    await deps.uow.run(handlers.erase_worker, deps,
        principal, worker_id, if_match=parse_if_match(request), request_id=request_id_var.get(),
        traceparent=_traceparent(request),
    )
    return Response(status_code=204)


@router.get("/workers/{worker_id}/contact", response_model=ContactCard, responses=PROBLEMS, operation_id="get_worker_contact")
def get_worker_contact(request: Request, worker_id: WorkerId, principal: Principal = Caller) -> Response:
    """Name, phone and e-mail: for the worker, its agency or an admin. A `service` token (jobs, after
    mutual interest) reads them through POST /v1/workers/{id}/contact-disclosures instead."""
    card = handlers.contact_of(_deps(request), principal, worker_id)
    return json_response(card.model_dump(), headers={"Cache-Control": "no-store"})


@router.post("/workers/{worker_id}/token", response_model=WorkerToken, responses=PROBLEMS, operation_id="issue_worker_token")
def issue_worker_token(request: Request, worker_id: WorkerId, principal: Principal = Caller) -> Response:
    """A fresh worker token for a worker the calling agency manages (or any, for an admin)."""
    issued = handlers.worker_token(_deps(request), principal, worker_id)
    return json_response(issued.model_dump(), headers={"Cache-Control": "no-store"})


# --- contact consent and disclosures ---------------------------------------------------------------


@router.get("/workers/{worker_id}/agency-contact-consent", response_model=AgencyContactConsent, responses=PROBLEMS,
            operation_id="get_agency_contact_consent")
def get_agency_contact_consent(request: Request, worker_id: WorkerId, principal: Principal = Caller) -> Response:
    """Whether (and on what basis) the managing agency holds the worker's consent to pass its contact
    data on; 404 when it holds none."""
    held = handlers.agency_contact_consent(_deps(request), principal, worker_id)
    return json_response(held.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


@router.put("/workers/{worker_id}/agency-contact-consent", response_model=AgencyContactConsent,
            responses={**PROBLEMS, 409: {"description": "the profile has no managing agency"}},
            operation_id="record_agency_contact_consent")
def record_agency_contact_consent(request: Request, worker_id: WorkerId, body: AgencyContactConsentIn,
                                  principal: Principal = Caller) -> Response:
    """The worker itself (its own token, not one an agency minted) or an admin records that the
    managing agency holds the worker's consent; only then does the agency's word (its token, or a
    worker token it minted) count as consent to share contact data."""
    held = handlers.record_agency_contact_consent(_deps(request), principal, worker_id, body)
    return json_response(held.model_dump(mode="json"))


@router.delete("/workers/{worker_id}/agency-contact-consent", status_code=204, responses=PROBLEMS,
               operation_id="withdraw_agency_contact_consent")
def withdraw_agency_contact_consent(request: Request, worker_id: WorkerId, principal: Principal = Caller) -> Response:
    """The worker, an admin or the agency removes the record: the agency's word no longer counts."""
    handlers.withdraw_agency_contact_consent(_deps(request), principal, worker_id)
    return Response(status_code=204)


@router.post("/workers/{worker_id}/contact-disclosures", status_code=201, response_model=DisclosedContact,
             responses={**PROBLEMS, 403: {"description": "not a service, or `contact-consent-missing`: no offered consent holds"}},
             operation_id="disclose_worker_contact")
def disclose_worker_contact(request: Request, worker_id: WorkerId, body: DisclosureRequest,
                            principal: Principal = Caller) -> Response:
    """For a `service` token (jobs, after mutual interest): the contact for an employer, on the first
    offered consent that holds, recorded as a disclosure in the same transaction."""
    disclosed = handlers.disclose_contact(_deps(request), principal, worker_id, body)
    return json_response(disclosed.model_dump(mode="json"), 201, headers={"Cache-Control": "no-store"})


@router.get("/workers/{worker_id}/contact-disclosures", response_model=ContactDisclosurePage, responses=PROBLEMS,
            operation_id="list_contact_disclosures")
def list_contact_disclosures(
    request: Request,
    worker_id: WorkerId,
    principal: Principal = Caller,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, max_length=200),
) -> Response:
    """Who was given the worker's contact data, when, for which posting and on what consent, oldest
    first: for the worker, its agency or an admin."""
    position = decode_cursor(cursor)
    after = position.get("after") if position else None
    if position is not None and not (isinstance(after, str) and domain.ID_PATTERN.match(after)):
        raise InvalidInput.field("query.cursor", "not a cursor this API returned")
    items, next_id = handlers.list_contact_disclosures(_deps(request), principal, worker_id, after=after, limit=limit)
    return json_response({
        "items": [d.model_dump(mode="json") for d in items],
        "next_cursor": encode_cursor({"after": next_id}) if next_id else None,
    }, headers={"Cache-Control": "no-store"})
