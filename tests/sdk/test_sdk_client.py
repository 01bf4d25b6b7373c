"""The SDK's hand-written layer against httpx.MockTransport: idempotency keys, retries, typed
problems, cursor iteration, sync and async; the package stands alone (no `services` import)."""

from __future__ import annotations

import asyncio
import email.utils
import json
import subprocess
import sys
import time

import httpx
import pytest

from talentflow_client import (
    AsyncTalentFlow, Conflict, NotFound, PreconditionFailed, RetryPolicy, ServiceUnavailable, TalentFlow, Unauthorized,
    Unreachable, ValidationProblem,
)
from talentflow_client.transport import retry_after_s

pytestmark = pytest.mark.unit

URLS = {s: f"http://{s}.test" for s in ("profiles", "jobs", "matching", "notify")}
PROBLEM = {"content-type": "application/problem+json"}
WORKER = {"id": "w_1", "name": "王建国", "region": "150602", "province": "15", "city": "1506", "version": 1,
          "created_at": "2026-12-01T00:00:00+00:00", "updated_at": "2026-12-01T00:00:00+00:00",
          "skills": [{"name": "氩弧焊", "proficiency": 5, "years": 12}], "status": "active"}


def client(handler, sleeps: list[float] | None = None, attempts: int = 4) -> TalentFlow:
    tf = TalentFlow("tok", base_urls=URLS, transport=httpx.MockTransport(handler),
                    retry=RetryPolicy(attempts=attempts, base_delay_s=0.01))
    tf._transport.sleep = (sleeps.append if sleeps is not None else (lambda s: None))
    return tf


def test_a_post_gets_one_idempotency_key_kept_for_its_retries_and_retry_after_is_honoured():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503, headers={**PROBLEM, "retry-after": "2"}, json={"status": 503, "title": "Unavailable"})
        if len(seen) == 2:
            return httpx.Response(429, headers={**PROBLEM, "retry-after": "1"}, json={"status": 429, "title": "Too many"})
        return httpx.Response(201, json={**WORKER, "worker_token": "t"})

    sleeps: list[float] = []
    created = client(handler, sleeps).workers.create({"name": "王建国", "region": "150602"})
    assert created.id == "w_1" and created.name == "王建国"
    keys = {r.headers["idempotency-key"] for r in seen}
    assert len(seen) == 3 and len(keys) == 1 and len(keys.pop()) >= 32
    assert sleeps == [2.0, 1.0]
    assert all(r.headers["authorization"] == "Bearer tok" for r in seen)
    assert json.loads(seen[-1].content) == {"name": "王建国", "region": "150602"}


def test_a_callers_key_is_sent_as_given_and_gets_have_none():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return httpx.Response(200, json=WORKER)
        return httpx.Response(201, json=WORKER)

    tf = client(handler)
    tf.workers.create({"name": "x", "region": "150602"}, idempotency_key="roster-2026-12-01")
    tf.workers.get("w_1")
    assert seen[0].headers["idempotency-key"] == "roster-2026-12-01"
    assert "idempotency-key" not in seen[1].headers
    assert seen[0].url == "http://profiles.test/v1/workers" and seen[1].url == "http://profiles.test/v1/workers/w_1"


def test_retry_after_as_an_http_date_and_a_too_long_wait_ends_the_retries():
    now = time.time()
    assert retry_after_s(email.utils.formatdate(now + 30, usegmt=True), now=lambda: now) == pytest.approx(30, abs=1)
    assert retry_after_s("soon") is None and retry_after_s(None) is None

    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(503, headers={**PROBLEM, "retry-after": "3600"}, json={"title": "down", "status": 503})

    with pytest.raises(ServiceUnavailable) as caught:
        client(handler).workers.get("w_1")
    assert len(calls) == 1 and caught.value.retry_after == "3600"


def test_503_without_retry_after_backs_off_then_raises_after_the_attempts():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(503, headers=PROBLEM, json={"title": "down", "status": 503, "detail": "store down"})

    sleeps: list[float] = []
    with pytest.raises(ServiceUnavailable, match="store down"):
        client(handler, sleeps, attempts=3).workers.list()
    assert len(calls) == 3 and len(sleeps) == 2 and all(0 <= s <= 0.02 for s in sleeps)


