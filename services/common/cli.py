"""The `talentflow` command: local tokens, the embedded run, one service, its workers, replay, schemas.

    talentflow token --role admin --subject root          print a token the services accept
    talentflow up                                          all four services (what `make run` calls), restarted if they crash
    talentflow up [--processes N]                         the same with N HTTP processes per service
    talentflow serve profiles [--port 8001] [--no-workers] one service's HTTP API (and its loops)
    talentflow serve profiles --processes 4               4 HTTP processes, the loops in the one that starts them
    talentflow work matching                               one service's relay and consumers, no HTTP
    talentflow replay matching                             rebuild the search index from the log
    talentflow schemas [--out docs]                        write the event JSON Schemas and AsyncAPI

For agencies (with the SDK, clients/python; `--help` in Chinese or English by LANG / --lang):
    talentflow import FILE [--wait]                        bulk import with progress, summary and failed rows
    talentflow jobs watch | export workers | invitations list|accept|decline | webhooks listen --port
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVICES = {"profiles": 8001, "jobs": 8002, "matching": 8003, "notify": 8004}

# Services that serve from one process whatever --processes says when their index is embedded.
# None since issue 14: matching's HTTP processes open the tantivy index read-only (reloading on the
# writer's commits) and its one writer runs with the loops in the supervising process.
SINGLE_PROCESS_WHEN_EMBEDDED: set[str] = set()


def _processes_for(service: str, wanted: int) -> int:
    if wanted > 1 and service in SINGLE_PROCESS_WHEN_EMBEDDED and not os.environ.get("ELASTICSEARCH_URL"):
        print(f"talentflow: {service} serves from one process (its embedded search index has one writer); "
              f"--processes {wanted} applies to the other services", file=sys.stderr)
        return 1
    return wanted


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


def _writable_data_folder() -> Path:
    """TALENTFLOW_HOME, created if missing; exit 2 with one line saying why when it cannot be written
    (a read-only root filesystem in a container, where the relative default ./var cannot be made)."""
    home = _settings().home
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=home):
            pass
    except OSError as exc:
        print(f"talentflow: cannot write the data folder {home} (TALENTFLOW_HOME): {exc.strerror or exc}; "
              "set TALENTFLOW_HOME to a writable absolute path (in a container, a mounted volume)", file=sys.stderr)
        raise SettingsError(2) from None
    return home


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
    """One service's HTTP API: in this process, or in `--processes N` processes behind one socket.

    With several processes the service's loops (outbox relay, consumers, sweeps, dispatchers) run
    once, in this process, which starts and watches the HTTP processes (uvicorn's supervisor; they
    share the listening socket and run no loops). Migrations run here first, once.
    """
    import uvicorn

    from services.common.serving import server_options

    _writable_data_folder()
    if args.no_workers:
        os.environ["TALENTFLOW_RUN_WORKERS"] = "false"
        os.environ["TALENTFLOW_PROCESS"] = "http"  # a reader of an embedded index (matching's tantivy)
    port = args.port or SERVICES[args.service]
    processes = _processes_for(args.service, args.processes)
    options: dict[str, Any] = dict(
        factory=True,
        host=args.host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
        **server_options(),  # problem+json for the server's own 400s, a deadline for request headers
    )
    if processes == 1:
        uvicorn.run(f"services.{args.service}.app:create_app", **options)
        return 0
    app = None
    watching = threading.Event()
    if not args.no_workers:
        os.environ["TALENTFLOW_PROCESS"] = "work"  # this process writes (an embedded index's one writer)
        app = importlib.import_module(f"services.{args.service}.app").create_app()
        loops = _loops_of(app)
        for loop in loops:
            loop.start()
        # The HTTP processes' /readyz cannot see these loops: what goes wrong with them is said here.
        threading.Thread(target=_watch_loops, args=(args.service, loops, watching), name="loop-watch",
                         daemon=True).start()
        if args.metrics_port:  # the HTTP processes' /metrics cannot see these loops' lag and DLQ counts
            _serve_pipeline_metrics(args.service, loops, args.metrics_port, args.metrics_host)
        print(f"talentflow: {args.service}: {len(loops)} loops in pid {os.getpid()}, "
              f"{processes} HTTP processes", file=sys.stderr)
    os.environ["TALENTFLOW_RUN_WORKERS"] = "false"  # the HTTP processes inherit it: they run no loops
    os.environ["TALENTFLOW_PROCESS"] = "http"
    try:
        uvicorn.run(f"services.{args.service}.app:create_app", workers=processes, **options)
    finally:
        watching.set()
        if app is not None:
            for loop in reversed(_loops_of(app)):
                loop.stop()
            for hook in (getattr(app.state, "importer", None),):
                if hook is not None:
                    hook.stop()
            app.state.runtime.close()
    return 0


def _loops_of(app) -> list:
    return list(getattr(app.state, "loops", None) or app.state.workers)


def cmd_work(args: argparse.Namespace) -> int:
    """Run the service's workers (outbox relay, consumers, schedulers) without its HTTP API."""
    os.environ["TALENTFLOW_RUN_WORKERS"] = "false"  # the app must not start them a second time
    os.environ["TALENTFLOW_PROCESS"] = "work"  # the writer of an embedded index (matching's tantivy)
    _writable_data_folder()
    module = importlib.import_module(f"services.{args.service}.app")
    app = module.create_app()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    loops = _loops_of(app)
    for loop in loops:
        loop.start()
    print(f"{args.service}: {len(loops)} loops running", file=sys.stderr)
    if args.metrics_port:
        _serve_pipeline_metrics(args.service, loops, args.metrics_port, args.metrics_host)
    _watch_loops(args.service, loops, stop)
    for loop in reversed(loops):
        loop.stop()
    app.state.runtime.close()
    return 0


