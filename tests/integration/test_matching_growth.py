"""`GET /v1/workers/{id}/growth?posting_id=` through HTTP on the tantivy index: who may see a growth
path, the gaps for a posting, the open courses in reach that close them (best first, explained),
the next rung with the open postings it would unlock counted in the index, Chinese or English."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from services.matching import handlers
from services.matching.app import Settings, create_app
from tests.fakes_courses import TODAY, course_closed, course_data, course_upserted
from tests.fakes_search import posting_data, posting_upserted, worker_data, worker_upserted
from tests.fixtures.engines import StoreBackend
from tests.support import auth, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration

ORG = "org-coal"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A senior welder without 氩弧焊 (one managed by an agency), a welding posting asking for a
    technician, courses near and far, and open postings at each level for the unlock count."""
    home = tmp_path_factory.mktemp("matching-growth")
    backend = StoreBackend("sqlite", None, None, home)
    settings = Settings(**settings_kwargs(backend), index_path=home / "index")
    runtime = runtime_for("matching", settings, backend)
    app = create_app(settings, runtime=runtime)
    worker = worker_data(skill_level="senior", skills=[{"name": "焊条电弧焊", "proficiency": 4, "years": 8}],
                         certificates=[{"occupation": "焊工", "level": "senior", "number": "1915000000999",
                                        "issuer": "内蒙古职业技能鉴定中心", "issued_on": "2020-03-01", "verified": True}],
                         awards=[], open_regions=[])
    managed = worker_data(agency_id="agency-1", skill_level="senior", open_regions=[])
    shy = worker_data(consent={"matching": False, "share_contact": False}, skill_level="senior", open_regions=[])
    posting = posting_data(org_id=ORG, min_skill_level="technician")
    closed_posting = posting_data(org_id=ORG, status="closed")
    # open welding postings: two for seniors, three more for technicians, one for a senior technician
    ladder = ([posting_data(min_skill_level="senior") for _ in range(2)]
              + [posting_data(min_skill_level="technician") for _ in range(3)]
              + [posting_data(min_skill_level="senior_technician")])
    courses = {
        "tig_here": course_data(title="氩弧焊实操提高班", skills=[{"name": "TIG焊", "proficiency": 5}], mode="onsite",
                                region="150602", prepares_for_level=None, subsidy_eligible=False),
        "vessel_remote": course_data(),  # 压力容器焊接 to 4, remote, prepares for technician
        "tig_beijing": course_data(title="氩弧焊高级班", skills=[{"name": "氩弧焊", "proficiency": 5}], mode="onsite",
                                   region="110101"),
        "tig_weak": course_data(title="氩弧焊入门（线上）", skills=[{"name": "氩弧焊", "proficiency": 2}],
                                prepares_for_level=None, subsidy_eligible=False),
        "technician_prep": course_data(title="焊工技师考评辅导", skills=[{"name": "焊接工艺评定", "proficiency": 4}],
                                       mode="blended", region="150603"),
        "closed": course_data(title="氩弧焊周末班", skills=[{"name": "氩弧焊", "proficiency": 5}], mode="onsite"),
        "electric": course_data(title="低压电工作业取证班", skills=[{"name": "低压电工", "proficiency": 3}],
                                occupation={"code": "6-31-01-03", "name": "电工"}, prepares_for_level=None),
    }
    events = ([worker_upserted(w) for w in (worker, managed, shy)]
              + [posting_upserted(p) for p in (posting, closed_posting, *ladder)]
              + [course_upserted(c) for c in courses.values()] + [course_closed(courses["closed"], 2)])
    handlers.apply_to_index(app.state.index(), events)
    with TestClient(app) as client:
        yield client, {"worker": worker, "managed": managed, "shy": shy, "posting": posting, "closed_posting": closed_posting,
                       "courses": courses}
    runtime.close()


def growth(client, worker_id, headers, query=""):
    return client.get(f"/v1/workers/{worker_id}/growth{query}", headers=headers)


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        (None, "worker", 401),
        (("worker", "{worker}"), "worker", 200),
        (("worker", "w-other"), "worker", 403),
        (("employer", "u-1", ORG), "worker", 403),
        (("service", "jobs"), "worker", 403),
        (("agency", "a-1", "agency-1"), "managed", 200),  # its managing agency
        (("agency", "a-9", "agency-9", ["{managed}"]), "managed", 200),  # an agency listing the worker
        (("agency", "a-2", "agency-2"), "managed", 404),  # not its worker: existence stays hidden
        (("agency", "a-1", "agency-1"), "worker", 404),  # an agency's token for someone else's worker
        (("admin", "root"), "managed", 200),
        (("admin", "root"), "unknown", 404),
    ],
)
def test_who_sees_a_growth_path(world, who, target, status):
    client, data = world
    worker_id = data[target]["id"] if target in data else "w-unknown"
    headers = {}
    if who:
        filled = [p.format(worker=data["worker"]["id"], managed=data["managed"]["id"]) if isinstance(p, str) else
                  [x.format(worker=data["worker"]["id"], managed=data["managed"]["id"]) for x in p] for p in who]
        headers = auth(*filled)
    response = growth(client, worker_id, headers, f"?posting_id={data['posting']['id']}")
    assert response.status_code == status, response.text
    if status != 200:
        assert response.headers["content-type"].startswith("application/problem+json")


