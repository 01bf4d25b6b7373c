"""The SearchIndex conformance suite for the courses kind: every test runs on tantivy, the fake and
(with ELASTICSEARCH_URL) Elasticsearch, through the same code the service runs (course events →
`handlers.apply_to_index` → `courses.handlers.search_courses` / `growth_path`), and asserts the same
answer on each: skills found through synonyms, reach (remote for anyone, on-site and blended only
within a region), closed and expired courses never returned, the version guard, text in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from services.matching import handlers
from services.matching.courses import handlers as courses
from services.matching.courses.documents import course_fields
from services.matching.courses.domain import CourseSearch
from services.matching.documents import doc_from_source
from services.matching.index import Kind, SearchIndex, SearchQuery, Terms
from tests.fakes_courses import TODAY, course_closed, course_data, course_upserted
from tests.fakes_search import posting_data, posting_upserted, worker_data

pytestmark = pytest.mark.contract

NOW = dt.datetime.now(dt.UTC)
C = Kind.courses


def ids(items) -> list[str]:
    return [item["course_id"] for item in items]


@pytest.fixture
def catalogue(search_index: SearchIndex) -> tuple[SearchIndex, dict[str, dict]]:
    """Six courses: remote, on-site here (东胜区), blended in 包头, on-site in 北京, closed, expired."""
    made = {
        "remote": course_data("c-remote"),
        "onsite": course_data("c-onsite", title="氩弧焊实操提高班", description="钨极氩弧焊打底与盖面",
                              skills=[{"name": "TIG焊", "proficiency": 5}], mode="onsite", prepares_for_level=None,
                              subsidy_eligible=False, start_on=(TODAY + dt.timedelta(days=10)).isoformat()),
        "blended": course_data("c-blended", title="低压电工作业取证班", description="低压电工作业操作证培训",
                               occupation={"code": "6-31-01-03", "name": "电工"},
                               skills=[{"name": "低压电工", "proficiency": 3}], mode="blended", region="150202",
                               prepares_for_level="intermediate"),
        "beijing": course_data("c-beijing", title="氩弧焊高级班", skills=[{"name": "氩弧焊", "proficiency": 5}],
                               mode="onsite", region="110101", prepares_for_level="technician"),
        "closed": course_data("c-closed", title="氩弧焊周末班", skills=[{"name": "氩弧焊", "proficiency": 4}]),
        "expired": course_data("c-expired", title="氩弧焊往期班", skills=[{"name": "氩弧焊", "proficiency": 4}],
                               start_on=(TODAY - dt.timedelta(days=60)).isoformat(),
                               end_on=(TODAY - dt.timedelta(days=1)).isoformat()),
    }
    events = [course_upserted(c) for c in made.values()] + [course_closed(made["closed"], 2)]
    handlers.apply_to_index(search_index, events)
    return search_index, made


def search(index: SearchIndex, **body) -> list[str]:
    return ids(courses.search_courses(index, CourseSearch(**body), NOW, "zh"))


def test_a_skill_finds_courses_under_any_of_its_names(catalogue) -> None:
    index, _ = catalogue
    for name in ("氩弧焊", "TIG焊", "钨极氩弧焊"):
        assert sorted(search(index, skills=[name])) == ["c-beijing", "c-onsite"], name
    assert search(index, skills=["电工"]) == ["c-blended"]  # 低压电工 belongs to 电工's group


def test_closed_and_expired_courses_are_never_returned(catalogue) -> None:
    index, _ = catalogue
    everything = search(index, limit=100)
    assert sorted(everything) == ["c-beijing", "c-blended", "c-onsite", "c-remote"]
    assert index.get(C, "c-closed").source["status"] == "closed"  # kept, so its version still guards


def test_reach_remote_anywhere_in_person_only_inside_the_region(catalogue) -> None:
    index, _ = catalogue
    assert sorted(search(index, region="1506")) == ["c-onsite", "c-remote"]
    assert sorted(search(index, region="15")) == ["c-blended", "c-onsite", "c-remote"]
    assert sorted(search(index, region="11")) == ["c-beijing", "c-remote"]
    me = worker_data(region="150602", open_regions=["1502"])
    found = ids(courses.search_courses(index, CourseSearch(), NOW, "zh", worker=me))
    assert sorted(found) == ["c-blended", "c-onsite", "c-remote"]  # its city and the city it is open to


def test_filters_on_level_mode_start_subsidy_and_occupation(catalogue) -> None:
    index, _ = catalogue
    assert sorted(search(index, level="technician")) == ["c-beijing", "c-remote"]
    assert sorted(search(index, modes=["onsite", "blended"])) == ["c-beijing", "c-blended", "c-onsite"]
    assert sorted(search(index, starts_after=(TODAY + dt.timedelta(days=20)).isoformat())) == \
        ["c-beijing", "c-blended", "c-remote"]
    assert sorted(search(index, subsidy_eligible=False)) == ["c-onsite"]
    assert sorted(search(index, occupation="6-31")) == ["c-blended"]
    assert sorted(search(index, occupation="焊工")) == ["c-beijing", "c-onsite", "c-remote"]


def test_chinese_text_finds_and_ranks(catalogue) -> None:
    index, _ = catalogue
    found = search(index, text="打底")
    assert found == ["c-onsite"]
    assert search(index, text="操作证") == ["c-blended"]


def test_an_older_upsert_after_the_closing_does_not_reopen_the_course(catalogue) -> None:
    index, made = catalogue
    handlers.apply_to_index(index, [course_upserted(made["closed"])])  # version 1 again, replayed late
    assert "c-closed" not in search(index, limit=100)
    reopened = {**made["closed"], "version": 3, "status": "open"}
    handlers.apply_to_index(index, [course_upserted(reopened)])
    assert "c-closed" in search(index, limit=100)


def test_documents_rebuild_from_their_stored_source(catalogue) -> None:
    index, _ = catalogue
    for hit in index.scan(C):
        doc = doc_from_source(C, hit.id, hit.version, hit.source)
        assert doc.fields == course_fields(hit.source)
    assert index.count(C, [Terms("mode", ("remote",))]) == 3  # the remote, the closed and the expired one
    assert {h.id for h in index.search(C, SearchQuery(filters=(Terms("skills", ("氩弧焊",)),), limit=50))} == \
        {"c-onsite", "c-beijing", "c-closed", "c-expired"}


def test_growth_recommends_courses_in_reach_that_close_the_gaps(catalogue) -> None:
    index, _ = catalogue
    worker = worker_data(skills=[{"name": "焊条电弧焊", "proficiency": 4, "years": 6}], skill_level="senior",
                         open_regions=[])
    posting = posting_data()
    handlers.apply_to_index(index, [posting_upserted(posting)])
    answer = courses.growth_path(index, worker, posting, NOW, "zh")
    found = ids(answer["courses"])
    assert found[0] == "c-onsite"  # closes the required 氩弧焊 to proficiency 5, nearby
    assert "c-remote" in found  # closes 压力容器焊接, remote
    assert "c-beijing" not in found  # on-site far away
    assert "c-closed" not in found and "c-expired" not in found
    assert answer["courses"][0]["closes"] == ["氩弧焊"]
