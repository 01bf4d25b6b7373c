"""What the market feature does: live figures or a report's snapshot, trends, publishing, the page.

`Market` is the feature assembled once (app.py): its repository, settings, consumer and scheduler.
Errors are domain errors (`InvalidInput` naming the query field, `NotFound`); api.py shapes answers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from services.common.errors import InvalidInput, NotFound
from services.matching.market import page as market_page
from services.matching.market import outcomes as flow_outcomes
from services.matching.market.domain import MarketCells, MarketFilter, Period, PeriodKind, forecast_block, wage_guide
from services.matching.market.outcomes import OutcomesRepository, period_bounds
from services.matching.market.store import Clock, MarketRepository, ReportMeta, utc_now

if TYPE_CHECKING:
    from fastapi import APIRouter

    from services.matching.market.app import MarketSettings
    from services.matching.market.consumers import ReportScheduler
    from services.matching.market.shown import ShownLists

REPORT_FLOWS = 20  # flows a report keeps (biggest first), at province and at city level


class _Background:
    """One call run in a thread of its own; `result()` waits for it and returns or raises what it did."""

    def __init__(self, call: Callable[[], Any]):
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), name="market-report-figures", daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], Any]) -> None:
        try:
            self._value = call()
        except BaseException as exc:  # noqa: BLE001 — handed to the caller by result()
            self._error = exc

    def join(self) -> None:
        self._thread.join()

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


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
    ingest: Any = None  # MarketIngest: the read model's writes, fed by the index consumer
    handover: Any = None  # MarketHandover: the old group `matching-market` caught up once
    scheduler: ReportScheduler | None = None
    outcomes: OutcomesRepository | None = None
    engagements: Any = None  # consumer matching-market-engagements
    shown: ShownLists | None = None
    routers: list[APIRouter] = field(default_factory=list)
    _page_cache: tuple[str | None, str] | None = None  # (reports the page was rendered from, html)
    _page_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def workers(self) -> list[Any]:
        return [w for w in (self.handover, self.engagements, self.shown, self.scheduler) if w is not None]

    def publish(self, period: Period, now: dt.datetime, *, trigger: str = "schedule", title: str | None = None,
                requested_by: str | None = None) -> ReportMeta:
        """Publish the report of `period` with its flows and outcomes; a scheduled report of an
        empty period (no seeker, no opening, no engagement) is not published (EmptyPeriod)."""

        # The period's flows and outcomes are read meanwhile in a thread: their queries wait on the
        # database with the GIL released while this thread builds the market's cells and tables.
        figures = None if self.outcomes is None else _Background(lambda: self.period_figures(period))

        def extra(cells: MarketCells) -> dict[str, Any] | None:
            if figures is None or self.outcomes is None:
                return {}
            start, end = period_bounds(period)
            empty = sum(cells.seekers) == 0 and sum(cells.openings) == 0
            if trigger == "schedule" and empty and not self.outcomes.has_engagements(start, end):
                figures.join()  # nothing is left running; what it found is not needed
                return None
            return figures.result()

        try:
            meta = self.repository.publish(
                now=now, period=period, trigger=trigger, title=title, requested_by=requested_by,
                min_sample=self.settings.min_sample, shortage_ratio=self.settings.shortage_ratio,
                base_url=self.base_url, extra=extra,
            )
        finally:
            if figures is not None:
                figures.join()
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

    # -- flows and outcomes (issue 17) ----------------------------------------------------------

    def period_of(self, period_text: str | None) -> Period:
        current = self.current_period()
        if period_text is None:
            return current
        try:
            period = Period.parse(period_text)
        except ValueError as exc:
            raise InvalidInput.field("query.period", str(exc)) from None
        if period > Period.containing(self.clock(), period.kind):
            raise InvalidInput.field("query.period", f"{period.label} has not begun")
        return period

    def _outcomes(self) -> OutcomesRepository:
        if self.outcomes is None:
            raise NotFound("flows and outcomes are not kept by this service")
        return self.outcomes

    def flows(self, period: Period, flt: MarketFilter, depth: int, limit: int | None = None,
              rows: list[tuple] | None = None) -> dict[str, Any]:
        if rows is None:
            rows = self._outcomes().flow_rows(*period_bounds(period))
        return {**flt.echo(), "period": period.label, **flow_outcomes.flows(rows, flt, depth, limit=limit)}

    def placement_outcomes(self, period: Period) -> dict[str, Any]:
        start, end = period_bounds(period)
        repo = self._outcomes()
        return {"period": period.label,
                **flow_outcomes.outcomes(repo.fact_counts(start, end, period), repo.first_hires(start, end),
                                         repo.shown_with_hires(start, end))}

    def ranking_variants(self, period: Period) -> dict[str, Any]:
        start, end = period_bounds(period)
        repo = self._outcomes()
        return {"period": period.label,
                "variants": flow_outcomes.variants_report(repo.shown_with_hires(start, end), repo.variants())}

    def period_figures(self, period: Period) -> dict[str, Any]:
        """What a report adds for its period: flows (province and city) and placement outcomes."""
        everything = MarketFilter()
        repo = self._outcomes()
        rows = repo.flow_counts(period)  # the counters kept as facts arrive; else one scan for both levels
        if rows is None:
            rows = repo.flow_rows(*period_bounds(period), cities_only=True)
        return {"flows": self.flows(period, everything, 1, REPORT_FLOWS, rows),
                "flows_city": self.flows(period, everything, 2, REPORT_FLOWS, rows),
                "outcomes": self.placement_outcomes(period)}

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
                     key=lambda r: -r["openings"])[:6]
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
