"""The market inside the real matching service (tantivy index, embedded log): wired by build_market."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.common import events
from services.common.consuming import ConsumerWorker
from services.matching.app import Settings, create_app
from services.matching.index import Kind
from services.matching.market.consumers import GROUP, MarketHandover, ReportScheduler
from tests.integration.test_market_support import ADMIN, ANY_TOKEN, posting_event, worker_event
from tests.support import runtime_for, settings_kwargs

pytestmark = pytest.mark.integration


def test_matching_serves_the_market_fed_by_the_index_consumer_and_runs_its_scheduler(store_backend, tmp_path):
    settings = Settings(**settings_kwargs(store_backend), index_path=tmp_path / "index")
    runtime = runtime_for("matching", settings, store_backend)
    app = create_app(settings, runtime=runtime)
    try:
        groups = {w.group for w in app.state.workers if isinstance(w, ConsumerWorker)}
        assert GROUP not in groups, "the read model has no consumer group of its own any more"
        assert any(isinstance(w, ReportScheduler) for w in app.state.workers)
        assert any(isinstance(w, MarketHandover) for w in app.state.workers)
        runtime.event_log.publish([events.encode(e) for e in (worker_event("w-1"), posting_event("p-1", headcount=3))])
        consumer = app.state.index_consumer
        consumer.poll_timeout_s = 0.01
        while consumer.run_once():
            pass
        with TestClient(app) as client:
            figures = client.get("/v1/market/supply-demand", params={"occupation": "6-18"}, headers=ANY_TOKEN).json()
            assert (figures["seekers"], figures["openings"], figures["ratio"]) == (1, 3, 3.0)
            assert app.state.index().get(Kind.workers, "w-1") is not None  # the same batch reached the index
            published = client.post("/v1/market/reports", headers=ADMIN)
            assert published.status_code == 201
            assert client.get(f"/v1/market/reports/{published.json()['id']}").status_code == 200
            assert "焊工" in client.get("/market").text
            assert "/v1/market/supply-demand" in client.get("/openapi.json").json()["paths"]
    finally:
        runtime.close()
