"""The skill achievement database on the in-memory index: each fitting achievement or award is a hit
of its own, checked item by item against kind, year and text, pointing to a masked, matchable worker."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from services.matching import handlers
from services.matching.achievements import AchievementSearch, language_of, search_achievements
from tests.fakes_search import FakeSearchIndex, worker_data, worker_erased, worker_upserted

pytestmark = pytest.mark.unit

NOW = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)


def holder(**overrides) -> dict:
    return worker_data(**{"awards": [], "achievements": [], **overrides})


@pytest.fixture
def people():
    pipe = holder(achievements=[{"kind": "patent", "title": "一种管道焊接定位装置", "year": 2015},
                                {"kind": "process_innovation", "title": "厚壁管道焊接预热工艺改进", "year": 2023}],
                  awards=[{"name": "全国焊工职业技能大赛", "tier": "national", "rank": 2, "year": 2024}])
    boiler = holder(region="150203", achievements=[{"kind": "work_method", "title": "锅炉水冷壁带压补焊操作法", "year": 2021}])
    lathe = holder(occupations=[{"code": "6-18-01-01", "name": "车工"}], region="320506",
                   achievements=[{"kind": "process_innovation", "title": "薄壁套筒数控车削工艺改进", "year": 2019}])
    shy = holder(consent={"matching": False, "share_contact": False},
                 achievements=[{"kind": "patent", "title": "管道焊接机器人夹具", "year": 2022}])
    index = FakeSearchIndex()
    handlers.apply_to_index(index, [worker_upserted(w) for w in (pipe, boiler, lathe, shy)])
    return index, {"pipe": pipe, "boiler": boiler, "lathe": lathe, "shy": shy}


def search(index, **criteria) -> list[dict]:
    return search_achievements(index, AchievementSearch(**criteria), NOW)


def test_text_finds_each_fitting_achievement_best_first(people):
    index, who = people
    hits = search(index, text="管道焊接")
    assert [(h["worker_id"], h["achievement"]["title"]) for h in hits] == [
        (who["pipe"]["id"], "一种管道焊接定位装置"),  # as relevant; a patent weighs more than recency
        (who["pipe"]["id"], "厚壁管道焊接预热工艺改进"),
    ]
    first = hits[0]
    assert 0 < first["score"] <= 1 and first["score"] == pytest.approx(sum(first["explanation"]["factors"].values()), abs=1e-3)
    assert first["explanation"]["matched_terms"] == ["管道", "焊接"]
    assert first["explanation"]["summary"].startswith("标题含“管道”、“焊接”，2015年专利，持有人为焊工（技师）")


def test_kind_year_region_and_occupation_narrow_item_by_item(people):
    index, who = people
    # the pipe welder's document holds a patent and years 2015..2024, but no patent after 2020
    assert search(index, kinds=["patent"], year_from=2020) == []
    patents = search(index, kinds=["patent"])
    assert [h["achievement"]["year"] for h in patents] == [2015]
    awards = search(index, kinds=["award"])
    assert [(h["achievement"]["kind"], h["achievement"]["tier"], h["achievement"]["rank"]) for h in awards] == [
        ("award", "national", 2)]
    assert {h["worker_id"] for h in search(index, region="1502")} == {who["boiler"]["id"]}
    assert {h["worker_id"] for h in search(index, region="32")} == {who["lathe"]["id"]}
    assert {h["worker_id"] for h in search(index, occupation="6-18-01")} == {who["lathe"]["id"]}
    assert {h["worker_id"] for h in search(index, occupation="焊工", year_from=2021, year_to=2021)} == {who["boiler"]["id"]}


def test_hits_point_to_a_masked_matchable_worker_and_erasure_removes_them(people):
    index, who = people
    hits = search(index, text="焊接")
    assert who["shy"]["id"] not in {h["worker_id"] for h in hits}  # no matching consent: not in the database
    shown = json.dumps(hits, ensure_ascii=False)
    assert "王建国" not in shown and "1915000000123" not in shown and "number" not in shown
    assert hits[0]["worker"]["name"] == "王**"
    handlers.apply_to_index(index, [worker_erased(who["pipe"]["id"], 2)])
    assert who["pipe"]["id"] not in {h["worker_id"] for h in search(index, text="焊接")}


def test_english_summaries_and_bad_criteria():
    assert language_of("en-US,en;q=0.9") == "en" and language_of("zh-CN,en;q=0.5") == "zh" and language_of(None) == "zh"
    with pytest.raises(ValidationError, match="year_from"):
        AchievementSearch(year_from=2024, year_to=2020)
    with pytest.raises(ValidationError, match="kinds"):
        AchievementSearch(kinds=["invention"])
    with pytest.raises(ValidationError, match="region"):
        AchievementSearch(region="99")


def test_an_english_reader_gets_an_english_summary(people):
    index, _who = people
    hits = search_achievements(index, AchievementSearch(text="补焊"), NOW, "en")
    assert hits and hits[0]["explanation"]["summary"].startswith("title names “补焊”; named work method, 2021")
