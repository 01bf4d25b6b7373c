"""SQLAlchemy tables and the repository of the jobs service: the only place SQL lives.

Tables: `postings` (the client-written fields as one JSON document plus the columns lists filter
on), `applications` and `invitations` (one per posting and worker each), `contact_consents` (the
worker's last word on giving its contact data to one posting's org), the training courses' tables
(declared in services/jobs/courses/store.py, copied in here) and the kit's `outbox`.
Every function takes the caller's connection, so a handler composes several of them and its
outbox events in one transaction. Ids sort by creation time (`domain.new_id`), so every list is
newest first and pages by id alone.

The Alembic chain under `migrations/versions/` mirrors these tables by hand; a test asserts that
`schema_drift` finds nothing on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from services.common.contracts import PostingStatus
from services.common.store import DriverStatement, Outbox, is_postgres, outbox_table
from services.common.uow import translates_driver_errors
from services.jobs.courses import store as course_store
from services.jobs.courses.store import CourseStore
from services.jobs.domain import (
    Application,
    ApplicationStatus,
    ConsentBasis,
    ConsentStatus,
    ContactConsent,
    Invitation,
    InvitationStatus,
    Posting,
)

metadata = sa.MetaData()
outbox = outbox_table(metadata)
OUTBOX = Outbox(outbox)
# The courses' tables belong to this service's schema (one Alembic chain): declared here as well.
for _table in course_store.metadata.sorted_tables:
    _table.to_metadata(metadata)

TZ = sa.DateTime(timezone=True)

postings = sa.Table(
    "postings",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("org_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("region", sa.String(6), nullable=False),
    sa.Column("occupation_code", sa.String(16), nullable=True),
    sa.Column("deadline", sa.Date, nullable=True),
    # The client-written fields but status (a column of its own), as PostingFields dumps them.
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Column("closed_reason", sa.String(32), nullable=True),
    sa.Column("closed_at", TZ, nullable=True),
    # A deleted posting is kept (its applications are the workers' history) but never served.
    sa.Column("deleted_at", TZ, nullable=True),
    sa.Index("ix_postings_org", "org_id", "id"),
    sa.Index("ix_postings_status", "status", "id"),
    sa.Index("ix_postings_due", "status", "deadline"),
)

applications = sa.Table(
    "applications",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("posting_id", sa.String(40), sa.ForeignKey("postings.id", name="fk_applications_posting"), nullable=False),
    sa.Column("org_id", sa.String(64), nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.UniqueConstraint("posting_id", "worker_id", name="uq_applications_posting_worker"),
    sa.Index("ix_applications_worker", "worker_id", "id"),
    sa.Index("ix_applications_posting", "posting_id", "id"),
)

invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("posting_id", sa.String(40), sa.ForeignKey("postings.id", name="fk_invitations_posting"), nullable=False),
    sa.Column("org_id", sa.String(64), nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("message", sa.Text, nullable=True),
    sa.Column("expires_at", TZ, nullable=False),
    sa.Column("answered_at", TZ, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.UniqueConstraint("posting_id", "worker_id", name="uq_invitations_posting_worker"),
    sa.Index("ix_invitations_worker", "worker_id", "id"),
    sa.Index("ix_invitations_posting", "posting_id", "id"),
    sa.Index("ix_invitations_due", "status", "expires_at"),
)

# The read model of which agency manages which worker, fed by worker.upserted (DESIGN §3: an agency
# acts for the workers whose agency_id is its org). A row per worker the log has told of, at the
# version it told; worker.erased removes it.
worker_agencies = sa.Table(
    "worker_agencies",
    metadata,
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("agency_id", sa.String(64), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("ix_worker_agencies_agency", "agency_id", "worker_id"),
)


contact_consents = sa.Table(
    "contact_consents",
    metadata,
    sa.Column("posting_id", sa.String(40), sa.ForeignKey("postings.id", name="fk_contact_consents_posting"), primary_key=True),
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("basis", sa.String(16), nullable=False),
    sa.Column("given_by", sa.String(16), nullable=False),
    sa.Column("agency_id", sa.String(64), nullable=True),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Index("ix_contact_consents_worker", "worker_id"),
)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; everything this service writes is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def _lock(conn: Connection, query: sa.Select, *, shared: bool = False, skip_locked: bool = False) -> sa.Select:
    # SQLite serialises writers at BEGIN IMMEDIATE, so row locks only matter on PostgreSQL.
    if is_postgres(conn.engine):
        return query.with_for_update(read=shared, skip_locked=skip_locked)
    return query


# --- postings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingFilters:
    org_id: str | None = None
    status: PostingStatus | None = None
    kind: str | None = None
    region: str | None = None  # a 2-, 4- or 6-digit prefix
    occupation: str | None = None  # a code; matches it and every code below it


def _posting(row: RowMapping) -> Posting:
    return Posting.model_validate(
        {
            **row["fields"],
            "status": row["status"],
            "id": row["id"],
            "org_id": row["org_id"],
            "version": row["version"],
            "created_at": utc(row["created_at"]),
            "updated_at": utc(row["updated_at"]),
            "closed_reason": row["closed_reason"],
            "closed_at": utc(row["closed_at"]),
        }
    )


def posting_values(posting: Posting) -> dict[str, Any]:
    """The row of a posting (without `deleted_at`)."""
    fields = posting.fields()
    fields.pop("status")
    return {
        "id": posting.id,
        "org_id": posting.org_id,
        "status": posting.status.value,
        "kind": posting.kind.value,
        "region": posting.region,
        "occupation_code": posting.occupation.code if posting.occupation else None,
        "deadline": posting.deadline,
        "fields": fields,
        "version": posting.version,
        "created_at": posting.created_at,
        "updated_at": posting.updated_at,
        "closed_reason": posting.closed_reason,
        "closed_at": posting.closed_at,
    }


# Statements built once: parameters travel separately, so SQLAlchemy compiles each a single time.
# the hot inserts of the write path run on the driver (services.common.store.DriverStatement)
_INSERT_POSTING = DriverStatement(postings.insert().values({c.name: sa.bindparam(c.name) for c in postings.c}),
                                  json_columns=("fields",))
_UPDATE_POSTING = postings.update().where(
    postings.c.id == sa.bindparam("b_id"),
    postings.c.version == sa.bindparam("b_version"),
    postings.c.deleted_at.is_(None),
)


def insert_posting(conn: Connection, posting: Posting) -> None:
    _INSERT_POSTING.execute(conn, [{**posting_values(posting), "deleted_at": None}])


# Reads on every write path, built once (a `select` built per call cost as much as running it).
_GET_POSTING = sa.select(postings).where(postings.c.id == sa.bindparam("posting_id"), postings.c.deleted_at.is_(None))
_GET_POSTING_LOCKED = {shared: _GET_POSTING.with_for_update(read=shared) for shared in (False, True)}
_APPLICATION_OF = sa.select(applications).where(
    applications.c.posting_id == sa.bindparam("posting_id"), applications.c.worker_id == sa.bindparam("worker_id"))


def get_posting(conn: Connection, posting_id: str, *, lock: bool = False, shared: bool = False) -> Posting | None:
    """The posting unless deleted; `lock` holds its row until the transaction ends (PostgreSQL)."""
    # SQLite serialises writers at BEGIN IMMEDIATE, so row locks only matter on PostgreSQL (as _lock)
    query = _GET_POSTING_LOCKED[shared] if lock and is_postgres(conn.engine) else _GET_POSTING
    row = conn.execute(query, {"posting_id": posting_id}).mappings().first()
    return _posting(row) if row else None


def update_posting(conn: Connection, posting: Posting, *, expected_version: int) -> bool:
    """Write the posting's new state if the row is still at `expected_version`; False otherwise."""
    values = posting_values(posting)
    del values["id"], values["created_at"]
    result = conn.execute(_UPDATE_POSTING, {**values, "b_id": posting.id, "b_version": expected_version})
    return result.rowcount == 1


