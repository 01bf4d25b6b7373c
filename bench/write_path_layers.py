"""The profile write path, layer by layer (issue 15): CPU per write of each layer, in this process.

    python -m bench.write_path_layers [--n 2000] [--json out.json]

Each layer is timed on its own with `time.process_time()` (CPU of the whole process, every thread:
a busy machine slows the wall clock, not this), over `--n` repetitions after a warm-up, on a
temporary TALENTFLOW_HOME (SQLite, the local event log) with the profiles service's own code:

- `auth`: the bearer token check (`TokenIssuer.verify_header`, pyjwt HS256);
- `validation`: the body as FastAPI reads it (`json.loads`, then `WorkerIn.model_validate`), and
  `model_validate_json` (what a lean path would call);
- `handler`: `handlers.create_worker` (checks, the transaction with the profile row and
  its outbox row, the commit, the person's worker token), and its parts: building the event
  (`domain.upserted_event`), encoding it (`events.encode`), `ProfilesStore.insert_workers` + `Outbox.add`
  in one transaction with the commit, the commit alone (an empty `BEGIN IMMEDIATE`/`COMMIT` on the
  same SQLite file), and issuing the worker token;
- `response`: `domain.worker_view` + the profiles API's `json_response`;
- `asgi`: the whole FastAPI app called in process (no HTTP server) through an ASGI driver, as
  built by `create_app`, then without `IdempotencyMiddleware`, without `RequestContextMiddleware`,
  without both: their cost is the difference.

The HTTP server layer (uvicorn h11 against httptools + uvloop) needs a server and wrk: see
`bench/write_path_server.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIGNING_KEY = "layers-" + "0123456789abcdef" * 4


def cpu_us_per_call(fn: Callable[[], Any], n: int, *, warmup: int = 50, rounds: int = 3) -> float:
    """The median over `rounds` of the process CPU µs per call of fn (after `warmup` calls)."""
    for _ in range(warmup):
        fn()
    results = []
    for _ in range(rounds):
        began = time.process_time()
        for _ in range(n):
            fn()
        results.append((time.process_time() - began) / n * 1e6)
    return round(statistics.median(results), 1)


class AsgiDriver:
    """Calls an ASGI app with one POST, in process: scope, a receive that hands the body once, a send
    that keeps the status. The app's lifespan is run first (its workers started) and ended by close()."""

    def __init__(self, app: Any, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.app, self.path, self.body = app, path, body
        self.headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()), *headers]
        self.loop = asyncio.new_event_loop()
        self.statuses: dict[int, int] = {}
        self._lifespan_done: asyncio.Event | None = None
        self.loop.run_until_complete(self._startup())

    async def _startup(self) -> None:
        started = asyncio.Event()
        self._lifespan_done = asyncio.Event()
        messages = [{"type": "lifespan.startup"}]

        async def receive() -> dict:
            if messages:
                return messages.pop()
            await self._lifespan_done.wait()
            return {"type": "lifespan.shutdown"}

        async def send(message: dict) -> None:
            if message["type"] == "lifespan.startup.complete":
                started.set()
            elif message["type"] == "lifespan.startup.failed":
                raise RuntimeError(message.get("message"))

        self._lifespan = self.loop.create_task(self.app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
        await started.wait()

    async def _one(self) -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
                 "path": self.path, "raw_path": self.path.encode(), "query_string": b"", "root_path": "",
                 "headers": self.headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8001)}
        sent = False

        async def receive() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": self.body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                self.statuses[message["status"]] = self.statuses.get(message["status"], 0) + 1

        await self.app(scope, receive, send)

    async def _many(self, n: int) -> None:
        for _ in range(n):
            await self._one()

    def cpu_us_per_call(self, n: int, *, warmup: int = 50, rounds: int = 3) -> float:
        """As the module's cpu_us_per_call, the requests made one after the other inside one run of
        the event loop (as a server's loop runs: the thread pool's threads are reused)."""
        self.loop.run_until_complete(self._many(warmup))
        results = []
        for _ in range(rounds):
            began = time.process_time()
            self.loop.run_until_complete(self._many(n))
            results.append((time.process_time() - began) / n * 1e6)
        return round(statistics.median(results), 1)

    def close(self) -> None:
        assert self._lifespan_done is not None
        self.loop.call_soon_threadsafe(self._lifespan_done.set)
        self.loop.run_until_complete(asyncio.wait_for(self._lifespan, 30))
        self.loop.close()


def without(app: Any, *names: str) -> Any:
    """The FastAPI app with the named kit middlewares left out (before its stack is first built)."""
    app.user_middleware = [m for m in app.user_middleware if m.cls.__name__ not in names]
    app.middleware_stack = None
    return app


