"""Courses in matching without I/O: the names a skill is indexed under, reach, the formula and its
explanation, the language a client asks for, and growth texts in English."""

from __future__ import annotations

import datetime as dt

import pytest

from services.matching.courses.documents import course_doc, skill_keys
from services.matching.courses.domain import (
    CourseSearch,
    Question,
    Wanted,
    language_of,
    reach_filter,
    score,
    search_filters,
    worker_reach,
)
from services.matching.index import AllOf, AnyOf, Terms
from services.matching.vocabulary.growth import growth
from services.common.events import CourseUpserted
from tests.fakes_courses import TODAY, course_data
from tests.fakes_search import worker_data

pytestmark = pytest.mark.unit


def test_a_skill_is_known_by_the_vocabulary_and_the_synonym_groups() -> None:
    assert skill_keys("TIG焊") == ("氩弧焊",)
    assert skill_keys("二保焊") == ("二氧化碳保护焊",)
    assert set(skill_keys("低压电工")) == {"低压电工作业", "电工"}
    assert skill_keys("电焊") == ("焊工",)
    assert skill_keys("没听说过的技能") == ("没听说过的技能",)


def test_the_document_indexes_every_key_and_the_dates() -> None:
    data = course_data(skills=[{"name": "TIG焊", "proficiency": 5}, {"name": "低压电工", "proficiency": 3}])
    doc = course_doc(CourseUpserted.model_validate(data), 7)
    assert doc.version == 7 and doc.source["version"] == 7
    assert set(doc.fields["skills"]) == {"氩弧焊", "低压电工作业", "电工"}
    assert doc.fields["occupations"][:2] == ["6-18-02-04", "6-18-02"]
    assert doc.fields["level"] == 4 and doc.fields["subsidy"] is True and doc.fields["fee"] == 2800.0
    assert doc.fields["ends"] > doc.fields["starts"] > 0
    assert "created_at" not in doc.source


@pytest.mark.parametrize(
    ("header", "language"),
    [(None, "zh"), ("", "zh"), ("en", "en"), ("en-US,en;q=0.9", "en"), ("zh-CN,en;q=0.5", "zh"),
     ("fr, en;q=0.3", "en"), ("en;q=0, zh", "zh"), ("de", "zh"), ("en;q=abc", "zh")],
)
def test_language_of_accept_language(header, language) -> None:
    assert language_of(header) == language


def test_reach_is_remote_or_in_person_inside_a_prefix() -> None:
    assert worker_reach(worker_data(region="150602", open_regions=["1502", "11", "150603"])) == ("1506", "1502", "11", "150603")
    assert reach_filter(()) == Terms("mode", ("remote",))
    flt = reach_filter(("1506", "11"))
    assert isinstance(flt, AnyOf) and flt.clauses[0] == Terms("mode", ("remote",))
    in_person = flt.clauses[1]
    assert isinstance(in_person, AllOf) and in_person.clauses[0] == Terms("mode", ("onsite", "blended"))
    assert set(in_person.clauses[1].clauses) == {Terms("city", ("1506",)), Terms("province", ("11",))}


def test_search_filters_always_ask_for_open_courses_not_yet_ended() -> None:
    filters, words = search_filters(CourseSearch(occupation="没有代码的工种", skills=["TIG焊"]), TODAY, None)
    assert filters[0] == Terms("status", ("open",))
    assert filters[1].field == "ends" and filters[1].gte > 0
    assert Terms("skills", ("氩弧焊",)) in filters
    assert words == "没有代码的工种"  # an occupation the classification does not know is searched as text


def test_the_score_adds_up_and_the_explanation_names_what_is_closed() -> None:
    source = course_doc(CourseUpserted.model_validate(course_data(skills=[{"name": "TIG焊", "proficiency": 3}]))).source
    question = Question(wanted=(Wanted.of("氩弧焊", min_proficiency=4), Wanted.of("叉车驾驶", weight=0.25)),
                        level="technician", current_level="senior", home="150602")
    result = score(source, question, TODAY, "zh").summarised(source, TODAY, "zh")
    assert 0 < result.score <= 1
    assert sum(result.explanation["factors"].values()) == pytest.approx(result.score, abs=1e-3)
    assert result.closes == ["氩弧焊"]
    assert result.explanation["missing_skills"] == ["叉车驾驶"]
    assert result.explanation["summary"].startswith("可补足：氩弧焊（教到3级熟练度）；面向技师评价（正是所需等级）")
    better = score({**source, "skills": [{"name": "TIG焊", "proficiency": 5}]}, question, TODAY, "zh")
    assert better.score > result.score  # taught to the wanted proficiency
    english = score(source, question, TODAY, "en").summarised(source, TODAY, "en").explanation["summary"]
    assert english.startswith("closes: 氩弧焊 (to proficiency 3); prepares for the technician (level 2) evaluation you need")


def test_a_course_that_has_started_says_so_and_scores_less_on_start() -> None:
    started = course_data(start_on=(TODAY - dt.timedelta(days=3)).isoformat())
    soon = course_data(start_on=TODAY.isoformat())
    q = Question()
    started_source = course_doc(CourseUpserted.model_validate(started)).source
    a = score(started_source, q, TODAY, "zh").summarised(started_source, TODAY, "zh")
    b = score(course_doc(CourseUpserted.model_validate(soon)).source, q, TODAY, "zh")
    assert a.score < b.score and "已于" in a.explanation["summary"]


