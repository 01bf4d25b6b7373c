"""What happens for each command of the jobs service: one function each, `deps` first.

The handler shape of every service (docs/kit.md, "Unit of work"): `command(deps, principal, …)`.
Every write is one `with deps.uow as uow:` — the row(s) through `uow.store` and their outbox
events through `uow.publish`, one commit, after the row was locked and the caller's If-Match
checked against it; the relay is woken after commit.
Who may do what is decided here (from the `Principal`), status codes are not: handlers raise the
kit's domain errors and the API turns them into problem+json.

Events (DESIGN §4): `posting.upserted` for every change of a posting (its whole state at the new
version), followed by `posting.closed` when it closes, fills or expires; `posting.closed` alone on
delete; `application.*` and `invitation.*` with the posting id as subject. Free-text messages and
contact data never go into events.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from services.common.auth import Principal, Role
from services.common.contracts import PostingStatus
from services.common.erasure import forget_replays_naming
from services.common.errors import (
    Conflict,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PreconditionRequired,
    StaleVersion,
)
from services.common.events import (
    ApplicationSubmitted,
    ApplicationUpdated,
    CloudEvent,
    InvitationAnswered,
    InvitationSent,
    PostingClosed,
    PostingUpserted,
    make_event,
)
from services.common.ports import KeyValue
from services.common.uow import StoreConflict, UnitOfWork
from services.jobs import store
from services.jobs.store import JobsStore, PostingFilters
from services.jobs.domain import (
    CLOSE_STATUS,
    DELETED_REASON,
    MUTUAL_INTEREST_APPLICATION,
    SIDE_TARGETS,
    Application,
    ApplicationChange,
    ApplicationIn,
    ApplicationStatus,
    CloseReason,
    ConsentBasis,
    ConsentStatus,
    ContactBasis,
    ContactConsent,
    ContactConsentMissing,
    Invitation,
    InvitationIn,
    InvitationStatus,
    Posting,
    PostingContact,
    PostingCreate,
    PostingIn,
    PostingPatch,
    apply_merge_patch,
    check_answerable,
    check_application_move,
    check_client_status,
    check_editable,
    check_posting_dates,
    check_posting_transition,
    managed_orgs,
    may_manage,
    may_read_posting,
    NoMutualInterest,
    new_id,
    validate_posting,
)
from services.jobs.profiles_client import ProfilesClient

log = logging.getLogger(__name__)

SOURCE = "/talentflow/jobs"
IfMatch = int | str | None  # as services.common.web.parse_if_match reads the header
T = TypeVar("T")


@dataclass
class Deps:
    """What the handlers run on; built once in app.py (tests build it with a fake clock)."""

    uow: UnitOfWork[JobsStore]  # one transaction per command (services.common.uow)
    profiles: ProfilesClient
    clock: Callable[[], dt.datetime]
    timezone: ZoneInfo
    invitation_ttl: dt.timedelta
    require_if_match: bool = False
    wake: Callable[[], None] = lambda: None
    key_value: KeyValue | None = None  # cached first answers (Idempotency-Key) that erasure must reach
    # after an erasure commits: the erased rows' old pages leave the WALs too
    after_erasure: Callable[[], None] = lambda: None

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def today(self) -> dt.date:
        """The calendar day where the postings are: deadlines are local dates."""
        return self.clock().astimezone(self.timezone).date()


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_after: str | None  # the id to continue after, or None on the last page


def _page(items: list, limit: int) -> Page:
    """Lists fetch limit + 1 rows: the extra one only says whether another page exists."""
    if len(items) > limit:
        return Page(items[:limit], items[limit - 1].id)
    return Page(items, None)


def _precondition(deps: Deps, wanted: IfMatch, current_version: int) -> None:
    """If-Match against the locked row: 412 on another version; 428 only when configured."""
    if wanted is None:
        if deps.require_if_match:
            raise PreconditionRequired("send If-Match with the ETag you last read")
        return
    if wanted != "*" and wanted != current_version:
        raise StaleVersion(f"the resource is at version {current_version}, not {wanted}; read it again")


def _changed_concurrently() -> StaleVersion:
    # Only reachable when a row moved between our locked read and the write (SQLite never does).
    return StaleVersion("the resource changed while this request ran; read it again")


# --- events ------------------------------------------------------------------------------------


def _posting_state(posting: Posting) -> PostingUpserted:
    return PostingUpserted.model_validate(
        {**posting.fields(), "id": posting.id, "org_id": posting.org_id, "version": posting.version,
         "created_at": posting.created_at, "updated_at": posting.updated_at}
    )


def _posting_upserted(posting: Posting) -> CloudEvent:
    data = _posting_state(posting)
    return make_event("posting.upserted", data, subject=posting.id, source=SOURCE, entityversion=posting.version)


def _posting_closed(posting: Posting, reason: str, at: dt.datetime) -> CloudEvent:
    """Carries the posting's state after closing: after compaction it is the posting's only record."""
    data = PostingClosed(id=posting.id, org_id=posting.org_id, status=posting.status, reason=reason, closed_at=at,
                         posting=_posting_state(posting))
    return make_event("posting.closed", data, subject=posting.id, source=SOURCE, entityversion=posting.version)


def _application_submitted(app: Application) -> CloudEvent:
    data = ApplicationSubmitted(
        id=app.id, posting_id=app.posting_id, org_id=app.org_id, worker_id=app.worker_id,
        status=app.status.value, has_message=bool(app.message), submitted_at=app.created_at,
    )
    return make_event("application.submitted", data, subject=app.posting_id, source=SOURCE, entityversion=app.version)


def _application_updated(app: Application, previous: ApplicationStatus) -> CloudEvent:
    data = ApplicationUpdated(
        id=app.id, posting_id=app.posting_id, org_id=app.org_id, worker_id=app.worker_id,
        status=app.status.value, previous_status=previous.value, updated_at=app.updated_at,
    )
    return make_event("application.updated", data, subject=app.posting_id, source=SOURCE, entityversion=app.version)


def _invitation_sent(inv: Invitation) -> CloudEvent:
    data = InvitationSent(
        id=inv.id, posting_id=inv.posting_id, org_id=inv.org_id, worker_id=inv.worker_id,
        has_message=bool(inv.message), expires_at=inv.expires_at, sent_at=inv.updated_at,
    )
    return make_event("invitation.sent", data, subject=inv.posting_id, source=SOURCE, entityversion=inv.version)


def _invitation_answered(inv: Invitation) -> CloudEvent:
    data = InvitationAnswered(
        id=inv.id, posting_id=inv.posting_id, org_id=inv.org_id, worker_id=inv.worker_id,
        answer=inv.status.value, answered_at=inv.answered_at,
    )
    return make_event("invitation.answered", data, subject=inv.posting_id, source=SOURCE, entityversion=inv.version)


# --- access ------------------------------------------------------------------------------------


def _readable_posting(uow: UnitOfWork[JobsStore], principal: Principal, posting_id: str, **lock) -> Posting:
    posting = uow.store.get_posting(posting_id, **lock)
    if posting is None or not may_read_posting(principal, posting.org_id, posting.status):
        raise NotFound(f"no posting {posting_id}")
    return posting


def _managed_posting(uow: UnitOfWork[JobsStore], principal: Principal, posting_id: str, **lock) -> Posting:
    """The posting if the caller manages it; 403 when the caller may see but not manage it,
    404 when even its existence is none of the caller's business."""
    posting = _readable_posting(uow, principal, posting_id, **lock)
    if not may_manage(principal, posting.org_id):
        raise Forbidden("only the posting's org, an agency acting for it, or an admin may do this")
    return posting


