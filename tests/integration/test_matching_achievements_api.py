"""Through HTTP on the tantivy index: `POST /v1/search/achievements` (who may search, bad input as
problem+json naming the field, masked hits, consent and erasure, English summaries), and candidates
of a posting written only as prose, matched on the skills its text names (explained as inferred)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from services.matching import handlers
from services.matching.app import Settings, create_app
from tests.fakes_search import posting_data, posting_upserted, worker_data, worker_erased, worker_upserted
from tests.fixtures.engines import StoreBackend
from tests.support import auth, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration

ORG = "org-boiler"


def person(**overrides) -> dict:
    return worker_data(**{"awards": [], "achievements": [], "certificates": [], **overrides})


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("matching-achievements")
    backend = StoreBackend("sqlite", None, None, home)
    settings = Settings(**settings_kwargs(backend), index_path=home / "index")
    runtime = runtime_for("matching", settings, backend)
    app = create_app(settings, runtime=runtime)
    welder = person(name="赵铁柱", skills=[{"name": "氩弧焊", "proficiency": 5, "years": 10},
                                        {"name": "手工电弧焊", "proficiency": 4, "years": 12}],
                    certificates=[{"occupation": "焊工", "level": "technician", "number": "1915000000999",
                                   "issuer": "内蒙古职业技能鉴定中心", "issued_on": "2019-06-01", "verified": True}],
                    achievements=[{"kind": "work_method", "title": "锅炉水冷壁带压补焊操作法", "year": 2022}],
                    awards=[{"name": "全国焊工职业技能大赛", "tier": "national", "rank": 2, "year": 2024}])
    electrician = person(occupations=[{"code": "6-31-01-03", "name": "电工"}],
                         skills=[{"name": "低压电工作业", "proficiency": 5, "years": 9},
                                 {"name": "电气设备安装", "proficiency": 4, "years": 9}],
                         achievements=[{"kind": "patent", "title": "一种配电柜防误操作装置", "year": 2021}])
    shy = person(consent={"matching": False, "share_contact": False},
                 achievements=[{"kind": "patent", "title": "锅炉管道补焊夹具", "year": 2023}])
    prose = posting_data(org_id=ORG, title="急招师傅修补锅炉管道", occupation=None, skills=[], certificates=[],
                         min_skill_level=None,
                         description="锅炉管道泄漏，需要会电焊补焊的老师傅，有氩弧焊打底经验优先，不要求焊工证")
    handlers.apply_to_index(app.state.index(), [worker_upserted(w) for w in (welder, electrician, shy)]
                            + [posting_upserted(prose)])
    with TestClient(app) as client:
        yield client, app, {"welder": welder, "electrician": electrician, "shy": shy, "prose": prose}
    runtime.close()


def search(client, body, headers):
    return client.post("/v1/search/achievements", json=body, headers=headers)


@pytest.mark.parametrize(("who", "status"), [
    (None, 401),
    (("worker", "w-any"), 403),
    (("employer", "u-1", ORG), 200),
    (("agency", "a-1", "agency-1"), 200),
    (("admin", "root"), 200),
    (("service", "jobs"), 403),
])
def test_who_may_search_the_achievement_database(world, who, status):
    client, _app, _people = world
    headers = auth(*who) if who else {}
    assert search(client, {"text": "补焊"}, headers).status_code == status


@pytest.mark.parametrize(("body", "field"), [
    ({"region": "99"}, "region"),
    ({"kinds": ["invention"]}, "kinds"),
    ({"year_from": 2024, "year_to": 2020}, "year_from"),
    ({"text": "焊" * 201}, "text"),
    ({"limit": 0}, "limit"),
    ({"occupation": "9-99-99-99"}, "occupation"),
    ({"colour": "red"}, "colour"),
])
def test_bad_criteria_are_problems_naming_the_field(world, body, field):
    client, _app, _people = world
    answer = search(client, body, auth("employer", "u-1", ORG))
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
    assert field in json.dumps(answer.json()["errors"])


def test_hits_point_to_the_masked_worker_and_only_matchable_ones(world):
    client, _app, people = world
    answer = search(client, {"text": "锅炉补焊"}, auth("employer", "u-1", ORG))
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert [(i["worker_id"], i["achievement"]["kind"]) for i in items] == [(people["welder"]["id"], "work_method")]
    hit = items[0]
    assert hit["worker"]["name"] == "赵**" and 0 < hit["score"] <= 1
    assert "补焊" in hit["explanation"]["matched_terms"] and hit["explanation"]["summary"].startswith("标题含")
    shown = json.dumps(answer.json(), ensure_ascii=False)
    assert "赵铁柱" not in shown and "1915000000999" not in shown and "13800000001" not in shown
    awards = search(client, {"kinds": ["award"], "year_from": 2024}, auth("admin", "root")).json()["items"]
    assert [(a["worker_id"], a["achievement"]["tier"]) for a in awards] == [(people["welder"]["id"], "national")]
    english = search(client, {"kinds": ["patent"], "region": "15"},
                     {**auth("admin", "root"), "Accept-Language": "en"}).json()["items"]
    assert [e["worker_id"] for e in english] == [people["electrician"]["id"]]
    assert english[0]["explanation"]["summary"].startswith("patent, 2021; held by 电工")


def test_a_prose_posting_ranks_the_welder_first_and_says_which_skills_were_inferred(world):
    client, _app, people = world
    answer = client.get(f"/v1/postings/{people['prose']['id']}/candidates", headers=auth("employer", "u-1", ORG))
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert items[0]["worker_id"] == people["welder"]["id"]
    explanation = items[0]["explanation"]
    assert "氩弧焊" in explanation["inferred_skills"]["posting"] and "焊工" not in explanation["inferred_skills"]["posting"]
    assert "岗位技能由标题和描述推断" in explanation["summary"]
    assert all(i["score"] < items[0]["score"] for i in items[1:])
    english = client.get(f"/v1/postings/{people['prose']['id']}/candidates",
                         headers={**auth("employer", "u-1", ORG), "Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}).json()
    assert [i["score"] for i in english["items"]] == [i["score"] for i in items]
    assert "skills inferred from the posting's title and description (" in english["items"][0]["explanation"]["summary"]


def test_an_erased_worker_vanishes_from_the_achievement_database(world):
    client, app, people = world
    welder = people["welder"]["id"]
    assert welder in {i["worker_id"] for i in search(client, {}, auth("admin", "root")).json()["items"]}
    handlers.apply_to_index(app.state.index(), [worker_erased(welder, 2)])
    assert welder not in {i["worker_id"] for i in search(client, {}, auth("admin", "root")).json()["items"]}
