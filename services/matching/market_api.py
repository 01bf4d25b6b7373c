"""HTTP routes of the market figures (issue #7) and `build_market`, which wires them into matching.

Access policy (docs/market.md): the live figures (`supply-demand`, `wage-guide`, their breakdowns,
`trends`) need any valid token; published reports and the `/market` page are public information
(定期发布); publishing a report on demand is for admins.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path as PathParam, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common import taxonomy
from services.common.auth import Principal, Role
from services.common.contracts import Strict, Text
from services.common.errors import InvalidInput, NotFound
from services.common.ports import EventLog
from services.common.runtime import Runtime
from services.common.settings import PlatformSettings
from services.common.store import run_migrations
from services.common.web import Caller, decode_cursor, encode_cursor
from services.matching import market_page
from services.matching.market import (
    PERIOD_PATTERN,
    Dimension,
    LevelFilter,
    MarketCells,
    MarketFilter,
    Period,
    PeriodKind,
    default_depth,
    forecast_block,
    occupation_depth,
    region_depth,
    report_csv,
    supply_demand_answer,
    supply_demand_breakdown,
    wage_guide,
    wage_guide_answer,
    wage_guide_breakdown,
)
from services.matching.market_consumers import ReportScheduler, market_consumer
from services.matching.market_store import Clock, MarketRepository, ReportMeta, utc_now
from services.matching.store import OUTBOX

MARKET_MIGRATIONS = Path(__file__).parent / "market_migrations"
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

    @property
    def period_kind(self) -> PeriodKind:
        return "month" if self.schedule == "off" else self.schedule


# --- query parameters ----------------------------------------------------------------------------

OccupationQuery = Annotated[str | None, Query(pattern=r"^\d(-\d{2}){0,3}$", description="a code of 职业分类大典 at any level; includes everything below it")]
RegionQuery = Annotated[str | None, Query(pattern=r"^\d{2}(\d{2}){0,2}$", description="province (2 digits), city (4) or county (6)")]
LevelQuery = Annotated[LevelFilter | None, Query(description="a skill level, or high_skill (senior and above)")]
PeriodQuery = Annotated[str | None, Query(pattern=PERIOD_PATTERN, description="YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by default")]
DepthQuery = Annotated[int | None, Query(ge=1, le=4, description="occupation: 1 major … 4 occupation; region: 1 province, 2 city, 3 county")]


def market_filter(occupation: str | None, region: str | None, level: str | None) -> MarketFilter:
    if occupation is not None and taxonomy.occupation(occupation) is None:
        raise InvalidInput.field("query.occupation", f"unknown occupation code {occupation!r} (职业分类大典 2022)")
    if region is not None and not taxonomy.valid_region(region):
        raise InvalidInput.field("query.region", f"unknown region {region!r}: the first two digits must be a province")
    return MarketFilter(occupation, region, level)


def group_depth(dimension: Dimension, depth: int | None, flt: MarketFilter) -> int:
    if depth is None:
        return default_depth(dimension, flt)
    if dimension == "region" and depth > 3:
        raise InvalidInput.field("query.depth", "a region groups by 1 (province), 2 (city) or 3 (county)")
    if dimension == "occupation" and flt.occupation and depth < occupation_depth(flt.occupation):
        raise InvalidInput.field("query.depth", "must not be above the occupation filter's own level")
    if dimension == "region" and flt.region and depth < region_depth(flt.region):
        raise InvalidInput.field("query.depth", "must not be above the region filter's own level")
    return depth


class ReportRequest(Strict):
    """An admin's on-demand report; the period is the current one (a report is a snapshot of now)."""

    title: Text | None = None


# --- the assembled feature -----------------------------------------------------------------------


@dataclass
class FiguresSource:
    """Where a figure comes from: the live read model, or the snapshot of a published report."""

    cells: MarketCells
    period: str
    as_of: dt.datetime
    report_id: str | None = None

    def stamp(self) -> dict[str, Any]:
        return {"period": self.period, "as_of": self.as_of.isoformat(), "report_id": self.report_id}


