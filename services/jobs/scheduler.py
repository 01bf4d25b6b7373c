"""The expiry sweep: a worker thread that closes what time has run out on.

Every `interval_s` it expires live postings whose deadline day is over (`posting.upserted` +
`posting.closed` with reason `expired`) and pending invitations past `expires_at`
(`invitation.answered` with answer `expired`). Rows are locked with SKIP LOCKED on PostgreSQL, so
sweeps in several replicas never expire one thing twice. A failed sweep is logged and retried at
the next tick; the thread never dies of it.
"""

from __future__ import annotations

import logging
import threading

from services.jobs import handlers
from services.jobs.handlers import Deps

log = logging.getLogger(__name__)


class ExpirySweeper:
    """Runs `run_once` every `interval_s` seconds in a daemon thread (start/stop), or on demand."""

    def __init__(self, deps: Deps, interval_s: float, *, name: str = "jobs-expiry"):
        self.deps = deps
        self.interval_s = interval_s
        self.name = name
        self.sweeps = 0
        self.failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> tuple[int, int]:
        """One sweep; returns (postings expired, invitations expired)."""
        postings = handlers.expire_due_postings(self.deps)
        invitations = handlers.expire_due_invitations(self.deps)
        self.sweeps += 1
        if postings or invitations:
            log.info("expired %d postings and %d invitations", postings, invitations)
        return postings, invitations

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # the sweep must outlive a database hiccup
                self.failures += 1
                log.warning("expiry sweep failed (%s); retrying in %.0f s", type(exc).__name__, self.interval_s)
            self._stop.wait(self.interval_s)

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
