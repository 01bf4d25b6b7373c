"""What happens for each command of the profiles service: one function each, `deps` first.

The handler shape of every service (docs/kit.md, "Unit of work"): a plain function
`command(deps, principal, …) -> result`; `deps` holds the unit of work (`deps.uow`) and the
other collaborators. Every write is one `with deps.uow as uow:` — the row(s) through `uow.store`
and their event through `uow.publish`, one commit — and the relay is woken after commit. Reads
check ownership (DESIGN §3): a role that may never touch profiles gets 403 before anything is looked
up; a caller who could own some profile but not this one gets 404, so ids cannot be probed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.common.auth import Principal, Role, TokenIssuer
from services.common.contracts import SkillLevel
from services.common.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionRequired,
    RateLimited,
    StaleVersion,
    Unavailable,
)
from services.common.events import ImportCompleted, make_event
from services.common.ports import KeyValue
from services.common.uow import StoreRefused, StoreUnavailable, UnitOfWork
from services.profiles import domain, import_format
from services.profiles.domain import ProfileState, WorkerIn
from services.profiles.store import ImportJob, ProfilesStore, WorkerFilter

log = logging.getLogger(__name__)

IfMatch = int | str | None  # a version, "*", or absent
# one answer whether the profile is missing or just not the caller's: ids cannot be probed
NO_SUCH_WORKER = "no such worker, or not one you may see"


@dataclass(frozen=True)
class Deps:
    """What the handlers run on; built once in app.py (unit tests build it on a fake store)."""

    uow: UnitOfWork[ProfilesStore]
    token_issuer: TokenIssuer
    key_value: KeyValue
    # require If-Match on writes to a profile an agency manages (two editors)
    require_if_match_when_managed: bool = True
    # after an erasure commits: the erased rows' old pages leave the WALs too
    after_erasure: Callable[[], None] = field(default=lambda: None)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def check_precondition(wanted: IfMatch, current_version: int, *, required: bool) -> None:
    """412 when If-Match names another version; 428 when it is required and absent."""
    if wanted is None:
        if required:
            raise PreconditionRequired(
                "this profile is managed by an agency: send If-Match with the ETag you last read"
            )
        return
    if wanted != "*" and wanted != current_version:
        raise StaleVersion(f"the profile is at version {current_version}, not {wanted}; read it again")


def apply_change(
    uow: UnitOfWork[ProfilesStore],
    principal: Principal,
    current: ProfileState,
    worker: WorkerIn,
    *,
    agency_provided: bool,
    requested_agency: str | None,
    traceparent: str | None = None,
    field_prefix: str = "body",
) -> ProfileState:
    """Write a new version of `current` from a validated document (a no-op change writes nothing),
    inside the caller's open unit of work."""
    agency_id = domain.agency_for_update(principal, current.agency_id, requested_agency, agency_provided,
                                         field=f"{field_prefix}.agency_id" if field_prefix else "agency_id")
    if agency_id != worker.agency_id:
        worker = worker.model_copy(update={"agency_id": agency_id})
    domain.check_certificates(principal, current.id, current.agency_id, worker, current.document,
                              prefix=field_prefix)
    if domain.turns_share_contact_on(worker, current.document):  # the record is read only when it matters
        held = uow.store.agency_contact_consent_of(current.id)
        domain.check_share_contact(principal, current.id, worker, current.document,
                                   held.agency_id if held else None, prefix=field_prefix)
    document, contact = domain.split_document(worker)
    if document == current.document and contact == current.contact:
        return current
    now = utcnow()
    state = ProfileState(id=current.id, version=current.version + 1, document=document, contact=contact,
                         created_at=current.created_at, updated_at=now)
    codes = domain.occupation_codes(document)
    uow.store.update_worker(state, None if codes == domain.occupation_codes(current.document) else codes)
    uow.publish(domain.upserted_event(
        worker, worker_id=state.id, version=state.version, created_at=state.created_at, updated_at=now,
        traceparent=traceparent))
    return state


@dataclass(frozen=True)
class Limits:
    """Bounds of the bulk import (settings PROFILES_IMPORT_*)."""

    max_rows: int = 100_000
    max_bytes: int = 256 * 1024 * 1024
    max_row_bytes: int = 64 * 1024
    batch_size: int = 500
    max_queued: int = 4


# --- authorisation -------------------------------------------------------------------------------


