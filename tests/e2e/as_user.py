"""The system as a new user meets it: a clean copy of the repository, `make run`, the README's commands.

Support for `tests/e2e/test_acceptance.py` (not a test file itself):

- `user_env()` is the shell environment of a developer who just cloned the repository: every
  TALENTFLOW_*, service-prefixed (PROFILES_, JOBS_, MATCHING_, NOTIFY_) and engine URL variable is
  removed, HOME stays the user's own.
- `scratch_clone(dst)` writes the last commit's files (a clean clone) to a scratch folder with a
  `.venv` that reuses the developer's installed packages but imports the clone's own code (CLI
  included); nothing is installed, and the developer's `./var` is never touched.
- `started_as_readme_says(root)` runs `make run` there on the README's ports, waits until every
  service is ready, and stops it as Ctrl-C does (SIGINT to the whole process group).
- `readme_blocks()` / `command_blocks()` extract the README's fenced blocks and tell the shell
  commands from the rest (a layout tree, JSON); `run_block()` runs one in a fresh `bash` with
  `curl` failing on an HTTP error.
- `WebhookReceiver` is a small HTTP endpoint on 127.0.0.1 that records what it is sent.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.fixtures.infra import infra_required, port_open

REPO_ROOT = Path(__file__).resolve().parents[2]


def readme_ports(readme: Path = REPO_ROOT / "README.md") -> dict[str, int]:
    """The port of each service, from the README's table (a row like `| `services/profiles` | 8001 | ... |`)."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^\|\s*`services/(\w+)`\s*\|\s*(\d{2,5})\s*\|", readme.read_text(), re.MULTILINE)}


README_PORTS = readme_ports()
ENGINE_URL_VARS = ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "ELASTICSEARCH_URL")
SETTINGS_PREFIXES = ("TALENTFLOW_", "PROFILES_", "JOBS_", "MATCHING_", "NOTIFY_")
# Commands that start (or test) the whole system: the suite starts it once itself and never re-runs them.
SYSTEM_STARTERS = re.compile(r"^\s*(make\s+(run|test)\b|(\S*/)?talentflow\s+up\b)")


def user_env() -> dict[str, str]:
    """The environment of a user's shell: nothing of ours configured, HOME their own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ENGINE_URL_VARS and not k.startswith(SETTINGS_PREFIXES) and k not in ("ENV", "PYTHONPATH")
    }
    env.setdefault("HOME", os.path.expanduser("~"))
    return env


def port_busy_is_fatal() -> bool:
    """A busy README port skips the suite on a developer's machine, but fails it in CI."""
    return infra_required() or os.environ.get("CI", "") not in ("", "0", "false")


def scratch_clone(dst: Path, src: Path = REPO_ROOT) -> Path:
    """A clean clone's files in `dst`, with a `.venv` built on `src`'s (nothing is installed again).

    By default the files of the last commit (`git archive HEAD`): what a clean clone holds, and a
    consistent snapshot even while others edit the work tree. `ACCEPTANCE_FROM=worktree` copies the
    work tree instead (tracked files plus new ones not ignored), to try changes before committing.
    """
    in_git = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=src, capture_output=True).returncode == 0
    if not in_git:  # an unpacked release: its files are the clone
        shutil.copytree(src, dst, dirs_exist_ok=True, symlinks=True, ignore=shutil.ignore_patterns(
            ".git", ".venv", "var", "artifacts", "results", "__pycache__", ".pytest_cache", "*.egg-info", "*.pyc"))
    elif os.environ.get("ACCEPTANCE_FROM", "head") == "worktree":
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=src, capture_output=True, check=True,
        ).stdout.decode().split("\0")
        for rel in filter(None, listed):
            source = src / rel
            if not source.is_file():  # deleted in the work tree but still tracked
                continue
            target = dst / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    else:
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=src, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(dst)], input=archive.stdout, check=True)
    clone_venv(dst / ".venv", src / ".venv", dst)
    return dst


