"""Reactive matching when the index has been written but not yet committed.

On Kafka the `matching-reactive` group often receives a worker and a posting in the same batch
while the `matching-index` group is still between its writes and its `refresh()`: the tantivy
index's `get` already sees both (its overlay of uncommitted writes), its `search` sees neither
until the next commit. The reactive step must search a state that holds what it waited for,
or the pair is never announced (the e2e scenario on real engines timed out on match.found).
"""

from __future__ import annotations

import pytest

from services.common.adapters.kv_memory import MemoryKeyValue
from services.matching import handlers
from services.matching.app import Settings, create_app
from tests.fakes_search import posting_data, posting_upserted, worker_data, worker_upserted
from tests.support import runtime_for, settings_kwargs

pytestmark = pytest.mark.integration


@pytest.fixture
def matching(store_backend, tmp_path):
    # a commit interval far longer than the test: only an explicit refresh() makes writes searchable
    settings = Settings(**settings_kwargs(store_backend), index_path=tmp_path / "index", index_wait_s=2.0,
                        index_commit_interval_s=10)
    runtime = runtime_for("matching", settings, store_backend)
    app = create_app(settings, runtime=runtime)
    yield app
    app.state.index.close()
    runtime.close()


def test_a_pair_written_but_not_yet_committed_is_announced_both_ways(matching):
    worker, posting = worker_data(), posting_data()
    events = [worker_upserted(worker), posting_upserted(posting)]
    index = matching.state.index()
    for change in (handlers.change_of(e) for e in events):
        index.upsert(change.kind, [change.doc])  # the index consumer mid-batch: written, not refreshed
    assert index.get(handlers.Kind.workers, worker["id"]) is not None

    result = handlers.react(index, matching.state.uow, MemoryKeyValue(), events,
                            matching.state.matching.tuning)
    # the employer is told about the worker and the worker about the posting
    assert result.announced == 2


class WrittenAfterFirstGet:
    """The real index, with the index consumer's write landing right after the first `get` misses:
    what the reactive thread sees when ingest writes between its two reads."""

    def __init__(self, index, changes) -> None:
        self._index, self._changes = index, list(changes)

    def get(self, kind, doc_id):
        hit = self._index.get(kind, doc_id)
        while self._changes:
            change = self._changes.pop(0)
            self._index.upsert(change.kind, [change.doc])
        return hit

    def __getattr__(self, name):
        return getattr(self._index, name)


def test_a_document_written_while_the_reactive_step_looks_is_not_taken_for_deleted(matching):
    worker, posting = worker_data(), posting_data()
    index = matching.state.index()
    index.upsert(handlers.Kind.workers, [handlers.change_of(worker_upserted(worker)).doc])
    index.refresh()
    event = posting_upserted(posting)
    racing = WrittenAfterFirstGet(index, [handlers.change_of(event)])

    result = handlers.react(racing, matching.state.uow, MemoryKeyValue(), [event],
                            matching.state.matching.tuning)
    # the welder is told about the new posting, and its employer about the welder
    assert (result.skipped, result.announced) == (0, 2)