def manages_worker(deps: Deps, uow: UnitOfWork[JobsStore], principal: Principal, worker_id: str) -> bool:
    """The worker itself, an admin, or an agency whose org manages the worker (its `agency_id`, as
    worker.upserted told the read model) or whose token lists the worker in acts_for.

    A worker the read model has not heard of yet (created a moment ago, the event still on its way)
    is looked up once in the profiles service, so an agency can act for a worker it just imported.
    """
    if principal.role is Role.admin:
        return True
    if principal.role is Role.worker:
        return principal.subject == worker_id
    if principal.role is not Role.agency:
        return False
    if worker_id in principal.acts_for:
        return True
    if not principal.org:
        return False
    known, agency_id = uow.store.agency_of(worker_id)
    if not known:
        agency_id = deps.profiles.agency_of(worker_id)
    return agency_id == principal.org


def _target_worker(deps: Deps, uow: UnitOfWork[JobsStore], principal: Principal, worker_id: str | None) -> str | store.AgencyWorkers:
    """Whose applications or invitations a list shows: a worker's own by default; an agency for a
    worker its org manages or it lists in acts_for, or without `worker_id` for all of them; an admin
    for anyone it names."""
    if worker_id is None:
        if principal.role is Role.agency and principal.org:
            return store.AgencyWorkers(principal.org, tuple(principal.acts_for))
        if principal.role is not Role.worker:
            raise InvalidInput.field("query.worker_id", "required unless the caller is a worker or an agency")
        return principal.subject
    if not manages_worker(deps, uow, principal, worker_id):
        raise Forbidden("you may list only your own (or your managed workers') engagements")
    return worker_id


