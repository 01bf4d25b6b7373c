"""The candidates route records what it showed (issue 17), off the request path, without personal data.

The real matching app (over the fake search index) answers candidates; its shown-lists writer
stores each answer's workers with their rank and the ranking weights' fingerprint.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.matching import handlers
from services.matching.app import Settings, create_app
from services.matching.market.outcomes import market_ranking_variants, market_shown
from services.matching.market.shown import ShownLists, fingerprint
from tests.fakes_search import FakeSearchIndex, posting_data, posting_upserted, worker_data, worker_upserted
from tests.support import auth, runtime_for, settings_kwargs

ORG = "org-coal"


def test_each_candidates_answer_is_recorded_with_its_ranks_and_weights_fingerprint(store_backend):
    settings = Settings(**settings_kwargs(store_backend))
    runtime = runtime_for("matching", settings, store_backend)
    index = FakeSearchIndex()
    app = create_app(settings, runtime=runtime, index=index)
    try:
        recorder = app.state.shown_lists
        assert isinstance(recorder, ShownLists) and recorder.autostart  # an HTTP-only process writes too
        recorder.autostart = False  # here the test drains the queue itself
        workers = [worker_data(f"w-{i}", name="王建国", skills=[{"name": "氩弧焊", "proficiency": 1 + i % 5, "years": i}])
                   for i in range(6)]
        posting = posting_data("p-1", org_id=ORG)
        handlers.apply_to_index(index, [worker_upserted(w) for w in workers] + [posting_upserted(posting)])
        client = TestClient(app)
        answer = client.get("/v1/postings/p-1/candidates?limit=4", headers=auth("employer", "u-1", ORG))
        assert answer.status_code == 200, answer.text
        shown = [item["worker_id"] for item in answer.json()["items"]]
        assert shown
        with runtime.engine.connect() as conn:  # nothing written on the request path
            assert conn.execute(sa.select(sa.func.count()).select_from(market_shown)).scalar() == 0
        assert recorder.flush() == len(shown)
        with runtime.engine.connect() as conn:
            rows = conn.execute(sa.select(market_shown.c.worker_id, market_shown.c.rank, market_shown.c.fingerprint)
                                .where(market_shown.c.posting_id == "p-1").order_by(market_shown.c.rank)).all()
            variants = conn.execute(sa.select(market_ranking_variants)).all()
        weights = settings.tuning().weights
        assert [(r.worker_id, r.rank) for r in rows] == [(w, i) for i, w in enumerate(shown, start=1)]
        assert {r.fingerprint for r in rows} == {fingerprint(weights)}
        assert len(variants) == 1 and variants[0].weights == pytest.approx(weights.normalised())
        assert "王建国" not in str([tuple(r) for r in rows])  # ids and ranks only
        recorder.autostart = True  # the first answer starts the writer, which drains the queue on its own
        assert client.get("/v1/postings/p-1/candidates?limit=2", headers=auth("employer", "u-1", ORG)).status_code == 200
        deadline = time.monotonic() + 5
        while recorder.written < len(shown) + 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert recorder.written == len(shown) + 2
        recorder.stop()
    finally:
        runtime.close()


def test_lists_dropped_over_the_bound_are_counted_on_metrics(store_backend):
    settings = Settings(**settings_kwargs(store_backend))
    runtime = runtime_for("matching", settings, store_backend)
    app = create_app(settings, runtime=runtime, index=FakeSearchIndex())
    try:
        recorder = app.state.shown_lists
        recorder.autostart = False  # nothing drains the queue: it fills up
        weights = settings.tuning().weights
        bound = recorder._queue.maxsize
        for i in range(bound + 3):
            recorder.record(f"p-{i}", ["w-1", "w-2"], weights)
        assert recorder.dropped == 3
        text = TestClient(app).get("/metrics").text
        assert 'talentflow_market_shown_lists_dropped_total{service="matching"} 3.0' in text
        assert f'talentflow_market_shown_lists_queued{{service="matching"}} {float(bound)}' in text
        assert recorder.flush() == 2 * bound
        text = TestClient(app).get("/metrics").text
        assert f'talentflow_market_shown_rows_written_total{{service="matching"}} {float(2 * bound)}' in text
        assert 'talentflow_market_shown_lists_queued{service="matching"} 0.0' in text
    finally:
        runtime.close()