def bare_app(issuer: Any, async_route: bool, async_dependency: bool = False) -> Any:
    """FastAPI with one route taking the worker body and the bearer check, answering a fixed 201:
    the framework's own cost per write (routing, dependency, body parsing and validation)."""
    from fastapi import Depends, FastAPI, Request, Response

    from services.profiles.domain import WorkerIn

    # this module's annotations are strings (from __future__): FastAPI resolves them in its globals
    globals().update(WorkerIn=WorkerIn, Request=Request, Response=Response)
    app = FastAPI()

    if async_dependency:
        async def caller(request: Request) -> Any:
            return issuer.verify_header(request.headers.get("authorization"))
    else:
        def caller(request: Request) -> Any:  # type: ignore[misc] — as the kit's current_principal: a sync def
            return issuer.verify_header(request.headers.get("authorization"))

    if async_route:
        @app.post("/v1/workers", status_code=201)
        async def create_async(worker: WorkerIn, principal: Any = Depends(caller)) -> Response:
            return Response(b'{"id":"w-1"}', 201, media_type="application/json")
    else:
        @app.post("/v1/workers", status_code=201)
        def create_sync(worker: WorkerIn, principal: Any = Depends(caller)) -> Response:
            return Response(b'{"id":"w-1"}', 201, media_type="application/json")
    return app