@dataclass
class Market:
    """The market feature of matching: repository, consumer, scheduler and routes, built once."""

    repository: MarketRepository
    settings: MarketSettings
    base_url: str
    clock: Clock = utc_now
    wake: Callable[[], None] = lambda: None
    consumer: Any = None
    scheduler: ReportScheduler | None = None
    routers: list[APIRouter] = field(default_factory=list)
    _page_cache: tuple[str | None, str] | None = None  # (reports the page was rendered from, html)
    _page_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def workers(self) -> list[Any]:
        return [w for w in (self.consumer, self.scheduler) if w is not None]

    def publish(self, period: Period, now: dt.datetime, *, trigger: str = "schedule", title: str | None = None,
                requested_by: str | None = None) -> ReportMeta:
        meta = self.repository.publish(
            now=now, period=period, trigger=trigger, title=title, requested_by=requested_by,
            min_sample=self.settings.min_sample, shortage_ratio=self.settings.shortage_ratio, base_url=self.base_url,
        )
        self.wake()
        return meta

    def current_period(self, kind: PeriodKind | None = None) -> Period:
        return Period.containing(self.clock(), kind or self.settings.period_kind)

    def source(self, period_text: str | None) -> FiguresSource:
        """Live figures for the current period; a past period from its latest published report."""
        now = self.clock()
        if period_text is None:
            return FiguresSource(self.repository.live_cells(now), self.current_period().label, now)
        try:
            period = Period.parse(period_text)
        except ValueError as exc:
            raise InvalidInput.field("query.period", str(exc)) from None
        current = Period.containing(now, period.kind)
        if period > current:
            raise InvalidInput.field("query.period", f"{period.label} has not begun; the current period is {current.label}")
        if period == current:
            return FiguresSource(self.repository.live_cells(now), period.label, now)
        report = self.repository.latest_per_period([period.label]).get(period.label)
        if report is None:
            raise NotFound(f"no market report was published for {period.label}")
        return FiguresSource(self.repository.snapshot(report.id), period.label, report.as_of, report.id)

    def trends(self, flt: MarketFilter, until_text: str | None) -> dict[str, Any]:
        kind = self.settings.period_kind
        current = self.current_period()
        if until_text is not None:
            try:
                until = Period.parse(until_text)
            except ValueError as exc:
                raise InvalidInput.field("query.until", str(exc)) from None
            if until.kind != kind:
                raise InvalidInput.field("query.until", f"reports are published per {kind}; give a {kind} like {current.label}")
            if until > current:
                raise InvalidInput.field("query.until", f"{until.label} has not begun; the current period is {current.label}")
        else:
            latest = self.repository.latest_period(current.label, kind)
            until = Period.parse(latest) if latest else current.previous()
        periods = until.last(self.settings.trend_periods)
        reports = self.repository.latest_per_period([p.label for p in periods])
        points = []
        for period in periods:
            report = reports.get(period.label)
            if report is None:
                points.append({"period": period.label, "report_id": None, "as_of": None, "seekers": None,
                               "openings": None, "ratio": None, "wage": None})
                continue
            cells = self.repository.snapshot(report.id)
            positions = cells.select(flt)
            guide = wage_guide(cells.wage_sample(positions), self.settings.min_sample).as_dict()
            points.append({"period": period.label, "report_id": report.id, "as_of": report.as_of.isoformat(),
                           **cells.supply_demand(positions), "wage": guide})
        series = [p["openings"] for p in points if p["openings"] is not None]
        return {**flt.echo(), "period_kind": kind, "points": points,
                "forecast": forecast_block(series, until.next().label)}

    def page(self) -> str:
        """The /market page of the latest report, rendered once per report."""
        latest = self.repository.latest_report()
        newest = self.repository.list_reports(limit=1)
        # a report published later for an earlier period changes the trend, not the latest report
        key = f"{latest.id}/{newest[0].id}" if latest and newest else None
        with self._page_lock:
            if self._page_cache and self._page_cache[0] == key:
                return self._page_cache[1]
        html = market_page.render(self._page_model(latest))
        with self._page_lock:
            self._page_cache = (key, html)
        return html

    def _page_model(self, latest: ReportMeta | None) -> market_page.PageModel:
        if latest is None:
            return market_page.PageModel(None, None, [], [], self.settings.shortage_ratio)
        found = self.repository.report(latest.id)
        assert found is not None
        summary = found[1]
        periods = Period.parse(latest.period)
        window = periods.last(self.settings.trend_periods)
        reports = self.repository.latest_per_period([p.label for p in window])
        summaries = self.repository.summaries([r.id for r in reports.values()])
        trend = []
        for period in window:
            report = reports.get(period.label)
            overall = summaries[report.id]["overall"] if report else None
            trend.append(market_page.TrendPoint(period.label, overall["seekers"] if overall else None,
                                                overall["openings"] if overall else None,
                                                overall["wage"]["p50"] if overall else None))
        forecasts = []
        top = sorted((r for r in summary["by_occupation"] if r["key"] and r["openings"] > 0),
                     key=lambda r: -r["openings"])[:8]
        for row in top:
            series = []
            for period in window:
                report = reports.get(period.label)
                if report is None:
                    continue
                match = next((r for r in summaries[report.id]["by_occupation"] if r["key"] == row["key"]), None)
                series.append(match["openings"] if match else 0)
            forecasts.append({"key": row["key"], "name": row["name"], "latest": row["openings"],
                              **forecast_block(series, periods.next().label)})
        return market_page.PageModel(latest.as_dict(self.base_url), summary, trend, forecasts,
                                     self.settings.shortage_ratio)


