"""The background-loop base (services/common/loops.py) and the server/CLI options of issue 15."""

from __future__ import annotations

import pickle
import threading
import time

import pytest

from services.common.loops import BackgroundLoop

pytestmark = pytest.mark.unit


def _eventually(probe, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not probe():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


class Scripted(BackgroundLoop):
    """Runs the next item of `script` each cycle: a value to return, or an exception to raise."""

    kind = "test loop"

    def __init__(self, script, **options):
        super().__init__(name="scripted", **options)
        self.script = list(script)
        self.calls: list[float] = []
        self.done = threading.Event()

    def run_once(self):
        self.calls.append(time.monotonic())
        if not self.script:
            self.done.set()
            return 0
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item


def test_work_runs_the_next_cycle_at_once_and_idle_waits_the_interval():
    loop = Scripted([5, 5, 0, 0], interval_s=0.2)
    loop.start()
    try:
        _eventually(lambda: len(loop.calls) >= 4)
    finally:
        loop.stop()
    busy_gap = loop.calls[1] - loop.calls[0]
    idle_gap = loop.calls[3] - loop.calls[2]
    assert busy_gap < 0.1
    assert idle_gap >= 0.18


def test_wake_cuts_the_idle_wait_short():
    loop = Scripted([0, 0, 0], interval_s=30)
    loop.start()
    try:
        _eventually(lambda: len(loop.calls) >= 1)
        time.sleep(0.05)
        loop.wake()
        _eventually(lambda: len(loop.calls) >= 2, timeout_s=2)
    finally:
        assert loop.stop(timeout_s=5)
    assert not loop.alive


def test_errors_back_off_doubling_and_the_thread_survives_them():
    loop = Scripted([ValueError("a"), ValueError("b"), ValueError("c"), 0], interval_s=30, backoff_s=0.05,
                    backoff_max_s=1.0)
    loop.start()
    try:
        _eventually(lambda: len(loop.calls) >= 4)
        assert loop.alive and loop.health() is None
    finally:
        loop.stop()
    gaps = [b - a for a, b in zip(loop.calls, loop.calls[1:])]
    assert gaps[0] >= 0.045 and gaps[1] >= 0.095 and gaps[2] >= 0.19  # 0.05, 0.1, 0.2
    assert loop.failures == 3 and loop.consecutive_failures == 0
    assert loop.last_error == "ValueError" and loop.last_success is not None
    assert loop.backoff(10) == 1.0  # capped


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_started_loop_whose_thread_died_is_unhealthy_and_a_stopped_one_is_not():
    loop = Scripted([SystemExit()], interval_s=0.01)  # not an Exception: it ends the thread
    assert loop.health() is None  # never started (an HTTP process of a service runs no loops)
    loop.start()
    _eventually(lambda: not loop.alive)
    assert loop.health() == "test loop scripted: its thread died"
    loop.stop()
    assert loop.health() is None


def test_start_is_idempotent_and_stop_joins():
    loop = Scripted([0] * 1000, interval_s=0.01)
    loop.start()
    first = loop._thread
    loop.start()
    assert loop._thread is first
    assert loop.stop(timeout_s=5) and not first.is_alive()
    assert loop.status()["alive"] is False


def test_a_sweep_waits_its_interval_whatever_it_found():
    from services.jobs.loops import ExpirySweeper

    sweeper = ExpirySweeper(deps=None, interval_s=30)  # type: ignore[arg-type]
    calls = []
    sweeper.run_once = lambda: calls.append(1) or (3, 4)  # found work: still one sweep per interval
    assert sweeper.step() is False and calls == [1]


# --- the server and the CLI ----------------------------------------------------------------------


def test_the_default_server_is_httptools_on_uvloop_with_a_protocol_other_processes_can_load():
    from uvicorn.protocols.http.h11_impl import H11Protocol
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from services.common.serving import MAX_HEADER_BYTES, server_options

    options = server_options()
    assert issubclass(options["http"], HttpToolsProtocol) and options["loop"] == "uvloop"
    assert pickle.loads(pickle.dumps(options["http"])) is options["http"]  # --processes pickles the config
    h11 = server_options(http="h11", header_timeout_s=0.5)
    assert issubclass(h11["http"], H11Protocol) and h11["h11_max_incomplete_event_size"] == MAX_HEADER_BYTES
    assert h11["http"].header_timeout_s == 0.5


def test_processes_option_and_matching_staying_at_one(monkeypatch):
    from services.common import cli

    monkeypatch.delenv("TALENTFLOW_PROCESSES", raising=False)
    assert cli.build_parser().parse_args(["serve", "profiles"]).processes == 1
    assert cli.build_parser().parse_args(["up", "--processes", "3"]).processes == 3
    monkeypatch.setenv("TALENTFLOW_PROCESSES", "4")
    assert cli.build_parser().parse_args(["serve", "jobs"]).processes == 4
    assert cli._processes_for("jobs", 4) == 4
    monkeypatch.delenv("ELASTICSEARCH_URL", raising=False)
    assert cli._processes_for("matching", 4) == 4  # HTTP processes read the embedded index, one writer
    monkeypatch.setenv("ELASTICSEARCH_URL", "http://search:9200")
    assert cli._processes_for("matching", 4) == 4  # every process reads the cluster
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["serve", "jobs", "--processes", "0"])
    monkeypatch.setenv("TALENTFLOW_PROCESSES", "two")
    with pytest.raises(SystemExit):
        cli.build_parser()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_the_loop_watch_names_a_dead_loop_and_touches_the_heartbeat_only_while_all_are_well(tmp_path, monkeypatch,
                                                                                             capsys):
    from services.common import cli

    heartbeat = tmp_path / "beat"
    monkeypatch.setenv("TALENTFLOW_HEARTBEAT_FILE", str(heartbeat))
    well = Scripted([0] * 10_000, interval_s=0.01)
    well.start()
    stop = threading.Event()
    watch = threading.Thread(target=cli._watch_loops, args=("probe", [well], stop, 0.02))
    watch.start()
    try:
        _eventually(heartbeat.exists)
        dying = Scripted([SystemExit()], interval_s=0.01)
        dying.start()
        _eventually(lambda: not dying.alive)
        watch_loops = [well, dying]
        stop.set()
        watch.join()
        heartbeat.unlink()
        stop = threading.Event()
        watch = threading.Thread(target=cli._watch_loops, args=("probe", watch_loops, stop, 0.02))
        watch.start()
        _eventually(lambda: "probe: test loop scripted: its thread died" in capsys.readouterr().err)
        assert not heartbeat.exists()
    finally:
        stop.set()
        watch.join()
        well.stop()