def mark_posting_deleted(conn: Connection, posting: Posting, *, expected_version: int, at: dt.datetime) -> bool:
    values = posting_values(posting)
    del values["id"], values["created_at"]
    result = conn.execute(
        _UPDATE_POSTING, {**values, "deleted_at": at, "b_id": posting.id, "b_version": expected_version}
    )
    return result.rowcount == 1


def list_postings(
    conn: Connection,
    filters: PostingFilters,
    *,
    visible_orgs: Sequence[str] | None,
    after_id: str | None,
    limit: int,
) -> list[Posting]:
    """Newest first. `visible_orgs`: the orgs whose non-open postings the caller may see
    (None = all); open postings are visible to everyone."""
    t = postings
    query = sa.select(t).where(t.c.deleted_at.is_(None))
    if visible_orgs is not None:
        visible = t.c.status == PostingStatus.open.value
        if visible_orgs:
            visible = sa.or_(visible, t.c.org_id.in_(list(visible_orgs)))
        query = query.where(visible)
    if filters.org_id:
        query = query.where(t.c.org_id == filters.org_id)
    if filters.status:
        query = query.where(t.c.status == filters.status.value)
    if filters.kind:
        query = query.where(t.c.kind == filters.kind)
    if filters.region:
        query = query.where(t.c.region.startswith(filters.region, autoescape=True))
    if filters.occupation:
        query = query.where(
            sa.or_(
                t.c.occupation_code == filters.occupation,
                t.c.occupation_code.startswith(filters.occupation + "-", autoescape=True),
            )
        )
    if after_id:
        query = query.where(t.c.id < after_id)
    rows = conn.execute(query.order_by(t.c.id.desc()).limit(limit)).mappings().all()
    return [_posting(r) for r in rows]


