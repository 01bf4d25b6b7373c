"""The ports every service talks to: small Protocols, one per kind of infrastructure.

Adapters live in `services.common.adapters`; nothing outside an adapter imports its engine's client.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One message to publish: the key decides the partition, so one key's messages stay in order."""

    topic: str
    key: str
    value: bytes
    headers: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Record:
    """One message as a consumer receives it."""

    topic: str
    partition: int
    offset: int
    key: str
    value: bytes
    headers: Mapping[str, bytes]
    timestamp_ms: int


@runtime_checkable
class Consumer(Protocol):
    """A member of a consumer group. Offsets move only through `commit`, never automatically."""

    def poll(self, timeout_s: float = 1.0, max_records: int = 500) -> list[Record]:
        """Records after the group's committed offsets on this member's partitions (may be empty)."""

    def commit(self, records: Sequence[Record]) -> None:
        """Mark these records (and all before them on their partitions) as done for the group."""

    def close(self) -> None: ...


@runtime_checkable
class LagReporting(Protocol):
    """A consumer that can say how far behind it is (both adapters; fakes may leave it out)."""

    def lag(self) -> Mapping[tuple[str, int], int]:
        """Per (topic, partition) this member holds: the partition's end as the log reports it minus
        this member's position. Called from the consumer's own thread."""


@runtime_checkable
class OffsetReporting(Protocol):
    """An event log that can say where a group stands (both adapters; fakes may leave it out)."""

    def committed_offsets(self, group: str, topics: Sequence[str]) -> Mapping[tuple[str, int], int]:
        """Per (topic, partition) of these topics: the group's committed offset (the next one it
        reads); partitions the group never committed on are left out."""


@runtime_checkable
class EventLog(Protocol):
    """Topics split into partitions by key hash; consumer groups with committed offsets."""

    def publish(self, messages: Sequence[OutgoingMessage]) -> None:
        """Durably append the messages (in order per key) before returning; raise on failure."""

    def consumer(
        self, group: str, topics: Sequence[str], *, from_beginning: bool = True
    ) -> Consumer: ...

    def ping(self) -> bool:
        """True when the log is reachable (for /readyz)."""

    def close(self) -> None: ...


@runtime_checkable
class KeyValue(Protocol):
    """Idempotency keys, dedupe markers, rate limits and caches. Values are bytes; TTLs in seconds."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_s: float | None = None) -> None: ...

    def set_if_absent(self, key: str, value: bytes, ttl_s: float | None = None) -> bool:
        """Store only if no live value exists; True when this call stored it."""

    def delete(self, *keys: str) -> int: ...

    def incr(self, key: str, amount: int = 1, ttl_s: float | None = None) -> int:
        """Add to a counter (created at 0); the TTL is set when the counter is created."""

    def take_token(self, bucket: str, capacity: int, refill_per_s: float) -> bool:
        """Token bucket: True if a token was available and taken."""

    def delete_prefix(self, prefix: str) -> int:
        """Remove every key starting with prefix (erasure of caches); returns how many."""

    def ping(self) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class MetricSample:
    """One Prometheus sample a background loop reports for /metrics (`kind`: gauge or counter;
    a counter's name is given without `_total`)."""

    name: str
    kind: str
    help: str
    labels: Mapping[str, str]
    value: float


Headers = Mapping[str, bytes]
Topics = Iterable[str]