def applicant(deps: Deps, principal: Principal, worker_id: str | None) -> str:
    """Who applies: a worker for itself; an agency (or admin) for the worker named in the body.
    Only an agency's claim is looked up, in a read of its own: it may ask the profiles service, so
    the API resolves it before handing `apply` to the writer (`apply(..., resolved=…)`)."""
    if principal.role is Role.worker:
        if worker_id is not None and worker_id != principal.subject:
            raise Forbidden("a worker applies only for itself")
        return principal.subject
    if principal.role not in (Role.agency, Role.admin):
        raise Forbidden(f"role {principal.role.value} may not apply; a worker, or its agency, applies")
    if worker_id is None:
        raise InvalidInput.field("body.worker_id", "required: the worker this agency applies for")
    if principal.role is Role.admin:
        return worker_id
    with deps.uow.read() as uow:
        if not manages_worker(deps, uow, principal, worker_id):
            raise Forbidden(f"your agency does not manage worker {worker_id}")
    return worker_id


# --- postings ----------------------------------------------------------------------------------


def _posting_org(principal: Principal, requested: str | None) -> str:
    if principal.role is Role.employer:
        if not principal.org:
            raise Forbidden("an employer token without an org cannot post")
        if requested is not None and requested != principal.org:
            raise Forbidden("an employer posts only for its own org")
        return principal.org
    if principal.role in (Role.agency, Role.admin):
        if requested is None:
            raise InvalidInput.field("body.org_id", "required: the org this posting is for")
        if not principal.may_act_for_org(requested):
            raise Forbidden(f"your token does not act for org {requested}")
        return requested
    raise Forbidden(f"role {principal.role.value} may not post")


def create_posting(deps: Deps, principal: Principal, body: PostingCreate) -> Posting:
    org_id = _posting_org(principal, body.org_id)
    check_client_status(body.status)
    check_posting_dates(body, deps.today())
    now = deps.now()
    fields = body.model_dump(exclude={"org_id"})
    posting = Posting(**fields, id=new_id("pst"), org_id=org_id, version=1, created_at=now, updated_at=now)
    with deps.uow as uow:
        uow.store.insert_posting(posting)
        uow.publish(_posting_upserted(posting))
    deps.wake()
    return posting


def get_posting(deps: Deps, principal: Principal, posting_id: str) -> Posting:
    with deps.uow.read() as uow:
        return _readable_posting(uow, principal, posting_id)


def list_postings(
    deps: Deps, principal: Principal, filters: PostingFilters, *, after: str | None, limit: int
) -> Page[Posting]:
    with deps.uow.read() as uow:
        items = uow.store.list_postings(filters, visible_orgs=managed_orgs(principal), after_id=after, limit=limit + 1
        )
    return _page(items, limit)


def _rewrite(deps: Deps, uow: UnitOfWork[JobsStore], current: Posting, new_fields: PostingIn) -> Posting:
    """Write a posting's new fields (PUT or merged PATCH) after the lifecycle and date rules."""
    check_client_status(new_fields.status)
    check_posting_transition(current.status, new_fields.status)
    check_posting_dates(new_fields, deps.today(), previous_deadline=current.deadline)
    if new_fields.model_dump(mode="json") == current.fields():
        return current  # nothing changed: no new version, no event
    updated = Posting(
        **new_fields.model_dump(), id=current.id, org_id=current.org_id, version=current.version + 1,
        created_at=current.created_at, updated_at=deps.now(),
    )
    if not uow.store.update_posting(updated, expected_version=current.version):
        raise _changed_concurrently()
    uow.publish(_posting_upserted(updated))
    return updated


def replace_posting(deps: Deps, principal: Principal, posting_id: str, body: PostingIn, if_match: IfMatch) -> Posting:
    with deps.uow as uow:
        current = _managed_posting(uow, principal, posting_id, lock=True)
        _precondition(deps, if_match, current.version)
        check_editable(current.status)
        updated = _rewrite(deps, uow, current, body)
    deps.wake()
    return updated


def patch_posting(deps: Deps, principal: Principal, posting_id: str, patch: PostingPatch, if_match: IfMatch) -> Posting:
    with deps.uow as uow:
        current = _managed_posting(uow, principal, posting_id, lock=True)
        _precondition(deps, if_match, current.version)
        check_editable(current.status)
        merged = apply_merge_patch(current.fields(), patch.model_dump(mode="json", exclude_unset=True))
        updated = _rewrite(deps, uow, current, validate_posting(merged))
    deps.wake()
    return updated


