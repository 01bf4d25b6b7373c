"""The `/market` page: the latest published report for people, rendered on the server.

Self-contained by design: inline CSS, system fonts, charts as inline SVG drawn here (box plots of
the wage guide, lines of the trend), no script and nothing fetched from elsewhere, so it works
offline, on a phone, and in a screen reader (every chart has a title and the numbers are also in
tables). Text is Chinese; every value that comes from data is escaped.
"""

from __future__ import annotations

import datetime as dt
import math
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
                   forecast: tuple | None = None) -> str:
    """Lines over periods (gaps where a period has no report), with an optional dashed forecast point
    `(label, value)` or `(label, value, lower, upper)` drawn with its interval as a shaded wedge and a bar."""
    width, height, left, right, top, bottom = 360, 210, 44, 14, 30, 34
    slots = len(labels) + (1 if forecast else 0)
    values = [v for _, _, vs in series for v in vs if v is not None]
    if forecast and forecast[1] is not None:
        values.extend(v for v in forecast[1:] if v is not None)
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
        lower, upper = (forecast[2], forecast[3]) if len(forecast) >= 4 else (None, None)
        color = series[-1][1]
        if last is not None and lower is not None and upper is not None:
            lx, ly = x(last), y(series[-1][2][last])
            parts.append(f'<polygon class="interval" points="{lx:.1f},{ly:.1f} {fx:.1f},{y(upper):.1f} {fx:.1f},{y(lower):.1f}" '
                         f'fill="{color}" fill-opacity="0.15" stroke="none"/>'
                         f'<line class="interval-bar" x1="{fx:.1f}" y1="{y(upper):.1f}" x2="{fx:.1f}" y2="{y(lower):.1f}" '
                         f'stroke="{color}" stroke-width="1.5"/>'
                         f'<line x1="{fx - 4:.1f}" y1="{y(upper):.1f}" x2="{fx + 4:.1f}" y2="{y(upper):.1f}" stroke="{color}"/>'
                         f'<line x1="{fx - 4:.1f}" y1="{y(lower):.1f}" x2="{fx + 4:.1f}" y2="{y(lower):.1f}" stroke="{color}"/>')
        if last is not None:
            parts.append(f'<line x1="{x(last):.1f}" y1="{y(series[-1][2][last]):.1f}" x2="{fx:.1f}" y2="{fy:.1f}" '
                         f'stroke="{color}" stroke-dasharray="4 3" stroke-width="2"/>')
        band = f"，80%区间 {lower:,.0f}–{upper:,.0f}" if lower is not None and upper is not None else ""
        data = (f' data-value="{forecast[1]:g}" data-lower="{lower:g}" data-upper="{upper:g}"'
                if lower is not None and upper is not None else f' data-value="{forecast[1]:g}"')
        parts.append(f'<circle class="forecast" cx="{fx:.1f}" cy="{fy:.1f}" r="3.5" fill="#fff" stroke="{color}" '
                     f'stroke-width="2"{data}><title>{escape(forecast[0])} 预测 {forecast[1]:,.0f}{escape(band)}</title></circle>'
                     f'<text x="{fx - 8:.1f}" y="{fy - 8:.1f}" font-size="10" text-anchor="end" fill="#616e7c">预测</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- charts of issue 17: bars, the provinces map, flows, hire rate by rank ------------------------

SEEKERS_COLOR, OPENINGS_COLOR = "#1f6feb", "#d9480f"


def _short(name: str, size: int = 6) -> str:
    return name if len(name) <= size else name[: size - 1] + "…"


def supply_bars_svg(chart_id: str, title: str, rows: list[dict[str, Any]], shortage_ratio: float) -> str:
    """Per group two bars (求职人数, 岗位数) and the ratio written at the end, shortages in red."""
    width, label_w, right, top, row_h = 360, 84, 40, 28, 28
    height = top + row_h * len(rows) + 8
    high = max([max(r["seekers"], r["openings"]) for r in rows] + [1])
    scale = (width - label_w - right) / high
    parts = [f'<svg id="{chart_id}" class="chart bars" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title">', f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<rect x="{label_w}" y="6" width="10" height="8" fill="{SEEKERS_COLOR}"/>'
             f'<text x="{label_w + 14}" y="14" font-size="10" fill="#1f2933">求职人数</text>'
             f'<rect x="{label_w + 70}" y="6" width="10" height="8" fill="{OPENINGS_COLOR}"/>'
             f'<text x="{label_w + 84}" y="14" font-size="10" fill="#1f2933">岗位数</text>'
             f'<text x="{width - 2}" y="14" font-size="10" text-anchor="end" fill="#616e7c">求人倍率</text>']
    for i, row in enumerate(rows):
        y0 = top + i * row_h
        key = escape(row.get("key") or "")
        ratio = row["ratio"]
        hot = ratio is not None and ratio > shortage_ratio
        parts.append(
            f'<g class="bar-group" data-key="{key}"><title>{escape(row["name"])}：求职 {row["seekers"]:,}，岗位 '
            f'{row["openings"]:,}，求人倍率 {"—" if ratio is None else f"{ratio:.2f}"}</title>'
            f'<text x="0" y="{y0 + 15}" font-size="11" fill="#1f2933">{escape(_short(row["name"]))}</text>'
            f'<rect class="bar" data-series="seekers" data-value="{row["seekers"]}" x="{label_w}" y="{y0 + 3}" '
            f'width="{max(row["seekers"] * scale, 0.5):.1f}" height="9" fill="{SEEKERS_COLOR}"/>'
            f'<rect class="bar" data-series="openings" data-value="{row["openings"]}" x="{label_w}" y="{y0 + 13}" '
            f'width="{max(row["openings"] * scale, 0.5):.1f}" height="9" fill="{OPENINGS_COLOR}"/>'
            f'<text class="ratio" data-value="{"" if ratio is None else ratio}" x="{width - 2}" y="{y0 + 16}" '
            f'font-size="11" text-anchor="end" font-weight="{600 if hot else 400}" fill="{"#c92a2a" if hot else "#1f2933"}">'
            f'{"—" if ratio is None else f"{ratio:.2f}"}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


# Provinces as tiles on a grid that keeps their rough places (column, row): a tile map reads at a
# glance on a phone and needs no geography data.
PROVINCE_TILES: dict[str, tuple[int, int, str]] = {
    "23": (7, 0, "黑"), "65": (0, 1, "新"), "15": (4, 1, "蒙"), "11": (5, 1, "京"), "22": (7, 1, "吉"),
    "62": (1, 2, "甘"), "64": (2, 2, "宁"), "14": (4, 2, "晋"), "13": (5, 2, "冀"), "12": (6, 2, "津"),
    "21": (7, 2, "辽"), "54": (0, 3, "藏"), "63": (1, 3, "青"), "61": (3, 3, "陕"), "41": (4, 3, "豫"),
    "37": (5, 3, "鲁"), "51": (2, 4, "川"), "50": (3, 4, "渝"), "42": (4, 4, "鄂"), "34": (5, 4, "皖"),
    "32": (6, 4, "苏"), "31": (7, 4, "沪"), "53": (2, 5, "滇"), "52": (3, 5, "黔"), "43": (4, 5, "湘"),
    "36": (5, 5, "赣"), "33": (6, 5, "浙"), "45": (3, 6, "桂"), "44": (4, 6, "粤"), "35": (5, 6, "闽"),
    "71": (7, 6, "台"), "46": (3, 7, "琼"), "81": (5, 7, "港"), "82": (4, 7, "澳"),
}
RATIO_SCALE: tuple[tuple[float, str, str], ...] = (  # upper bound, fill, legend
    (0.5, "#2b6cb0", "<0.5"), (0.8, "#90cdf4", "0.5–0.8"), (1.2, "#f1f3f5", "0.8–1.2"), (1.5, "#fdba8c", "1.2–1.5"),
    (math.inf, "#c92a2a", ">1.5"),
)


def ratio_fill(ratio: float | None) -> str:
    if ratio is None:
        return "#ffffff"
    return next(color for bound, color, _ in RATIO_SCALE if ratio < bound)


def province_map_svg(rows: list[dict[str, Any]], title: str) -> str:
    """A tile map of provinces shaded by 求人倍率 (blue: more seekers than openings; red: shortage)."""
    size, gap, left, top = 38, 3, 8, 8
    by_key = {r["key"]: r for r in rows if r.get("key")}
    width, height = left + 8 * (size + gap) + 8, top + 8 * (size + gap) + 30
    parts = [f'<svg id="region-map" class="chart map" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="region-map-title">', f'<title id="region-map-title">{escape(title)}</title>']
    for code, (col, row, short) in PROVINCE_TILES.items():
        x, y = left + col * (size + gap), top + row * (size + gap)
        data = by_key.get(code)
        ratio = data["ratio"] if data else None
        fill = ratio_fill(ratio)
        dark = fill in ("#2b6cb0", "#c92a2a")
        ink = "#ffffff" if dark else ("#9aa5b1" if data is None else "#1f2933")
        label = "—" if ratio is None else f"{ratio:.2f}"
        name = data["name"] if data else code
        tip = "无数据" if data is None else f'求职 {data["seekers"]:,}，岗位 {data["openings"]:,}，求人倍率 {label}'
        parts.append(
            f'<g class="tile" data-key="{code}" data-ratio="{"" if ratio is None else ratio}">'
            f'<title>{escape(name)}：{tip}</title>'
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="4" fill="{fill}" '
            f'stroke="{"#cbd2d9" if data is None else "#9aa5b1"}"/>'
            f'<text x="{x + size / 2}" y="{y + 16}" font-size="12" text-anchor="middle" fill="{ink}">{short}</text>'
            f'<text x="{x + size / 2}" y="{y + 30}" font-size="9" text-anchor="middle" fill="{ink}">'
            f'{"" if data is None else label}</text></g>')
    ly = top + 8 * (size + gap) + 6
    parts.append(f'<text x="{left}" y="{ly + 10}" font-size="10" fill="#616e7c">求人倍率</text>')
    for i, (_, color, legend) in enumerate(RATIO_SCALE):
        lx = left + 52 + i * 56
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{color}" stroke="#9aa5b1"/>'
                     f'<text x="{lx + 15}" y="{ly + 10}" font-size="10" fill="#1f2933">{legend}</text>')
    parts.append("</svg>")
    return "".join(parts)


FLOW_COLORS = ("#1f6feb", "#d9480f", "#2b8a3e", "#7048e8", "#e67700", "#0c8599", "#c2255c", "#5c940d")


def short_region(name: str) -> str:
    """内蒙古自治区 → 内蒙古, 广东省 → 广东, 北京市 → 北京 (a city keeps its code after the dot)."""
    province, dot, rest = name.partition("·")
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if province.endswith(suffix) and len(province) > len(suffix) + 1:
            province = province[: -len(suffix)]
            break
    return province + dot + rest


def flow_metric(flows: dict[str, Any]) -> tuple[str, str]:
    """Which count the flow chart draws: hires when there are any, else applications, else matches."""
    totals = flows["totals"]
    for key, name in (("hires", "录用"), ("applications", "申请"), ("matches", "匹配推荐")):
        if totals[key] > 0:
            return key, name
    return "hires", "录用"


def flow_sankey_svg(flows: dict[str, Any], title: str, top: int = 10) -> str:
    """A two-column flow chart: origins on the left, destinations on the right, bands as wide as the
    count (the top flows by the chosen measure)."""
    metric, metric_name = flow_metric(flows)
    items = [i for i in flows["items"] if i[metric] > 0]
    items = sorted(items, key=lambda i: -i[metric])[:top]
    width, node_w, label_w, gap, pad_top = 360, 10, 70, 6, 24
    origins: dict[str, int] = {}
    targets: dict[str, int] = {}
    for item in items:
        origins[item["from"]] = origins.get(item["from"], 0) + item[metric]
        targets[item["to"]] = targets.get(item["to"], 0) + item[metric]
    total = sum(i[metric] for i in items) or 1
    usable = 220
    height = pad_top + usable + gap * max(len(origins), len(targets)) + 10
    scale = usable / total
    names = {i["from"]: short_region(i["from_name"]) for i in items} | {i["to"]: short_region(i["to_name"]) for i in items}

    def stack(nodes: dict[str, int]) -> dict[str, float]:
        at, y = {}, float(pad_top)
        for key, value in sorted(nodes.items(), key=lambda kv: -kv[1]):
            at[key] = y
            y += value * scale + gap
        return at

    left_at, right_at = stack(origins), stack(targets)
    lx, rx = label_w, width - label_w - node_w
    parts = [f'<svg id="flow-chart" class="chart sankey" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="flow-chart-title" data-metric="{metric}">',
             f'<title id="flow-chart-title">{escape(title)}（按{metric_name}人次）</title>',
             f'<text x="{lx}" y="14" font-size="10" fill="#616e7c">人才来源地</text>'
             f'<text x="{rx + node_w}" y="14" font-size="10" text-anchor="end" fill="#616e7c">岗位所在地</text>']
    colors = {key: FLOW_COLORS[i % len(FLOW_COLORS)] for i, key in enumerate(left_at)}
    out_used = dict.fromkeys(origins, 0.0)
    in_used = dict.fromkeys(targets, 0.0)
    for item in items:
        band = item[metric] * scale
        y1 = left_at[item["from"]] + out_used[item["from"]] + band / 2
        y2 = right_at[item["to"]] + in_used[item["to"]] + band / 2
        out_used[item["from"]] += band
        in_used[item["to"]] += band
        mid = (lx + node_w + rx) / 2
        parts.append(
            f'<path class="flow" data-from="{escape(item["from"])}" data-to="{escape(item["to"])}" '
            f'data-value="{item[metric]}" d="M{lx + node_w},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {rx},{y2:.1f}" '
            f'fill="none" stroke="{colors[item["from"]]}" stroke-opacity="0.45" stroke-width="{max(band, 1):.1f}">'
            f'<title>{escape(item["from_name"])} → {escape(item["to_name"])}：{metric_name} {item[metric]:,}</title></path>')
    for key, y in left_at.items():
        h = max(origins[key] * scale, 1)
        parts.append(f'<rect x="{lx}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" fill="{colors[key]}"/>'
                     f'<text x="{lx - 4}" y="{y + h / 2 + 4:.1f}" font-size="11" text-anchor="end" fill="#1f2933">'
                     f'{escape(_short(names[key], 5))}</text>')
    for key, y in right_at.items():
        h = max(targets[key] * scale, 1)
        parts.append(f'<rect x="{rx}" y="{y:.1f}" width="{node_w}" height="{h:.1f}" fill="#52606d"/>'
                     f'<text x="{rx + node_w + 4}" y="{y + h / 2 + 4:.1f}" font-size="11" fill="#1f2933">'
                     f'{escape(_short(names[key], 5))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def rank_rate_svg(buckets: list[dict[str, Any]], title: str) -> str:
    """Hire rate by the rank at which the worker was shown in candidates (columns, rate on top)."""
    width, height, left, bottom, top = 360, 184, 36, 44, 18  # the axis caption on a line below the ranks
    rates = [b["hire_rate"] or 0.0 for b in buckets]
    high = max(rates + [0.01])
    step = _nice_step(high * 100) / 100
    axis = max(step, -(-high // step) * step)
    slot = (width - left - 8) / max(len(buckets), 1)
    parts = [f'<svg id="rank-chart" class="chart columns" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="rank-chart-title">', f'<title id="rank-chart-title">{escape(title)}</title>']
    tick = 0.0
    while tick <= axis + 1e-9:
        ty = top + (1 - tick / axis) * (height - top - bottom)
        parts.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{width - 8}" y2="{ty:.1f}" stroke="#e4e7eb"/>'
                     f'<text x="{left - 4}" y="{ty + 3:.1f}" font-size="10" text-anchor="end" fill="#616e7c">'
                     f'{tick * 100:.0f}%</text>')
        tick += step
    for i, b in enumerate(buckets):
        rate = b["hire_rate"]
        h = 0 if rate is None else rate / axis * (height - top - bottom)
        x = left + i * slot + slot * 0.2
        y = height - bottom - h
        parts.append(
            f'<g class="rank" data-rank="{escape(b["rank"])}" data-shown="{b["shown"]}" data-hires="{b["hires"]}" '
            f'data-rate="{"" if rate is None else rate}"><title>第 {escape(b["rank"])} 位：展示 {b["shown"]:,}，录用 '
            f'{b["hires"]:,}</title><rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{max(h, 0):.1f}" '
            f'fill="#2b8a3e"/><text x="{x + slot * 0.3:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#1f2933">{"—" if rate is None else f"{rate * 100:.1f}%"}</text>'
            f'<text x="{x + slot * 0.3:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle" '
            f'fill="#616e7c">{escape(b["rank"])}</text></g>')
    parts.append(f'<text x="{width - 8}" y="{height - 3}" font-size="10" text-anchor="end" fill="#616e7c">'
                 f'候选人列表中的位次</text></svg>')
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
        if f.get("openings") is None:
            reason = f.get("reason") or "历史数据不足，不作预测。"
            body.append(f'<tr class="no-forecast"><td>{escape(f["name"])}</td><td>{_count(f["latest"])}</td>'
                        f'<td colspan="4" class="reason">{escape(reason)}</td></tr>')
            continue
        mape = "—" if bt["mape"] is None else f'{bt["mape"]:.1f}%'
        mae = "—" if bt["mae"] is None else f'{bt["mae"]:,.1f}'
        interval = f.get("interval")
        band = "—" if not interval else f'{interval["lower"]:,.0f}–{interval["upper"]:,.0f}'
        body.append(f'<tr data-key="{escape(f["key"] or "")}"><td>{escape(f["name"])}</td><td>{_count(f["latest"])}</td>'
                    f'<td class="predicted">{f["openings"]:,.0f}</td><td class="interval">{band}</td>'
                    f'<td>{mae}</td><td{QUARTILE}>{escape(mape)}（{bt["points"]}期）</td></tr>')
    return ('<div class="table-wrap"><table id="forecast" class="forecast">'
            '<thead><tr><th scope="col">职业</th><th scope="col">本期岗位</th><th scope="col">下期预测</th>'
            f'<th scope="col">80%区间</th><th scope="col">回测MAE</th><th scope="col"{QUARTILE}>回测MAPE</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>'
            '<p class="note">下期岗位数用指数平滑状态空间模型（ETS，statsmodels）预测，按 AICc 在有无趋势之间选择；'
            '区间为 80% 预测区间；误差为最近几期逐期回测（每期只用它之前的数据重新拟合）的平均绝对误差（MAE）与平均绝对'
            '百分比误差（MAPE）。不足 6 期历史的不作预测。</p>')


def _flows_table(flows: dict[str, Any], limit: int = 10) -> str:
    body = []
    for item in flows["items"][:limit]:
        within = '<span class="tag">省内</span>' if item["within"] else ""
        body.append(f'<tr data-from="{escape(item["from"])}" data-to="{escape(item["to"])}">'
                    f'<td>{escape(item["from_name"])} → {escape(item["to_name"])}{within}</td>'
                    f'<td{QUARTILE}>{item["matches"]:,}</td><td>{item["invitations"]:,}</td>'
                    f'<td>{item["applications"]:,}</td><td>{item["hires"]:,}</td></tr>')
    return ('<div class="table-wrap"><table id="flows" class="flows"><thead><tr><th scope="col">来源地 → 岗位所在地</th>'
            f'<th scope="col"{QUARTILE}>匹配推荐</th><th scope="col">邀约</th><th scope="col">申请</th>'
            f'<th scope="col">录用</th></tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def _outcomes_section(outcomes: dict[str, Any]) -> str:
    ttf = outcomes["time_to_first_hire"]
    median = "—" if ttf["median_days"] is None else f'{ttf["median_days"]:g} 天'
    shown = outcomes["shown"]
    cards = "".join([
        _card("邀约", _count(outcomes["invitations"])),
        _card("申请", _count(outcomes["applications"])),
        _card("入围", _count(outcomes["shortlists"])),
        _card("录用", _count(outcomes["hires"])),
        _card("首次录用用时（中位）", escape(median)),
    ])
    out = [f'<div class="cards" id="outcome-figures">{cards}</div>']
    if shown["pairs"]:
        out.append(f'<figure>{rank_rate_svg(outcomes["hire_rate_by_rank"], "按推荐位次的录用率")}'
                   f'<figcaption>候选人列表中排在第几位的人最终被录用的比例：共展示 {shown["pairs"]:,} 人次，'
                   f'其中录用 {shown["hires"]:,} 人。用真实录用结果检验排序：排在前面的人录用率越高，排序越有效。</figcaption></figure>')
    else:
        out.append('<p class="note">本期尚无候选人列表的展示记录，暂不计算按位次的录用率。</p>')
    return "".join(out)


def _card(label: str, value: str) -> str:
    return f'<div class="card"><div class="label">{escape(label)}</div><div class="value">{value}</div></div>'


def _content(model: PageModel) -> str:
    if model.report is None or model.summary is None:
        return ('<header><h1>技能人才市场供求与工资指导价位</h1></header><main><p class="empty" id="no-report">'
                '尚未发布市场报告。报告在每期结束后自动发布（没有任何数据的空期不发布），管理员也可随时发布。</p></main>')
    report, summary = model.report, model.summary
    overall, high = summary["overall"], summary["high_skill"]
    by_occupation = sorted(summary["by_occupation"], key=lambda r: (-r["openings"], -r["seekers"]))[:TOP_ROWS]
    priced = sorted((r for r in summary["by_occupation"] if not r["wage"]["insufficient_sample"]),
                    key=lambda r: -r["wage"]["sample_size"])[:TOP_ROWS]
    by_region = sorted(summary["by_region"], key=lambda r: (-r["openings"], -r["seekers"]))
    flows = summary.get("flows")
    outcomes = summary.get("outcomes")
    sr = model.shortage_ratio
    out = [
        f'<header><h1>{escape(report["title"])}</h1>'
        f'<p class="meta">统计期 {escape(report["period"])} · 数据截至 {escape(_when(report["as_of"]))} · '
        f'发布于 {escape(_when(report["published_at"]))} · '
        f'<a href="/v1/market/reports/{escape(report["id"])}.csv">下载 CSV</a> · '
        f'<a href="/v1/market/reports/{escape(report["id"])}">JSON</a></p>'
        '<nav class="toc"><a href="#s-occupation">职业</a><a href="#s-region">地区</a><a href="#s-level">等级</a>'
        '<a href="#s-wage">工资</a><a href="#s-flows">流动</a><a href="#s-outcomes">成效</a><a href="#s-trend">趋势</a>'
        '</nav></header><main>',
        '<section class="cards" id="key-figures">',
        _card("求职人数", _count(overall["seekers"])),
        _card("岗位数", _count(overall["openings"])),
        _card("求人倍率", _ratio(overall["ratio"])),
        _card("月薪中位数", _yuan(overall["wage"]["p50"])),
        _card("高技能求人倍率", _ratio(high["ratio"])),
    ]
    if outcomes:
        out.append(_card("本期录用", _count(outcomes["hires"])))
    out.append("</section>")
    out += [
        '<section id="s-occupation"><h2>分职业供求</h2>',
        f'<div class="figs"><figure>{supply_bars_svg("occupation-bars", "岗位数最多的职业：求职人数、岗位数与求人倍率", by_occupation[:10], sr)}'
        '<figcaption>每个职业上条为求职人数、下条为岗位数，右侧为求人倍率（红色为紧缺）。</figcaption></figure><div>',
        _supply_table("supply-demand-occupation", f"岗位数最多的 {len(by_occupation)} 个职业", "职业", by_occupation, sr),
        "</div></div></section>",
        '<section id="s-region"><h2>分地区供求</h2>',
        f'<div class="figs"><figure>{province_map_svg(summary["by_region"], "各省求人倍率")}'
        '<figcaption>各省（区、市）按求人倍率着色：蓝色求职多于岗位，红色岗位紧缺，白色无数据。</figcaption></figure>',
        f'<figure>{supply_bars_svg("region-bars", "各地区求职人数、岗位数与求人倍率", by_region[:10], sr)}</figure></div>',
        _supply_table("supply-demand-region", "按省级行政区", "地区", summary["by_region"], sr),
        "</section>",
        '<section id="s-level"><h2>分技能等级供求</h2>',
        f'<div class="figs"><figure>{supply_bars_svg("level-bars", "各技能等级求职人数、岗位数与求人倍率", summary["by_level"], sr)}</figure><div>',
        _supply_table("supply-demand-level", "按职业技能等级（岗位按最低等级要求）", "技能等级", summary["by_level"], sr),
        "</div></div></section>",
        '<section id="s-wage"><h2>工资指导价位</h2>',
    ]
    if priced:
        out.append(f'<figure>{box_plot_svg(priced[:10], "各职业月薪分布（P10–P90）")}'
                   '<figcaption>箱体为 P25–P75，竖线为中位数，两端为 P10 与 P90。</figcaption></figure>')
        out.append(_wage_table(priced, summary["min_sample"]))
    else:
        out.append(f'<p class="empty">各职业样本均少于 {summary["min_sample"]} 个岗位，暂不发布工资指导价位。</p>')
    out.append("</section>")
    out.append('<section id="s-flows"><h2>区域人才流动（区域合作 · 柔性流动）</h2>')
    if flows and flows["items"]:
        totals = flows["totals"]
        across = totals["across_regions"]
        share = f'{across["hires"] / totals["hires"] * 100:.0f}%' if totals["hires"] else "—"
        out.append(f'<p class="lead">本期匹配推荐 {totals["matches"]:,} 人次、邀约 {totals["invitations"]:,}、'
                   f'申请 {totals["applications"]:,}、录用 {totals["hires"]:,} 人；跨省录用占 {share}。</p>')
        out.append(f'<div class="figs"><figure>{flow_sankey_svg(flows, "人才从来源地流向岗位所在地")}'
                   '<figcaption>左侧为人才所在省份，右侧为岗位所在省份，带宽与人次成正比。</figcaption></figure>'
                   f'<div>{_flows_table(flows)}</div></div>')
        out.append('<p class="note">按人才所在地与岗位所在地统计；地市级明细见报告 JSON 的 flows_city。</p>')
    else:
        out.append('<p class="empty">本期尚无匹配、邀约、申请或录用记录。</p>')
    out.append("</section>")
    out.append('<section id="s-outcomes"><h2>匹配成效</h2>')
    out.append(_outcomes_section(outcomes) if outcomes else '<p class="empty">本报告未包含匹配成效。</p>')
    out.append("</section>")
    labels = [p.period for p in model.trend]
    out.append('<section id="s-trend"><h2>趋势与需求预测</h2>')
    if model.trend:
        history = [p.openings for p in model.trend if p.openings is not None]
        block = forecast_block(history, None)
        next_label = model.forecasts[0]["period"] if model.forecasts else "下期"
        interval = block["interval"]
        forecast = (next_label, block["openings"], interval["lower"], interval["upper"]) if interval else None
        out.append('<div class="figs"><figure>' + line_chart_svg(
            "trend-chart", "求职人数与岗位数走势", labels,
            [("求职人数", SEEKERS_COLOR, [p.seekers for p in model.trend]),
             ("岗位数", OPENINGS_COLOR, [p.openings for p in model.trend])],
            forecast=forecast) +
            ('<figcaption>近各期已发布报告的数据；虚线为下期岗位数预测，阴影与竖线为 80% 预测区间'
             f'（{interval["lower"]:,.0f}–{interval["upper"]:,.0f}）。</figcaption></figure>' if interval else
             f'<figcaption>近各期已发布报告的数据。{escape(block["reason"] or "")}</figcaption></figure>'))
        if any(p.wage_p50 is not None for p in model.trend):
            out.append('<figure>' + line_chart_svg(
                "wage-trend-chart", "月薪中位数走势（元/月）", labels,
                [("月薪中位数", "#2b8a3e", [p.wage_p50 for p in model.trend])]) + '</figure>')
        out.append("</div>")
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
        '<li>区域流动：匹配推荐、邀约、申请、录用按发生时间计入统计期，从人才所在地计向岗位所在地。</li>'
        '<li>匹配成效：按推荐位次的录用率 = 在候选人列表第 k 位展示过、后来被该岗位录用的人数 ÷ 在第 k 位展示的人数；'
        '展示记录保留 180 天，不含个人信息，人员注销时一并删除。</li>'
        '<li>需求预测：指数平滑状态空间模型（ETS），给出 80% 预测区间与回测误差；历史不足 6 期不作预测。</li>'
        '</ul></footer>'
    )
    return "".join(out)


def render(model: PageModel) -> str:
    title = model.report["title"] if model.report else "技能人才市场供求与工资指导价位"
    return Template(TEMPLATE.read_text("utf-8")).substitute(title=escape(title), content=_content(model))
