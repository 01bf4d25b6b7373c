"""Hardening of the profiles API on SQLite and PostgreSQL: hostile input, tampered cursors, races,
abandoned uploads and personal data in logs.

Every bad request must answer 4xx problem+json (never a 500) and write nothing: no row, no event.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from services.common.errors import InvalidInput
from services.common.web import parse_if_match
from services.profiles import store
from services.profiles.app import Settings, create_app
from tests.integration.test_profiles_helpers import ProfilesEnv, jsonl, profiles, sample_worker  # noqa: F401
from tests.support import auth, random_id, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration

AGENCY = auth("agency", "staff-1", org="org-a")
JSON = {"Content-Type": "application/json"}
PERSONAL = ("13800000001", "wjg@example.com", "1915000000123")


def cursor(position: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


# Raw bodies a client could send to POST/PUT/PATCH /v1/workers…; each is refused, none is a 500.
BAD_BODIES: list[tuple[str, bytes, dict[str, str]]] = [
    ("empty", b"", JSON),
    ("not json", b"{", JSON),
    ("json null", b"null", JSON),
    ("json array", b"[1, 2]", JSON),
    ("json string", b'"worker"', JSON),
    ("nul in name", json.dumps(sample_worker(name="王\u0000建国")).encode(), JSON),
    ("nul in phone", json.dumps(sample_worker(contact={"phone": "1380000\u00000001"})).encode(), JSON),
    ("nul in certificate number", json.dumps(sample_worker(certificates=[
        {"occupation": "焊工", "level": "technician", "number": "19\u000015"}])).encode(), JSON),
    ("lone surrogate", b'{"name": "\\ud800", "region": "150602"}', JSON),
    ("surrogate as a key", b'{"\\udfff": 1, "name": "a", "region": "150602"}', JSON),
    ("duplicate keys, last one bad", b'{"name": "a", "region": "150602", "name": ""}', JSON),
    ("nested 5000 deep", deep(5000).encode(), JSON),
    ("nested 900 deep in a field", ('{"name": "a", "region": "150602", "location": ' + deep(900) + "}").encode(), JSON),
    ("integer of 5000 digits", b'{"name": "a", "region": "150602", "experience_years": 1' + b"0" * 5000 + b"}", JSON),
    ("NaN", b'{"name": "a", "region": "150602", "location": {"lat": NaN, "lon": 1}}', JSON),
    ("Infinity", b'{"name": "a", "region": "150602", "experience_years": Infinity}', JSON),
    ("1e400", b'{"name": "a", "region": "150602", "experience_years": 1e400}', JSON),
    ("name of a megabyte", json.dumps({"name": "王" * 400_000, "region": "150602"}).encode(), JSON),
    ("3 MB body", b'{"name": "' + b"a" * 3_000_000 + b'", "region": "150602"}', JSON),
    ("text/plain", json.dumps(sample_worker()).encode(), {"Content-Type": "text/plain"}),
    ("form", b"name=a&region=150602", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("xml", b"<worker/>", {"Content-Type": "application/xml"}),
    ("invalid utf-8", b'{"name": "\xff\xfe", "region": "150602"}', JSON),
    ("bidi override and zero-width only", json.dumps({"name": "\u202e\u200b", "region": "abc\u200b"}).encode(), JSON),
    ("unknown field", json.dumps(sample_worker(password="x")).encode(), JSON),
    ("too many skills", json.dumps(sample_worker(skills=[{"name": f"s{i}", "proficiency": 3} for i in range(51)])).encode(), JSON),
]

BAD_IF_MATCH = ['"' + "9" * 5000 + '"', '"1.5"', "garbage", '""', '"-1"', 'W/"x"', '"1", "a"']

BAD_LIST_QUERIES: list[dict[str, str]] = [
    {"limit": "100000"}, {"limit": "-1"}, {"limit": "0"}, {"limit": "abc"}, {"limit": "9" * 5000},
    {"cursor": "!!!"}, {"cursor": "x" * 5000}, {"cursor": cursor(["after"])}, {"cursor": cursor({"after": 5})},
    {"cursor": cursor({"after": "\u0000"})}, {"cursor": cursor({"after": "\ud800"})},
    {"cursor": cursor({"after": "x" * 65})}, {"cursor": base64.urlsafe_b64encode(deep(90).encode()).decode()},
    {"region": "99"}, {"region": "1\u00005"}, {"occupation": "9-99"}, {"occupation": "6\u0000"},
    {"status": "deleted"}, {"level": "grandmaster"}, {"agency_id": "\u0000"},
]


def problem_failures(response, label: str) -> list[str]:
    if response.status_code >= 500 or not 400 <= response.status_code < 500:
        return [f"{label}: {response.status_code} {response.text[:200]}"]
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return [f"{label}: {response.status_code} answered {response.headers.get('content-type')}"]
    return []


def test_hostile_input_is_a_problem_never_a_500_and_writes_nothing(profiles: ProfilesEnv):
    owner = random_id("w")
    headers = auth("worker", owner)
    profiles.create_as_worker(owner)
    version_before = profiles.client.get(f"/v1/workers/{owner}", headers=headers).json()["version"]
    events_before, workers_before = len(profiles.events()), profiles.count(store.workers)
    failures: list[str] = []
    for label, body, content_type in BAD_BODIES:
        creator = auth("worker", random_id("w"))
        failures += problem_failures(profiles.client.post("/v1/workers", content=body, headers={**creator, **content_type}),
                                     f"POST {label}")
        failures += problem_failures(profiles.client.put(f"/v1/workers/{owner}", content=body,
                                                         headers={**headers, **content_type}), f"PUT {label}")
        patch_type = {"Content-Type": "application/merge-patch+json"} if content_type == JSON else content_type
        failures += problem_failures(profiles.client.patch(f"/v1/workers/{owner}", content=body,
                                                           headers={**headers, **patch_type}), f"PATCH {label}")
    for value in BAD_IF_MATCH:
        tagged = {**headers, "If-Match": value}
        failures += problem_failures(profiles.client.put(f"/v1/workers/{owner}", json=sample_worker(name="改名"),
                                                         headers=tagged), f"PUT If-Match {value[:20]}")
        failures += problem_failures(profiles.client.patch(f"/v1/workers/{owner}", json={"name": "改名"},
                                                           headers=tagged), f"PATCH If-Match {value[:20]}")
        failures += problem_failures(profiles.client.delete(f"/v1/workers/{owner}", headers=tagged),
                                     f"DELETE If-Match {value[:20]}")
    for params in BAD_LIST_QUERIES:
        failures += problem_failures(profiles.client.get("/v1/workers", params=params, headers=AGENCY), f"GET list {params}")
    for bad_id in ("a" * 65, "..", "w%00x", "w x"):
        failures += problem_failures(profiles.client.get(f"/v1/workers/{bad_id}", headers=headers), f"GET id {bad_id}")
    assert failures == []
    # nothing half-written: no new row, no new event, the profile untouched
    assert profiles.count(store.workers) == workers_before
    assert len(profiles.events()) == events_before
    assert profiles.client.get(f"/v1/workers/{owner}", headers=headers).json()["version"] == version_before


@pytest.mark.parametrize("raw", [b'"\xb2"', b'"1", "\xb9"', b'"\xd9\xa3"'])
def test_if_match_with_non_ascii_digits_is_invalid_input(raw: bytes):
    # `'²'.isdigit()` is True but int('²') fails: the kit must refuse it as input, not crash.
    request = Request({"type": "http", "headers": [(b"if-match", raw)]})
    with pytest.raises(InvalidInput):
        parse_if_match(request)


# --- bulk import ------------------------------------------------------------------------------------


@pytest.fixture
def small(store_backend) -> Iterator[ProfilesEnv]:
    settings = Settings(**settings_kwargs(store_backend), import_batch_size=4, import_max_rows=30,
                        import_max_row_bytes=65_536, import_max_bytes=400_000)
    app = create_app(settings, runtime=runtime_for("profiles", settings, store_backend))
    with TestClient(app) as client:
        yield ProfilesEnv(app, client, store_backend.name)


def test_an_unparsable_row_fails_alone_and_the_import_goes_on(small: ProfilesEnv):
    body = jsonl(
        sample_worker(name="甲"),
        '{"name": "乙", "region": "150602", "x": ' + deep(20_000) + "}",  # deeper than the parser goes
        '{"name": "丙", "region": "150602", "experience_years": 1' + "0" * 5000 + "}",  # int() refuses it
        sample_worker(name="丁"),
    )
    response = small.client.post("/v1/workers/import", content=body, headers={**AGENCY, "Content-Type": "application/x-ndjson"})
    assert response.status_code == 202, response.text
    job = small.wait_for_job(response.headers["location"], AGENCY)
    assert job["status"] == "done", job
    assert (job["ok"], job["failed"]) == (2, 2)
    outcomes = {r["row"]: r for r in job["results"]["items"]}
    assert [outcomes[n]["outcome"] for n in (1, 2, 3, 4)] == ["created", "failed", "failed", "created"]
    assert outcomes[2]["errors"][0]["field"] == "row"


def test_an_unparsable_csv_cell_fails_its_row_alone(small: ProfilesEnv):
    body = ("name,region,skills\n甲,150602,\n乙,150602," + deep(3000) + "\n丙,150602,[]\n").encode()
    response = small.client.post("/v1/workers/import", content=body, headers={**AGENCY, "Content-Type": "text/csv"})
    assert response.status_code == 202, response.text
    job = small.wait_for_job(response.headers["location"], AGENCY)
    assert job["status"] == "done", job
    assert [r["outcome"] for r in job["results"]["items"]] == ["created", "failed", "created"]
    assert job["results"]["items"][1]["errors"][0]["field"] == "skills"


@pytest.mark.parametrize("position", [{"row": 10**30}, {"row": 2**63}, {"row": -(10**30)}, {"row": True},
                                      {"row": 1.5}, {"row": "1"}, {"row": None}, ["row"]])
def test_a_tampered_results_cursor_is_invalid_input(small: ProfilesEnv, position):
    response = small.client.post("/v1/workers/import", content=jsonl(sample_worker()),
                                 headers={**AGENCY, "Content-Type": "application/x-ndjson"})
    location = response.headers["location"]
    small.wait_for_job(location, AGENCY)
    answer = small.client.get(location, params={"cursor": cursor(position)}, headers=AGENCY)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "query.cursor"


def test_uploads_a_dead_process_left_behind_are_deleted_at_start(small: ProfilesEnv):
    importer = small.app.state.importer
    long_ago = time.time() - 3600

    def leave(job_id: str, status: str | None) -> Any:
        path = importer.upload_path(job_id)
        path.write_bytes(jsonl(sample_worker()))  # contact data of a person, on disk
        os.utime(path, (long_ago, long_ago))
        if status is not None:
            at = dt.datetime.now(dt.UTC) - (dt.timedelta(hours=1) if status == "running" else dt.timedelta(0))
            with small.engine.begin() as conn:
                store.ProfilesStore(conn).create_import_job(store.ImportJob(
                    id=job_id, owner_role="agency", owner_id="org-a", format="jsonl", charset="utf-8", status=status,
                    total=1, processed=0, ok=0, failed=0, detail=None, created_at=at, updated_at=at, finished_at=None))
        return path

    dead_job = leave(random_id("imp"), "running")  # its process died an hour ago
    orphan = leave(random_id("imp"), None)  # the process died before recording the job
    live = leave(random_id("imp"), "queued")  # another process is still on it (fresh updated_at)
    importer.start()
    assert not dead_job.exists()
    assert not orphan.exists()
    assert live.exists()


# --- concurrency -------------------------------------------------------------------------------------


def test_two_puts_with_the_same_if_match_one_wins_the_other_is_412(profiles: ProfilesEnv, monkeypatch):
    owner = random_id("w")
    headers = {**auth("worker", owner), "If-Match": '"1"'}
    profiles.create_as_worker(owner)
    events_before = len(profiles.events())
    # Both requests read the profile before either writes, unless the store serialises them (which
    # it must): the read waits for the other request for a moment, then goes on.
    meet = threading.Barrier(2)
    read = store.ProfilesStore.get_worker

    def get_worker_then_meet(*args, **kwargs):
        found = read(*args, **kwargs)
        if kwargs.get("for_update"):
            try:
                meet.wait(timeout=1.5)
            except threading.BrokenBarrierError:
                pass
        return found

    monkeypatch.setattr(store.ProfilesStore, "get_worker", get_worker_then_meet)
    start = threading.Barrier(2)

    def put(name: str):
        start.wait()
        return profiles.client.put(f"/v1/workers/{owner}", json=sample_worker(name=name), headers=headers)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(put, ["甲", "乙"]))
    assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    assert winner["version"] == 2
    assert [(e.type, e.entityversion) for e in profiles.events(owner)[-1:]] == [("worker.upserted", 2)]
    assert len(profiles.events()) == events_before + 1


# --- personal data in logs ---------------------------------------------------------------------------


def test_no_personal_data_reaches_the_logs(small: ProfilesEnv, caplog):
    caplog.set_level(logging.DEBUG)
    owner = random_id("w")
    headers = auth("worker", owner)
    small.create_as_worker(owner)
    small.client.put(f"/v1/workers/{owner}", json=sample_worker(contact={"phone": "13800000001x"}), headers=headers)
    small.client.patch(f"/v1/workers/{owner}", json={"contact": {"email": "wjg@example.com\u0000"}}, headers=headers)
    small.client.post("/v1/workers", json=sample_worker(), headers=headers)  # 409
    response = small.client.post("/v1/workers/import", headers={**AGENCY, "Content-Type": "application/x-ndjson"},
                                 content=jsonl(sample_worker(), sample_worker(contact={"phone": "x13800000001"}), "{bad"))
    small.wait_for_job(response.headers["location"], AGENCY)
    small.client.delete(f"/v1/workers/{owner}", headers=headers)
    text = "\n".join(f"{r.getMessage()} {r.args!r} {r.__dict__.get('extra', '')}" for r in caplog.records)
    assert caplog.records  # the access log did run
    for secret in PERSONAL:
        assert secret not in text


# --- erasure and the idempotency cache ------------------------------------------------------------


class FailingDeletes:
    """The key-value port with its delete failing (Redis down at the wrong moment); the rest works."""

    def __init__(self, inner):
        self.inner = inner

    def delete(self, *keys: str) -> int:
        raise ConnectionError("key-value store unreachable")

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def test_an_erasure_that_cannot_drop_the_cached_answer_rolls_back_and_can_be_retried(profiles: ProfilesEnv):
    agency = auth("agency", "staff-1", org="org-a")
    created = profiles.client.post("/v1/workers", json=sample_worker(),
                                   headers={**agency, "Idempotency-Key": random_id("idem")}).json()
    with profiles.engine.connect() as conn:
        replay_key = store.ProfilesStore(conn).replay_key_of(created["id"])
    kv = profiles.app.state.key_value
    assert kv.get(replay_key) is not None  # the first answer, with the phone and e-mail, is cached
    deps = profiles.app.state.deps
    profiles.app.state.deps = dataclasses.replace(deps, key_value=FailingDeletes(kv))
    try:
        refused = profiles.client.delete(f"/v1/workers/{created['id']}", headers=agency)
    finally:
        profiles.app.state.deps = deps
    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    # nothing was erased, so nothing is left behind: the row (and with it the replay key) stays
    assert profiles.client.get(f"/v1/workers/{created['id']}", headers=agency).status_code == 200
    assert [e.type for e in profiles.events(created["id"])] == ["worker.upserted"]
    retried = profiles.client.delete(f"/v1/workers/{created['id']}", headers=agency)
    assert retried.status_code == 204
    assert kv.get(replay_key) is None
    assert [e.type for e in profiles.events(created["id"])] == ["worker.erased"]


def test_a_store_that_cannot_be_reached_answers_503_problem_json_and_nothing_half_written(profiles: ProfilesEnv,
                                                                                         tmp_path):
    import sqlalchemy as sa

    from services.common.uow import SqlUnitOfWork

    owner = random_id("w")
    profiles.create_as_worker(owner)
    events_before = len(profiles.events())
    broken = sa.create_engine(f"sqlite:///{tmp_path / 'gone' / 'profiles.db'}")
    deps = profiles.app.state.deps
    profiles.app.state.deps = dataclasses.replace(deps, uow=SqlUnitOfWork(broken, store.ProfilesStore, store.OUTBOX))
    try:
        read = profiles.client.get(f"/v1/workers/{owner}", headers=auth("worker", owner))
        write = profiles.client.patch(f"/v1/workers/{owner}", json={"experience_years": 2},
                                      headers=auth("worker", owner))
    finally:
        profiles.app.state.deps = deps
        broken.dispose()
    for answer in (read, write):
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["type"].endswith("unavailable") and "profiles.db" not in answer.text
    assert profiles.client.get(f"/v1/workers/{owner}", headers=auth("worker", owner)).json()["version"] == 1
    assert len(profiles.events()) == events_before