def measure(n: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="tf-layers-"))
    for variable in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "ELASTICSEARCH_URL", "TALENTFLOW_INSTANCE_PREFIX"):
        os.environ.pop(variable, None)
    os.environ.update(TALENTFLOW_HOME=str(home), TALENTFLOW_SIGNING_KEY=SIGNING_KEY, TALENTFLOW_ENV="development")
    import logging

    import sqlalchemy as sa

    from bench.http_writes import worker_templates
    from services.common.auth import Role, TokenIssuer
    from services.common.events import encode
    from services.profiles import app as profiles_app
    from services.profiles import handlers as profiles_handlers
    from services.profiles import domain, store
    from services.profiles.api import json_response
    from services.profiles.domain import WorkerIn

    issuer = TokenIssuer([SIGNING_KEY])
    agency = issuer.issue(Role.agency, "bench-staff", org="bench-agency")
    principal = issuer.verify(agency)
    body = worker_templates(1)[0].body.encode()
    worker = WorkerIn.model_validate_json(body)
    out: dict[str, Any] = {"n": n, "cpu_us": {}}
    cpu = out["cpu_us"]

    cpu["auth: verify the bearer token (pyjwt HS256)"] = cpu_us_per_call(lambda: issuer.verify_header("Bearer " + agency), n)
    cpu["validation: json.loads + WorkerIn.model_validate (as FastAPI)"] = cpu_us_per_call(
        lambda: WorkerIn.model_validate(json.loads(body)), n)
    cpu["validation: WorkerIn.model_validate_json"] = cpu_us_per_call(lambda: WorkerIn.model_validate_json(body), n)

    app = profiles_app.create_app()
    deps = app.state.deps
    engine = app.state.runtime.engine
    logging.getLogger().setLevel(logging.WARNING)  # the access log line is measured in the ASGI layer only
    cpu["handler: handlers.create_worker (all of it, on the unit of work, called directly)"] = cpu_us_per_call(
        lambda: profiles_handlers.create_worker(deps, principal, worker), n)
    now = time.time()
    import datetime as dt

    at = dt.datetime.now(dt.UTC)
    event = domain.upserted_event(worker, worker_id="w-x", version=1, created_at=at, updated_at=at, traceparent=None)
    cpu["handler: domain.upserted_event (the CloudEvent, pydantic)"] = cpu_us_per_call(
        lambda: domain.upserted_event(worker, worker_id="w-x", version=1, created_at=at, updated_at=at, traceparent=None), n)
    cpu["handler: events.encode (the event as bytes)"] = cpu_us_per_call(lambda: encode(event), n)
    document, contact = domain.split_document(worker)
    counter = iter(range(10**9))

    def insert_and_commit() -> None:
        state = domain.ProfileState(id=f"w-layer{next(counter)}", version=1, document=document, contact=contact,
                                    created_at=at, updated_at=at)
        with engine.begin() as conn:
            store.ProfilesStore(conn).insert_workers([state], [domain.occupation_codes(document)])
            store.OUTBOX.add(conn, event.model_copy(update={"id": f"e-{state.id}"}))

    cpu["handler: insert_workers + Outbox.add + commit (DriverStatement in an engine.begin() transaction, SQLite)"] = cpu_us_per_call(insert_and_commit, n)

    import sqlite3
    import uuid

    raw = sqlite3.connect(home / "raw.db", isolation_level=None)
    raw.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE w (id TEXT PRIMARY KEY, "
                      "doc TEXT, contact TEXT, at TEXT); CREATE TABLE o (id INTEGER PRIMARY KEY, event_id TEXT, "
                      "topic TEXT, key TEXT, value BLOB, at TEXT, published_at TEXT);")
    document_json, event_bytes = json.dumps(document, ensure_ascii=False), encode(event).value

    def raw_insert_and_commit() -> None:
        worker_id = f"w-raw{next(counter)}"
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO w VALUES (?, ?, ?, ?)", (worker_id, document_json, "{}", "2026-12-03"))
        raw.execute("INSERT INTO o (event_id, topic, key, value, at) VALUES (?, ?, ?, ?, ?)",
                    (worker_id, "talentflow.workers", worker_id, event_bytes, "2026-12-03"))
        raw.execute("COMMIT")

    cpu["handler: the same two rows + commit with sqlite3 alone (no SQLAlchemy)"] = cpu_us_per_call(raw_insert_and_commit, n)
    cpu["kit: one uuid.uuid4() (request id, event id, traceparent each take one)"] = cpu_us_per_call(uuid.uuid4, n)

    def empty_transaction() -> None:
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT 1"))

    cpu["handler: an empty transaction (begin, SELECT 1, commit)"] = cpu_us_per_call(empty_transaction, n)
    cpu["handler: issue the person's worker token"] = cpu_us_per_call(
        lambda: issuer.issue(Role.worker, "w-x", org=None), n)
    state = domain.ProfileState(id="w-x", version=1, document=document, contact=contact, created_at=at, updated_at=at)
    cpu["response: worker_view + json_response"] = cpu_us_per_call(
        lambda: json_response(domain.worker_view(state), 201, {"ETag": '"1"'}), n)

    # The relay: what publishing one committed event costs, one at a time (a write every few ms) and
    # in batches (writes arriving faster than the relay's turn).
    relay = app.state.relay
    relay.drain(60)
    for batch in (1, 100):
        for _ in range(n):
            insert_and_commit()
        relay.batch_size = batch
        began = time.process_time()
        published = relay.drain(600)
        cpu[f"relay: publish_once per event, {batch} a batch (select, log append, mark sent)"] = round(
            (time.process_time() - began) / max(published, 1) * 1e6, 1)
    relay.batch_size = 500

    import anyio.to_thread

    async def hop() -> None:
        await anyio.to_thread.run_sync(lambda: None)

    async def hops(count: int) -> float:
        await hop()  # the pool's first thread
        began = time.process_time()
        for _ in range(count):
            await hop()
        return (time.process_time() - began) / count * 1e6

    cpu["fastapi: one hop to the thread pool (anyio.to_thread.run_sync; a sync route or dependency)"] = round(
        statistics.median(asyncio.run(hops(n)) for _ in range(3)), 1)

    headers = [(b"authorization", b"Bearer " + agency.encode())]
    for label, names, workers in (
            ("asgi: the whole app in process, relay running (kit middlewares, FastAPI, handler, relay)", (), True),
            ("asgi: the whole app in process, relay stopped", (), False),
            ("asgi: relay stopped, without IdempotencyMiddleware", ("IdempotencyMiddleware",), False),
            ("asgi: relay stopped, without RequestContextMiddleware", ("RequestContextMiddleware",), False),
            ("asgi: relay stopped, without both kit middlewares", ("IdempotencyMiddleware", "RequestContextMiddleware"), False)):
        os.environ["TALENTFLOW_RUN_WORKERS"] = "true" if workers else "false"
        driver = AsgiDriver(without(profiles_app.create_app(), *names), "/v1/workers", body, headers)
        try:
            cpu[label] = driver.cpu_us_per_call(n)
            assert set(driver.statuses) == {201}, driver.statuses
        finally:
            driver.close()
    for label, lean, lean_dependency in (
            ("fastapi: a bare app, sync route + sync auth dependency (2 hops), WorkerIn body, no store", False, False),
            ("fastapi: a bare app, async route + sync auth dependency (1 hop), WorkerIn body, no store", True, False),
            ("fastapi: a bare app, async route + async auth dependency (no hop), WorkerIn body, no store", True, True)):
        driver = AsgiDriver(bare_app(issuer, lean, lean_dependency), "/v1/workers", body, headers)
        try:
            cpu[label] = driver.cpu_us_per_call(n)
            assert set(driver.statuses) == {201}, driver.statuses
        finally:
            driver.close()
    out["seconds"] = round(time.time() - now, 1)
    out["load_average"] = round(os.getloadavg()[0], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    result = measure(args.n)
    for label, value in result["cpu_us"].items():
        print(f"{value:9.1f} µs  {label}")
    print(f"(n={result['n']}, load average {result['load_average']})")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
