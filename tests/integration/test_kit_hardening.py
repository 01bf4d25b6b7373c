"""The kit's promises through HTTP on real services (issue 13, items 2 and 5).

- An `Idempotency-Key` belongs to the caller (role, subject, org), not to the token string, and
  survives a restart of the service (DESIGN §3): a retry never makes a second resource.
- A hostile cursor (deeply nested JSON inside base64) is a 422 naming `query.cursor`, never a 500,
  even on a route that needs no token.
"""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa

from services.jobs import store as jobs_store
from tests.integration.jobs_harness import ORG, build_jobs, posting_body
from tests.integration.test_market_support import harness  # noqa: F401 — fixture
from tests.support import auth, random_id

pytestmark = pytest.mark.integration


def _postings(jobs) -> int:
    with jobs.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(jobs_store.postings)).scalar_one()


def test_two_fresh_tokens_of_one_employer_with_one_key_make_one_posting(store_backend):
    key = random_id("idem")
    for jobs in build_jobs(store_backend):
        first = jobs.client.post("/v1/postings", json=posting_body(),
                                 headers={**auth("employer", "emp-1", org=ORG), "Idempotency-Key": key})
        retry = jobs.client.post("/v1/postings", json=posting_body(),
                                 headers={**auth("employer", "emp-1", org=ORG), "Idempotency-Key": key})
        assert first.status_code == retry.status_code == 201, retry.text
        assert retry.json()["id"] == first.json()["id"]
        assert retry.headers["idempotent-replayed"] == "true"
        assert _postings(jobs) == 1
        other_employer = jobs.client.post("/v1/postings", json=posting_body(),
                                          headers={**auth("employer", "emp-2", org=ORG), "Idempotency-Key": key})
        assert other_employer.status_code == 201 and other_employer.json()["id"] != first.json()["id"]
        changed = jobs.client.post("/v1/postings", json=posting_body(title="另一个岗位"),
                                   headers={**auth("employer", "emp-1", org=ORG), "Idempotency-Key": key})
        assert changed.status_code == 422
        assert changed.json()["errors"][0]["field"] == "header.Idempotency-Key"
        assert _postings(jobs) == 2


def test_a_retry_after_a_restart_of_the_service_makes_no_second_posting(store_backend):
    """The embedded run keeps the first answer in a SQLite file beside the store, not in memory."""
    key = random_id("idem")
    headers = {**auth("employer", "emp-1", org=ORG), "Idempotency-Key": key}
    for jobs in build_jobs(store_backend):
        first = jobs.client.post("/v1/postings", json=posting_body(), headers=headers)
        assert first.status_code == 201
    # the app's lifespan ended and its runtime closed: a new process starts on the same home
    assert (store_backend.home / "jobs-kv.db").exists()
    for jobs in build_jobs(store_backend):
        retry = jobs.client.post("/v1/postings", json=posting_body(),
                                 headers={**auth("employer", "emp-1", org=ORG), "Idempotency-Key": key})
        assert retry.status_code == 201, retry.text
        assert retry.json()["id"] == first.json()["id"]
        assert retry.headers["idempotent-replayed"] == "true"
        assert _postings(jobs) == 1


def _hostile_cursor(depth: int = 3000) -> str:
    return base64.urlsafe_b64encode(b"[" * depth).decode()


def test_a_deeply_nested_cursor_on_a_public_route_is_a_422_naming_the_cursor(harness):  # noqa: F811
    response = harness.get("/v1/market/reports", headers=None, cursor=_hostile_cursor())
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["query.cursor"]
    huge = harness.get("/v1/market/reports", headers=None, cursor="A" * 60_000)
    assert huge.status_code == 422 and huge.json()["errors"][0]["field"] == "query.cursor"


def test_a_deeply_nested_cursor_on_an_owned_list_is_a_422(store_backend):
    for jobs in build_jobs(store_backend):
        response = jobs.client.get("/v1/postings", params={"cursor": _hostile_cursor()},
                                   headers=auth("employer", "emp-1", org=ORG))
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["query.cursor"]


# --- the HTTP server's own answers (uvicorn with the kit's protocol) ----------------------------


@pytest.fixture(params=["httptools", "h11"])
def served(request):
    """A kit app behind uvicorn with `server_options` as `talentflow serve` runs it (short deadline),
    on each of the two HTTP protocols the kit bounds (httptools on uvloop is the default)."""
    import threading
    import time

    import uvicorn
    from fastapi import APIRouter

    from services.common.adapters.kv_memory import MemoryKeyValue
    from services.common.auth import TokenIssuer
    from services.common.serving import server_options
    from services.common.web import create_service_app
    from tests.fixtures.infra import free_port

    app = create_service_app(service="probe", title="probe", version="0", token_issuer=TokenIssuer(["k" * 40]),
                             key_value=MemoryKeyValue(), routers=[APIRouter()], checks={})
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           **server_options(header_timeout_s=0.5, http=request.param)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def _exchange(port: int, payload: bytes, *, wait_s: float = 5.0) -> tuple[bytes, float]:
    import socket
    import time

    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as sock:
        start = time.monotonic()
        sock.sendall(payload)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received, time.monotonic() - start


def test_a_request_that_is_not_http_gets_a_problem_json_400(served):
    raw, _ = _exchange(served, b"NOT HTTP AT ALL\r\n\r\n")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400")
    assert b"content-type: application/problem+json" in head.lower()
    assert b'"status": 400' in body


def test_unfinished_headers_over_the_cap_get_a_problem_json_400_at_once(served):
    raw, elapsed = _exchange(served, b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 40_000)
    assert raw.startswith(b"HTTP/1.1 400") and b"application/problem+json" in raw
    assert elapsed < 0.5  # refused on size, before the header deadline


def test_a_connection_that_never_finishes_its_headers_is_closed_with_408(served):
    raw, elapsed = _exchange(served, b"GET /healthz HTTP/1.1\r\nhost: x\r\n")  # no blank line, ever
    assert raw.startswith(b"HTTP/1.1 408") and b"application/problem+json" in raw
    assert elapsed < 3  # the deadline (0.5 s here, 10 s by default), not the client's patience


def test_a_kept_alive_connection_still_serves_and_then_bounds_the_next_headers(served):
    import socket

    with socket.create_connection(("127.0.0.1", served), timeout=5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        first = b""
        while not first.endswith(b'"probe"}'):
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        sock.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")  # a second request that stalls
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
        assert rest.startswith(b"HTTP/1.1 408")
