"""Agency files as bureaus keep them (issue 13, item 8), through HTTP on SQLite and PostgreSQL:
GBK/GB18030 detected without a charset, Chinese column headers, occupation code/name mismatches."""

from __future__ import annotations

import pytest

from tests.integration.test_profiles_import import AGENCY, run, small, upload  # noqa: F401  (small is a fixture)
from tests.integration.test_profiles_helpers import ProfilesEnv

pytestmark = pytest.mark.integration

CSV = {"Content-Type": "text/csv"}
# A roster as a bureau's template has it: Chinese headers, required marks, grades in Chinese.
ROSTER = "\r\n".join([
    "序号,姓名*,手机号,电子邮箱,所在地区（必填）,职业名称,职业代码,技能等级,技能,工作年限",
    "1,王建国,13800000001,wjg@example.com,150602,焊工,6-18-02-04,技师,氩弧焊:5；压力容器焊接,15",
    "2,李四,13800000002,,110101,车工,6-20-01-01,高级工,数控车削,8",
    "3,张三,,,110101,,6-18-01-01,三级,,3",
]) + "\r\n"


def _results(job: dict) -> dict[int, dict]:
    return {r["row"]: r for r in job["results"]["items"]}


def test_a_gbk_roster_with_chinese_headers_imports_without_a_charset(small: ProfilesEnv):
    job = run(small, ROSTER.encode("gbk"), content_type=CSV)  # what Excel saves in China, no charset named
    assert (job["total"], job["ok"], job["failed"]) == (3, 2, 1)
    results = _results(job)
    wang = small.client.get(f"/v1/workers/{results[1]['worker_id']}", headers=AGENCY).json()
    assert wang["name"] == "王建国"
    assert wang["contact"] == {"phone": "13800000001", "email": "wjg@example.com"}
    assert wang["occupations"] == [{"code": "6-18-02-04", "name": "焊工"}]
    assert wang["skill_level"] == "technician" and wang["experience_years"] == 15
    assert [s["name"] for s in wang["skills"]] == ["氩弧焊", "压力容器焊接"]
    # 6-20-01-01 is 装配钳工: counted as a 车工 it would land under the wrong trade
    assert results[2]["outcome"] == "failed"
    assert results[2]["errors"] == [{
        "field": "occupations.0.name",
        "message": "occupation code 6-20-01-01 is 装配钳工 in the 2022 classification, not 车工; correct the code or the name",
    }]
    zhang = small.client.get(f"/v1/workers/{results[3]['worker_id']}", headers=AGENCY).json()
    assert zhang["occupations"] == [{"code": "6-18-01-01", "name": "车工"}] and zhang["skill_level"] == "senior"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_the_encoding_is_detected_from_the_bytes(small: ProfilesEnv, encoding: str):
    body = "姓名,地区,职业\n王建国,150602,焊工\n".encode(encoding)
    job = run(small, body, content_type=CSV)
    assert job["ok"] == 1, job
    worker_id = job["results"]["items"][0]["worker_id"]
    assert small.client.get(f"/v1/workers/{worker_id}", headers=AGENCY).json()["name"] == "王建国"


def test_a_declared_charset_wins_and_a_wrong_one_says_how_to_fix_it(small: ProfilesEnv):
    body = "name,region\nWang,150602\n王建国,150602\n".encode("gbk")
    job = run(small, body, content_type={"Content-Type": "text/csv; charset=utf-8"})
    assert (job["ok"], job["failed"]) == (1, 1)
    message = _results(job)[2]["errors"][0]["message"]
    assert message.startswith("not valid utf-8 text") and "charset=gb18030" in message
    header_in_gbk = upload(small, "姓名,地区\n王,150602\n".encode("gbk"), content_type={"Content-Type": "text/csv; charset=utf-8"})
    assert header_in_gbk.status_code == 422
    assert header_in_gbk.json()["errors"][0]["field"] == "csv.header"


def test_jsonl_rows_are_checked_against_the_classification_too(small: ProfilesEnv):
    body = ('{"name": "王", "region": "110101", "occupations": [{"code": "6-20-01-01", "name": "车工"}]}\n'
            '{"name": "李", "region": "110101", "occupations": [{"code": "6-20-01-01", "name": "装配钳工"}]}\n').encode()
    job = run(small, body)
    results = _results(job)
    assert results[1]["outcome"] == "failed" and results[1]["errors"][0]["field"] == "occupations.0.name"
    assert "装配钳工" in results[1]["errors"][0]["message"]
    assert results[2]["outcome"] == "created"


def test_an_unknown_chinese_header_names_the_cell(small: ProfilesEnv):
    response = upload(small, "姓名,地区,身高\n王,150602,180\n".encode("gbk"), content_type=CSV)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "csv.header.身高"
