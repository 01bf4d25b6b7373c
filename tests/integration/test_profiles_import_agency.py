"""What an agency gets from a bulk import (issue 13, items 2 and 3), through HTTP on SQLite and
PostgreSQL: a retried upload with its Idempotency-Key answers the first job and imports nothing
twice; the end of a job is announced (`import.completed`, in the outbox with the job's last
counts); each created worker's token is one call away, or a page of them at once."""

from __future__ import annotations

import pytest

from services.common.auth import TokenIssuer
from tests.integration.test_profiles_helpers import ProfilesEnv, jsonl, sample_worker
from tests.integration.test_profiles_import import AGENCY, NDJSON, run, small, upload  # noqa: F401  (small is a fixture)
from tests.support import TEST_KEY, auth

pytestmark = pytest.mark.integration

ROWS = jsonl(sample_worker(name="甲"), "{oops", sample_worker(name="乙"), sample_worker(name="丙"))


def _workers_of(env: ProfilesEnv, headers=AGENCY) -> int:
    return len(env.client.get("/v1/workers", params={"limit": 200}, headers=headers).json()["items"])


def test_a_retried_upload_answers_the_first_job_and_imports_nothing_twice(small: ProfilesEnv):
    key = {"Idempotency-Key": "roster-2026-12-03"}
    first = upload(small, ROWS, {**AGENCY, **key})
    assert first.status_code == 202, first.text
    job = small.wait_for_job(first.headers["location"], AGENCY)
    assert job["ok"] == 3
    # the retry comes with a fresh token of the same caller (the key is the caller's, not the token's)
    same_caller = auth("agency", "staff-1", org="org-a")
    assert same_caller != AGENCY
    again = upload(small, ROWS, {**same_caller, **key})
    assert again.status_code == 202, again.text
    assert again.json()["id"] == job["id"] and again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert _workers_of(small) == 3
    assert [e.subject for e in small.events() if e.type == "import.completed"] == [job["id"]]

    # the same key with other bytes is refused; another caller's same key is its own
    other = upload(small, jsonl(sample_worker(name="丁")), {**AGENCY, **key})
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "header.Idempotency-Key"
    colleague = upload(small, ROWS, {**auth("agency", "staff-2", org="org-a"), **key})
    assert colleague.status_code == 202 and colleague.json()["id"] != job["id"]
    # without a key every upload is a new job
    assert upload(small, ROWS).json()["id"] not in (job["id"], colleague.json()["id"])


def test_a_refused_upload_does_not_keep_its_key(small: ProfilesEnv):
    key = {"Idempotency-Key": "k-1"}
    refused = upload(small, b"name,age\nx,1\n", {**AGENCY, **key}, content_type={"Content-Type": "text/csv"})
    assert refused.status_code == 422
    fixed = upload(small, ROWS, {**AGENCY, **key})
    assert fixed.status_code == 202 and "idempotent-replayed" not in fixed.headers
    too_long = upload(small, ROWS, {**AGENCY, "Idempotency-Key": "x" * 201})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "header.Idempotency-Key"


def test_the_end_of_an_import_is_announced_with_its_counts(small: ProfilesEnv):
    job = run(small, ROWS)
    announced = [e for e in small.events() if e.type == "import.completed"]
    assert len(announced) == 1
    event = announced[0]
    assert event.subject == job["id"] and event.entityversion == 1
    assert event.dataschema == "urn:talentflow:events:import.completed:v1"
    data = event.parsed()
    assert (data.owner_role, data.org_id, data.status, data.format) == ("agency", "org-a", "done", "jsonl")
    assert (data.total, data.processed, data.ok, data.failed) == (4, 4, 3, 1)
    assert data.url == f"/v1/workers/import/{job['id']}"
    # counts only: no names, rows or contact data travel in it
    assert "甲" not in event.model_dump_json() and "13800000001" not in event.model_dump_json()


def test_each_created_worker_comes_with_the_way_to_its_token(small: ProfilesEnv):
    job = run(small, ROWS, limit=100)
    created = [r for r in job["results"]["items"] if r["outcome"] == "created"]
    assert len(created) == 3
    failed = next(r for r in job["results"]["items"] if r["outcome"] == "failed")
    assert failed["worker_token_url"] is None
    url = created[0]["worker_token_url"]
    assert url == f"/v1/workers/{created[0]['worker_id']}/token"
    issued = small.client.post(url, headers=AGENCY)
    assert issued.status_code == 200, issued.text
    worker = TokenIssuer([TEST_KEY]).verify(issued.json()["worker_token"])
    assert (worker.role.value, worker.subject) == ("worker", created[0]["worker_id"])

    # or a page of tokens at once, in row order; a worker erased since gets an error instead
    erased = created[1]["worker_id"]
    assert small.client.delete(f"/v1/workers/{erased}", headers=AGENCY).status_code == 204
    tokens_url = f"/v1/workers/import/{job['id']}/tokens"
    page = small.client.post(tokens_url, params={"limit": 2}, headers=AGENCY)
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    body = page.json()
    assert [t["worker_id"] for t in body["items"]] == [r["worker_id"] for r in created[:2]]
    assert body["items"][0]["worker_token"] and body["items"][1]["worker_token"] is None
    assert body["items"][1]["error"]
    rest = small.client.post(tokens_url, params={"cursor": body["next_cursor"]}, headers=AGENCY).json()
    assert [t["worker_id"] for t in rest["items"]] == [created[2]["worker_id"]] and rest["next_cursor"] is None
    token = TokenIssuer([TEST_KEY]).verify(rest["items"][0]["worker_token"])
    assert token.subject == created[2]["worker_id"]

    # another org's agency and a worker get nothing
    assert small.client.post(tokens_url, headers=auth("agency", "x", org="org-b")).status_code == 404
    assert small.client.post(tokens_url, headers=auth("worker", created[0]["worker_id"])).status_code == 403


def test_a_retry_after_a_restart_still_answers_the_first_job(store_backend):
    from fastapi.testclient import TestClient

    from services.profiles.app import Settings, create_app
    from tests.support import runtime_for, settings_kwargs

    def start() -> tuple[TestClient, ProfilesEnv]:
        settings = Settings(**settings_kwargs(store_backend), import_batch_size=4)
        app = create_app(settings, runtime=runtime_for("profiles", settings, store_backend))
        client = TestClient(app)
        client.__enter__()
        return client, ProfilesEnv(app, client, store_backend.name)

    key = {"Idempotency-Key": "after-a-crash"}
    client, env = start()
    first = upload(env, ROWS, {**AGENCY, **key})
    assert first.status_code == 202, first.text
    env.wait_for_job(first.headers["location"], AGENCY)
    client.__exit__(None, None, None)  # the process goes away; the client retries on the next one

    client, env = start()
    try:
        again = upload(env, ROWS, {**AGENCY, **key})
        assert again.status_code == 202 and again.json()["id"] == first.json()["id"]
        assert again.headers["idempotent-replayed"] == "true"
        assert _workers_of(env) == 3
    finally:
        client.__exit__(None, None, None)
