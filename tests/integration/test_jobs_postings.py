"""Postings through HTTP on SQLite and PostgreSQL: CRUD, validation, versions, lifecycle, lists, events."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from services.common.store import schema_drift
from services.jobs import store
from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    ADMIN,
    AGENCY_FOR_ORG,
    OTHER_EMPLOYER,
    OWNER,
    ORG,
    WORKER,
    jobs,
    posting_body,
)

pytestmark = pytest.mark.integration


def test_the_migrated_schema_matches_the_declared_tables(jobs):
    assert schema_drift(jobs.engine, store.metadata) == []


def test_a_posting_is_created_read_and_announced(jobs):
    response = jobs.client.post("/v1/postings", json=posting_body(), headers=OWNER)
    assert response.status_code == 201
    posting = response.json()
    assert posting["org_id"] == ORG and posting["version"] == 1 and posting["status"] == "open"
    assert posting["skills"][0] == {"name": "氩弧焊", "min_proficiency": 4, "required": True}
    assert response.headers["location"] == f"/v1/postings/{posting['id']}"
    assert response.headers["etag"] == '"1"'

    read = jobs.client.get(f"/v1/postings/{posting['id']}", headers=WORKER)
    assert read.status_code == 200 and read.json() == posting
    assert read.headers["etag"] == '"1"'
    cached = jobs.client.get(f"/v1/postings/{posting['id']}", headers={**WORKER, "If-None-Match": '"1"'})
    assert cached.status_code == 304

    [event] = jobs.new_events()
    assert (event.type, event.subject, event.entityversion) == ("posting.upserted", posting["id"], 1)
    assert event.data["org_id"] == ORG and event.data["title"] == posting["title"]


BAD_POSTINGS = [
    ({"wage": {"min": 800, "max": 400, "unit": "day"}}, "body.wage"),
    ({"wage": {"min": 400, "max": 80_000, "unit": "day"}}, "body.wage"),
    ({"wage": {"min": 100, "max": 1_500, "unit": "day"}}, "body.wage"),
    ({"wage": {"min": 0, "max": 500, "unit": "day"}}, "body.wage"),
    ({"deadline": "2030-05-01"}, "body"),  # after start_on
    ({"skills": [{"name": "氩弧焊"}, {"name": "氩弧焊"}]}, "body.skills"),
    ({"certificates": ["焊工", "焊工"]}, "body.certificates"),
    ({"skills": [{"name": f"s{i}"} for i in range(31)]}, "body.skills"),
    ({"skills": [{"name": "氩弧焊", "min_proficiency": 6}]}, "body.skills.0.min_proficiency"),
    ({"occupation": {"code": "9-99-99-99", "name": "不存在"}}, "body.occupation.code"),
    ({"occupation": {"code": "6-18", "name": "机械制造加工人员"}}, "body.occupation"),
    ({"region": "990602"}, "body.region"),
    ({"headcount": 0}, "body.headcount"),
    ({"headcount": "2"}, "body.headcount"),
    ({"title": ""}, "body.title"),
    ({"salary": 1}, "body.salary"),
    ({"status": "filled"}, "body.status"),
    ({"deadline": "2030-03-01", "start_on": None}, "body.deadline"),  # yesterday
    ({"deadline": "2031-06-01", "start_on": None}, "body.deadline"),  # beyond the horizon
]


def test_bad_postings_are_refused_naming_the_field_and_nothing_is_written(jobs):
    # One service for all cases: each is a separate request, and nothing may be left behind by any.
    answers = {}
    for change, field in BAD_POSTINGS:
        response = jobs.client.post("/v1/postings", json=posting_body(**change), headers=OWNER)
        problem = response.json()
        named = [e["field"] for e in problem.get("errors", [])]
        answers[str(change)] = (response.status_code, response.headers["content-type"], field in named)
    assert answers == {str(change): (422, "application/problem+json", True) for change, _ in BAD_POSTINGS}
    with jobs.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.postings)).scalar_one() == 0
    assert jobs.new_events() == []


def test_a_free_text_occupation_without_code_is_accepted(jobs):
    posting = jobs.create_posting(occupation={"name": "管道安装维修"})
    assert posting["occupation"] == {"code": None, "name": "管道安装维修"}


def test_who_may_post_for_which_org(jobs):
    client = jobs.client
    assert client.post("/v1/postings", json=posting_body(), headers=WORKER).status_code == 403
    assert client.post("/v1/postings", json={**posting_body(), "org_id": "org-b"}, headers=OWNER).status_code == 403
    missing = client.post("/v1/postings", json=posting_body(), headers=AGENCY_FOR_ORG)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "body.org_id"
    assert client.post("/v1/postings", json={**posting_body(), "org_id": "org-b"}, headers=AGENCY_FOR_ORG).status_code == 403
    by_agency = client.post("/v1/postings", json={**posting_body(), "org_id": ORG}, headers=AGENCY_FOR_ORG)
    assert by_agency.status_code == 201 and by_agency.json()["org_id"] == ORG
    by_admin = client.post("/v1/postings", json={**posting_body(), "org_id": "org-z"}, headers=ADMIN)
    assert by_admin.status_code == 201 and by_admin.json()["org_id"] == "org-z"
    assert client.post("/v1/postings", json=posting_body()).status_code == 401


def test_put_replaces_and_honours_if_match(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    url = f"/v1/postings/{posting['id']}"
    stale = jobs.client.put(url, json=posting_body(title="新标题"), headers={**OWNER, "If-Match": '"7"'})
    assert stale.status_code == 412 and stale.json()["type"].endswith("stale-version")
    replaced = jobs.client.put(url, json=posting_body(title="新标题", headcount=3), headers={**OWNER, "If-Match": '"1"'})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["title"] == "新标题" and replaced.json()["version"] == 2
    assert replaced.headers["etag"] == '"2"'
    assert replaced.json()["created_at"] == posting["created_at"]
    assert jobs.new_event_types() == [("posting.upserted", posting["id"], 2)]
    # the same content again is no change: no new version, no event
    again = jobs.client.put(url, json=posting_body(title="新标题", headcount=3), headers=OWNER)
    assert again.json()["version"] == 2
    assert jobs.new_events() == []
    bad_tag = jobs.client.put(url, json=posting_body(), headers={**OWNER, "If-Match": "yesterday"})
    assert bad_tag.status_code == 422 and bad_tag.json()["errors"][0]["field"] == "header.If-Match"


def test_patch_merges_and_validates_the_merged_whole(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    url = f"/v1/postings/{posting['id']}"
    merged = jobs.client.patch(url, json={"wage": {"max": 900}, "location": None, "title": "升级"},
                               headers={**OWNER, "Content-Type": "application/merge-patch+json", "If-Match": '"1"'})
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert body["wage"] == {"min": 400, "max": 900, "unit": "day"}
    assert body["location"] is None and body["title"] == "升级" and body["version"] == 2
    assert body["skills"] == posting["skills"]  # untouched keys stay
    # a patch that is fine alone but breaks the merged posting names the merged field
    broken = jobs.client.patch(url, json={"wage": {"min": 1000}}, headers=OWNER)
    assert broken.status_code == 422
    assert [e["field"] for e in broken.json()["errors"]] == ["body.wage"]
    unknown = jobs.client.patch(url, json={"salary": 5}, headers=OWNER)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "body.salary"
    required = jobs.client.patch(url, json={"title": None}, headers=OWNER)
    assert required.status_code == 422 and required.json()["errors"][0]["field"] == "body.title"
    stale = jobs.client.patch(url, json={"headcount": 5}, headers={**OWNER, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert jobs.client.get(url, headers=OWNER).json()["version"] == 2
    assert jobs.new_event_types() == [("posting.upserted", posting["id"], 2)]


def test_open_and_paused_move_both_ways_and_every_move_is_announced(jobs):
    posting = jobs.create_posting()
    url = f"/v1/postings/{posting['id']}"
    paused = jobs.client.patch(url, json={"status": "paused"}, headers=OWNER)
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    reopened = jobs.client.patch(url, json={"status": "open"}, headers=OWNER)
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    events = jobs.new_events()
    assert [(e.type, e.entityversion, e.data["status"]) for e in events] == [
        ("posting.upserted", 1, "open"),
        ("posting.upserted", 2, "paused"),
        ("posting.upserted", 3, "open"),
    ]
    expired = jobs.client.patch(url, json={"status": "expired"}, headers=OWNER)
    assert expired.status_code == 422 and expired.json()["errors"][0]["field"] == "body.status"


@pytest.mark.parametrize(("reason", "status"), [("filled", "filled"), ("withdrawn", "closed")])
def test_close_with_a_reason_and_closed_postings_are_final(jobs, reason, status):
    posting = jobs.create_posting()
    jobs.new_events()
    url = f"/v1/postings/{posting['id']}"
    closed = jobs.client.post(f"{url}/close", json={"reason": reason}, headers={**OWNER, "If-Match": '"1"'})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == status and closed.json()["closed_reason"] == reason
    assert closed.json()["version"] == 2
    events = jobs.new_events()
    assert [(e.type, e.entityversion) for e in events] == [("posting.upserted", 2), ("posting.closed", 2)]
    assert events[0].data["status"] == status
    assert events[1].data["reason"] == reason and events[1].data["status"] == status
    # the closing carries the posting's whole state after closing (a compacted log keeps only it)
    assert events[1].data["posting"] == events[0].data

    for attempt in (
        jobs.client.post(f"{url}/close", json={"reason": "filled"}, headers=OWNER),
        jobs.client.post(f"{url}/close", json={"reason": "withdrawn"}, headers=OWNER),
        jobs.client.patch(url, json={"status": "open"}, headers=OWNER),
        jobs.client.patch(url, json={"title": "复活"}, headers=OWNER),
        jobs.client.put(url, json=posting_body(), headers=OWNER),
    ):
        assert attempt.status_code == 409, attempt.text
        assert attempt.json()["type"].endswith("illegal-transition")
    assert jobs.new_events() == []
    # a closed posting is no longer public, but its org still reads it
    assert jobs.client.get(url, headers=WORKER).status_code == 404
    assert jobs.client.get(url, headers=OWNER).json()["status"] == status


def test_close_refuses_an_unknown_reason(jobs):
    posting = jobs.create_posting()
    response = jobs.client.post(f"/v1/postings/{posting['id']}/close", json={"reason": "bored"}, headers=OWNER)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body.reason"


def test_a_paused_posting_can_be_closed(jobs):
    posting = jobs.create_posting(status="paused")
    closed = jobs.client.post(f"/v1/postings/{posting['id']}/close", json={"reason": "withdrawn"}, headers=OWNER)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_delete_hides_the_posting_and_announces_it_closed(jobs):
    posting = jobs.create_posting()
    jobs.new_events()
    url = f"/v1/postings/{posting['id']}"
    assert jobs.client.delete(url, headers={**OWNER, "If-Match": '"9"'}).status_code == 412
    assert jobs.client.delete(url, headers=WORKER).status_code == 403
    deleted = jobs.client.delete(url, headers={**OWNER, "If-Match": '"1"'})
    assert deleted.status_code == 204
    [event] = jobs.new_events()
    assert (event.type, event.entityversion) == ("posting.closed", 2)
    assert event.data["reason"] == "deleted" and event.data["status"] == "closed"
    assert event.data["posting"]["status"] == "closed" and event.data["posting"]["version"] == 2
    assert event.data["posting"]["title"] == posting["title"]
    assert jobs.client.get(url, headers=OWNER).status_code == 404
    assert jobs.client.delete(url, headers=OWNER).status_code == 404
    assert jobs.client.get("/v1/postings", headers=OWNER).json()["items"] == []


def test_idempotency_key_makes_a_retried_post_return_the_first_response(jobs):
    headers = {**OWNER, "Idempotency-Key": "create-1"}
    first = jobs.client.post("/v1/postings", json=posting_body(), headers=headers)
    retry = jobs.client.post("/v1/postings", json=posting_body(), headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    other_body = jobs.client.post("/v1/postings", json=posting_body(title="别的"), headers=headers)
    assert other_body.status_code == 422
    assert jobs.client.get("/v1/postings", headers=OWNER).json()["items"] == [first.json()]
    assert [e.type for e in jobs.new_events()] == ["posting.upserted"]
    close_key = {**OWNER, "Idempotency-Key": "close-1"}
    url = f"/v1/postings/{first.json()['id']}/close"
    assert jobs.client.post(url, json={"reason": "filled"}, headers=close_key).status_code == 200
    assert jobs.client.post(url, json={"reason": "filled"}, headers=close_key).status_code == 200  # not 409
    assert [e.type for e in jobs.new_events()] == ["posting.upserted", "posting.closed"]


def test_lists_filter_and_page_newest_first(jobs):
    made = [
        jobs.create_posting(kind="full_time", region="150602"),
        jobs.create_posting(kind="project", region="150603", occupation={"code": "6-18-02-01", "name": "铸造工"}),
        jobs.create_posting(kind="project", region="110101", occupation={"code": "6-18-02-04", "name": "焊工"}),
        jobs.create_posting(kind="service", region="150202", status="paused", occupation={"name": "技术服务"}),
        jobs.create_posting(headers=OTHER_EMPLOYER, kind="project", region="150602",
                            occupation={"code": "2-02-07-01", "name": "机械设计工程技术人员"}),
    ]
    ids = [p["id"] for p in made]

    def listed(query: str, headers=OWNER) -> list[str]:
        response = jobs.client.get(f"/v1/postings{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [p["id"] for p in response.json()["items"]]

    assert listed("") == ids[::-1]
    assert listed("", headers=WORKER) == [ids[4], ids[2], ids[1], ids[0]]  # not the paused one
    assert listed("", headers=OTHER_EMPLOYER) == [ids[4], ids[2], ids[1], ids[0]]
    assert listed("?status=paused") == [ids[3]]
    assert listed("?status=paused", headers=WORKER) == []
    assert listed("?kind=project") == [ids[4], ids[2], ids[1]]
    assert listed("?region=15") == [ids[4], ids[3], ids[1], ids[0]]
    assert listed("?region=1506") == [ids[4], ids[1], ids[0]]
    assert listed("?region=150603") == [ids[1]]
    assert listed("?occupation=6-18-02") == [ids[2], ids[1], ids[0]]
    assert listed("?occupation=6-18-02-04") == [ids[2], ids[0]]
    assert listed("?occupation=2") == [ids[4]]
    assert listed(f"?org_id={ORG}&kind=project") == [ids[2], ids[1]]

    pages, cursor = [], None
    while True:
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = jobs.client.get(f"/v1/postings{query}", headers=ADMIN).json()
        pages.append([p["id"] for p in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]


BAD_QUERIES = [("?limit=0", "query.limit"), ("?limit=101", "query.limit"), ("?cursor=nonsense", "query.cursor"),
               ("?cursor=eyJhZnRlciI6IDF9", "query.cursor"), ("?region=1", "query.region"),
               ("?status=gone", "query.status"), ("?occupation=welder", "query.occupation")]


def test_bad_list_queries_are_refused_naming_the_parameter(jobs):
    answers = {}
    for query, field in BAD_QUERIES:
        response = jobs.client.get(f"/v1/postings{query}", headers=OWNER)
        answers[query] = (response.status_code, field in [e["field"] for e in response.json().get("errors", [])])
    assert answers == {query: (422, True) for query, _ in BAD_QUERIES}


def test_a_malformed_body_or_unknown_posting_is_a_problem_not_a_500(jobs):
    raw = jobs.client.post("/v1/postings", content=b"{not json", headers={**OWNER, "Content-Type": "application/json"})
    assert raw.status_code == 422 and raw.headers["content-type"] == "application/problem+json"
    assert jobs.client.get("/v1/postings/pst_nope", headers=OWNER).status_code == 404
    assert jobs.client.get("/v1/postings/bad%20id", headers=OWNER).status_code == 422
    assert jobs.client.put("/v1/postings/pst_nope", json=posting_body(), headers=OWNER).status_code == 404


def test_health_readiness_and_openapi(jobs):
    assert jobs.client.get("/healthz").json()["service"] == "jobs"
    ready = jobs.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"store": True, "event_log": True, "key_value": True}
    spec = jobs.client.get("/openapi.json").json()
    assert "application/merge-patch+json" in spec["paths"]["/v1/postings/{posting_id}"]["patch"]["requestBody"]["content"]
    operation_ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"create_posting", "patch_posting", "apply_to_posting", "accept_invitation",
            "get_worker_contact"} <= operation_ids
