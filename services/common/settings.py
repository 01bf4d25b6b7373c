"""Settings shared by every service: engine URLs, the data folder, the token signing key.

Built in each service's `app.py` (never at import time). With no engine URL set, the embedded
default runs: SQLite, the local event log and in-process key-value under `TALENTFLOW_HOME`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SIGNING_KEY_FILE = "signing.key"


class PlatformSettings(BaseSettings):
    """Names shared by all services; a service subclasses it and adds its own prefixed settings."""

    # Every field is read from its `validation_alias` (or, by name, from `TALENTFLOW_<NAME>`): with an
    # empty prefix, `populate_by_name` would read `home` from the shell's HOME and `env` from ENV.
    # Only the engine URLs DESIGN names (DATABASE_URL, KAFKA_BOOTSTRAP_SERVERS, ...) are unprefixed.
    model_config = SettingsConfigDict(env_prefix="TALENTFLOW_", extra="ignore", populate_by_name=True)

    env: str = Field("development", validation_alias="TALENTFLOW_ENV")
    home: Path = Field(Path("var"), validation_alias="TALENTFLOW_HOME")
    database_url: str | None = Field(None, validation_alias="DATABASE_URL")
    kafka_bootstrap_servers: str | None = Field(None, validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    elasticsearch_url: str | None = Field(None, validation_alias="ELASTICSEARCH_URL")
    redis_url: str | None = Field(None, validation_alias="REDIS_URL")
    signing_key: SecretStr | None = Field(None, validation_alias="TALENTFLOW_SIGNING_KEY")
    previous_signing_keys: str = Field("", validation_alias="TALENTFLOW_PREVIOUS_SIGNING_KEYS")
    token_ttl_s: int = Field(30 * 86400, validation_alias="TALENTFLOW_TOKEN_TTL_S")
    partitions: int = Field(8, validation_alias="TALENTFLOW_PARTITIONS", ge=1, le=256)
    # The local log compacts keyed topics this often (and a second after an erasure); a tombstone
    # is kept this long after it erased its key (Kafka's delete.retention.ms). DESIGN §6.
    log_compact_interval_s: float = Field(60.0, validation_alias="TALENTFLOW_LOG_COMPACT_INTERVAL_S", gt=0)
    log_delete_retention_s: float = Field(7 * 86400, validation_alias="TALENTFLOW_LOG_DELETE_RETENTION_S", ge=0)
    max_body_bytes: int = Field(2 * 1024 * 1024, validation_alias="TALENTFLOW_MAX_BODY_BYTES")
    # URLs of the other services' public APIs, for the few reads that must be synchronous.
    profiles_url: str = Field("http://127.0.0.1:8001", validation_alias="TALENTFLOW_PROFILES_URL")
    jobs_url: str = Field("http://127.0.0.1:8002", validation_alias="TALENTFLOW_JOBS_URL")
    matching_url: str = Field("http://127.0.0.1:8003", validation_alias="TALENTFLOW_MATCHING_URL")
    notify_url: str = Field("http://127.0.0.1:8004", validation_alias="TALENTFLOW_NOTIFY_URL")
    run_workers: bool = Field(True, validation_alias="TALENTFLOW_RUN_WORKERS")
    # kafka-python consumer settings (JSON), e.g. {"max_poll_interval_ms": 3000} for a test broker
    # whose group join waits for the rebalance timeout.
    kafka_consumer_overrides: dict[str, int | str | bool] = Field(
        default_factory=dict, validation_alias="TALENTFLOW_KAFKA_CONSUMER_OVERRIDES"
    )
    # Prefix of each service's PostgreSQL schema and Redis namespace: lets two deployments (or test
    # runs) share one database server and one Redis without seeing each other's data.
    instance_prefix: str = Field("", validation_alias="TALENTFLOW_INSTANCE_PREFIX", pattern=r"^[a-z0-9_]{0,20}$")

    @property
    def embedded(self) -> bool:
        return not (self.database_url or self.kafka_bootstrap_servers or self.redis_url)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> PlatformSettings:
        if self.production and (self.signing_key is None or len(self.signing_key.get_secret_value()) < 32):
            raise ValueError("TALENTFLOW_SIGNING_KEY (32+ characters) is required when TALENTFLOW_ENV=production")
        return self

    @model_validator(mode="after")
    def _home_is_absolute(self) -> PlatformSettings:
        # Resolved once, so every process (and every later `cd`) agrees on one data folder.
        self.home = self.home.expanduser().absolute()
        return self

    def signing_keys(self) -> list[str]:
        """The current key first, then previous keys still accepted for verification (rotation)."""
        current = self.signing_key.get_secret_value() if self.signing_key else load_or_create_key(self.home)
        previous = [k.strip() for k in self.previous_signing_keys.split(",") if k.strip()]
        return [current, *previous]


def load_or_create_key(home: Path) -> str:
    """The embedded run's signing key, kept under the data folder so tokens survive a restart."""
    path = Path(home) / DEFAULT_SIGNING_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: when several services start at once, exactly one writes the key and all read it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_when_written(path)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _read_when_written(path: Path, attempts: int = 50) -> str:
    """Another process created the key file a moment ago; wait until its content is there."""
    import time

    for _ in range(attempts):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"signing key file {path} stays empty")