def _serve_pipeline_metrics(service: str, loops: list, port: int, host: str) -> None:
    """The pipeline's figures (consumer lag, DLQ counts, outbox backlog) from the process that runs it."""
    from prometheus_client import CollectorRegistry, start_http_server

    from services.common.web import PipelineCollector

    registry = CollectorRegistry(auto_describe=False)
    registry.register(PipelineCollector(service, lambda: loops))
    start_http_server(port, addr=host, registry=registry)


def _watch_loops(service: str, loops: list, stop: threading.Event, every_s: float = 10.0) -> None:
    """Until `stop`: every `every_s`, say on stderr what is wrong with the loops (a dead thread, a
    stuck consumer). Liveness for containers: TALENTFLOW_HEARTBEAT_FILE is touched while every loop
    thread is alive and none is stuck (deploy/docker/healthcheck.py), so a stuck consumer's
    container is restarted."""
    from services.common.web import pipeline_causes

    heartbeat = os.environ.get("TALENTFLOW_HEARTBEAT_FILE")
    while not stop.wait(every_s):
        causes = pipeline_causes(loops)
        for cause in causes:
            print(f"{service}: {cause}", file=sys.stderr)
        if heartbeat and all(_alive(w) for w in loops) and not causes:
            with open(heartbeat, "a"):
                os.utime(heartbeat)


def _alive(worker) -> bool:
    thread = getattr(worker, "_thread", None)
    running = getattr(worker, "running", None)
    if running is not None:
        return bool(running)
    return thread is None or thread.is_alive()


@dataclass
class RestartPolicy:
    """How `talentflow up` treats a service that exits on its own.

    A crashed service is started again after 1 s, 2 s, 4 s … (doubling per crash inside the window,
    capped at `max_delay_s`). After `crash_limit` crashes within `window_s` seconds it is given up:
    that one service stays down (the others keep serving, DESIGN §6), the supervisor says so, and it
    exits non-zero when it stops (or at once, when every service has been given up).
    """

    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    crash_limit: int = 5
    window_s: float = 60.0

    def delay(self, recent_crashes: int) -> float:
        return min(self.base_delay_s * 2 ** max(recent_crashes - 1, 0), self.max_delay_s)


@dataclass
class SupervisedService:
    name: str
    argv: list[str]
    proc: Any = None
    restarts: int = 0
    crashes: list[float] = field(default_factory=list)
    restart_at: float | None = None
    given_up: bool = False


def _describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"{code} ({signal.Signals(-code).name})"
        except ValueError:
            return str(code)
    return str(code)