def test_a_connection_refused_is_retried_then_raised_as_unreachable():
    calls = []

    def handler(request):
        calls.append(1)
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(Unreachable, match="profiles.test"):
        client(handler, attempts=2).workers.create({"name": "x", "region": "150602"})
    assert len(calls) == 2


def test_a_409_with_retry_after_is_retried_only_for_a_keyed_request():
    answers = iter([httpx.Response(409, headers={**PROBLEM, "retry-after": "1"}, json={"status": 409, "title": "Conflict"}),
                    httpx.Response(201, json=WORKER)])
    assert client(lambda r: next(answers)).workers.create({"name": "x", "region": "150602"}).id == "w_1"

    def stale(request):
        return httpx.Response(409, headers=PROBLEM, json={"status": 409, "title": "Conflict", "detail": "closed"})

    with pytest.raises(Conflict, match="closed"):
        client(stale).postings.close("p_1")


def test_problems_are_typed_exceptions_naming_the_fields():
    def handler(request):
        if request.url.path == "/v1/workers":
            return httpx.Response(422, headers=PROBLEM, json={
                "type": "https://talentflow.example/problems/validation", "title": "Invalid input", "status": 422,
                "detail": "invalid fields", "errors": [
                    {"field": "body.skills.0.proficiency", "message": "must be 1-5", "type": "less_than_equal"},
                    {"field": "body.region", "message": "Field required", "type": "missing"}]})
        if request.method == "PATCH":
            return httpx.Response(412, headers=PROBLEM, json={"title": "Precondition failed", "status": 412})
        if "w_gone" in request.url.path:
            return httpx.Response(404, headers=PROBLEM, json={"title": "Not found", "status": 404, "detail": "no such worker"})
        return httpx.Response(401, headers={**PROBLEM, "www-authenticate": "Bearer"}, json={"title": "Auth", "status": 401})

    tf = client(handler)
    with pytest.raises(ValidationProblem) as caught:
        tf.workers.create({"name": "x"})
    assert caught.value.fields == ["body.skills.0.proficiency", "body.region"]
    assert caught.value.errors[0].message == "must be 1-5" and "body.region: Field required" in str(caught.value)
    with pytest.raises(NotFound, match="no such worker"):
        tf.workers.get("w_gone")
    with pytest.raises(PreconditionFailed):
        tf.workers.patch("w_1", {"experience_years": 3}, if_match=1)
    with pytest.raises(Unauthorized):
        tf.postings.get("p_1")


def test_if_match_takes_a_version_or_an_etag():
    seen = []

    def handler(request):
        seen.append(request.headers.get("if-match"))
        return httpx.Response(200, json=WORKER)

    tf = client(handler)
    tf.workers.patch("w_1", {"experience_years": 3}, if_match=3)
    tf.workers.replace("w_1", {"name": "x", "region": "150602"}, if_match='"4"')
    assert seen == ['"3"', '"4"']


def pages(request: httpx.Request) -> httpx.Response:
    cursor = request.url.params.get("cursor")
    start = int(cursor) if cursor else 0
    limit = int(request.url.params.get("limit", 2))
    items = [{**WORKER, "id": f"w_{i}"} for i in range(start, min(start + limit, 5))]
    following = str(start + limit) if start + limit < 5 else None
    return httpx.Response(200, json={"items": items, "next_cursor": following})


def test_iter_follows_the_cursor_through_every_page():
    assert [w.id for w in client(pages).workers.iter(page_size=2)] == [f"w_{i}" for i in range(5)]
    assert [w.id for w in client(pages).workers.iter(page_size=2, region="1506")] == [f"w_{i}" for i in range(5)]