def close_posting(deps: Deps, principal: Principal, posting_id: str, reason: CloseReason, if_match: IfMatch) -> Posting:
    with deps.uow as uow:
        current = _managed_posting(uow, principal, posting_id, lock=True)
        _precondition(deps, if_match, current.version)
        closed = _close(uow, current, reason.value, deps.now())
    deps.wake()
    return closed


def _close(uow: UnitOfWork[JobsStore], current: Posting, reason: str, now: dt.datetime) -> Posting:
    target = CLOSE_STATUS[reason]
    if current.status == target:
        raise IllegalTransition(f"the posting is already {target.value}")
    check_posting_transition(current.status, target)
    closed = current.model_copy(
        update={"status": target, "version": current.version + 1, "updated_at": now,
                "closed_reason": reason, "closed_at": now}
    )
    if not uow.store.update_posting(closed, expected_version=current.version):
        raise _changed_concurrently()
    uow.publish(_posting_upserted(closed), _posting_closed(closed, reason, now))
    return closed


def delete_posting(deps: Deps, principal: Principal, posting_id: str, if_match: IfMatch) -> None:
    """The posting disappears from every read; applications stay as the workers' history."""
    now = deps.now()
    with deps.uow as uow:
        current = _managed_posting(uow, principal, posting_id, lock=True)
        _precondition(deps, if_match, current.version)
        update = {"version": current.version + 1, "updated_at": now}
        if current.status in (PostingStatus.open, PostingStatus.paused):
            update |= {"status": PostingStatus.closed, "closed_reason": DELETED_REASON, "closed_at": now}
        deleted = current.model_copy(update=update)
        if not uow.store.mark_posting_deleted(deleted, expected_version=current.version, at=now):
            raise _changed_concurrently()
        uow.publish(_posting_closed(deleted, DELETED_REASON, now))
    deps.wake()


def expire_due_postings(deps: Deps, *, batch: int = 200) -> int:
    """Expire live postings whose deadline day is over; one transaction per batch."""
    today, now, total = deps.today(), deps.now(), 0
    while True:
        with deps.uow as uow:
            due = uow.store.due_postings(today, batch)
            for posting in due:
                _close(uow, posting, "expired", now)
        total += len(due)
        if due:
            deps.wake()
        if len(due) < batch:
            return total


# --- applications ------------------------------------------------------------------------------


def apply(deps: Deps, principal: Principal, posting_id: str, body: ApplicationIn, *,
          resolved: str | None = None) -> tuple[Application, bool]:
    """A worker applies once (or its agency for it); a second try answers the first application
    (created = False). `resolved`: the worker `applicant()` already resolved for this caller."""
    worker_id = resolved or applicant(deps, principal, body.worker_id)
    try:
        with deps.uow as uow:
            posting = uow.store.get_posting(posting_id, lock=True, shared=True)
            if posting is None:
                raise NotFound(f"no posting {posting_id}")
            existing = uow.store.application_of(posting_id, worker_id)
            if existing is not None:
                if body.share_contact:
                    _record_consent(uow, principal, posting_id, worker_id, ConsentBasis.application, deps.now())
                return existing, False
            if posting.status != PostingStatus.open:
                raise NotFound(f"no posting {posting_id}")  # non-open postings are not visible to workers
            if posting.deadline is not None and posting.deadline < deps.today():
                raise Conflict("the posting's deadline has passed")
            now = deps.now()
            application = Application(
                id=new_id("app"), posting_id=posting_id, org_id=posting.org_id, worker_id=worker_id,
                status=ApplicationStatus.submitted, message=body.message, version=1, created_at=now, updated_at=now,
            )
            uow.store.insert_application(application)
            uow.publish(_application_submitted(application))
            if body.share_contact:
                _record_consent(uow, principal, posting_id, worker_id, ConsentBasis.application, now)
    except StoreConflict:
        # The same worker applied concurrently and won the race: answer with that application.
        with deps.uow.read() as uow:
            existing = uow.store.application_of(posting_id, worker_id)
        if existing is None:
            raise
        return existing, False
    deps.wake()
    return application, True