def _may_touch_profiles(principal: Principal) -> None:
    if principal.role not in (Role.worker, Role.agency, Role.admin):
        raise Forbidden(f"role {principal.role.value} may not read or write worker profiles")


def _owned(principal: Principal, state: ProfileState | None, worker_id: str) -> ProfileState:
    if state is None or not principal.may_manage_worker(worker_id, state.agency_id):
        raise NotFound(NO_SUCH_WORKER)
    return state


def _precondition_required(deps: Deps, state: ProfileState) -> bool:
    # Two parties (the worker and its agency) edit a managed profile: blind writes would lose updates.
    return deps.require_if_match_when_managed and state.agency_id is not None


# --- create --------------------------------------------------------------------------------------


def create_worker(
    deps: Deps,
    principal: Principal,
    worker: WorkerIn,
    *,
    replay_key: str | None = None,
    traceparent: str | None = None,
) -> tuple[ProfileState, str | None]:
    """A new profile; a worker creates its own (id = its subject), an agency or admin gets a new id
    and a worker token for it."""
    domain.may_create(principal)
    agency_id = domain.agency_for_create(principal, worker.agency_id)
    if agency_id != worker.agency_id:
        worker = worker.model_copy(update={"agency_id": agency_id})
    if principal.role is Role.worker:
        worker_id = principal.subject
        if not domain.ID_PATTERN.match(worker_id):
            raise Forbidden("this worker token's subject cannot be a worker id")
    else:
        worker_id = domain.new_worker_id()
    domain.check_certificates(principal, worker_id, agency_id, worker, None)
    domain.check_share_contact(principal, worker_id, worker, None, None)
    document, contact = domain.split_document(worker)
    now = utcnow()
    with deps.uow as uow:
        version = 1
        if principal.role is Role.worker:
            # a person who erased their profile and comes back continues above the erased version
            erased = uow.store.erased_version(worker_id)
            version = erased + 1 if erased else 1
        state = ProfileState(id=worker_id, version=version, document=document, contact=contact,
                             created_at=now, updated_at=now)
        uow.store.add_worker(state, domain.occupation_codes(document), replay_key)
        uow.publish(domain.upserted_event(
            worker, worker_id=worker_id, version=version, created_at=now, updated_at=now, traceparent=traceparent))
    token = None
    if principal.role is not Role.worker:
        token = _worker_token_for(deps, principal, worker_id)
    return state, token


# --- read ----------------------------------------------------------------------------------------


def get_worker(deps: Deps, principal: Principal, worker_id: str) -> ProfileState:
    """The profile for its owners; a `service` token (another service) may read any, never write."""
    if principal.role is not Role.service:
        _may_touch_profiles(principal)
    if principal.role is Role.worker and principal.subject != worker_id:
        raise NotFound(NO_SUCH_WORKER)
    with deps.uow.read() as uow:
        state = uow.store.get_worker(worker_id)
    if principal.role is Role.service:
        if state is None:
            raise NotFound(NO_SUCH_WORKER)
        return state
    return _owned(principal, state, worker_id)


def contact_of(deps: Deps, principal: Principal, worker_id: str) -> domain.ContactCard:
    """Contact data for the worker, its agency or an admin. Another service reads it only through
    `disclose_contact`, which checks the consent and records the disclosure."""
    if principal.role is Role.service:
        raise Forbidden("a service reads contact data through POST /v1/workers/{id}/contact-disclosures, "
                        "which checks the worker's consent and records the disclosure")
    if principal.role not in (Role.worker, Role.agency, Role.admin):
        raise Forbidden(f"role {principal.role.value} may not read contact data")
    with deps.uow.read() as uow:
        state = uow.store.get_worker(worker_id)
    if state is None or not principal.may_manage_worker(worker_id, state.agency_id):
        raise NotFound(NO_SUCH_WORKER)
    return domain.ContactCard(
        name=state.document["name"],
        phone=state.contact.get("phone"),
        email=state.contact.get("email"),
        share_contact=bool((state.document.get("consent") or {}).get("share_contact")),
    )


