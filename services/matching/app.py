"""Bootstrap of the matching service: settings → adapters → handlers → the ASGI app and its workers.

The search index is chosen here: `ELASTICSEARCH_URL` selects `ElasticsearchIndex`, otherwise the
embedded `TantivyIndex` under `<TALENTFLOW_HOME>/index` (or `MATCHING_INDEX_PATH`), in the
generation the `current` pointer names (see replay.py). The workers are the outbox relay (for
`match.found`), the index consumer and the reactive-matching consumer.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.runtime import Runtime, build_runtime
from services.common.settings import PlatformSettings
from services.common.store import OutboxRelay, ping, run_migrations
from services.common.web import create_service_app
from services.matching import api, store
from services.matching.consumers import IndexIngest, ReactiveMatching, index_consumer, reactive_consumer
from services.matching.handlers import Tuning
from services.matching.market_api import build_market
from services.matching.ranking import Weights
from services.matching.replay import IndexHolder, ensure_generation
from services.matching.search import SearchIndex

SERVICE = "matching"
PORT = 8003
MIGRATIONS = Path(__file__).parent / "migrations"


class Settings(PlatformSettings):
    """Settings of the matching service; its own names are prefixed MATCHING_."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore", populate_by_name=True)

    index_path: Path | None = Field(None, description="root of the embedded index; default <home>/index")
    index_commit_interval_s: float = Field(0.1, gt=0, le=10, description="near-real-time commit interval (tantivy)")
    elasticsearch_prefix: str = Field("talentflow", pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    weights: Weights = Field(default_factory=Weights, description="ranking weights, JSON: {\"skills\": 0.3, ...}")
    candidate_depth: int = Field(300, ge=10, le=5000, description="candidates retrieved before ranking")
    match_threshold: float = Field(0.6, ge=0, le=1, description="score at which a new pair is announced")
    match_top_n: int = Field(10, ge=0, le=200, description="announcements per changed posting or worker")
    dedupe_ttl_days: float = Field(400, gt=0, le=3650, description="key-value memory of announced pairs")
    index_wait_s: float = Field(10.0, ge=0, le=300, description="reactive matching waits this long for the index")
    index_batch: int = Field(2000, ge=1, le=50_000, description="records per index consumer batch")
    reactive: bool = Field(True, description="announce match.found for strong new pairs")

    def tuning(self) -> Tuning:
        return Tuning(
            weights=self.weights,
            candidate_depth=self.candidate_depth,
            match_threshold=self.match_threshold,
            match_top_n=self.match_top_n,
            dedupe_ttl_s=self.dedupe_ttl_days * 86400,
            index_wait_s=self.index_wait_s,
        )


def index_root(settings: Settings) -> Path:
    return settings.index_path or settings.home / "index"


def open_tantivy(path: Path, settings: Settings | None = None) -> SearchIndex:
    from services.matching.index_tantivy import TantivyIndex

    interval = settings.index_commit_interval_s if settings else 0.1
    return TantivyIndex(path, commit_interval_s=interval)


def open_index(settings: Settings) -> IndexHolder:
    """The search index the settings select, held so a replay can switch it."""
    if settings.elasticsearch_url:
        from services.matching.index_elastic import ElasticsearchIndex

        return IndexHolder.fixed(ElasticsearchIndex(settings.elasticsearch_url, prefix=settings.elasticsearch_prefix))
    root = index_root(settings)
    opener = lambda folder: open_tantivy(folder, settings)  # noqa: E731
    return IndexHolder(opener(ensure_generation(root)), root=root, opener=opener)


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    index: SearchIndex | IndexHolder | None = None,
) -> FastAPI:
    settings = settings or Settings()
    runtime = runtime or build_runtime(SERVICE, settings)
    run_migrations(runtime.engine, MIGRATIONS)
    if index is None:
        holder = open_index(settings)
    else:
        holder = index if isinstance(index, IndexHolder) else IndexHolder.fixed(index)
    tuning = settings.tuning()
    relay = OutboxRelay(runtime.engine, store.outbox, runtime.event_log, name=SERVICE)
    ingest = IndexIngest(holder)
    index_worker = index_consumer(runtime.event_log, ingest, max_records=settings.index_batch)
    routers = [api.router]
    workers = [relay, index_worker]
    reactive = reactive_worker = None
    if settings.reactive:
        reactive = ReactiveMatching(holder, runtime.engine, runtime.key_value, tuning, on_announced=relay.wake)
        reactive_worker = reactive_consumer(runtime.event_log, reactive)
        workers.append(reactive_worker)
    # market: router and workers are added here
    market_routers, market_workers = build_market(runtime, settings, wake=relay.wake)
    routers += market_routers
    workers += market_workers
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
    app.state.settings = settings
    app.state.index = holder
    app.state.matching = api.MatchingContext(index=holder, tuning=tuning)
    app.state.ingest = ingest
    app.state.index_consumer = index_worker
    app.state.reactive = reactive
    app.state.reactive_consumer = reactive_worker
    return app
