"""The `/market` page: the latest published report for people, rendered on the server.

Self-contained by design: inline CSS, system fonts, charts as inline SVG drawn here (box plots of
the wage guide, lines of the trend), no script and nothing fetched from elsewhere, so it works
offline, on a phone, and in a screen reader (every chart has a title and the numbers are also in
tables). Text is Chinese; every value that comes from data is escaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from pathlib import Path
from string import Template
from typing import Any

from services.matching.market.domain import CST, forecast_block

TEMPLATE = Path(__file__).parent / "templates" / "market.html"
TOP_ROWS = 15  # rows of the occupation tables shown; the CSV has them all
QUARTILE = ' class="secondary"'  # columns a phone leaves out (the box plot shows them)


@dataclass(frozen=True)
class TrendPoint:
    period: str
    seekers: int | None
    openings: int | None
    wage_p50: float | None


@dataclass(frozen=True)
class PageModel:
    report: dict[str, Any] | None  # the latest report's metadata (ReportMeta.as_dict)
    summary: dict[str, Any] | None  # its tables (market.build_summary)
    trend: list[TrendPoint]
    forecasts: list[dict[str, Any]]  # per occupation: key, name, latest, and market.forecast_block
    shortage_ratio: float


# --- formatting ----------------------------------------------------------------------------------


def _count(value: int | None) -> str:
    return '<span class="na">—</span>' if value is None else f"{value:,}"


def _ratio(value: float | None) -> str:
    return '<span class="na">—</span>' if value is None else f"{value:.2f}"


def _yuan(value: float | None) -> str:
    return '<span class="na">—</span>' if value is None else f"¥{value:,.0f}"


def _short_yuan(value: float) -> str:
    return f"{value / 10000:.1f}万" if value >= 10000 else f"{value:,.0f}"


def _when(iso: str) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(CST).strftime("%Y-%m-%d %H:%M")


# --- charts --------------------------------------------------------------------------------------


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def box_plot_svg(rows: list[dict[str, Any]], title: str) -> str:
    """Horizontal box plots: whiskers P10–P90, box P25–P75, a bar at the median (P50)."""
    width, label_w, right, top, row_h = 360, 92, 12, 26, 30
    height = top + row_h * len(rows) + 24
    low = min(r["wage"]["p10"] for r in rows)
    high = max(r["wage"]["p90"] for r in rows)
    step = _nice_step(high - low)
    axis_low = (low // step) * step
    axis_high = max(axis_low + step, -(-high // step) * step)

    def x(value: float) -> float:
        return label_w + (value - axis_low) / (axis_high - axis_low) * (width - label_w - right)

    parts = [f'<svg id="wage-boxplot" class="chart boxplot" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="wage-boxplot-title">',
             f'<title id="wage-boxplot-title">{escape(title)}</title>']
    tick = axis_low
    while tick <= axis_high + 1e-9:
        tx = x(tick)
        parts.append(f'<line x1="{tx:.1f}" y1="{top - 6}" x2="{tx:.1f}" y2="{height - 22}" stroke="#d9e2ec"/>'
                     f'<text x="{tx:.1f}" y="{height - 8}" font-size="10" text-anchor="middle" fill="#616e7c">'
                     f'{escape(_short_yuan(tick))}</text>')
        tick += step
    for i, row in enumerate(rows):
        w = row["wage"]
        cy = top + i * row_h + row_h / 2
        name = row["name"] if len(row["name"]) <= 7 else row["name"][:6] + "…"
        parts.append(
            f'<g class="box" data-key="{escape(row["key"] or "")}">'
            f'<title>{escape(row["name"])}：P10 {w["p10"]:,.0f}，P25 {w["p25"]:,.0f}，中位数 {w["p50"]:,.0f}，'
            f'P75 {w["p75"]:,.0f}，P90 {w["p90"]:,.0f} 元/月</title>'
            f'<text x="0" y="{cy + 4:.1f}" font-size="11" fill="#1f2933">{escape(name)}</text>'
            f'<line x1="{x(w["p10"]):.1f}" y1="{cy:.1f}" x2="{x(w["p90"]):.1f}" y2="{cy:.1f}" stroke="#52606d"/>'
            f'<line x1="{x(w["p10"]):.1f}" y1="{cy - 6:.1f}" x2="{x(w["p10"]):.1f}" y2="{cy + 6:.1f}" stroke="#52606d"/>'
            f'<line x1="{x(w["p90"]):.1f}" y1="{cy - 6:.1f}" x2="{x(w["p90"]):.1f}" y2="{cy + 6:.1f}" stroke="#52606d"/>'
            f'<rect x="{x(w["p25"]):.1f}" y="{cy - 9:.1f}" width="{max(x(w["p75"]) - x(w["p25"]), 1):.1f}" height="18" '
            f'fill="#d0e2ff" stroke="#1f6feb"/>'
            f'<line x1="{x(w["p50"]):.1f}" y1="{cy - 9:.1f}" x2="{x(w["p50"]):.1f}" y2="{cy + 9:.1f}" '
            f'stroke="#0b3d91" stroke-width="2.5"/></g>'
        )
    parts.append(f'<text x="{label_w}" y="12" font-size="10" fill="#616e7c">元/月（月薪折算）</text></svg>')
    return "".join(parts)


def line_chart_svg(chart_id: str, title: str, labels: list[str], series: list[tuple[str, str, list[float | None]]],
                   forecast: tuple[str, float | None] | None = None) -> str:
    """Lines over periods (gaps where a period has no report), with an optional dashed forecast point."""
    width, height, left, right, top, bottom = 360, 210, 44, 14, 30, 34
    slots = len(labels) + (1 if forecast else 0)
    values = [v for _, _, vs in series for v in vs if v is not None]
    if forecast and forecast[1] is not None:
        values.append(forecast[1])
    high = max(values) if values else 1
    step = _nice_step(high)
    axis_high = max(step, -(-high // step) * step)

    def x(i: int) -> float:
        return left + (i / max(slots - 1, 1)) * (width - left - right)

    def y(v: float) -> float:
        return top + (1 - v / axis_high) * (height - top - bottom)

    parts = [f'<svg id="{chart_id}" class="chart trend" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title">',
             f'<title id="{chart_id}-title">{escape(title)}</title>']
    tick = 0.0
    while tick <= axis_high + 1e-9:
        parts.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" stroke="#e4e7eb"/>'
                     f'<text x="{left - 4}" y="{y(tick) + 3:.1f}" font-size="10" text-anchor="end" fill="#616e7c">'
                     f'{escape(_short_yuan(tick))}</text>')
        tick += step
    shown = {0: "start", (len(labels) - 1) // 2: "middle", len(labels) - 1: "middle" if forecast else "end"}
    for i, label in enumerate(labels):
        if i in shown:
            parts.append(f'<text x="{x(i):.1f}" y="{height - 16}" font-size="10" text-anchor="{shown[i]}" '
                         f'fill="#616e7c">{escape(label)}</text>')
    for s, (name, color, points) in enumerate(series):
        segment: list[str] = []
        for i, value in enumerate([*points, None]):
            if value is not None:
                segment.append(f"{x(i):.1f},{y(value):.1f}")
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="2.5" fill="{color}"><title>'
                             f'{escape(labels[i])} {escape(name)} {value:,.0f}</title></circle>')
            elif segment:
                parts.append(f'<polyline class="series" points="{" ".join(segment)}" fill="none" stroke="{color}" '
                             f'stroke-width="2"/>')
                segment = []
        lx = left + s * 92
        parts.append(f'<rect x="{lx}" y="8" width="12" height="4" fill="{color}"/>'
                     f'<text x="{lx + 16}" y="14" font-size="11" fill="#1f2933">{escape(name)}</text>')
    if forecast and forecast[1] is not None:
        last = next((i for i in range(len(labels) - 1, -1, -1) if series[-1][2][i] is not None), None)
        fx, fy = x(len(labels)), y(forecast[1])
        if last is not None:
            parts.append(f'<line x1="{x(last):.1f}" y1="{y(series[-1][2][last]):.1f}" x2="{fx:.1f}" y2="{fy:.1f}" '
                         f'stroke="{series[-1][1]}" stroke-dasharray="4 3" stroke-width="2"/>')
        parts.append(f'<circle class="forecast" cx="{fx:.1f}" cy="{fy:.1f}" r="3.5" fill="#fff" stroke="{series[-1][1]}" '
                     f'stroke-width="2"><title>{escape(forecast[0])} 预测 {forecast[1]:,.0f}</title></circle>'
                     f'<text x="{fx:.1f}" y="{fy - 8:.1f}" font-size="10" text-anchor="end" fill="#616e7c">预测</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- sections ------------------------------------------------------------------------------------


def _supply_table(table_id: str, caption: str, first: str, rows: list[dict[str, Any]], shortage_ratio: float) -> str:
    body = []
    for row in rows:
        shortage = row["shortage"]
        badge = '<span class="badge">紧缺</span>' if shortage else ""
        row_class = ' class="shortage"' if shortage else ""
        body.append(
            f'<tr{row_class}><td>{escape(row["name"])}{badge}</td>'
            f'<td>{_count(row["seekers"])}</td><td>{_count(row["openings"])}</td><td>{_ratio(row["ratio"])}</td></tr>'
        )
    return (f'<div class="table-wrap"><table id="{table_id}" class="supply-demand">'
            f'<thead><tr><th scope="col">{escape(first)}</th><th scope="col">求职人数</th><th scope="col">岗位数</th>'
            f'<th scope="col">求人倍率</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>'
            f'<p class="note">{escape(caption)}（求人倍率 = 岗位数 ÷ 求职人数，高于 {shortage_ratio:g} 标为紧缺）。</p>')


def _wage_table(rows: list[dict[str, Any]], min_sample: int) -> str:
    body = []
    for row in rows:
        w = row["wage"]
        cells = "".join(f'<td{QUARTILE if k in ("p25", "p75") else ""}>{_yuan(w[k])}</td>'
                        for k in ("p10", "p25", "p50", "p75", "p90"))
        body.append(f'<tr><td>{escape(row["name"])}</td><td>{w["sample_size"]:,}</td>{cells}</tr>')
    return ('<div class="table-wrap"><table id="wage-guide-occupation" class="wage-guide">'
            '<thead><tr><th scope="col">职业</th><th scope="col">样本数</th><th scope="col">低位数<br>P10</th>'
            f'<th scope="col"{QUARTILE}>P25</th><th scope="col">中位数<br>P50</th><th scope="col"{QUARTILE}>P75</th>'
            f'<th scope="col">高位数<br>P90</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>'
            f'<p class="note">月薪折算（元/月）；样本少于 {min_sample} 个岗位的职业不发布指导价位。</p>')


def _forecast_table(forecasts: list[dict[str, Any]]) -> str:
    body = []
    for f in forecasts:
        bt = f["backtest"]
        mape = "—" if bt["mape"] is None else f'{bt["mape"]:.1f}%'
        mae = "—" if bt["mae"] is None else f'{bt["mae"]:,.1f}'
        predicted = "—" if f["openings"] is None else f'{f["openings"]:,.0f}'
        body.append(f'<tr><td>{escape(f["name"])}</td><td>{_count(f["latest"])}</td><td>{predicted}</td>'
                    f'<td>{mae}</td><td>{escape(mape)}</td><td{QUARTILE}>{bt["points"]}</td></tr>')
    return ('<div class="table-wrap"><table id="forecast" class="forecast">'
            '<thead><tr><th scope="col">职业</th><th scope="col">本期岗位</th><th scope="col">下期预测</th>'
            f'<th scope="col">MAE</th><th scope="col">MAPE</th><th scope="col"{QUARTILE}>回测期数</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>'
            '<p class="note">下期岗位数按霍尔特线性指数平滑（α=0.5，β=0.3）预测；误差为历史各期逐期回测的'
            '平均绝对误差（MAE）与平均绝对百分比误差（MAPE）。</p>')


def _card(label: str, value: str) -> str:
    return f'<div class="card"><div class="label">{escape(label)}</div><div class="value">{value}</div></div>'


def _content(model: PageModel) -> str:
    if model.report is None or model.summary is None:
        return ('<header><h1>技能人才市场供求与工资指导价位</h1></header><main><p class="empty" id="no-report">'
                '尚未发布市场报告。报告按期自动发布，管理员也可随时发布。</p></main>')
    report, summary = model.report, model.summary
    overall, high = summary["overall"], summary["high_skill"]
    by_occupation = sorted(summary["by_occupation"], key=lambda r: (-r["openings"], -r["seekers"]))[:TOP_ROWS]
    priced = sorted((r for r in summary["by_occupation"] if not r["wage"]["insufficient_sample"]),
                    key=lambda r: -r["wage"]["sample_size"])[:TOP_ROWS]
    out = [
        f'<header><h1>{escape(report["title"])}</h1>'
        f'<p class="meta">统计期 {escape(report["period"])} · 数据截至 {escape(_when(report["as_of"]))} · '
        f'发布于 {escape(_when(report["published_at"]))} · '
        f'<a href="/v1/market/reports/{escape(report["id"])}.csv">下载 CSV</a> · '
        f'<a href="/v1/market/reports/{escape(report["id"])}">JSON</a></p></header><main>',
        '<section class="cards" id="key-figures">',
        _card("求职人数", _count(overall["seekers"])),
        _card("岗位数", _count(overall["openings"])),
        _card("求人倍率", _ratio(overall["ratio"])),
        _card("月薪中位数", _yuan(overall["wage"]["p50"])),
        _card("高技能求人倍率", _ratio(high["ratio"])),
        "</section>",
        '<section><h2>分职业供求</h2>',
        _supply_table("supply-demand-occupation", f"岗位数最多的 {len(by_occupation)} 个职业", "职业", by_occupation,
                      model.shortage_ratio),
        "</section>",
        '<section><h2>分地区供求</h2>',
        _supply_table("supply-demand-region", "按省级行政区", "地区", summary["by_region"], model.shortage_ratio),
        "</section>",
        '<section><h2>分技能等级供求</h2>',
        _supply_table("supply-demand-level", "按职业技能等级（岗位按最低等级要求）", "技能等级", summary["by_level"],
                      model.shortage_ratio),
        "</section>",
        '<section><h2>工资指导价位</h2>',
    ]
    if priced:
        out.append(f'<figure>{box_plot_svg(priced[:10], "各职业月薪分布（P10–P90）")}'
                   '<figcaption>箱体为 P25–P75，竖线为中位数，两端为 P10 与 P90。</figcaption></figure>')
        out.append(_wage_table(priced, summary["min_sample"]))
    else:
        out.append(f'<p class="empty">各职业样本均少于 {summary["min_sample"]} 个岗位，暂不发布工资指导价位。</p>')
    out.append("</section>")
    labels = [p.period for p in model.trend]
    total_forecast = None
    out.append('<section><h2>趋势与需求预测</h2>')
    if model.trend:
        history = [p.openings for p in model.trend if p.openings is not None]
        block = forecast_block(history, None)
        total_forecast = block["openings"]
        next_label = model.forecasts[0]["period"] if model.forecasts else "下期"
        out.append('<figure>' + line_chart_svg(
            "trend-chart", "求职人数与岗位数走势", labels,
            [("求职人数", "#1f6feb", [p.seekers for p in model.trend]),
             ("岗位数", "#d9480f", [p.openings for p in model.trend])],
            forecast=(next_label, total_forecast)) +
            '<figcaption>近各期已发布报告的数据，虚线为下期岗位数预测。</figcaption></figure>')
        if any(p.wage_p50 is not None for p in model.trend):
            out.append('<figure>' + line_chart_svg(
                "wage-trend-chart", "月薪中位数走势（元/月）", labels,
                [("月薪中位数", "#2b8a3e", [p.wage_p50 for p in model.trend])]) + '</figure>')
    if model.forecasts:
        out.append(_forecast_table(model.forecasts))
    out.append("</section></main>")
    out.append(
        '<footer><h2>口径说明</h2><ul>'
        '<li>求职人数：同意参与匹配且状态为求职中的技能人才，按其首要职业计一次。</li>'
        '<li>岗位数：在招岗位（未截止）的招聘人数之和；技能等级按岗位最低等级要求归类。</li>'
        f'<li>工资：取工资区间中点折算为月薪——日薪×21.75，时薪×174，项目报酬÷（工期天数÷30.4）；'
        f'百分位按秩线性插值；样本少于 {summary["min_sample"]} 个岗位不发布。</li>'
        f'<li>求人倍率高于 {model.shortage_ratio:g} 的职业、地区标为“紧缺”。</li>'
        '<li>需求预测：霍尔特线性指数平滑，误差由历史各期回测得出。</li></ul></footer>'
    )
    return "".join(out)


def render(model: PageModel) -> str:
    title = model.report["title"] if model.report else "技能人才市场供求与工资指导价位"
    return Template(TEMPLATE.read_text("utf-8")).substitute(title=escape(title), content=_content(model))
