"""Health check for TalentFlow containers (the slim image has no curl).

HTTP services:  python healthcheck.py [--path /healthz] [--port PORT]
    GET http://127.0.0.1:PORT/PATH and succeed on 200. PORT defaults to $HEALTHCHECK_PORT,
    which each service's image target sets (8001..8004).

Workers:        python healthcheck.py --heartbeat
    Succeed while the file named by $TALENTFLOW_HEARTBEAT_FILE was touched within
    $HEALTHCHECK_HEARTBEAT_MAX_AGE_S seconds (default 60). `talentflow work` touches it after each
    pass of its relay and consumer loops, so a hung loop turns the container unhealthy. Before the
    first beat, the container counts as healthy for $HEALTHCHECK_HEARTBEAT_GRACE_S (default 120)
    after it started.

Exit status 0 is healthy, 1 is not: what Docker's HEALTHCHECK and a Kubernetes exec probe expect.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def check_http(port: int, path: str, timeout_s: float) -> tuple[bool, str]:
    url = f"http://127.0.0.1:{port}{path}"
    # No proxy: a proxy from the environment must not answer for this container.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout_s) as response:
            return response.status == 200, f"{url} -> {response.status}"
    except urllib.error.HTTPError as error:
        return False, f"{url} -> {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return False, f"{url} -> {error}"


def seconds_since_start(pid: int = 1) -> float | None:
    """How long process `pid` (the container's init) has run, from /proc; None where unknown."""
    try:
        start_ticks = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime_s = float(Path("/proc/uptime").read_text().split()[0])
        return uptime_s - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def check_heartbeat(path: Path, max_age_s: float, grace_s: float, now: float | None = None) -> tuple[bool, str]:
    now = time.time() if now is None else now
    try:
        age = now - path.stat().st_mtime
    except FileNotFoundError:
        running = seconds_since_start()
        if running is not None and running < grace_s:
            return True, f"no heartbeat yet at {path}, started {running:.0f}s ago (grace {grace_s:.0f}s)"
        return False, f"no heartbeat at {path}"
    if age > max_age_s:
        return False, f"heartbeat {age:.0f}s old (limit {max_age_s:.0f}s)"
    return True, f"heartbeat {age:.0f}s old"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heartbeat", action="store_true", help="check a worker's heartbeat file instead of HTTP")
    parser.add_argument("--path", default="/healthz")
    parser.add_argument("--port", type=int, default=int(os.environ.get("HEALTHCHECK_PORT", "0") or 0))
    parser.add_argument("--timeout-s", type=float, default=2.0)
    args = parser.parse_args(argv)

    if args.heartbeat:
        heartbeat_file = os.environ.get("TALENTFLOW_HEARTBEAT_FILE")
        if not heartbeat_file:
            print("TALENTFLOW_HEARTBEAT_FILE is not set", file=sys.stderr)
            return 1
        healthy, detail = check_heartbeat(
            Path(heartbeat_file),
            max_age_s=float(os.environ.get("HEALTHCHECK_HEARTBEAT_MAX_AGE_S", "60")),
            grace_s=float(os.environ.get("HEALTHCHECK_HEARTBEAT_GRACE_S", "120")),
        )
    elif not args.port:
        print("no port: pass --port or set HEALTHCHECK_PORT", file=sys.stderr)
        return 1
    else:
        healthy, detail = check_http(args.port, args.path, args.timeout_s)
    print(detail)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
