"""Bootstrap of the jobs service: settings → adapters → handlers → the ASGI app and its workers.

The one place that chooses real or fake dependencies: tests pass a `runtime` on their store, a
`profiles` client over `httpx.MockTransport` and a `clock` they move by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import FastAPI
from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from services.common.auth import Role
from services.common.erasure import after_erasure
from services.common.runtime import Runtime, build_runtime
from services.common.settings import PlatformSettings
from services.common.store import OutboxRelay, ping, run_migrations
from services.common.uow import SqlUnitOfWork
from services.common.web import create_service_app
from services.jobs import api, store
from services.jobs.consumers import agency_consumer, erasure_consumer
from services.jobs.courses import api as courses_api
from services.jobs.handlers import Deps
from services.jobs.profiles_client import HttpProfilesClient, ProfilesClient
from services.jobs.loops import ExpirySweeper

SERVICE = "jobs"
PORT = 8002
MIGRATIONS = Path(__file__).parent / "migrations"


class Settings(PlatformSettings):
    """Settings of the jobs service; its own names are prefixed JOBS_."""

    model_config = SettingsConfigDict(env_prefix="JOBS_", extra="ignore", populate_by_name=True)

    # How often the sweep expires postings past their deadline, invitations past expires_at and
    # courses past their end date.
    expiry_sweep_s: float = Field(60.0, gt=0, le=86400)
    invitation_ttl_days: int = Field(14, ge=1, le=90)
    # Deadlines are calendar days where the postings are; the day ends at midnight there.
    timezone: str = "Asia/Shanghai"
    profiles_timeout_s: float = Field(3.0, gt=0, le=30)
    # When true, PUT/PATCH/DELETE/close without If-Match are refused with 428.
    require_if_match: bool = False

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}") from None
        return name


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    profiles: ProfilesClient | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
) -> FastAPI:
    settings = settings or Settings()
    runtime = runtime or build_runtime(SERVICE, settings)
    run_migrations(runtime.engine, MIGRATIONS)
    relay = OutboxRelay(runtime.engine, store.outbox, runtime.event_log, name=SERVICE)
    if profiles is None:
        profiles = HttpProfilesClient(
            settings.profiles_url,
            # A short-lived token per call: nothing long-lived to leak, and a rotated key just works.
            lambda: runtime.token_issuer.issue(Role.service, SERVICE, ttl_s=300),
            timeout_s=settings.profiles_timeout_s,
        )
    # one transaction per command; the relay is woken once events are committed. On SQLite the
    # process's writers queue for the file instead of sleeping in SQLite's busy handler (seconds of
    # p99 under 16 concurrent writers), and the routes that hand their command to `uow.run`
    # (postings, applications) share the group writer's commits: their `deps.wake()` after a
    # `with uow:` then waits for the group's commit (`call_after_commit`).
    uow = SqlUnitOfWork(runtime.engine, store.JobsStore, store.OUTBOX, after_commit=relay.wake,
                        queue_sqlite_writers=True)
    deps = Deps(
        uow=uow,
        profiles=profiles,
        clock=clock,
        timezone=ZoneInfo(settings.timezone),
        invitation_ttl=dt.timedelta(days=settings.invitation_ttl_days),
        require_if_match=settings.require_if_match,
        wake=lambda: uow.call_after_commit(relay.wake),
        key_value=runtime.key_value,
        after_erasure=lambda: after_erasure(runtime.engine, runtime.key_value),
    )
    sweeper = ExpirySweeper(deps, settings.expiry_sweep_s)
    erasure = erasure_consumer(deps, runtime.event_log)
    agencies = agency_consumer(deps, runtime.event_log)
    app = create_service_app(
        service=SERVICE,
        title="TalentFlow jobs",
        version="0.1.0",
        description="Employers' postings, applications and invitations, the contact handshake, and training courses.",
        token_issuer=runtime.token_issuer,
        key_value=runtime.key_value,
        routers=[api.router, courses_api.router],
        checks={
            "store": lambda: ping(runtime.engine),
            "event_log": runtime.event_log.ping,
            "key_value": runtime.key_value.ping,
        },
        workers=[relay, sweeper, erasure, agencies],
        run_workers=settings.run_workers,
        max_body_bytes=settings.max_body_bytes,
        on_shutdown=[profiles.close, uow.close, runtime.close],
    )
    app.state.runtime = runtime
    app.state.relay = relay
    app.state.deps = deps
    app.state.sweeper = sweeper
    app.state.erasure = erasure
    app.state.agencies = agencies
    return app
