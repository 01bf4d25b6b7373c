"""Matching's pure rules: synonyms, modes against posting kinds, regions, monthly-equivalent wages."""

from __future__ import annotations

import pytest

from services.matching import synonyms
from services.matching.domain import (
    RegionRelation,
    compatible_modes,
    kind_fits,
    kinds_for_modes,
    monthly_equivalent,
    region_relation,
    wage_midpoint_month,
)

pytestmark = pytest.mark.unit


# --- synonyms ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("电焊工", "焊工"),
        ("维修电工", "电工"),
        ("低压电工", "电工"),
        ("数控车工", "车工"),
        ("机修钳工", "钳工"),
        ("TIG焊", "氩弧焊"),
        ("tig焊", "氩弧焊"),
        ("ＣＯ２焊", "二氧化碳保护焊"),  # full-width, as typed on a Chinese keyboard
        ("二保焊", "二氧化碳保护焊"),
        ("汽修工", "汽车维修工"),
        ("育婴师", "育婴员"),
        ("塔吊", "塔式起重机操作"),
    ],
)
def test_names_fold_to_their_canonical_name(written, canonical):
    assert synonyms.canonical(written) == canonical


def test_an_unknown_name_stays_itself_normalised():
    assert synonyms.canonical(" 玻璃 吹制 ") == "玻璃吹制"


def test_there_are_enough_realistic_groups_and_no_name_is_in_two():
    groups = synonyms.groups()
    assert len(groups) >= 40
    assert {g.kind for g in groups} == {"trade", "skill"}
    names = [synonyms.normalize(n) for g in groups for n in (g.canonical, *g.aliases)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("certificate", "trade"), [("焊工证", "焊工"), ("电工证书", "电工"), ("低压电工作业证", "电工"),
                                                    ("特种作业操作证", "特种作业")])
def test_certificate_names_fold_to_the_trade(certificate, trade):
    assert synonyms.canonical_certificate(certificate) == trade


def test_a_free_text_trade_finds_its_classified_code_through_synonyms():
    assert synonyms.occupation_codes(None, "电焊工") == ["6-18-02-04", "6-18-02", "6-18", "6"]
    assert synonyms.occupation_codes(None, "维修电工")[0] == "6-31-01-03"
    assert synonyms.occupation_codes(None, "完全不存在的工种") == []


def test_occupation_closeness_follows_the_hierarchy():
    welder = synonyms.occupation_codes("6-18-02-04", "焊工")
    caster = synonyms.occupation_codes("6-18-02-01", "铸造工")
    turner = synonyms.occupation_codes("6-18-01-01", "车工")
    cook = synonyms.occupation_codes("4-03-02-01", "中式烹调师")
    assert synonyms.occupation_closeness(welder, welder) == 1.0
    assert synonyms.occupation_closeness(welder, caster) == 0.6
    assert synonyms.occupation_closeness(welder, turner) == 0.3
    assert synonyms.occupation_closeness(welder, cook) == 0.0


# --- modes and kinds (DESIGN §5) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "remote_ok", "modes"),
    [
        ("full_time", False, {"full_time"}),
        ("part_time", True, {"part_time"}),
        ("project", True, {"project"}),
        ("service", False, {"part_time", "project"}),
        ("service", True, {"part_time", "project", "remote_service"}),
    ],
)
def test_modes_that_fit_each_posting_kind(kind, remote_ok, modes):
    assert set(compatible_modes(kind, remote_ok)) == modes


def test_a_remote_only_worker_fits_only_remote_service_postings():
    assert not kind_fits("service", False, ["remote_service"])
    assert kind_fits("service", True, ["remote_service"])
    assert not kind_fits("full_time", True, ["remote_service"])
    assert kinds_for_modes(["remote_service"]) == ((), True)
    kinds, service_if_remote = kinds_for_modes(["project"])
    assert set(kinds) == {"project", "service"} and service_if_remote is False


# --- regions -------------------------------------------------------------------------------------


def relation(worker_region, posting_region, open_regions=(), modes=("full_time",), remote_ok=False):
    return region_relation(worker_region=worker_region, open_regions=open_regions, worker_modes=modes,
                           posting_region=posting_region, remote_ok=remote_ok)


def test_region_distance_ladder():
    assert relation("150602", "150602") is RegionRelation.county
    assert relation("150603", "150602") is RegionRelation.city
    assert relation("150203", "150602", open_regions=["15"]) is RegionRelation.province
    assert relation("320583", "150602", open_regions=["1506"]) is RegionRelation.open_region
    assert relation("320583", "150602", modes=("remote_service",), remote_ok=True) is RegionRelation.remote
    assert relation("320583", "150602") is RegionRelation.none
    # the same province alone is not enough: the worker must be open to it (or serve remotely)
    assert relation("150203", "150602") is RegionRelation.none


def test_a_search_by_province_or_city_prefix():
    assert relation("150602", "15") is RegionRelation.county
    assert relation("320583", "1506", open_regions=["150602"]) is RegionRelation.open_region
    assert relation("320583", "15") is RegionRelation.none


# --- wages (DESIGN §3 market rules) -----------------------------------------------------------------


def test_monthly_equivalents():
    assert monthly_equivalent(400, "day") == pytest.approx(8700)
    assert monthly_equivalent(50, "hour") == pytest.approx(8700)
    assert monthly_equivalent(9000, "month") == 9000
    assert monthly_equivalent(6000, "project", 76) == pytest.approx(2400)  # 76 days = 2.5 months
    assert monthly_equivalent(6000, "project", None) is None


def test_a_posting_wage_counts_at_its_midpoint():
    assert wage_midpoint_month({"min": 400, "max": 800, "unit": "day"}) == pytest.approx(600 * 21.75)
    assert wage_midpoint_month(None) is None