def due_postings(conn: Connection, today: dt.date, limit: int) -> list[Posting]:
    """Live postings whose deadline day is over, locked for this transaction; rows another
    sweeper holds are skipped, so two replicas never expire the same posting twice."""
    t = postings
    query = (
        sa.select(t)
        .where(
            t.c.status.in_([PostingStatus.open.value, PostingStatus.paused.value]),
            t.c.deadline < today,
            t.c.deleted_at.is_(None),
        )
        .order_by(t.c.deadline, t.c.id)
        .limit(limit)
    )
    rows = conn.execute(_lock(conn, query, skip_locked=True)).mappings().all()
    return [_posting(r) for r in rows]


# --- applications ------------------------------------------------------------------------------


def _application(row: RowMapping) -> Application:
    return Application(
        id=row["id"],
        posting_id=row["posting_id"],
        org_id=row["org_id"],
        worker_id=row["worker_id"],
        status=ApplicationStatus(row["status"]),
        message=row["message"],
        version=row["version"],
        created_at=utc(row["created_at"]),
        updated_at=utc(row["updated_at"]),
    )


_INSERT_APPLICATION = DriverStatement(
    applications.insert().values({c.name: sa.bindparam(c.name) for c in applications.c}))
_UPDATE_APPLICATION = applications.update().where(
    applications.c.id == sa.bindparam("b_id"), applications.c.version == sa.bindparam("b_version")
)


def insert_application(conn: Connection, application: Application) -> None:
    _INSERT_APPLICATION.execute(conn, [application.model_dump()])


def get_application(conn: Connection, posting_id: str, application_id: str, *, lock: bool = False) -> Application | None:
    query = sa.select(applications).where(
        applications.c.id == application_id, applications.c.posting_id == posting_id
    )
    row = conn.execute(_lock(conn, query) if lock else query).mappings().first()
    return _application(row) if row else None


def application_of(conn: Connection, posting_id: str, worker_id: str) -> Application | None:
    row = (
        conn.execute(_APPLICATION_OF, {"posting_id": posting_id, "worker_id": worker_id})
        .mappings()
        .first()
    )
    return _application(row) if row else None


def update_application(conn: Connection, application: Application, *, expected_version: int) -> bool:
    result = conn.execute(
        _UPDATE_APPLICATION,
        {"status": application.status.value, "version": application.version, "updated_at": application.updated_at,
         "b_id": application.id, "b_version": expected_version},
    )
    return result.rowcount == 1


def list_applications(
    conn: Connection,
    *,
    posting_id: str | None = None,
    worker_id: str | AgencyWorkers | None = None,
    status: ApplicationStatus | None = None,
    after_id: str | None,
    limit: int,
) -> list[Application]:
    rows = _engagement_page(conn, applications, posting_id, worker_id, status, after_id, limit)
    return [_application(r) for r in rows]


