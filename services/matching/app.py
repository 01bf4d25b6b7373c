"""Bootstrap of the matching service: settings → adapters → handlers → the ASGI app and its workers.

The search index is chosen here: `ELASTICSEARCH_URL` selects `ElasticsearchIndex`, otherwise the
embedded `TantivyIndex` under `<TALENTFLOW_HOME>/index` (or `MATCHING_INDEX_PATH`), in the
generation the `current` pointer names (index/holder.py); settings live in settings.py. The workers
are the outbox relay (for `match.found`), the index consumer and the reactive-matching consumer,
and the market's consumer and report scheduler (market/app.py).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from services.common.runtime import Runtime, build_runtime
from services.common.store import OutboxRelay, ping, run_migrations
from services.common.uow import SqlUnitOfWork
from services.common.web import create_service_app
from services.matching import api, inferred, store
from services.matching.consumers import IndexIngest, ReactiveMatching, index_consumer, reactive_consumer
from services.matching.courses import api as courses_api
from services.matching.courses.consumers import course_consumer
from services.matching.index import SearchIndex
from services.matching.index.holder import IndexHolder, index_root, open_index, open_tantivy
from services.matching.market.app import build_market
from services.matching.settings import Settings
from services.matching.vocabulary import api as vocabulary_api

__all__ = ["MIGRATIONS", "PORT", "SERVICE", "Settings", "create_app", "index_root", "open_index", "open_tantivy"]

SERVICE = "matching"
PORT = 8003
MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    index: SearchIndex | IndexHolder | None = None,
) -> FastAPI:
    settings = settings or Settings()
    inferred.configure(settings.enrichment())  # documents are built by loops that take no settings
    builds_documents = (settings.run_workers or settings.process == "work") and not settings.reactive_only
    if builds_documents:  # this process runs the loops that build documents:
        # their first batch should not wait seconds for jieba
        inferred.warm_up()
    runtime = runtime or build_runtime(SERVICE, settings)
    run_migrations(runtime.engine, MIGRATIONS)
    if index is None:
        holder = open_index(settings, read_only=settings.index_read_only)
    else:
        holder = index if isinstance(index, IndexHolder) else IndexHolder.fixed(index)
    tuning = settings.tuning()
    relay = OutboxRelay(runtime.engine, store.outbox, runtime.event_log, name=SERVICE)
    # one transaction per command: announced pairs and their match.found events, erasures
    uow = SqlUnitOfWork(runtime.engine, store.MatchingStore, store.OUTBOX, after_commit=relay.wake)
    # market: routers and loops are added below; its read model is fed by the index consumer
    market = build_market(runtime, settings, market_settings=settings.market, wake=relay.wake)
    ingest = IndexIngest(holder, market=market.ingest.apply_read)
    index_worker = index_consumer(runtime.event_log, ingest, max_records=settings.index_batch)
    routers = [api.router, vocabulary_api.router, courses_api.router]  # taxonomy, enrichment, courses, growth (issue 16)
    course_ingest = IndexIngest(holder)  # talentflow.courses, in a group of its own
    course_worker = course_consumer(runtime.event_log, course_ingest)
    workers = [relay, index_worker, course_worker]
    reactive = reactive_worker = None
    if settings.reactive:
        reactive = ReactiveMatching(holder, uow, runtime.key_value, tuning, on_announced=relay.wake)
        reactive_worker = reactive_consumer(runtime.event_log, reactive)
        workers.append(reactive_worker)
    routers += market.routers
    workers += market.workers
    if settings.reactive_only:
        # reactive matching alone, in a process of its own: ingest, the relay and the market run in
        # the process that writes the index (started with MATCHING_REACTIVE=false); match.found
        # rows wait in the outbox for its relay (docs/operations.md, "Reactive matching apart")
        workers = [reactive_worker]  # never None: the settings refuse reactive_only without reactive
    app = create_service_app(
        service=SERVICE,
        title="TalentFlow matching",
        version="0.1.0",
        token_issuer=runtime.token_issuer,
        key_value=runtime.key_value,
        routers=routers,
        checks={
            "store": lambda: ping(runtime.engine),
            "event_log": runtime.event_log.ping,
            "key_value": runtime.key_value.ping,
            "index": holder.ping,
        },
        workers=workers,
        run_workers=settings.run_workers,
        max_body_bytes=settings.max_body_bytes,
        on_shutdown=[holder.close, runtime.close],
    )
    app.state.runtime = runtime
    app.state.relay = relay
    app.state.uow = uow
    app.state.shown_lists = market.shown
    app.state.settings = settings
    app.state.index = holder
    app.state.matching = api.MatchingContext(index=holder, tuning=tuning)
    app.state.ingest = ingest
    app.state.index_consumer = index_worker
    app.state.reactive = reactive
    app.state.reactive_consumer = reactive_worker
    app.state.course_ingest = course_ingest
    app.state.course_consumer = course_worker
    return app
