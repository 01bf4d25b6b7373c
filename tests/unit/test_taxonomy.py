"""The shipped skilled-trades vocabulary and the taxonomy look-ups over it (issue 16)."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import statistics
import time
from pathlib import Path

import pytest

from services.common import taxonomy as classification
from services.matching.vocabulary import taxonomy

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "services" / "matching" / "data"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_vocabulary", ROOT / "scripts" / "build_vocabulary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def vocab() -> taxonomy.Vocabulary:
    return taxonomy.vocabulary()


# --- the data ------------------------------------------------------------------------------------


def test_every_code_of_the_vocabulary_is_a_detailed_occupation_of_the_2022_classification(vocab):
    raw = json.loads((DATA / "vocabulary.json").read_text(encoding="utf-8"))
    codes = {o["code"] for o in raw["occupations"]} | {c for s in raw["skills"] for c in s["occupations"]}
    with (DATA / "vocab_occupations.csv").open(encoding="utf-8") as f:
        codes |= {row["code"] for row in csv.DictReader(f)}
    assert len(codes) >= 150
    for code in codes:
        entry = classification.occupation(code)
        assert entry is not None, code
        assert entry.level == "occupation", code


def test_the_shared_copy_of_the_classification_has_the_same_codes_when_present():
    shared = ROOT.parent / "shared" / "data" / "occupations-2022.csv"
    if not shared.exists():
        pytest.skip("no ../shared beside the work tree")
    with shared.open(encoding="utf-8") as f:
        assert {r["code"] for r in csv.DictReader(f)} == set(classification.occupations())


def test_at_least_150_occupations_each_with_typical_skills_that_name_it_back(vocab):
    described = [o for o in vocab.occupations.values() if o.skills]
    assert len(described) >= 150
    for occ in described:
        for name in occ.skills:
            assert occ.code in vocab.skills[name].occupations, (occ.code, name)
    assert all(s.occupations for s in vocab.skills.values())


def test_the_trades_the_issue_names_are_covered(vocab):
    for code in ("6-18-02-04", "6-31-01-03", "6-18-01-07", "6-31-01-02", "6-11-01-03", "6-28-01-11",
                 "6-30-05-01", "4-12-01-01", "6-29-01-04", "6-31-01-04"):
        assert vocab.occupations[code].skills, code
    assert "新能源汽车维修" in vocab.occupations["4-12-01-01"].skills


def test_welding_has_its_colloquial_names_and_its_permit(vocab):
    assert vocab.occupation_by_term("电焊").code == "6-18-02-04"
    assert vocab.skill_by_term("焊工作业").name == "熔化焊接与热切割作业"
    assert vocab.skill_by_term("熔化焊接与热切割").name == "熔化焊接与热切割作业"
    permit = vocab.certificates[vocab.skills["熔化焊接与热切割作业"].certificates[0]]
    assert (permit.kind, permit.category, permit.item) == ("特种作业操作证", "焊接与热切割作业", "熔化焊接与热切割作业")


def test_every_operation_is_licensed_by_a_permit_and_every_permit_kind_the_law_lists_is_there(vocab):
    for skill in vocab.skills.values():
        if skill.kind == "operation":
            assert skill.certificates, skill.name
            assert all(c in vocab.certificates for c in skill.certificates)
    categories = {(c.kind, c.category) for c in vocab.certificates.values()}
    for category in ("电工作业", "焊接与热切割作业", "高处作业", "制冷与空调作业", "危险化学品安全作业"):
        assert ("特种作业操作证", category) in categories
    for category in ("锅炉作业", "起重机作业", "压力容器作业", "电梯作业", "场（厂）内专用机动车辆作业"):
        assert ("特种设备作业人员证", category) in categories
    assert vocab.skills["工业锅炉司炉"].certificates == ("se-boiler-industrial",)
    assert vocab.skills["叉车驾驶"].certificates == ("se-forklift",)


def test_no_name_stands_for_two_things():
    raw = json.loads((DATA / "vocabulary.json").read_text(encoding="utf-8"))
    owner: dict[str, str] = {}
    for occ in raw["occupations"]:
        for alias in occ["aliases"]:
            assert owner.setdefault(taxonomy.normalize(alias), occ["code"]) == occ["code"], alias
    for skill in raw["skills"]:
        for name in (skill["name"], *skill["synonyms"]):
            assert owner.setdefault(taxonomy.normalize(name), skill["name"]) == skill["name"], name


def test_the_shipped_files_are_what_the_build_makes_from_the_sources():
    build = _build_module()
    codes = build.classification()
    fresh = build.build_current(codes)
    shipped = json.loads((DATA / "vocabulary.json").read_text(encoding="utf-8"))
    for key in ("certificates", "skills", "occupations"):
        assert shipped[key] == fresh[key], key
    assert re.fullmatch(r"\d+\.\d+\.\d+", shipped["version"]) and shipped["version"] == build.VERSION
    previous = json.loads((DATA / f"vocabulary-{build.PREVIOUS}.json").read_text(encoding="utf-8"))
    for key in ("skills", "occupations"):
        assert previous[key] == build.build_previous(codes)[key], key


def test_the_build_refuses_a_name_with_two_meanings():
    build = _build_module()
    codes = build.classification()
    broken = build.build_current(codes)
    broken["skills"][0]["synonyms"].append("电焊")  # a colloquial name of 焊工
    with pytest.raises(SystemExit, match="电焊"):
        build.check_terms(broken, codes)


# --- versions and the change feed ----------------------------------------------------------------


def test_versions_and_the_feed_from_the_78_groups(vocab):
    assert taxonomy.versions() == ["1.0.0", vocab.version]
    feed = taxonomy.change_feed("1.0.0")
    assert (feed["from"], feed["to"]) == ("1.0.0", vocab.version)
    assert "熔化焊接与热切割作业" in feed["skills"]["added"]
    changed = {c["name"]: c for c in feed["skills"]["changed"]}
    assert "氩焊" in changed["氩弧焊"]["synonyms_added"]
    assert changed["桥式起重机操作"]["kind"] == {"from": "skill", "to": "operation"}
    assert changed["桥式起重机操作"]["certificates_added"] == ["se-crane-driver"]
    welder = next(o for o in feed["occupations"] if o["code"] == "6-18-02-04")
    assert "焊工作业" in welder["aliases_removed"]  # moved to the permit's skill
    assert "熔化焊接与热切割作业" in welder["skills_added"]
    assert feed["summary"]["skills_added"] == len(feed["skills"]["added"]) > 100
    assert taxonomy.change_feed("9.9.9") is None
    assert taxonomy.change_feed("../vocabulary") is None


def test_changes_between_equal_versions_is_empty_and_a_removed_synonym_is_reported(vocab):
    same = taxonomy.changes(vocab, vocab)
    assert same["skills"] == {"added": [], "removed": [], "changed": []} and same["occupations"] == []
    old = taxonomy.load(taxonomy.CURRENT_FILE)
    old.skills["氩弧焊"] = taxonomy.Skill("氩弧焊", "skill", ("TIG焊", "老名字"), (), ("6-18-02-04",))
    del old.skills["压铸"]
    diff = taxonomy.changes(old, vocab)
    assert diff["skills"]["added"] == ["压铸"]
    entry = next(c for c in diff["skills"]["changed"] if c["name"] == "氩弧焊")
    assert entry["synonyms_removed"] == ["老名字"]
    assert "TIG" in entry["synonyms_added"]


# --- typeahead -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code", "how"),
    [
        ("hg", "6-18-02-04", "initials"),
        ("HG", "6-18-02-04", "initials"),
        ("hangong", "6-18-02-04", "pinyin"),
        ("焊工", "6-18-02-04", "name"),
        ("电焊", "6-18-02-04", "alias"),
        ("dg", "6-31-01-03", "initials"),
        ("维修电工", "6-31-01-03", "alias"),
        ("6-18-02-04", "6-18-02-04", "code"),
        ("CNC", "6-18-01-07", "alias"),
        ("ｃｎｃ", "6-18-01-07", "alias"),
        ("汽修", "4-12-01-01", "alias"),
        ("hcg", "6-30-05-01", "initials"),  # 行车工 as the trades say it (háng chē)
        ("baochagong", "6-18-01-03", "pinyin"),  # 刨插工: bào, not páo
    ],
)
def test_typeahead_puts_the_expected_occupation_first(query, code, how):
    first = taxonomy.suggest_occupations(query, 5)[0]
    assert (first["code"], first["match"]) == (code, how)


def test_typeahead_by_code_prefix_limits_and_orders():
    hits = taxonomy.suggest_occupations("6-18-02", 3)
    assert [h["code"] for h in hits] == ["6-18-02", "6-18-02-01", "6-18-02-02"]
    assert len(taxonomy.suggest_occupations("工", 500)) == taxonomy.MAX_LIMIT
    assert taxonomy.suggest_occupations("", 10) == []
    assert taxonomy.suggest_occupations("zzzzqx", 10) == []


def test_chinese_infix_finds_names_that_do_not_start_with_the_query():
    codes = [h["code"] for h in taxonomy.suggest_occupations("钳工", 10)]
    assert {"6-31-01-02", "6-20-01-01", "6-18-04-06"} <= set(codes)


def test_typeahead_is_well_under_10_ms_uncached():
    queries = ["hg", "焊", "电工", "维修", "6-31", "cnc", "qzj", "数控", "叉车", "gl", "化工", "zh"]
    taxonomy.suggest_occupations("warm", 5)
    timings = []
    for _ in range(5):
        for q in queries:
            taxonomy._suggest_occupations.cache_clear()
            taxonomy._suggest_skills.cache_clear()
            start = time.perf_counter()
            taxonomy.suggest_occupations(q, 10)
            taxonomy.suggest_skills(q, 10)
            timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.010, timings


def test_skill_typeahead_gives_synonyms_permits_and_occupations():
    hits = taxonomy.suggest_skills("TIG", 5)
    assert hits[0]["name"] == "氩弧焊" and "钨极氩弧焊" in hits[0]["synonyms"]
    permit = taxonomy.suggest_skills("司炉", 3)[0]
    assert permit["name"] == "工业锅炉司炉"
    assert permit["certificates"][0]["item"] == "G1 工业锅炉司炉"
    assert {"code": "6-28-01-11", "name": "锅炉操作工"} in permit["occupations"]
    assert taxonomy.skill("二保焊")["name"] == "二氧化碳保护焊"
    assert taxonomy.skill("不存在的技能") is None


# --- an occupation -------------------------------------------------------------------------------


def test_an_occupation_with_ancestors_skills_and_related_by_overlap():
    detail = taxonomy.occupation_detail("6-18-02-04")
    assert [a["code"] for a in detail["ancestors"]] == ["6-18-02", "6-18", "6"]
    assert "电焊工" in detail["aliases"]
    assert detail["skills"][0]["name"] == "熔化焊接与热切割作业"
    assert detail["skills"][0]["certificates"][0]["category"] == "焊接与热切割作业"
    related = detail["related"]
    assert related and related[0]["overlap"] == len(related[0]["shared_skills"])
    assert [r["overlap"] for r in related] == sorted((r["overlap"] for r in related), reverse=True)
    rivet = next(r for r in related if r["code"] == "6-18-01-11")
    assert {"手工电弧焊", "火焰切割"} <= set(rivet["shared_skills"])


def test_related_occupations_share_skills_both_ways():
    for code in ("6-31-01-03", "6-29-03-03", "4-12-01-01"):
        mine = set(taxonomy.vocabulary().occupations[code].skills)
        for rel in taxonomy.related_occupations(code):
            theirs = set(taxonomy.vocabulary().occupations[rel["code"]].skills)
            assert set(rel["shared_skills"]) == mine & theirs


def test_an_occupation_outside_the_vocabulary_and_an_unknown_code():
    detail = taxonomy.occupation_detail("2-02-07-09")
    assert detail["skills"] == [] and detail["related"] == [] and detail["ancestors"][0]["code"] == "2-02-07"
    assert taxonomy.occupation_detail("9-99-99-99") is None
