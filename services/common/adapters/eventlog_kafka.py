"""The scale-out `EventLog`: Apache Kafka through kafka-python.

- Publishing uses one idempotent producer (`acks="all"`, `enable_idempotence=True`) shared by all
  threads; `publish` sends every message keyed by its entity id with its headers, then waits for
  every acknowledgement and raises `services.common.errors.Unavailable` if any failed.
- Topics are created on demand with the admin client (`partitions`, `replication_factor`) before the
  first publish or subscription that names them, with the configs `deploy/kafka/topics.json` gives
  them (`services.common.topics`: keyed topics compacted, the others expiring); an existing topic is
  left as it is.
- Consumers never auto-commit: `commit(records)` commits `offset + 1` of the last record of each
  partition, so offsets move only after the caller stored the effect. A kafka-python consumer is not
  thread-safe: create, poll, commit and close each consumer from one thread.
- `from_beginning=False` makes a new group start at the end (`auto_offset_reset="latest"`). Where the
  group has no committed offset on a partition, records stamped before the consumer was created are
  also skipped until the first newer one: some Kafka-protocol brokers (Tansu) answer the "latest
  offset" lookup with a stale offset, and this keeps the rule the same on every broker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from services.common.errors import Unavailable
from services.common.ports import OutgoingMessage, Record
from services.common.topics import kafka_configs

__all__ = ["KafkaConsumerAdapter", "KafkaEventLog"]

log = logging.getLogger(__name__)

_TOPIC_ALREADY_EXISTS = 36  # Kafka protocol error code
_NO_HEADERS: Mapping[str, bytes] = MappingProxyType({})


class KafkaEventLog:
    """An `EventLog` on a Kafka cluster (or any broker that speaks the Kafka protocol)."""

    def __init__(
        self,
        bootstrap_servers: str | Sequence[str],
        client_id: str = "talentflow",
        partitions: int = 8,
        replication_factor: int = 1,
        consumer_overrides: Mapping[str, Any] | None = None,
        producer_overrides: Mapping[str, Any] | None = None,
        *,
        publish_timeout_s: float = 30.0,  # at least 1 s
        admin_overrides: Mapping[str, Any] | None = None,
        topic_overrides: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Nothing connects until first use, so a service can start while Kafka is still coming up.

        `consumer_overrides` / `producer_overrides` / `admin_overrides` are passed to kafka-python
        as they are (e.g. `max_poll_interval_ms`, `session_timeout_ms`, `linger_ms`, security settings).
        """
        self.bootstrap_servers = (
            [s.strip() for s in bootstrap_servers.split(",") if s.strip()]
            if isinstance(bootstrap_servers, str)
            else list(bootstrap_servers)
        )
        self.client_id = client_id
        self.partitions = partitions
        self.replication_factor = replication_factor
        self.consumer_overrides = dict(consumer_overrides or {})
        self.producer_overrides = dict(producer_overrides or {})
        self.admin_overrides = dict(admin_overrides or {})
        self.topic_overrides = {topic: dict(configs) for topic, configs in (topic_overrides or {}).items()}
        self.publish_timeout_s = publish_timeout_s
        self._lock = threading.Lock()
        self._producer: KafkaProducer | None = None
        self._admin: KafkaAdminClient | None = None
        self._known_topics: set[str] = set()

    # -- clients (created lazily, shared, thread-safe) ------------------------------------------

    def _get_producer(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                delivery_timeout_ms = int(self.publish_timeout_s * 1000)
                config: dict[str, Any] = {
                    "bootstrap_servers": self.bootstrap_servers,
                    "client_id": self.client_id,
                    "acks": "all",
                    "enable_idempotence": True,
                    "linger_ms": 5,  # publish() flushes anyway; this only groups concurrent callers
                    "max_block_ms": 10_000,  # a send waiting for metadata gives up instead of hanging
                    # Undelivered messages fail within the publish timeout instead of lingering in
                    # the producer's buffer, where they would make every later flush (and close) wait.
                    "request_timeout_ms": min(10_000, delivery_timeout_ms // 2),
                    "delivery_timeout_ms": delivery_timeout_ms,
                }
                config.update(self.producer_overrides)
                self._producer = KafkaProducer(**config)
            return self._producer

    def _get_admin(self) -> KafkaAdminClient:
        with self._lock:
            if self._admin is None:
                config: dict[str, Any] = {
                    "bootstrap_servers": self.bootstrap_servers,
                    "client_id": f"{self.client_id}-admin",
                    "bootstrap_timeout_ms": 3_000,  # bounds ping() (/readyz) while Kafka is down
                    "request_timeout_ms": 10_000,
                }
                config.update(self.admin_overrides)
                self._admin = KafkaAdminClient(**config)
            return self._admin

    def _drop_admin(self) -> None:
        """Forget the admin client after a failure; the next call bootstraps a new one."""
        with self._lock:
            admin, self._admin = self._admin, None
        if admin is not None:
            try:
                admin.close()
            except Exception:  # noqa: BLE001
                pass

    def topic_configs(self, topic: str) -> dict[str, str]:
        """The configs a topic is created with: the kit's table (compaction, retention), then overrides."""
        return {**kafka_configs(topic), **self.topic_overrides.get(topic, {})}

    def ensure_topics(self, topics: Sequence[str]) -> None:
        """Create the topics that do not exist yet; an existing topic keeps its settings."""
        missing = sorted(set(topics) - self._known_topics)
        if not missing:
            return
        spec = {
            topic: {
                "num_partitions": self.partitions,
                "replication_factor": self.replication_factor,
                "configs": self.topic_configs(topic),
            }
            for topic in missing
        }
        try:
            result = self._get_admin().create_topics(spec, raise_errors=False)
        except KafkaError as exc:
            self._drop_admin()
            raise Unavailable(f"event log: Kafka unreachable ({type(exc).__name__})") from exc
        for topic in result["topics"]:
            code = topic["error_code"]
            if code not in (0, _TOPIC_ALREADY_EXISTS):
                raise Unavailable(f"event log: creating topic {topic['name']!r} failed with Kafka error code {code}")
        self._known_topics.update(missing)

    # -- EventLog -------------------------------------------------------------------------------

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Send all messages and return once every one is acknowledged by all in-sync replicas."""
        if not messages:
            return
        try:
            self.ensure_topics([message.topic for message in messages])
            producer = self._get_producer()
            futures = [
                producer.send(
                    message.topic,
                    key=message.key.encode("utf-8"),
                    value=message.value,
                    headers=[(name, bytes(value)) for name, value in message.headers.items()],
                )
                for message in messages
            ]
            # delivery_timeout_ms settles every future within publish_timeout_s; a little slack here.
            producer.flush(timeout=self.publish_timeout_s + 5)
            for future in futures:
                future.get(timeout=0)  # raises the send's error, if it had one
        except KafkaError as exc:
            raise Unavailable(f"event log: publish to Kafka failed ({type(exc).__name__})") from exc

    def consumer(
        self, group: str, topics: Sequence[str], *, from_beginning: bool = True
    ) -> KafkaConsumerAdapter:
        if isinstance(topics, str) or not topics:
            raise ValueError("topics must be a non-empty sequence of topic names")
        # Subscribing to a topic that does not exist yet would leave the member without
        # partitions until its next metadata refresh (minutes): create it first.
        self.ensure_topics(topics)
        return KafkaConsumerAdapter(self, group, topics, from_beginning=from_beginning)

    def committed_offsets(self, group: str, topics: Sequence[str]) -> dict[tuple[str, int], int]:
        """Per (topic, partition) of these topics: the group's committed next offset (the admin
        client's OffsetFetch; partitions never committed on are left out)."""
        wanted = set(topics)
        try:
            offsets = self._get_admin().list_group_offsets({group: None}).get(group, {})
        except KafkaError as exc:
            self._drop_admin()
            raise Unavailable(f"event log: offsets of {group} unavailable ({type(exc).__name__})") from exc
        return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items()
                if tp.topic in wanted and meta.offset >= 0}

    def ping(self) -> bool:
        """A metadata round trip to the cluster (bounded by the admin client's request timeout)."""
        try:
            self._get_admin().describe_cluster()
            return True
        except Exception:  # noqa: BLE001 — any failure means "not ready"; the reason is logged
            log.debug("event log: Kafka ping failed", exc_info=True)
            self._drop_admin()
            return False

    def close(self) -> None:
        with self._lock:
            producer, self._producer = self._producer, None
            admin, self._admin = self._admin, None
        try:
            if producer is not None:
                producer.close(timeout=self.publish_timeout_s + 5)  # sends what is still buffered
            if admin is not None:
                admin.close()
        except Exception:  # noqa: BLE001 — closing must not fail a shutdown
            log.warning("event log: Kafka clients did not close cleanly", exc_info=True)


class KafkaConsumerAdapter:
    """One member of a consumer group, wrapping a kafka-python `KafkaConsumer` (single-threaded)."""

    def __init__(self, log: KafkaEventLog, group: str, topics: Sequence[str], *, from_beginning: bool = True) -> None:
        if not group:
            raise ValueError("group must not be empty")
        self.group = group
        self.topics = tuple(sorted(set(topics)))
        self._from_beginning = from_beginning
        self._created_ms = int(time.time() * 1000)
        # Partitions where this (from_beginning=False) member found no committed offset and has not
        # yet seen a record newer than its creation: True while old records are being skipped.
        self._skipping: dict[TopicPartition, bool] = {}
        # Per partition, the offset after the last record poll returned (for `lag`).
        self._returned: dict[TopicPartition, int] = {}
        config: dict[str, Any] = {
            "bootstrap_servers": log.bootstrap_servers,
            "client_id": f"{log.client_id}-{group}",
            "group_id": group,
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest" if from_beginning else "latest",
        }
        config.update(log.consumer_overrides)
        self._commit_timeout_ms = int(config.get("request_timeout_ms", 30_000))
        try:
            self._consumer = KafkaConsumer(**config)
            self._consumer.subscribe(list(self.topics))
        except KafkaError as exc:
            raise Unavailable(f"event log: Kafka unreachable ({type(exc).__name__})") from exc

    def poll(self, timeout_s: float = 1.0, max_records: int = 500) -> list[Record]:
        try:
            batches = self._consumer.poll(timeout_ms=int(max(0.0, timeout_s) * 1000), max_records=max_records)
            records: list[Record] = []
            for tp, messages in batches.items():
                if messages:  # skipped ones too: they are behind this member, not waiting for it
                    self._returned[tp] = messages[-1].offset + 1
                if not self._from_beginning:
                    messages = self._skip_old(tp, messages)
                for m in messages:
                    records.append(
                        Record(
                            topic=m.topic,
                            partition=m.partition,
                            offset=m.offset,
                            key=m.key.decode("utf-8") if m.key is not None else "",
                            value=m.value if m.value is not None else b"",
                            headers=dict(m.headers) if m.headers else _NO_HEADERS,
                            timestamp_ms=m.timestamp,
                        )
                    )
            return records
        except KafkaError as exc:
            raise Unavailable(f"event log: poll failed ({type(exc).__name__})") from exc

    def _skip_old(self, tp: TopicPartition, messages: list[Any]) -> list[Any]:
        skipping = self._skipping.get(tp)
        if skipping is None:
            skipping = self._consumer.committed(tp, timeout_ms=self._commit_timeout_ms) is None
            self._skipping[tp] = skipping
        if not skipping:
            return messages
        for index, message in enumerate(messages):
            if message.timestamp >= self._created_ms:
                self._skipping[tp] = False
                return messages[index:]
        return []

    def commit(self, records: Sequence[Record]) -> None:
        if not records:
            return
        ends: dict[TopicPartition, int] = {}
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            ends[tp] = max(ends.get(tp, 0), record.offset + 1)
        try:
            self._consumer.commit(
                {tp: OffsetAndMetadata(end, "", -1) for tp, end in ends.items()},
                timeout_ms=self._commit_timeout_ms,
            )
        except KafkaError as exc:
            # Typically a rebalance moved the partition: its new owner re-reads from the last commit.
            raise Unavailable(f"event log: commit failed ({type(exc).__name__})") from exc
        for tp in ends:
            self._skipping[tp] = False

    def assignment(self) -> list[tuple[str, int]]:
        """The (topic, partition) pairs this member holds now."""
        return sorted((tp.topic, tp.partition) for tp in self._consumer.assignment())

    def lag(self) -> dict[tuple[str, int], int]:
        """Per partition held: the highwater this member saw in its fetch responses minus its position.

        Not `end_offsets()`: a ListOffsets round trip per call, and some brokers (Tansu) answer it
        wrongly. A partition not fetched from yet is left out (nothing is known about it).
        """
        assigned = self._consumer.assignment()
        for tp in [tp for tp in self._returned if tp not in assigned]:
            del self._returned[tp]  # lost in a rebalance: its new owner reports it
        lags: dict[tuple[str, int], int] = {}
        for tp in assigned:
            high = self._consumer.highwater(tp)
            position = self._returned.get(tp)
            if position is None:
                position = _known_position(self._consumer, tp)
            if high is not None and position is not None:
                lags[(tp.topic, tp.partition)] = max(0, high - position)
        return lags

    def close(self) -> None:
        try:
            self._consumer.close(autocommit=False)
        except KafkaError:
            log.debug("event log: Kafka consumer did not close cleanly", exc_info=True)


def _known_position(consumer: KafkaConsumer, tp: TopicPartition) -> int | None:
    """The fetch position kafka-python already holds for tp, without `position()`'s coordinator round trip."""
    try:
        position = consumer._subscription.assignment[tp].position  # noqa: SLF001 — read-only peek
    except (AttributeError, KeyError):
        return None
    offset = getattr(position, "offset", position)
    return offset if isinstance(offset, int) else None