def list_workers(
    deps: Deps,
    principal: Principal,
    *,
    limit: int,
    after: str | None,
    status: str | None = None,
    region: str | None = None,
    occupation: str | None = None,
    level: SkillLevel | None = None,
    min_level: SkillLevel | None = None,
    agency_id: str | None = None,
) -> tuple[list[ProfileState], str | None]:
    """An agency's own workers or, for an admin, everyone's; one page plus the next cursor id."""
    if principal.role not in (Role.agency, Role.admin):
        raise Forbidden(f"role {principal.role.value} may not list workers")
    if principal.role is Role.agency:
        if agency_id is not None and agency_id != principal.org:
            raise domain.field_forbidden("query.agency_id", "an agency lists its own workers only")
        scope = WorkerFilter(agency_id=principal.org, acts_for=principal.acts_for, restricted=True)
    else:
        scope = WorkerFilter(agency_id=agency_id)
    where = WorkerFilter(
        agency_id=scope.agency_id,
        acts_for=scope.acts_for,
        restricted=scope.restricted,
        status=status,
        region=domain.check_region_filter(region),
        occupation=domain.check_occupation_filter(occupation),
        level=level.value if level else None,
        min_level_rank=min_level.rank if min_level else None,
    )
    with deps.uow.read() as uow:
        rows = uow.store.list_workers(where, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)


# --- replace and patch ---------------------------------------------------------------------------


def replace_worker(
    deps: Deps,
    principal: Principal,
    worker_id: str,
    worker: WorkerIn,
    *,
    if_match: IfMatch,
    traceparent: str | None = None,
) -> ProfileState:
    """PUT: the whole profile; `agency_id` left out keeps the managing agency."""
    _may_touch_profiles(principal)
    provided = "agency_id" in worker.model_fields_set

    def rewrite(current: ProfileState) -> WorkerIn:
        return worker

    return _rewrite(deps, principal, worker_id, rewrite, if_match=if_match, agency_provided=provided,
                    requested_agency=worker.agency_id, traceparent=traceparent)


def patch_worker(
    deps: Deps,
    principal: Principal,
    worker_id: str,
    patch: Any,
    *,
    if_match: IfMatch,
    traceparent: str | None = None,
) -> ProfileState:
    """PATCH (RFC 7396 merge patch): the merged profile is validated like a PUT body."""
    _may_touch_profiles(principal)
    patch = domain.check_patch(patch)

    def rewrite(current: ProfileState) -> WorkerIn:
        return domain.validate_worker(domain.merge_patch(current.as_input(), patch))

    return _rewrite(deps, principal, worker_id, rewrite, if_match=if_match, agency_provided="agency_id" in patch,
                    requested_agency=patch.get("agency_id"), traceparent=traceparent)


def _rewrite(
    deps: Deps,
    principal: Principal,
    worker_id: str,
    rewrite: Callable[[ProfileState], WorkerIn],
    *,
    if_match: IfMatch,
    agency_provided: bool,
    requested_agency: str | None,
    traceparent: str | None,
) -> ProfileState:
    if principal.role is Role.worker and principal.subject != worker_id:
        raise NotFound(NO_SUCH_WORKER)
    with deps.uow as uow:
        current = _owned(principal, uow.store.get_worker(worker_id, for_update=True), worker_id)
        check_precondition(if_match, current.version, required=_precondition_required(deps, current))
        worker = rewrite(current)
        return apply_change(uow, principal, current, worker, agency_provided=agency_provided,
                            requested_agency=requested_agency, traceparent=traceparent)


# --- erase ---------------------------------------------------------------------------------------


def erase_worker(
    deps: Deps,
    principal: Principal,
    worker_id: str,
    *,
    if_match: IfMatch,
    request_id: str | None = None,
    traceparent: str | None = None,
) -> None:
    """DELETE: the person's data leaves the store; an erasure record without personal data stays."""
    _may_touch_profiles(principal)
    if principal.role is Role.worker and principal.subject != worker_id:
        raise NotFound(NO_SUCH_WORKER)
    now = utcnow()
    with deps.uow as uow:
        current = _owned(principal, uow.store.get_worker(worker_id, for_update=True), worker_id)
        # erasure is the person's right: If-Match is honoured but never required
        check_precondition(if_match, current.version, required=False)
        replay_key = uow.store.replay_key_of(worker_id)
        version = current.version + 1
        uow.store.erase_worker(worker_id, erased_at=now, version=version, actor_role=principal.role.value,
                               actor_id=principal.subject, request_id=request_id)
        uow.publish(domain.erased_event(worker_id, version=version, erased_at=now, traceparent=traceparent))
        if replay_key:
            # The cached first answer of the creating POST holds contact data. It goes before the
            # commit: if the key-value store is down the erasure rolls back (503, retry) instead of
            # committing and leaving that copy behind with no row left to find it by.
            try:
                deps.key_value.delete(replay_key)
            except Exception as exc:  # noqa: BLE001 — any adapter's failure means "not deleted"
                log.warning("erasure of a worker rolled back: key-value store failed (%s)", type(exc).__name__)
                raise Unavailable("the key-value store is unavailable, nothing was erased; retry later") from None
    deps.after_erasure()  # the erased rows' old pages leave the WALs too


