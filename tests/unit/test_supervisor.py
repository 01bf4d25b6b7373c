"""`talentflow up` supervision: a crashed service restarts with backoff, repeated fast crashes give up loudly."""

from __future__ import annotations

import signal

import pytest

from services.common.cli import RestartPolicy, Supervisor, build_parser


class FakeProcess:
    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.returncode: int | None = None
        self.signals: list[int] = []

    def poll(self) -> int | None:
        return self.returncode

    def send_signal(self, sig: int) -> None:
        self.signals.append(sig)
        self.returncode = 0

    def wait(self, timeout: float | None = None) -> int:
        return self.returncode or 0

    def kill(self) -> None:
        self.returncode = -9


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(policy: RestartPolicy | None = None):
    spawned: list[FakeProcess] = []
    said: list[str] = []
    clock = Clock()

    def spawn(argv):
        spawned.append(FakeProcess(argv))
        return spawned[-1]

    supervisor = Supervisor({"profiles": ["p"], "matching": ["m"]}, spawn=spawn, policy=policy, clock=clock,
                            say=said.append)
    supervisor.start_all()
    return supervisor, spawned, said, clock


def test_a_crashed_service_restarts_after_a_doubling_delay_and_the_others_are_untouched():
    supervisor, spawned, said, clock = make()
    profiles = supervisor.services["profiles"].proc
    for attempt, delay in enumerate([1, 2, 4], start=1):
        supervisor.services["matching"].proc.returncode = -9
        supervisor.check()
        assert said[-1] == f"matching exited with -9 (SIGKILL); restarting in {delay} s (restart {attempt})"
        clock.now += delay - 0.1
        supervisor.check()
        assert len(spawned) == 2 + attempt - 1, "restarted before its delay"
        clock.now += 0.1
        supervisor.check()
        assert len(spawned) == 2 + attempt
        assert spawned[-1].argv == ["m"] and supervisor.services["matching"].proc is spawned[-1]
    assert supervisor.services["profiles"].proc is profiles and profiles.signals == []
    assert supervisor.failed == []


def test_the_delay_is_capped_and_crashes_outside_the_window_are_forgotten():
    policy = RestartPolicy(base_delay_s=1, max_delay_s=3, crash_limit=10, window_s=60)
    assert [policy.delay(n) for n in range(1, 6)] == [1, 2, 3, 3, 3]
    supervisor, spawned, said, clock = make(RestartPolicy(crash_limit=3, window_s=60))
    for _ in range(5):  # one crash every 61 s never reaches the limit
        supervisor.services["matching"].proc.returncode = 1
        supervisor.check()
        assert "restarting in 1 s" in said[-1]
        clock.now += 61
        supervisor.check()
    assert supervisor.failed == [] and len(spawned) == 2 + 5


def test_repeated_fast_crashes_give_up_on_that_service_only_and_say_so():
    supervisor, spawned, said, clock = make(RestartPolicy(crash_limit=5, window_s=60))
    for _ in range(4):
        supervisor.services["matching"].proc.returncode = 3
        supervisor.check()
        clock.now += 10
        supervisor.check()
    supervisor.services["matching"].proc.returncode = 3
    supervisor.check()
    assert supervisor.failed == ["matching"]
    assert said[-1].startswith("matching exited with 3; it crashed 5 times within 60 s — giving up on matching")
    before = len(spawned)
    clock.now += 120
    supervisor.check()
    assert len(spawned) == before, "a given-up service was started again"
    assert not supervisor.all_given_up
    assert supervisor.services["profiles"].proc.poll() is None


def test_stop_all_sends_sigterm_to_every_running_child():
    supervisor, spawned, said, clock = make()
    supervisor.stop_all(grace_s=0.1)
    assert all(p.signals == [signal.SIGTERM] for p in spawned)


def test_the_crash_limits_must_be_positive():
    args = build_parser().parse_args(["up", "--crash-limit", "3", "--crash-window", "30"])
    assert (args.crash_limit, args.crash_window) == (3, 30.0)
    for bad in (["--crash-limit", "0"], ["--crash-window", "-1"], ["--crash-limit", "x"]):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["up", *bad])
