"""The jobs service's background loops: the expiry sweep, which closes what time has run out on.

Every `interval_s` it expires live postings whose deadline day is over (`posting.upserted` +
`posting.closed` with reason `expired`), pending invitations past `expires_at`
(`invitation.answered` with answer `expired`) and live training courses whose end day is over
(`course.upserted` + `course.closed` with reason `expired`). Rows are locked with SKIP LOCKED on PostgreSQL, so
sweeps in several replicas never expire one thing twice. A failed sweep is logged and retried at
the next tick; the thread never dies of it (`BackgroundLoop`, services/common/loops.py).
"""

from __future__ import annotations

import logging

from services.common.loops import BackgroundLoop
from services.jobs import handlers
from services.jobs.courses import handlers as course_handlers
from services.jobs.handlers import Deps

log = logging.getLogger(__name__)


class ExpirySweeper(BackgroundLoop):
    """Runs `run_once` every `interval_s` seconds in a daemon thread (start/stop), or on demand."""

    kind = "expiry sweep"

    def __init__(self, deps: Deps, interval_s: float, *, name: str = "jobs-expiry"):
        # A failed sweep waits one interval, like a successful one: the next tick is the retry.
        super().__init__(name=name, interval_s=interval_s, backoff_s=interval_s, backoff_max_s=interval_s)
        self.deps = deps
        self.sweeps = 0

    def run_once(self) -> tuple[int, int, int]:
        """One sweep; returns (postings expired, invitations expired, courses expired)."""
        postings = handlers.expire_due_postings(self.deps)
        invitations = handlers.expire_due_invitations(self.deps)
        courses = course_handlers.expire_due_courses(self.deps)
        self.sweeps += 1
        if postings or invitations or courses:
            log.info("expired %d postings, %d invitations and %d courses", postings, invitations, courses)
        return postings, invitations, courses

    def step(self) -> bool:
        self.run_once()
        return False  # a sweep is a scan: wait the interval before the next, whatever it found

    def describe_error(self, exc: Exception, delay: float) -> None:
        log.warning("expiry sweep failed (%s); retrying in %.0f s", type(exc).__name__, delay)
