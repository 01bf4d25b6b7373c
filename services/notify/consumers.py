"""Event-log subscriptions of the notify service: decode, apply in one transaction, then commit.

One consumer group ("notify") reads matches, engagements, postings, market reports and worker
erasures. A polled batch is applied in one transaction; the `ConsumerWorker` commits the offsets only
after that, so a crash replays the batch and the unique (event, recipient) constraints make the
replay a no-op. A record that is not a TalentFlow event goes to the DLQ.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import Counter
from sqlalchemy.engine import Engine

from services.common.consuming import ConsumerWorker
from services.common.events import ENGAGEMENTS, IMPORTS, MARKET, MATCHES, POSTINGS, WORKERS, decode
from services.common.ports import EventLog, Record
from services.common.store import checkpoint_wal
from services.notify import handlers

GROUP = "notify"
TOPICS = (MATCHES, ENGAGEMENTS, POSTINGS, MARKET, WORKERS, IMPORTS)

NOTIFICATIONS = Counter("talentflow_notify_notifications_total", "Notifications created from events")


def batch_handler(engine: Engine, deps: handlers.NotifyDeps, on_queued: Callable[[], None]) -> Callable[[list[Record]], None]:
    """Apply a polled batch in one transaction (the throughput path). When anything in it fails,
    the `ConsumerWorker` calls this again with one record at a time, so one poison record is
    retried and dead-lettered alone while the rest are applied."""

    def handle(records: list[Record]) -> None:
        events = [decode(record) for record in records]
        effects = handlers.Effects()
        with deps.uow:  # one transaction for the batch: each handler joins it
            for event in events:
                effects += handlers.handle_event(deps, event)
        if any(event.type == "worker.erased" for event in events):
            checkpoint_wal(engine, background=True)  # the erased rows' old pages leave the WAL too
        NOTIFICATIONS.inc(effects.notifications)
        if effects.to_send:
            on_queued()  # after the commit: the dispatcher finds the rows at once

    return handle


def notify_consumer(
    event_log: EventLog, engine: Engine, deps: handlers.NotifyDeps, on_queued: Callable[[], None], **options
) -> ConsumerWorker:
    options.setdefault("max_records", 200)
    return ConsumerWorker(event_log, GROUP, TOPICS, batch_handler(engine, deps, on_queued), batch_handler=True,
                          name="notify-consumer", **options)
