"""The profiles service's own models and rules: pure Python and pydantic, no I/O.

- the API families `WorkerIn` (what a client writes), `WorkerPatch` (RFC 7396 merge patch), `Worker`
  (what the API answers) built from the shared `WorkerFields` and `Contact`;
- merge-patch application and validation of the merged document;
- who may write which fields: `agency_id`, the `verified` flag of certificates, and turning on
  `consent.share_contact` (the worker itself, an admin, or an agency the profile records holds it);
- the contact consent record an agency holds, and the disclosure records of contact data;
- the `worker.upserted` / `worker.erased` events built from a profile (contact data left out,
  certificate numbers masked: DESIGN says personal data never travels in events).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from services.common import events, taxonomy
from services.common.auth import Principal, Role
from services.common.contracts import (
    Achievement,
    Award,
    Certificate,
    Contact,
    Id,
    Name,
    Number,
    Occupation,
    RegionCode,
    RegionPrefix,
    Skill,
    SkillLevel,
    Strict,
    Text,
    WorkerFields,
    WorkerStatus,
    mask_certificate_number,
    mask_name,
    round_location,
)
from services.common.errors import DomainError, Forbidden, InvalidInput

SOURCE = "/talentflow/profiles"
WORKER_FIELDS: tuple[str, ...] = tuple(WorkerFields.model_fields)
OBJECT_FIELDS = frozenset({"contact", "location", "availability", "wage_expectation", "consent"})


# --- API families --------------------------------------------------------------------------------


def _nul_path(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """Where a NUL character hides in a JSON value (PostgreSQL text cannot hold one; SQLite can)."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _nul_path(item, (*path, key))
        if found is not None:
            return found
    return None


def _may_hold_nul(value: dict[str, Any]) -> bool:
    """False when no text in `value` holds NUL: one pass in orjson's C (it writes NUL as \\u0000)
    instead of walking the document in Python; True (walk it) when orjson cannot encode it."""
    try:
        return b"\\u0000" in orjson.dumps(value)
    except (orjson.JSONEncodeError, TypeError):
        return True


class WorkerIn(WorkerFields):
    """A worker as a client writes it: every shared worker field plus contact data (personal data)."""

    contact: Contact = Field(default_factory=Contact)

    @model_validator(mode="wrap")
    @classmethod
    def _no_nul_characters(cls, value: Any, handler: Any) -> Any:
        # both stores must accept exactly the same documents, so NUL is refused before either sees it
        found = _nul_path(value) if isinstance(value, dict) and _may_hold_nul(value) else None
        if found is not None:
            raise ValidationError.from_exception_data(cls.__name__, [InitErrorDetails(
                type=PydanticCustomError("nul_character", "text must not contain NUL (\\u0000) characters"),
                loc=found, input="\x00")])
        return handler(value)


class WorkerPatch(Strict):
    """An RFC 7396 merge patch of a worker: every field optional, `null` removes (resets) a field.

    Objects (`contact`, `location`, `availability`, `wage_expectation`, `consent`) merge key by key;
    lists replace the whole list. Only the top-level names and list items are checked here; the
    merged document is then validated as a whole `WorkerIn`, so a patch can never produce a profile
    that a PUT would refuse.
    """

    name: Name | None = None
    contact: dict[str, Any] | None = None
    region: RegionCode | None = None
    location: dict[str, Any] | None = None
    occupations: list[Occupation] | None = None
    skill_level: SkillLevel | None = None
    skills: list[Skill] | None = None
    certificates: list[Certificate] | None = None
    awards: list[Award] | None = None
    achievements: list[Achievement] | None = None
    experience_years: Number | None = None
    availability: dict[str, Any] | None = None
    wage_expectation: dict[str, Any] | None = None
    open_regions: list[RegionPrefix] | None = None
    consent: dict[str, Any] | None = None
    agency_id: Id | None = None
    status: WorkerStatus | None = None


class Worker(WorkerIn):
    """A worker as the API answers: the written fields plus what the server keeps."""

    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    province: str = Field(description="first two digits of region (GB/T 2260 province)")
    city: str = Field(description="first four digits of region (GB/T 2260 city)")


class WorkerCreated(Worker):
    """201 answer of POST /v1/workers; `worker_token` only when an agency or admin created it."""

    worker_token: str | None = Field(None, description="a worker token for the new id (agency/admin creates)")