def _application_for(deps: Deps, uow: UnitOfWork[JobsStore], principal: Principal, posting_id: str, application_id: str,
                     *, worker_side: bool = False, **lock) -> tuple[Application, str]:
    """The application and the caller's side (`worker` or `employer`). An agency is on the employer
    side for the orgs it acts for and on the worker side for the workers it manages; when it is
    both, `worker_side` (a move only the worker makes) decides."""
    posting = uow.store.get_posting(posting_id)
    if principal.role is Role.agency and posting is not None:
        application = uow.store.get_application(posting_id, application_id, **lock)
        if application is not None and (worker_side or not may_manage(principal, posting.org_id)) and \
                manages_worker(deps, uow, principal, application.worker_id):
            return application, "worker"
    if principal.role is Role.worker:
        # One answer whether the posting is missing or merely hidden (paused, closed): a worker
        # must not learn from the message that a non-open posting exists.
        application = uow.store.get_application(posting_id, application_id, **lock) if posting else None
        if application is None or application.worker_id != principal.subject:
            raise NotFound(f"no application {application_id}")
        return application, "worker"
    if posting is None:
        raise NotFound(f"no posting {posting_id}")
    if not may_manage(principal, posting.org_id):
        if may_read_posting(principal, posting.org_id, posting.status):
            raise Forbidden("only the posting's org, an agency acting for it, or an admin sees its applications")
        raise NotFound(f"no posting {posting_id}")
    application = uow.store.get_application(posting_id, application_id, **lock)
    if application is None:
        raise NotFound(f"no application {application_id}")
    return application, "employer"


def get_application(deps: Deps, principal: Principal, posting_id: str, application_id: str) -> Application:
    with deps.uow.read() as uow:
        return _application_for(deps, uow, principal, posting_id, application_id)[0]


def list_posting_applications(
    deps: Deps, principal: Principal, posting_id: str, status: ApplicationStatus | None, *, after: str | None, limit: int
) -> Page[Application]:
    with deps.uow.read() as uow:
        _managed_posting(uow, principal, posting_id)
        items = uow.store.list_applications(posting_id=posting_id, status=status, after_id=after, limit=limit + 1)
    return _page(items, limit)


def list_worker_applications(
    deps: Deps, principal: Principal, worker_id: str | None, status: ApplicationStatus | None, *, after: str | None, limit: int
) -> Page[Application]:
    with deps.uow.read() as uow:
        target = _target_worker(deps, uow, principal, worker_id)
        items = uow.store.list_applications(worker_id=target, status=status, after_id=after, limit=limit + 1)
    return _page(items, limit)


def change_application(
    deps: Deps, principal: Principal, posting_id: str, application_id: str, change: ApplicationChange, if_match: IfMatch
) -> Application:
    with deps.uow as uow:
        current, side = _application_for(deps, uow, principal, posting_id, application_id, lock=True,
                                         worker_side=change.status in SIDE_TARGETS["worker"])
        _precondition(deps, if_match, current.version)
        if current.status == change.status:
            return current  # already there: nothing changes, nothing is announced
        other_side = "employer" if side == "worker" else "worker"
        if change.status in SIDE_TARGETS[other_side]:
            raise Forbidden(f"only the {other_side} side may set an application to {change.status.value}")
        check_application_move(side, current.status, change.status)
        updated = current.model_copy(
            update={"status": change.status, "version": current.version + 1, "updated_at": deps.now()}
        )
        if not uow.store.update_application(updated, expected_version=current.version):
            raise _changed_concurrently()
        uow.publish(_application_updated(updated, current.status))
    deps.wake()
    return updated


# --- invitations -------------------------------------------------------------------------------


def invite(deps: Deps, principal: Principal, posting_id: str, body: InvitationIn) -> tuple[Invitation, bool]:
    """Invite a worker once per posting. A pending or accepted invitation is answered again
    (created = False); an expired one is sent anew; a declined one is final (409)."""
    try:
        with deps.uow as uow:
            posting = _managed_posting(uow, principal, posting_id, lock=True, shared=True)
            if posting.status != PostingStatus.open:
                raise Conflict(f"the posting is {posting.status.value}; only open postings invite")
            now = deps.now()
            existing = uow.store.invitation_of(posting_id, body.worker_id, lock=True)
            events: list[CloudEvent] = []
            if existing is None:
                invitation = Invitation(
                    id=new_id("inv"), posting_id=posting_id, org_id=posting.org_id, worker_id=body.worker_id,
                    status=InvitationStatus.pending, message=body.message, expires_at=now + deps.invitation_ttl,
                    version=1, created_at=now, updated_at=now,
                )
                uow.store.insert_invitation(invitation)
                events.append(_invitation_sent(invitation))
            else:
                if existing.status == InvitationStatus.declined:
                    raise Conflict("the worker declined this posting's invitation")
                if existing.status == InvitationStatus.accepted or (
                    existing.status == InvitationStatus.pending and existing.expires_at > now
                ):
                    return existing, False
                version = existing.version
                if existing.status == InvitationStatus.pending:
                    # Past its expiry but not swept yet: record the expiry before sending anew.
                    version += 1
                    lapsed = existing.model_copy(update={"status": InvitationStatus.expired, "answered_at": existing.expires_at, "version": version, "updated_at": now})
                    events.append(_invitation_answered(lapsed))
                invitation = existing.model_copy(
                    update={"status": InvitationStatus.pending, "message": body.message, "answered_at": None,
                            "expires_at": now + deps.invitation_ttl, "version": version + 1, "updated_at": now}
                )
                if not uow.store.update_invitation(invitation, expected_version=existing.version):
                    raise _changed_concurrently()
                events.append(_invitation_sent(invitation))
            uow.publish(*events)
    except StoreConflict:
        with deps.uow.read() as uow:
            existing = uow.store.invitation_of(posting_id, body.worker_id)
        if existing is None:
            raise
        return existing, False
    deps.wake()
    return invitation, True