# --- tokens --------------------------------------------------------------------------------------


def worker_token(deps: Deps, principal: Principal, worker_id: str) -> domain.WorkerToken:
    """A fresh worker token, for the managing agency or an admin to hand to the person."""
    if principal.role not in (Role.agency, Role.admin):
        raise Forbidden(f"role {principal.role.value} may not issue worker tokens")
    with deps.uow.read() as uow:
        _owned(principal, uow.store.get_worker(worker_id), worker_id)
    return domain.WorkerToken(worker_id=worker_id, worker_token=_worker_token_for(deps, principal, worker_id),
                              expires_in=deps.token_issuer.ttl_s)


def _worker_token_for(deps: Deps, principal: Principal, worker_id: str) -> str:
    """A worker token for an agency or admin to hand over. An agency's carries `act` (RFC 8693)
    naming the agency: what is said through it on the worker's behalf counts as the agency's."""
    actor = principal.org if principal.role is Role.agency else None
    return deps.token_issuer.issue(Role.worker, worker_id, actor=actor)


# --- contact consent and disclosures -------------------------------------------------------------


def agency_contact_consent(deps: Deps, principal: Principal, worker_id: str) -> domain.AgencyContactConsent:
    """The record that the managing agency holds the worker's consent (worker, its agency, admin)."""
    _may_touch_profiles(principal)
    with deps.uow.read() as uow:
        _owned(principal, uow.store.get_worker(worker_id), worker_id)
        held = uow.store.agency_contact_consent_of(worker_id)
    if held is None:
        raise NotFound("no agency holds this worker's consent to share contact data")
    return held


def record_agency_contact_consent(deps: Deps, principal: Principal, worker_id: str,
                                  body: domain.AgencyContactConsentIn) -> domain.AgencyContactConsent:
    """The worker itself (its own token, not one an agency minted) or an admin records that the
    managing agency holds the worker's consent to pass its contact data on."""
    _may_touch_profiles(principal)
    with deps.uow as uow:
        current = _owned(principal, uow.store.get_worker(worker_id, for_update=True), worker_id)
        if not (principal.role is Role.admin or domain.speaks_as_the_worker(principal, worker_id)):
            raise Forbidden("only the worker itself (with its own token) or an admin records that an agency "
                            "holds the worker's consent")
        if current.agency_id is None:
            raise Conflict("the profile has no managing agency to hold the consent")
        held = domain.AgencyContactConsent(
            worker_id=worker_id, agency_id=current.agency_id, basis=body.basis, recorded_at=utcnow(),
            recorded_by_role=principal.role.value, recorded_by=principal.subject,
        )
        uow.store.put_agency_contact_consent(held)
    return held


def withdraw_agency_contact_consent(deps: Deps, principal: Principal, worker_id: str) -> None:
    """The worker, an admin, or the agency itself removes the record: agency consent no longer counts."""
    _may_touch_profiles(principal)
    with deps.uow as uow:
        _owned(principal, uow.store.get_worker(worker_id, for_update=True), worker_id)
        if not uow.store.delete_agency_contact_consent(worker_id):
            raise NotFound("no agency holds this worker's consent to share contact data")


