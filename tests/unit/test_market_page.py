"""The /market page rendered from a report model, without I/O: tables, charts, escaping, no outside fetches."""

from __future__ import annotations

import re

import pytest

from services.matching.market.domain import MarketCells, build_summary
from services.matching.market.page import PageModel, TrendPoint, box_plot_svg, line_chart_svg, render

pytestmark = pytest.mark.unit


def model(**overrides) -> PageModel:
    cells = MarketCells.assemble(
        supply=[("6-18-02-04", "150602", 4, 2), ("6-31-01-03", "440305", 3, 10)],
        demand=[("6-18-02-04", "150602", 3, 9 if i == 0 else 0, 8000.0 + 500 * i) for i in range(6)]
        + [("6-31-01-03", "440305", 3, 4, None)],
    )
    report = {"id": "mr-1", "title": "2026年2月技能人才市场供求与工资指导价位", "period": "2026-02",
              "as_of": "2026-03-01T00:05:00+00:00", "published_at": "2026-03-01T00:05:01+00:00"}
    trend = [TrendPoint(f"2025-{m:02d}", None, None, None) for m in range(3, 13)] + [
        TrendPoint("2026-01", 10, 11, 8500.0), TrendPoint("2026-02", 12, 13, 9000.0)]
    forecasts = [{"key": "6-18-02-04", "name": "焊工", "latest": 9, "method": "holt_linear", "period": "2026-03",
                  "openings": 10.2, "backtest": {"points": 0, "mae": None, "mape": None}}]
    values = {"report": report, "summary": build_summary(cells, min_sample=5, shortage_ratio=1.5), "trend": trend,
              "forecasts": forecasts, "shortage_ratio": 1.5}
    return PageModel(**{**values, **overrides})


def test_the_page_has_its_tables_charts_and_highlights_shortages():
    html = render(model())
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    for table in ("supply-demand-occupation", "supply-demand-region", "supply-demand-level", "wage-guide-occupation", "forecast"):
        assert f'<table id="{table}"' in html
    for chart in ("wage-boxplot", "trend-chart", "wage-trend-chart"):
        assert re.search(f'<svg id="{chart}"[^>]*role="img"', html)
    welder_row = re.search(r'<tr class="shortage"><td>焊工<span class="badge">紧缺</span></td><td>2</td><td>9</td><td>4.50</td>', html)
    assert welder_row, "焊工 (ratio 4.5 > 1.5) is highlighted"
    assert '<tr><td>电工</td><td>10</td><td>4</td><td>0.40</td>' in html
    assert "内蒙古自治区" in html and "广东省" in html and "技师" in html
    assert html.count('<g class="box"') == 1  # only occupations with a sufficient sample get a box


def test_the_page_fetches_nothing_and_runs_no_script():
    html = render(model())
    assert "<script" not in html and "@import" not in html and "url(" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert '<a href="/v1/market/reports/mr-1.csv">' in html


def test_data_is_escaped():
    evil = model(report={"id": "mr-<x>", "title": "<script>alert(1)</script>", "period": "2026-02",
                         "as_of": "2026-03-01T00:05:00+00:00", "published_at": "2026-03-01T00:05:01+00:00"})
    html = render(evil)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "mr-&lt;x&gt;" in html


def test_without_a_report_the_page_says_so():
    html = render(PageModel(None, None, [], [], 1.5))
    assert 'id="no-report"' in html and "<table" not in html


def test_charts_scale_their_points_inside_the_viewbox():
    rows = [{"key": "a", "name": "甲", "wage": {"p10": 5000, "p25": 6000, "p50": 7000, "p75": 8000, "p90": 12000}},
            {"key": "b", "name": "一个名字很长的职业名称", "wage": {"p10": 3000, "p25": 3500, "p50": 4000, "p75": 5000, "p90": 6000}}]
    svg = box_plot_svg(rows, "t")
    xs = [float(v) for v in re.findall(r'x[12]?="([\d.]+)"', svg)]
    assert min(xs) >= 0 and max(xs) <= 360 and "一个名字很长…" in svg
    line = line_chart_svg("c", "t", ["a", "b", "c"], [("s", "#000", [1, None, 3])], forecast=("d", 4))
    assert line.count("<polyline") == 2  # the gap splits the line
    ys = [float(v) for v in re.findall(r'cy="([\d.]+)"', line)]
    assert min(ys) >= 0 and max(ys) <= 210
