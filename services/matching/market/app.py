"""Bootstrap of the market feature: its settings, migrations, and `build_market`, which matching's
app.py calls to add the market's routes and loops (the handover from the old group `matching-market`,
the engagements consumer, shown lists, report scheduler); the read model itself is fed by the index
consumer's batches (`Market.ingest`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.ports import EventLog
from services.common.runtime import Runtime
from services.common.settings import PlatformSettings
from services.common.store import run_migrations
from services.matching.consumers import INDEX_GROUP
from services.matching.market.api import api_router, page_router
from services.matching.market.consumers import MarketHandover, MarketIngest, ReportScheduler
from services.matching.market.domain import PeriodKind
from services.matching.market.engagements import engagements_consumer
from services.matching.market.outcomes import OutcomesRepository
from services.matching.market.shown import ShownLists
from services.matching.market.handlers import Market
from services.matching.market.store import Clock, MarketRepository, utc_now
from services.matching.store import OUTBOX

MARKET_MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "market_alembic_version"


class MarketSettings(BaseSettings):
    """The market's own settings, `MATCHING_MARKET_*` (read when `build_market` runs, never at import)."""

    model_config = SettingsConfigDict(env_prefix="MATCHING_MARKET_", extra="ignore")

    min_sample: int = Field(5, ge=1, le=100_000)  # fewer postings → no wage guide published
    schedule: Literal["month", "week", "day", "off"] = "month"  # period of scheduled reports
    check_every_s: float = Field(60.0, gt=0)  # how often the scheduler looks for a due period
    shortage_ratio: float = Field(1.5, gt=0)  # a ratio above this is a shortage (紧缺) on the page
    wage_window_days: int = Field(365, ge=1, le=3650)  # postings created this recently form the wage sample
    cache_s: float = Field(5.0, ge=0)  # live figures are reused this long unless the read model changed
    trend_periods: int = Field(12, ge=2, le=60)
    shown_retention_days: int = Field(180, ge=1, le=3650)  # shown candidate lists are kept this long
    record_shown: bool = True  # record which workers each candidates answer showed (outcomes by rank)

    @property
    def period_kind(self) -> PeriodKind:
        return "month" if self.schedule == "off" else self.schedule


def assemble_market(runtime: Runtime, settings: PlatformSettings, market_settings: MarketSettings | None = None, *,
                    clock: Clock = utc_now, wake: Callable[[], None] | None = None,
                    event_log: EventLog | None = None, consumer_options: dict[str, Any] | None = None,
                    autostart_shown: bool = True) -> Market:
    """Migrate the market tables and build the feature (tests use this to reach its parts)."""
    market_settings = market_settings or MarketSettings()
    run_migrations(runtime.engine, MARKET_MIGRATIONS, version_table=VERSION_TABLE)
    repository = MarketRepository(runtime.engine, OUTBOX, cache_s=market_settings.cache_s,
                                  wage_window_days=market_settings.wage_window_days)
    market = Market(repository, market_settings, settings.matching_url.rstrip("/"), clock, wake or (lambda: None))
    market.ingest = MarketIngest(repository)  # fed by the index consumer's batches (matching's app.py)
    market.handover = MarketHandover(event_log or runtime.event_log, repository, index_group=INDEX_GROUP, clock=clock,
                                     consumer_options=consumer_options)
    market.outcomes = OutcomesRepository(runtime.engine, market_settings.period_kind)
    market.engagements = engagements_consumer(event_log or runtime.event_log, market.outcomes,
                                              **(consumer_options or {}))
    if market_settings.record_shown:
        market.shown = ShownLists(runtime.engine, retention_days=market_settings.shown_retention_days, clock=clock,
                                  autostart=autostart_shown)
    if market_settings.schedule != "off":
        market.scheduler = ReportScheduler(
            lambda period, now: market.publish(period, now), repository=repository,
            kind=market_settings.period_kind, check_every_s=market_settings.check_every_s, clock=clock,
        )
    market.routers = [api_router(market), page_router(market)]
    return market


def build_market(runtime: Runtime, settings: PlatformSettings, *, market_settings: MarketSettings | None = None,
                 wake: Callable[[], None] | None = None) -> Market:
    """The market feature for app.py: its routers, its loops (`workers`) and the read model's feed
    (`ingest.apply_read`, given to the index consumer)."""
    return assemble_market(runtime, settings, market_settings, wake=wake)
