"""The jobs service's own models and rules: postings, their lifecycle, applications and invitations.

Pure Python and pydantic, no I/O. The API families follow the kit's convention:

- `PostingIn` (what a client writes: `PostingFields` plus the jobs service's stricter rules),
  `PostingCreate` (`PostingIn` plus the org an agency or admin posts for), `PostingPatch` (a JSON
  merge patch, validated as the merged whole) and `Posting` (what the service answers);
- `ApplicationIn` / `Application`, `InvitationIn` / `Invitation`, `ContactCard`;
- the allowed state transitions of a posting and of an application as explicit tables, and when
  an invitation may be answered, so an illegal move is refused in one place (`IllegalTransition`, 409);
- who may manage or read a posting (`may_manage`, `may_read_posting`, `managed_orgs`).

Rules that depend on the date (a deadline must not be past) take `today` as an argument, so they
are tested without a clock.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    field_validator,
)

from services.common import taxonomy
from services.common.auth import Principal, Role
from services.common.contracts import (
    Id,
    LongText,
    Name,
    Occupation,
    PostingFields,
    PostingKind,
    PostingStatus,
    RegionCode,
    SkillLevel,
    SkillRequirement,
    Strict,
    Text,
    Wage,
    WageUnit,
    WholeNumber,
)
from services.common.errors import Forbidden, IllegalTransition, InvalidInput

# --- limits (documented in docs/jobs.md) -------------------------------------------------------

# The highest wage that is still plausible per unit; above it the figure is almost surely a typo
# (an amount in fen, an extra zero) and would distort the wage guide prices built from postings.
WAGE_CEILING: dict[WageUnit, int] = {
    WageUnit.hour: 5_000,
    WageUnit.day: 50_000,
    WageUnit.month: 1_000_000,
    WageUnit.project: 10_000_000,
}
# max ≤ 10 × min: a wider range says nothing about the wage and skews the market figures.
WAGE_MAX_SPREAD = 10
# A deadline further ahead than this keeps a posting open indefinitely in practice.
DEADLINE_HORIZON = dt.timedelta(days=366)
# Occupation codes at group level (`6`, `6-18`) are too vague to match on.
SPECIFIC_OCCUPATION_LEVELS = frozenset({"small", "occupation", "job_type"})

# No NUL: PostgreSQL text cannot hold it (a 500 there, a 201 on SQLite); both stores answer 422 instead.
MessageText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000, pattern=r"^[^\x00]*$")]
# How deep a merge patch's objects and lists may nest: a posting's deepest field (skills.0.name) is
# two levels down; far deeper input is refused here rather than failing to serialise later (a 500).
PATCH_MAX_DEPTH = 4


def _depth(value: Any, limit: int) -> int:
    """The nesting depth of a JSON value, counted only up to `limit` + 1 (no deep recursion)."""
    level, frontier = 0, [value]
    while frontier and level <= limit:
        frontier = [child for item in frontier
                    for child in (item.values() if isinstance(item, dict) else item if isinstance(item, list) else ())]
        level += 1 if frontier else 0
    return level


_id_lock = threading.Lock()
_last_id = [0, 0]  # (milliseconds, counter) of the id made last in this process


def new_id(prefix: str) -> str:
    """A sortable id: `<prefix>_` + 12 hex digits of milliseconds + 12 hex digits that start random.

    Ids sort by creation time, so lists page by id alone (newest first) on one index. Within one
    millisecond of one process the second part counts up (as monotonic ULIDs do), so ids made in
    a row sort in the order they were made.
    """
    with _id_lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_id[0]:
            ms, counter = _last_id[0], _last_id[1] + 1
        else:
            counter = secrets.randbits(46)  # leaves room to count up without overflowing 12 digits
        _last_id[:] = [ms, counter]
    return f"{prefix}_{ms:012x}{counter:012x}"


# --- postings ----------------------------------------------------------------------------------


class PostingIn(PostingFields):
    """A posting as an employer writes it, with the jobs service's own rules on top of the contract.

    Each rule is a field validator, so a refusal names its field (`body.wage`, `body.skills`).
    """

    @field_validator("wage")
    @classmethod
    def _plausible_wage(cls, wage: Wage | None) -> Wage | None:
        if wage is None:
            return wage
        ceiling = WAGE_CEILING[wage.unit]
        if wage.max > ceiling:
            raise ValueError(f"wage max {wage.max} is above {ceiling} CNY per {wage.unit.value}")
        if wage.min <= 0:
            raise ValueError("wage min must be above 0; leave out wage when it is negotiable")
        if wage.max > WAGE_MAX_SPREAD * wage.min:
            raise ValueError(f"wage max must be at most {WAGE_MAX_SPREAD} × min")
        return wage

    @field_validator("skills")
    @classmethod
    def _distinct_skills(cls, skills: list[SkillRequirement]) -> list[SkillRequirement]:
        names = [s.name.casefold() for s in skills]
        if len(set(names)) != len(names):
            raise ValueError("skills must not repeat a name")
        return skills

    @field_validator("certificates")
    @classmethod
    def _distinct_certificates(cls, certificates: list[str]) -> list[str]:
        if len({c.casefold() for c in certificates}) != len(certificates):
            raise ValueError("certificates must not repeat")
        return certificates

    @field_validator("occupation")
    @classmethod
    def _specific_occupation(cls, occupation: Occupation | None) -> Occupation | None:
        return specific_occupation(occupation)


def specific_occupation(occupation: Occupation | None) -> Occupation | None:
    """Refuse a group-level code (`6`, `6-18`): too vague to match a posting or a course on."""
    if occupation is not None and occupation.code is not None:
        entry = taxonomy.occupation(occupation.code)
        if entry is not None and entry.level not in SPECIFIC_OCCUPATION_LEVELS:
            raise ValueError(
                f"occupation code {occupation.code!r} is a {entry.level} group; "
                "give a small group, an occupation or a job type"
            )
    return occupation


class PostingCreate(PostingIn):
    """`PostingIn` plus the org it is posted for: an employer's own org by default, required of
    an agency (one of the orgs it acts for) and of an admin."""

    org_id: Id | None = None


class PostingPatch(Strict):
    """A JSON merge patch (RFC 7396) of a posting: present keys replace, `null` resets to the
    default, objects merge key by key. Only the merged whole is validated (as `PostingIn`)."""

    kind: PostingKind | None = None
    title: Text | None = None
    description: LongText | None = None
    occupation: dict[str, Any] | None = None
    skills: list[Any] | None = Field(None, max_length=30)
    min_skill_level: SkillLevel | None = None
    certificates: list[Any] | None = Field(None, max_length=10)
    headcount: WholeNumber | None = None
    wage: dict[str, Any] | None = None
    region: RegionCode | None = None
    location: dict[str, Any] | None = None
    remote_ok: StrictBool | None = None
    start_on: dt.date | None = None
    duration_days: WholeNumber | None = None
    deadline: dt.date | None = None
    status: PostingStatus | None = None

    @field_validator("occupation", "skills", "certificates", "wage", "location")
    @classmethod
    def _shallow(cls, value: Any) -> Any:
        if value is not None and _depth(value, PATCH_MAX_DEPTH) > PATCH_MAX_DEPTH:
            raise ValueError(f"nested more than {PATCH_MAX_DEPTH} levels deep; a posting has no such field")
        return value


class Posting(PostingFields):
    """A posting as the service answers it."""

    id: str
    org_id: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_reason: Literal["filled", "withdrawn", "expired", "deleted"] | None = None
    closed_at: dt.datetime | None = None

    def fields(self) -> dict[str, Any]:
        """The client-written fields only (JSON-ready), as a merge patch applies to them."""
        return self.model_dump(mode="json", include=set(PostingFields.model_fields))


class CloseReason(StrEnum):
    filled = "filled"
    withdrawn = "withdrawn"


class CloseRequest(Strict):
    reason: CloseReason


# Closing reasons as they appear in posting.closed, and the status each leads to.
CLOSE_STATUS: dict[str, PostingStatus] = {
    CloseReason.filled: PostingStatus.filled,
    CloseReason.withdrawn: PostingStatus.closed,
    "expired": PostingStatus.expired,
}
DELETED_REASON = "deleted"

# The posting lifecycle: open ⇄ paused, either → closed / filled / expired; those three are final.
POSTING_TRANSITIONS: dict[PostingStatus, frozenset[PostingStatus]] = {
    PostingStatus.open: frozenset({PostingStatus.paused, PostingStatus.closed, PostingStatus.filled, PostingStatus.expired}),
    PostingStatus.paused: frozenset({PostingStatus.open, PostingStatus.closed, PostingStatus.filled, PostingStatus.expired}),
    PostingStatus.closed: frozenset(),
    PostingStatus.filled: frozenset(),
    PostingStatus.expired: frozenset(),
}
LIVE_POSTING = frozenset({PostingStatus.open, PostingStatus.paused})
# What a client may set through PUT/PATCH; the rest have their own way in (close, the sweep).
CLIENT_SETTABLE_STATUS = frozenset({PostingStatus.open, PostingStatus.paused})


def check_posting_transition(current: PostingStatus, target: PostingStatus) -> None:
    """Refuse a move the lifecycle does not allow (staying in the same status is no move)."""
    if current == target:
        return
    if target not in POSTING_TRANSITIONS[current]:
        raise IllegalTransition(f"a posting that is {current.value} cannot become {target.value}")


def check_editable(status: PostingStatus) -> None:
    """Closed, filled and expired postings are history: they are no longer edited."""
    if status not in LIVE_POSTING:
        raise IllegalTransition(f"the posting is {status.value}; it can no longer be changed")


def check_client_status(status: PostingStatus, *, field: str = "body.status") -> None:
    if status not in CLIENT_SETTABLE_STATUS:
        how = "POST /v1/postings/{id}/close" if status != PostingStatus.expired else "the deadline"
        raise InvalidInput.field(field, f"status {status.value} is set through {how}, not by writing the posting")


def check_posting_dates(fields: PostingFields, today: dt.date, *, previous_deadline: dt.date | None = None) -> None:
    """A live posting's deadline lies between today and the horizon.

    An unchanged deadline is not checked again, so a posting written yesterday with today's
    deadline stays editable until the sweep expires it.
    """
    if fields.deadline is None or fields.deadline == previous_deadline:
        return
    if fields.deadline < today:
        raise InvalidInput.field("body.deadline", f"the deadline {fields.deadline} is already past (today is {today})")
    if fields.deadline > today + DEADLINE_HORIZON:
        raise InvalidInput.field("body.deadline", f"the deadline must be within {DEADLINE_HORIZON.days} days")


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge recursively, `null` removes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


def validate_posting(data: dict[str, Any]) -> PostingIn:
    """Validate a merged posting; errors name the fields as a request body would (`body.wage.max`)."""
    return validate_body(PostingIn, data)


M = TypeVar("M", bound=BaseModel)


def validate_body(model: type[M], data: dict[str, Any]) -> M:
    """Validate a merged document as `model`; errors name the fields as a request body would."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {
                "field": ".".join(["body", *(str(p) for p in err["loc"])]),
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors()
        ]
        raise InvalidInput(
            "invalid fields: " + ", ".join(e["field"] for e in errors[:5]), errors=errors
        ) from None


