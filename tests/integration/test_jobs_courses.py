"""Training courses through HTTP on SQLite and PostgreSQL: CRUD, validation, ownership, versions,
idempotency, lifecycle, lists, expiry and the course.* events in the outbox."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import sqlalchemy as sa

from services.common.auth import Role
from services.common.events import decode, json_schemas
from services.common.store import schema_drift
from services.jobs import store
from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    ADMIN,
    AGENCY_ELSEWHERE,
    AGENCY_FOR_ORG,
    ANONYMOUS,
    OTHER_EMPLOYER,
    OTHER_ORG,
    ORG,
    OWNER,
    SERVICE,
    WORKER,
    course_body,
    jobs,
)
from tests.support import auth

pytestmark = pytest.mark.integration

SCHOOL = auth(Role.agency, "school-1", org="school-x")  # a training school with an agency token, its own org
MERGE = {"Content-Type": "application/merge-patch+json"}


def _valid(event) -> None:
    jsonschema.validate(json.loads(event.model_dump_json(exclude_none=True)), json_schemas()[event.type])


def test_the_course_tables_are_migrated_as_declared(jobs):
    assert schema_drift(jobs.engine, store.metadata) == []
    assert {"courses", "course_skills"} <= set(sa.inspect(jobs.engine).get_table_names())


def test_a_course_is_created_read_and_announced_with_its_whole_state(jobs):
    response = jobs.client.post("/v1/courses", json=course_body(), headers=OWNER)
    assert response.status_code == 201, response.text
    course = response.json()
    assert course["org_id"] == ORG and course["version"] == 1 and course["status"] == "open"
    assert course["skills"] == [{"name": "压力容器焊接", "proficiency": 4}]
    assert course["fee"] == {"amount": 2800, "currency": "CNY"} and course["subsidy_eligible"] is True
    assert course["prepares_for_level"] == "technician" and course["mode"] == "remote"
    assert response.headers["location"] == f"/v1/courses/{course['id']}" and response.headers["etag"] == '"1"'

    for reader in (WORKER, OTHER_EMPLOYER, AGENCY_ELSEWHERE, SERVICE, ADMIN):
        read = jobs.client.get(f"/v1/courses/{course['id']}", headers=reader)
        assert read.status_code == 200 and read.json() == course
    assert jobs.client.get(f"/v1/courses/{course['id']}", headers=ANONYMOUS).status_code == 401
    cached = jobs.client.get(f"/v1/courses/{course['id']}", headers={**WORKER, "If-None-Match": '"1"'})
    assert cached.status_code == 304

    [event] = jobs.new_events()
    assert (event.type, event.subject, event.entityversion) == ("course.upserted", course["id"], 1)
    assert event.data == {k: v for k, v in course.items() if k not in ("closed_reason", "closed_at")}
    _valid(event)
    with jobs.engine.connect() as conn:
        row = conn.execute(sa.select(store.outbox.c.topic, store.outbox.c.key)).one()
    assert (row.topic, row.key) == ("talentflow.courses", course["id"])


BAD_COURSES = [
    ({"end_on": "2030-03-31"}, "body.end_on"),  # before start_on
    ({"start_on": "2030-02-01", "end_on": "2030-03-01"}, "body.end_on"),  # already over (today is 2 March)
    ({"start_on": "2032-06-01", "end_on": "2032-07-01"}, "body.start_on"),  # beyond the horizon
    ({"start_on": "2030-04-01", "end_on": "2034-04-01"}, "body.end_on"),  # longer than three years
    ({"hours": 0}, "body.hours"),
    ({"hours": -5}, "body.hours"),
    ({"hours": "120"}, "body.hours"),
    ({"start_on": "2030-04-01", "end_on": "2030-04-02", "hours": 60}, "body.hours"),  # 60 h in 2 days
    ({"fee": {"amount": -1, "currency": "CNY"}}, "body.fee.amount"),
    ({"fee": {"amount": 100, "currency": "rmb"}}, "body.fee.currency"),
    ({"skills": []}, "body.skills"),
    ({"skills": [{"name": "焊接", "proficiency": 4}, {"name": "焊接", "proficiency": 3}]}, "body.skills"),
    ({"skills": [{"name": "焊接", "proficiency": 6}]}, "body.skills.0.proficiency"),
    ({"skills": [{"name": "焊接"}]}, "body.skills.0.proficiency"),
    ({"mode": "hybrid"}, "body.mode"),
    ({"region": "990602"}, "body.region"),
    ({"region": "1506"}, "body.region"),
    ({"prepares_for_level": "master"}, "body.prepares_for_level"),
    ({"seats": 0}, "body.seats"),
    ({"subsidy_eligible": "yes"}, "body.subsidy_eligible"),
    ({"status": "full"}, "body.status"),
    ({"status": "expired"}, "body.status"),
    ({"occupation": {"code": "6-18", "name": "机械制造加工人员"}}, "body.occupation"),
    ({"occupation": {"code": "9-99-99-99", "name": "不存在"}}, "body.occupation.code"),
    ({"title": ""}, "body.title"),
    ({"teacher": "张老师"}, "body.teacher"),
    ({"start_on": None}, "body.start_on"),
]


def test_bad_courses_are_refused_naming_the_field_and_nothing_is_written(jobs):
    answers = {}
    for change, field in BAD_COURSES:
        response = jobs.client.post("/v1/courses", json=course_body(**change), headers=OWNER)
        named = [e["field"] for e in response.json().get("errors", [])]
        answers[str(change)] = (response.status_code, response.headers["content-type"], field in named)
    assert answers == {str(change): (422, "application/problem+json", True) for change, _ in BAD_COURSES}
    with jobs.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.metadata.tables["courses"])).scalar_one() == 0
    assert jobs.new_events() == []


def test_a_free_course_without_limits_is_accepted(jobs):
    course = jobs.create_course(fee={"amount": 0, "currency": "CNY"}, seats=None, occupation=None,
                                prepares_for_level=None, mode="onsite")
    assert course["fee"]["amount"] == 0 and course["seats"] is None and course["occupation"] is None


def test_who_may_publish_a_course_for_which_org(jobs):
    client = jobs.client
    assert client.post("/v1/courses", json=course_body(), headers=WORKER).status_code == 403
    # refused by role before the body is read: a worker's invalid course is a 403 too, not a 422
    refused = client.post("/v1/courses", json={"title": ""}, headers=WORKER)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    assert client.put("/v1/courses/c-any", json={"nonsense": True}, headers=WORKER).status_code == 403
    assert client.post("/v1/courses", json=course_body(), headers=SERVICE).status_code == 403
    assert client.post("/v1/courses", json=course_body()).status_code == 401
    assert client.post("/v1/courses", json={**course_body(), "org_id": OTHER_ORG}, headers=OWNER).status_code == 403
    own = client.post("/v1/courses", json={**course_body(), "org_id": ORG}, headers=OWNER)
    assert own.status_code == 201 and own.json()["org_id"] == ORG
    school = client.post("/v1/courses", json=course_body(), headers=SCHOOL)
    assert school.status_code == 201 and school.json()["org_id"] == "school-x"  # an agency's own org by default
    for_client = client.post("/v1/courses", json={**course_body(), "org_id": ORG}, headers=AGENCY_FOR_ORG)
    assert for_client.status_code == 201 and for_client.json()["org_id"] == ORG
    assert client.post("/v1/courses", json={**course_body(), "org_id": ORG}, headers=AGENCY_ELSEWHERE).status_code == 403
    missing = client.post("/v1/courses", json=course_body(), headers=ADMIN)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "body.org_id"
    by_admin = client.post("/v1/courses", json={**course_body(), "org_id": "school-z"}, headers=ADMIN)
    assert by_admin.status_code == 201 and by_admin.json()["org_id"] == "school-z"


def test_only_the_provider_changes_a_course(jobs):
    course = jobs.create_course(headers=SCHOOL)
    jobs.new_events()
    url = f"/v1/courses/{course['id']}"
    for stranger in (WORKER, OWNER, AGENCY_FOR_ORG, SERVICE):
        attempts = [
            jobs.client.put(url, json=course_body(title="改"), headers=stranger),
            jobs.client.patch(url, json={"title": "改"}, headers={**stranger, **MERGE}),
            jobs.client.post(f"{url}/close", json={"reason": "withdrawn"}, headers=stranger),
            jobs.client.delete(url, headers=stranger),
        ]
        assert [a.status_code for a in attempts] == [403] * 4, stranger
    assert jobs.new_events() == []
    assert jobs.client.patch(url, json={"seats": 30}, headers=ADMIN).json()["seats"] == 30  # admins may do all
    assert jobs.client.patch(url, json={"status": "paused"}, headers=SCHOOL).status_code == 200
    # a paused course is hidden from those who do not provide it (404: its existence is not theirs to know)
    for stranger in (WORKER, OWNER):
        assert jobs.client.get(url, headers=stranger).status_code == 404
    assert jobs.client.patch(url, json={"title": "改"}, headers=OWNER).status_code == 404
    # a worker may write no course at all: 403 whether this one exists or not, so nothing is revealed
    assert jobs.client.patch(url, json={"title": "改"}, headers={**WORKER, **MERGE}).status_code == 403
    assert jobs.client.patch("/v1/courses/c-nosuchcourse", json={"title": "改"}, headers={**WORKER, **MERGE}).status_code == 403
    assert jobs.client.get(url, headers=SERVICE).json()["status"] == "paused"


def test_put_replaces_and_honours_if_match(jobs):
    course = jobs.create_course()
    jobs.new_events()
    url = f"/v1/courses/{course['id']}"
    stale = jobs.client.put(url, json=course_body(title="新标题"), headers={**OWNER, "If-Match": '"7"'})
    assert stale.status_code == 412 and stale.json()["type"].endswith("stale-version")
    replaced = jobs.client.put(url, json=course_body(title="新标题", hours=160), headers={**OWNER, "If-Match": '"1"'})
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["title"], replaced.json()["hours"], replaced.json()["version"]) == ("新标题", 160, 2)
    assert replaced.headers["etag"] == '"2"' and replaced.json()["created_at"] == course["created_at"]
    assert jobs.new_event_types() == [("course.upserted", course["id"], 2)]
    again = jobs.client.put(url, json=course_body(title="新标题", hours=160), headers=OWNER)
    assert again.json()["version"] == 2 and jobs.new_events() == []  # no change: no version, no event
    bad_tag = jobs.client.put(url, json=course_body(), headers={**OWNER, "If-Match": "yesterday"})
    assert bad_tag.status_code == 422 and bad_tag.json()["errors"][0]["field"] == "header.If-Match"


def test_patch_merges_and_validates_the_merged_whole(jobs):
    course = jobs.create_course()
    jobs.new_events()
    url = f"/v1/courses/{course['id']}"
    merged = jobs.client.patch(url, json={"fee": {"amount": 0}, "seats": None, "mode": "blended"},
                               headers={**OWNER, **MERGE, "If-Match": '"1"'})
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["fee"] == {"amount": 0, "currency": "CNY"} and body["seats"] is None and body["mode"] == "blended"
    assert body["skills"] == course["skills"] and body["version"] == 2
    # fine alone, broken once merged: the merged field is named
    broken = jobs.client.patch(url, json={"end_on": "2030-03-20"}, headers={**OWNER, **MERGE})
    assert broken.status_code == 422 and [e["field"] for e in broken.json()["errors"]] == ["body.end_on"]
    too_many_hours = jobs.client.patch(url, json={"hours": 5000}, headers={**OWNER, **MERGE})
    assert too_many_hours.status_code == 422 and too_many_hours.json()["errors"][0]["field"] == "body.hours"
    unknown = jobs.client.patch(url, json={"price": 5}, headers={**OWNER, **MERGE})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "body.price"
    required = jobs.client.patch(url, json={"mode": None}, headers={**OWNER, **MERGE})
    assert required.status_code == 422 and required.json()["errors"][0]["field"] == "body.mode"
    stale = jobs.client.patch(url, json={"seats": 5}, headers={**OWNER, **MERGE, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert jobs.client.get(url, headers=OWNER).json()["version"] == 2
    assert jobs.new_event_types() == [("course.upserted", course["id"], 2)]


def test_open_and_paused_move_both_ways_and_every_move_is_announced(jobs):
    course = jobs.create_course()
    url = f"/v1/courses/{course['id']}"
    assert jobs.client.patch(url, json={"status": "paused"}, headers=OWNER).json()["status"] == "paused"
    assert jobs.client.patch(url, json={"status": "open"}, headers=OWNER).json()["status"] == "open"
    assert [(e.type, e.entityversion, e.data["status"]) for e in jobs.new_events()] == [
        ("course.upserted", 1, "open"), ("course.upserted", 2, "paused"), ("course.upserted", 3, "open"),
    ]
    closing = jobs.client.patch(url, json={"status": "closed"}, headers=OWNER)
    assert closing.status_code == 422 and closing.json()["errors"][0]["field"] == "body.status"


@pytest.mark.parametrize(("reason", "status"), [("full", "full"), ("withdrawn", "closed")])
def test_close_with_a_reason_and_closed_courses_are_final(jobs, reason, status):
    course = jobs.create_course()
    jobs.new_events()
    url = f"/v1/courses/{course['id']}"
    closed = jobs.client.post(f"{url}/close", json={"reason": reason}, headers={**OWNER, "If-Match": '"1"'})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closed_reason"], closed.json()["version"]) == (status, reason, 2)
    upserted, closing = jobs.new_events()
    assert [(e.type, e.subject, e.entityversion) for e in (upserted, closing)] == [
        ("course.upserted", course["id"], 2), ("course.closed", course["id"], 2)]
    assert upserted.data["status"] == status
    assert (closing.data["reason"], closing.data["status"], closing.data["org_id"]) == (reason, status, ORG)
    assert closing.data["course"] == upserted.data  # the closed course's whole state rides along
    _valid(upserted), _valid(closing)

    for attempt in (
        jobs.client.post(f"{url}/close", json={"reason": "full"}, headers=OWNER),
        jobs.client.post(f"{url}/close", json={"reason": "withdrawn"}, headers=OWNER),
        jobs.client.patch(url, json={"status": "open"}, headers={**OWNER, **MERGE}),
        jobs.client.patch(url, json={"title": "复开"}, headers={**OWNER, **MERGE}),
        jobs.client.put(url, json=course_body(), headers=OWNER),
    ):
        assert attempt.status_code == 409, attempt.text
        assert attempt.json()["type"].endswith("illegal-transition")
    assert jobs.new_events() == []
    assert jobs.client.get(url, headers=WORKER).status_code == 404  # no longer public
    assert jobs.client.get(url, headers=OWNER).json()["status"] == status


def test_close_refuses_an_unknown_reason_and_a_paused_course_can_close(jobs):
    course = jobs.create_course(status="paused")
    url = f"/v1/courses/{course['id']}/close"
    bad = jobs.client.post(url, json={"reason": "bored"}, headers=OWNER)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.reason"
    assert jobs.client.post(url, json={"reason": "withdrawn"}, headers=OWNER).json()["status"] == "closed"


def test_delete_hides_the_course_and_announces_it_closed(jobs):
    course = jobs.create_course()
    jobs.new_events()
    url = f"/v1/courses/{course['id']}"
    assert jobs.client.delete(url, headers={**OWNER, "If-Match": '"9"'}).status_code == 412
    assert jobs.client.delete(url, headers={**OWNER, "If-Match": '"1"'}).status_code == 204
    [event] = jobs.new_events()
    assert (event.type, event.subject, event.entityversion) == ("course.closed", course["id"], 2)
    assert (event.data["reason"], event.data["status"]) == ("deleted", "closed")
    assert event.data["course"]["status"] == "closed" and event.data["course"]["title"] == course["title"]
    _valid(event)
    assert jobs.client.get(url, headers=OWNER).status_code == 404
    assert jobs.client.delete(url, headers=OWNER).status_code == 404
    assert jobs.client.get("/v1/courses", headers=OWNER).json()["items"] == []
    assert jobs.client.get("/v1/courses?skill=压力容器焊接", headers=ADMIN).json()["items"] == []


def test_idempotency_key_makes_a_retried_post_return_the_first_response(jobs):
    headers = {**OWNER, "Idempotency-Key": "course-1"}
    first = jobs.client.post("/v1/courses", json=course_body(), headers=headers)
    retry = jobs.client.post("/v1/courses", json=course_body(), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json() and retry.headers["idempotent-replayed"] == "true"
    assert jobs.client.post("/v1/courses", json=course_body(title="别的"), headers=headers).status_code == 422
    # the key belongs to the caller: another org using the same key gets its own course
    other = jobs.client.post("/v1/courses", json=course_body(), headers={**OTHER_EMPLOYER, "Idempotency-Key": "course-1"})
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert [c["id"] for c in jobs.client.get(f"/v1/courses?org_id={ORG}", headers=OWNER).json()["items"]] == [first.json()["id"]]
    assert [e.type for e in jobs.new_events()] == ["course.upserted", "course.upserted"]
    close_key = {**OWNER, "Idempotency-Key": "close-course-1"}
    url = f"/v1/courses/{first.json()['id']}/close"
    assert jobs.client.post(url, json={"reason": "full"}, headers=close_key).status_code == 200
    assert jobs.client.post(url, json={"reason": "full"}, headers=close_key).status_code == 200  # not 409
    assert [e.type for e in jobs.new_events()] == ["course.upserted", "course.closed"]


def test_lists_filter_and_page_newest_first(jobs):
    made = [
        jobs.create_course(mode="onsite", region="150602", skills=[{"name": "TIG焊", "proficiency": 3}]),
        jobs.create_course(mode="remote", region="150603", occupation={"code": "6-18-02-01", "name": "铸造工"},
                           skills=[{"name": "砂型铸造", "proficiency": 3}, {"name": "tig焊", "proficiency": 2}]),
        jobs.create_course(mode="blended", region="110101"),
        jobs.create_course(mode="remote", region="150202", status="paused", occupation={"name": "电工培训"},
                           skills=[{"name": "低压电工作业", "proficiency": 3}]),
        jobs.create_course(headers=SCHOOL, mode="onsite", region="150602",
                           occupation={"code": "4-12-01-01", "name": "汽车维修工"},
                           skills=[{"name": "新能源汽车维修", "proficiency": 4}]),
    ]
    ids = [c["id"] for c in made]

    def listed(query: str, headers=OWNER) -> list[str]:
        response = jobs.client.get(f"/v1/courses{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"]]

    assert listed("") == ids[::-1]
    assert listed("", headers=WORKER) == [ids[4], ids[2], ids[1], ids[0]]  # not the paused one
    assert listed("?status=paused") == [ids[3]]
    assert listed("?status=paused", headers=WORKER) == []
    assert listed("?mode=remote") == [ids[3], ids[1]]
    assert listed("?mode=onsite") == [ids[4], ids[0]]
    assert listed("?region=15") == [ids[4], ids[3], ids[1], ids[0]]
    assert listed("?region=1506") == [ids[4], ids[1], ids[0]]
    assert listed("?region=150603") == [ids[1]]
    assert listed("?occupation=6-18-02") == [ids[2], ids[1], ids[0]]
    assert listed("?occupation=6-18-02-04") == [ids[2], ids[0]]
    assert listed("?occupation=4") == [ids[4]]
    assert listed("?skill=TIG焊") == [ids[1], ids[0]]  # any case
    assert listed("?skill=压力容器焊接") == [ids[2]]
    assert listed("?skill=焊") == []  # a skill's whole name, not a part of it
    assert listed("?org_id=school-x") == [ids[4]]
    assert listed(f"?org_id={ORG}&mode=remote&region=15") == [ids[3], ids[1]]

    pages, cursor = [], None
    while True:
        page = jobs.client.get("/v1/courses?limit=2" + (f"&cursor={cursor}" if cursor else ""), headers=ADMIN).json()
        pages.append([c["id"] for c in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]


BAD_QUERIES = [("?limit=0", "query.limit"), ("?limit=101", "query.limit"), ("?cursor=nonsense", "query.cursor"),
               ("?region=1", "query.region"), ("?status=gone", "query.status"), ("?mode=hybrid", "query.mode"),
               ("?occupation=welder", "query.occupation"), ("?skill=", "query.skill"),
               ("?skill=" + "x" * 101, "query.skill"), ("?org_id=a%20b", "query.org_id")]


def test_bad_list_queries_and_ids_are_refused_naming_the_parameter(jobs):
    answers = {}
    for query, field in BAD_QUERIES:
        response = jobs.client.get(f"/v1/courses{query}", headers=OWNER)
        answers[query] = (response.status_code, field in [e["field"] for e in response.json().get("errors", [])])
    assert answers == {query: (422, True) for query, _ in BAD_QUERIES}
    assert jobs.client.get("/v1/courses/crs_nope", headers=OWNER).status_code == 404
    assert jobs.client.get("/v1/courses/bad%20id", headers=OWNER).status_code == 422
    assert jobs.client.put("/v1/courses/crs_nope", json=course_body(), headers=OWNER).status_code == 404
    raw = jobs.client.post("/v1/courses", content=b"{not json", headers={**OWNER, "Content-Type": "application/json"})
    assert raw.status_code == 422 and raw.headers["content-type"] == "application/problem+json"


def test_a_course_stays_open_through_its_end_day_and_expires_after_it(jobs):
    course = jobs.create_course(start_on="2030-03-02", end_on="2030-03-05", hours=32)
    paused = jobs.create_course(start_on="2030-03-02", end_on="2030-03-05", hours=32, status="paused")
    later = jobs.create_course(start_on="2030-03-02", end_on="2030-03-06", hours=32)
    jobs.new_events()
    jobs.clock.now = dt.datetime(2030, 3, 5, 15, 59, tzinfo=dt.UTC)  # 23:59 in Shanghai, the end day
    assert jobs.sweep() == (0, 0, 0)
    edited = jobs.client.patch(f"/v1/courses/{course['id']}", json={"seats": 35}, headers={**OWNER, **MERGE})
    assert edited.status_code == 200  # an unchanged end day of today does not block edits
    jobs.new_events()
    jobs.clock.now = dt.datetime(2030, 3, 5, 16, 0, tzinfo=dt.UTC)  # midnight in Shanghai: the end day is over
    assert jobs.sweep() == (0, 0, 2)
    events = jobs.new_events()
    assert sorted((e.subject, e.type, e.entityversion) for e in events) == sorted([
        (course["id"], "course.upserted", 3), (course["id"], "course.closed", 3),
        (paused["id"], "course.upserted", 2), (paused["id"], "course.closed", 2),
    ])
    for event in events:
        _valid(event)
        assert event.data["status"] == "expired"
        if event.type == "course.closed":
            assert event.data["reason"] == "expired" and event.data["course"]["status"] == "expired"
    expired = jobs.client.get(f"/v1/courses/{course['id']}", headers=OWNER).json()
    assert (expired["status"], expired["closed_reason"]) == ("expired", "expired")
    assert jobs.client.get(f"/v1/courses/{course['id']}", headers=WORKER).status_code == 404
    assert jobs.client.patch(f"/v1/courses/{course['id']}", json={"status": "open"}, headers=OWNER).status_code == 409
    assert jobs.client.get(f"/v1/courses/{later['id']}", headers=WORKER).json()["status"] == "open"
    assert jobs.sweep() == (0, 0, 0) and jobs.new_events() == []  # nothing is expired twice


def test_openapi_declares_the_course_routes(jobs):
    spec = jobs.client.get("/openapi.json").json()
    assert {"/v1/courses", "/v1/courses/{course_id}", "/v1/courses/{course_id}/close"} <= set(spec["paths"])
    assert "application/merge-patch+json" in spec["paths"]["/v1/courses/{course_id}"]["patch"]["requestBody"]["content"]
    operation_ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"create_course", "list_courses", "get_course", "replace_course", "patch_course", "delete_course",
            "close_course"} <= operation_ids


def test_the_relay_publishes_course_events_to_the_courses_topic_keyed_by_course_id(jobs):
    first = jobs.create_course()
    second = jobs.create_course(headers=SCHOOL)
    jobs.client.post(f"/v1/courses/{first['id']}/close", json={"reason": "withdrawn"}, headers=OWNER)
    assert jobs.app.state.relay.drain() >= 4
    consumer = jobs.app.state.runtime.event_log.consumer("course-reader", ["talentflow.courses"], from_beginning=True)
    try:
        records, batch = [], consumer.poll(0.5, 1000)
        while batch:
            records += batch
            batch = consumer.poll(0.1, 1000)
    finally:
        consumer.close()
    by_key: dict[str, list] = {}
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        by_key.setdefault(record.key, []).append(record)
    assert {k: [decode(r.value).type for r in rs] for k, rs in by_key.items()} == {
        first["id"]: ["course.upserted", "course.upserted", "course.closed"],
        second["id"]: ["course.upserted"],
    }
    assert len({r.partition for r in by_key[first["id"]]}) == 1  # one course's events stay in order
    closed = decode(by_key[first["id"]][-1].value)
    assert closed.parsed().course.status.value == "closed" and closed.subject == first["id"]