def test_growth_texts_in_english() -> None:
    worker = worker_data(skill_level="senior", awards=[{"name": "全国焊工大赛", "tier": "national", "rank": 2, "year": 2024}])
    answer = growth(worker, today=TODAY, language="en")
    rung = answer["next_rung"]
    assert answer["level"]["label"] == "senior worker (level 3)"
    assert rung["label"] == "technician (level 2)"
    assert rung["routes"][0]["text"].startswith("at least 4 years")
    assert rung["competition_route"][0]["text"].startswith("prize winners of a national skills competition")
    assert rung["outstanding_route"]["text"].startswith("front-line workers")
    assert growth(worker, today=TODAY)["next_rung"]["routes"][0]["text"].startswith("取得本职业")


def test_a_missing_certificate_is_closed_by_a_course_teaching_its_operation() -> None:
    from services.matching import handlers
    from services.matching.courses.handlers import growth_path
    from tests.fakes_courses import course_upserted
    from tests.fakes_search import FakeSearchIndex, posting_data, posting_upserted

    index = FakeSearchIndex()
    posting = posting_data(skills=[{"name": "电气设备安装", "min_proficiency": 3, "required": True}],
                           certificates=["低压电工作业证"], occupation={"code": "6-31-01-03", "name": "电工"},
                           min_skill_level="junior")
    course = course_data(title="低压电工作业取证班", skills=[{"name": "低压电工", "proficiency": 3}],
                         prepares_for_level=None)
    handlers.apply_to_index(index, [posting_upserted(posting), course_upserted(course)])
    worker = worker_data(skills=[{"name": "电气设备安装", "proficiency": 4, "years": 5}], certificates=[])
    answer = growth_path(index, worker, posting, dt.datetime.now(dt.UTC), "zh")
    assert [c["canonical"] for c in answer["gaps"]["certificates"]] == ["低压电工作业"]
    assert [(c["course_id"], c["closes"]) for c in answer["courses"]] == [(course["id"], ["低压电工作业"])]


def test_every_course_query_and_document_translates_for_elasticsearch() -> None:
    """What courses send to the index, through the Elasticsearch adapter's pure translation (the
    server-side behaviour is the conformance suite's, with ELASTICSEARCH_URL)."""
    from services.matching import handlers
    from services.matching.courses.handlers import growth_path, search_courses
    from services.matching.index.elastic import filters_query, search_body, upsert_actions
    from tests.fakes_courses import course_upserted
    from tests.fakes_search import FakeSearchIndex, posting_data, posting_upserted

    sent: list[tuple[str, object]] = []

    class Recording(FakeSearchIndex):
        def search(self, kind, query):
            sent.append(("search", search_body(kind, query)))
            return super().search(kind, query)

        def count(self, kind, filters=()):
            sent.append(("count", filters_query(kind, filters)))
            return super().count(kind, filters)

        def upsert(self, kind, docs):
            sent.append(("upsert", upsert_actions("talentflow-courses-v1", kind, docs)))
            return super().upsert(kind, docs)

    index = Recording()
    posting = posting_data(min_skill_level="technician")
    handlers.apply_to_index(index, [posting_upserted(posting), course_upserted(course_data())])
    now = dt.datetime.now(dt.UTC)
    worker = worker_data(skill_level="senior", open_regions=["1502", "11", "150603"])
    assert growth_path(index, worker, posting, now, "en")["courses"]
    growth_path(index, worker, None, now, "zh")
    search_courses(index, CourseSearch(skills=["TIG焊"], occupation="焊工", level="technician", modes=["remote"],
                                       region="15", starts_after=TODAY, subsidy_eligible=True, text="焊接"), now, "zh")
    search_courses(index, CourseSearch(), now, "zh", worker=worker)
    kinds = [what for what, _ in sent]
    assert kinds.count("search") == 4 and kinds.count("count") == 4 and "upsert" in kinds


def test_summaries_at_the_top_of_the_ladder_and_when_nothing_is_lacking() -> None:
    from services.matching import handlers
    from services.matching.courses.handlers import growth_path
    from tests.fakes_search import FakeSearchIndex, posting_data, posting_upserted

    index = FakeSearchIndex()
    posting = posting_data(min_skill_level="senior", certificates=[],
                           skills=[{"name": "氩弧焊", "min_proficiency": 4, "required": True}])
    handlers.apply_to_index(index, [posting_upserted(posting)])
    now = dt.datetime.now(dt.UTC)
    top = worker_data(skill_level="chief_technician")
    assert growth_path(index, top, None, now, "zh")["summary"] == "已是技能等级的最高一级"
    assert growth_path(index, top, None, now, "en")["summary"] == "already at the top of the skill ladder"
    ready = growth_path(index, top, posting, now, "zh")
    assert ready["gaps"]["ready"] is True and ready["courses"] == []
    assert ready["summary"] == f"已满足“{posting['title']}”的全部要求；已是技能等级的最高一级"