def may_manage(principal: Principal, org_id: str) -> bool:
    """The owner org's employers, agencies acting for it, and admins manage a posting."""
    return principal.role in (Role.employer, Role.agency, Role.admin) and principal.may_act_for_org(org_id)


def may_read_posting(principal: Principal, org_id: str, status: PostingStatus) -> bool:
    """Open postings are public to any caller; the others only to whoever manages them (and to
    other services, which read on behalf of the platform)."""
    return status == PostingStatus.open or principal.role is Role.service or may_manage(principal, org_id)


def managed_orgs(principal: Principal) -> tuple[str, ...] | None:
    """The orgs whose non-open postings a caller sees; None means every org (admin, service)."""
    if principal.role in (Role.admin, Role.service):
        return None
    if principal.role is Role.employer:
        return (principal.org,) if principal.org else ()
    if principal.role is Role.agency:
        return tuple(dict.fromkeys([*principal.acts_for, *([principal.org] if principal.org else [])]))
    return ()


# --- applications ------------------------------------------------------------------------------


class ApplicationStatus(StrEnum):
    submitted = "submitted"
    shortlisted = "shortlisted"
    hired = "hired"
    rejected = "rejected"
    withdrawn = "withdrawn"


# Who may make each move: the employer side moves an application forward or rejects it; only the
# worker withdraws. hired, rejected and withdrawn are final.
EMPLOYER_MOVES: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.submitted: frozenset({ApplicationStatus.shortlisted, ApplicationStatus.rejected}),
    ApplicationStatus.shortlisted: frozenset({ApplicationStatus.hired, ApplicationStatus.rejected}),
}
WORKER_MOVES: dict[ApplicationStatus, frozenset[ApplicationStatus]] = {
    ApplicationStatus.submitted: frozenset({ApplicationStatus.withdrawn}),
    ApplicationStatus.shortlisted: frozenset({ApplicationStatus.withdrawn}),
}
# The statuses each side alone may set: asking for the other side's is 403, not 409.
SIDE_TARGETS: dict[str, frozenset[ApplicationStatus]] = {
    side: frozenset().union(*moves.values()) for side, moves in (("employer", EMPLOYER_MOVES), ("worker", WORKER_MOVES))
}
# An application in one of these is mutual interest (the contact also needs the worker's consent).
MUTUAL_INTEREST_APPLICATION = frozenset({ApplicationStatus.shortlisted, ApplicationStatus.hired})


