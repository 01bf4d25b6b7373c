"""Create or converge TalentFlow's Kafka topics from deploy/kafka/topics.json.

Runs as the compose `kafka-init` one-shot and the Kubernetes bootstrap Job, from the worker
image (/opt/talentflow/deploy/kafka/). It is idempotent: a missing topic is created, a topic
with fewer partitions is grown, and every topic's configs are set to the file's values. It
never shrinks a topic (Kafka cannot) and never deletes one; it reports both and fails instead.

    python create_topics.py --bootstrap-servers kafka:9092 --replication-factor 1
    python create_topics.py --dry-run          # print the plan, change nothing

Only the standard library and kafka-python (a runtime dependency of TalentFlow) are used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CONFIG = Path(__file__).with_name("topics.json")
TOPIC_ALREADY_EXISTS = 36  # Kafka error code: a concurrent run created it first


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    configs: dict[str, str]
    consumed_by: tuple[str, ...] = ()


@dataclass
class Plan:
    create: list[TopicSpec] = field(default_factory=list)
    grow: dict[str, int] = field(default_factory=dict)
    set_configs: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def describe(self) -> list[str]:
        lines = [
            f"create {t.name} partitions={t.partitions} replication={t.replication_factor} "
            + " ".join(f"{k}={v}" for k, v in sorted(t.configs.items()))
            for t in self.create
        ]
        lines += [f"grow {name} to {count} partitions" for name, count in sorted(self.grow.items())]
        lines += [f"set configs of {name}" for name in sorted(self.set_configs)]
        lines += [f"PROBLEM {p}" for p in self.problems]
        return lines


def load_topics(path: Path = DEFAULT_CONFIG, replication_factor: int | None = None) -> list[TopicSpec]:
    """Read the topics file; `replication_factor` overrides the file's for every topic."""
    document = json.loads(path.read_text(encoding="utf-8"))
    defaults = document.get("defaults", {})
    specs = []
    for topic in document["topics"]:
        rf = replication_factor or topic.get("replication_factor") or defaults["replication_factor"]
        configs = {**defaults.get("configs", {}), **topic.get("configs", {})}
        if "min.insync.replicas" in configs:
            # With fewer replicas than min.insync.replicas every acks=all write would fail.
            configs["min.insync.replicas"] = str(min(int(configs["min.insync.replicas"]), max(1, rf - 1)))
        specs.append(
            TopicSpec(
                name=topic["name"],
                partitions=int(topic["partitions"]),
                replication_factor=int(rf),
                configs={k: str(v) for k, v in configs.items()},
                consumed_by=tuple(topic.get("consumed_by", ())),
            )
        )
    return specs


def plan(
    desired: list[TopicSpec],
    existing_partitions: dict[str, int],
    existing_replication: dict[str, int] | None = None,
) -> Plan:
    """What to do so the cluster matches `desired`, given each existing topic's partition count
    (and replication factor, where known)."""
    result = Plan()
    for spec in desired:
        current = existing_partitions.get(spec.name)
        if current is None:
            result.create.append(spec)
            continue
        if current < spec.partitions:
            result.grow[spec.name] = spec.partitions
        elif current > spec.partitions:
            result.problems.append(
                f"{spec.name} has {current} partitions, more than the {spec.partitions} in topics.json; "
                "Kafka cannot shrink a topic: raise the number in topics.json or recreate the topic"
            )
        replication = (existing_replication or {}).get(spec.name)
        if replication is not None and replication < spec.replication_factor:
            # Typically a service created the topic on demand before this script ran.
            result.problems.append(
                f"{spec.name} has {replication} replica(s), fewer than {spec.replication_factor}: "
                "raise it with kafka-reassign-partitions.sh (docs/operations.md)"
            )
        # Setting every config each run is idempotent and converges hand-made drift.
        result.set_configs[spec.name] = dict(spec.configs)
    return result


def _connect(bootstrap_servers: str, deadline: float):
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError

    while True:
        try:
            return KafkaAdminClient(
                bootstrap_servers=bootstrap_servers.split(","),
                client_id="talentflow-topic-init",
                request_timeout_ms=30000,
                bootstrap_timeout_ms=10000,
            )
        except KafkaError as error:
            if time.monotonic() > deadline:
                raise
            print(f"waiting for Kafka at {bootstrap_servers}: {error}", file=sys.stderr)
            time.sleep(2)


def apply(admin, changes: Plan) -> list[str]:
    """Carry out a plan with a kafka-python KafkaAdminClient; return the errors met."""
    from kafka.admin import ConfigResource, ConfigResourceType
    from kafka.errors import KafkaError

    errors = list(changes.problems)
    if changes.create:
        response = admin.create_topics(
            {
                t.name: {
                    "num_partitions": t.partitions,
                    "replication_factor": t.replication_factor,
                    "configs": t.configs,
                }
                for t in changes.create
            },
            raise_errors=False,
        )
        for topic in response.get("topics", []):
            if topic.get("error_code", 0) not in (0, TOPIC_ALREADY_EXISTS):
                errors.append(f"create {topic.get('name')}: {topic.get('error_message') or topic.get('error_code')}")
    if changes.grow:
        try:
            admin.create_partitions(dict(changes.grow))
        except KafkaError as error:
            errors.append(f"grow {', '.join(sorted(changes.grow))}: {error}")
    if changes.set_configs:
        try:
            results = admin.alter_configs(
                [ConfigResource(ConfigResourceType.TOPIC, name, configs) for name, configs in changes.set_configs.items()],
                raise_on_unknown=False,
                incremental=True,
            )
        except KafkaError as error:
            errors.append(f"set configs: {error}")
            results = {}
        for name, outcome in results.get("topic", {}).items():
            if outcome != "OK":
                errors.append(f"configs of {name}: {outcome}")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--bootstrap-servers", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"))
    parser.add_argument("--replication-factor", type=int, default=None, help="override the file's (1 for one broker)")
    parser.add_argument("--timeout-s", type=float, default=120.0, help="how long to wait for the brokers")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    args = parser.parse_args(argv)

    desired = load_topics(args.config, args.replication_factor)
    from kafka.errors import KafkaError

    try:
        admin = _connect(args.bootstrap_servers, time.monotonic() + args.timeout_s)
    except KafkaError as error:
        print(f"error: no Kafka at {args.bootstrap_servers}: {error}", file=sys.stderr)
        return 1
    try:
        described = [t for t in admin.describe_topics() if t.get("error_code", 0) == 0]
        existing = {t["name"]: len(t.get("partitions") or []) for t in described}
        replication = {
            t["name"]: min(len(p.get("replica_nodes") or []) for p in t["partitions"])
            for t in described
            if t.get("partitions")
        }
        changes = plan(desired, existing, replication)
        for line in changes.describe():
            print(line)
        if args.dry_run:
            return 1 if changes.problems else 0
        errors = apply(admin, changes)
    finally:
        admin.close()
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    print("topics converged" if not errors else f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