def test_the_async_client_does_the_same():
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST" and len(seen) == 1:
            return httpx.Response(503, headers={**PROBLEM, "retry-after": "0"}, json={"status": 503, "title": "x"})
        if request.method == "POST":
            return httpx.Response(201, json=WORKER)
        return pages(request)

    async def scenario():
        async with AsyncTalentFlow("tok", base_urls=URLS, transport=httpx.MockTransport(handler)) as tf:
            created = await tf.workers.create({"name": "x", "region": "150602"})
            ids = [w.id async for w in tf.workers.iter(page_size=2)]
            return created, ids

    created, ids = asyncio.run(scenario())
    assert created.id == "w_1" and ids == [f"w_{i}" for i in range(5)]
    assert seen[0].headers["idempotency-key"] == seen[1].headers["idempotency-key"]


def test_a_gateway_sends_every_service_to_one_url():
    seen = []

    def handler(request):
        seen.append(f"{request.url.scheme}://{request.url.host}{request.url.path}")
        return httpx.Response(200, json={"items": [], "next_cursor": None})

    tf = TalentFlow("tok", gateway="https://api.example.test", transport=httpx.MockTransport(handler))
    tf.workers.list()
    tf.inbox.list()
    assert seen == ["https://api.example.test/v1/workers", "https://api.example.test/v1/inbox"]


def test_an_unknown_argument_says_what_the_operation_takes():
    with pytest.raises(TypeError, match="takes no colour"):
        client(pages).workers.list(colour="red")


def test_the_package_imports_no_service_code():
    code = ("import sys, talentflow_client, talentflow_client.cli, talentflow_client.events; "
            "bad = sorted(m for m in sys.modules if m == 'services' or m.startswith('services.')); "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_optional_body_is_sent_as_given_or_not_at_all():
    seen = []

    def handler(request):
        seen.append((request.content, request.headers.get("content-type")))
        at = "2026-12-01T00:00:00+00:00"
        return httpx.Response(200, json={"id": "inv_1", "org_id": "employer-1", "posting_id": "p", "worker_id": "w",
                                         "status": "accepted", "version": 2, "created_at": at, "updated_at": at,
                                         "expires_at": at})

    tf = client(handler)
    tf.invitations.accept("inv_1")
    tf.invitations.accept("inv_1", share_contact=True)
    assert seen[0] == (b"", None)
    assert json.loads(seen[1][0]) == {"share_contact": True} and seen[1][1] == "application/json"


def test_a_token_callable_is_asked_per_request_and_again_after_a_401():
    tokens = iter(["old", "new", "newer"])
    seen = []

    def handler(request):
        seen.append(request.headers["authorization"])
        if request.headers["authorization"] == "Bearer old":
            return httpx.Response(401, headers=PROBLEM, json={"status": 401, "title": "expired"})
        return httpx.Response(200, json=WORKER)

    tf = TalentFlow(lambda: next(tokens), base_urls=URLS, transport=httpx.MockTransport(handler))
    assert tf.workers.get("w_1").id == "w_1"
    assert tf.workers.get("w_1").id == "w_1"
    assert seen == ["Bearer old", "Bearer new", "Bearer newer"]

    fixed = TalentFlow("static", base_urls=URLS, transport=httpx.MockTransport(
        lambda r: httpx.Response(401, headers=PROBLEM, json={"status": 401, "title": "expired"})))
    with pytest.raises(Unauthorized):
        fixed.workers.get("w_1")


def test_any_operation_by_id_and_the_generated_functions_share_the_retrying_client():
    from talentflow_client.generated.matching.api.taxonomy import taxonomy_skills

    seen = []

    def handler(request):
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(503, headers={**PROBLEM, "retry-after": "0"}, json={"status": 503, "title": "x"})
        return httpx.Response(200, json={"items": [{"name": "氩弧焊", "synonyms": ["TIG焊"]}]})

    tf = client(handler)
    assert tf.call("taxonomy_skills", q="焊", limit=5) == {"items": [{"name": "氩弧焊", "synonyms": ["TIG焊"]}]}
    assert seen[-1].url.path == "/v1/taxonomy/skills" and seen[-1].url.params["q"] == "焊"
    assert seen[-1].url.host == "matching.test" and len(seen) == 2  # retried once after the 503
    answer = taxonomy_skills.sync_detailed(client=tf.raw("matching"), q="焊")
    assert answer.status_code == 200 and seen[-1].headers["authorization"] == "Bearer tok"