def check_application_move(side: Literal["employer", "worker"], current: ApplicationStatus, target: ApplicationStatus) -> None:
    moves = EMPLOYER_MOVES if side == "employer" else WORKER_MOVES
    if target not in moves.get(current, frozenset()):
        raise IllegalTransition(f"the {side} side cannot move an application from {current.value} to {target.value}")


class ApplicationIn(Strict):
    """A worker's application; the message stays in the jobs service (never in events).

    `share_contact: true` is the worker's consent to give this posting's org its contact data once
    the org shortlists or hires the application (PIPL art. 23: separate consent, per employer)."""

    message: MessageText | None = None
    share_contact: StrictBool = False
    # an agency (or admin) applying for a worker it manages names the worker; a worker leaves it out
    worker_id: Id | None = None


class ApplicationChange(Strict):
    status: ApplicationStatus


class Application(BaseModel):
    id: str
    posting_id: str
    org_id: str
    worker_id: str
    status: ApplicationStatus
    message: str | None = None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


# --- invitations -------------------------------------------------------------------------------


class InvitationStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"


class InvitationIn(Strict):
    worker_id: Id
    message: MessageText | None = None

    @field_validator("worker_id")
    @classmethod
    def _names_someone(cls, worker_id: str) -> str:
        if not any(ch.isalnum() for ch in worker_id):
            raise ValueError("a worker id has at least one letter or digit")
        return worker_id


