"""Helpers for service tests: build a service on a chosen store, issue tokens, random ids."""

from __future__ import annotations

import uuid
from pathlib import Path

from services.common.auth import Role, TokenIssuer
from services.common.runtime import Runtime, build_runtime
from services.common.settings import PlatformSettings

TEST_KEY = "test-signing-key-" + "x" * 40


def random_id(prefix: str = "id") -> str:
    """Random ids keep tests from colliding (cosmicpython's random_refs)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def runtime_for(service: str, settings: PlatformSettings, backend) -> Runtime:
    """A runtime on the test's store backend (SQLite file in tmp, or a PostgreSQL schema)."""
    return build_runtime(service, settings, schema=backend.schema)


def settings_kwargs(backend, home: Path | None = None, **extra) -> dict:
    """Constructor values for a service's Settings on this backend with the embedded log and KV."""
    return {
        "home": home or backend.home,
        "database_url": backend.database_url,
        "signing_key": TEST_KEY,
        "run_workers": False,
        **extra,
    }


def token(role: str | Role, subject: str, org: str | None = None, acts_for=()) -> str:
    return TokenIssuer([TEST_KEY]).issue(Role(role), subject, org=org, acts_for=list(acts_for))


def auth(role: str | Role, subject: str, org: str | None = None, acts_for=()) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, subject, org, acts_for)}"}
