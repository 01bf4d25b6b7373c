"""Bootstrap of the notify service: settings → adapters → handlers → the ASGI app and its workers."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from services.common.runtime import Runtime, build_runtime
from services.common.settings import PlatformSettings
from services.common.store import OutboxRelay, ping, run_migrations
from services.common.uow import SqlUnitOfWork
from services.common.web import create_service_app
from services.notify import api, store
from services.notify.consumers import notify_consumer
from services.notify.domain import STANDARD_SCHEDULE_S, AddressPolicy, RetryPolicy
from services.notify.handlers import Clock, NotifyDeps, utc_now
from services.notify.loops import DigestMaker, Dispatcher
from services.notify.mail import SmtpMailer
from services.notify.webhooks import Resolver, WebhookSender, resolve

SERVICE = "notify"
PORT = 8004
MIGRATIONS = Path(__file__).parent / "migrations"


class Settings(PlatformSettings):
    """Settings of the notify service; its own names are prefixed NOTIFY_ (e.g. NOTIFY_SMTP_HOST)."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", populate_by_name=True)

    # Webhook endpoints: public addresses only, unless the operator allows more. Loopback defaults to
    # allowed on the embedded development run (no engine URL, not production), refused otherwise.
    allow_private_webhooks: bool = False
    allow_loopback_webhooks: bool | None = None
    require_https_webhooks: bool | None = None  # default: in production
    webhook_retry_schedule_s: list[float] = Field(default_factory=lambda: list(STANDARD_SCHEDULE_S), min_length=1, max_length=50)
    webhook_jitter: float = Field(0.1, ge=0, le=0.5)
    webhook_timeout_s: float = Field(10.0, gt=0, le=60)
    webhook_max_retry_after_s: float = Field(86400.0, ge=0)
    webhook_disable_after_s: float = Field(5 * 86400.0, gt=0)
    webhook_secret_grace_s: float = Field(86400.0, ge=0)
    max_subscriptions_per_org: int = Field(20, ge=1, le=1000)
    dispatch_batch: int = Field(50, ge=1, le=1000)
    dispatch_concurrency: int = Field(8, ge=1, le=64)
    dispatch_poll_s: float = Field(0.5, gt=0)
    dispatch_lease_s: float = Field(120.0, gt=0)
    consumer_poll_s: float = Field(0.5, gt=0, le=10)
    # E-mail: off without a host.
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "TalentFlow <notify@talentflow.local>"
    smtp_starttls: bool = False
    smtp_timeout_s: float = Field(10.0, gt=0)
    email_retry_schedule_s: list[float] = Field(default_factory=lambda: [0, 60, 300, 1800, 7200], min_length=1, max_length=50)
    email_burst: int = Field(3, ge=1, le=1000)  # immediate e-mails a recipient may get in a burst
    email_refill_s: float = Field(300.0, gt=0)  # seconds until one more immediate e-mail is allowed
    digest_settle_s: float = Field(600.0, ge=0)  # a burst is over after this long without a new item
    digest_poll_s: float = Field(30.0, gt=0)
    # Retention: finished deliveries (and their payloads) and sent e-mails; inbox notifications.
    delivery_retention_days: float = Field(30.0, gt=0)
    inbox_retention_days: float = Field(365.0, gt=0)

    @field_validator("webhook_retry_schedule_s", "email_retry_schedule_s")
    @classmethod
    def _non_negative(cls, schedule: list[float]) -> list[float]:
        if any(s < 0 for s in schedule):
            raise ValueError("delays must not be negative")
        return schedule

    @property
    def address_policy(self) -> AddressPolicy:
        loopback = self.allow_loopback_webhooks
        if loopback is None:
            loopback = self.embedded and not self.production
        https = self.require_https_webhooks if self.require_https_webhooks is not None else self.production
        return AddressPolicy(allow_private=self.allow_private_webhooks, allow_loopback=loopback, require_https=https)

    def mailer(self) -> SmtpMailer | None:
        if not self.smtp_host:
            return None
        return SmtpMailer(self.smtp_host, self.smtp_port, self.smtp_from, self.smtp_user,
                          self.smtp_password.get_secret_value() if self.smtp_password else None,
                          self.smtp_starttls, self.smtp_timeout_s)


