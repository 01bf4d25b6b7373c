"""Choosing adapters: the one place that maps settings to engines (cosmicpython's bootstrap).

No URL → the embedded default (SQLite, local log, key-value in a SQLite file per service) under `TALENTFLOW_HOME`;
`DATABASE_URL`, `KAFKA_BOOTSTRAP_SERVERS`, `REDIS_URL` switch each port to its engine.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from services.common.auth import TokenIssuer
from services.common.ports import EventLog, KeyValue
from services.common.settings import PlatformSettings
from services.common.store import checkpoint_wal, make_engine
from services.common.topics import COMPACTED, KAFKA_CONFIGS, retention_s


def make_event_log(settings: PlatformSettings, *, client_id: str = "talentflow") -> EventLog:
    if settings.kafka_bootstrap_servers:
        from services.common.adapters.eventlog_kafka import KafkaEventLog

        return KafkaEventLog(
            settings.kafka_bootstrap_servers,
            client_id=client_id,
            partitions=settings.partitions,
            consumer_overrides=settings.kafka_consumer_overrides or None,
        )
    from services.common.adapters.eventlog_local import LocalEventLog

    settings.home.mkdir(parents=True, exist_ok=True)
    # Keyed topics are compacted as on Kafka (the index is rebuilt from the latest record per key;
    # an erasure leaves only its tombstone), the others expire by age: one table for both (topics.py).
    return LocalEventLog(
        settings.home / "events.db",
        partitions=settings.partitions,
        retention_by_topic={topic: retention_s(topic, 7 * 86400) for topic in KAFKA_CONFIGS},
        compacted=COMPACTED,
        delete_retention_s=settings.log_delete_retention_s,
        compact_interval_s=settings.log_compact_interval_s,
    )


def make_key_value(settings: PlatformSettings, *, namespace: str) -> KeyValue:
    if settings.redis_url:
        from services.common.adapters.kv_redis import RedisKeyValue

        return RedisKeyValue(settings.redis_url, namespace=f"tf:{settings.instance_prefix}{namespace}:")
    from services.common.adapters.kv_sqlite import SqliteKeyValue

    # A file, not process memory: Idempotency-Key answers and dedupe markers outlive a crash or a
    # restart, and every process of the service shares them (DESIGN §3).
    return SqliteKeyValue(settings.home / f"{settings.instance_prefix}{namespace}-kv.db")


@dataclass
class Runtime:
    """The adapters one service runs on, built once in its app.py."""

    service: str
    settings: PlatformSettings
    engine: Engine
    event_log: EventLog
    key_value: KeyValue
    token_issuer: TokenIssuer

    def close(self) -> None:
        # The WAL is folded into the file and truncated: no erased row survives a clean stop there.
        for closer in (self.event_log.close, self.key_value.close, lambda: checkpoint_wal(self.engine), self.engine.dispose):
            try:
                closer()
            except Exception:
                pass


def build_runtime(service: str, settings: PlatformSettings, *, schema: str | None = None) -> Runtime:
    return Runtime(
        service=service,
        settings=settings,
        engine=make_engine(
            settings.database_url, home=settings.home, service=service, schema=schema or settings.instance_prefix + service
        ),
        event_log=make_event_log(settings, client_id=f"talentflow-{service}"),
        key_value=make_key_value(settings, namespace=service),
        token_issuer=TokenIssuer(settings.signing_keys(), ttl_s=settings.token_ttl_s),
    )
