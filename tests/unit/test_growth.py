"""Growth paths: gaps for a posting and the next rung of the ladder, from rules kept in data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from services.common.contracts import LEVEL_ORDER
from services.matching.vocabulary import growth as growth_module
from services.matching.vocabulary.growth import growth, next_rung

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 12, 3)


def _worker(**overrides):
    worker = {
        "skill_level": "senior",
        "occupations": [{"code": "6-18-02-04", "name": "焊工"}],
        "skills": [{"name": "二保焊", "proficiency": 4, "years": 6}, {"name": "氩弧焊", "proficiency": 2, "years": 1}],
        "certificates": [{"occupation": "焊工", "level": "senior", "number": "X1", "issued_on": "2022-01-10"}],
        "awards": [],
        "achievements": [],
        "experience_years": 9,
    }
    worker.update(overrides)
    return worker


POSTING = {
    "title": "压力管道焊工",
    "skills": [
        {"name": "二氧化碳保护焊", "min_proficiency": 3, "required": True},
        {"name": "TIG焊", "min_proficiency": 3, "required": True},
        {"name": "管道焊接", "min_proficiency": 1, "required": True},
        {"name": "CAD", "min_proficiency": 1, "required": False},
    ],
    "min_skill_level": "technician",
    "certificates": ["熔化焊接与热切割作业证"],
}


def test_the_rules_cover_every_rung_in_order_and_name_their_sources():
    data = growth_module.rules()
    assert [s["level"] for s in data["ladder"]] == [level.value for level in LEVEL_ORDER]
    for step in data["ladder"]:
        for route in step["routes"]:
            assert route["source"] in data["sources"] and route["text"]
    for rule in data["competition_route"]:
        assert rule["source"] in data["sources"]
    assert all(src["title"].startswith("《") for src in data["sources"].values())


def test_skill_gaps_compare_through_synonyms_and_proficiency():
    gaps = growth(_worker(), POSTING, today=TODAY)["gaps"]
    by_name = {g["canonical"]: g for g in gaps["skills"]}
    assert "二氧化碳保护焊" not in by_name  # 二保焊 at 4 covers it at 3
    assert by_name["氩弧焊"]["reason"] == "below_proficiency" and by_name["氩弧焊"]["have"] == 2
    assert "钨极氩弧焊" in by_name["氩弧焊"]["synonyms"]
    assert by_name["管道焊接"]["reason"] == "missing" and by_name["管道焊接"]["required"] is True
    assert by_name["CAD制图"]["required"] is False
    assert gaps["level"] == {"required": "technician", "required_label": "技师", "have": "senior", "rungs": 1}
    assert gaps["ready"] is False


def test_certificate_and_permit_gaps():
    gaps = growth(_worker(), POSTING, today=TODAY)["gaps"]
    assert [c["canonical"] for c in gaps["certificates"]] == ["熔化焊接与热切割作业"]
    assert gaps["certificates"][0]["permits"][0]["kind"] == "特种作业操作证"
    assert [p["operation"] for p in gaps["permits"]] == ["管道焊接"]
    assert gaps["permits"][0]["permits"][0]["id"] == "se-welding"
    holder = _worker(certificates=[
        {"occupation": "焊工作业", "level": "senior", "number": "T1"},  # the permit, by a colloquial name
        {"occupation": "特种设备焊接", "level": "senior", "number": "T2"},
    ])
    after = growth(holder, POSTING, today=TODAY)["gaps"]
    assert after["certificates"] == []
    assert [p["operation"] for p in after["permits"]] == ["管道焊接"]  # 特种设备焊接 is not a known name


def test_a_worker_who_meets_everything_is_ready():
    worker = _worker(
        skill_level="technician",
        skills=[{"name": "CO2焊", "proficiency": 5}, {"name": "钨极氩弧焊", "proficiency": 4},
                {"name": "管焊", "proficiency": 3}],
        certificates=[{"occupation": "熔化焊接与热切割作业", "level": "technician", "number": "A"},
                      {"occupation": "压力管道焊接", "level": "technician", "number": "B"}],
    )
    gaps = growth(worker, POSTING, today=TODAY)["gaps"]
    assert gaps["skills"][0]["canonical"] == "CAD制图" and len(gaps["skills"]) == 1  # only the nice-to-have
    assert gaps["certificates"] == [] and gaps["permits"] == [] and gaps["level"] is None
    assert gaps["ready"] is True


def test_next_rung_by_years_since_the_certificate():
    rung = next_rung(_worker(), today=TODAY)
    assert (rung["level"], rung["label"]) == ("technician", "技师")
    route = rung["routes"][0]
    assert route["years_required"] == 4 and route["has_certificate"] is True
    assert route["years_counted"] == pytest.approx(4.9, abs=0.1) and route["met"] is True
    assert rung["ready"] is True
    early = next_rung(_worker(certificates=[{"occupation": "焊工", "level": "senior", "issued_on": "2025-06-01"}]),
                      today=TODAY)
    assert early["routes"][0]["missing"] == ["years"] and early["routes"][0]["years_to_go"] == pytest.approx(2.5, abs=0.1)
    assert early["ready"] is False


def test_next_rung_without_the_current_certificate_or_its_date():
    rung = next_rung(_worker(certificates=[]), today=TODAY)
    assert rung["routes"][0]["missing"] == ["certificate", "years"] and rung["routes"][0]["has_certificate"] is False
    undated = next_rung(_worker(certificates=[{"occupation": "焊工", "level": "senior"}]), today=TODAY)
    assert undated["routes"][0]["missing"] == ["years_unknown"]


def test_a_junior_has_a_second_route_by_years_alone():
    rung = next_rung(_worker(skill_level="junior", certificates=[], experience_years=7), today=TODAY)
    assert rung["level"] == "intermediate"
    by_id = {r["id"]: r for r in rung["routes"]}
    assert by_id["certificate-and-years"]["met"] is False and by_id["years"]["met"] is True
    assert rung["ready"] is True


def test_competition_route_promotes_and_can_skip_levels():
    award = {"name": "全国焊工职业技能大赛", "tier": "national", "rank": 3, "year": 2025}
    rung = next_rung(_worker(skill_level="intermediate", awards=[award]), today=TODAY)
    national = next(c for c in rung["competition_route"] if c["tier"] == "national")
    assert national["promotes_to"] == "technician" and national["skips_levels"] == 1  # 越级: past 高级工
    assert national["qualifying_awards"] == [{"name": award["name"], "rank": 3, "year": 2025}]
    assert rung["ready"] is True
    too_low = next_rung(_worker(skill_level="intermediate", certificates=[],
                                awards=[{**award, "tier": "provincial", "rank": 4}]), today=TODAY)
    provincial = next(c for c in too_low["competition_route"] if c["tier"] == "provincial")
    assert provincial["qualifying_awards"] == [] and too_low["ready"] is False
    # a provincial award takes a technician no higher: that route is not offered
    capped = next_rung(_worker(skill_level="technician"), today=TODAY)
    assert [c["tier"] for c in capped["competition_route"]] == ["national"]


def test_the_top_of_the_ladder_has_no_next_rung():
    assert next_rung(_worker(skill_level="chief_technician"), today=TODAY) is None
    assert growth(_worker(skill_level="chief_technician"), today=TODAY)["next_rung"] is None


def test_open_postings_unlocked_by_the_next_rung_through_the_counter():
    calls = []

    def counter(level, codes):
        calls.append((level, codes))
        return {"senior": 12, "technician": 20}[level]

    rung = next_rung(_worker(), counter, today=TODAY)
    assert rung["unlocks"] == {"open_postings": 8, "open_postings_now": 12, "open_postings_at_next": 20}
    assert calls == [("senior", ["6-18-02-04"]), ("technician", ["6-18-02-04"])]
    assert "unlocks" not in next_rung(_worker(), today=TODAY)


def test_courses_that_close_gaps_come_first():
    courses = [
        {"id": "c-prep", "title": "技师考前培训", "level": "technician", "skills": []},
        {"id": "c-pipe", "title": "压力管道焊接（远程理论+实操）", "skills": [{"name": "管焊"}, {"name": "TIG"}]},
        {"id": "c-tig", "title": "氩弧焊提高班", "skills": [{"name": "氩弧焊"}]},
        {"id": "c-cook", "title": "川菜", "skills": [{"name": "川菜"}]},
    ]
    result = growth(_worker(), POSTING, courses=courses, today=TODAY)
    assert [c["id"] for c in result["courses"]] == ["c-pipe", "c-tig", "c-prep"]
    assert result["courses"][0]["closes"] == ["氩弧焊", "管道焊接"]
    assert result["courses"][2]["prepares_for_next_level"] is True


def test_without_a_posting_only_the_next_rung():
    result = growth(_worker(), today=TODAY)
    assert "gaps" not in result and result["next_rung"]["level"] == "technician"
    json.dumps(result, ensure_ascii=False)  # serialisable as it is