def _invitation_for(deps: Deps, uow: UnitOfWork[JobsStore], principal: Principal, invitation_id: str, **lock) -> Invitation:
    invitation = uow.store.get_invitation(invitation_id, **lock)
    if invitation is None:
        raise NotFound(f"no invitation {invitation_id}")
    if principal.role is Role.worker and invitation.worker_id == principal.subject:
        return invitation
    if may_manage(principal, invitation.org_id):
        return invitation
    if principal.role is Role.agency and manages_worker(deps, uow, principal, invitation.worker_id):
        return invitation
    raise NotFound(f"no invitation {invitation_id}")


def get_invitation(deps: Deps, principal: Principal, invitation_id: str) -> Invitation:
    with deps.uow.read() as uow:
        return _invitation_for(deps, uow, principal, invitation_id)


def answer_invitation(deps: Deps, principal: Principal, invitation_id: str, *, accept: bool,
                      share_contact: bool = False) -> Invitation:
    with deps.uow as uow:
        current = _invitation_for(deps, uow, principal, invitation_id, lock=True)
        if principal.role not in (Role.worker, Role.agency) or not manages_worker(deps, uow, principal, current.worker_id):
            raise Forbidden("only the invited worker, or the agency managing it, answers an invitation")
        now = deps.now()
        check_answerable(current, now)
        if accept:
            posting = uow.store.get_posting(current.posting_id)
            if posting is None or posting.status != PostingStatus.open:
                raise Conflict("the posting is no longer open")
        answered = current.model_copy(
            update={"status": InvitationStatus.accepted if accept else InvitationStatus.declined,
                    "answered_at": now, "version": current.version + 1, "updated_at": now}
        )
        if not uow.store.update_invitation(answered, expected_version=current.version):
            raise _changed_concurrently()
        uow.publish(_invitation_answered(answered))
        if accept and share_contact:
            _record_consent(uow, principal, current.posting_id, current.worker_id, ConsentBasis.acceptance, now)
    deps.wake()
    return answered


def list_worker_invitations(
    deps: Deps, principal: Principal, worker_id: str | None, status: InvitationStatus | None, *, after: str | None, limit: int
) -> Page[Invitation]:
    with deps.uow.read() as uow:
        target = _target_worker(deps, uow, principal, worker_id)
        items = uow.store.list_invitations(worker_id=target, status=status, after_id=after, limit=limit + 1)
    return _page(items, limit)


def list_posting_invitations(
    deps: Deps, principal: Principal, posting_id: str, status: InvitationStatus | None, *, after: str | None, limit: int
) -> Page[Invitation]:
    with deps.uow.read() as uow:
        _managed_posting(uow, principal, posting_id)
        items = uow.store.list_invitations(posting_id=posting_id, status=status, after_id=after, limit=limit + 1)
    return _page(items, limit)


def expire_due_invitations(deps: Deps, *, batch: int = 200) -> int:
    """Pending invitations past expires_at become expired (invitation.answered, answer expired)."""
    now, total = deps.now(), 0
    while True:
        with deps.uow as uow:
            due = uow.store.due_invitations(now, batch)
            for invitation in due:
                lapsed = invitation.model_copy(
                    update={"status": InvitationStatus.expired, "answered_at": invitation.expires_at,
                            "version": invitation.version + 1, "updated_at": now}
                )
                if not uow.store.update_invitation(lapsed, expected_version=invitation.version):
                    raise _changed_concurrently()
                uow.publish(_invitation_answered(lapsed))
        total += len(due)
        if due:
            deps.wake()
        if len(due) < batch:
            return total


