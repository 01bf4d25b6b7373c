"""SQLAlchemy tables and the repository of the profiles service: the only place SQL lives.

Tables (mirrored by hand in migrations/versions/):

- `workers`: one row per profile. The profile without contact is one JSON text (`document`), the
  contact data another (`contact`); the columns the list filters use are copied out beside them.
- `worker_occupations`: the occupation codes of each worker, for the taxonomy roll-up filter.
- `worker_erasures`: what the law asks to keep after an erasure (id, time, actor, last version) and
  nothing personal; the version lets a re-created profile continue above the erased one.
- `import_jobs`, `import_results`: bulk imports and their per-row outcomes.
- `agency_contact_consents`: the record that the worker's managing agency holds the worker's consent
  to pass its contact data on (set by the worker or an admin, with its basis and date).
- `contact_disclosures`: each time an employer was given the worker's contact data: who, when, for
  which posting, on what consent. Both go with the worker's erasure.
- `outbox`: the events, written in the same transaction as the rows (services.common.store).

The SQL lives in `ProfilesStore`, bound to the caller's connection, so the caller decides the
transaction: handlers get it from their unit of work (services.common.uow); it returns domain
objects and turns driver errors into domain errors.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic_core import to_json
from sqlalchemy.engine import Connection

from services.common import events
from services.common.contracts import SkillLevel
from services.common.store import DriverStatement, Outbox, outbox_table
from services.common.uow import translates_driver_errors
from services.profiles.domain import AgencyContactConsent, AlreadyExists, ContactDisclosure, ProfileState

metadata = sa.MetaData()
outbox = outbox_table(metadata)
OUTBOX = Outbox(outbox)

Stamp = sa.DateTime(timezone=True)

workers = sa.Table(
    "workers",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("agency_id", sa.String(64), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("region", sa.String(6), nullable=False),
    sa.Column("skill_level", sa.String(32), nullable=False),
    sa.Column("level_rank", sa.SmallInteger, nullable=False),
    sa.Column("matchable", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("contact", sa.Text, nullable=False),
    # the Idempotency-Key cache entry of the creating POST (it holds contact data): erased with the row
    sa.Column("replay_key", sa.String(80), nullable=True),
    sa.Column("created_at", Stamp, nullable=False),
    sa.Column("updated_at", Stamp, nullable=False),
    sa.Index("ix_workers_agency_id", "agency_id", "id"),
    sa.Index("ix_workers_region", "region"),
)

worker_occupations = sa.Table(
    "worker_occupations",
    metadata,
    sa.Column("worker_id", sa.String(64), sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.String(16), primary_key=True),
    sa.Index("ix_worker_occupations_code", "code", "worker_id"),
)

worker_erasures = sa.Table(
    "worker_erasures",
    metadata,
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("erased_at", Stamp, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("actor_role", sa.String(16), nullable=False),
    sa.Column("actor_id", sa.String(200), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=True),
)

agency_contact_consents = sa.Table(
    "agency_contact_consents",
    metadata,
    sa.Column("worker_id", sa.String(64), primary_key=True),
    sa.Column("agency_id", sa.String(64), nullable=False),
    sa.Column("basis", sa.Text, nullable=False),
    sa.Column("recorded_at", Stamp, nullable=False),
    sa.Column("recorded_by_role", sa.String(16), nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
)

contact_disclosures = sa.Table(
    "contact_disclosures",
    metadata,
    sa.Column("id", sa.String(48), primary_key=True),
    sa.Column("worker_id", sa.String(64), nullable=False),
    sa.Column("org_id", sa.String(64), nullable=False),
    sa.Column("posting_id", sa.String(64), nullable=False),
    sa.Column("viewer_role", sa.String(16), nullable=False),
    sa.Column("viewer_id", sa.String(200), nullable=False),
    sa.Column("basis", sa.String(16), nullable=False),
    sa.Column("agency_id", sa.String(64), nullable=True),
    sa.Column("disclosed_at", Stamp, nullable=False),
    sa.Index("ix_contact_disclosures_worker", "worker_id", "id"),
)

import_jobs = sa.Table(
    "import_jobs",
    metadata,
    sa.Column("id", sa.String(48), primary_key=True),
    sa.Column("owner_role", sa.String(16), nullable=False),
    sa.Column("owner_id", sa.String(200), nullable=False),
    sa.Column("format", sa.String(8), nullable=False),
    sa.Column("charset", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("processed", sa.Integer, nullable=False),
    sa.Column("ok", sa.Integer, nullable=False),
    sa.Column("failed", sa.Integer, nullable=False),
    sa.Column("detail", sa.Text, nullable=True),
    sa.Column("created_at", Stamp, nullable=False),
    sa.Column("updated_at", Stamp, nullable=False),
    sa.Column("finished_at", Stamp, nullable=True),
    sa.Index("ix_import_jobs_owner", "owner_role", "owner_id", "id"),
    sa.Index("ix_import_jobs_status", "status", "updated_at"),
)

import_results = sa.Table(
    "import_results",
    metadata,
    sa.Column("job_id", sa.String(48), sa.ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("row_no", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("outcome", sa.String(8), nullable=False),
    sa.Column("worker_id", sa.String(64), nullable=True),
    sa.Column("errors", sa.Text, nullable=True),
)


def dumps(value: Any) -> str:
    return to_json(value).decode()


def _aware(stamp: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything stored is UTC
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


# --- rows ----------------------------------------------------------------------------------------


def _row_values(state: ProfileState) -> dict[str, Any]:
    doc = state.document
    consent = doc.get("consent") or {}
    return {
        "agency_id": doc.get("agency_id"),
        "status": doc["status"],
        "region": doc["region"],
        "skill_level": doc["skill_level"],
        "level_rank": SkillLevel(doc["skill_level"]).rank,
        "matchable": bool(consent.get("matching")) and doc["status"] == "active",
        "version": state.version,
        "document": dumps(doc),
        "contact": dumps(state.contact),
        "updated_at": state.updated_at,
    }


_WORKER_COLUMNS = ("id", "agency_id", "status", "region", "skill_level", "level_rank", "matchable", "version",
                   "document", "contact", "replay_key", "created_at", "updated_at")
# the hot inserts of the write path, on the driver (services.common.store.DriverStatement)
_INSERT_WORKER = DriverStatement(workers.insert().values({c: sa.bindparam(c) for c in _WORKER_COLUMNS}))
_INSERT_OCCUPATION = DriverStatement(worker_occupations.insert().values(
    worker_id=sa.bindparam("worker_id"), code=sa.bindparam("code")))


_STATE_COLUMNS = (workers.c.id, workers.c.version, workers.c.document, workers.c.contact,
                  workers.c.created_at, workers.c.updated_at)


def _state(row: sa.Row) -> ProfileState:
    return ProfileState(
        id=row.id,
        version=row.version,
        document=json.loads(row.document),
        contact=json.loads(row.contact),
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
    )


@dataclass(frozen=True)
class WorkerFilter:
    agency_id: str | None = None  # only this agency's workers …
    acts_for: tuple[str, ...] = ()  # … plus these ids
    restricted: bool = False  # True for an agency: agency_id/acts_for limit what is seen
    status: str | None = None
    region: str | None = None  # 2-, 4- or 6-digit prefix
    occupation: str | None = None  # code; children in the taxonomy count too
    level: str | None = None  # exact level
    min_level_rank: int | None = None


@dataclass(frozen=True)
class ImportJob:
    id: str
    owner_role: str
    owner_id: str
    format: str
    charset: str
    status: str
    total: int
    processed: int
    ok: int
    failed: int
    detail: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    finished_at: dt.datetime | None


# --- the store a unit of work hands to the handlers ----------------------------------------------


@translates_driver_errors
class ProfilesStore:
    """The repository of the profiles service on one connection (the unit of work's transaction).

    Methods return domain objects and raise domain errors (a driver error becomes StoreConflict,
    StoreRefused or StoreUnavailable; a taken worker id becomes AlreadyExists).
    """

    def __init__(self, conn: Connection):
        self.conn = conn

    # --- workers

    def add_worker(self, state: ProfileState, codes: Sequence[str], replay_key: str | None = None) -> None:
        """A new profile; AlreadyExists when its id is taken."""
        try:
            self._insert([state], [codes], [replay_key])
        except sa.exc.IntegrityError:
            raise AlreadyExists(f"worker {state.id!r} already has a profile; PUT or PATCH it") from None

    def erase_worker(self, worker_id: str, *, erased_at: dt.datetime, version: int, actor_role: str,
                     actor_id: str, request_id: str | None) -> None:
        """The person's rows, outbox copies and consent records go; the erasure record stays."""
        self._delete_worker(worker_id)
        self._forget_worker_events(worker_id)
        self._forget_contact_consent(worker_id)
        self._record_erasure(worker_id=worker_id, erased_at=erased_at, version=version,
                            actor_role=actor_role, actor_id=actor_id, request_id=request_id)

    def insert_workers(self, states: Sequence[ProfileState], codes: Sequence[Sequence[str]]) -> None:
        """Insert new profiles (StoreConflict when an id exists)."""
        self._insert(states, codes, None)

    def _insert(self, states: Sequence[ProfileState], codes: Sequence[Sequence[str]],
                replay_keys: Sequence[str | None] | None) -> None:
        rows = []
        for i, state in enumerate(states):
            row = _row_values(state)
            row.update(id=state.id, created_at=state.created_at, replay_key=replay_keys[i] if replay_keys else None)
            rows.append(row)
        _INSERT_WORKER.execute(self.conn, rows)
        occupation_rows = [{"worker_id": s.id, "code": c} for s, cs in zip(states, codes, strict=True) for c in cs]
        if occupation_rows:
            _INSERT_OCCUPATION.execute(self.conn, occupation_rows)

    def update_worker(self, state: ProfileState, codes: Sequence[str] | None) -> None:
        """Write a profile's new version; `codes` None means its occupation codes did not change."""
        self.conn.execute(workers.update().where(workers.c.id == state.id).values(**_row_values(state)))
        if codes is not None:
            self.conn.execute(worker_occupations.delete().where(worker_occupations.c.worker_id == state.id))
            if codes:
                self.conn.execute(worker_occupations.insert(), [{"worker_id": state.id, "code": c} for c in codes])

    def get_worker(self, worker_id: str, *, for_update: bool = False) -> ProfileState | None:
        """One profile; `for_update` locks the row (PostgreSQL) until the transaction ends."""
        query = sa.select(*_STATE_COLUMNS).where(workers.c.id == worker_id)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return _state(row) if row else None

    def get_workers(self, worker_ids: Iterable[str], *, for_update: bool = False) -> dict[str, ProfileState]:
        ids = list(worker_ids)
        if not ids:
            return {}
        query = sa.select(*_STATE_COLUMNS).where(workers.c.id.in_(ids))
        if for_update:
            query = query.with_for_update()
        return {row.id: _state(row) for row in self.conn.execute(query)}

    def replay_key_of(self, worker_id: str) -> str | None:
        return self.conn.execute(sa.select(workers.c.replay_key).where(workers.c.id == worker_id)).scalar()

    def _delete_worker(self, worker_id: str) -> None:
        # the occupation rows go by ON DELETE CASCADE; deleting them first keeps SQLite without FKs right too
        self.conn.execute(worker_occupations.delete().where(worker_occupations.c.worker_id == worker_id))
        self.conn.execute(workers.delete().where(workers.c.id == worker_id))

    def _forget_worker_events(self, worker_id: str) -> None:
        """Drop the outbox copies of a worker's earlier events: they carry the profile being erased."""
        self.conn.execute(outbox.delete().where(outbox.c.topic == events.WORKERS, outbox.c.key == worker_id))

    def list_workers(self, where: WorkerFilter, *, after: str | None, limit: int) -> list[ProfileState]:
        """Profiles in id order (ids grow with creation time) after a cursor id."""
        query = sa.select(*_STATE_COLUMNS)
        if where.restricted:
            scope = [workers.c.agency_id == where.agency_id] if where.agency_id else []
            if where.acts_for:
                scope.append(workers.c.id.in_(where.acts_for))
            query = query.where(sa.or_(*scope) if scope else sa.false())
        elif where.agency_id:
            query = query.where(workers.c.agency_id == where.agency_id)
        if where.status:
            query = query.where(workers.c.status == where.status)
        if where.region:
            # a range on the code instead of LIKE so PostgreSQL can use the index whatever its collation
            query = query.where(workers.c.region.between(where.region.ljust(6, "0"), where.region.ljust(6, "9")))
        if where.occupation:
            code = where.occupation
            oc = worker_occupations.c
            query = query.where(
                sa.exists().where(
                    oc.worker_id == workers.c.id,
                    # the code itself or any code below it: '6-18' → '6-18-…' ('.' sorts right after '-')
                    sa.or_(oc.code == code, sa.and_(oc.code > code + "-", oc.code < code + ".")),
                )
            )
        if where.level:
            query = query.where(workers.c.skill_level == where.level)
        if where.min_level_rank is not None:
            query = query.where(workers.c.level_rank >= where.min_level_rank)
        if after:
            query = query.where(workers.c.id > after)
        rows = self.conn.execute(query.order_by(workers.c.id).limit(limit)).all()
        return [_state(r) for r in rows]

    # --- contact consent and disclosures

    def agency_contact_consent_of(self, worker_id: str) -> AgencyContactConsent | None:
        t = agency_contact_consents
        row = self.conn.execute(sa.select(t).where(t.c.worker_id == worker_id)).mappings().first()
        if row is None:
            return None
        return AgencyContactConsent(**{**row, "recorded_at": _aware(row["recorded_at"])})

    def put_agency_contact_consent(self, consent: AgencyContactConsent) -> None:
        """One record per worker: the latest replaces the one before (the caller holds the worker's row)."""
        t = agency_contact_consents
        values = consent.model_dump()
        if not self.conn.execute(t.update().where(t.c.worker_id == consent.worker_id).values(**values)).rowcount:
            self.conn.execute(t.insert().values(**values))

    def delete_agency_contact_consent(self, worker_id: str) -> bool:
        t = agency_contact_consents
        return self.conn.execute(t.delete().where(t.c.worker_id == worker_id)).rowcount > 0

    def add_contact_disclosure(self, disclosure: ContactDisclosure) -> None:
        self.conn.execute(contact_disclosures.insert().values(**disclosure.model_dump()))

    def list_contact_disclosures(self, worker_id: str, *, after: str | None, limit: int) -> list[ContactDisclosure]:
        """A worker's disclosures, oldest first (ids grow with time), after a cursor id."""
        t = contact_disclosures
        query = sa.select(t).where(t.c.worker_id == worker_id)
        if after:
            query = query.where(t.c.id > after)
        rows = self.conn.execute(query.order_by(t.c.id).limit(limit)).mappings().all()
        return [ContactDisclosure(**{**r, "disclosed_at": _aware(r["disclosed_at"])}) for r in rows]

    def _forget_contact_consent(self, worker_id: str) -> None:
        """Erasure: the agency-held consent record and every disclosure record of the worker go."""
        self.conn.execute(agency_contact_consents.delete().where(agency_contact_consents.c.worker_id == worker_id))
        self.conn.execute(contact_disclosures.delete().where(contact_disclosures.c.worker_id == worker_id))

    # --- erasures

    def erased_version(self, worker_id: str) -> int | None:
        """The version the erased profile had reached (its `worker.erased` event), if it was erased."""
        return self.conn.execute(
            sa.select(worker_erasures.c.version).where(worker_erasures.c.worker_id == worker_id)
        ).scalar()

    def _record_erasure(self, *, worker_id: str, erased_at: dt.datetime, version: int,
                       actor_role: str, actor_id: str, request_id: str | None) -> None:
        values = {"erased_at": erased_at, "version": version, "actor_role": actor_role,
                  "actor_id": actor_id, "request_id": request_id}
        # an id erased, re-created and erased again keeps one record: the latest erasure
        updated = self.conn.execute(
            worker_erasures.update().where(worker_erasures.c.worker_id == worker_id).values(**values)
        ).rowcount
        if not updated:
            self.conn.execute(worker_erasures.insert().values(worker_id=worker_id, **values))

    # --- imports

    def create_import_job(self, job: ImportJob) -> None:
        self.conn.execute(import_jobs.insert().values(**job.__dict__))

    def get_import_job(self, job_id: str) -> ImportJob | None:
        row = self.conn.execute(sa.select(import_jobs).where(import_jobs.c.id == job_id)).first()
        if row is None:
            return None
        values = row._asdict()
        for key in ("created_at", "updated_at", "finished_at"):
            if values[key] is not None:
                values[key] = _aware(values[key])
        return ImportJob(**values)

    def update_import_job(self, job_id: str, **values: Any) -> None:
        self.conn.execute(import_jobs.update().where(import_jobs.c.id == job_id).values(**values))

    def add_import_progress(self, job_id: str, *, processed: int, ok: int, failed: int,
                            at: dt.datetime) -> None:
        c = import_jobs.c
        self.conn.execute(
            import_jobs.update()
            .where(c.id == job_id)
            .values(processed=c.processed + processed, ok=c.ok + ok, failed=c.failed + failed, updated_at=at)
        )

    def add_import_results(self, job_id: str, results: Sequence[dict[str, Any]]) -> None:
        """Rows of {row, outcome, worker_id, errors}; errors is a list of {field, message}."""
        if not results:
            return
        self.conn.execute(
            import_results.insert(),
            [
                {
                    "job_id": job_id,
                    "row_no": r["row"],
                    "outcome": r["outcome"],
                    "worker_id": r.get("worker_id"),
                    "errors": dumps(r["errors"]) if r.get("errors") else None,
                }
                for r in results
            ],
        )

    def list_import_results(self, job_id: str, *, outcome: str | None, after_row: int,
                            limit: int) -> list[dict[str, Any]]:
        c = import_results.c
        query = sa.select(c.row_no, c.outcome, c.worker_id, c.errors).where(c.job_id == job_id, c.row_no > after_row)
        if outcome:
            query = query.where(c.outcome == outcome)
        rows = self.conn.execute(query.order_by(c.row_no).limit(limit)).all()
        return [
            {"row": r.row_no, "outcome": r.outcome, "worker_id": r.worker_id, "errors": json.loads(r.errors) if r.errors else []}
            for r in rows
        ]

    def stale_import_jobs(self, older_than: dt.datetime) -> list[str]:
        c = import_jobs.c
        return list(
            self.conn.execute(
                sa.select(c.id).where(c.status.in_(("queued", "running")), c.updated_at < older_than)
            ).scalars()
        )

    def purge_import_jobs(self, finished_before: dt.datetime) -> int:
        c = import_jobs.c
        old = list(self.conn.execute(sa.select(c.id).where(c.finished_at.is_not(None), c.finished_at < finished_before)).scalars())
        if not old:
            return 0
        self.conn.execute(import_results.delete().where(import_results.c.job_id.in_(old)))
        return self.conn.execute(import_jobs.delete().where(c.id.in_(old))).rowcount
