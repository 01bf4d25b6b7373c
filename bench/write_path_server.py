"""Profile writes through a real server, variant by variant, loaded by wrk (issue 15).

    python -m bench.write_path_server [--seconds 10] [--connections 8] [--variants a,b,...] [--profile]

Each variant is started in a fresh temporary TALENTFLOW_HOME (SQLite, the local event log, the
relay running: `POST /v1/workers` with an agency token, as bench/http_writes.py sends it), warmed up
for 2 s, then loaded by `wrk -t1 -c<connections> -d<seconds>`; reported: writes/s, p50/p99 and the
server process's CPU per write (/proc/<pid>/stat utime + stime), with the load average.

Variants:
- `today`: `python -m services.common.cli serve profiles` — asyncio loop, the kit's h11 protocol;
- `uvloop`: the same app under `uvicorn.run(..., loop="uvloop", http="httptools")` — the one-line
  setting in services/common/cli.py (it drops the kit's BoundedH11Protocol: the header deadline
  and the problem+json 400 would need an httptools twin);
- `uvloop-linger`: and the outbox relay waiting 10 ms after a partial batch (`linger_s=0.01`, a
  parameter OutboxRelay has and the profiles service does not pass), patched in the launcher;
- `uvloop-linger-quiet`: and no access log line per request (`talentflow.http` at WARNING);
- `minimal`: bench/minimal_write_app.py with uvloop + httptools + orjson (the floor of the stack);
- `minimal-h11`: the same minimal app on the asyncio loop and h11.

uvloop and httptools are not dependencies of the project: put them on PYTHONPATH for the run
(`pip install --target DIR uvloop httptools`; `--extra DIR`). With `--profile`, py-spy (also from
`--extra`) records the `today` variant during its load: bench/profiles/write-path-today.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.http_writes import worker_templates
from bench.wrk_load import measure_writes

ROOT = Path(__file__).resolve().parent.parent
SIGNING_KEY = "write-path-" + "0123456789abcdef" * 4
ENGINE_VARIABLES = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "REDIS_URL", "TALENTFLOW_INSTANCE_PREFIX")

UVLOOP_LAUNCHER = (
    "import sys, uvicorn; uvicorn.run('services.profiles.app:create_app', factory=True, host='127.0.0.1', "
    "port=int(sys.argv[1]), log_level='warning', access_log=False, timeout_graceful_shutdown=5, "
    "loop='uvloop', http='httptools')"
)
# Proposed changes measured without editing services/: patched in the launcher before the app is built.
LINGER_PATCH = (
    "import functools, services.common.store as s; s.OutboxRelay.__init__ = functools.partialmethod("
    "s.OutboxRelay.__init__, linger_s=0.01); "
)
QUIET_PATCH = "import logging; logging.getLogger('talentflow.http').setLevel(logging.WARNING); "
# The write run on the event loop itself (no writer thread, no group commit): SQLite's write lock taken there.
INLINE_PATCH = (
    "import services.common.uow as u\n"
    "async def _inline(self, command, /, *args, **kwargs):\n"
    "    return command(*args, **kwargs)\n"
    "u.SqlUnitOfWork.run = _inline\n"
)
SERVE = "from services.common.cli import main; import sys; sys.argv = ['talentflow', 'serve', 'profiles', '--port', sys.argv[1]]; main()"
VARIANTS = {
    "today": "as served today: asyncio loop, the kit's h11 protocol",
    "uvloop": "uvicorn loop='uvloop', http='httptools' (the one-line setting)",
    "uvloop-linger": "uvloop + httptools, and the relay lingering 10 ms (OutboxRelay(linger_s=0.01))",
    "uvloop-linger-quiet": "uvloop + httptools + relay linger, and no access log line per request",
    "minimal": "bench/minimal_write_app.py, uvloop + httptools + orjson",
    "minimal-h11": "bench/minimal_write_app.py, asyncio loop + h11",
    "inline": "as served, but each write runs on the event loop (no writer thread, no group commit)",
    "linger": "as served, and the relay lingering 5 ms after a partial batch",
    "processes2": "talentflow serve profiles --processes 2 (two HTTP processes, the relay in the starting one)",
    "jobs-postings": "talentflow serve jobs: POST /v1/postings by an employer (datagen postings)",
    "jobs-applications": "talentflow serve jobs: POST /v1/postings/{id}/applications by an admin, a new worker each",
}


def command(variant: str, port: int, home: Path) -> list[str]:
    python = sys.executable
    if variant == "today":
        return [python, "-m", "services.common.cli", "serve", "profiles", "--port", str(port)]
    if variant.startswith("jobs-"):
        return [python, "-m", "services.common.cli", "serve", "jobs", "--port", str(port)]
    if variant == "processes2":
        return [python, "-m", "services.common.cli", "serve", "profiles", "--port", str(port), "--processes", "2"]
    if variant == "inline":
        return [python, "-c", INLINE_PATCH + SERVE, str(port)]
    if variant == "linger":
        return [python, "-c", LINGER_PATCH.replace("0.01", "0.005") + SERVE, str(port)]
    if variant == "uvloop":
        return [python, "-c", UVLOOP_LAUNCHER, str(port)]
    if variant == "uvloop-linger":
        return [python, "-c", LINGER_PATCH + UVLOOP_LAUNCHER, str(port)]
    if variant == "uvloop-linger-quiet":
        return [python, "-c", LINGER_PATCH + QUIET_PATCH + UVLOOP_LAUNCHER, str(port)]
    if variant in ("minimal", "minimal-h11"):
        return [python, "-m", "bench.minimal_write_app", "--port", str(port), "--db", str(home / "minimal.db"),
                "--server", "uvloop" if variant == "minimal" else "asyncio"]
    raise ValueError(f"unknown variant {variant}")


def wait_healthy(port: int, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("no /healthz answer")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_variant(variant: str, *, seconds: float, connections: int, extra: str | None, profile: bool,
                gil: bool = False) -> dict[str, Any]:
    from services.common.auth import Role, TokenIssuer

    home = Path(tempfile.mkdtemp(prefix=f"tf-writepath-{variant}-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_VARIABLES}
    env.update(TALENTFLOW_HOME=str(home), TALENTFLOW_SIGNING_KEY=SIGNING_KEY, TALENTFLOW_ENV="development",
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), extra, env.get("PYTHONPATH")) if p))
    log = (home / "server.log").open("wb")
    process = subprocess.Popen(command(variant, port, home), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    issuer = TokenIssuer([SIGNING_KEY])
    token = issuer.issue(Role.agency, "bench-agency-staff", org="bench-agency")
    templates = worker_templates(500)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(port, process)
        if variant.startswith("jobs-"):
            import datetime as dt

            from bench.http_writes import application_templates, posting_templates
            from bench.run import first_postings

            employer = issuer.issue(Role.employer, "bench-employer-staff", org="bench-employer")
            templates = posting_templates(500, dt.date.today())
            if variant == "jobs-applications":
                token = issuer.issue(Role.admin, "bench-admin")
                templates = application_templates(first_postings(port, employer, templates, 20), "wps")
            else:
                token = employer
        measure_writes(base, process.pid, token, templates, connections=connections, duration_s=2)  # warm-up
        recorder = None
        if profile and extra and Path(extra, "bin", "py-spy").exists():
            raw = home / "py-spy.raw.txt"
            recorder = subprocess.Popen([str(Path(extra, "bin", "py-spy")), "record", "--pid", str(process.pid), "--duration",
                                         str(max(1, round(seconds) - 1)), "--rate", "250", "--format", "raw", "--nonblocking", *(["--gil"] if gil else []),
                                         "--output", str(raw)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        result = measure_writes(base, process.pid, token, templates, connections=connections, duration_s=seconds)
        if recorder is not None:
            recorder.wait(120)
            from bench.run import summarize_collapsed

            folder = ROOT / "bench" / "profiles"
            folder.mkdir(exist_ok=True)
            with (home / "py-spy.raw.txt").open() as f:
                (folder / f"write-path-{variant}.txt").write_text(summarize_collapsed(f, top=40))
            result["profile"] = f"bench/profiles/write-path-{variant}.txt"
        return {"variant": variant, "what": VARIANTS[variant], **result}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--variants", default="today,uvloop,minimal,minimal-h11")
    parser.add_argument("--extra", help="a folder with uvloop, httptools (and bin/py-spy) to put on PYTHONPATH")
    parser.add_argument("--profile", action="store_true", help="py-spy the first variant under load")
    parser.add_argument("--gil", action="store_true", help="with --profile: only samples holding the GIL (the "
                        "CPU the threads spend, not their waits for each other)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = []
    for variant in args.variants.split(","):
        try:
            result = run_variant(variant, seconds=args.seconds, connections=args.connections, extra=args.extra,
                                 profile=args.profile and variant == args.variants.split(",")[0], gil=args.gil)
        except Exception as exc:  # one variant failing must not lose the others
            result = {"variant": variant, "error": f"{type(exc).__name__}: {exc}"}
        results.append(result)
        print(json.dumps({k: result.get(k) for k in ("variant", "writes_per_s", "p50_ms", "p99_ms", "server_cpu_ms_per_write",
                                                     "statuses", "load_average", "error")}, ensure_ascii=False), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
