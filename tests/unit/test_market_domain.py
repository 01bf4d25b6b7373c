"""The market's domain rules, without I/O: units, percentiles, ratios, periods, the cube (forecasts:
test_market_forecast.py)."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import zlib

import pytest

from services.common.contracts import Wage
from services.matching.market.domain import (
    MarketCells,
    MarketFilter,
    Period,
    build_summary,
    default_depth,
    job_seeker_ratio,
    monthly_wage,
    occupation_at,
    percentile,
    region_name,
    report_csv,
    supply_demand_breakdown,
    wage_guide,
)
from services.matching.market.app import MarketSettings

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("wage,duration,expected", [
    ((8000, 10000, "month"), None, 9000.0),
    ((300, 500, "day"), None, 400 * 21.75),
    ((40, 60, "hour"), None, 50 * 174.0),
    ((50000, 70000, "project"), 60, round(60000 / (60 / 30.4), 2)),
    ((50000, 70000, "project"), None, None),
    ((0, 0, "month"), None, 0.0),
])
def test_monthly_wage_follows_the_stated_conversions(wage, duration, expected):
    assert monthly_wage(Wage(min=wage[0], max=wage[1], unit=wage[2]), duration) == expected


def test_monthly_wage_of_no_wage_is_none():
    assert monthly_wage(None) is None


# numpy.percentile(values, [10, 25, 50, 75, 90]) (method="linear"), computed with numpy once and written down
NUMPY_CASES = [
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1.9, 3.25, 5.5, 7.75, 9.1]),
    ([15, 20, 35, 40, 50], [17.0, 20.0, 35.0, 40.0, 46.0]),
    ([7], [7.0, 7.0, 7.0, 7.0, 7.0]),
    ([3, 1], [1.2, 1.5, 2.0, 2.5, 2.8]),
    ([6000, 6000, 6000, 9000, 12000, 30000], [6000.0, 6000.0, 7500.0, 11250.0, 21000.0]),
]


@pytest.mark.parametrize("values,numpy_result", NUMPY_CASES)
def test_percentiles_equal_numpy_linear(values, numpy_result):
    ordered = sorted(values)
    assert [percentile(ordered, q) for q in (10, 25, 50, 75, 90)] == pytest.approx(numpy_result)


def test_percentiles_equal_statistics_quantiles_inclusive_on_random_samples():
    rnd = random.Random(1)
    for _ in range(200):
        values = sorted(rnd.uniform(1000, 50000) for _ in range(rnd.randint(2, 60)))
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        for q in (1, 10, 25, 50, 75, 90, 99):
            assert percentile(values, q) == pytest.approx(cuts[q - 1])


def test_percentile_refuses_nonsense():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_a_small_sample_publishes_no_percentiles_and_says_so():
    small = wage_guide([5000, 6000, 7000, 8000], min_sample=5)
    assert (small.sample_size, small.insufficient_sample) == (4, True)
    assert set(small.percentiles.values()) == {None}
    enough = wage_guide([15, 20, 35, 40, 50], min_sample=5)
    assert enough.insufficient_sample is False
    assert enough.as_dict() == {"unit": "month", "sample_size": 5, "p10": 17.0, "p25": 20.0, "p50": 35.0,
                                "p75": 40.0, "p90": 46.0, "insufficient_sample": False}
    assert wage_guide([], min_sample=1).insufficient_sample is True


def test_job_seeker_ratio_is_none_without_seekers_and_two_decimals_otherwise():
    assert job_seeker_ratio(5, 0) is None
    assert job_seeker_ratio(0, 3) == 0.0
    assert job_seeker_ratio(7, 3) == 2.33


def test_periods_parse_label_and_step_in_china_standard_time():
    assert Period.parse("2026-05").label == "2026-05"
    assert Period.parse("2026-W19").start == dt.date(2026, 5, 4)
    assert Period.parse("2026-05-31").kind == "day"
    # 17:00 UTC on 31 March is 01:00 on 1 April in China
    assert Period.containing(dt.datetime(2026, 3, 31, 17, tzinfo=dt.UTC)).label == "2026-04"
    assert Period.parse("2026-01").previous().label == "2025-12"
    assert Period.parse("2025-12").next().label == "2026-01"
    assert Period.parse("2026-W01").previous().label == "2025-W52"
    assert [p.label for p in Period.parse("2026-02").last(3)] == ["2025-12", "2026-01", "2026-02"]
    assert Period.parse("2026-05").label_zh == "2026年5月"
    for bad in ("2026-13", "2026-W60", "2026-02-30", "26-01", "2026/01"):
        with pytest.raises(ValueError):
            Period.parse(bad)


def _cells() -> MarketCells:
    return MarketCells.assemble(
        supply=[("6-18-02-04", "150602", 4, 3), ("6-18-02-01", "150203", 2, 2), ("", "440305", 3, 1)],
        demand=[("6-18-02-04", "150602", 3, 5, 9000.0), ("6-18-02-04", "150602", 3, 0, 11000.0),
                ("6-31-01-03", "440305", None, 2, 7000.0), ("6-31-01-03", "440305", None, 1, None)],
    )


def test_cells_filter_by_occupation_branch_region_prefix_and_level():
    cells = _cells()
    assert len(cells) == 7
    assert cells.supply_demand(cells.select(MarketFilter())) == {"seekers": 6, "openings": 8, "ratio": 1.33}
    assert cells.supply_demand(cells.select(MarketFilter(occupation="6-18"))) == {"seekers": 5, "openings": 5, "ratio": 1.0}
    assert cells.select(MarketFilter(occupation="6-18-0")) == ([], [])  # a code is not a text prefix
    assert cells.supply_demand(cells.select(MarketFilter(region="1506"))) == {"seekers": 3, "openings": 5, "ratio": 1.67}
    assert cells.supply_demand(cells.select(MarketFilter(level="high_skill"))) == {"seekers": 4, "openings": 5, "ratio": 1.25}
    assert cells.supply_demand(cells.select(MarketFilter(level="intermediate"))) == {"seekers": 2, "openings": 0, "ratio": 0.0}
    assert sorted(cells.wage_sample(cells.select(MarketFilter(occupation="6")))) == [7000.0, 9000.0, 11000.0]


def test_breakdown_groups_sum_to_the_total_and_unspecified_comes_last():
    cells = _cells()
    items = supply_demand_breakdown(cells, MarketFilter(), "occupation", 2)
    assert [(i["occupation"], i["seekers"], i["openings"]) for i in items] == [("6-18", 5, 5), ("6-31", 0, 3), (None, 1, 0)]
    assert sum(i["seekers"] for i in items) == 6
    assert items[-1]["name"] == "未指定"


def test_default_depth_is_one_below_the_filter():
    assert default_depth("occupation", MarketFilter()) == 1
    assert default_depth("occupation", MarketFilter(occupation="6-18-02")) == 4
    assert default_depth("occupation", MarketFilter(occupation="6-18-02-04")) == 4
    assert default_depth("region", MarketFilter(region="15")) == 2
    assert default_depth("region", MarketFilter(region="150602")) == 3
    assert occupation_at("6-18-02-04", 2) == "6-18" and occupation_at("6-18", 4) == "6-18"
    assert region_name("15") == "内蒙古自治区" and region_name("1506") == "内蒙古自治区·1506"


def test_cells_survive_their_snapshot_encoding():
    cells = _cells()
    again = MarketCells.decode(cells.encode())
    assert again.encode() == cells.encode()
    assert again.occupations == cells.occupations and list(again.seekers) == list(cells.seekers)
    for flt in (MarketFilter(), MarketFilter(occupation="6-18", level="high_skill"), MarketFilter(region="44")):
        assert again.supply_demand(again.select(flt)) == cells.supply_demand(cells.select(flt))
        assert again.wage_sample(again.select(flt)) == cells.wage_sample(cells.select(flt))
    with pytest.raises(ValueError):
        MarketCells.decode(zlib.compress(len(b'{"format":99}').to_bytes(4, "big") + b'{"format":99}'))


def test_summary_and_csv_carry_the_same_figures():
    summary = build_summary(_cells(), min_sample=2, shortage_ratio=1.5)
    assert summary["overall"]["seekers"] == 6 and summary["overall"]["shortage"] is False
    assert summary["overall"]["openings"] == 8 and summary["overall"]["wage"]["sample_size"] == 3
    assert summary["high_skill"]["ratio"] == 1.25
    welders = next(r for r in summary["by_occupation"] if r["key"] == "6-18-02-04")
    assert welders["wage"]["p50"] == 10000.0 and welders["name"] == "焊工" and welders["shortage"] is True
    assert [r["key"] for r in summary["by_region"]] == ["15", "44"]
    text = report_csv(summary)
    assert text.startswith("\ufeff维度,代码,名称,求职人数,岗位数,求人倍率,是否紧缺,工资样本数,")
    lines = text.strip().split("\r\n")
    assert len(lines) == 1 + 2 + len(summary["by_occupation"]) + len(summary["by_region"]) + len(summary["by_level"])
    assert "职业,6-18-02-04,焊工,3,5,1.67,是,2,9200.0,9500.0,10000.0,10500.0,10800.0,否" in lines


def test_market_settings_read_their_prefixed_environment(monkeypatch):
    monkeypatch.setenv("MATCHING_MARKET_MIN_SAMPLE", "12")
    monkeypatch.setenv("MATCHING_MARKET_SCHEDULE", "week")
    settings = MarketSettings()
    assert (settings.min_sample, settings.period_kind, settings.shortage_ratio) == (12, "week", 1.5)
    monkeypatch.setenv("MATCHING_MARKET_MIN_SAMPLE", "0")
    with pytest.raises(ValueError):
        MarketSettings()
