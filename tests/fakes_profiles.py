"""An in-memory `ProfilesStore` for handler unit tests: the same methods and domain objects, no database.

Run the handlers on it through `services.common.uow.InMemoryUnitOfWork`, which restores the fake's
state when a unit of work ends on an exception (as the database's rollback would).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from services.common.contracts import SkillLevel
from services.common.uow import StoreConflict
from services.profiles.domain import AgencyContactConsent, AlreadyExists, ContactDisclosure, ProfileState
from services.profiles.store import ImportJob, WorkerFilter


class FakeProfilesStore:
    def __init__(self) -> None:
        self.workers: dict[str, ProfileState] = {}
        self.codes: dict[str, list[str]] = {}
        self.replay_keys: dict[str, str] = {}
        self.erasures: dict[str, dict[str, Any]] = {}
        self.consents: dict[str, AgencyContactConsent] = {}
        self.disclosures: list[ContactDisclosure] = []
        self.jobs: dict[str, ImportJob] = {}
        self.results: dict[str, list[dict[str, Any]]] = {}

    # workers
    def get_worker(self, worker_id: str, *, for_update: bool = False) -> ProfileState | None:
        return self.workers.get(worker_id)

    def get_workers(self, worker_ids: Iterable[str], *, for_update: bool = False) -> dict[str, ProfileState]:
        return {i: self.workers[i] for i in worker_ids if i in self.workers}

    def add_worker(self, state: ProfileState, codes: Sequence[str], replay_key: str | None = None) -> None:
        if state.id in self.workers:
            raise AlreadyExists(f"worker {state.id!r} already has a profile; PUT or PATCH it")
        self.insert_workers([state], [codes])
        if replay_key:
            self.replay_keys[state.id] = replay_key

    def insert_workers(self, states: Sequence[ProfileState], codes: Sequence[Sequence[str]]) -> None:
        if any(s.id in self.workers for s in states):
            raise StoreConflict("the store refused the write: a constraint does not hold")
        for state, cs in zip(states, codes, strict=True):
            self.workers[state.id] = state
            self.codes[state.id] = list(cs)

    def update_worker(self, state: ProfileState, codes: Sequence[str] | None) -> None:
        self.workers[state.id] = state
        if codes is not None:
            self.codes[state.id] = list(codes)

    def list_workers(self, where: WorkerFilter, *, after: str | None, limit: int) -> list[ProfileState]:
        def visible(s: ProfileState) -> bool:
            doc = s.document
            if where.restricted and not ((where.agency_id and s.agency_id == where.agency_id) or s.id in where.acts_for):
                return False
            if not where.restricted and where.agency_id and s.agency_id != where.agency_id:
                return False
            if where.status and doc["status"] != where.status:
                return False
            if where.region and not doc["region"].startswith(where.region):
                return False
            if where.occupation and not any(c == where.occupation or c.startswith(where.occupation + "-")
                                            for c in self.codes.get(s.id, [])):
                return False
            if where.level and doc["skill_level"] != where.level:
                return False
            return where.min_level_rank is None or SkillLevel(doc["skill_level"]).rank >= where.min_level_rank

        items = sorted((s for s in self.workers.values() if visible(s) and (after is None or s.id > after)),
                       key=lambda s: s.id)
        return items[:limit]

    def replay_key_of(self, worker_id: str) -> str | None:
        return self.replay_keys.get(worker_id)

    def erase_worker(self, worker_id: str, *, erased_at: dt.datetime, version: int, actor_role: str,
                     actor_id: str, request_id: str | None) -> None:
        for table in (self.workers, self.codes, self.replay_keys, self.consents):
            table.pop(worker_id, None)
        self.disclosures = [d for d in self.disclosures if d.worker_id != worker_id]
        self.erasures[worker_id] = {"erased_at": erased_at, "version": version, "actor_role": actor_role,
                                    "actor_id": actor_id, "request_id": request_id}

    def erased_version(self, worker_id: str) -> int | None:
        erasure = self.erasures.get(worker_id)
        return erasure["version"] if erasure else None

    # contact consent and disclosures
    def agency_contact_consent_of(self, worker_id: str) -> AgencyContactConsent | None:
        return self.consents.get(worker_id)

    def put_agency_contact_consent(self, consent: AgencyContactConsent) -> None:
        self.consents[consent.worker_id] = consent

    def delete_agency_contact_consent(self, worker_id: str) -> bool:
        return self.consents.pop(worker_id, None) is not None

    def add_contact_disclosure(self, disclosure: ContactDisclosure) -> None:
        self.disclosures.append(disclosure)

    def list_contact_disclosures(self, worker_id: str, *, after: str | None, limit: int) -> list[ContactDisclosure]:
        mine = sorted((d for d in self.disclosures if d.worker_id == worker_id and (after is None or d.id > after)),
                      key=lambda d: d.id)
        return mine[:limit]

    # imports
    def create_import_job(self, job: ImportJob) -> None:
        self.jobs[job.id] = job
        self.results[job.id] = []

    def get_import_job(self, job_id: str) -> ImportJob | None:
        return self.jobs.get(job_id)

    def update_import_job(self, job_id: str, **values: Any) -> None:
        if job_id in self.jobs:
            self.jobs[job_id] = dataclasses.replace(self.jobs[job_id], **values)

    def add_import_progress(self, job_id: str, *, processed: int, ok: int, failed: int, at: dt.datetime) -> None:
        job = self.jobs[job_id]
        self.jobs[job_id] = dataclasses.replace(job, processed=job.processed + processed, ok=job.ok + ok,
                                                failed=job.failed + failed, updated_at=at)

    def add_import_results(self, job_id: str, results: Sequence[dict[str, Any]]) -> None:
        self.results[job_id].extend({**r, "errors": r.get("errors") or []} for r in results)

    def list_import_results(self, job_id: str, *, outcome: str | None, after_row: int,
                            limit: int) -> list[dict[str, Any]]:
        rows = sorted((r for r in self.results.get(job_id, []) if r["row"] > after_row
                       and (outcome is None or r["outcome"] == outcome)), key=lambda r: r["row"])
        return [{k: r[k] for k in ("row", "outcome", "worker_id", "errors")} for r in rows[:limit]]

    def stale_import_jobs(self, older_than: dt.datetime) -> list[str]:
        return [j.id for j in self.jobs.values() if j.status in ("queued", "running") and j.updated_at < older_than]

    def purge_import_jobs(self, finished_before: dt.datetime) -> int:
        old = [j.id for j in self.jobs.values() if j.finished_at is not None and j.finished_at < finished_before]
        for job_id in old:
            self.jobs.pop(job_id)
            self.results.pop(job_id, None)
        return len(old)
