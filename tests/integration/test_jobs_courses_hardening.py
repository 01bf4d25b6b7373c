"""Hardening of the course routes on SQLite and PostgreSQL, as test_jobs_hardening does for postings:
hostile input on every write route answers 4xx problem+json (never a 500) and commits nothing, bad
list queries too, and two writers racing with the same If-Match: one wins, the other gets 412."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from services.jobs import store
from services.jobs.courses import store as course_store
from tests.integration.jobs_harness import ADMIN, OWNER, WORKER, course_body, jobs  # noqa: F401  (jobs is a fixture)
from tests.integration.test_jobs_hardening import (
    BAD_IF_MATCH,
    BAD_LIST_QUERIES,
    GENERIC_BAD,
    JSON,
    nested_object,
    problem_failures,
)

pytestmark = pytest.mark.integration

MERGE = {"Content-Type": "application/merge-patch+json"}


def course_bad() -> list[tuple[str, bytes, dict[str, str]]]:
    def body(**overrides: Any) -> bytes:
        return json.dumps(course_body(**overrides)).encode()

    return [
        ("nul in title", body(title="焊工\u0000"), JSON),
        ("nul in a skill", body(skills=[{"name": "氩\u0000弧焊", "proficiency": 3}]), JSON),
        ("bidi override in title", body(title="焊工\u202e培训"), JSON),
        ("zero-width title", body(title="\u200b\u200b"), JSON),
        ("surrogate in description", body(description="\ud800"), JSON),
        ("NaN hours", body().replace(b'"hours": 120', b'"hours": NaN'), JSON),
        ("Infinity fee", body().replace(b'"amount": 2800', b'"amount": Infinity'), JSON),
        ("1e400 hours", body().replace(b'"hours": 120', b'"hours": 1e400'), JSON),
        ("duplicate keys, last one bad", body()[:-1] + b', "mode": "hybrid"}', JSON),
        ("status expired through the body", body(status="expired"), JSON),
        ("end in year 9999", body(end_on="9999-12-31"), JSON),
        ("seats of a billion", body(seats=10**9), JSON),
        ("fee as a string", body(fee="2800元"), JSON),
        ("fee amount as a string", body(fee={"amount": "2800", "currency": "CNY"}), JSON),
        ("skills as a dict", body(skills={"name": "焊接"}), JSON),
        ("31 skills", body(skills=[{"name": f"技能{i}", "proficiency": 3} for i in range(31)]), JSON),
        ("org_id with NUL", body(org_id="org\u0000"), JSON),
        ("month 13", body(start_on="2030-13-01"), JSON),
        ("unknown field", body(price=5), JSON),
    ]


PATCH_BAD: list[tuple[str, bytes, dict[str, str]]] = [
    ("fee nested 500 deep", ('{"fee": ' + nested_object(500) + "}").encode(), MERGE),
    ("skills nested 200 deep", ('{"skills": [' + "[" * 200 + "]" * 200 + "]}").encode(), MERGE),
    ("occupation nested 50 deep", ('{"occupation": ' + nested_object(50) + "}").encode(), MERGE),
    ("nul in title", b'{"title": "a\\u0000"}', MERGE),
    ("end before start", b'{"end_on": "2030-03-31"}', MERGE),
    ("fee amount negative", b'{"fee": {"amount": -1}}', MERGE),
    ("hours as a bool", b'{"hours": true}', MERGE),
]
COURSE_LIST_QUERIES: list[dict[str, str]] = [
    {"region": "9"}, {"occupation": "6-18\u0000"}, {"org_id": "org\u0000"}, {"mode": "ONSITE"},
    {"skill": "焊\u0000"}, {"skill": "x" * 5000},
]


def row_counts(jobs) -> dict[str, int]:
    tables = [store.metadata.tables[name] for name in ("courses", "course_skills", "outbox")]
    with jobs.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one() for t in tables}


def test_hostile_input_on_course_routes_is_a_problem_never_a_500_and_commits_nothing(jobs):
    course = jobs.create_course()
    cid = course["id"]
    before = row_counts(jobs)
    client, failures = jobs.client, []

    def write(method: str, path: str, cases, headers: dict[str, str]) -> None:
        for label, body, content_type in cases:
            response = client.request(method, path, content=body, headers={**headers, **content_type})
            failures.extend(problem_failures(response, f"{method} {path} {label}"))

    write("POST", "/v1/courses", GENERIC_BAD + course_bad(), OWNER)
    write("PUT", f"/v1/courses/{cid}", GENERIC_BAD + course_bad(), OWNER)
    write("PATCH", f"/v1/courses/{cid}", GENERIC_BAD + PATCH_BAD, OWNER)
    write("POST", f"/v1/courses/{cid}/close", GENERIC_BAD + [("unknown reason", b'{"reason": "bored"}', JSON)], OWNER)
    for value in BAD_IF_MATCH:
        tagged = {**OWNER, "If-Match": value}
        for method, path, body in (("PUT", f"/v1/courses/{cid}", course_body(title="改")),
                                   ("PATCH", f"/v1/courses/{cid}", {"title": "改"}),
                                   ("POST", f"/v1/courses/{cid}/close", {"reason": "full"}),
                                   ("DELETE", f"/v1/courses/{cid}", None)):
            response = client.request(method, path, json=body, headers=tagged)
            failures += problem_failures(response, f"{method} {path} If-Match {value[:12]}")
    for params in BAD_LIST_QUERIES + COURSE_LIST_QUERIES:
        failures += problem_failures(client.get("/v1/courses", params=params, headers=WORKER), f"GET {params}")
    assert failures == [], "\n".join(failures)
    assert row_counts(jobs) == before  # nothing half-written, no event for a refused write
    assert client.get(f"/v1/courses/{cid}", headers=OWNER).json() == course


@pytest.mark.parametrize("method", ["PUT", "PATCH", "close"])
def test_two_writes_with_the_same_if_match_one_wins_the_other_is_412(jobs, monkeypatch, method):
    course = jobs.create_course()
    jobs.new_events()
    # Both requests read the course before either writes, unless the store serialises them (as it
    # must): the locked read waits for the other request for a moment, then goes on.
    meet = threading.Barrier(2)
    read = course_store.get_course

    def get_course_then_meet(*args, **kwargs):
        found = read(*args, **kwargs)
        if kwargs.get("lock"):
            try:
                meet.wait(timeout=1.5)
            except threading.BrokenBarrierError:
                pass
        return found

    monkeypatch.setattr(course_store, "get_course", get_course_then_meet)
    start = threading.Barrier(2)
    url = f"/v1/courses/{course['id']}"

    def write(seats: int):
        start.wait()
        headers = {**OWNER, "If-Match": '"1"'}
        if method == "PUT":
            return jobs.client.put(url, json=course_body(seats=seats), headers=headers)
        if method == "PATCH":
            return jobs.client.patch(url, json={"seats": seats}, headers={**headers, **MERGE})
        return jobs.client.post(f"{url}/close", json={"reason": "full" if seats == 5 else "withdrawn"}, headers=headers)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(write, [5, 6]))
    assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]
    assert jobs.client.get(url, headers=ADMIN).json()["version"] == 2
    expected = [("course.upserted", 2)] + ([("course.closed", 2)] if method == "close" else [])
    assert [(e.type, e.entityversion) for e in jobs.new_events()] == expected
