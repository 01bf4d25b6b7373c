"""/market in a real headless Chromium: the page a person opens on a phone.

The market part of matching runs on a real HTTP server (uvicorn) over SQLite with half a year of
published reports; Chromium loads /market, its DOM must hold the tables and the charts, and the
phone-sized screenshot is kept in artifacts/market-page.png for people to look at.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import uvicorn

from services.common import events
from services.common.events import encode
from services.matching.ranking.formula import Weights
from tests.fixtures.engines import StoreBackend
from tests.fixtures.infra import free_port, unavailable
from tests.integration.test_market_support import ADMIN, MarketHarness, make_harness, posting_event, worker_event

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]
OCCUPATIONS = ["6-18-02-04", "6-31-01-03", "6-18-01-01", "6-31-01-02", "6-18-02-01", "4-04-05-01", "6-29-01-01",
               "2-02-07-01"]
REGIONS = ["150602", "150202", "110105", "440305", "320583", "510107"]
LEVELS = ["junior", "intermediate", "senior", "technician", "senior_technician"]


def chromium_binary() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        unavailable("chromium is not installed (apt-get install -y chromium)")
    return found


def seed_half_a_year(h: MarketHarness) -> None:
    """Six months of a growing market, a scheduled report at each month's close, then an admin's."""
    rnd = random.Random(7)
    workers = postings = 0
    for month in range(9, 15):  # reports of 2025-09 … 2026-02
        for _ in range(30):
            h.runtime.event_log.publish([encode(
                worker_event(f"w-{workers}", level=rnd.choice(LEVELS), region=rnd.choice(REGIONS),
                             occupations=[rnd.choice(OCCUPATIONS)]))])
            workers += 1
        for _ in range(12 + 3 * (month - 9)):
            unit, low = rnd.choice([("month", 6000), ("day", 300), ("hour", 40)])
            h.runtime.event_log.publish([encode(
                posting_event(f"p-{postings}", occupation=rnd.choice(OCCUPATIONS[:5]), region=rnd.choice(REGIONS),
                              min_level=rnd.choice([*LEVELS, None]), headcount=rnd.randint(1, 4),
                              wage=(low * rnd.uniform(1, 2), low * rnd.uniform(2, 3), unit)))])
            postings += 1
        h.ingest()
        start = dt.datetime(2025 + (month - 1) // 12, (month - 1) % 12 + 1, 3, tzinfo=dt.UTC)
        engage(h, rnd, start, workers, postings)
        close = dt.datetime(2025 + month // 12, month % 12 + 1, 1, 1, tzinfo=dt.UTC)
        assert h.market.scheduler.run_once(close) is not None
    hired = engage(h, rnd, dt.datetime(2026, 3, 2, tzinfo=dt.UTC), workers, postings)
    # candidates answers this month: who was shown at which rank (the hired ones mostly near the top)
    for p in range(postings):
        shown = [f"w-{w}" for w in rnd.sample(range(workers), 12)]
        for w, posting in hired:
            if posting == f"p-{p}":
                shown = [x for x in shown if x != w]
                shown.insert(rnd.choice([0, 0, 0, 1, 1, 2, 4, 7]), w)
        h.market.shown.record(f"p-{p}", shown, Weights())
    h.market.shown.flush()
    assert h.client.post("/v1/market/reports", headers=ADMIN).status_code == 201


def engage(h: MarketHarness, rnd: random.Random, start: dt.datetime, workers: int, postings: int) -> list[tuple[str, str]]:
    """A month of engagement: matches shown, invitations, applications, shortlists and hires."""
    sent = []
    hired = []
    for n in range(40):
        w, p = f"w-{rnd.randrange(workers)}", f"p-{rnd.randrange(postings)}"
        at = start + dt.timedelta(hours=rnd.randint(0, 180))
        sent.append(events.make_event("match.found", events.MatchFound(
            recipient_kind="worker", recipient_id=w, worker_id=w, posting_id=p, org_id="org-1", score=0.8,
            summary="匹配", found_at=at), subject=w, source="/test", entityversion=1))
        if n % 3 == 0:
            sent.append(events.make_event("invitation.sent", events.InvitationSent(
                id=f"i-{start:%y%m}-{n}", posting_id=p, org_id="org-1", worker_id=w, expires_at=at + dt.timedelta(days=7),
                sent_at=at), subject=p, source="/test", entityversion=1))
        if n % 2 == 0:
            app = f"a-{start:%y%m}-{n}"
            sent.append(events.make_event("application.submitted", events.ApplicationSubmitted(
                id=app, posting_id=p, org_id="org-1", worker_id=w, status="submitted", submitted_at=at),
                subject=p, source="/test", entityversion=1))
            if n % 4 == 0:
                hired.append((w, p))
            for k, status in enumerate(("shortlisted", "hired")[: 1 + (n % 4 == 0)]):
                sent.append(events.make_event("application.updated", events.ApplicationUpdated(
                    id=app, posting_id=p, org_id="org-1", worker_id=w, status=status, previous_status="submitted",
                    updated_at=at + dt.timedelta(hours=2 + k)), subject=p, source="/test", entityversion=1))
    h.send(*sent)
    return hired


@pytest.fixture
def market_server(tmp_path) -> Iterator[tuple[str, MarketHarness]]:
    harness = make_harness(StoreBackend("sqlite", None, None, tmp_path), tmp_path,
                           dt.datetime(2026, 3, 12, 2, tzinfo=dt.UTC))
    seed_half_a_year(harness)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(harness.client.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/market", harness
    server.should_exit = True
    thread.join(5)
    harness.runtime.close()


class PageShape(HTMLParser):
    """What a reader finds on the page: tables with their body rows, charts with their marks."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, int] = {}
        self.charts: dict[str, dict[str, int]] = {}
        self.shortage_rows = 0
        self.viewport = False
        self.external: list[str] = []
        self._table: str | None = None
        self._chart: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") == "viewport":
            self.viewport = "width=device-width" in (a.get("content") or "")
        if tag in ("script", "link", "img", "iframe") or (a.get("src") or "").startswith("http"):
            self.external.append(tag)
        if tag == "table":
            self._table = a.get("id")
            self.tables[self._table] = 0
        elif tag == "tr" and self._table and a.get("class") != "header":
            self.tables[self._table] += 1
            self.shortage_rows += a.get("class") == "shortage"
        elif tag == "svg":
            self._chart = a.get("id")
            self.charts[self._chart] = {}
        elif self._chart:
            self.charts[self._chart][tag] = self.charts[self._chart].get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "svg":
            self._chart = None


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=90)


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


