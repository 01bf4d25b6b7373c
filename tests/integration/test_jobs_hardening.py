"""Hardening of the jobs API on SQLite and PostgreSQL: hostile input on every write route, tampered
cursors, and two writers racing with the same If-Match.

Every bad request must answer 4xx problem+json (never a 500) and commit nothing: no row, no event.
"""

from __future__ import annotations

import base64
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa

from services.jobs import store
from tests.integration.jobs_harness import (  # noqa: F401  (jobs is a fixture)
    ADMIN,
    OWNER,
    WORKER,
    WORKER_ID,
    jobs,
    posting_body,
)
from tests.support import auth

pytestmark = pytest.mark.integration

JSON = {"Content-Type": "application/json"}


def cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


# Bodies no write route may take: malformed, hostile, or of the wrong type.
GENERIC_BAD: list[tuple[str, bytes, dict[str, str]]] = [
    ("empty", b"", JSON),
    ("not json", b"{", JSON),
    ("json array", b"[]", JSON),
    ("json string", b'"x"', JSON),
    ("nested 5000 deep", deep(5000).encode(), JSON),
    ("integer of 5000 digits", b'{"headcount": 1' + b"0" * 5000 + b"}", JSON),
    ("3 MB body", b'{"title": "' + b"a" * 3_000_000 + b'"}', JSON),
    ("text/plain", b'{"reason": "filled"}', {"Content-Type": "text/plain"}),
    ("form", b"reason=filled", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("invalid utf-8", b'{"title": "\xff\xfe"}', JSON),
    ("lone surrogate", b'{"title": "\\ud800", "message": "\\udfff", "reason": "\\ud800", "status": "\\ud800", "worker_id": "\\ud800"}', JSON),
]


def posting_bad() -> list[tuple[str, bytes, dict[str, str]]]:
    def body(**overrides: Any) -> bytes:
        return json.dumps(posting_body(**overrides)).encode()

    return [
        ("nul in title", body(title="焊工\u0000"), JSON),
        ("nul in a skill", body(skills=[{"name": "氩\u0000弧焊"}]), JSON),
        ("nul in a certificate", body(certificates=["焊\u0000工"]), JSON),
        ("surrogate in description", body(description="\ud800"), JSON),
        ("NaN wage", body().replace(b'"min": 400', b'"min": NaN'), JSON),
        ("1e400 latitude", body().replace(b"39.82", b"1e400"), JSON),
        ("duplicate keys, last one bad", body()[:-1] + b', "title": ""}', JSON),
        ("status filled through the body", body(status="filled"), JSON),
        ("deadline in year 9999", body(deadline="9999-12-31", start_on=None), JSON),
        ("headcount of a billion", body(headcount=10**9), JSON),
        ("org_id with NUL", body(org_id="org\u0000"), JSON),
        ("unknown field", body(salary=5), JSON),
    ]


PATCH_BAD: list[tuple[str, bytes, dict[str, str]]] = [
    ("wage nested 500 deep", ('{"wage": ' + nested_object(500) + "}").encode(), JSON),
    ("location nested 300 deep", ('{"location": ' + nested_object(300) + "}").encode(), JSON),
    ("skills nested 200 deep", ('{"skills": [' + deep(200) + "]}").encode(), JSON),
    ("occupation nested 50 deep", ('{"occupation": ' + nested_object(50) + "}").encode(), JSON),
    ("nul in title", b'{"title": "a\\u0000"}', {"Content-Type": "application/merge-patch+json"}),
    ("wage max below min", b'{"wage": {"max": 1}}', {"Content-Type": "application/merge-patch+json"}),
]

MESSAGE_BAD: list[tuple[str, bytes, dict[str, str]]] = [
    ("nul in message", b'{"message": "call me \\u0000"}', JSON),
    ("message of 3000 characters", json.dumps({"message": "长" * 3000}).encode(), JSON),
    ("message is a number", b'{"message": 5}', JSON),
]

INVITE_BAD: list[tuple[str, bytes, dict[str, str]]] = [
    ("nul in message", b'{"worker_id": "w-9", "message": "a\\u0000"}', JSON),
    ("nul in worker_id", b'{"worker_id": "w\\u0000"}', JSON),
    ("worker_id of punctuation", b'{"worker_id": "..."}', JSON),
    ("worker_id too long", json.dumps({"worker_id": "w" * 65}).encode(), JSON),
]

BAD_IF_MATCH = ['"' + "9" * 5000 + '"', '"1.5"', "garbage", '""', '"-1"', 'W/"x"', '"1", "a"']

BAD_LIST_QUERIES: list[dict[str, str]] = [
    {"limit": "100000"}, {"limit": "-1"}, {"limit": "0"}, {"limit": "9" * 5000},
    {"cursor": "!!!"}, {"cursor": "x" * 500}, {"cursor": cursor(["after"])}, {"cursor": cursor({"after": 5})},
    {"cursor": cursor({"after": "\u0000"})}, {"cursor": cursor({"after": "pst_\u0000"})},
    {"cursor": cursor({"after": "\ud800"})}, {"cursor": cursor({"after": "x" * 65})},
    {"cursor": cursor({"after": "pst_1\n"})}, {"cursor": base64.urlsafe_b64encode(deep(140).encode()).decode()},
    {"status": "deleted"},
]
POSTING_LIST_QUERIES: list[dict[str, str]] = [{"region": "9"}, {"occupation": "6-18\u0000"}, {"org_id": "org\u0000"}]


def problem_failures(response, label: str) -> list[str]:
    if not 400 <= response.status_code < 500:
        return [f"{label}: {response.status_code} {response.text[:200]}"]
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return [f"{label}: {response.status_code} answered {response.headers.get('content-type')}"]
    return []


def row_counts(jobs) -> dict[str, int]:
    with jobs.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in (store.postings, store.applications, store.invitations, store.outbox)}