def test_unknown_or_closed_posting_is_404_and_bad_query_is_422(world):
    client, data = world
    me = auth("worker", data["worker"]["id"])
    assert growth(client, data["worker"]["id"], me, "?posting_id=p-unknown").status_code == 404
    assert growth(client, data["worker"]["id"], me, f"?posting_id={data['closed_posting']['id']}").status_code == 404
    for query, field in (("?posting_id=bad%20id!", "query.posting_id"), ("?limit=0", "query.limit"),
                         ("?limit=51", "query.limit")):
        response = growth(client, data["worker"]["id"], me, query)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_gaps_for_a_posting_and_the_courses_that_close_them_best_first(world):
    client, data = world
    courses = data["courses"]
    answer = growth(client, data["worker"]["id"], auth("worker", data["worker"]["id"]),
                    f"?posting_id={data['posting']['id']}").json()
    assert answer["worker_id"] == data["worker"]["id"] and answer["posting_id"] == data["posting"]["id"]
    gaps = answer["gaps"]
    assert [(g["canonical"], g["required"]) for g in gaps["skills"]] == [("氩弧焊", True), ("压力容器焊接", False)]
    assert gaps["level"]["required"] == "technician" and gaps["level"]["rungs"] == 1
    assert gaps["ready"] is False
    ranked = [c["course_id"] for c in answer["courses"]]
    # the nearby course that teaches the required 氩弧焊 far enough comes first
    assert ranked[0] == courses["tig_here"]["id"]
    assert courses["vessel_remote"]["id"] in ranked and courses["technician_prep"]["id"] in ranked
    # taught too little, it still helps, below the one that teaches enough
    assert ranked.index(courses["tig_weak"]["id"]) > ranked.index(courses["tig_here"]["id"])
    for absent in ("tig_beijing", "closed", "electric"):  # out of reach, closed, closes nothing
        assert courses[absent]["id"] not in ranked
    first = answer["courses"][0]
    assert first["closes"] == ["氩弧焊"]
    assert first["explanation"]["summary"].startswith("可补足：氩弧焊（教到5级熟练度）")
    assert sum(first["explanation"]["factors"].values()) == pytest.approx(first["score"], abs=2e-3)
    scores = [c["score"] for c in answer["courses"]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    prep = next(c for c in answer["courses"] if c["course_id"] == courses["technician_prep"]["id"])
    assert prep["closes"] == [] and prep["explanation"]["factors"]["level"] > 0  # prepares for the level gap
    assert "距“煤化工压力容器焊接修复技术攻关”还差：氩弧焊、技师等级" in answer["summary"]


def test_next_rung_counts_the_open_postings_it_would_unlock(world):
    client, data = world
    answer = growth(client, data["worker"]["id"], auth("admin", "root")).json()
    rung = answer["next_rung"]
    assert rung["level"] == "technician" and rung["label"] == "技师"
    # open welding postings a senior qualifies for: the 2 for seniors; a technician also the 3 (+ the posting)
    assert rung["unlocks"] == {"open_postings": 4, "open_postings_now": 2, "open_postings_at_next": 6}
    route = rung["routes"][0]
    assert route["id"] == "certificate-and-years" and route["has_certificate"] is True
    assert "gaps" not in answer or answer["gaps"] is None
    # without a posting: the courses for the next level, in reach
    ranked = [c["course_id"] for c in answer["courses"]]
    assert set(ranked) == {data["courses"]["vessel_remote"]["id"], data["courses"]["technician_prep"]["id"]}
    assert "下一级：技师，可多符合4个在招岗位" in answer["summary"]


def test_english_with_accept_language(world):
    client, data = world
    answer = growth(client, data["worker"]["id"], {**auth("worker", data["worker"]["id"]), "Accept-Language": "en"},
                    f"?posting_id={data['posting']['id']}").json()
    assert answer["next_rung"]["label"] == "technician (level 2)"
    assert answer["next_rung"]["routes"][0]["text"].startswith("at least 4 years of work")
    assert answer["gaps"]["level"]["required_label"] == "technician (level 2)"
    assert answer["courses"][0]["explanation"]["summary"].startswith("closes: 氩弧焊 (to proficiency 5)")
    assert answer["summary"].startswith("lacks for “煤化工压力容器焊接修复技术攻关”: 氩弧焊, technician (level 2)")


def test_a_course_closing_later_leaves_the_growth_path(world, tmp_path):
    client, data = world
    # seen through a fresh index only, so the module's world stays as it is
    from services.matching.courses.handlers import growth_path
    from tests.fakes_search import FakeSearchIndex

    index = FakeSearchIndex()
    course = course_data(skills=[{"name": "氩弧焊", "proficiency": 5}])
    handlers.apply_to_index(index, [posting_upserted(data["posting"]), course_upserted(course)])
    now = dt.datetime.now(dt.UTC)
    assert [c["course_id"] for c in growth_path(index, data["worker"], data["posting"], now, "zh")["courses"]] == [course["id"]]
    handlers.apply_to_index(index, [course_closed(course, 2, status="expired", reason="expired")])
    assert growth_path(index, data["worker"], data["posting"], now, "zh")["courses"] == []
    assert TODAY  # the fixtures' clock


def test_a_worker_without_matching_consent_still_sees_its_own_growth_path(world):
    client, data = world
    answer = growth(client, data["shy"]["id"], auth("worker", data["shy"]["id"]), f"?posting_id={data['posting']['id']}")
    assert answer.status_code == 200
    assert answer.json()["gaps"]["level"]["required"] == "technician"
