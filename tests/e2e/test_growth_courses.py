"""Training courses and growth paths through the real services (issue 16), embedded run.

A training school publishes courses in jobs; matching, fed by `talentflow.courses`, finds them
(`POST /v1/search/courses`) and recommends the ones in the welder's reach that close its gaps for
an employer's posting (`GET /v1/workers/{id}/growth`); a course the school withdraws leaves both.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from tests.e2e.system import eventually, running_system

pytestmark = pytest.mark.e2e

TODAY = dt.date.today()
WELDER = {
    "name": "赵铁柱",
    "contact": {"phone": "13900000001", "email": "ztz@example.com"},
    "region": "150602",
    "occupations": [{"code": "6-18-02-04", "name": "焊工"}],
    "skill_level": "senior",
    "skills": [{"name": "焊条电弧焊", "proficiency": 4, "years": 8}],
    "experience_years": 10,
    "availability": {"modes": ["project", "full_time"], "hours_per_week": 40},
    "consent": {"matching": True, "share_contact": False},
    "status": "active",
}
POSTING = {
    "kind": "project",
    "title": "煤化工压力容器焊接修复技术攻关",
    "description": "承压设备裂纹修复，需氩弧焊打底",
    "occupation": {"code": "6-18-02-04", "name": "焊工"},
    "skills": [{"name": "氩弧焊", "min_proficiency": 4, "required": True}],
    "min_skill_level": "technician",
    "region": "150602",
    "wage": {"min": 400, "max": 800, "unit": "day"},
    "duration_days": 60,
    "status": "open",
}


def course(title: str, skill: str, mode: str, region: str, **extra) -> dict:
    return {"title": title, "description": "结业可参加评价", "occupation": {"code": "6-18-02-04", "name": "焊工"},
            "skills": [{"name": skill, "proficiency": 5}], "mode": mode, "region": region,
            "start_on": (TODAY + dt.timedelta(days=20)).isoformat(), "end_on": (TODAY + dt.timedelta(days=80)).isoformat(),
            "hours": 96, "fee": {"amount": 1800, "currency": "CNY"}, "subsidy_eligible": True, "seats": 30, **extra}


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_school_publishes_courses_and_the_growth_path_recommends_those_in_reach(tmp_path):
    with running_system(str(tmp_path / "var")) as system:
        urls = system.urls
        admin = system.token("admin", "root")
        school = system.token("employer", "teacher", org="org-school")
        employer = system.token("employer", "boss", org="org-coal")
        http = httpx.Client(timeout=10)
        created = http.post(urls["profiles"] + "/v1/workers", json=WELDER, headers=_h(admin))
        assert created.status_code == 201, created.text
        worker_id = created.json()["id"]
        welder = system.token("worker", worker_id)
        posted = http.post(urls["jobs"] + "/v1/postings", json=POSTING, headers=_h(employer))
        assert posted.status_code == 201, posted.text
        posting_id = posted.json()["id"]
        courses = {}
        for key, body in {"here": course("氩弧焊实操班", "TIG焊", "onsite", "150602"),
                          "remote": course("氩弧焊远程理论", "氩弧焊", "remote", "440305"),
                          "far": course("氩弧焊深圳班", "氩弧焊", "onsite", "440305")}.items():
            made = http.post(urls["jobs"] + "/v1/courses", json=body, headers=_h(school))
            assert made.status_code == 201, made.text
            courses[key] = made.json()["id"]

        def path():
            answer = http.get(f"{urls['matching']}/v1/workers/{worker_id}/growth?posting_id={posting_id}",
                              headers=_h(welder))
            if answer.status_code != 200:
                return None
            body = answer.json()
            return body if {courses["here"], courses["remote"]} <= {c["course_id"] for c in body["courses"]} else None

        answer = eventually(path, 90, what="the welder's growth path with the courses in reach")
        ranked = [c["course_id"] for c in answer["courses"]]
        assert courses["far"] not in ranked  # on site in 深圳: out of the welder's reach
        assert answer["gaps"]["skills"][0]["canonical"] == "氩弧焊" and answer["gaps"]["level"]["required"] == "technician"
        assert answer["courses"][0]["closes"] == ["氩弧焊"]
        assert answer["next_rung"]["level"] == "technician"
        assert http.get(f"{urls['matching']}/v1/workers/{worker_id}/growth",
                        headers=_h(employer)).status_code == 403

        found = http.post(urls["matching"] + "/v1/search/courses", json={"skills": ["TIG焊"]}, headers=_h(employer))
        assert found.status_code == 200
        assert {h["course_id"] for h in found.json()["items"]} == set(courses.values())

        closed = http.post(f"{urls['jobs']}/v1/courses/{courses['here']}/close", json={"reason": "withdrawn"},
                           headers=_h(school))
        assert closed.status_code == 200, closed.text

        def withdrawn():
            answer = http.post(urls["matching"] + "/v1/search/courses", json={"skills": ["氩弧焊"]}, headers=_h(welder))
            return answer.status_code == 200 and courses["here"] not in {h["course_id"] for h in answer.json()["items"]}

        eventually(withdrawn, 60, what="the withdrawn course leaving the search")
        again = http.get(f"{urls['matching']}/v1/workers/{worker_id}/growth?posting_id={posting_id}", headers=_h(welder))
        assert courses["here"] not in {c["course_id"] for c in again.json()["courses"]}