# --- the handshake -----------------------------------------------------------------------------


def worker_contact(deps: Deps, principal: Principal, posting_id: str, worker_id: str) -> PostingContact:
    """A worker's contact data for one posting's org: after mutual interest, with the worker's consent.

    Mutual interest is an accepted invitation, or an application the org shortlisted or hired
    (403 `no-mutual-interest` before). Consent (PIPL art. 23, for this employer) is the worker's
    word for this posting (application, acceptance or later grant), else `consent.share_contact`
    on the profile, else — when the managing agency gave it — the consent the profile records the
    agency holds; a withdrawal for this posting overrides them all (403 `contact-consent-missing`).
    Profiles checks the consents it owns, records the disclosure and answers the contact in one
    transaction; contact data is never stored here.
    """
    with deps.uow.read() as uow:
        posting = _readable_posting(uow, principal, posting_id)
        if principal.role not in (Role.employer, Role.agency) or not principal.may_act_for_org(posting.org_id):
            raise Forbidden("contact data goes only to the posting's org (or an agency acting for it)")
        invitation = uow.store.invitation_of(posting_id, worker_id)
        application = uow.store.application_of(posting_id, worker_id)
        consent = uow.store.contact_consent_of(posting_id, worker_id)
    if invitation is not None and invitation.status == InvitationStatus.accepted:
        basis = ContactBasis.invitation_accepted
    elif application is not None and application.status in MUTUAL_INTEREST_APPLICATION:
        basis = (ContactBasis.application_hired if application.status == ApplicationStatus.hired
                 else ContactBasis.application_shortlisted)
    else:
        raise NoMutualInterest(
            "contact data is shared only after mutual interest: an accepted invitation, "
            "or an application the employer shortlisted or hired"
        )
    offered = _offered_consents(consent)
    if not offered:
        raise ContactConsentMissing(
            "the consent to give this employer the worker's contact data was withdrawn for this posting"
        )
    disclosed = deps.profiles.disclose_contact(
        worker_id, posting_id=posting_id, viewer_role=principal.role.value, viewer_id=principal.subject,
        viewer_org=posting.org_id, offered=offered,
    )
    if disclosed is None:
        raise NotFound(f"no worker {worker_id}")
    card = disclosed.model_dump(include={"name", "phone", "email"})
    return PostingContact(**card, posting_id=posting_id, worker_id=worker_id, basis=basis,
                          consent=disclosed.consent, disclosure_id=disclosed.disclosure_id)


def _offered_consents(consent: ContactConsent | None) -> list[tuple[ConsentBasis, str | None]]:
    """The consents a reveal may rest on, best first: the worker's own word for this posting; else
    the profile's share_contact; and after an agency's word, the consent the profile records it holds."""
    if consent is None:
        return [(ConsentBasis.profile, None)]
    if consent.status is ConsentStatus.withdrawn:
        return []
    if consent.given_by == "worker":
        return [(consent.basis, None)]
    return [(ConsentBasis.profile, None), (ConsentBasis.agency, consent.agency_id)]


# --- contact consent for one posting ------------------------------------------------------------


def _consent_giver(principal: Principal) -> tuple[str, str | None]:
    """Whose word a consent is: the person's (its own worker token) or an agency's (an agency
    token, or a worker token the agency minted: the `act` claim names the agency)."""
    if principal.role is Role.worker:
        return ("worker", None) if principal.actor is None else ("agency", principal.actor)
    if principal.role is Role.agency and principal.org:
        return "agency", principal.org
    raise Forbidden(
        "body.share_contact: only the worker, or the agency managing it, gives the worker's consent to share contact data",
        errors=[{"field": "body.share_contact", "message": "not a consent this caller can give", "type": "forbidden"}],
    )


def _record_consent(uow: UnitOfWork[JobsStore], principal: Principal, posting_id: str, worker_id: str,
                    basis: ConsentBasis, now: dt.datetime) -> ContactConsent:
    """Record a consent given for this posting. An agency's word never replaces the worker's own."""
    given_by, agency_id = _consent_giver(principal)
    current = uow.store.contact_consent_of(posting_id, worker_id)
    if (current is not None and current.status is ConsentStatus.granted and current.given_by == "worker"
            and given_by == "agency"):
        return current
    consent = ContactConsent(posting_id=posting_id, worker_id=worker_id, status=ConsentStatus.granted, basis=basis,
                             given_by=given_by, agency_id=agency_id, updated_at=now)
    uow.store.put_contact_consent(consent)
    return consent


