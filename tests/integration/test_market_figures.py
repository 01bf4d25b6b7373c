"""Live market figures through HTTP on SQLite and PostgreSQL, fed by the market's own consumer.

Every figure is compared with the same figure computed by the test from its own data (`Expected`):
seekers, openings and ratios for occupation and region roll-ups and skill levels, the wage guide's
percentiles (statistics.quantiles, independent of the service's interpolation), unit conversions,
the small-sample rule, and every breakdown.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
import sqlalchemy as sa

from services.matching.market.store import market_supply, market_workers
from tests.support import auth
from tests.integration.test_market_support import (
    ANY_TOKEN,
    LEVELS,
    Expected,
    harness,  # noqa: F401 — fixture
    make_harness,
    monthly,
    posting_closed,
    posting_event,
    quantiles,
    worker_erased,
    worker_event,
)

pytestmark = pytest.mark.integration

CODES = ["6-18-02-04", "6-18-02-01", "6-18-01-01", "6-31-01-03", "4-04-05-01"]
REGIONS = ["150602", "150603", "150202", "110105", "440305", "440106"]
NOW = dt.datetime(2026, 3, 15, 4, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 3, 15)
SINCE = NOW - dt.timedelta(days=365)


def market_scenario(seed: int = 20260315) -> tuple[Expected, list, list]:
    """A varied market: multi-occupation and uncoded workers, erasures, every wage unit, closed,
    paused, expired and old postings; plus stale replays that must change nothing."""
    rnd = random.Random(seed)
    expected = Expected()
    sent: list = []
    stale: list = []
    for i in range(90):
        codes = rnd.choice([[rnd.choice(CODES)], [rnd.choice(CODES), rnd.choice(CODES)], []] if i % 9 == 0
                           else [[rnd.choice(CODES)]])
        first = worker_event(f"w-{i}", 1, level=rnd.choice(LEVELS), region=rnd.choice(REGIONS), occupations=codes,
                             matchable=rnd.random() < 0.85)
        sent += expected.record(first)
        if i % 7 == 0:  # moved and upgraded; the first version is replayed afterwards
            sent += expected.record(worker_event(f"w-{i}", 2, level=rnd.choice(LEVELS), region=rnd.choice(REGIONS),
                                                 occupations=codes))
            stale.append(first)
        if i % 11 == 0:  # erased (PIPL): gone from every figure, and an old upsert cannot bring it back
            sent += expected.record(worker_erased(f"w-{i}", 3))
            stale.append(first)
    for i in range(70):
        unit = rnd.choice(["month", "day", "hour", "project", "project-no-duration", None])
        low = {"month": 5000, "day": 200, "hour": 30, "project": 20000, "project-no-duration": 20000}.get(unit, 0)
        wage = None if unit is None else (low, low * rnd.choice([1, 1.5, 2]), unit.split("-")[0])
        first = posting_event(
            f"p-{i}", 1, occupation=rnd.choice([*CODES, None]), region=rnd.choice(REGIONS),
            min_level=rnd.choice([*LEVELS, None]), headcount=rnd.randint(1, 5), wage=wage,
            kind="project" if unit and unit.startswith("project") else "full_time",
            duration_days=rnd.randint(15, 365) if unit == "project" else None,
            deadline=rnd.choice([None, TODAY - dt.timedelta(days=3), TODAY, TODAY + dt.timedelta(days=30)]),
            status=rnd.choice(["open"] * 6 + ["paused", "filled"]),
            created_at=NOW - dt.timedelta(days=rnd.choice([1, 40, 200, 400])),
        )
        sent += expected.record(first)
        if i % 8 == 0:
            sent += expected.record(posting_closed(f"p-{i}", 2, status=rnd.choice(["filled", "closed"])))
            stale.append(first)
    return expected, sent, stale


@pytest.fixture
def market(harness):  # noqa: F811
    expected, sent, stale = market_scenario()
    harness.send(*sent)
    harness.send(*stale)
    return harness, expected


FILTERS = [
    {"occupation": occupation, "region": region, "level": level}
    for occupation in (None, "6", "6-18", "6-18-02", "6-18-02-04", "4-04-05-01", "2-02-07-01")
    for region in (None, "15", "1506", "150602", "44")
    for level in (None, "senior", "high_skill", "junior")
]


def test_supply_demand_matches_the_data_for_every_roll_up_of_occupation_region_and_level(market):
    h, expected = market
    for flt in FILTERS:
        body = h.get("/v1/market/supply-demand", **flt).json()
        want = {"seekers": expected.seekers(**flt), "openings": expected.openings(TODAY, **flt),
                "ratio": expected.ratio(TODAY, **flt)}
        assert {k: body[k] for k in want} == want, flt
        assert (body["occupation"], body["region"], body["level"], body["period"]) == (
            flt["occupation"], flt["region"], flt["level"], "2026-03")
    everything = h.get("/v1/market/supply-demand").json()
    assert everything["seekers"] > 0 and everything["openings"] > 0  # the scenario is not empty


def test_wage_guide_percentiles_match_numpy_linear_interpolation_with_the_small_sample_rule(market):
    h, expected = market
    published = withheld = 0
    for flt in FILTERS:
        body = h.get("/v1/market/wage-guide", **flt).json()
        wages = expected.wages(SINCE, **flt)
        assert body["unit"] == "month" and body["sample_size"] == len(wages), flt
        if len(wages) < 5:
            withheld += 1
            assert body["insufficient_sample"] is True
            assert [body[k] for k in ("p10", "p25", "p50", "p75", "p90")] == [None] * 5
        else:
            published += 1
            assert body["insufficient_sample"] is False
            for key, value in quantiles(wages).items():
                assert body[key] == pytest.approx(value, abs=0.02), (flt, key)
    assert published > 10 and withheld > 10  # both sides of the rule were exercised


def _truncate(code: str | None, depth: int) -> str | None:
    return None if code is None else "-".join(code.split("-")[:depth])


BREAKDOWNS = [("occupation", 1), ("occupation", 2), ("occupation", 3), ("occupation", 4),
              ("region", 1), ("region", 2), ("region", 3), ("level", 1)]


def test_breakdowns_give_each_group_the_figures_of_the_group_as_a_filter(market):
    h, expected = market
    for (dimension, depth), flt in itertools.product(
            BREAKDOWNS, ({}, {"region": "15"}, {"level": "high_skill"}, {"occupation": "6"})):
        supply = h.get(f"/v1/market/supply-demand/by/{dimension}", depth=depth if dimension != "level" else None,
                       **flt).json()
        wages = h.get(f"/v1/market/wage-guide/by/{dimension}", depth=depth if dimension != "level" else None,
                      **flt).json()
        # the groups the test's own data has, keyed as the API keys them
        people = expected._workers(**flt) + expected._postings(**flt)
        if dimension == "occupation":
            keys = {_truncate(x.get("primary", x.get("occupation")), depth) for x in people}
        elif dimension == "region":
            keys = {x["region"][: 2 * depth] for x in people}
        else:
            keys = {x.get("level", x.get("min_level")) for x in people}
        want_supply, want_wages = {}, {}
        for key in keys:

            def members(rows, field):
                if dimension == "occupation":
                    return [r for r in rows if _truncate(r[field], depth) == key]
                if dimension == "region":
                    return [r for r in rows if r["region"][: 2 * depth] == key]
                return [r for r in rows if r[field] == key]

            seekers = len(members(expected._workers(**flt), "primary" if dimension == "occupation" else "level"))
            postings = members(expected._postings(**flt), "occupation" if dimension == "occupation" else "min_level")
            openings = sum(p["headcount"] for p in postings
                           if p["status"] == "open" and (p["deadline"] is None or p["deadline"] >= TODAY))
            if seekers or openings:
                want_supply[key] = (seekers, openings, None if seekers == 0 else round(openings / seekers, 2))
            sample = [m for p in postings
                      if p["created_at"] >= SINCE and (m := monthly(p["wage"], p["duration_days"])) is not None]
            if sample:
                want_wages[key] = (len(sample), quantiles(sample)["p50"] if len(sample) >= 5 else None)
        got_supply = {i[dimension]: (i["seekers"], i["openings"], i["ratio"]) for i in supply["items"]}
        got_wages = {i[dimension]: (i["sample_size"], i["p50"]) for i in wages["items"]}
        assert got_supply == want_supply, (dimension, depth, flt)
        assert got_wages.keys() == want_wages.keys(), (dimension, depth, flt)
        for key, (size, p50) in want_wages.items():
            assert got_wages[key][0] == size
            assert got_wages[key][1] == (None if p50 is None else pytest.approx(p50, abs=0.02))
        assert all(i["name"] for i in supply["items"])  # every group is named for people


def test_default_breakdown_depth_is_one_level_below_the_filter(market):
    h, _ = market
    assert h.get("/v1/market/supply-demand/by/occupation").json()["depth"] == 1
    assert h.get("/v1/market/supply-demand/by/occupation", occupation="6-18").json()["depth"] == 3
    by_city = h.get("/v1/market/supply-demand/by/region", region="15").json()
    assert by_city["depth"] == 2 and {i["region"] for i in by_city["items"]} <= {"1506", "1502"}
    names = {i["region"]: i["name"] for i in h.get("/v1/market/supply-demand/by/region").json()["items"]}
    assert names["15"] == "内蒙古自治区" and names["44"] == "广东省"
    levels = {i["level"]: i["name"] for i in h.get("/v1/market/supply-demand/by/level").json()["items"]}
    assert levels.get("technician", "技师") == "技师" and levels.get(None, "未要求等级") == "未要求等级"


def test_each_wage_unit_counts_at_its_monthly_equivalent(store_backend, tmp_path):
    h = make_harness(store_backend, tmp_path, NOW, min_sample=1)
    try:
        h.send(
            posting_event("day", occupation="6-18-02-04", wage=(300, 500, "day")),
            posting_event("hour", occupation="6-18-02-01", wage=(40, 60, "hour")),
            posting_event("project", occupation="6-18-01-01", wage=(50000, 70000, "project"), kind="project",
                          duration_days=60),
            posting_event("month", occupation="6-31-01-03", wage=(8000, 10000, "month")),
            posting_event("no-duration", occupation="4-04-05-01", wage=(50000, 70000, "project"), kind="project"),
        )
        medians = {code: h.get("/v1/market/wage-guide", occupation=code).json()
                   for code in ("6-18-02-04", "6-18-02-01", "6-18-01-01", "6-31-01-03", "4-04-05-01")}
        assert medians["6-18-02-04"]["p50"] == pytest.approx(400 * 21.75)
        assert medians["6-18-02-01"]["p50"] == pytest.approx(50 * 174)
        assert medians["6-18-01-01"]["p50"] == pytest.approx(round(60000 / (60 / 30.4), 2))
        assert medians["6-31-01-03"]["p50"] == pytest.approx(9000)
        assert medians["4-04-05-01"]["sample_size"] == 0  # a project wage without a duration has no monthly rate
    finally:
        h.runtime.close()


def test_the_small_sample_rule_publishes_from_the_configured_threshold(harness):  # noqa: F811
    harness.send(*(posting_event(f"p-{i}", wage=(1000 * (i + 1), 1000 * (i + 1), "month")) for i in range(4)))
    four = harness.get("/v1/market/wage-guide", occupation="6-18-02-04").json()
    assert (four["sample_size"], four["insufficient_sample"], four["p50"]) == (4, True, None)
    harness.send(posting_event("p-4", wage=(5000, 5000, "month")))
    five = harness.get("/v1/market/wage-guide", occupation="6-18-02-04").json()
    assert (five["sample_size"], five["insufficient_sample"]) == (5, False)
    assert [five[k] for k in ("p10", "p25", "p50", "p75", "p90")] == [1400, 2000, 3000, 4000, 4600]


def test_replays_and_reordering_change_nothing_and_erasure_sticks(harness):  # noqa: F811
    v1, v2 = worker_event("w-1", 1, region="150602"), worker_event("w-1", 2, region="440305")
    harness.send(v2, v1)  # the newer version first, then the older one arrives late
    assert harness.get("/v1/market/supply-demand", region="44").json()["seekers"] == 1
    assert harness.get("/v1/market/supply-demand", region="15").json()["seekers"] == 0
    harness.send(worker_erased("w-1", 3), v2, v1)
    assert harness.get("/v1/market/supply-demand").json()["seekers"] == 0
    p1 = posting_event("p-1", 1, headcount=4)
    harness.send(posting_closed("p-1", 2), p1)  # closed before its creation was seen
    assert harness.get("/v1/market/supply-demand").json()["openings"] == 0
    harness.send(posting_event("p-2", 1, headcount=3), posting_event("p-2", 1, headcount=3))  # a duplicate
    assert harness.get("/v1/market/supply-demand").json()["openings"] == 3


def test_a_person_who_comes_back_after_erasure_counts_again_and_old_erasures_are_no_ops(harness):  # noqa: F811
    harness.send(worker_event("w-1", 1), worker_erased("w-1", 2))
    assert harness.get("/v1/market/supply-demand").json()["seekers"] == 0
    harness.send(worker_event("w-1", 3, region="440305"))  # registered again, versions above the erasure
    assert harness.get("/v1/market/supply-demand", region="44").json()["seekers"] == 1
    harness.send(worker_erased("w-1", 2), worker_event("w-1", 1))  # the old life delivered again
    assert harness.get("/v1/market/supply-demand", region="44").json()["seekers"] == 1
    assert harness.get("/v1/market/supply-demand", region="15").json()["seekers"] == 0
    harness.send(worker_erased("w-1", 4))
    harness.send(worker_erased("w-1", 4), worker_erased("w-1", 2))  # repeated: nothing counted twice
    assert harness.get("/v1/market/supply-demand").json()["seekers"] == 0
    harness.send(worker_event("w-2", 1))
    assert harness.get("/v1/market/supply-demand").json()["seekers"] == 1


def test_an_unmatchable_worker_is_not_a_seeker_and_a_posting_past_its_deadline_has_no_openings(harness):  # noqa: F811
    harness.send(worker_event("w-1", matchable=False), worker_event("w-2"),
                 posting_event("p-1", headcount=2, deadline=TODAY), posting_event("p-2", headcount=5, status="paused"))
    body = harness.get("/v1/market/supply-demand").json()
    assert (body["seekers"], body["openings"], body["ratio"]) == (1, 2, 2.0)
    harness.clock.now = NOW + dt.timedelta(days=1)  # the deadline passed overnight
    assert harness.get("/v1/market/supply-demand").json()["openings"] == 0


@pytest.mark.parametrize("params,field", [
    ({"occupation": "9-99-99-99"}, "query.occupation"),
    ({"occupation": "welder"}, "query.occupation"),
    ({"region": "99"}, "query.region"),
    ({"region": "150"}, "query.region"),
    ({"level": "master"}, "query.level"),
    ({"period": "2026-13"}, "query.period"),
    ({"period": "March"}, "query.period"),
    ({"period": "2099-01"}, "query.period"),
])
def test_bad_filters_are_422_problems_naming_the_field(harness, params, field):  # noqa: F811
    for path in ("/v1/market/supply-demand", "/v1/market/wage-guide", "/v1/market/supply-demand/by/region"):
        response = harness.get(path, **params)
        assert response.status_code == 422, (path, params)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]]


def test_breakdown_refuses_an_unknown_dimension_and_a_depth_the_dimension_lacks(harness):  # noqa: F811
    assert harness.get("/v1/market/supply-demand/by/salary").status_code == 422
    wrong = harness.get("/v1/market/supply-demand/by/region", depth=4)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "query.depth"
    above = harness.get("/v1/market/wage-guide/by/occupation", occupation="6-18-02", depth=2)
    assert above.status_code == 422 and above.json()["errors"][0]["field"] == "query.depth"


def test_live_figures_need_a_valid_token(harness):  # noqa: F811
    for path in ("/v1/market/supply-demand", "/v1/market/wage-guide", "/v1/market/supply-demand/by/level",
                 "/v1/market/wage-guide/by/region", "/v1/market/trends"):
        assert harness.get(path, headers=None).status_code == 401
        assert harness.get(path, headers={"Authorization": "Bearer forged"}).status_code == 401
        for role in ("worker", "employer", "agency", "admin"):
            assert harness.get(path, headers=auth(role, "someone", org="org-1")).status_code == 200
    assert ANY_TOKEN  # the shared reader token is a worker's


def test_a_past_period_without_a_report_is_404(harness):  # noqa: F811
    response = harness.get("/v1/market/supply-demand", period="2025-01")
    assert response.status_code == 404 and "2025-01" in response.json()["detail"]


def test_the_seeker_counters_kept_by_the_consumer_equal_a_recount_of_the_workers(market):
    h, expected = market

    def counters():
        with h.runtime.engine.connect() as conn:
            return {(r.occupation, r.region, r.level): r.seekers
                    for r in conn.execute(sa.select(market_supply).where(market_supply.c.seekers != 0))}

    with h.runtime.engine.connect() as conn:
        w = market_workers
        recount = {(r[0] or "", r[1], r[2]): r[3] for r in conn.execute(
            sa.select(w.c.occupation, w.c.region, w.c.level, sa.func.count()).where(w.c.matchable.is_(True))
            .group_by(w.c.occupation, w.c.region, w.c.level))}
    kept = counters()
    assert kept == recount and sum(kept.values()) == expected.seekers()
    assert all(v > 0 for v in kept.values())  # no counter went below zero on the way
    h.market.repository.rebuild_supply()
    assert counters() == kept
