"""The `matching-courses` consumer group: `talentflow.courses` → the index (`Kind.courses`).

Its own group, so courses never hold back worker and posting ingest (nor the other way round),
with the same rules as `matching-index` (services/matching/consumers.py): batches decoded before
anything is written, version-guarded upserts (a course.closed carries the whole course, so it is
an upsert with the closing's status), `index.refresh()` before the kit commits the offsets, a
record that keeps failing retried alone with backoff and then sent to `talentflow.courses.dlq`,
and an unreachable index waited for inside the handler. `talentflow replay matching` reads this
topic too (replay.py), through the same `handlers.change_of`.
"""

from __future__ import annotations

from typing import Any

from services.common.consuming import ConsumerWorker
from services.common.events import COURSES
from services.common.ports import EventLog
from services.matching.consumers import IndexIngest

COURSES_GROUP = "matching-courses"
COURSE_TOPICS = (COURSES,)


def course_consumer(log_: EventLog, ingest: IndexIngest, *, group: str = COURSES_GROUP, max_records: int = 500,
                    **options: Any) -> ConsumerWorker:
    """The `matching-courses` group; `ingest` folds each batch into the index (an `IndexIngest` of its own)."""
    return ConsumerWorker(log_, group, COURSE_TOPICS, ingest, batch_handler=True, max_records=max_records,
                          name=f"consumer-{group}", **options)


__all__ = ["COURSES_GROUP", "COURSE_TOPICS", "course_consumer"]