class Supervisor:
    """Runs each service as a child process, restarts crashed ones with backoff, stops all on request.

    `spawn` and `clock` are injectable so the policy is tested without real processes.
    """

    def __init__(
        self,
        services: dict[str, list[str]],
        spawn: Callable[[list[str]], Any],
        policy: RestartPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] = lambda line: print(f"talentflow: {line}", file=sys.stderr, flush=True),
    ) -> None:
        self.services = {name: SupervisedService(name, argv) for name, argv in services.items()}
        self.spawn = spawn
        self.policy = policy or RestartPolicy()
        self.clock = clock
        self.say = say

    def start(self, name: str) -> None:
        service = self.services[name]
        service.proc = self.spawn(service.argv)
        service.restart_at = None

    def start_all(self) -> None:
        for name in self.services:
            self.start(name)

    @property
    def failed(self) -> list[str]:
        return [s.name for s in self.services.values() if s.given_up]

    @property
    def all_given_up(self) -> bool:
        return all(s.given_up for s in self.services.values())

    def check(self) -> None:
        """One pass: notice exits, schedule restarts, start those whose delay has passed."""
        now = self.clock()
        for service in self.services.values():
            if service.given_up:
                continue
            if service.restart_at is not None:
                if now >= service.restart_at:
                    service.restarts += 1
                    self.start(service.name)
                continue
            code = service.proc.poll() if service.proc is not None else None
            if code is None:
                continue
            service.crashes = [t for t in service.crashes if now - t < self.policy.window_s] + [now]
            recent = len(service.crashes)
            if recent >= self.policy.crash_limit:
                service.given_up = True
                self.say(
                    f"{service.name} exited with {_describe_exit(code)}; it crashed {recent} times within "
                    f"{self.policy.window_s:g} s — giving up on {service.name}, the other services keep running "
                    f"(look at its log above, fix the cause, then restart `talentflow up`)"
                )
                continue
            delay = self.policy.delay(recent)
            service.restart_at = now + delay
            self.say(
                f"{service.name} exited with {_describe_exit(code)}; restarting in {delay:g} s "
                f"(restart {service.restarts + 1})"
            )

    def stop_all(self, grace_s: float = 15.0) -> None:
        running = [s.proc for s in self.services.values() if s.proc is not None and s.proc.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for proc in running:
            try:
                proc.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def cmd_up(args: argparse.Namespace) -> int:
    """Start the services as child processes, restart a crashed one with backoff, stop all on Ctrl-C or SIGTERM."""
    from services.common.settings import load_or_create_key

    settings = _settings()
    _writable_data_folder()
    if not settings.signing_key:
        load_or_create_key(settings.home)  # create it once, before four processes race for it
    ports = {name: args.base_port + i for i, name in enumerate(SERVICES)}
    env = dict(os.environ)
    for name, port in ports.items():  # each service finds the others' public APIs here
        env.setdefault(f"TALENTFLOW_{name.upper()}_URL", f"http://{args.host}:{port}")
    commands = {
        name: [sys.executable, "-m", "services.common.cli", "serve", name, "--port", str(port), "--host", args.host,
               "--processes", str(_processes_for(name, args.processes))]
        for name, port in ports.items()
        if not args.only or name in args.only
    }
    policy = RestartPolicy(crash_limit=args.crash_limit, window_s=args.crash_window)
    supervisor = Supervisor(commands, spawn=lambda argv: subprocess.Popen(argv, env=env), policy=policy)
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    supervisor.start_all()
    for name, service in supervisor.services.items():
        print(f"talentflow: {name} on http://{args.host}:{ports[name]} (pid {service.proc.pid})", file=sys.stderr)
    while not stopping.wait(0.2):
        supervisor.check()
        if supervisor.all_given_up:
            print("talentflow: every service was given up; stopping", file=sys.stderr)
            break
    supervisor.stop_all()
    if supervisor.failed:
        print(f"talentflow: all services stopped; given up after repeated crashes: {', '.join(supervisor.failed)}",
              file=sys.stderr)
        return 1
    print("talentflow: all services stopped", file=sys.stderr)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"services.{args.service}.replay")
    return module.main(args)