def test_hostile_input_is_a_problem_never_a_500_and_commits_nothing(jobs):
    posting = jobs.create_posting()
    pid = posting["id"]
    applied = jobs.apply(pid).json()
    invitation = jobs.invite(pid, "w-invited").json()
    before = row_counts(jobs)
    client, failures = jobs.client, []

    def write(method: str, path: str, cases, headers: dict[str, str]) -> None:
        for label, body, content_type in cases:
            response = client.request(method, path, content=body, headers={**headers, **content_type})
            failures.extend(problem_failures(response, f"{method} {path.split('/')[-1]} {label}"))

    write("POST", "/v1/postings", GENERIC_BAD + posting_bad(), OWNER)
    write("PUT", f"/v1/postings/{pid}", GENERIC_BAD + posting_bad(), OWNER)
    write("PATCH", f"/v1/postings/{pid}", GENERIC_BAD + PATCH_BAD, OWNER)
    write("POST", f"/v1/postings/{pid}/close", GENERIC_BAD + [("unknown reason", b'{"reason": "bored"}', JSON)], OWNER)
    # an application's body is optional, so an empty one is no fault there
    write("POST", f"/v1/postings/{pid}/applications", GENERIC_BAD[1:] + MESSAGE_BAD, auth("worker", "w-fuzz"))
    write("PATCH", f"/v1/postings/{pid}/applications/{applied['id']}",
          GENERIC_BAD + [("unknown status", b'{"status": "promoted"}', JSON)], OWNER)
    write("POST", f"/v1/postings/{pid}/invitations", GENERIC_BAD + INVITE_BAD, OWNER)
    for value in BAD_IF_MATCH:
        tagged = {**OWNER, "If-Match": value}
        for method, path, body in (("PUT", f"/v1/postings/{pid}", posting_body(title="改")),
                                   ("PATCH", f"/v1/postings/{pid}", {"title": "改"}),
                                   ("POST", f"/v1/postings/{pid}/close", {"reason": "filled"}),
                                   ("PATCH", f"/v1/postings/{pid}/applications/{applied['id']}", {"status": "shortlisted"}),
                                   ("DELETE", f"/v1/postings/{pid}", None)):
            response = client.request(method, path, json=body, headers=tagged)
            failures += problem_failures(response, f"{method} {path.split('/')[-1]} If-Match {value[:12]}")
    for path, headers in (("/v1/postings", WORKER), ("/v1/applications", WORKER), ("/v1/invitations", WORKER),
                          (f"/v1/postings/{pid}/applications", OWNER), (f"/v1/postings/{pid}/invitations", OWNER)):
        for params in BAD_LIST_QUERIES + (POSTING_LIST_QUERIES if path == "/v1/postings" else []):
            failures += problem_failures(client.get(path, params=params, headers=headers), f"GET {path} {params}")
    assert failures == [], "\n".join(failures)
    assert row_counts(jobs) == before  # nothing half-written, no event for a refused write
    assert client.get(f"/v1/postings/{pid}", headers=OWNER).json()["version"] == posting["version"]
    assert client.get(f"/v1/invitations/{invitation['id']}", headers=OWNER).json()["version"] == 1


