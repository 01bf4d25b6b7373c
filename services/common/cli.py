"""The `talentflow` command: local tokens, the embedded run, one service, its workers, replay, schemas.

    talentflow token --role admin --subject root          print a token the services accept
    talentflow up                                          all four services (what `make run` calls)
    talentflow serve profiles [--port 8001] [--no-workers] one service's HTTP API (and its workers)
    talentflow work matching                               one service's relay and consumers, no HTTP
    talentflow replay matching                             rebuild the search index from the log
    talentflow schemas [--out docs]                        write the event JSON Schemas and AsyncAPI
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import subprocess
import sys
import threading
import time

SERVICES = {"profiles": 8001, "jobs": 8002, "matching": 8003, "notify": 8004}


class SettingsError(SystemExit):
    """Settings the environment cannot give: one line on stderr and exit code 2, no traceback."""


def _settings():
    from pydantic import ValidationError

    from services.common.settings import PlatformSettings

    try:
        return PlatformSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        print(f"talentflow: invalid settings: {problems}", file=sys.stderr)
        raise SettingsError(2) from None


def cmd_token(args: argparse.Namespace) -> int:
    from services.common.auth import Role, TokenIssuer

    settings = _settings()
    issuer = TokenIssuer(settings.signing_keys(), ttl_s=args.ttl or settings.token_ttl_s)
    try:
        role = Role(args.role)
    except ValueError:
        print(f"unknown role {args.role!r}; one of: {', '.join(r.value for r in Role)}", file=sys.stderr)
        return 2
    print(issuer.issue(role, args.subject, org=args.org, acts_for=args.acts_for or ()))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.no_workers:
        os.environ["TALENTFLOW_RUN_WORKERS"] = "false"
    port = args.port or SERVICES[args.service]
    uvicorn.run(
        f"services.{args.service}.app:create_app",
        factory=True,
        host=args.host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    return 0


def cmd_work(args: argparse.Namespace) -> int:
    """Run the service's workers (outbox relay, consumers, schedulers) without its HTTP API."""
    os.environ["TALENTFLOW_RUN_WORKERS"] = "false"  # the app must not start them a second time
    module = importlib.import_module(f"services.{args.service}.app")
    app = module.create_app()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    for worker in app.state.workers:
        worker.start()
    print(f"{args.service}: {len(app.state.workers)} workers running", file=sys.stderr)
    # Liveness for containers: a file touched while every worker thread is alive (deploy/docker/healthcheck.py).
    heartbeat = os.environ.get("TALENTFLOW_HEARTBEAT_FILE")
    while not stop.wait(10):
        if heartbeat and all(_alive(w) for w in app.state.workers):
            with open(heartbeat, "a"):
                os.utime(heartbeat)
    for worker in reversed(app.state.workers):
        worker.stop()
    app.state.runtime.close()
    return 0


def _alive(worker) -> bool:
    thread = getattr(worker, "_thread", None)
    running = getattr(worker, "running", None)
    if running is not None:
        return bool(running)
    return thread is None or thread.is_alive()


def cmd_up(args: argparse.Namespace) -> int:
    """Start the four services as child processes and stop them all on Ctrl-C or SIGTERM."""
    from services.common.settings import load_or_create_key

    settings = _settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    if not settings.signing_key:
        load_or_create_key(settings.home)  # create it once, before four processes race for it
    children: dict[str, subprocess.Popen] = {}
    ports = {name: args.base_port + i for i, name in enumerate(SERVICES)}
    env = dict(os.environ)
    for name, port in ports.items():  # each service finds the others' public APIs here
        env.setdefault(f"TALENTFLOW_{name.upper()}_URL", f"http://{args.host}:{port}")
    for name, port in ports.items():
        if args.only and name not in args.only:
            continue
        children[name] = subprocess.Popen(
            [sys.executable, "-m", "services.common.cli", "serve", name, "--port", str(port), "--host", args.host],
            env=env,
        )
        print(f"talentflow: {name} on http://{args.host}:{port} (pid {children[name].pid})", file=sys.stderr)
    stopping = threading.Event()

    def _stop(*_):
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    code = 0
    while not stopping.is_set():
        for name, proc in children.items():
            if proc.poll() is not None:
                print(f"talentflow: {name} exited with {proc.returncode}; stopping the others", file=sys.stderr)
                code = proc.returncode or 1
                stopping.set()
                break
        stopping.wait(0.5)
    for proc in children.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in children.values():
        try:
            proc.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            proc.kill()
    print("talentflow: all services stopped", file=sys.stderr)
    return code


def cmd_replay(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"services.{args.service}.replay")
    return module.main(args)


def cmd_schemas(args: argparse.Namespace) -> int:
    from services.common.events import write_schema_docs

    for path in write_schema_docs(args.out):
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talentflow", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("token", help="print a signed token for local development")
    p.add_argument("--role", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--org")
    p.add_argument("--acts-for", nargs="*", default=[])
    p.add_argument("--ttl", type=int, help="seconds the token is valid")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("up", help="start all four services on the embedded default")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--only", nargs="*", choices=list(SERVICES))
    p.add_argument("--base-port", type=int, default=8001, help="profiles, jobs, matching, notify on 4 ports from here")
    p.set_defaults(func=cmd_up)

    p = sub.add_parser("serve", help="run one service's HTTP API")
    p.add_argument("service", choices=list(SERVICES))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int)
    p.add_argument("--no-workers", action="store_true", help="HTTP only; run workers with `talentflow work`")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("work", help="run one service's outbox relay and consumers, no HTTP")
    p.add_argument("service", choices=list(SERVICES))
    p.set_defaults(func=cmd_work)

    p = sub.add_parser("replay", help="rebuild a service's read model from the event log")
    p.add_argument("service", choices=["matching"])
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("schemas", help="write event JSON Schemas and the AsyncAPI document")
    p.add_argument("--out", default="docs")
    p.set_defaults(func=cmd_schemas)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