@dataclass(frozen=True)
class AgencyWorkers:
    """Every worker an agency acts for: those whose agency_id is its org (as the read model knows
    them) and those its token lists by id."""

    agency_id: str
    worker_ids: tuple[str, ...] = ()


def _engagement_page(conn: Connection, t: sa.Table, posting_id, worker_id, status, after_id, limit) -> list:
    """One page of applications or invitations, newest id first, with the shared filters."""
    query = sa.select(t)
    if posting_id is not None:
        query = query.where(t.c.posting_id == posting_id)
    if isinstance(worker_id, AgencyWorkers):
        managed = sa.select(worker_agencies.c.worker_id).where(worker_agencies.c.agency_id == worker_id.agency_id)
        condition = t.c.worker_id.in_(managed)
        if worker_id.worker_ids:
            condition = sa.or_(condition, t.c.worker_id.in_(list(worker_id.worker_ids)))
        query = query.where(condition)
    elif worker_id is not None:
        query = query.where(t.c.worker_id == worker_id)
    if status is not None:
        query = query.where(t.c.status == status.value)
    if after_id:
        query = query.where(t.c.id < after_id)
    return conn.execute(query.order_by(t.c.id.desc()).limit(limit)).mappings().all()


# --- invitations -------------------------------------------------------------------------------


def _invitation(row: RowMapping) -> Invitation:
    return Invitation(
        id=row["id"],
        posting_id=row["posting_id"],
        org_id=row["org_id"],
        worker_id=row["worker_id"],
        status=InvitationStatus(row["status"]),
        message=row["message"],
        expires_at=utc(row["expires_at"]),
        answered_at=utc(row["answered_at"]),
        version=row["version"],
        created_at=utc(row["created_at"]),
        updated_at=utc(row["updated_at"]),
    )


_INSERT_INVITATION = invitations.insert()
_UPDATE_INVITATION = invitations.update().where(
    invitations.c.id == sa.bindparam("b_id"), invitations.c.version == sa.bindparam("b_version")
)


def insert_invitation(conn: Connection, invitation: Invitation) -> None:
    conn.execute(_INSERT_INVITATION, invitation.model_dump())


def get_invitation(conn: Connection, invitation_id: str, *, lock: bool = False) -> Invitation | None:
    query = sa.select(invitations).where(invitations.c.id == invitation_id)
    row = conn.execute(_lock(conn, query) if lock else query).mappings().first()
    return _invitation(row) if row else None


def invitation_of(conn: Connection, posting_id: str, worker_id: str, *, lock: bool = False) -> Invitation | None:
    query = sa.select(invitations).where(
        invitations.c.posting_id == posting_id, invitations.c.worker_id == worker_id
    )
    row = conn.execute(_lock(conn, query) if lock else query).mappings().first()
    return _invitation(row) if row else None


def update_invitation(conn: Connection, invitation: Invitation, *, expected_version: int) -> bool:
    values = invitation.model_dump(exclude={"id", "posting_id", "org_id", "worker_id", "created_at"})
    result = conn.execute(_UPDATE_INVITATION, {**values, "b_id": invitation.id, "b_version": expected_version})
    return result.rowcount == 1


def list_invitations(
    conn: Connection,
    *,
    posting_id: str | None = None,
    worker_id: str | AgencyWorkers | None = None,
    status: InvitationStatus | None = None,
    after_id: str | None,
    limit: int,
) -> list[Invitation]:
    rows = _engagement_page(conn, invitations, posting_id, worker_id, status, after_id, limit)
    return [_invitation(r) for r in rows]


def due_invitations(conn: Connection, now: dt.datetime, limit: int) -> list[Invitation]:
    """Pending invitations past their expiry, locked (skipping rows another sweeper holds)."""
    t = invitations
    query = (
        sa.select(t)
        .where(t.c.status == InvitationStatus.pending.value, t.c.expires_at <= now)
        .order_by(t.c.expires_at, t.c.id)
        .limit(limit)
    )
    rows = conn.execute(_lock(conn, query, skip_locked=True)).mappings().all()
    return [_invitation(r) for r in rows]


