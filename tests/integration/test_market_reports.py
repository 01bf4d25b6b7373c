"""Published market reports through HTTP on SQLite and PostgreSQL.

Scheduled publication (once per period, whatever the restarts), an admin's on-demand report, the
`market.report_published` event through matching's outbox, pages of reports, JSON and CSV, past
periods answered from snapshots, trends over stored reports with the stated forecast, and /market.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time

import pytest
import sqlalchemy as sa

from services.common.events import MarketReportPublished
from services.matching.market.consumers import ReportScheduler
from services.matching.market.store import AlreadyPublished, market_reports
from services.matching.market.domain import Period
from tests.integration.test_market_support import (
    ADMIN,
    ANY_TOKEN,
    Expected,
    harness,  # noqa: F401 — fixture
    posting_event,
    quantiles,
    worker_event,
)
from tests.support import auth

CSV_DIMENSIONS = {"全部": "all", "技能等级": "level", "职业": "occupation", "地区": "region"}  # CSV is in Chinese

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 3, 15, 4, 0, tzinfo=dt.UTC)


def _seed(h, expected: Expected, seekers: int, openings: int, *, prefix: str = "") -> None:
    h.send(*expected.record(*(worker_event(f"{prefix}w-{i}", level="technician") for i in range(seekers))))
    h.send(*expected.record(*(posting_event(f"{prefix}p-{i}", headcount=1, wage=(6000 + 500 * i, 6000 + 500 * i, "month"))
                              for i in range(openings))))


def _report_rows(body) -> dict[tuple[str, str | None], dict]:
    rows = [body["overall"], body["high_skill"], *body["by_occupation"], *body["by_region"], *body["by_level"]]
    return {(r["dimension"], r["key"]): r for r in rows}


def test_an_admin_publishes_a_report_once_announced_through_the_outbox(harness):  # noqa: F811
    expected = Expected()
    _seed(harness, expected, seekers=4, openings=7)
    response = harness.client.post("/v1/market/reports", headers=ADMIN, json={"title": "三月中旬快报"})
    assert response.status_code == 201
    report = response.json()
    assert response.headers["location"] == f"/v1/market/reports/{report['id']}"
    assert (report["period"], report["trigger"], report["title"]) == ("2026-03", "admin", "三月中旬快报")
    rows = _report_rows(report)
    overall = rows[("all", None)]
    assert (overall["seekers"], overall["openings"], overall["ratio"]) == (4, 7, 1.75)
    assert overall["shortage"] is True  # 1.75 > 1.5
    sample = [6000 + 500 * i for i in range(7)]
    assert overall["wage"]["p50"] == pytest.approx(quantiles(sample)["p50"])
    assert rows[("occupation", "6-18-02-04")]["name"] == "焊工"
    assert rows[("region", "15")]["name"] == "内蒙古自治区"
    assert rows[("level", "technician")]["seekers"] == 4

    announced = harness.published_events("market.report_published")
    assert len(announced) == 1
    event = announced[0]
    data = event.parsed()
    assert isinstance(data, MarketReportPublished)
    assert (event.subject, data.id, data.period, data.title) == (report["id"], report["id"], "2026-03", "三月中旬快报")
    assert data.url.endswith(f"/v1/market/reports/{report['id']}")
    assert event.source == "/talentflow/matching"
    assert set(event.data) == {"id", "period", "title", "published_at", "url"}  # nothing personal


@pytest.mark.parametrize("headers,status", [(None, 401), ({"Authorization": "Bearer nope"}, 401),
                                            (auth("worker", "w-1"), 403), (auth("employer", "e-1", org="o-1"), 403),
                                            (auth("agency", "a-1", org="ag-1"), 403)])
def test_only_an_admin_may_publish_on_demand(harness, headers, status):  # noqa: F811
    response = harness.client.post("/v1/market/reports", headers=headers)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert harness.get("/v1/market/reports", headers=None).json()["items"] == []
    assert harness.published_events("market.report_published") == []


def test_a_bad_report_request_is_a_422_naming_the_field_and_writes_nothing(harness):  # noqa: F811
    response = harness.client.post("/v1/market/reports", headers=ADMIN, json={"title": "x" * 500})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body.title"
    response = harness.client.post("/v1/market/reports", headers=ADMIN, json={"period": "2020-01"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body.period"
    with harness.runtime.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(market_reports)).scalar() == 0


def test_the_scheduler_publishes_each_past_period_once_even_when_restarted(harness):  # noqa: F811
    _seed(harness, Expected(), seekers=2, openings=3)
    scheduler = harness.market.scheduler
    first = scheduler.run_once(dt.datetime(2026, 3, 1, 0, 5, tzinfo=dt.UTC))  # 08:05 on 1 March in China
    assert first is not None and (first.period, first.trigger) == ("2026-02", "schedule")
    assert scheduler.run_once(dt.datetime(2026, 3, 20, tzinfo=dt.UTC)) is None  # February is done
    restarted = ReportScheduler(harness.market.scheduler.publish, repository=harness.market.repository, kind="month",
                                check_every_s=60, clock=harness.clock)
    assert restarted.run_once(dt.datetime(2026, 3, 2, tzinfo=dt.UTC)) is None
    # two replicas racing past the existence check: the unique period key keeps it to one
    with pytest.raises(AlreadyPublished):
        harness.market.repository.publish(now=NOW, period=Period.parse("2026-02"), trigger="schedule", min_sample=5,
                                          shortage_ratio=1.5, base_url="")
    # on demand reports for the same period are fine, any number of them
    assert harness.client.post("/v1/market/reports", headers=ADMIN).status_code == 201
    assert harness.client.post("/v1/market/reports", headers=ADMIN).status_code == 201
    with harness.runtime.engine.connect() as conn:
        scheduled = conn.execute(sa.select(market_reports.c.period).where(market_reports.c.trigger == "schedule")).all()
    assert [r.period for r in scheduled] == ["2026-02"]
    assert [e.data["period"] for e in harness.published_events("market.report_published")].count("2026-02") == 1
    nxt = restarted.run_once(dt.datetime(2026, 4, 1, 0, 0, tzinfo=dt.UTC))  # 08:00 on 1 April in China
    assert nxt is not None and nxt.period == "2026-03"


def test_the_scheduler_thread_publishes_and_stops_but_not_for_an_empty_period(harness):  # noqa: F811
    published = threading.Event()
    market = harness.market

    def publish(period, now):
        meta = market.publish(period, now)
        published.set()
        return meta

    scheduler = ReportScheduler(publish, repository=market.repository, kind="month", check_every_s=0.05,
                                clock=harness.clock)
    scheduler.start()
    try:
        time.sleep(0.3)  # several checks on an empty system: nothing to report, nothing published
        assert not published.is_set() and scheduler.published == []
        assert harness.get("/v1/market/reports", headers=None).json()["items"] == []
        harness.send(worker_event("w-1"))
        assert published.wait(10)
    finally:
        scheduler.stop()
    time.sleep(0.15)  # three more checks would have happened had it kept running
    assert len(scheduler.published) == 1
    assert market.repository.scheduled_exists("2026-02")


def test_reports_are_public_in_pages_as_json_and_csv(harness):  # noqa: F811
    _seed(harness, Expected(), seekers=3, openings=6)
    ids = [harness.client.post("/v1/market/reports", headers=ADMIN).json()["id"] for _ in range(3)]
    first = harness.get("/v1/market/reports", headers=None, limit=2)
    assert first.status_code == 200
    page = first.json()
    assert [r["id"] for r in page["items"]] == ids[::-1][:2] and page["next_cursor"]
    rest = harness.get("/v1/market/reports", headers=None, limit=2, cursor=page["next_cursor"]).json()
    assert [r["id"] for r in rest["items"]] == ids[:1] and rest["next_cursor"] is None
    assert harness.get("/v1/market/reports", headers=None, cursor="garbage!").status_code == 422

    body = harness.get(f"/v1/market/reports/{ids[0]}", headers=None)
    assert body.status_code == 200 and "immutable" in body.headers["cache-control"]
    report = body.json()
    for url in (f"/v1/market/reports/{ids[0]}.csv", f"/v1/market/reports/{ids[0]}?format=csv"):
        download = harness.get(url, headers=None)
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
        assert "attachment" in download.headers["content-disposition"]
        table = list(csv.DictReader(io.StringIO(download.text.lstrip("\ufeff"))))
        rows = _report_rows(report)
        assert len(table) == len(rows)
        for line in table:
            row = rows[(CSV_DIMENSIONS[line["维度"]], line["代码"] or None)]
            assert (int(line["求职人数"]), int(line["岗位数"])) == (row["seekers"], row["openings"])
            assert line["求人倍率"] == ("" if row["ratio"] is None else str(row["ratio"]))
            assert line["月薪中位数P50（元）"] == ("" if row["wage"]["p50"] is None else str(row["wage"]["p50"]))
    assert harness.get("/v1/market/reports/mr-unknown", headers=None).status_code == 404
    assert harness.get("/v1/market/reports/mr-unknown.csv", headers=None).status_code == 404


def test_a_past_period_is_answered_from_its_snapshot_after_the_market_moved_on(harness):  # noqa: F811
    expected = Expected()
    _seed(harness, expected, seekers=5, openings=2)
    harness.market.scheduler.run_once(dt.datetime(2026, 3, 1, tzinfo=dt.UTC))  # the report of February
    _seed(harness, expected, seekers=1, openings=9, prefix="later-")
    past = harness.get("/v1/market/supply-demand", period="2026-02", occupation="6-18").json()
    assert (past["seekers"], past["openings"], past["ratio"], past["period"]) == (5, 2, 0.4, "2026-02")
    assert past["report_id"] is not None
    now = harness.get("/v1/market/supply-demand", occupation="6-18").json()
    assert (now["seekers"], now["openings"], now["report_id"]) == (6, 11, None)
    assert harness.get("/v1/market/supply-demand", period="2026-03").json()["openings"] == 11  # current = live
    guide = harness.get("/v1/market/wage-guide", period="2026-02").json()
    assert guide["sample_size"] == 2 and guide["insufficient_sample"] is True
    by_level = harness.get("/v1/market/supply-demand/by/level", period="2026-02").json()["items"]
    assert {i["level"]: i["seekers"] for i in by_level} == {"technician": 5, "senior": 0}


def test_trends_read_each_period_from_its_report_and_forecast_openings_with_an_interval(harness):  # noqa: F811
    history = [4, 6, 8, 10, 12, 14, 16]  # openings of welders at the close of Aug … Feb: a straight line
    seekers = 5
    harness.send(*(worker_event(f"w-{i}") for i in range(seekers)))
    published = 0
    for step, (month, openings) in enumerate(zip(range(8, 15), history, strict=True)):
        for i in range(published, openings):  # the market grows month by month
            harness.send(posting_event(f"p-{i}", wage=(7000 + 100 * i, 7000 + 100 * i, "month")))
        published = openings
        close = dt.datetime(2025 + month // 12, month % 12 + 1, 1, 1, tzinfo=dt.UTC)
        assert harness.market.scheduler.run_once(close) is not None
        if step == 4:  # five periods: below the minimum history, no number and a sentence saying why
            early = harness.get("/v1/market/trends", occupation="6-18-02-04").json()["forecast"]
            assert early["openings"] is None and early["interval"] is None and early["history_points"] == 5
            assert "少于 6 期" in early["reason"]
    body = harness.get("/v1/market/trends", occupation="6-18-02-04").json()
    assert [p["period"] for p in body["points"]][-7:] == ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
                                                          "2026-01", "2026-02"]
    assert len(body["points"]) == 12 and all(p["openings"] is None for p in body["points"][:5])
    for point, openings in zip(body["points"][-7:], history, strict=True):
        assert (point["seekers"], point["openings"], point["ratio"]) == (seekers, openings, round(openings / seekers, 2))
        wages = [7000 + 100 * i for i in range(openings)]
        assert point["wage"]["sample_size"] == openings
        assert point["wage"]["p50"] == (pytest.approx(quantiles(wages)["p50"]) if openings >= 5 else None)

    # The known answer: a straight line goes on (16 + 2), with no error to widen the interval, and
    # each back-tested month (Dec, Jan, Feb: 12, 14, 16) was forecast exactly.
    forecast = body["forecast"]
    assert (forecast["method"], forecast["period"], forecast["model"]) == ("ets_statsmodels", "2026-03", "ETS(A,A,N)")
    assert forecast["openings"] == pytest.approx(18, abs=0.1)
    assert forecast["interval"]["lower"] == pytest.approx(18, abs=0.2)
    assert forecast["interval"]["upper"] == pytest.approx(18, abs=0.2)
    assert forecast["backtest"] == {"points": 3, "mae": pytest.approx(0, abs=0.05), "mape": pytest.approx(0, abs=0.5)}
    other = harness.get("/v1/market/trends", occupation="6-31-01-03").json()
    assert [p["openings"] for p in other["points"][-7:]] == [0] * 7 and other["forecast"]["openings"] == 0
    assert harness.get("/v1/market/trends", until="2026-W03").status_code == 422
    assert harness.get("/v1/market/trends", until="2030-01").json()["errors"][0]["field"] == "query.until"
    early = harness.get("/v1/market/trends", until="2025-11").json()
    assert early["points"][-1]["period"] == "2025-11" and early["forecast"]["period"] == "2025-12"


def test_the_market_page_is_public_and_shows_the_latest_report(harness):  # noqa: F811
    empty = harness.client.get("/market")
    assert empty.status_code == 200 and 'id="no-report"' in empty.text
    _seed(harness, Expected(), seekers=2, openings=8)
    harness.client.post("/v1/market/reports", headers=ADMIN)
    page = harness.client.get("/market")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for marker in ('id="supply-demand-occupation"', 'id="supply-demand-region"', 'id="supply-demand-level"',
                   'id="wage-guide-occupation"', 'id="wage-boxplot"', 'id="trend-chart"', "焊工", "内蒙古自治区", "紧缺"):
        assert marker in page.text, marker
    assert "<script" not in page.text and "http://" not in page.text and "https://" not in page.text
    assert harness.get("/v1/market/supply-demand", headers=ANY_TOKEN).status_code == 200
