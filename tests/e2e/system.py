"""Start the whole system as `talentflow up` does, on the embedded default or on real engines."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from tests.fixtures.infra import port_open

SERVICES = ("profiles", "jobs", "matching", "notify")
ENGINE_VARS = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "ELASTICSEARCH_URL", "TALENTFLOW_SIGNING_KEY",
               "TALENTFLOW_INSTANCE_PREFIX", "TALENTFLOW_KAFKA_CONSUMER_OVERRIDES")


@dataclass
class System:
    proc: subprocess.Popen
    urls: dict[str, str]
    env: dict[str, str]

    def token(self, role: str, subject: str, org: str | None = None, acts_for: tuple[str, ...] = ()) -> str:
        cmd = [sys.executable, "-m", "services.common.cli", "token", "--role", role, "--subject", subject]
        if org:
            cmd += ["--org", org]
        if acts_for:
            cmd += ["--acts-for", *acts_for]
        return subprocess.run(cmd, env=self.env, capture_output=True, text=True, check=True).stdout.strip()


def free_base_port() -> int:
    # From a random start: test runs of several people on one machine probe at the same moment, and
    # from a fixed start they would all pick the first free block and answer each other's requests.
    bases = list(range(18001, 19500, 10))
    start = random.randrange(len(bases))
    for base in bases[start:] + bases[:start]:
        if not any(port_open("127.0.0.1", base + i, 0.05) for i in range(4)):
            return base
    raise RuntimeError("no four free ports")


@contextlib.contextmanager
def running_system(home: str, extra_env: dict[str, str] | None = None, ready_timeout_s: float = 120,
                   stderr: Any = None) -> Iterator[System]:
    base = free_base_port()
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_VARS}
    env.update({"TALENTFLOW_HOME": home, **(extra_env or {})})
    proc = subprocess.Popen([sys.executable, "-m", "services.common.cli", "up", "--base-port", str(base)], env=env,
                            stderr=stderr)
    urls = {name: f"http://127.0.0.1:{base + i}" for i, name in enumerate(SERVICES)}
    deadline = time.monotonic() + ready_timeout_s
    pending = set(SERVICES)
    while pending and time.monotonic() < deadline and proc.poll() is None:
        for name in list(pending):
            try:
                if httpx.get(urls[name] + "/readyz", timeout=1).status_code == 200:
                    pending.discard(name)
            except httpx.HTTPError:
                pass
        time.sleep(0.3)
    try:
        assert not pending, f"services not ready: {sorted(pending)}"
        yield System(proc, urls, env)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


def eventually(probe: Callable[[], Any], timeout_s: float = 30, interval_s: float = 0.2, what: str = "condition") -> Any:
    """Poll until `probe` returns something truthy (events travel asynchronously between services)."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}; last: {last!r}")