def cmd_schemas(args: argparse.Namespace) -> int:
    from services.common.events import write_schema_docs

    for path in write_schema_docs(args.out):
        print(path)
    return 0


def _positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} must be above 0")
        return value

    return parse


def _env_processes() -> int:
    text = os.environ.get("TALENTFLOW_PROCESSES", "").strip()
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        print(f"talentflow: invalid settings: TALENTFLOW_PROCESSES: {text!r} is not a whole number above 0",
              file=sys.stderr)
        raise SettingsError(2)
    return int(text)


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
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
    p.add_argument("--crash-limit", type=_positive(int), default=5, help="give a service up after this many crashes ...")
    p.add_argument("--crash-window", type=_positive(float), default=60.0, help="... within this many seconds")
    p.add_argument("--processes", type=_positive(int), default=_env_processes(),
                   help="HTTP processes per service (TALENTFLOW_PROCESSES)")
    p.set_defaults(func=cmd_up)

    p = sub.add_parser("serve", help="run one service's HTTP API")
    p.add_argument("service", choices=list(SERVICES))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int)
    p.add_argument("--no-workers", action="store_true", help="HTTP only; run the loops with `talentflow work`")
    p.add_argument("--processes", type=_positive(int), default=_env_processes(),
                   help="HTTP processes (TALENTFLOW_PROCESSES); the loops run once, in the process that starts them")
    p.add_argument("--metrics-port", type=int, default=0,
                   help="with --processes above 1: serve the loops' Prometheus metrics (consumer lag, DLQ) on this port")
    p.add_argument("--metrics-host", default="127.0.0.1")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("work", help="run one service's outbox relay and consumers, no HTTP")
    p.add_argument("service", choices=list(SERVICES))
    p.add_argument("--metrics-port", type=int, default=int(os.environ.get("TALENTFLOW_WORKER_METRICS_PORT") or 0),
                   help="serve the pipeline's Prometheus metrics (consumer lag, DLQ, outbox) on this port")
    p.add_argument("--metrics-host", default="0.0.0.0")
    p.set_defaults(func=cmd_work)

    p = sub.add_parser("replay", help="rebuild a service's read model from the event log")
    p.add_argument("service", choices=["matching"])
    p.set_defaults(func=cmd_replay)

    p = sub.add_parser("schemas", help="write event JSON Schemas and the AsyncAPI document")
    p.add_argument("--out", default="docs")
    p.set_defaults(func=cmd_schemas)

    try:  # the agency commands live in the SDK (clients/python), installed by `make`
        from talentflow_client.cli import choose_language, register
    except ImportError:
        pass
    else:
        register(sub, choose_language(argv))
    return parser


MALLOC_ARENAS = 2


def fewer_malloc_arenas(environ: dict[str, str] | None = None) -> int | None:
    """Cap glibc's malloc arenas at `MALLOC_ARENAS`, in this process and the ones it starts (called by
    `main` for the commands that run services).

    glibc gives threads that allocate at once arenas of their own (up to 8 per core), and each
    keeps what was freed in it: matching's ingest (tantivy's indexing threads, the consumers, the
    committer) held 488 MiB after 50,000 workers with glibc's default and 298 MiB with two arenas
    (`bench.matching_micro --workers 50000`, docs/benchmarks.md). Set as early as possible: here
    by `mallopt(M_ARENA_MAX)` before the services start their threads, and as `MALLOC_ARENA_MAX` in
    the environment, which the HTTP processes uvicorn spawns and `talentflow up`'s services read
    when they start. An operator's own `MALLOC_ARENA_MAX` is left as it is. Returns the cap set.
    """
    environ = os.environ if environ is None else environ
    if environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return None
    environ["MALLOC_ARENA_MAX"] = str(MALLOC_ARENAS)
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(-8, MALLOC_ARENAS)  # M_ARENA_MAX (malloc.h); musl's mallopt does nothing
    except (OSError, AttributeError):  # pragma: no cover — a libc without mallopt: the environment still counts
        pass
    return MALLOC_ARENAS


def main(argv: list[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    if getattr(args, "func", None) in (cmd_up, cmd_serve, cmd_work, cmd_replay):
        fewer_malloc_arenas()  # the services' processes; the partner commands are clients and keep glibc's default
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
