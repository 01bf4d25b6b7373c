"""The floor of a profile write on this stack (issue 15): a minimal FastAPI app doing the same job.

One async route `POST /v1/workers`: the bearer token checked with pyjwt (HS256), the body validated
once by the profiles service's own strict `WorkerIn` (DESIGN §3), the profile row and its outbox
row (the CloudEvent as JSON bytes) written in one SQLite WAL transaction, answered 201 with orjson.
No kit middleware, no relay, no idempotency, no log line: what the stack costs before our code.

    python -m bench.minimal_write_app --port 8101 --db /tmp/minimal.db [--server uvloop|asyncio]

`--server uvloop` serves it with uvicorn's uvloop loop and httptools parser (neither is a
dependency of the project: install them beside it to measure, `pip install --target DIR uvloop
httptools` and put DIR on PYTHONPATH); `asyncio` uses the loop and h11 the project runs today.
The signing key comes from TALENTFLOW_SIGNING_KEY, as in the services. bench/write_path_server.py
loads it with wrk next to the profiles service.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import threading
import uuid
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS workers (id TEXT PRIMARY KEY, version INTEGER NOT NULL, document TEXT NOT NULL,
                                    contact TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, topic TEXT NOT NULL,
                                   key TEXT NOT NULL, value BLOB NOT NULL, created_at TEXT NOT NULL, published_at TEXT);
"""


def create_app(db_path: str, signing_key: str) -> Any:
    import jwt
    import orjson
    from fastapi import FastAPI, Header, HTTPException
    from fastapi.responses import Response

    from services.profiles.domain import WorkerIn

    conn = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
    conn.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)
    lock = threading.Lock()
    app = FastAPI()

    async def create_worker(worker: WorkerIn, authorization: str = Header("")) -> Response:
        try:
            claims = jwt.decode(authorization.removeprefix("Bearer "), signing_key, algorithms=["HS256"],
                                options={"require": ["exp", "sub", "role"]})
        except jwt.PyJWTError:
            raise HTTPException(401, "invalid token") from None
        if claims["role"] not in ("agency", "admin"):
            raise HTTPException(403, "role")
        worker_id = "w-" + uuid.uuid4().hex[:16]
        now = dt.datetime.now(dt.UTC).isoformat()
        document = worker.model_dump(mode="json", exclude={"contact"})
        data = {**document, "id": worker_id, "version": 1, "created_at": now, "updated_at": now}
        event_id = str(uuid.uuid4())
        event = orjson.dumps({"specversion": "1.0", "id": event_id, "source": "talentflow/profiles",
                              "type": "worker.upserted", "subject": worker_id, "time": now, "data": data})
        with lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("INSERT INTO workers VALUES (?, 1, ?, ?, ?, ?)",
                             (worker_id, orjson.dumps(document).decode(),
                              orjson.dumps(worker.contact.model_dump(mode="json") if worker.contact else {}).decode(), now, now))
                conn.execute("INSERT INTO outbox (event_id, topic, key, value, created_at) VALUES (?, ?, ?, ?, ?)",
                             (event_id, "talentflow.workers", worker_id, event, now))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return Response(orjson.dumps({"id": worker_id, "version": 1, **document}), 201, media_type="application/json")

    # a real annotation object (this module uses string annotations)
    create_worker.__annotations__.update(worker=WorkerIn, authorization=str, **{"return": Response})
    app.post("/v1/workers", status_code=201)(create_worker)

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--server", choices=("uvloop", "asyncio"), default="uvloop")
    args = parser.parse_args(argv)
    import uvicorn

    app = create_app(args.db, os.environ["TALENTFLOW_SIGNING_KEY"])
    options = {"loop": "uvloop", "http": "httptools"} if args.server == "uvloop" else {"loop": "asyncio", "http": "h11"}
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False, **options)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
