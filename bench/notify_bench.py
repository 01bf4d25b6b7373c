"""Notify throughput: events → inbox through the real consumer, and webhook deliveries to a local receiver.

    python notify_bench.py [--events 5000] [--deliveries 1000] [--database-url postgresql+psycopg://...]
"""
from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from services.common.events import MatchFound, ApplicationSubmitted, encode, make_event
from services.common.runtime import build_runtime
from services.notify.app import Settings, create_app


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=5000)
    p.add_argument("--deliveries", type=int, default=1000)
    p.add_argument("--database-url")
    args = p.parse_args()
    home = Path(tempfile.mkdtemp())
    schema = f"bench_{uuid.uuid4().hex[:8]}" if args.database_url else None
    settings = Settings(home=home, database_url=args.database_url, signing_key="b" * 40, run_workers=False,
                        allow_loopback_webhooks=True, consumer_poll_s=0.05, dispatch_concurrency=8)
    runtime = build_runtime("notify", settings, schema=schema)
    app = create_app(settings, runtime=runtime)
    now = dt.datetime.now(dt.UTC)

    events = [make_event("match.found", MatchFound(recipient_kind="worker", recipient_id=f"w-{i % 500}", worker_id=f"w-{i % 500}",
                                                    posting_id=f"p-{i}", org_id="o", score=0.8, summary="s", found_at=now),
                         subject=f"w-{i % 500}", source="/bench", entityversion=1) for i in range(args.events)]
    runtime.event_log.publish([encode(e) for e in events])
    consumer = app.state.consumer
    start = time.perf_counter()
    done = 0
    while done < args.events:
        done += consumer.run_once()
    elapsed = time.perf_counter() - start
    print(f"consumer: {args.events} match.found → inbox in {elapsed:.2f} s = {args.events / elapsed:,.0f} events/s "
          f"({'postgres' if args.database_url else 'sqlite'})")

    class Ok(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    from services.notify import handlers
    from services.notify.domain import SubscriptionIn
    from services.common.auth import Principal, Role
    handlers.create_subscription(app.state.deps, Principal(Role.employer, "u", org="org-b"),
                                 SubscriptionIn(url=f"http://127.0.0.1:{server.server_address[1]}/h", event_types=["*"]))
    apps = [make_event("application.submitted", ApplicationSubmitted(id=f"a-{i}", posting_id="p", org_id="org-b", worker_id=f"w-{i}",
                                                                     status="submitted", submitted_at=now),
                       subject="p", source="/bench", entityversion=1) for i in range(args.deliveries)]
    runtime.event_log.publish([encode(e) for e in apps])
    done = 0
    while done < args.deliveries:
        done += consumer.run_once()
    start = time.perf_counter()
    sent = 0
    while sent < args.deliveries:
        sent += app.state.dispatcher.run_once()
    elapsed = time.perf_counter() - start
    print(f"dispatcher: {args.deliveries} signed webhooks to a local receiver in {elapsed:.2f} s = {args.deliveries / elapsed:,.0f}/s")
    server.shutdown()
    app.state.dispatcher.stop()
    app.state.consumer.stop()
    if schema:
        import sqlalchemy as sa
        with runtime.engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    runtime.close()


if __name__ == "__main__":
    main()
