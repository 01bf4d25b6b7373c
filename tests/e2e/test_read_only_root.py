"""profiles starts and imports on a read-only root, as in a container (compose `read_only`,
Kubernetes `readOnlyRootFilesystem`): the working directory and the code are mounted read-only
(a private mount namespace, `unshare -m`), and only TALENTFLOW_HOME (absolute, elsewhere) and /tmp
are writable. Without TALENTFLOW_HOME the relative default `./var` cannot be created: it fails."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.system import ENGINE_VARS, SERVICES, eventually, free_base_port
from tests.e2e.test_scenario import WELDER
from tests.fixtures.infra import unavailable

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def _read_only_namespace_works(tmp: Path) -> bool:
    probe = tmp / "probe"
    probe.mkdir()
    script = f"mount --bind {probe} {probe} && mount -o remount,bind,ro {probe} && ! touch {probe}/x 2>/dev/null"
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True).returncode == 0


def _start(cwd: Path, env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """`talentflow serve profiles` with `cwd` and the source tree read-only (its own mount namespace)."""
    serve = [sys.executable, "-m", "services.common.cli", "serve", "profiles", "--port", str(port)]
    script = (
        f"mount --bind {shlex.quote(str(cwd))} {shlex.quote(str(cwd))} && mount -o remount,bind,ro {shlex.quote(str(cwd))}"
        f" && mount --bind {ROOT} {ROOT} && mount -o remount,bind,ro {ROOT}"
        f" && cd {shlex.quote(str(cwd))} && exec {shlex.join(serve)}"
    )
    return subprocess.Popen(["unshare", "-m", "sh", "-c", script], env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_profiles_starts_and_imports_with_a_read_only_cwd_and_home_elsewhere(tmp_path):
    if not _read_only_namespace_works(tmp_path):
        unavailable("no private mount namespace (unshare -m) to make a folder read-only")
    cwd, home = tmp_path / "app", tmp_path / "data"
    cwd.mkdir()
    base = free_base_port()
    port = base + SERVICES.index("profiles")
    env = {k: v for k, v in os.environ.items() if k not in ENGINE_VARS and not k.startswith("TALENTFLOW_")}
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)})

    # the relative default ./var in a read-only working directory: no start
    log = tmp_path / "relative.log"
    proc = _start(cwd, env, port, log)
    try:
        assert proc.wait(60) == 2, "profiles started without a writable data folder"
    finally:
        _stop(proc)
    said = log.read_text(errors="replace")
    assert f"talentflow: cannot write the data folder {cwd}/var (TALENTFLOW_HOME): Read-only file system" in said, said
    assert "Traceback" not in said

    env["TALENTFLOW_HOME"] = str(home)
    log = tmp_path / "home.log"
    proc = _start(cwd, env, port, log)
    try:
        url = f"http://127.0.0.1:{port}"

        def ready():
            assert proc.poll() is None, log.read_text(errors="replace")
            try:
                return httpx.get(url + "/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        eventually(ready, 90, 0.3, what="profiles ready on a read-only working directory")
        token = subprocess.run(
            [sys.executable, "-m", "services.common.cli", "token", "--role", "agency", "--subject", "a-1", "--org", "ag-ro"],
            env=env, capture_output=True, text=True, check=True, cwd=ROOT,
        ).stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}
        rows = [{**WELDER, "name": name, "agency_id": "ag-ro", "consent": {"matching": True, "share_contact": False}}
                for name in ("甲工", "乙工")]
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
        started = httpx.post(url + "/v1/workers/import", content=body, timeout=10,
                             headers={**headers, "Content-Type": "application/x-ndjson"})
        assert started.status_code == 202, started.text
        location = url + started.headers["location"]

        def finished():
            job = httpx.get(location, headers=headers, timeout=5).json()
            return job if job["status"] not in ("queued", "running") else None

        job = eventually(finished, 30, what="the import finished")
        assert (job["status"], job["ok"]) == ("done", 2), httpx.get(location, headers=headers, params={"limit": 10}).text
        assert (home / "imports" / "profiles").is_dir(), "the import spool is in TALENTFLOW_HOME"
        assert list(cwd.iterdir()) == []
    finally:
        _stop(proc)
