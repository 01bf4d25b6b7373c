"""The `matching-market-engagements` consumer: engagement and match events → flow and outcome facts.

Reads `talentflow.engagements` (applications, invitations; keyed by posting id, each carrying the
worker id) and `talentflow.matches` (`match.found`: a match shown). Each batch becomes one insert of
facts that ignores keys already stored, so replays and redeliveries count nothing twice; the
consumer commits its offsets after the insert.
"""

from __future__ import annotations

from services.common import events
from services.common.consuming import ConsumerWorker
from services.common.ports import EventLog, Record
from services.matching.market.outcomes import ENGAGEMENT_TYPES, Fact, OutcomesRepository, fact_of

GROUP = "matching-market-engagements"
TOPICS = (events.ENGAGEMENTS, events.MATCHES)


class EngagementIngest:
    def __init__(self, repository: OutcomesRepository):
        self.repository = repository

    def handle(self, records: list[Record]) -> None:
        facts: dict[str, Fact] = {}
        for record in records:
            event = events.decode(record)
            if event.type not in ENGAGEMENT_TYPES:
                continue
            fact = fact_of(event)
            if fact is not None and fact.key not in facts:
                facts[fact.key] = fact
        self.repository.add_facts(list(facts.values()))


def engagements_consumer(event_log: EventLog, repository: OutcomesRepository, **options) -> ConsumerWorker:
    return ConsumerWorker(event_log, GROUP, TOPICS, EngagementIngest(repository).handle, batch_handler=True,
                          name="market-engagements", **options)
