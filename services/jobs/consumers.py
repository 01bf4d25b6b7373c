"""Event-log subscriptions of the jobs service: decode, call a handler, commit.

The jobs service listens to the workers topic twice: `jobs-erasure` for `worker.erased` — erasure
reaches every copy (DESIGN §6), and the worker's applications and invitations (with their free-text
messages) are copies — and `jobs-worker-agencies`, which keeps the read model of which agency
manages which worker (from `worker.upserted`'s `agency_id`), so an agency acts for its workers. The handler
is idempotent (a replay deletes nothing more); the kit's `ConsumerWorker` commits only after it
returned, retries with backoff and dead-letters what keeps failing.
"""

from __future__ import annotations

import logging

from services.common.consuming import ConsumerWorker
from services.common.events import WORKERS, WorkerErased, WorkerUpserted, decode
from services.common.ports import EventLog, Record
from services.jobs import handlers
from services.jobs.handlers import Deps

log = logging.getLogger(__name__)

ERASURE_GROUP = "jobs-erasure"
# Its own group, so it reads the workers topic from the beginning once and knows every worker's agency.
AGENCY_GROUP = "jobs-worker-agencies"


def handle_worker_event(deps: Deps, record: Record) -> None:
    event = decode(record)
    if event.type != "worker.erased":
        return  # profiles' other events are not the jobs service's business
    erased: WorkerErased = event.parsed()  # type: ignore[assignment]  # the registry maps the type to it
    # a repeated erasure, or an old one after the person came back, is a no-op (never the DLQ)
    removed = handlers.erase_worker(deps, erased.id, version=event.entityversion)
    if removed:
        log.info("erased %d applications/invitations of an erased worker", removed)


def erasure_consumer(deps: Deps, event_log: EventLog) -> ConsumerWorker:
    return ConsumerWorker(
        event_log, ERASURE_GROUP, [WORKERS], lambda record: handle_worker_event(deps, record), name=ERASURE_GROUP
    )


def handle_agency_event(deps: Deps, record: Record) -> None:
    """worker.upserted → which agency manages the worker (newest version wins); worker.erased → forgotten."""
    event = decode(record)
    if event.type == "worker.upserted":
        upserted: WorkerUpserted = event.parsed()  # type: ignore[assignment]
        handlers.record_worker_agency(deps, upserted.id, upserted.agency_id, upserted.version)
    elif event.type == "worker.erased":
        erased: WorkerErased = event.parsed()  # type: ignore[assignment]
        handlers.forget_worker_agency(deps, erased.id, event.entityversion)


def agency_consumer(deps: Deps, event_log: EventLog) -> ConsumerWorker:
    return ConsumerWorker(
        event_log, AGENCY_GROUP, [WORKERS], lambda record: handle_agency_event(deps, record), name=AGENCY_GROUP
    )