def disclose_contact(deps: Deps, principal: Principal, worker_id: str,
                     request: domain.DisclosureRequest) -> domain.DisclosedContact:
    """A service (jobs, after mutual interest) reads the contact for an employer: on the first
    offered consent that holds, the disclosure is recorded and the contact answered in one
    transaction; with none, 403 `contact-consent-missing`."""
    if principal.role is not Role.service:
        raise Forbidden("only a service records a contact disclosure (employers read contact through jobs)")
    now = utcnow()
    with deps.uow as uow:
        state = uow.store.get_worker(worker_id, for_update=True)
        if state is None:
            raise NotFound(NO_SUCH_WORKER)
        chosen = _holding_consent(uow.store, state, request.offered)
        if chosen is None:
            raise domain.ContactConsentMissing(
                "the worker has not consented to give this employer its contact data: it needs "
                "consent.share_contact on the profile, \"share_contact\": true in the application or the "
                "acceptance, or a grant for this posting (POST /v1/postings/{id}/contact-consent)")
        disclosure = domain.ContactDisclosure(
            id=domain.new_disclosure_id(), worker_id=worker_id, org_id=request.viewer_org,
            posting_id=request.posting_id, viewer_role=request.viewer_role, viewer_id=request.viewer_id,
            basis=chosen.basis, agency_id=chosen.agency_id if chosen.basis == "agency" else None,
            disclosed_at=now,
        )
        uow.store.add_contact_disclosure(disclosure)
    contact = {"name": state.document["name"], "phone": state.contact.get("phone"),
               "email": state.contact.get("email")}
    return domain.DisclosedContact(contact=contact, disclosure=disclosure)


def _holding_consent(store: ProfilesStore, state: ProfileState,
                     offered: list[domain.DisclosureOffer]) -> domain.DisclosureOffer | None:
    for offer in offered:
        if offer.basis == "profile":
            if (state.document.get("consent") or {}).get("share_contact") is True:
                return offer
        elif offer.basis == "agency":
            held = store.agency_contact_consent_of(state.id)
            if (held is not None and offer.agency_id is not None
                    and held.agency_id == offer.agency_id == state.agency_id):
                return offer
        else:
            return offer  # the worker's own word for the posting, kept by jobs
    return None


def list_contact_disclosures(deps: Deps, principal: Principal, worker_id: str, *, after: str | None,
                             limit: int) -> tuple[list[domain.ContactDisclosure], str | None]:
    """Who was given the worker's contact data: for the worker, its agency or an admin."""
    _may_touch_profiles(principal)
    if principal.role is Role.worker and principal.subject != worker_id:
        raise NotFound(NO_SUCH_WORKER)
    with deps.uow.read() as uow:
        _owned(principal, uow.store.get_worker(worker_id), worker_id)
        items = uow.store.list_contact_disclosures(worker_id, after=after, limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return items, (items[-1].id if more and items else None)


# --- reading import jobs -------------------------------------------------------------------------


def get_import_job(deps: Deps, principal: Principal, job_id: str, *, outcome: str | None, after_row: int,
                   limit: int) -> tuple[ImportJob, list[dict[str, Any]]]:
    may_import(principal)
    with deps.uow.read() as uow:
        job = uow.store.get_import_job(job_id)
        if job is None or (principal.role is not Role.admin and
                           (job.owner_role, job.owner_id) != (principal.role.value, owner_of(principal))):
            raise NotFound(f"no import job {job_id!r}")
        results = uow.store.list_import_results(job_id, outcome=outcome, after_row=after_row, limit=limit)
    return job, results


# --- bulk import ---------------------------------------------------------------------------------


# a batch the store refuses is written again row by row (a busy store too, as before the unit of work)
REFUSED = (StoreRefused, StoreUnavailable, domain.AlreadyExists)


@dataclass
class RowOutcome:
    row: int
    outcome: str  # created | updated | failed
    worker_id: str | None = None
    errors: list[dict[str, str]] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "outcome": self.outcome, "worker_id": self.worker_id, "errors": self.errors}


@dataclass
class ParsedRow:
    row: int
    worker_id: str | None  # set: update this worker
    worker: WorkerIn
    agency_provided: bool


