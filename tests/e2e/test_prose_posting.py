"""A free-text-only posting finds the right trade through the real services (issue 16).

An employer posts a boiler-pipe repair written only as prose — no occupation, no structured skills,
and "不要求焊工证" in it. Workers of several trades (welders, electricians, a CNC turner, fitters)
are registered through profiles; matching, fed by the events, must rank the welders first, saying
which skills it inferred from the posting's text. The skill achievement database is asked through
the same running system, and an erased worker leaves it. Embedded run (tantivy, local log, SQLite).
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.e2e.system import eventually, running_system

pytestmark = pytest.mark.e2e


def worker(name: str, code: str, occupation: str, skills: list[tuple[str, int]], **extra) -> dict:
    return {
        "name": name,
        "contact": {"phone": "13900000000", "email": "someone@example.com"},
        "region": "150602",
        "occupations": [{"code": code, "name": occupation}],
        "skill_level": "senior",
        "skills": [{"name": skill, "proficiency": level, "years": 8} for skill, level in skills],
        "experience_years": 10,
        "availability": {"modes": ["project", "part_time", "full_time"], "hours_per_week": 40},
        "wage_expectation": {"min": 300, "max": 500, "unit": "day"},
        "consent": {"matching": True, "share_contact": False},
        "status": "active",
        **extra,
    }


CREW = {
    "welder-tig": worker("张建军", "6-18-02-04", "焊工", [("氩弧焊", 5), ("管道焊接", 4)],
                         achievements=[{"kind": "work_method", "title": "锅炉水冷壁带压补焊操作法", "year": 2023}]),
    "welder-arc": worker("刘德胜", "6-18-02-04", "电焊工", [("手工电弧焊", 5), ("焊缝返修", 4)]),
    "electrician": worker("陈志强", "6-31-01-03", "电工", [("低压电工作业", 5), ("电气设备安装", 4)]),
    "electrician-2": worker("杨国庆", "6-31-01-03", "维修电工", [("PLC编程", 4), ("电气控制线路安装", 4)]),
    "cnc": worker("周海涛", "6-18-01-01", "数控车工", [("车削加工", 5), ("数控编程", 4)]),
    "fitter": worker("吴永刚", "6-20-01-01", "装配工", [("钳工装配", 5), ("划线", 4)]),
    "fitter-2": worker("郑长青", "6-20-03-01", "机床装调工", [("机床装调", 4), ("钳工装配", 4)]),
}
PROSE = {
    "kind": "project",
    "title": "急招师傅修补锅炉管道",
    "description": "厂里锅炉管道泄漏，需要会电焊补焊的老师傅，有氩弧焊打底经验优先，不要求焊工证，干完结账",
    "region": "150602",
    "wage": {"min": 400, "max": 700, "unit": "day"},
    "duration_days": 10,
    "status": "open",
}


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_welding_repair_written_as_prose_ranks_welders_first(tmp_path):
    with running_system(str(tmp_path / "var")) as system:
        urls = system.urls
        admin = system.token("admin", "root")
        employer = system.token("employer", "boss-prose", org="org-boiler")
        http = httpx.Client(timeout=10)
        ids = {}
        for key, body in CREW.items():
            created = http.post(urls["profiles"] + "/v1/workers", json=body, headers=_h(admin))
            assert created.status_code == 201, created.text
            ids[key] = created.json()["id"]
        posted = http.post(urls["jobs"] + "/v1/postings", json=PROSE, headers=_h(employer))
        assert posted.status_code == 201, posted.text
        posting_id = posted.json()["id"]

        def ranked():
            answer = http.get(f"{urls['matching']}/v1/postings/{posting_id}/candidates?limit=20", headers=_h(employer))
            if answer.status_code != 200:
                return None
            items = answer.json()["items"]
            # wait until matching holds every worker of the crew that the posting could find
            return items if {ids["welder-tig"], ids["welder-arc"]} <= {i["worker_id"] for i in items} else None

        items = eventually(ranked, 90, what="both welders among the prose posting's candidates")
        order = [next(k for k, v in ids.items() if v == item["worker_id"]) for item in items]
        assert set(order[:2]) == {"welder-tig", "welder-arc"}, order
        assert all(item["score"] < items[1]["score"] for item in items[2:])
        best = items[0]["explanation"]
        assert "氩弧焊" in best["inferred_skills"]["posting"]
        assert "岗位技能由标题和描述推断" in best["summary"]
        assert "13900000000" not in json.dumps(items, ensure_ascii=False)

        def found():
            answer = http.post(urls["matching"] + "/v1/search/achievements", json={"text": "锅炉补焊"}, headers=_h(employer))
            return answer.status_code == 200 and answer.json()["items"]

        hits = eventually(found, 30, what="the welder's work method in the achievement database")
        assert [h["worker_id"] for h in hits] == [ids["welder-tig"]]
        assert hits[0]["worker"]["name"] == "张**"

        erased = http.delete(f"{urls['profiles']}/v1/workers/{ids['welder-tig']}", headers=_h(admin))
        assert erased.status_code in (200, 204), erased.text

        def gone():
            answer = http.post(urls["matching"] + "/v1/search/achievements", json={"text": "锅炉补焊"}, headers=_h(employer))
            return answer.status_code == 200 and answer.json()["items"] == []

        eventually(gone, 30, what="the erased welder leaving the achievement database")