class ChartData(HTMLParser):
    """The data attributes of the marks inside each chart: what a chart says it shows."""

    def __init__(self):
        super().__init__()
        self.marks: list[tuple[str | None, str, dict[str, str]]] = []  # (chart id, class, attributes)
        self._chart: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "svg":
            self._chart = a.get("id")
        elif self._chart and "class" in a:
            self.marks.append((self._chart, a["class"], a))

    def handle_endtag(self, tag):
        if tag == "svg":
            self._chart = None

    def of(self, chart: str, cls: str) -> list[dict[str, str]]:
        return [a for c, k, a in self.marks if c == chart and k == cls]


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def test_market_page_in_headless_chromium_has_its_tables_and_charts(market_server, tmp_path):
    url, harness = market_server
    binary = chromium_binary()
    ARTIFACTS.mkdir(exist_ok=True)
    dom = run_chromium(binary, tmp_path / "profile-dom", "--window-size=390,1800", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    shape = PageShape()
    shape.feed(dom.stdout)
    assert shape.viewport and shape.external == []
    for table in ("supply-demand-occupation", "supply-demand-region", "supply-demand-level", "wage-guide-occupation",
                  "forecast", "flows"):
        assert shape.tables.get(table, 0) >= 2, (table, shape.tables)  # a header row and data rows
    assert shape.shortage_rows >= 1  # the scenario's demand outgrows its supply somewhere
    assert shape.charts["wage-boxplot"].get("rect", 0) >= 3  # one box per occupation with enough wages
    assert shape.charts["trend-chart"].get("polyline", 0) == 2 and shape.charts["trend-chart"].get("circle", 0) >= 12
    assert shape.charts["wage-trend-chart"].get("polyline", 0) == 1
    assert "焊工" in dom.stdout and "内蒙古自治区" in dom.stdout and "技师" in dom.stdout

    # The charts hold the figures the API gives.
    charts = ChartData()
    charts.feed(dom.stdout)
    latest = harness.get("/v1/market/reports", headers=None, limit=1).json()["items"][0]
    report = harness.get(f"/v1/market/reports/{latest['id']}", headers=None).json()
    for chart, table in (("occupation-bars", "by_occupation"), ("region-bars", "by_region"), ("level-bars", "by_level")):
        rows = {r["key"] or "": r for r in report[table]}
        groups = charts.of(chart, "bar-group")
        bars = charts.of(chart, "bar")
        ratios = charts.of(chart, "ratio")
        assert groups and len(bars) == 2 * len(groups) and len(ratios) == len(groups), chart
        for group, pair, ratio in zip(groups, zip(bars[::2], bars[1::2], strict=True), ratios, strict=True):
            row = rows[group["data-key"]]
            assert (int(pair[0]["data-value"]), int(pair[1]["data-value"])) == (row["seekers"], row["openings"])
            assert _number(ratio["data-value"]) == row["ratio"]
    regions = harness.get("/v1/market/supply-demand/by/region", period=report["period"]).json()["items"]
    tiles = {t["data-key"]: _number(t["data-ratio"]) for t in charts.of("region-map", "tile")}
    assert len(tiles) == 34 and {r["region"] for r in regions} <= set(tiles)
    for item in regions:  # the live answer of the report's period equals the map's shading
        assert tiles[item["region"]] == item["ratio"], item
    assert sum(1 for v in tiles.values() if v is not None) == len(regions)

    flows = harness.get("/v1/market/flows", period=report["period"]).json()
    metric = next(m for m in ("hires", "applications", "matches") if flows["totals"][m] > 0)
    bands = charts.of("flow-chart", "flow")
    assert bands and len(bands) <= 10
    by_pair = {(i["from"], i["to"]): i[metric] for i in flows["items"]}
    for band in bands:
        assert int(band["data-value"]) == by_pair[(band["data-from"], band["data-to"])]
    assert sorted((int(b["data-value"]) for b in bands), reverse=True) == sorted(
        (v for v in by_pair.values() if v > 0), reverse=True)[: len(bands)]

    outcomes = harness.get("/v1/market/outcomes", period=report["period"]).json()
    ranks = charts.of("rank-chart", "rank")
    assert [(r["data-rank"], int(r["data-shown"]), int(r["data-hires"]), _number(r["data-rate"])) for r in ranks] == [
        (b["rank"], b["shown"], b["hires"], b["hire_rate"]) for b in outcomes["hire_rate_by_rank"]]
    assert outcomes["shown"]["pairs"] > 0

    forecast = harness.get("/v1/market/trends").json()["forecast"]
    assert forecast["openings"] is not None and forecast["history_points"] >= 6
    point = charts.of("trend-chart", "forecast")
    assert len(point) == 1
    assert float(point[0]["data-value"]) == forecast["openings"]
    assert (float(point[0]["data-lower"]), float(point[0]["data-upper"])) == (
        forecast["interval"]["lower"], forecast["interval"]["upper"])
    assert len(charts.of("trend-chart", "interval")) == 1

    phone = ARTIFACTS / "market-page.png"
    phone.unlink(missing_ok=True)
    shot = run_chromium(binary, tmp_path / "profile-phone", "--window-size=390,6600", f"--screenshot={phone}", url)
    assert shot.returncode == 0 and phone.exists(), shot.stderr[-2000:]
    assert png_size(phone)[0] == 390 and phone.stat().st_size > 20_000  # a page, not a blank
    desktop = ARTIFACTS / "market-page-desktop.png"
    desktop.unlink(missing_ok=True)
    run_chromium(binary, tmp_path / "profile-desktop", "--window-size=1280,4600", f"--screenshot={desktop}", url)
    assert png_size(desktop)[0] == 1280
