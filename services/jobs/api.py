"""HTTP routes of the jobs service: parse, authorise, call a handler, shape the answer.

Status codes and headers live here: 201 + Location for a new resource, 200 when a POST answers
one that already existed (a second application, a repeated invitation), `ETag` on every posting,
application and invitation, `If-Match` read once and checked by the handler against the locked
row, `Cache-Control: no-store` on contact data.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from services.common.auth import Principal, Role
from services.common.contracts import PostingKind, PostingStatus
from services.common.errors import InvalidInput
from services.common.erasure import remember_replay_naming
from services.common.web import Caller, Page, decode_cursor, encode_cursor, etag, idempotency_replay_key, parse_if_match
from services.jobs import handlers
from services.jobs.domain import (
    AcceptanceIn,
    Application,
    ApplicationChange,
    ApplicationIn,
    ApplicationStatus,
    CloseRequest,
    ContactConsent,
    ContactConsentIn,
    Invitation,
    InvitationIn,
    InvitationStatus,
    Posting,
    PostingContact,
    PostingCreate,
    PostingIn,
    PostingPatch,
)
from services.jobs.handlers import Deps

router = APIRouter(prefix="/v1", tags=["jobs"])

ID_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
_CURSOR_ID = re.compile(r"[A-Za-z0-9_]{1,64}")  # fullmatch: `$` would let a trailing newline through
PostingId = Annotated[str, Path(pattern=ID_PATTERN, description="a posting id")]
ApplicationId = Annotated[str, Path(pattern=ID_PATTERN, description="an application id")]
InvitationId = Annotated[str, Path(pattern=ID_PATTERN, description="an invitation id")]
WorkerId = Annotated[str, Path(pattern=ID_PATTERN, description="a worker id")]
Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
Cursor = Annotated[str | None, Query(max_length=400, description="next_cursor of the previous page")]
MERGE_PATCH = "application/merge-patch+json"


async def get_deps(request: Request) -> Deps:
    # `async`: FastAPI runs a plain `def` dependency in its thread pool, a hop for every request
    return request.app.state.deps


Handlers = Annotated[Deps, Depends(get_deps)]


def _after(cursor: str | None) -> str | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    after = position.get("after")
    # an id this API made: a tampered cursor (NUL, lone surrogates) must not reach the store
    if not isinstance(after, str) or not _CURSOR_ID.fullmatch(after):
        raise InvalidInput.field("query.cursor", "not a cursor this API returned")
    return after


def _page(page: handlers.Page) -> dict:
    return {"items": page.items, "next_cursor": encode_cursor({"after": page.next_after}) if page.next_after else None}


def _tagged(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


# --- postings ----------------------------------------------------------------------------------


@router.post("/postings", status_code=201, response_model=Posting, operation_id="create_posting")
async def create_posting(body: PostingCreate, response: Response, deps: Handlers, principal: Principal = Caller) -> Posting:
    """Publish a posting. An employer posts for its own org; an agency or admin names `org_id`."""
    posting = await deps.uow.run(handlers.create_posting, deps, principal, body)
    response.headers["Location"] = f"/v1/postings/{posting.id}"
    _tagged(response, posting.version)
    return posting


@router.get("/postings", response_model=Page[Posting], operation_id="list_postings")
def list_postings(
    deps: Handlers,
    principal: Principal = Caller,
    org_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: PostingStatus | None = None,
    kind: PostingKind | None = None,
    region: Annotated[str | None, Query(pattern=r"^(\d{2}|\d{4}|\d{6})$", description="province, city or county code")] = None,
    occupation: Annotated[str | None, Query(pattern=r"^\d(-\d{2}){0,4}$", description="a code; its sub-codes match too")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> dict:
    """Postings newest first: open ones for everyone, the others of the orgs the caller manages."""
    filters = handlers.PostingFilters(
        org_id=org_id, status=status, kind=kind.value if kind else None, region=region, occupation=occupation
    )
    return _page(handlers.list_postings(deps, principal, filters, after=_after(cursor), limit=limit))


@router.get("/postings/{posting_id}", response_model=Posting, operation_id="get_posting",
            responses={304: {"description": "not modified since the ETag in If-None-Match"}})
def get_posting(posting_id: PostingId, request: Request, response: Response, deps: Handlers,
                principal: Principal = Caller):
    posting = handlers.get_posting(deps, principal, posting_id)
    if request.headers.get("if-none-match") == etag(posting.version):
        return Response(status_code=304, headers={"ETag": etag(posting.version)})
    _tagged(response, posting.version)
    return posting


@router.put("/postings/{posting_id}", response_model=Posting, operation_id="replace_posting")
def replace_posting(posting_id: PostingId, body: PostingIn, request: Request, response: Response, deps: Handlers,
                    principal: Principal = Caller) -> Posting:
    """Replace the client-written fields; honours If-Match (412 on a stale version)."""
    posting = handlers.replace_posting(deps, principal, posting_id, body, parse_if_match(request))
    _tagged(response, posting.version)
    return posting


@router.patch(
    "/postings/{posting_id}",
    response_model=Posting,
    operation_id="patch_posting",
    openapi_extra={"requestBody": {"content": {MERGE_PATCH: {"schema": {"$ref": "#/components/schemas/PostingPatch"}}}}},
)
def patch_posting(posting_id: PostingId, body: PostingPatch, request: Request, response: Response, deps: Handlers,
                  principal: Principal = Caller) -> Posting:
    """JSON merge patch (RFC 7396); the merged posting is validated as a whole."""
    posting = handlers.patch_posting(deps, principal, posting_id, body, parse_if_match(request))
    _tagged(response, posting.version)
    return posting


@router.delete("/postings/{posting_id}", status_code=204, operation_id="delete_posting")
def delete_posting(posting_id: PostingId, request: Request, deps: Handlers, principal: Principal = Caller) -> Response:
    handlers.delete_posting(deps, principal, posting_id, parse_if_match(request))
    return Response(status_code=204)


@router.post("/postings/{posting_id}/close", response_model=Posting, operation_id="close_posting")
def close_posting(posting_id: PostingId, body: CloseRequest, request: Request, response: Response, deps: Handlers,
                  principal: Principal = Caller) -> Posting:
    """`filled` → status filled; `withdrawn` → status closed."""
    posting = handlers.close_posting(deps, principal, posting_id, body.reason, parse_if_match(request))
    _tagged(response, posting.version)
    return posting


# --- applications ------------------------------------------------------------------------------


@router.post("/postings/{posting_id}/applications", status_code=201, response_model=Application,
             operation_id="apply_to_posting", responses={200: {"model": Application, "description": "already applied"}})
async def apply_to_posting(posting_id: PostingId, request: Request, response: Response, deps: Handlers,
                           principal: Principal = Caller,
                           body: Annotated[ApplicationIn | None, Body()] = None) -> Application:
    """A worker applies to an open posting, once: a second try answers the first application (200).
    An agency (or admin) applies for a worker it manages by naming `worker_id` in the body."""
    body = body or ApplicationIn()
    resolved = None
    if principal.role is Role.agency:  # its claim may ask the profiles service: not inside the writer's transaction
        resolved = await run_in_threadpool(handlers.applicant, deps, principal, body.worker_id)
    application, created = await deps.uow.run(handlers.apply, deps, principal, posting_id, body, resolved=resolved)
    replay_key = idempotency_replay_key(request)
    if replay_key:  # its erasure reaches the cached answer
        await run_in_threadpool(remember_replay_naming, deps.key_value, application.worker_id, replay_key)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/postings/{posting_id}/applications/{application.id}"
    _tagged(response, application.version)
    return application


@router.get("/postings/{posting_id}/applications", response_model=Page[Application],
            operation_id="list_posting_applications")
def list_posting_applications(posting_id: PostingId, deps: Handlers, principal: Principal = Caller,
                              status: ApplicationStatus | None = None, limit: Limit = 20, cursor: Cursor = None) -> dict:
    return _page(handlers.list_posting_applications(deps, principal, posting_id, status, after=_after(cursor), limit=limit))


@router.get("/postings/{posting_id}/applications/{application_id}", response_model=Application,
            operation_id="get_application")
def get_application(posting_id: PostingId, application_id: ApplicationId, response: Response, deps: Handlers,
                    principal: Principal = Caller) -> Application:
    application = handlers.get_application(deps, principal, posting_id, application_id)
    _tagged(response, application.version)
    return application


@router.patch("/postings/{posting_id}/applications/{application_id}", response_model=Application,
              operation_id="change_application")
def change_application(posting_id: PostingId, application_id: ApplicationId, body: ApplicationChange,
                       request: Request, response: Response, deps: Handlers, principal: Principal = Caller) -> Application:
    """The employer side: submitted → shortlisted → hired | rejected; the worker: → withdrawn."""
    application = handlers.change_application(
        deps, principal, posting_id, application_id, body, parse_if_match(request)
    )
    _tagged(response, application.version)
    return application


@router.get("/applications", response_model=Page[Application], operation_id="list_my_applications")
def list_my_applications(deps: Handlers, principal: Principal = Caller,
                         worker_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
                         status: ApplicationStatus | None = None, limit: Limit = 20, cursor: Cursor = None) -> dict:
    """A worker's own applications (an agency's for a worker it manages, an admin's for anyone, named by
    `worker_id`; without it an agency's list holds every worker it acts for)."""
    return _page(handlers.list_worker_applications(deps, principal, worker_id, status, after=_after(cursor), limit=limit))


