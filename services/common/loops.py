"""One base for every background loop of the platform (issue 15): outbox relays, consumers, sweeps,
dispatchers, digests, report schedules.

A loop is a daemon thread that calls `run_once()` again and again:

- `run_once()` returns what it did; anything truthy means "there may be more": it is called again
  at once; falsy means idle: the loop waits `interval_s`, or less when someone calls `wake()`.
  A loop whose every cycle is a scan (a sweep, a schedule) overrides `step()` to return False.
- an exception is logged by type only (messages may hold personal data), counted, and retried
  after a backoff that doubles from `backoff_s` to `backoff_max_s`; the thread never dies of it.
- `health()` is None when fine, else words for /readyz: a loop that was started and whose thread is
  gone. `last_success` / `last_error` / `failures` say the rest; `alive` is the thread's state.
- `start()` is idempotent; `stop()` asks, wakes and joins (`join()` alone waits).

Each service's loops live in `<service>/loops.py` (jobs: the expiry sweep; notify: the dispatcher
and digests; matching: the market report schedule); the kit's own are `OutboxRelay`
(services/common/store.py) and `ConsumerWorker` (services/common/consuming.py). These are not
called "workers": here a worker is a skilled person.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("talentflow.loops")

__all__ = ["BackgroundLoop", "StopLoop"]


class StopLoop(Exception):
    """Raised inside `run_once` when the loop was asked to stop mid-cycle (e.g. during a retry wait)."""


class BackgroundLoop:
    """A daemon thread around `run_once()`: wake-ups, backoff on error, health, start/stop/join."""

    #: what /readyz calls this kind of loop ("outbox relay", "consumer", ...)
    kind = "loop"

    def __init__(self, *, name: str, interval_s: float, backoff_s: float | None = None,
                 backoff_max_s: float = 30.0, clock: Callable[[], float] = time.monotonic,
                 thread_name: str | None = None) -> None:
        self.name = name
        self.thread_name = thread_name or name
        self.interval_s = interval_s
        self.backoff_s = interval_s if backoff_s is None else backoff_s
        self.backoff_max_s = max(backoff_max_s, self.backoff_s)
        self._loop_clock = clock
        self.failures = 0  # cycles that raised, since start
        self.consecutive_failures = 0
        self.last_success: float | None = None  # clock() of the last cycle that returned
        self.last_error: str | None = None  # the exception type of the last failed cycle
        self.last_error_at: float | None = None
        self._wanted_running = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # -- what subclasses write -------------------------------------------------------------------

    def run_once(self) -> Any:  # pragma: no cover - overridden
        """One cycle; truthy when it did work (the loop then goes on without waiting)."""
        raise NotImplementedError

    def step(self) -> bool:
        """What the thread calls each cycle: `run_once()`, as a bool."""
        return bool(self.run_once())

    def after_work(self) -> None:
        """Called after a cycle that did work, before the next (a relay lingers here)."""

    def on_error(self, exc: Exception) -> None:
        """Called after a failed cycle, before the backoff (a consumer drops its member here)."""

    def on_exit(self) -> None:
        """Called by the thread as it ends (a consumer closes its member here)."""

    def describe_error(self, exc: Exception, delay: float) -> None:
        log.warning("%s %s failed (%s); retrying in %.1f s", self.kind, self.name, type(exc).__name__, delay)
        log.debug("%s %s failure", self.kind, self.name, exc_info=True)

    # -- lifecycle -------------------------------------------------------------------------------

    def wake(self) -> None:
        """Run the next cycle now rather than after `interval_s` (e.g. after a commit)."""
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._wanted_running = True
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> bool:
        """Ask the loop to finish its cycle and wait for it; True when the thread has ended."""
        self._wanted_running = False
        self._stop.set()
        self._wake.set()
        ended = self.join(timeout_s)
        if ended:
            self._thread = None
        else:
            log.warning("%s %s did not stop within %.1f s", self.kind, self.name, timeout_s)
        return ended

    def join(self, timeout_s: float | None = None) -> bool:
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout_s)
        return not thread.is_alive()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds` unless stopped; True when the loop should stop."""
        return self._stop.wait(seconds)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    running = alive

    def backoff(self, attempt: int) -> float:
        return min(self.backoff_max_s, self.backoff_s * 2 ** max(0, attempt - 1))

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    busy = self.step()
                except StopLoop:
                    break
                except Exception as exc:  # noqa: BLE001 — the loop must outlive any failure
                    self.failures += 1
                    self.consecutive_failures += 1
                    self.last_error, self.last_error_at = type(exc).__name__, self._loop_clock()
                    delay = self.backoff(self.consecutive_failures)
                    self.describe_error(exc, delay)
                    try:
                        self.on_error(exc)
                    except Exception:  # noqa: BLE001
                        log.debug("%s %s: on_error failed", self.kind, self.name, exc_info=True)
                    self._stop.wait(delay)
                    continue
                self.consecutive_failures = 0
                self.last_success = self._loop_clock()
                if busy:
                    self.after_work()
                else:
                    self._wake.wait(self.interval_s)
                    self._wake.clear()
        finally:
            self.on_exit()

    # -- what operators see ----------------------------------------------------------------------

    def health(self) -> str | None:
        """None when fine (or never started: in scale-out an HTTP process runs no loops)."""
        if self._wanted_running and not self.alive:
            return f"{self.kind} {self.name}: its thread died"
        return None

    def status(self) -> dict[str, Any]:
        """The loop's state in one dict (logs, debugging, tests)."""
        return {"name": self.name, "kind": self.kind, "alive": self.alive, "failures": self.failures,
                "last_success": self.last_success, "last_error": self.last_error,
                "last_error_at": self.last_error_at}