class ContactCard(BaseModel):
    """GET /v1/workers/{id}/contact: personal data, for the worker, its agency or an admin."""

    name: str
    phone: str | None
    email: str | None
    share_contact: bool = Field(description="the worker's consent to pass contact data on after mutual interest")


# --- contact consent and disclosures -------------------------------------------------------------

ConsentBasisName = Literal["profile", "application", "acceptance", "grant", "agency"]


class AgencyContactConsentIn(Strict):
    """PUT /v1/workers/{id}/agency-contact-consent: the worker (or an admin) records that its
    managing agency holds its consent to pass its contact data on to employers, and on what basis."""

    basis: Text = Field(description="how the agency holds the consent, e.g. a signed form's reference and date")


class AgencyContactConsent(BaseModel):
    worker_id: str
    agency_id: str = Field(description="the managing agency holding the consent; counts while it manages the worker")
    basis: str
    recorded_at: dt.datetime
    recorded_by_role: Literal["worker", "admin"]
    recorded_by: str


class DisclosureOffer(Strict):
    """A consent the contact may be given on: `profile` and `agency` are checked here; the others
    are the worker's word for one posting, kept by the jobs service and vouched for by its token."""

    basis: ConsentBasisName
    agency_id: Id | None = None


class DisclosureRequest(Strict):
    """POST /v1/workers/{id}/contact-disclosures (a service, i.e. jobs after mutual interest)."""

    posting_id: Id
    viewer_role: Literal["employer", "agency"]
    viewer_id: Text
    viewer_org: Id = Field(description="the org the contact goes to (the posting's)")
    offered: list[DisclosureOffer] = Field(min_length=1, max_length=5, description="best first")


class ContactDisclosure(BaseModel):
    """One time an employer was given the worker's contact data."""

    id: str
    worker_id: str
    org_id: str = Field(description="the employer org that received the contact")
    posting_id: str
    viewer_role: Literal["employer", "agency"]
    viewer_id: str = Field(description="who read it: the employer's staff, or an agency acting for the employer")
    basis: ConsentBasisName
    agency_id: str | None = Field(None, description="for basis `agency`: the agency whose held consent was used")
    disclosed_at: dt.datetime


class ContactDisclosurePage(BaseModel):
    items: list[ContactDisclosure]
    next_cursor: str | None = None


class DisclosedContact(BaseModel):
    contact: dict[str, str | None]
    disclosure: ContactDisclosure


class ContactConsentMissing(Forbidden):
    title, type_slug = "Contact consent missing", "contact-consent-missing"


def new_disclosure_id() -> str:
    return "dsc_" + f"{time.time_ns() // 1_000_000:012x}" + os.urandom(8).hex()


def speaks_as_the_worker(principal: Principal, worker_id: str) -> bool:
    """The person itself: its own worker token (not one an agency minted: the `act` claim)."""
    return principal.role is Role.worker and principal.subject == worker_id and principal.actor is None


def agency_speaking(principal: Principal) -> str | None:
    """The agency org a caller speaks as: an agency token's org, or the `act` of a minted worker token."""
    if principal.role is Role.agency:
        return principal.org
    if principal.role is Role.worker:
        return principal.actor
    return None


def turns_share_contact_on(new: WorkerIn, current_document: dict[str, Any] | None) -> bool:
    """The write sets consent.share_contact where it was not set (a create, or false before)."""
    was_on = ((current_document or {}).get("consent") or {}).get("share_contact") is True
    return new.consent.share_contact and not was_on


def check_share_contact(
    principal: Principal,
    worker_id: str,
    new: WorkerIn,
    current_document: dict[str, Any] | None,
    held_by: str | None,
    *,
    prefix: str = "body",
) -> None:
    """403 naming `consent.share_contact` when a writer turns it on for someone else.

    The consent to pass contact data on (PIPL art. 23) is the person's: only the worker with its own
    token or an admin turns it on — or the managing agency where the profile records that it holds
    the worker's consent (`held_by`, the agency-contact-consent record). Turning it off, or keeping
    it on, is anyone's who may write the profile.
    """
    if not turns_share_contact_on(new, current_document):
        return
    if principal.role is Role.admin or speaks_as_the_worker(principal, worker_id):
        return
    agency = agency_speaking(principal)
    if agency is not None and agency == held_by and agency == new.agency_id:
        return
    field = f"{prefix}.consent.share_contact" if prefix else "consent.share_contact"
    raise field_forbidden(field, "only the worker itself (or an admin) gives this consent, or the managing agency "
                                 "where the profile records that it holds the worker's consent")


