"""Bootstrap of the profiles service: settings → adapters → handlers → the ASGI app and its workers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from services.common.erasure import after_erasure
from services.common.runtime import Runtime, build_runtime
from services.common.settings import PlatformSettings
from services.common.store import OutboxRelay, ping, run_migrations
from services.common.uow import SqlUnitOfWork
from services.common.web import create_service_app
from services.profiles import api, store
from services.profiles.handlers import Deps, ImportRunner, Limits

SERVICE = "profiles"
PORT = 8001
MIGRATIONS = Path(__file__).parent / "migrations"


class Settings(PlatformSettings):
    """Settings of the profiles service; its own names are prefixed PROFILES_."""

    model_config = SettingsConfigDict(env_prefix="PROFILES_", extra="ignore", populate_by_name=True)

    # writes to a profile managed by an agency must carry If-Match (428 otherwise): two editors
    require_if_match_when_managed: bool = True
    import_max_rows: int = Field(100_000, ge=1, le=1_000_000)
    import_max_bytes: int = Field(256 * 1024 * 1024, ge=1024)
    import_max_row_bytes: int = Field(64 * 1024, ge=1024, le=16 * 1024 * 1024)
    import_batch_size: int = Field(500, ge=1, le=10_000)
    import_max_queued: int = Field(4, ge=1, le=100)

    def import_limits(self) -> Limits:
        return Limits(
            max_rows=self.import_max_rows,
            max_bytes=self.import_max_bytes,
            max_row_bytes=self.import_max_row_bytes,
            batch_size=self.import_batch_size,
            max_queued=self.import_max_queued,
        )


def create_app(settings: Settings | None = None, *, runtime: Runtime | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = runtime or build_runtime(SERVICE, settings)
    run_migrations(runtime.engine, MIGRATIONS)
    relay = OutboxRelay(runtime.engine, store.outbox, runtime.event_log, name=SERVICE)
    # one transaction per command; the relay is woken once events are committed
    uow = SqlUnitOfWork(runtime.engine, store.ProfilesStore, store.OUTBOX, after_commit=relay.wake,
                        queue_sqlite_writers=True)
    deps = Deps(
        uow=uow,
        token_issuer=runtime.token_issuer,
        key_value=runtime.key_value,
        require_if_match_when_managed=settings.require_if_match_when_managed,
        after_erasure=lambda: after_erasure(runtime.engine, runtime.key_value),
    )
    # Imports run in the process that received the upload (the file is on its disk), so the runner
    # lives with the HTTP app, not with the relay workers that `talentflow work` may run elsewhere.
    importer = ImportRunner(uow, settings.home / "imports" / SERVICE, limits=settings.import_limits())
    importer.start()
    app = create_service_app(
        service=SERVICE,
        title="TalentFlow profiles",
        version="0.1.0",
        token_issuer=runtime.token_issuer,
        key_value=runtime.key_value,
        routers=[api.router],
        checks={
            "store": lambda: ping(runtime.engine),
            "event_log": runtime.event_log.ping,
            "key_value": runtime.key_value.ping,
        },
        workers=[relay],
        run_workers=settings.run_workers,
        max_body_bytes=settings.max_body_bytes,
        on_shutdown=[importer.stop, uow.close, runtime.close],
        description="Worker profiles: the source of truth for workers, consent and contact data.",
    )
    app.state.runtime = runtime
    app.state.relay = relay
    app.state.deps = deps
    app.state.importer = importer
    return app
