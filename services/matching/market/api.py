"""HTTP routes of the market figures (issue #7): parse, authorise, call the feature, shape the answer.

Access policy (docs/market.md): the live figures (`supply-demand`, `wage-guide`, their breakdowns,
`trends`) need any valid token; published reports and the `/market` page are public information
(定期发布); publishing a report on demand is for admins.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path as PathParam, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from services.common import taxonomy
from services.common.auth import Principal, Role
from services.common.contracts import Strict, Text
from services.common.errors import InvalidInput, NotFound
from services.common.web import Caller, decode_cursor, encode_cursor
from services.matching.market.domain import (
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
from services.matching.market.handlers import Market

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

    @router.get("/flows", operation_id="market_flows")
    def flows(_caller: Principal = Caller, period: PeriodQuery = None, occupation: OccupationQuery = None,
              level: LevelQuery = None, region: RegionQuery = None,
              depth: Annotated[int, Query(ge=1, le=2, description="1: provinces, 2: cities")] = 1,
              limit: Annotated[int | None, Query(ge=1, le=1000)] = None) -> dict[str, Any]:
        """Regional flows (区域合作, 柔性流动): matches shown, invitations, applications and hires counted
        from the worker's region to the posting's region in a period, biggest first."""
        flt = market_filter(occupation, region, level)
        return market.flows(market.period_of(period), flt, depth, limit)

    @router.get("/outcomes", operation_id="market_outcomes")
    def outcomes(_caller: Principal = Caller, period: PeriodQuery = None) -> dict[str, Any]:
        """What matching led to in a period: invitations, applications, shortlists, hires, time from
        posting to first hire, and the hire rate by the rank at which the worker was shown."""
        return market.placement_outcomes(market.period_of(period))

    @router.get("/outcomes/ranking-variants", operation_id="market_ranking_variants")
    def ranking_variants(caller: Principal = Caller, period: PeriodQuery = None) -> dict[str, Any]:
        """Hire rate per ranking-weights fingerprint (admins): compares ranking variants on real outcomes."""
        caller.require(Role.admin)
        return market.ranking_variants(market.period_of(period))

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