# --- contact consents ---------------------------------------------------------------------------


def _consent(row: RowMapping) -> ContactConsent:
    return ContactConsent(
        posting_id=row["posting_id"],
        worker_id=row["worker_id"],
        status=ConsentStatus(row["status"]),
        basis=ConsentBasis(row["basis"]),
        given_by=row["given_by"],
        agency_id=row["agency_id"],
        updated_at=utc(row["updated_at"]),
    )


def contact_consent_of(conn: Connection, posting_id: str, worker_id: str, *, lock: bool = False) -> ContactConsent | None:
    t = contact_consents
    query = sa.select(t).where(t.c.posting_id == posting_id, t.c.worker_id == worker_id)
    row = conn.execute(_lock(conn, query) if lock else query).mappings().first()
    return _consent(row) if row else None


def put_contact_consent(conn: Connection, consent: ContactConsent) -> None:
    """Insert or overwrite the one consent row of (posting, worker), in one statement (an upsert, so
    two writers of the same pair never fail on the insert)."""
    t = contact_consents
    values = consent.model_dump(mode="python")
    values["status"], values["basis"] = consent.status.value, consent.basis.value
    insert = postgresql.insert(t) if is_postgres(conn.engine) else sqlite.insert(t)
    changed = {k: v for k, v in values.items() if k not in ("posting_id", "worker_id")}
    conn.execute(insert.values(**values).on_conflict_do_update(index_elements=["posting_id", "worker_id"], set_=changed))


# --- erasure -----------------------------------------------------------------------------------


def erase_worker(conn: Connection, worker_id: str) -> int:
    """Remove a worker's applications, invitations and contact consents (PIPL/GDPR erasure);
    returns rows removed."""
    removed = conn.execute(applications.delete().where(applications.c.worker_id == worker_id)).rowcount
    removed += conn.execute(invitations.delete().where(invitations.c.worker_id == worker_id)).rowcount
    removed += conn.execute(contact_consents.delete().where(contact_consents.c.worker_id == worker_id)).rowcount
    return removed


# --- which agency manages a worker (read model) --------------------------------------------------


def agency_of(conn: Connection, worker_id: str) -> tuple[bool, str | None]:
    """(known, agency_id): whether the log has told of this worker, and its managing agency's org."""
    row = conn.execute(
        sa.select(worker_agencies.c.agency_id).where(worker_agencies.c.worker_id == worker_id)
    ).first()
    return (False, None) if row is None else (True, row.agency_id)


def record_worker_agency(conn: Connection, worker_id: str, agency_id: str | None, version: int) -> bool:
    """Keep the agency of the newest version seen; an older or repeated event changes nothing."""
    if is_postgres(conn.engine):
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    t = worker_agencies
    stmt = insert(t).values(worker_id=worker_id, agency_id=agency_id, version=version)
    stmt = stmt.on_conflict_do_update(index_elements=["worker_id"],
                                      set_={"agency_id": stmt.excluded.agency_id, "version": stmt.excluded.version},
                                      where=t.c.version < stmt.excluded.version)
    return conn.execute(stmt).rowcount == 1


def forget_worker_agency(conn: Connection, worker_id: str, erased_version: int | None = None) -> None:
    """worker.erased: forget the worker's agency, unless a newer profile (the person came back,
    their versions continuing above the erasure's) is what the read model holds."""
    t = worker_agencies
    newer_kept = [] if erased_version is None else [t.c.version < erased_version]
    conn.execute(t.delete().where(t.c.worker_id == worker_id, *newer_kept))


def known_worker_version(conn: Connection, worker_id: str) -> int | None:
    """The newest profile version the read model of worker agencies has seen, if any."""
    return conn.execute(sa.select(worker_agencies.c.version).where(worker_agencies.c.worker_id == worker_id)).scalar()


# --- the store a unit of work hands to the handlers ----------------------------------------------