class ImportRunner:
    """Receives uploads into temporary files and processes them in one background thread per process.

    The upload is on local disk, so the process that received it processes it; a job whose process
    died is marked `interrupted` by the next start (its committed batches stay, with their events).
    """

    STALE_AFTER = dt.timedelta(minutes=15)
    KEEP_FINISHED = dt.timedelta(days=30)

    def __init__(self, uow: UnitOfWork[ProfilesStore], folder: Path, *, limits: Limits):
        self.uow = uow  # its after_commit wakes the relay once a batch's events are committed
        self.folder = Path(folder)
        self.limits = limits
        self._executor: ThreadPoolExecutor | None = None
        self._queued = 0
        self._queue_lock = threading.Lock()
        self._stopping = threading.Event()
        self._waiting: set[str] = set()  # submitted jobs not yet started

    # lifecycle: started with the app (not with its relay workers: the upload is local to this process)
    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._stopping.clear()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="profiles-import")
        now = utcnow()
        with self.uow as uow:
            for job_id in uow.store.stale_import_jobs(now - self.STALE_AFTER):
                finish_import_job(uow, job_id, "interrupted", now,
                                  detail="the process handling this import stopped; rows not listed were not imported")
            uow.store.purge_import_jobs(now - self.KEEP_FINISHED)
        self._remove_abandoned_uploads(now)

    def _remove_abandoned_uploads(self, now: dt.datetime) -> None:
        """Delete uploads a dead process left behind: they hold contact data no erasure would reach.

        An upload is abandoned when it is older than STALE_AFTER and its job is not queued or running
        (interrupted just above, finished, or never recorded because the process died in between).
        Younger files may belong to another process sharing this folder, so they stay.
        """
        cutoff = (now - self.STALE_AFTER).timestamp()
        for path in self.folder.glob("*.upload"):
            try:
                if path.stat().st_mtime >= cutoff:
                    continue
            except FileNotFoundError:
                continue
            with self.uow.read() as uow:
                job = uow.store.get_import_job(path.name.removesuffix(".upload"))
            if job is None or job.status not in ("queued", "running"):
                path.unlink(missing_ok=True)

    def stop(self) -> None:
        """Stop between batches: a running job ends `interrupted`, queued ones never start."""
        self._stopping.set()
        if self._executor:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        now = utcnow()
        for job_id in list(self._waiting):
            with self.uow as uow:
                finish_import_job(uow, job_id, "interrupted", now, detail="the service stopped before this import started")
            self.upload_path(job_id).unlink(missing_ok=True)
            self._waiting.discard(job_id)
            self.release()

    def upload_path(self, job_id: str) -> Path:
        return self.folder / f"{job_id}.upload"

    def reserve(self) -> None:
        with self._queue_lock:
            if self._queued >= self.limits.max_queued:
                raise RateLimited("too many imports are waiting in this process; retry later",
                                  headers={"Retry-After": "30"})
            self._queued += 1

    def release(self) -> None:
        with self._queue_lock:
            self._queued = max(0, self._queued - 1)

    def create_job(self, principal: Principal, job_id: str, fmt: str, codec: str, total: int) -> ImportJob:
        now = utcnow()
        job = ImportJob(id=job_id, owner_role=principal.role.value, owner_id=owner_of(principal), format=fmt,
                              charset=codec, status="queued", total=total, processed=0, ok=0, failed=0, detail=None,
                              created_at=now, updated_at=now, finished_at=None)
        with self.uow as uow:
            uow.store.create_import_job(job)
        return job

    def submit(self, principal: Principal, job: ImportJob, columns: list[str] | None) -> None:
        if self._executor is None:
            self.start()
        assert self._executor is not None
        self._waiting.add(job.id)
        self._executor.submit(self._run_safely, principal, job, columns)

    def _run_safely(self, principal: Principal, job: ImportJob, columns: list[str] | None) -> None:
        self._waiting.discard(job.id)
        try:
            self.run(principal, job, columns)
        except Exception as exc:  # the job must end in a state the client can see
            log.error("import %s failed: %s", job.id, type(exc).__name__)
            now = utcnow()
            with self.uow as uow:
                finish_import_job(uow, job.id, "failed", now,
                                  detail="the import stopped on an internal error; rows not listed were not imported")
        finally:
            self.release()
            self.upload_path(job.id).unlink(missing_ok=True)

    # --- processing ------------------------------------------------------------------------------

    def run(self, principal: Principal, job: ImportJob, columns: list[str] | None) -> None:
        now = utcnow()
        with self.uow as uow:
            uow.store.update_import_job(job.id, status="running", updated_at=now)
        seen_ids: dict[str, int] = {}
        batch: list[ParsedRow] = []
        failures: list[RowOutcome] = []
        for row, parsed in self._rows(job, columns):
            if isinstance(parsed, RowOutcome):
                failures.append(parsed)
            elif parsed.worker_id is not None and parsed.worker_id in seen_ids:
                failures.append(RowOutcome(row, "failed", errors=[
                    {"field": "id", "message": f"this id was already in row {seen_ids[parsed.worker_id]} of this upload"}]))
            else:
                if parsed.worker_id is not None:
                    seen_ids[parsed.worker_id] = row
                batch.append(parsed)
            if len(batch) + len(failures) >= self.limits.batch_size:
                self._commit_batch(principal, job.id, batch, failures)
                batch, failures = [], []
                if self._stopping.is_set():
                    now = utcnow()
                    with self.uow as uow:
                        finish_import_job(uow, job.id, "interrupted", now,
                                          detail="the service stopped; rows not listed were not imported")
                    return
        self._commit_batch(principal, job.id, batch, failures)
        now = utcnow()
        with self.uow as uow:
            finish_import_job(uow, job.id, "done", now)

    def _rows(self, job: ImportJob, columns: list[str] | None) -> Iterator[tuple[int, ParsedRow | RowOutcome]]:
        """Every record of the upload, numbered from 1 (CSV: the first row after the header)."""
        is_csv = job.format == import_format.CSV
        splitter = import_format.RecordSplitter(csv_quotes=is_csv, max_record_bytes=self.limits.max_row_bytes)
        index = 0  # records seen, the CSV header included
        with self.upload_path(job.id).open("rb") as upload:
            while True:
                chunk = upload.read(1 << 20)
                for record in splitter.feed(chunk) if chunk else splitter.finish():
                    index += 1
                    if is_csv and index == 1:
                        continue  # the header, checked when the upload came in
                    number = index - 1 if is_csv else index
                    yield number, self._parse(number, record, job, columns, first=index == 1)
                if not chunk:
                    return

    def _parse(self, row: int, record: bytes | import_format.RecordTooLong, job: ImportJob,
               columns: list[str] | None, *, first: bool) -> ParsedRow | RowOutcome:
        if isinstance(record, import_format.RecordTooLong):
            return RowOutcome(row, "failed", errors=[
                {"field": "row", "message": f"longer than {self.limits.max_row_bytes} bytes"}])
        try:
            text = import_format.decode_record(record, job.charset, first=first)
        except UnicodeDecodeError:
            return RowOutcome(row, "failed", errors=[{"field": "row", "message": import_format.not_decodable(job.charset)}])
        try:
            if job.format == import_format.CSV:
                document = import_format.parse_csv_row(columns or [], text)
            else:
                document = import_format.parse_jsonl(text)
            import_format.check_occupations(document)
        except import_format.RowError as exc:
            return RowOutcome(row, "failed", errors=exc.errors)
        worker_id = document.pop("id", None)
        if worker_id is not None and (not isinstance(worker_id, str) or not domain.ID_PATTERN.match(worker_id)):
            return RowOutcome(row, "failed", errors=[{"field": "id", "message": "not a worker id"}])
        try:
            worker = domain.validate_worker(document, prefix="")
        except InvalidInput as exc:
            return RowOutcome(row, "failed", errors=[{"field": e["field"], "message": e["message"]}
                                                     for e in exc.errors or []])
        # an import row never releases a worker from its agency (null = keep); PATCH does that on purpose
        return ParsedRow(row, worker_id, worker, agency_provided=document.get("agency_id") is not None)

    def _commit_batch(self, principal: Principal, job_id: str, batch: list[ParsedRow],
                      failures: list[RowOutcome]) -> None:
        """One transaction: the batch's profiles, their events, every row's outcome and the job's counts.

        If the store refuses the batch as a whole, its rows are written one transaction each, so a
        row the store refuses fails alone and never takes its neighbours with it.
        """
        if not batch and not failures:
            return
        try:
            with self.uow as uow:
                outcomes = self._write_rows(uow, principal, batch)
                self._record(uow, job_id, outcomes + failures)
        except REFUSED:
            log.warning("import %s: a batch was refused by the store; writing its rows one by one", job_id)
            for parsed in batch:
                try:
                    with self.uow as uow:
                        outcome = self._write_rows(uow, principal, [parsed])[0]
                        self._record(uow, job_id, [outcome])
                except REFUSED:
                    with self.uow as uow:
                        self._record(uow, job_id, [RowOutcome(parsed.row, "failed", errors=[
                            {"field": "row", "message": "the store refused this row"}])])
            with self.uow as uow:
                self._record(uow, job_id, failures)

    def _record(self, uow: UnitOfWork[ProfilesStore], job_id: str, outcomes: list[RowOutcome]) -> None:
        if not outcomes:
            return
        uow.store.add_import_results(job_id, [o.as_dict() for o in outcomes])
        failed = sum(1 for o in outcomes if o.outcome == "failed")
        uow.store.add_import_progress(job_id, processed=len(outcomes), ok=len(outcomes) - failed, failed=failed,
                                      at=utcnow())

    def _write_rows(self, uow: UnitOfWork[ProfilesStore], principal: Principal,
                    batch: list[ParsedRow]) -> list[RowOutcome]:
        outcomes: list[RowOutcome] = []
        now = utcnow()
        existing = uow.store.get_workers([p.worker_id for p in batch if p.worker_id], for_update=True)
        new_states: list[ProfileState] = []
        new_codes: list[list[str]] = []
        new_events = []
        for parsed in batch:
            try:
                if parsed.worker_id is None:
                    agency_id = domain.agency_for_create(principal, parsed.worker.agency_id, field="agency_id")
                    worker = parsed.worker
                    if agency_id != worker.agency_id:
                        worker = worker.model_copy(update={"agency_id": agency_id})
                    worker_id = domain.new_worker_id()
                    domain.check_certificates(principal, worker_id, agency_id, worker, None, prefix="")
                    domain.check_share_contact(principal, worker_id, worker, None, None, prefix="")
                    document, contact = domain.split_document(worker)
                    new_states.append(ProfileState(id=worker_id, version=1, document=document, contact=contact,
                                                   created_at=now, updated_at=now))
                    new_codes.append(domain.occupation_codes(document))
                    new_events.append(domain.upserted_event(worker, worker_id=worker_id, version=1,
                                                            created_at=now, updated_at=now))
                    outcomes.append(RowOutcome(parsed.row, "created", worker_id))
                else:
                    current = existing.get(parsed.worker_id)
                    if current is None or not principal.may_manage_worker(parsed.worker_id, current.agency_id):
                        outcomes.append(RowOutcome(parsed.row, "failed", errors=[
                            {"field": "id", "message": "no worker with this id that you manage"}]))
                        continue
                    # an import row updates like a PUT; If-Match does not apply to rows
                    state = apply_change(uow, principal, current, parsed.worker,
                                         agency_provided=parsed.agency_provided,
                                         requested_agency=parsed.worker.agency_id, field_prefix="")
                    existing[state.id] = state
                    outcomes.append(RowOutcome(parsed.row, "updated", state.id))
            except Forbidden as exc:
                outcomes.append(RowOutcome(parsed.row, "failed", errors=[
                    {"field": e["field"], "message": e["message"]} for e in exc.errors or []]
                    or [{"field": "row", "message": exc.detail}]))
        if new_states:
            uow.store.insert_workers(new_states, new_codes)
            uow.publish(*new_events)
        return outcomes