# --- invitations -------------------------------------------------------------------------------


@router.post("/postings/{posting_id}/invitations", status_code=201, response_model=Invitation,
             operation_id="invite_worker", responses={200: {"model": Invitation, "description": "already invited"}})
def invite_worker(posting_id: PostingId, body: InvitationIn, request: Request, response: Response, deps: Handlers,
                  principal: Principal = Caller) -> Invitation:
    invitation, created = handlers.invite(deps, principal, posting_id, body)
    remember_replay_naming(deps.key_value, invitation.worker_id, idempotency_replay_key(request))  # its erasure reaches the cached answer
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/invitations/{invitation.id}"
    _tagged(response, invitation.version)
    return invitation


@router.get("/postings/{posting_id}/invitations", response_model=Page[Invitation],
            operation_id="list_posting_invitations")
def list_posting_invitations(posting_id: PostingId, deps: Handlers, principal: Principal = Caller,
                             status: InvitationStatus | None = None, limit: Limit = 20, cursor: Cursor = None) -> dict:
    return _page(handlers.list_posting_invitations(deps, principal, posting_id, status, after=_after(cursor), limit=limit))


@router.get("/invitations", response_model=Page[Invitation], operation_id="list_my_invitations")
def list_my_invitations(deps: Handlers, principal: Principal = Caller,
                        worker_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
                        status: InvitationStatus | None = None, limit: Limit = 20, cursor: Cursor = None) -> dict:
    """A worker's own invitations (an agency's for a worker it manages, an admin's for anyone, named by
    `worker_id`; without it an agency's list holds every worker it acts for)."""
    return _page(handlers.list_worker_invitations(deps, principal, worker_id, status, after=_after(cursor), limit=limit))