class Invitation(BaseModel):
    id: str
    posting_id: str
    org_id: str
    worker_id: str
    status: InvitationStatus
    message: str | None = None
    expires_at: dt.datetime
    answered_at: dt.datetime | None = None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class AcceptanceIn(Strict):
    """The optional body of POST /v1/invitations/{iid}/accept: `share_contact: true` consents to
    giving this posting's org the worker's contact data (the acceptance alone does not)."""

    share_contact: StrictBool = False


def check_answerable(invitation: Invitation, now: dt.datetime) -> None:
    """Only a pending invitation before its expiry can be accepted or declined."""
    if invitation.status != InvitationStatus.pending:
        raise IllegalTransition(f"the invitation is already {invitation.status.value}")
    if invitation.expires_at <= now:
        raise IllegalTransition("the invitation has expired")


# --- the handshake -----------------------------------------------------------------------------


class ContactBasis(StrEnum):
    invitation_accepted = "invitation_accepted"
    application_shortlisted = "application_shortlisted"
    application_hired = "application_hired"


class ConsentBasis(StrEnum):
    """On what the worker's consent to give contact data to one posting's org rests."""

    profile = "profile"  # consent.share_contact on the profile (every employer)
    application = "application"  # "share_contact": true in the application's body
    acceptance = "acceptance"  # "share_contact": true in the invitation's acceptance
    grant = "grant"  # POST /v1/postings/{id}/contact-consent, later
    agency = "agency"  # given by the managing agency; counts only where the profile records it holds consent


class ConsentStatus(StrEnum):
    granted = "granted"
    withdrawn = "withdrawn"


class ContactConsentIn(Strict):
    """POST|DELETE /v1/postings/{id}/contact-consent: whose consent (a worker's own token names nobody)."""

    worker_id: Id | None = None


class ContactConsent(BaseModel):
    """The worker's last word on giving its contact data to one posting's org.

    `given_by` is `worker` when the person said it with its own token, `agency` when an agency did
    (its own token, or a worker token it minted: the `act` claim), with `agency_id` naming it.
    """

    posting_id: str
    worker_id: str
    status: ConsentStatus
    basis: ConsentBasis
    given_by: Literal["worker", "agency"]
    agency_id: str | None = None
    updated_at: dt.datetime


class NoMutualInterest(Forbidden):
    title, type_slug = "No mutual interest", "no-mutual-interest"


class ContactConsentMissing(Forbidden):
    title, type_slug = "Contact consent missing", "contact-consent-missing"


class ContactCard(BaseModel):
    """A worker's contact data, for one posting's org after mutual interest. Personal data."""

    model_config = ConfigDict(extra="ignore")

    name: Name | None = None
    phone: str | None = None
    email: str | None = None


class DisclosedContact(ContactCard):
    """What profiles answers a disclosure: the contact, the consent it rested on, its record's id."""

    consent: ConsentBasis
    disclosure_id: str


class PostingContact(ContactCard):
    posting_id: str
    worker_id: str
    basis: ContactBasis
    consent: ConsentBasis = Field(description="the worker's consent this reveal rests on")
    disclosure_id: str | None = Field(None, description="the record profiles keeps of this reveal")


__all__ = [
    "AcceptanceIn", "ConsentBasis", "ConsentStatus", "ContactConsent", "ContactConsentIn",
    "ContactConsentMissing", "DisclosedContact", "NoMutualInterest",
    "Application", "ApplicationChange", "ApplicationIn", "ApplicationStatus", "CLOSE_STATUS",
    "CloseReason", "CloseRequest", "ContactBasis", "ContactCard", "DELETED_REASON", "Invitation",
    "InvitationIn", "InvitationStatus", "LIVE_POSTING", "Posting",
    "PostingContact", "PostingCreate", "PostingIn", "PostingPatch", "apply_merge_patch",
    "check_answerable", "check_application_move", "check_client_status", "check_editable",
    "check_posting_dates", "check_posting_transition", "managed_orgs", "may_manage",
    "may_read_posting", "new_id", "validate_posting",
]