@translates_driver_errors
class JobsStore(CourseStore):
    """The repository of the jobs service on one connection (the unit of work's transaction): the
    functions above with the connection bound, and the courses' (`CourseStore`). They return domain
    objects; a driver error leaves as StoreConflict, StoreRefused or StoreUnavailable
    (services.common.uow)."""

    def __init__(self, conn: Connection):
        self.conn = conn

    def agency_of(self, worker_id: str) -> tuple[bool, str | None]:
        return agency_of(self.conn, worker_id)

    def application_of(self, posting_id: str, worker_id: str) -> Application | None:
        return application_of(self.conn, posting_id, worker_id)

    def contact_consent_of(self, posting_id: str, worker_id: str, *, lock: bool = False) -> ContactConsent | None:
        return contact_consent_of(self.conn, posting_id, worker_id, lock=lock)

    def due_invitations(self, now: dt.datetime, limit: int) -> list[Invitation]:
        return due_invitations(self.conn, now, limit)

    def due_postings(self, today: dt.date, limit: int) -> list[Posting]:
        return due_postings(self.conn, today, limit)

    def erase_worker(self, worker_id: str) -> int:
        return erase_worker(self.conn, worker_id)

    def forget_worker_agency(self, worker_id: str, erased_version: int | None = None) -> None:
        return forget_worker_agency(self.conn, worker_id, erased_version)

    def get_application(self, posting_id: str, application_id: str, *, lock: bool = False) -> Application | None:
        return get_application(self.conn, posting_id, application_id, lock=lock)

    def get_invitation(self, invitation_id: str, *, lock: bool = False) -> Invitation | None:
        return get_invitation(self.conn, invitation_id, lock=lock)

    def get_posting(self, posting_id: str, *, lock: bool = False, shared: bool = False) -> Posting | None:
        return get_posting(self.conn, posting_id, lock=lock, shared=shared)

    def insert_application(self, application: Application) -> None:
        return insert_application(self.conn, application)

    def insert_invitation(self, invitation: Invitation) -> None:
        return insert_invitation(self.conn, invitation)

    def insert_posting(self, posting: Posting) -> None:
        return insert_posting(self.conn, posting)

    def invitation_of(self, posting_id: str, worker_id: str, *, lock: bool = False) -> Invitation | None:
        return invitation_of(self.conn, posting_id, worker_id, lock=lock)

    def known_worker_version(self, worker_id: str) -> int | None:
        return known_worker_version(self.conn, worker_id)

    def list_applications(
        self,
        *,
        posting_id: str | None = None,
        worker_id: str | AgencyWorkers | None = None,
        status: ApplicationStatus | None = None,
        after_id: str | None,
        limit: int,
    ) -> list[Application]:
        return list_applications(self.conn, posting_id=posting_id, worker_id=worker_id, status=status, after_id=after_id, limit=limit)

    def list_invitations(
        self,
        *,
        posting_id: str | None = None,
        worker_id: str | AgencyWorkers | None = None,
        status: InvitationStatus | None = None,
        after_id: str | None,
        limit: int,
    ) -> list[Invitation]:
        return list_invitations(self.conn, posting_id=posting_id, worker_id=worker_id, status=status, after_id=after_id, limit=limit)

    def list_postings(
        self,
        filters: PostingFilters,
        *,
        visible_orgs: Sequence[str] | None,
        after_id: str | None,
        limit: int,
    ) -> list[Posting]:
        return list_postings(self.conn, filters, visible_orgs=visible_orgs, after_id=after_id, limit=limit)

    def mark_posting_deleted(self, posting: Posting, *, expected_version: int, at: dt.datetime) -> bool:
        return mark_posting_deleted(self.conn, posting, expected_version=expected_version, at=at)

    def put_contact_consent(self, consent: ContactConsent) -> None:
        return put_contact_consent(self.conn, consent)

    def record_worker_agency(self, worker_id: str, agency_id: str | None, version: int) -> bool:
        return record_worker_agency(self.conn, worker_id, agency_id, version)

    def update_application(self, application: Application, *, expected_version: int) -> bool:
        return update_application(self.conn, application, expected_version=expected_version)

    def update_invitation(self, invitation: Invitation, *, expected_version: int) -> bool:
        return update_invitation(self.conn, invitation, expected_version=expected_version)

    def update_posting(self, posting: Posting, *, expected_version: int) -> bool:
        return update_posting(self.conn, posting, expected_version=expected_version)