@pytest.mark.parametrize("route", ["applications", "invitations"])
def test_a_nul_in_a_message_is_invalid_input_on_every_store(jobs, route):
    posting = jobs.create_posting()
    jobs.new_events()
    if route == "applications":
        response = jobs.client.post(f"/v1/postings/{posting['id']}/applications", json={"message": "13800000001\u0000"},
                                    headers=WORKER)
    else:
        response = jobs.client.post(f"/v1/postings/{posting['id']}/invitations",
                                    json={"worker_id": WORKER_ID, "message": "欢迎\u0000"}, headers=OWNER)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "body.message"
    assert jobs.new_events() == []


def test_a_merge_patch_nested_too_deep_names_its_field(jobs):
    posting = jobs.create_posting()
    response = jobs.client.patch(f"/v1/postings/{posting['id']}", content=('{"wage": ' + nested_object(300) + "}").encode(),
                                 headers={**OWNER, "Content-Type": "application/merge-patch+json"})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].startswith("body.wage")
    # an ordinary nested patch still merges
    ok = jobs.client.patch(f"/v1/postings/{posting['id']}", json={"wage": {"max": 900}, "skills": [{"name": "电焊"}]},
                           headers=OWNER)
    assert ok.status_code == 200, ok.text
    assert ok.json()["wage"] == {"min": 400, "max": 900, "unit": "day"}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_two_writes_with_the_same_if_match_one_wins_the_other_is_412(jobs, monkeypatch, method):
    posting = jobs.create_posting()
    jobs.new_events()
    # Both requests read the posting before either writes, unless the store serialises them (as it
    # must): the locked read waits for the other request for a moment, then goes on.
    meet = threading.Barrier(2)
    read = store.get_posting

    def get_posting_then_meet(*args, **kwargs):
        found = read(*args, **kwargs)
        if kwargs.get("lock"):
            try:
                meet.wait(timeout=1.5)
            except threading.BrokenBarrierError:
                pass
        return found

    monkeypatch.setattr(store, "get_posting", get_posting_then_meet)
    start = threading.Barrier(2)

    def write(headcount: int):
        start.wait()
        body = posting_body(headcount=headcount) if method == "PUT" else {"headcount": headcount}
        return jobs.client.request(method, f"/v1/postings/{posting['id']}", json=body, headers={**OWNER, "If-Match": '"1"'})

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(write, [5, 6]))
    assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]
    assert next(a for a in answers if a.status_code == 200).json()["version"] == 2
    assert [(e.type, e.entityversion) for e in jobs.new_events()] == [("posting.upserted", 2)]
    assert jobs.client.get(f"/v1/postings/{posting['id']}", headers=ADMIN).json()["version"] == 2


def test_a_worker_cannot_tell_a_hidden_posting_from_a_missing_one(jobs):
    hidden = jobs.create_posting()
    paused = jobs.client.patch(f"/v1/postings/{hidden['id']}", json={"status": "paused"}, headers=OWNER)
    assert paused.status_code == 200, paused.text
    missing = "pst_0000000000000000000000ff"
    answers = [jobs.client.get(f"/v1/postings/{pid}/applications/app_x", headers=WORKER) for pid in (hidden["id"], missing)]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json()["detail"] == answers[1].json()["detail"]
    moves = [jobs.client.patch(f"/v1/postings/{pid}/applications/app_x", json={"status": "withdrawn"}, headers=WORKER)
             for pid in (hidden["id"], missing)]
    assert [m.status_code for m in moves] == [404, 404]
    assert moves[0].json()["detail"] == moves[1].json()["detail"]