def finish_import_job(uow: UnitOfWork[ProfilesStore], job_id: str, status: str, now: dt.datetime, *,
                      detail: str | None = None) -> None:
    """End a job and, in the same transaction, announce it (`import.completed`, counts only): the
    agency learns its import finished from its inbox or webhook instead of polling."""
    uow.store.update_import_job(job_id, status=status, finished_at=now, updated_at=now,
                                **({"detail": detail} if detail is not None else {}))
    job = uow.store.get_import_job(job_id)
    if job is None:
        return
    data = ImportCompleted(
        id=job.id, owner_role="agency" if job.owner_role == Role.agency.value else "admin",
        org_id=job.owner_id if job.owner_role == Role.agency.value else None, status=status, format=job.format,
        total=job.total, processed=job.processed, ok=job.ok, failed=job.failed, detail=job.detail, finished_at=now,
        url=f"/v1/workers/import/{job.id}",
    )
    # one announcement per job: its entity version is fixed, so a replay is recognised as the same
    uow.publish(make_event("import.completed", data, subject=job.id, source=domain.SOURCE, entityversion=1))


def may_import(principal: Principal) -> None:
    if principal.role not in (Role.agency, Role.admin):
        raise Forbidden(f"role {principal.role.value} may not import workers")
    if principal.role is Role.agency and not principal.org:
        raise Forbidden("an agency token must carry its org to import workers")


def owner_of(principal: Principal) -> str:
    """Jobs belong to the agency's org (any of its staff may follow them) or to the admin subject."""
    return principal.org if principal.role is Role.agency and principal.org else principal.subject

