"""How each topic is kept: one table for both event-log adapters (DESIGN §4, §6).

Keyed entity topics are compacted (for each key only the latest record survives; an erasure
leaves only its tombstone, which goes after the delete-retention); the other topics are a stream
that expires by age. The Kafka adapter creates topics on demand with `kafka_configs(topic)`, the
local log compacts and expires with `COMPACTED` and `retention_s(topic)`, and
`deploy/kafka/topics.json` (what operators apply) must say the same: a unit test compares them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from services.common.events import COURSES, ENGAGEMENTS, IMPORTS, MARKET, MATCHES, POSTINGS, WORKERS

__all__ = [
    "COMPACTED",
    "COURSES",
    "DELETE_RETENTION_S",
    "KAFKA_CONFIGS",
    "TOMBSTONE_HEADER",
    "kafka_configs",
    "retention_s",
]

_DAY_MS = 86_400_000
DELETE_RETENTION_S = 7 * 86_400  # delete.retention.ms: how long a tombstone outlives what it erased

# The header that carries the CloudEvents type (events.encode writes it): a record of a tombstone
# type is what Kafka's null value is, the end of its key. Its envelope has no personal data.
TOMBSTONE_HEADER = "ce_type"

# Compacted topic -> the event types that are tombstones on it.
COMPACTED: Mapping[str, frozenset[str]] = MappingProxyType({
    WORKERS: frozenset({"worker.erased"}),
    POSTINGS: frozenset(),
    COURSES: frozenset(),
})

_COMPACT = MappingProxyType({
    "cleanup.policy": "compact",
    "min.compaction.lag.ms": str(3_600_000),
    "max.compaction.lag.ms": str(3 * _DAY_MS),
    "delete.retention.ms": str(DELETE_RETENTION_S * 1000),
    "segment.ms": str(_DAY_MS),
    "min.cleanable.dirty.ratio": "0.25",
})


def _expire(days: int) -> Mapping[str, str]:
    return MappingProxyType({"cleanup.policy": "delete", "retention.ms": str(days * _DAY_MS)})


_DLQ = _expire(30)  # dead letters wait for a person; longer than any source keeps its records

KAFKA_CONFIGS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    WORKERS: _COMPACT,
    POSTINGS: _COMPACT,
    COURSES: _COMPACT,
    ENGAGEMENTS: _expire(14),
    MATCHES: _expire(7),
    MARKET: _expire(30),
    IMPORTS: _expire(14),
    **{f"{topic}.dlq": _DLQ for topic in (WORKERS, POSTINGS, COURSES, ENGAGEMENTS, MATCHES, MARKET, IMPORTS)},
})


def kafka_configs(topic: str) -> dict[str, str]:
    """The topic configs a TalentFlow topic is created with (empty: the broker's defaults)."""
    return dict(KAFKA_CONFIGS.get(topic, {}))


def retention_s(topic: str, default: float | None) -> float | None:
    """How long the local log keeps a record of `topic` by age (None: compacted, kept by key)."""
    if topic in COMPACTED:
        return None
    configs = KAFKA_CONFIGS.get(topic)
    if configs is None:
        return default
    return int(configs["retention.ms"]) / 1000
