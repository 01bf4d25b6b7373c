"""The four services as their OpenAPI tests see them: each app on SQLite in a temporary folder,
with the embedded log and key-value store, no background loops, and tokens of every role.

Jobs reads profiles over HTTP; here that client talks to `FakeProfiles` (tests/integration),
so the contract test needs no second service.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from services.common.auth import Role
from tests.fixtures.engines import StoreBackend
from tests.support import auth, runtime_for, settings_kwargs

SERVICES = ("profiles", "jobs", "matching", "notify")
PORTS = {"profiles": 8001, "jobs": 8002, "matching": 8003, "notify": 8004}


@contextmanager
def service_app(service: str, home: Path) -> Iterator[FastAPI]:
    """One service's app on SQLite under `home`; closed on leaving."""
    backend = StoreBackend("sqlite", None, None, home)
    kwargs: dict[str, Any] = settings_kwargs(backend)
    if service == "profiles":
        from services.profiles.app import Settings, create_app

        settings = Settings(**kwargs)
        app = create_app(settings, runtime=runtime_for(service, settings, backend))
        closers = [app.state.importer.stop, app.state.runtime.close]
    elif service == "jobs":
        from services.jobs.app import Settings, create_app
        from services.jobs.profiles_client import HttpProfilesClient
        from tests.integration.jobs_harness import FakeProfiles

        settings = Settings(**kwargs)
        runtime = runtime_for(service, settings, backend)
        profiles = HttpProfilesClient(settings.profiles_url,
                                      lambda: runtime.token_issuer.issue(Role.service, "jobs", ttl_s=60),
                                      timeout_s=1.0, transport=httpx.MockTransport(FakeProfiles().handle))
        app = create_app(settings, runtime=runtime, profiles=profiles)
        closers = [profiles.close, runtime.close]
    elif service == "matching":
        from services.matching.app import Settings, create_app

        settings = Settings(**kwargs, index_path=home / "index")
        app = create_app(settings, runtime=runtime_for(service, settings, backend))
        closers = [app.state.index.close, app.state.runtime.close]
    elif service == "notify":
        from services.notify.app import Settings, create_app

        settings = Settings(**kwargs)
        app = create_app(settings, runtime=runtime_for(service, settings, backend))
        closers = [app.state.runtime.close]
    else:
        raise ValueError(service)
    try:
        yield app
    finally:
        for close in closers:
            close()


def admin_headers() -> dict[str, str]:
    """An admin token: past 401 on every authenticated route, and allowed most things."""
    return auth(Role.admin, "admin-contract", org="org-contract")


def caller_headers(service: str) -> dict[str, str]:
    """The caller that reaches most of a service's operations: an admin, except in notify, whose
    inbox, preferences and webhooks belong to recipients and orgs (an agency's org has all three)."""
    if service == "notify":
        return auth(Role.agency, "agency-staff", org="org-contract")
    return admin_headers()