class WorkerToken(BaseModel):
    worker_id: str
    worker_token: str
    expires_in: int


class ProfileState(BaseModel):
    """A stored profile as the handlers see it (the row, decoded)."""

    model_config = ConfigDict(frozen=True)

    id: str
    version: int
    document: dict[str, Any]  # WorkerFields as JSON, no contact
    contact: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def agency_id(self) -> str | None:
        return self.document.get("agency_id")

    def as_input(self) -> dict[str, Any]:
        """The profile as a client would write it (WorkerIn shape), the base of a merge patch."""
        return {**self.document, "contact": self.contact}


# --- domain exceptions ---------------------------------------------------------------------------


class AlreadyExists(DomainError):
    status, title, type_slug = 409, "Conflict", "worker-exists"


class UnsupportedMediaType(DomainError):
    status, title, type_slug = 415, "Unsupported media type", "unsupported-media-type"


# --- ids -----------------------------------------------------------------------------------------


def new_worker_id() -> str:
    """`w_` + 48-bit milliseconds + 80 random bits, hex: unique and sorted by creation time."""
    return "w_" + f"{time.time_ns() // 1_000_000:012x}" + os.urandom(10).hex()


def new_job_id() -> str:
    return "imp_" + f"{time.time_ns() // 1_000_000:012x}" + os.urandom(8).hex()


ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


# --- merge patch ---------------------------------------------------------------------------------


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge recursively, `null` deletes a member, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def validate_worker(document: dict[str, Any], *, prefix: str = "body") -> WorkerIn:
    """A whole worker document validated as `WorkerIn`; errors name each field under `prefix`."""
    try:
        return WorkerIn.model_validate(document)
    except ValidationError as exc:
        raise invalid_from(exc, prefix) from None


def check_patch(patch: Any) -> dict[str, Any]:
    """The patch must be a JSON object of known worker fields (item shapes checked early)."""
    if not isinstance(patch, dict):
        raise InvalidInput.field("body", "a merge patch must be a JSON object")
    try:
        WorkerPatch.model_validate(patch)
    except ValidationError as exc:
        raise invalid_from(exc, "body") from None
    return patch


def invalid_from(exc: ValidationError, prefix: str) -> InvalidInput:
    errors = [
        {
            "field": ".".join([prefix, *(str(p) for p in err["loc"])]) if prefix else ".".join(str(p) for p in err["loc"]),
            "message": err["msg"],
            "type": err["type"],
        }
        for err in exc.errors(include_url=False, include_input=False)
    ]
    fields = ", ".join(e["field"] for e in errors[:5])
    return InvalidInput(f"invalid fields: {fields}", errors=errors)


# --- who may write what --------------------------------------------------------------------------


def field_forbidden(field: str, message: str) -> Forbidden:
    return Forbidden(f"{field}: {message}", errors=[{"field": field, "message": message, "type": "forbidden"}])


def may_create(principal: Principal) -> None:
    if principal.role not in (Role.worker, Role.agency, Role.admin):
        raise Forbidden(f"role {principal.role.value} may not create worker profiles")
    if principal.role is Role.agency and not principal.org:
        raise Forbidden("an agency token must carry its org to create workers")


def agency_for_create(principal: Principal, requested: str | None, *, field: str = "body.agency_id") -> str | None:
    """The managing agency of a new profile: the creating agency's org; a worker starts unmanaged."""
    if principal.role is Role.admin:
        return requested
    if principal.role is Role.agency:
        if requested is not None and requested != principal.org:
            raise field_forbidden(field, "an agency creates workers for its own org only")
        return principal.org
    if requested is not None:
        raise field_forbidden(field, "a worker cannot assign itself to an agency; the agency creates or an admin assigns")
    return None


def agency_for_update(
    principal: Principal, current: str | None, requested: str | None, provided: bool, *, field: str = "body.agency_id"
) -> str | None:
    """Keep the managing agency unless told: anyone allowed to write may clear it, only an admin may set another."""
    if not provided or requested == current:
        return current
    if requested is None or principal.role is Role.admin:
        return requested
    raise field_forbidden(field, "only an admin may move a worker to another agency")


def may_verify(principal: Principal, worker_id: str, agency_id: str | None) -> bool:
    """Certificates are verified by an admin or the managing agency, never by the worker itself."""
    if principal.role is Role.admin:
        return True
    return principal.role is Role.agency and principal.may_manage_worker(worker_id, agency_id)