def assemble_market(runtime: Runtime, settings: PlatformSettings, market_settings: MarketSettings | None = None, *,
                    clock: Clock = utc_now, wake: Callable[[], None] | None = None,
                    event_log: EventLog | None = None, consumer_options: dict[str, Any] | None = None) -> Market:
    """Migrate the market tables and build the feature (tests use this to reach its parts)."""
    market_settings = market_settings or MarketSettings()
    run_migrations(runtime.engine, MARKET_MIGRATIONS, version_table=VERSION_TABLE)
    repository = MarketRepository(runtime.engine, OUTBOX, cache_s=market_settings.cache_s,
                                  wage_window_days=market_settings.wage_window_days)
    market = Market(repository, market_settings, settings.matching_url.rstrip("/"), clock, wake or (lambda: None))
    market.consumer = market_consumer(event_log or runtime.event_log, repository, **(consumer_options or {}))
    if market_settings.schedule != "off":
        market.scheduler = ReportScheduler(
            lambda period, now: market.publish(period, now), repository=repository,
            kind=market_settings.period_kind, check_every_s=market_settings.check_every_s, clock=clock,
        )
    market.routers = [api_router(market), page_router(market)]
    return market


def build_market(runtime: Runtime, settings: PlatformSettings, *, market_settings: MarketSettings | None = None,
                 wake: Callable[[], None] | None = None) -> tuple[list[APIRouter], list[Any]]:
    """The market's routers and workers (consumer `matching-market`, report scheduler) for app.py."""
    market = assemble_market(runtime, settings, market_settings, wake=wake)
    return market.routers, market.workers


# --- routes --------------------------------------------------------------------------------------


def _wake_relay(request: Request, market: Market) -> None:
    relay = getattr(request.app.state, "relay", None)
    (relay.wake if relay is not None else market.wake)()


REPORT_CACHE = "public, max-age=86400, immutable"  # a published report never changes