@router.get("/invitations/{invitation_id}", response_model=Invitation, operation_id="get_invitation")
def get_invitation(invitation_id: InvitationId, response: Response, deps: Handlers,
                   principal: Principal = Caller) -> Invitation:
    invitation = handlers.get_invitation(deps, principal, invitation_id)
    _tagged(response, invitation.version)
    return invitation


@router.post("/invitations/{invitation_id}/accept", response_model=Invitation, operation_id="accept_invitation")
def accept_invitation(invitation_id: InvitationId, response: Response, deps: Handlers,
                      principal: Principal = Caller,
                      body: Annotated[AcceptanceIn | None, Body()] = None) -> Invitation:
    """The invited worker, or the agency managing it; an accepted invitation is mutual interest (the handshake).
    `{"share_contact": true}` also consents to giving the posting's org the worker's contact data."""
    share_contact = body.share_contact if body else False
    invitation = handlers.answer_invitation(deps, principal, invitation_id, accept=True, share_contact=share_contact)
    _tagged(response, invitation.version)
    return invitation


@router.post("/invitations/{invitation_id}/decline", response_model=Invitation, operation_id="decline_invitation")
def decline_invitation(invitation_id: InvitationId, response: Response, deps: Handlers,
                       principal: Principal = Caller) -> Invitation:
    invitation = handlers.answer_invitation(deps, principal, invitation_id, accept=False)
    _tagged(response, invitation.version)
    return invitation


# --- the handshake -----------------------------------------------------------------------------


@router.get("/postings/{posting_id}/contacts/{worker_id}", response_model=PostingContact,
            operation_id="get_worker_contact")
def get_worker_contact(posting_id: PostingId, worker_id: WorkerId, response: Response, deps: Handlers,
                       principal: Principal = Caller) -> PostingContact:
    """A worker's contact data, to the posting's org only, after mutual interest (403
    `no-mutual-interest` before) and with the worker's consent for this employer (403
    `contact-consent-missing` without). Each answer is recorded in profiles as a disclosure."""
    contact = handlers.worker_contact(deps, principal, posting_id, worker_id)
    response.headers["Cache-Control"] = "no-store"  # personal data: no cache keeps a copy
    return contact


ConsentWorker = Annotated[str | None, Query(pattern=ID_PATTERN, description="an agency names the worker it speaks for")]


@router.post("/postings/{posting_id}/contact-consent", response_model=ContactConsent,
             operation_id="grant_contact_consent")
def grant_contact_consent(posting_id: PostingId, deps: Handlers, principal: Principal = Caller,
                          body: Annotated[ContactConsentIn | None, Body()] = None) -> ContactConsent:
    """The worker consents (later than its application or acceptance) to give this posting's org
    its contact data. Through an agency (its token, or a worker token it minted) the consent counts
    only where the worker's profile records that the agency holds it."""
    return handlers.grant_contact_consent(deps, principal, posting_id, body.worker_id if body else None)


@router.delete("/postings/{posting_id}/contact-consent", response_model=ContactConsent,
               operation_id="withdraw_contact_consent")
def withdraw_contact_consent(posting_id: PostingId, deps: Handlers, principal: Principal = Caller,
                             worker_id: ConsentWorker = None) -> ContactConsent:
    """Withdraw the consent for this posting: its org is refused the contact from now on, whatever
    the profile's `consent.share_contact` says."""
    return handlers.withdraw_contact_consent(deps, principal, posting_id, worker_id)


@router.get("/postings/{posting_id}/contact-consent", response_model=ContactConsent,
            operation_id="get_contact_consent")
def get_contact_consent(posting_id: PostingId, deps: Handlers, principal: Principal = Caller,
                        worker_id: ConsentWorker = None) -> ContactConsent:
    """The worker's last word on this posting (404 when none: the profile's consent applies)."""
    return handlers.get_contact_consent(deps, principal, posting_id, worker_id)