def _certificate_identity(cert: dict[str, Any]) -> tuple:
    return tuple(str(cert.get(k)) for k in ("occupation", "level", "number", "issuer", "issued_on"))


def check_certificates(
    principal: Principal,
    worker_id: str,
    agency_id: str | None,
    new: WorkerIn,
    current_document: dict[str, Any] | None,
    *,
    prefix: str = "body",
) -> None:
    """403 naming the field when a writer who may not verify marks a certificate verified.

    A certificate stays verified through a worker's edits only while it is unchanged (same
    occupation, level, number, issuer and issue date) from a verified one already stored.
    """
    if may_verify(principal, worker_id, agency_id):
        return
    already = {
        _certificate_identity(c) for c in (current_document or {}).get("certificates", []) if c.get("verified")
    }
    for i, cert in enumerate(new.certificates):
        if cert.verified and _certificate_identity(cert.model_dump(mode="json")) not in already:
            raise field_forbidden(
                f"{prefix}.certificates.{i}.verified",
                "only an admin or the managing agency may mark a certificate verified",
            )


# --- documents and events ------------------------------------------------------------------------


def split_document(worker: WorkerIn) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored profile (no contact) and the contact data, both as JSON-ready dicts."""
    data = worker.model_dump(mode="json")
    contact = data.pop("contact")
    return data, contact


def occupation_codes(worker: WorkerIn | dict[str, Any]) -> list[str]:
    occupations = worker.get("occupations", []) if isinstance(worker, dict) else [o.model_dump() for o in worker.occupations]
    return sorted({o["code"] for o in occupations if o.get("code")})


def is_matchable(worker: WorkerIn) -> bool:
    return worker.consent.matching and worker.status is WorkerStatus.active


def upserted_event(
    worker: WorkerIn,
    *,
    worker_id: str,
    version: int,
    created_at: dt.datetime,
    updated_at: dt.datetime,
    traceparent: str | None = None,
) -> events.CloudEvent:
    """`worker.upserted` v3: the whole current profile without contact; the name, certificate numbers
    masked and the location rounded to about 1 km, as no consumer needs more (DESIGN §6)."""
    fields = {name: getattr(worker, name) for name in WORKER_FIELDS}
    fields["name"] = mask_name(worker.name)
    fields["location"] = round_location(worker.location)
    fields["certificates"] = [
        c.model_copy(update={"number": mask_certificate_number(c.number)}) for c in worker.certificates
    ]
    # model_construct: the fields were validated as WorkerIn a moment ago; validating again costs time.
    data = events.WorkerUpserted.model_construct(
        **fields,
        id=worker_id,
        version=version,
        created_at=created_at,
        updated_at=updated_at,
        matchable=is_matchable(worker),
    )
    return events.make_event(
        "worker.upserted", data, subject=worker_id, source=SOURCE, entityversion=version, traceparent=traceparent
    )


def erased_event(worker_id: str, *, version: int, erased_at: dt.datetime, traceparent: str | None = None) -> events.CloudEvent:
    data = events.WorkerErased(id=worker_id, erased_at=erased_at)
    return events.make_event(
        "worker.erased", data, subject=worker_id, source=SOURCE, entityversion=version, traceparent=traceparent
    )


def worker_view(state: ProfileState) -> dict[str, Any]:
    """The JSON answer for one worker (the `Worker` model's shape), built without re-validation."""
    region = state.document.get("region", "")
    return {
        "id": state.id,
        **state.document,
        "contact": state.contact,
        "version": state.version,
        "created_at": state.created_at.isoformat(),
        "updated_at": state.updated_at.isoformat(),
        "province": region[:2],
        "city": region[:4],
    }


# --- list filters --------------------------------------------------------------------------------


def check_occupation_filter(code: str | None) -> str | None:
    if code is None:
        return None
    if taxonomy.occupation(code) is None:
        raise InvalidInput.field("query.occupation", f"unknown occupation code {code!r} (职业分类大典 2022)")
    return code


def check_region_filter(prefix: str | None) -> str | None:
    if prefix is None:
        return None
    if not taxonomy.valid_region(prefix):
        raise InvalidInput.field("query.region", "a GB/T 2260 prefix of 2, 4 or 6 digits whose province exists")
    return prefix


TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


def traceparent_of(header: str | None) -> str | None:
    """An incoming W3C traceparent carried into the event; anything malformed is ignored."""
    return header if header and TRACEPARENT.match(header) else None