def build_deps(settings: Settings, runtime: Runtime, *, clock: Clock = utc_now, resolver: Resolver = resolve) -> NotifyDeps:
    return NotifyDeps(
        key_value=runtime.key_value,
        # one transaction per command or consumed batch (services.common.uow)
        uow=SqlUnitOfWork(runtime.engine, store.NotifyStore, store.OUTBOX),
        clock=clock,
        mail_enabled=bool(settings.smtp_host),
        email_burst=settings.email_burst,
        email_refill_per_s=1 / settings.email_refill_s,
        address_policy=settings.address_policy,
        resolver=resolver,
        retry=RetryPolicy(tuple(settings.webhook_retry_schedule_s), settings.webhook_jitter,
                          settings.webhook_max_retry_after_s),
        disable_after=dt.timedelta(seconds=settings.webhook_disable_after_s),
        secret_grace=dt.timedelta(seconds=settings.webhook_secret_grace_s),
        max_subscriptions_per_org=settings.max_subscriptions_per_org,
        email_retry=RetryPolicy(tuple(settings.email_retry_schedule_s), settings.webhook_jitter),
        digest_settle=dt.timedelta(seconds=settings.digest_settle_s),
        delivery_retention=dt.timedelta(days=settings.delivery_retention_days),
        inbox_retention=dt.timedelta(days=settings.inbox_retention_days),
    )


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    clock: Clock = utc_now,
    resolver: Resolver = resolve,
) -> FastAPI:
    """The notify app. `clock` and `resolver` are seams for tests (time travel, fake DNS)."""
    settings = settings or Settings()
    # httpx logs every request's URL at INFO; a webhook URL may carry the receiver's own token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    runtime = runtime or build_runtime(SERVICE, settings)
    run_migrations(runtime.engine, MIGRATIONS)
    deps = build_deps(settings, runtime, clock=clock, resolver=resolver)
    relay = OutboxRelay(runtime.engine, store.outbox, runtime.event_log, name=SERVICE)
    sender = WebhookSender(deps.address_policy, timeout_s=settings.webhook_timeout_s, resolver=resolver)
    dispatcher = Dispatcher(
        runtime.engine, deps, sender, settings.mailer(),
        batch=settings.dispatch_batch, concurrency=settings.dispatch_concurrency,
        lease=dt.timedelta(seconds=max(settings.dispatch_lease_s, settings.webhook_timeout_s * 2)),
        poll_s=settings.dispatch_poll_s,
    )
    digests = DigestMaker(runtime.engine, deps, dispatcher, poll_s=settings.digest_poll_s)
    consumer = notify_consumer(runtime.event_log, runtime.engine, deps, dispatcher.wake,
                               poll_timeout_s=settings.consumer_poll_s)
    app = create_service_app(
        service=SERVICE,
        title="TalentFlow notify",
        version="0.1.0",
        description="Inbox, webhooks (Standard Webhooks) and e-mail for workers, employers and agencies.",
        token_issuer=runtime.token_issuer,
        key_value=runtime.key_value,
        routers=[api.router],
        checks={
            "store": lambda: ping(runtime.engine),
            "event_log": runtime.event_log.ping,
            "key_value": runtime.key_value.ping,
        },
        workers=[relay, consumer, dispatcher, digests],
        run_workers=settings.run_workers,
        max_body_bytes=settings.max_body_bytes,
        on_shutdown=[sender.close, runtime.close],
    )
    app.state.runtime = runtime
    app.state.relay = relay
    app.state.settings = settings
    app.state.deps = deps
    app.state.consumer = consumer
    app.state.dispatcher = dispatcher
    app.state.digests = digests
    return app
