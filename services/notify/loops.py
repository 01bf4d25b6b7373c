"""The notify service's background loops: the dispatcher (webhooks and e-mail) and the digest maker.

Both keep their work in the store, never in memory: the dispatcher claims due deliveries and
e-mails with a lease, sends them, and records each attempt, so a restart loses nothing and sends
nothing again unless the lease ran out mid-send (at-least-once; receivers dedupe on `webhook-id`).
`run_once()` does one cycle (tests drive it); `start()`/`stop()` run it in a daemon thread
(`BackgroundLoop`, services/common/loops.py: a failed cycle backs off from `poll_s`, doubling to 30 s).
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor, as_completed

from prometheus_client import Counter
from sqlalchemy.engine import Engine

from services.common.loops import BackgroundLoop
from services.common.ports import MetricSample
from services.notify import handlers, store
from services.notify.domain import Outcome, new_id
from services.notify.mail import Letter, PermanentMailError, SmtpMailer, digest_letter, single_letter
from services.notify.webhooks import WebhookSender

log = logging.getLogger(__name__)

WEBHOOK_ATTEMPTS = Counter("talentflow_notify_webhook_attempts_total", "Webhook delivery attempts", ["outcome"])
EMAILS = Counter("talentflow_notify_emails_total", "E-mails handled by the dispatcher", ["outcome"])
DIGESTS = Counter("talentflow_notify_digests_total", "Digest e-mails composed")


class _NotifyLoop(BackgroundLoop):
    """A notify loop: `run_once` every `poll_s`, sooner after `wake()`, never dying of errors."""

    name = "loop"

    def __init__(self, poll_s: float):
        super().__init__(name=type(self).name, interval_s=poll_s, backoff_s=poll_s, backoff_max_s=30.0,
                         thread_name=f"notify-{type(self).name}")
        self.poll_s = poll_s

    def run_once(self) -> int:  # pragma: no cover - overridden
        raise NotImplementedError


class Dispatcher(_NotifyLoop):
    """Sends due webhook deliveries (in a small pool of threads) and due e-mails (over SMTP, here)."""

    name = "dispatcher"
    kind = "notify"

    def __init__(
        self,
        engine: Engine,
        deps: handlers.NotifyDeps,
        sender: WebhookSender,
        mailer: SmtpMailer | None,
        *,
        batch: int = 50,
        concurrency: int = 8,
        lease: dt.timedelta = dt.timedelta(minutes=2),
        poll_s: float = 0.5,
    ):
        super().__init__(poll_s)
        self.engine = engine
        self.deps = deps
        self.sender = sender
        self.mailer = mailer
        self.batch = batch
        self.lease = lease
        self.concurrency = concurrency
        self._pool: ThreadPoolExecutor | None = None
        # Counters for /metrics and tests.
        self.sent = 0
        self.failed_attempts = 0
        self.emails_sent = 0

    def run_once(self) -> int:
        return self.dispatch_webhooks() + self.dispatch_emails()

    # -- webhooks -------------------------------------------------------------------------------

    def dispatch_webhooks(self) -> int:
        claim = new_id("clm")
        with self.engine.begin() as conn:
            claimed = store.claim_due_deliveries(conn, self.deps.clock(), limit=self.batch, lease=self.lease, claim=claim)
        if not claimed:
            return 0
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="notify-webhook")
        futures = {self._pool.submit(self._send, c): c for c in claimed}
        # Settle each as it finishes: one slow endpoint does not hold back the others' records.
        for future in as_completed(futures):
            delivery = futures[future]
            attempted_at, outcome = future.result()
            status = handlers.settle_delivery(self.deps, delivery, outcome, attempted_at)
            WEBHOOK_ATTEMPTS.labels(outcome.result.value).inc()
            if outcome.error is None:
                self.sent += 1
            else:
                self.failed_attempts += 1
                log.info("webhook %s to subscription %s failed (%s); now %s", delivery.id, delivery.subscription_id,
                         outcome.error, status.value if status else "taken over")
        return len(claimed)

    def metric_samples(self) -> list[MetricSample]:
        """Failing webhooks for operators (DESIGN §6): attempts that failed in this process, and from
        the store the subscriptions disabled for failing and the deliveries still to send."""
        with self.engine.connect() as conn:
            disabled, pending = store.webhook_figures(conn)
        return [
            MetricSample("talentflow_webhook_failures", "counter", "webhook delivery attempts that failed", {},
                         self.failed_attempts),
            MetricSample("talentflow_webhook_subscriptions_disabled", "gauge",
                         "webhook subscriptions disabled after failing for too long", {}, disabled),
            MetricSample("talentflow_webhook_deliveries_pending", "gauge", "webhook deliveries waiting to be sent", {},
                         pending),
        ]

    def _send(self, delivery: store.ClaimedDelivery) -> tuple[dt.datetime, Outcome]:
        attempted_at = self.deps.clock()
        secrets = handlers.secrets_in_use(delivery, attempted_at)
        return attempted_at, self.sender.send(delivery.url, delivery.id, delivery.payload.encode(), secrets)

    # -- e-mail ---------------------------------------------------------------------------------

    def dispatch_emails(self) -> int:
        if self.mailer is None:
            return 0
        claim = new_id("clm")
        with self.engine.begin() as conn:
            claimed = store.claim_due_emails(conn, self.deps.clock(), limit=self.batch, lease=self.lease, claim=claim)
        for email in claimed:
            self._send_email(email)
        return len(claimed)

    def _send_email(self, email: store.ClaimedEmail) -> None:
        with self.engine.connect() as conn:
            prefs = store.load_preferences(conn, email.recipient)
            items = store.notifications_by_id(conn, email.recipient, email.notification_ids)
            datas = store.data_with_names(conn, items)
        now = self.deps.clock()
        if not prefs.email or not items:
            # The address was removed, or the notifications were erased: nothing left to say.
            with self.engine.begin() as conn:
                store.finish_email(conn, email, status="cancelled", now=now, error="no address or nothing left to send")
            EMAILS.labels("cancelled").inc()
            return
        # the same texts as the inbox, in the recipient's language and zone
        if email.kind == "single" and len(items) == 1:
            letter: Letter = single_letter(items[0], prefs.language, prefs.timezone, datas[0])
        else:
            letter = digest_letter(items, prefs.language, prefs.timezone, datas)
        try:
            self.mailer.send(prefs.email, letter)
        except PermanentMailError as exc:
            with self.engine.begin() as conn:
                store.finish_email(conn, email, status="failed", now=now, error=str(exc))
            EMAILS.labels("refused").inc()
            log.warning("e-mail %s refused by the server (%s)", email.id, exc)
            return
        except Exception as exc:  # noqa: BLE001 — SMTP and socket errors: retry on the schedule
            retry_at = handlers.email_retry_at(self.deps, email.attempts, now)
            with self.engine.begin() as conn:
                store.finish_email(conn, email, status="pending" if retry_at else "failed", now=now,
                                   next_attempt_at=retry_at, error=type(exc).__name__)
            EMAILS.labels("retry" if retry_at else "failed").inc()
            log.warning("e-mail %s not sent (%s); %s", email.id, type(exc).__name__,
                        "will retry" if retry_at else "giving up")
            return
        with self.engine.begin() as conn:
            store.finish_email(conn, email, status="sent", now=now)
        EMAILS.labels("sent").inc()
        self.emails_sent += 1

    def stop(self, timeout_s: float = 10.0) -> bool:
        ended = super().stop(timeout_s)
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        return ended


class DigestMaker(_NotifyLoop):
    """Turns due digest queues into digest e-mails and wakes the dispatcher to send them; once an
    hour it also drops what is past its retention (old delivery logs, e-mails, notifications)."""

    name = "digests"
    kind = "notify"
    PURGE_EVERY = dt.timedelta(hours=1)

    def __init__(self, engine: Engine, deps: handlers.NotifyDeps, dispatcher: Dispatcher | None = None, *, poll_s: float = 30.0):
        super().__init__(poll_s)
        self.engine = engine
        self.deps = deps
        self.dispatcher = dispatcher
        self.made = 0
        self._last_purge: dt.datetime | None = None

    def run_once(self) -> int:
        now = self.deps.clock()
        if self._last_purge is None or now - self._last_purge >= self.PURGE_EVERY:
            purged = handlers.purge_expired(self.deps)
            self._last_purge = now
            if purged.deliveries or purged.emails or purged.notifications:
                log.info("retention: dropped %d deliveries, %d e-mails, %d notifications",
                         purged.deliveries, purged.emails, purged.notifications)
        made = handlers.make_digests(self.deps)
        self.made += made
        DIGESTS.inc(made)
        if made and self.dispatcher is not None:
            self.dispatcher.wake()
        # A digest round is a scan; report "idle" so the loop waits its poll interval between scans.
        return 0
