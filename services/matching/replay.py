"""`talentflow replay matching`: rebuild the search index from the event log, then switch to it.

The log is the source of truth (DESIGN §6): reading `talentflow.workers`, `talentflow.postings` and
`talentflow.courses` from the beginning with a fresh consumer group and folding every batch through the same
`handlers.change_of_record` and `handlers.apply_changes` the live consumer uses gives the same documents at the same versions.

- Embedded (tantivy): the index lives in `<index root>/generations/<name>/`, and the file
  `<index root>/current` names the generation in use. A replay fills a new generation, closes it,
  and replaces `current` atomically (`os.replace`). A running service notices the switch
  (`IndexHolder`), opens the new generation, copies over whatever its consumer wrote to the old
  one meanwhile (newer versions only, so nothing written in the gap is lost), then retires it.
- Elasticsearch: the replay folds the log into a temporary embedded index, then
  `ElasticsearchIndex.rebuild` fills a new generation and swaps the alias in one call; the tail
  of the log that arrived meanwhile is applied to the alias afterwards (versions make it safe).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from services.common.ports import EventLog
from services.matching import handlers
from services.matching.consumers import TOPICS
from services.matching.courses.consumers import COURSE_TOPICS
from services.matching.documents import doc_from_source
from services.matching.index import IndexDoc, Kind, SearchIndex
from services.matching.index.holder import (  # noqa: F401  (the generation helpers, re-exported for operators' scripts)
    IndexHolder,
    copy_newer,
    current_generation,
    ensure_generation,
    index_root,
    new_generation,
    open_tantivy,
    retire_generations,
    switch_generation,
)

log = logging.getLogger(__name__)


# --- rebuilding from the log ------------------------------------------------------------------------


def read_log(
    event_log: EventLog,
    index: SearchIndex,
    *,
    group: str,
    poll_timeout_s: float = 0.5,
    idle_polls: int = 3,
    first_wait_s: float = 15.0,
    max_records: int = 5000,
) -> int:
    """Fold the worker, posting and course topics into `index` with `group`, until the log has no more.

    The end is three empty polls in a row after the first record (or `first_wait_s` with none:
    an empty log, or Kafka still assigning partitions). Returns how many records were read.
    Records are read as the live consumer reads them (`handlers.change_of_record`: worker upserts
    without the models) and written without a commit per batch: the index commits on its own
    interval, and once at the end. The group is this replay's own and is thrown away, so its
    offsets need not wait for the index.
    """
    consumer = event_log.consumer(group, [*TOPICS, *COURSE_TOPICS], from_beginning=True)  # courses: their own group live
    read, idle, started = 0, 0, time.monotonic()
    try:
        while True:
            records = consumer.poll(poll_timeout_s, max_records)
            if not records:
                idle += 1
                if (read and idle >= idle_polls) or (not read and time.monotonic() - started >= first_wait_s):
                    break
                continue
            idle = 0
            changes = []
            for record in records:
                try:
                    changes.append(handlers.change_of_record(record))
                except ValueError:  # undecodable, or data the models refuse: the live consumer's DLQ
                    log.warning("replay: skipping an unreadable record at %s[%d]@%d",
                                record.topic, record.partition, record.offset)
            _apply(index, changes)
            consumer.commit(records)
            read += len(records)
        if read:
            index.refresh()
    finally:
        consumer.close()
    return read


def _apply(index: SearchIndex, changes: list[handlers.Change | None]) -> None:
    try:
        handlers.apply_changes(index, changes, refresh=False)
    except Exception:  # one bad change (the live consumer sent it to the DLQ): apply the rest alone
        for change in changes:
            try:
                handlers.apply_changes(index, [change], refresh=False)
            except Exception as error:  # noqa: BLE001
                log.warning("replay: skipping %s/%s (%s)", change.kind if change else "-", change.id if change else "-",
                            type(error).__name__)


def _docs(index: SearchIndex, kind: Kind) -> Iterator[IndexDoc]:
    for hit in index.scan(kind):
        yield doc_from_source(kind, hit.id, hit.version, hit.source)


def replay_embedded(root: Path, event_log: EventLog, opener: Callable[[Path], SearchIndex], **read_options) -> Path:
    """Fill a new generation from the log and make it current; returns its folder."""
    folder = new_generation(root)
    index = opener(folder)
    try:
        count = read_log(event_log, index, group=f"matching-replay-{uuid.uuid4().hex[:12]}", **read_options)
        index.refresh()
    finally:
        index.close()
    switch_generation(root, folder)
    log.info("replay: %d records into %s", count, folder)
    return folder


def replay_elasticsearch(es_index, event_log: EventLog, opener: Callable[[Path], SearchIndex], **read_options) -> int:
    """Fold the log into a temporary embedded index, rebuild each Elasticsearch alias from it, then
    apply the tail that arrived meanwhile to the alias."""
    group = f"matching-replay-{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory(prefix="talentflow-replay-") as folder:
        staging = opener(Path(folder))
        try:
            count = read_log(event_log, staging, group=group, **read_options)
            staging.refresh()
            for kind in Kind:
                es_index.rebuild(kind, _docs(staging, kind))
        finally:
            staging.close()
    count += read_log(event_log, es_index, group=group, first_wait_s=1.0, **read_options)
    return count


def main(args: argparse.Namespace | None = None) -> int:
    """Entry point of `talentflow replay matching`."""
    from services.common.runtime import make_event_log
    from services.matching.settings import Settings

    settings = Settings()
    from services.matching import inferred

    inferred.configure(settings.enrichment())  # the same documents as the live consumer builds
    event_log = make_event_log(settings, client_id="talentflow-matching-replay")
    try:
        if settings.elasticsearch_url:
            from services.matching.index.elastic import ElasticsearchIndex

            es_index = ElasticsearchIndex(settings.elasticsearch_url, prefix=settings.elasticsearch_prefix)
            try:
                count = replay_elasticsearch(es_index, event_log, lambda path: open_tantivy(path, settings))
            finally:
                es_index.close()
            print(f"matching: replayed {count} records into Elasticsearch", file=sys.stderr)
        else:
            root = index_root(settings)
            folder = replay_embedded(root, event_log, lambda path: open_tantivy(path, settings))
            retire_generations(root)
            print(f"matching: index rebuilt from the log into {folder}", file=sys.stderr)
    finally:
        event_log.close()
    return 0