def clone_venv(venv: Path, shared: Path, root: Path) -> Path:
    """A `.venv` for the clone that installs nothing: its own interpreter, the clone's code first on
    sys.path, then the shared venv's packages (whose editable finder would otherwise import the
    services from the developer's tree), and the `talentflow` command; stamped installed for make.

    So `make run` and `.venv/bin/talentflow` run the clone's code, CLI included, with no variable
    set in the environment, as they would after `make` installed a fresh clone.
    """
    subprocess.run([str(shared / "bin" / "python"), "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip())
    shared_site = subprocess.run(
        [str(shared / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    # .pth files run in name order: the clone's root goes on sys.path before the shared packages' finders
    (site_packages / "00-clone.pth").write_text(f"{root}\n")
    (site_packages / "zz-shared-venv.pth").write_text(f"import site; site.addsitedir({shared_site!r})\n")
    script = (shared / "bin" / "talentflow").read_text().split("\n", 1)[1]
    command = venv / "bin" / "talentflow"
    command.write_text(f"#!{venv / 'bin' / 'python'}\n{script}")
    command.chmod(0o755)
    (venv / ".installed").touch()  # the Makefile's stamp: newer than pyproject.toml, so `make` installs nothing
    return venv


@dataclass
class ReadmeSystem:
    """The four services started by `make run` in `root`, as a user has them."""

    root: Path
    proc: subprocess.Popen
    log_path: Path
    urls: dict[str, str] = field(default_factory=lambda: {n: f"http://127.0.0.1:{p}" for n, p in README_PORTS.items()})
    started_at: float = field(default_factory=time.time)

    def token(self, role: str, subject: str, org: str | None = None, acts_for: tuple[str, ...] = ()) -> str:
        """A token from the CLI, typed as the README says, in the user's shell environment."""
        cmd = [".venv/bin/talentflow", "token", "--role", role, "--subject", subject]
        if org:
            cmd += ["--org", org]
        if acts_for:
            cmd += ["--acts-for", *acts_for]
        done = subprocess.run(cmd, cwd=self.root, env=user_env(), capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr}"
        token = done.stdout.strip()
        assert token.count(".") == 2 and "\n" not in token, f"not a token alone on stdout: {done.stdout!r}"
        return token

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout_s: float = 45) -> int | None:
        """Ctrl-C: SIGINT to the whole foreground process group (make, talentflow up, the services)."""
        if self.proc.poll() is not None:
            return self.proc.returncode
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGINT)
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            return None


def busy_readme_ports() -> list[int]:
    return [p for p in README_PORTS.values() if port_open("127.0.0.1", p, 0.2)]


@contextlib.contextmanager
def started_as_readme_says(root: Path, ready_timeout_s: float = 180) -> Iterator[ReadmeSystem]:
    """`make run` in `root` with the user's environment; yields once all four services are ready."""
    log_path = root / "make-run.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["make", "run"], cwd=root, env=user_env(),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    system = ReadmeSystem(root, proc, log_path)
    try:
        pending = set(README_PORTS)
        deadline = time.monotonic() + ready_timeout_s
        while pending and time.monotonic() < deadline and proc.poll() is None and "giving up" not in system.log():
            for name in sorted(pending):
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(system.urls[name] + "/readyz", timeout=2).status_code == 200:
                        pending.discard(name)
            time.sleep(0.3)
        assert "giving up" not in system.log(), f"a service keeps crashing:\n{system.log()[-6000:]}"
        assert proc.poll() is None, f"`make run` exited with {proc.returncode}:\n{system.log()[-4000:]}"
        assert not pending, f"not ready after {ready_timeout_s}s: {sorted(pending)}\n{system.log()[-4000:]}"
        yield system
    finally:
        system.stop()


# --- the README's fenced blocks --------------------------------------------------------------------

SHELL_INFOS = {"sh", "bash", "shell", "console", "zsh"}


@dataclass(frozen=True)
class Block:
    info: str  # the fence's info string ("" when none)
    text: str
    line: int  # 1-based line of the opening fence

    def commands(self) -> list[str]:
        """Non-empty lines without their trailing `# comment` (a comment needs a space before it)."""
        lines = [re.sub(r"\s+#\s.*$", "", ln).rstrip() for ln in self.text.splitlines()]
        return [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def readme_blocks(text: str) -> list[Block]:
    blocks, open_at, info, body = [], None, "", []
    for number, line in enumerate(text.splitlines(), 1):
        fence = re.match(r"^(```+|~~~+)\s*(\S*)", line)
        if open_at is None and fence:
            open_at, info, body = number, fence.group(2).lower(), []
        elif open_at is not None and re.match(r"^(```+|~~~+)\s*$", line):
            blocks.append(Block(info, "\n".join(body), open_at))
            open_at = None
        elif open_at is not None:
            body.append(line)
    assert open_at is None, f"README.md: the fence opened at line {open_at} is never closed"
    return blocks


def _first_word_runs(line: str, root: Path) -> bool:
    """Whether the line starts with something a shell would run: an assignment or an executable."""
    word = line.split()[0]
    if re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
        return True
    if "/" in word:
        path = root / word
        # a command the README's own set-up creates (`.venv/bin/...`) counts, as does any executable file
        return word.startswith(".venv/bin/") or (path.is_file() and os.access(path, os.X_OK))
    return shutil.which(word) is not None or word in ("cd", "export", "set", "source", ".")


def is_command_block(block: Block, root: Path = REPO_ROOT) -> bool:
    """A block to type into a shell: marked as shell, or unmarked with every line starting a command."""
    if block.info in SHELL_INFOS:
        return True
    if block.info:
        return False  # json, text, python, ...
    commands = block.commands()
    return bool(commands) and all(_first_word_runs(ln, root) for ln in commands)


def starts_system(block: Block) -> bool:
    return any(SYSTEM_STARTERS.match(ln) for ln in block.commands())


def runnable_text(block: Block) -> str:
    """The block without the lines that start the system (the suite has started it once already)."""
    return "\n".join(ln for ln in block.text.splitlines() if not SYSTEM_STARTERS.match(ln))


def command_blocks(readme: Path = REPO_ROOT / "README.md") -> list[Block]:
    return [b for b in readme_blocks(readme.read_text()) if is_command_block(b, readme.parent)]


def run_block(block: Block, root: Path, timeout_s: float = 120) -> subprocess.CompletedProcess:
    """The block in a fresh `bash` in the user's environment; any failing command (HTTP errors included) fails it.

    `curl` prints the page and exits 0 on a 401 unless told `--fail`: the wrapper adds it, so a
    README call that a user would see rejected fails here too.
    """
    script = (
        "set -euo pipefail\n"
        'curl() { command curl --fail-with-body --silent --show-error "$@"; }\n'
        + runnable_text(block) + "\n"
    )
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script], cwd=root, env=user_env(),
        capture_output=True, text=True, timeout=timeout_s,
    )


# --- a webhook endpoint ---------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """An HTTP endpoint on 127.0.0.1 (a free port) that answers 204 and keeps every POST it gets."""

    def __init__(self) -> None:
        received: list[Received] = []
        self.received = received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