def _consenting_worker(deps: Deps, uow: UnitOfWork[JobsStore], principal: Principal, posting_id: str,
                       worker_id: str | None, *, field: str = "query.worker_id") -> str:
    """The worker whose consent for this posting the caller speaks of: a worker its own; an agency
    a worker it manages, named. The worker must have applied to or been invited to the posting."""
    if principal.role is Role.worker:
        if worker_id is not None and worker_id != principal.subject:
            raise NotFound(f"no application or invitation of worker {worker_id} on posting {posting_id}")
        worker_id = principal.subject
    elif principal.role is Role.agency:
        if worker_id is None:
            raise InvalidInput.field(field, "required: the worker this agency speaks for")
        if not manages_worker(deps, uow, principal, worker_id):
            raise Forbidden(f"your agency does not manage worker {worker_id}")
    else:
        raise Forbidden(f"role {principal.role.value} may not give or withdraw a worker's consent")
    posting = uow.store.get_posting(posting_id)
    engaged = posting is not None and (
        uow.store.application_of(posting_id, worker_id) is not None
        or uow.store.invitation_of(posting_id, worker_id) is not None
    )
    if not engaged:
        # one answer whether the posting is missing, hidden, or has nothing of this worker
        raise NotFound(f"no application or invitation of worker {worker_id} on posting {posting_id}")
    return worker_id


def grant_contact_consent(deps: Deps, principal: Principal, posting_id: str, worker_id: str | None) -> ContactConsent:
    """The worker (or its agency) consents, later, to give this posting's org its contact data."""
    with deps.uow as uow:
        worker_id = _consenting_worker(deps, uow, principal, posting_id, worker_id, field="body.worker_id")
        return _record_consent(uow, principal, posting_id, worker_id, ConsentBasis.grant, deps.now())


def withdraw_contact_consent(deps: Deps, principal: Principal, posting_id: str, worker_id: str | None) -> ContactConsent:
    """Withdraw the consent for this posting: from now on its org is refused the contact, whatever
    the profile's share_contact says (a contact already read cannot be taken back)."""
    with deps.uow as uow:
        worker_id = _consenting_worker(deps, uow, principal, posting_id, worker_id)
        given_by, agency_id = _consent_giver(principal)
        consent = ContactConsent(posting_id=posting_id, worker_id=worker_id, status=ConsentStatus.withdrawn,
                                 basis=ConsentBasis.grant, given_by=given_by, agency_id=agency_id,
                                 updated_at=deps.now())
        uow.store.put_contact_consent(consent)
    return consent


def get_contact_consent(deps: Deps, principal: Principal, posting_id: str, worker_id: str | None) -> ContactConsent:
    """The worker's last word on this posting (404 when it said none: the profile's consent applies)."""
    with deps.uow.read() as uow:
        worker_id = _consenting_worker(deps, uow, principal, posting_id, worker_id)
        consent = uow.store.contact_consent_of(posting_id, worker_id)
    if consent is None:
        raise NotFound("no consent given or withdrawn for this posting; the profile's consent.share_contact applies")
    return consent


# --- which agency manages a worker ----------------------------------------------------------------


def record_worker_agency(deps: Deps, worker_id: str, agency_id: str | None, version: int) -> bool:
    """worker.upserted: remember the worker's managing agency (an older version changes nothing)."""
    with deps.uow as uow:
        return uow.store.record_worker_agency(worker_id, agency_id, version)


def forget_worker_agency(deps: Deps, worker_id: str, erased_version: int | None = None) -> None:
    """worker.erased: forgotten, unless the read model already holds the person's newer profile."""
    with deps.uow as uow:
        uow.store.forget_worker_agency(worker_id, erased_version)


# --- erasure -----------------------------------------------------------------------------------


def erase_worker(deps: Deps, worker_id: str, *, version: int | None = None) -> int:
    """worker.erased: the person's applications and invitations go (idempotent: a replay finds none).

    Erasure is an end, not a ban: a person may register again under the same id, their versions
    continuing above the erasure's. An old erasure delivered again once the read model of worker
    agencies holds that newer profile changes nothing. (Before that read model has seen it, the
    erasure still applies: a comeback racing a redelivered erasure errs on the side of privacy.)"""
    with deps.uow as uow:
        if version is not None and (uow.store.known_worker_version(worker_id) or -1) > version:
            return 0
        removed = uow.store.erase_worker(worker_id)
    forget_replays_naming(deps.key_value, worker_id)  # cached answers with the messages, then the WAL
    deps.after_erasure()
    return removed
