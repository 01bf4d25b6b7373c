"""Event-log subscriptions of the jobs service: decode, call a handler, commit.

The jobs service listens for `worker.erased` only: erasure reaches every copy (DESIGN §6), and
the worker's applications and invitations (with their free-text messages) are copies. The handler
is idempotent (a replay deletes nothing more); the kit's `ConsumerWorker` commits only after it
returned, retries with backoff and dead-letters what keeps failing.
"""

from __future__ import annotations

import logging

from services.common.consuming import ConsumerWorker
from services.common.events import WORKERS, WorkerErased, decode
from services.common.ports import EventLog, Record
from services.jobs import handlers
from services.jobs.handlers import Deps

log = logging.getLogger(__name__)

ERASURE_GROUP = "jobs-erasure"


def handle_worker_event(deps: Deps, record: Record) -> None:
    event = decode(record)
    if event.type != "worker.erased":
        return  # profiles' other events are not the jobs service's business
    erased: WorkerErased = event.parsed()  # type: ignore[assignment]  # the registry maps the type to it
    removed = handlers.erase_worker(deps, erased.id)
    if removed:
        log.info("erased %d applications/invitations of an erased worker", removed)


def erasure_consumer(deps: Deps, event_log: EventLog) -> ConsumerWorker:
    return ConsumerWorker(
        event_log, ERASURE_GROUP, [WORKERS], lambda record: handle_worker_event(deps, record), name=ERASURE_GROUP
    )
