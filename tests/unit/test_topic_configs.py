"""One table of topic configs: the kit's (what both event-log adapters apply) and deploy/kafka/topics.json
(what operators apply) say the same for every topic, so compaction and retention agree on both runtimes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.common import events, topics
from services.common.adapters.eventlog_kafka import KafkaEventLog

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def file_topics() -> dict[str, dict]:
    document = json.loads((ROOT / "deploy/kafka/topics.json").read_text(encoding="utf-8"))
    return {topic["name"]: topic for topic in document["topics"]}


def test_the_kit_table_and_topics_json_agree_on_every_topic() -> None:
    in_file = file_topics()
    for name, topic in in_file.items():
        assert topics.kafka_configs(name) == topic["configs"], name
    published = set(events.TOPICS) | {events.dlq(t) for t in events.TOPICS}
    assert published <= set(in_file)
    assert set(topics.KAFKA_CONFIGS) == set(in_file)


def test_topics_the_kafka_adapter_creates_on_demand_get_the_files_configs() -> None:
    adapter = KafkaEventLog("127.0.0.1:1")  # connects on first use only: nothing is contacted here
    for name, topic in file_topics().items():
        assert adapter.topic_configs(name) == topic["configs"], name
    assert adapter.topic_configs("test.anything") == {}  # unknown topics: the broker's defaults
    tuned = KafkaEventLog("127.0.0.1:1", topic_overrides={events.WORKERS: {"delete.retention.ms": "1000"}})
    assert tuned.topic_configs(events.WORKERS)["delete.retention.ms"] == "1000"
    assert tuned.topic_configs(events.WORKERS)["cleanup.policy"] == "compact"


def test_the_local_log_compacts_exactly_the_compacted_topics_and_expires_the_others_as_kafka_does() -> None:
    for name, topic in file_topics().items():
        configs = topic["configs"]
        if configs["cleanup.policy"] == "compact":
            assert name in topics.COMPACTED and topics.retention_s(name, 1.0) is None, name
        else:
            assert name not in topics.COMPACTED, name
            assert topics.retention_s(name, 1.0) == int(configs["retention.ms"]) / 1000, name
    assert topics.COMPACTED[events.WORKERS] == {"worker.erased"}
    assert int(topics.KAFKA_CONFIGS[events.WORKERS]["delete.retention.ms"]) == topics.DELETE_RETENTION_S * 1000