def api_router(market: Market) -> APIRouter:
    router = APIRouter(prefix="/v1/market", tags=["market"])

    @router.get("/supply-demand", operation_id="market_supply_demand")
    def supply_demand(_caller: Principal = Caller, occupation: OccupationQuery = None, region: RegionQuery = None,
                      level: LevelQuery = None, period: PeriodQuery = None) -> dict[str, Any]:
        """Seekers, openings (headcount of open postings) and the job-seeker ratio (求人倍率)."""
        flt = market_filter(occupation, region, level)
        source = market.source(period)
        return {**supply_demand_answer(source.cells, flt), **source.stamp()}

    @router.get("/supply-demand/by/{dimension}", operation_id="market_supply_demand_by")
    def supply_demand_by(dimension: Dimension, _caller: Principal = Caller, occupation: OccupationQuery = None,
                         region: RegionQuery = None, level: LevelQuery = None, period: PeriodQuery = None,
                         depth: DepthQuery = None) -> dict[str, Any]:
        """The same figures for each occupation, region or skill level inside the filters."""
        flt = market_filter(occupation, region, level)
        depth = group_depth(dimension, depth, flt)
        source = market.source(period)
        return {**flt.echo(), **source.stamp(), "dimension": dimension, "depth": depth,
                "items": supply_demand_breakdown(source.cells, flt, dimension, depth)}

    @router.get("/wage-guide", operation_id="market_wage_guide")
    def wage_guide_route(_caller: Principal = Caller, occupation: OccupationQuery = None, region: RegionQuery = None,
                         level: LevelQuery = None, period: PeriodQuery = None) -> dict[str, Any]:
        """P10/P25/P50/P75/P90 of offered monthly-equivalent wages (工资指导价位) with the sample size."""
        flt = market_filter(occupation, region, level)
        source = market.source(period)
        return {**wage_guide_answer(source.cells, flt, market.settings.min_sample), **source.stamp()}

    @router.get("/wage-guide/by/{dimension}", operation_id="market_wage_guide_by")
    def wage_guide_by(dimension: Dimension, _caller: Principal = Caller, occupation: OccupationQuery = None,
                      region: RegionQuery = None, level: LevelQuery = None, period: PeriodQuery = None,
                      depth: DepthQuery = None) -> dict[str, Any]:
        flt = market_filter(occupation, region, level)
        depth = group_depth(dimension, depth, flt)
        source = market.source(period)
        return {**flt.echo(), **source.stamp(), "dimension": dimension, "depth": depth, "unit": "month",
                "items": wage_guide_breakdown(source.cells, flt, dimension, depth, market.settings.min_sample)}

    @router.get("/trends", operation_id="market_trends")
    def trends(_caller: Principal = Caller, occupation: OccupationQuery = None, region: RegionQuery = None,
               level: LevelQuery = None,
               until: Annotated[str | None, Query(pattern=PERIOD_PATTERN, description="last period shown; the latest reported one by default")] = None,
               ) -> dict[str, Any]:
        """Each figure over the last periods from published reports, and next period's openings forecast."""
        return market.trends(market_filter(occupation, region, level), until)

    @router.get("/reports", operation_id="market_reports_list")
    def list_reports(limit: Annotated[int, Query(ge=1, le=100)] = 20, cursor: str | None = None,
                     period: PeriodQuery = None) -> dict[str, Any]:
        """Published reports, newest first (public: 定期发布)."""
        position = decode_cursor(cursor)
        after = None
        if position is not None:
            try:
                after = (dt.datetime.fromisoformat(position["p"]), str(position["i"]))
            except (KeyError, TypeError, ValueError):
                raise InvalidInput.field("query.cursor", "not a cursor this API returned") from None
        found = market.repository.list_reports(limit=limit + 1, after=after, period=period)
        page, more = found[:limit], len(found) > limit
        next_cursor = encode_cursor({"p": page[-1].published_at.isoformat(), "i": page[-1].id}) if more else None
        return {"items": [r.as_dict(market.base_url) for r in page], "next_cursor": next_cursor}

    @router.post("/reports", status_code=201, operation_id="market_reports_publish")
    def publish_report(request: Request, response: Response, caller: Principal = Caller,
                       body: ReportRequest | None = None) -> dict[str, Any]:
        """Publish a report of the market now (admins only); announced as market.report_published."""
        caller.require(Role.admin)
        meta = market.publish(market.current_period(), market.clock(), trigger="admin",
                              title=body.title if body else None, requested_by=caller.subject)
        _wake_relay(request, market)
        found = market.repository.report(meta.id)
        assert found is not None
        response.headers["Location"] = f"/v1/market/reports/{meta.id}"
        return {**meta.as_dict(market.base_url), **found[1]}

    @router.get("/reports/{report_id}", operation_id="market_reports_get",
                responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
    def get_report(report_id: Annotated[str, PathParam(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")],
                   format: Annotated[Literal["json", "csv"], Query()] = "json") -> Response:
        """One published report: its tables as JSON, or as CSV (`.csv` or `?format=csv`)."""
        if report_id.endswith(".csv"):
            report_id, format = report_id.removesuffix(".csv"), "csv"
        found = market.repository.report(report_id)
        if found is None:
            raise NotFound(f"no market report {report_id}")
        meta, summary = found
        headers = {"Cache-Control": REPORT_CACHE, "ETag": f'"{meta.id}"'}
        if format == "csv":
            headers["Content-Disposition"] = f'attachment; filename="market-report-{meta.period}-{meta.id}.csv"'
            return Response(report_csv(summary), media_type="text/csv; charset=utf-8", headers=headers)
        return JSONResponse({**meta.as_dict(market.base_url), **summary}, headers=headers)

    return router


def page_router(market: Market) -> APIRouter:
    router = APIRouter(tags=["market"])

    @router.get("/market", response_class=HTMLResponse, operation_id="market_page")
    def market_page_route() -> HTMLResponse:
        """The latest report's tables and charts for people, rendered on the server (public)."""
        return HTMLResponse(market.page(), headers={"Cache-Control": "public, max-age=300"})

    return router
