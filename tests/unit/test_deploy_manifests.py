"""The deployment files, checked offline: schemas first, then the rules a schema cannot say.

- docker-compose.yml against the Compose Specification JSON schema (as vendored by check-jsonschema);
- every Kubernetes manifest under deploy/k8s against the Kubernetes JSON schemas shipped in
  kubernetes-validate, strict (unknown fields fail), for the oldest and newest versions we claim;
- the Dockerfile through BuildKit's own parser (the `dockerfile` package);
- then TalentFlow's rules: probes on /healthz and /readyz, resources, non-root, topics that exist,
  compacted entity topics, health-gated start order, the Elasticsearch templates' shape, and the
  set-up scripts' logic (create_topics.plan, bootstrap.ensure) against fakes.

Nothing here needs Docker, a cluster or the network.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import dockerfile
import jsonschema
import kubernetes_validate
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
SERVICES = {"profiles": 8001, "jobs": 8002, "matching": 8003, "notify": 8004}
# Oldest Kubernetes we claim (docs/operations.md) and the newest kubernetes-validate ships.
K8S_VERSIONS = ("1.33", kubernetes_validate.utils.latest_version())
DESIGN_TOPICS = {
    "talentflow.workers",
    "talentflow.postings",
    "talentflow.engagements",
    "talentflow.matches",
    "talentflow.market",
    "talentflow.imports",  # beyond DESIGN §4: profiles tells an agency its bulk import ended (docs/profiles.md)
    "talentflow.courses",
}
# A topic name, not a domain such as the talentflow.io/ annotation prefix.
TOPIC_NAME = re.compile(r"talentflow\.[a-z_]+(?:\.dlq)?(?![a-z_/])")


# --- loading -------------------------------------------------------------------------------------


def _load_script(relative: str):
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(path.stem + "_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@cache
def create_topics():
    return _load_script("deploy/kafka/create_topics.py")


@cache
def es_bootstrap():
    return _load_script("deploy/elasticsearch/bootstrap.py")


@cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@cache
def topics_document() -> dict:
    return json.loads((ROOT / "deploy/kafka/topics.json").read_text(encoding="utf-8"))


@cache
def topics() -> dict[str, dict]:
    return {t["name"]: t for t in topics_document()["topics"]}


@cache
def k8s_documents() -> tuple[tuple[str, dict], ...]:
    """(file relative to deploy/k8s, document) for every manifest, kustomization files excluded."""
    found = []
    for path in sorted(K8S.rglob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                found.append((str(path.relative_to(K8S)), document))
    return tuple(found)


def k8s_objects(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in k8s_documents() if doc["kind"] == kind}


@cache
def es_templates() -> dict[str, dict]:
    return es_bootstrap().load_templates()  # its default: deploy/elasticsearch/generated


@cache
def dockerfile_stages() -> dict[str, list]:
    """Stage name -> its instructions, parsed by BuildKit's parser."""
    stages: dict[str, list] = {}
    current = None
    for command in dockerfile.parse_file(str(ROOT / "Dockerfile")):
        if command.cmd == "FROM":
            value = command.value
            current = value[2] if len(value) == 3 and value[1].upper() == "AS" else f"#{len(stages)}"
            stages[current] = [command]
        elif current is not None:
            stages[current].append(command)
    return stages


def stage_base(name: str) -> str:
    return dockerfile_stages()[name][0].value[0]


def stage_commands(name: str, cmd: str) -> list:
    return [c for c in dockerfile_stages()[name] if c.cmd == cmd]


def inherited_commands(name: str, cmd: str) -> list:
    """Instructions of a stage and of the stages it is built FROM, nearest last."""
    chain = []
    while name in dockerfile_stages():
        chain.insert(0, name)
        name = stage_base(name)
    return [c for stage in chain for c in stage_commands(stage, cmd)]


# --- docker-compose.yml ----------------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification():
    schema = get_builtin_schema("vendor.compose-spec")
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(compose())]
    assert not errors, "\n".join(errors)


def test_the_compose_schema_check_catches_a_mistyped_key():
    broken = copy.deepcopy(compose())
    broken["services"]["kafka"]["healthcheck"]["intervall"] = "10s"
    schema = get_builtin_schema("vendor.compose-spec")
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(broken))


def _one_shots() -> set[str]:
    return {name for name, svc in compose()["services"].items() if svc.get("restart") == "no"}


def test_every_long_running_compose_service_has_a_health_check():
    for name, service in compose()["services"].items():
        if name in _one_shots():
            continue
        check = service.get("healthcheck")
        assert check and not check.get("disable"), f"{name} has no health check"
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name


def test_compose_start_order_waits_for_health_or_completion():
    services = compose()["services"]
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on must use the long form with conditions"
        for target, rule in depends_on.items():
            assert target in services, f"{name} depends on unknown {target}"
            condition = rule["condition"]
            assert condition in ("service_healthy", "service_completed_successfully"), f"{name} -> {target}"
            if condition == "service_completed_successfully":
                assert target in _one_shots(), f"{target} must be a one-shot (restart: 'no')"
            else:
                assert target not in _one_shots(), f"{target} is a one-shot: wait for its completion"
    # `docker compose up --wait` exits 1 on a one-shot's clean exit unless a long-running service
    # waits for its completion (docker/compose#10596).
    for one_shot in _one_shots():
        if services[one_shot].get("profiles"):
            continue  # run on demand (`docker compose run`), never part of `up`
        assert any(
            rule.get("condition") == "service_completed_successfully"
            for name, service in services.items()
            if name not in _one_shots()
            for target, rule in service.get("depends_on", {}).items()
            if target == one_shot
        ), f"no long-running service waits for {one_shot}"
    # Every app container waits for its topics; search users also wait for the index templates.
    for name in [*SERVICES, *(f"{s}-worker" for s in SERVICES)]:
        assert services[name]["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
        assert ("es-init" in services[name]["depends_on"]) == name.startswith("matching"), name


def test_compose_runs_http_and_workers_as_separate_containers():
    services = compose()["services"]
    for name, port in SERVICES.items():
        http = services[name]
        assert http["build"]["target"] == name
        assert any(p.endswith(f":{port}:{port}") for p in http["ports"]), name
        assert "command" not in http, f"{name} runs its image target's CMD (serve --no-workers)"
        worker = services[f"{name}-worker"]
        assert worker["build"]["target"] == "worker"
        assert worker["command"] == ["talentflow", "work", name]
        assert "ports" not in worker
        for container in (http, worker):
            assert container["read_only"] is True and "ALL" in container["cap_drop"], name


def test_compose_signing_key_is_required_and_has_no_default():
    for name in [*SERVICES, *(f"{s}-worker" for s in SERVICES)]:
        env = compose()["services"][name]["environment"]
        assert env["TALENTFLOW_ENV"] == "production", name
        assert re.fullmatch(r"\$\{TALENTFLOW_SIGNING_KEY:\?[^}]+\}", env["TALENTFLOW_SIGNING_KEY"]), name
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert ("ELASTICSEARCH_URL" in env) == name.startswith("matching"), name
        for other, port in SERVICES.items():
            assert env[f"TALENTFLOW_{other.upper()}_URL"] == f"http://{other}:{port}", name


def test_compose_interpolations_all_have_a_default_or_an_error():
    """A bare ${VAR} silently becomes empty when unset; every variable must say what happens."""
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    for match in re.finditer(r"\$\{([^}]*)\}", text):
        assert re.fullmatch(r"[A-Z0-9_]+(:-[^}]*|:\?[^}]+)", match.group(1)), match.group(0)


def test_compose_kafka_runs_kraft_with_explicit_listeners_and_no_auto_created_topics():
    kafka = compose()["services"]["kafka"]
    env = kafka["environment"]
    assert kafka["image"].startswith("apache/kafka:")
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    listeners = {entry.split("://")[0] for entry in env["KAFKA_LISTENERS"].split(",")}
    advertised = {entry.split("://")[0] for entry in env["KAFKA_ADVERTISED_LISTENERS"].split(",")}
    protocol_map = dict(entry.split(":") for entry in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] in advertised
    assert listeners <= set(protocol_map)
    assert "kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].startswith(f"{env['KAFKA_NODE_ID']}@kafka:")
    assert str(env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"]).lower() == "false"
    assert "kafka-data:/var/lib/kafka/data" in kafka["volumes"]
    assert env["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"


def test_compose_topic_init_applies_the_topics_file_with_one_replica():
    init = compose()["services"]["kafka-init"]
    command = init["command"]
    assert command[:2] == ["python", "/opt/talentflow/deploy/kafka/create_topics.py"]
    assert command[command.index("--replication-factor") + 1] == "1"
    assert command[command.index("--bootstrap-servers") + 1] == "kafka:9092"


def test_compose_elasticsearch_is_built_with_smartcn():
    es = compose()["services"]["elasticsearch"]
    assert es["build"]["context"] == "./deploy/elasticsearch"
    assert es["environment"]["discovery.type"] == "single-node"
    es_dockerfile = dockerfile.parse_file(str(ROOT / "deploy/elasticsearch/Dockerfile"))
    runs = " ".join(" ".join(c.value) for c in es_dockerfile if c.cmd == "RUN")
    assert "elasticsearch-plugin install --batch analysis-smartcn" in runs
    assert any(c.cmd == "FROM" and c.value[0].startswith("elasticsearch:${ES_VERSION}") for c in es_dockerfile)
    args = [c.value[0] for c in es_dockerfile if c.cmd == "ARG"]
    assert f"ES_VERSION={es['build']['args']['ES_VERSION']}" in args, "compose and Dockerfile disagree on ES"


def test_elasticsearch_server_and_client_share_a_major_version():
    """The Python client sends a compatibility header the server of another major rejects."""
    import tomllib

    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (client,) = [d for d in dependencies if d.startswith("elasticsearch==")]
    server = compose()["services"]["elasticsearch"]["build"]["args"]["ES_VERSION"]
    assert client.split("==")[1].split(".")[0] == server.split(".")[0]


def test_compose_keeps_state_in_named_volumes_and_nothing_for_redis():
    spec = compose()
    declared = set(spec["volumes"])
    for name, service in spec["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if ":" not in volume and volume.startswith("/"):
                continue  # an anonymous volume: the container's own data folder (TALENTFLOW_HOME), not shared state
            if source.startswith("./"):
                assert volume.endswith(":ro"), f"{name}: bind mounts are read-only configuration only"
                assert (ROOT / source).exists(), volume
            else:
                assert source in declared, f"{name} uses undeclared volume {source}"
    assert "volumes" not in spec["services"]["redis"]
    assert {"kafka-data", "es-data", "pg-data"} <= declared


def test_compose_replay_runs_on_demand_with_room_for_its_staging_index():
    replay = compose()["services"]["matching-replay"]
    assert replay["profiles"] == ["ops"] and replay["restart"] == "no"
    assert replay["command"] == ["talentflow", "replay", "matching"]
    tmpdir = replay["environment"]["TMPDIR"]
    # A named volume mounted over a folder the image gives to user 10001, so it starts writable.
    assert any(v.endswith(f":{tmpdir}") and not v.startswith("./") for v in replay["volumes"])
    assert tmpdir == "/var/lib/talentflow"
    assert any(c.original.startswith("RUN") and "install -d -o 10001 -g 10001 /var/lib/talentflow" in c.original
               for c in stage_commands("runtime", "RUN"))


def test_three_broker_override_forms_one_kraft_cluster_with_production_replication():
    override = yaml.safe_load((ROOT / "deploy/kafka/docker-compose.three-brokers.yml").read_text(encoding="utf-8"))
    schema = get_builtin_schema("vendor.compose-spec")
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(override)]
    assert not errors, errors
    nodes = {name: svc["environment"] for name, svc in override["services"].items() if name.startswith("kafka") and name != "kafka-init"}
    assert set(nodes) == {"kafka", "kafka-2", "kafka-3"}
    voters = {f"{env['KAFKA_NODE_ID']}@{name}:9093" for name, env in nodes.items()}
    for name, env in nodes.items():
        assert set(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == voters, name
        assert env["CLUSTER_ID"] == compose()["services"]["kafka"]["environment"]["CLUSTER_ID"], name
        assert f"INTERNAL://{name}:9092" in env["KAFKA_ADVERTISED_LISTENERS"], name
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == 3, name
    init_command = override["services"]["kafka-init"]["command"]
    assert "--replication-factor" not in init_command, "the file's replication factor (3) applies"
    assert set(override["services"]["kafka-init"]["depends_on"]) == set(nodes)


# --- Kafka topics ----------------------------------------------------------------------------------


def test_topics_file_lists_exactly_the_design_topics_and_their_dead_letter_queues():
    assert set(topics()) == DESIGN_TOPICS | {f"{t}.dlq" for t in DESIGN_TOPICS}
    for topic in topics().values():
        assert topic["partitions"] >= 1 and topic["why"], topic["name"]


def test_entity_topics_are_compacted_and_event_topics_expire():
    for name, topic in topics().items():
        configs = topic["configs"]
        if name in ("talentflow.workers", "talentflow.postings", "talentflow.courses"):
            assert configs["cleanup.policy"] == "compact", name
            assert "retention.ms" not in configs, name
            # Erasure: superseded records holding personal data are compacted away within this bound.
            assert int(configs["max.compaction.lag.ms"]) <= 7 * 24 * 3600 * 1000, name
        else:
            assert configs["cleanup.policy"] == "delete", name
            assert int(configs["retention.ms"]) > 0, name


def test_dead_letter_queues_outlive_their_sources():
    for name in DESIGN_TOPICS:
        dlq = topics()[f"{name}.dlq"]["configs"]
        source = topics()[name]["configs"]
        assert int(dlq["retention.ms"]) >= 7 * 24 * 3600 * 1000
        assert int(dlq["retention.ms"]) >= int(source.get("retention.ms", 0)), name


def test_every_topic_named_anywhere_in_deployment_files_exists():
    files = [
        ROOT / "docker-compose.yml",
        ROOT / "docs/operations.md",
        *(ROOT / "deploy").rglob("*.yaml"),
        *(ROOT / "deploy").rglob("*.yml"),
        *(ROOT / "deploy").rglob("*.py"),
        *(ROOT / "deploy/elasticsearch").rglob("*.json"),
    ]
    for path in files:
        for name in TOPIC_NAME.findall(path.read_text(encoding="utf-8")):
            assert name in topics(), f"{path.relative_to(ROOT)} names unknown topic {name}"


def test_the_retention_table_in_the_operations_guide_matches_the_topics_file():
    rows = re.findall(
        r"^\| `(talentflow\.[a-z_.]+)` \| (\d+) \| (compact|delete) \| ([^|]+) \|",
        (ROOT / "docs/operations.md").read_text(encoding="utf-8"),
        flags=re.M,
    )
    assert {name for name, *_ in rows} == set(topics())
    for name, partitions, policy, keeps in rows:
        configs = topics()[name]["configs"]
        assert int(partitions) == topics()[name]["partitions"], name
        assert policy == configs["cleanup.policy"], name
        if "retention.ms" in configs:
            assert keeps.strip() == f"{int(configs['retention.ms']) // 86_400_000} days", name


def test_consumers_named_in_the_topics_file_are_services():
    for topic in topics().values():
        assert set(topic["consumed_by"]) <= set(SERVICES), topic["name"]
        assert set(topic["produced_by"]) <= set(SERVICES), topic["name"]


def test_topic_plan_creates_missing_grows_short_and_refuses_to_shrink():
    module = create_topics()
    desired = module.load_topics(ROOT / "deploy/kafka/topics.json")
    existing = {"talentflow.workers": 12, "talentflow.postings": 3, "talentflow.matches": 24}
    plan = module.plan(desired, existing)
    assert {t.name for t in plan.create} == set(topics()) - set(existing)
    assert plan.grow == {"talentflow.postings": 12}
    assert len(plan.problems) == 1 and "talentflow.matches" in plan.problems[0]
    assert set(plan.set_configs) == set(existing)
    assert plan.set_configs["talentflow.workers"]["cleanup.policy"] == "compact"


def test_topic_plan_reports_too_few_replicas():
    module = create_topics()
    desired = module.load_topics(ROOT / "deploy/kafka/topics.json")
    plan = module.plan(desired, {"talentflow.workers": 12}, {"talentflow.workers": 1})
    assert len(plan.problems) == 1 and "1 replica" in plan.problems[0]


def test_one_broker_override_lowers_min_insync_replicas():
    module = create_topics()
    production = {t.name: t for t in module.load_topics(ROOT / "deploy/kafka/topics.json")}
    single = {t.name: t for t in module.load_topics(ROOT / "deploy/kafka/topics.json", replication_factor=1)}
    assert production["talentflow.workers"].replication_factor == 3
    assert production["talentflow.workers"].configs["min.insync.replicas"] == "2"
    assert single["talentflow.workers"].replication_factor == 1
    assert single["talentflow.workers"].configs["min.insync.replicas"] == "1"


def test_topic_apply_sends_the_plan_to_the_admin_client():
    module = create_topics()

    class FakeAdmin:
        def __init__(self):
            self.calls = []

        def create_topics(self, new_topics, raise_errors=True):
            self.calls.append(("create", new_topics))
            return {"topics": [{"name": n, "error_code": 0} for n in new_topics]}

        def create_partitions(self, counts):
            self.calls.append(("grow", counts))

        def alter_configs(self, resources, raise_on_unknown=True, incremental=None):
            self.calls.append(("configs", [(r.name, r.configs) for r in resources], incremental))
            return {"topic": {r.name: "OK" for r in resources}}

    admin = FakeAdmin()
    desired = module.load_topics(ROOT / "deploy/kafka/topics.json", replication_factor=1)
    errors = module.apply(admin, module.plan(desired, {"talentflow.postings": 6}))
    assert errors == []
    created = admin.calls[0][1]
    assert created["talentflow.workers"] == {
        "num_partitions": 12,
        "replication_factor": 1,
        "configs": topics()["talentflow.workers"]["configs"] | {"min.insync.replicas": "1"},
    }
    assert admin.calls[1] == ("grow", {"talentflow.postings": 12})
    assert admin.calls[2][0] == "configs" and admin.calls[2][2] is True


# --- Kubernetes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_manifest_matches_the_kubernetes_schema(version):
    errors = []
    for path, document in k8s_documents():
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{path} {document['kind']}/{document['metadata']['name']}: {error.message}")
    assert not errors, "\n".join(errors)


def test_the_kubernetes_schema_check_catches_a_mistyped_field():
    deployment = copy.deepcopy(k8s_objects("Deployment")["matching"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/readyz"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[0], strict=True)


def test_kustomizations_list_every_manifest_and_never_the_example_secret():
    for kustomization in sorted(K8S.rglob("kustomization.yaml")):
        folder = kustomization.parent
        listed = yaml.safe_load(kustomization.read_text(encoding="utf-8"))["resources"]
        present = {p.name for p in folder.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
        assert set(listed) == present, f"{kustomization.relative_to(ROOT)} lists {sorted(listed)}"
        assert "secret.example.yaml" not in listed


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("folder", ["", "bootstrap", "replay"])
def test_kustomize_renders_valid_manifests(folder):
    rendered = subprocess.run(
        ["kubectl", "kustomize", str(K8S / folder)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    documents = [d for d in yaml.safe_load_all(rendered) if d]
    assert documents
    for document in documents:
        kubernetes_validate.validate(document, K8S_VERSIONS[0], strict=True)
        if document["kind"] != "Namespace":
            assert document["metadata"]["namespace"] == "talentflow"
        assert document["metadata"]["labels"]["app.kubernetes.io/part-of"] == "talentflow"


def _pod(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def _assert_hardened(name: str, pod: dict) -> None:
    assert pod["securityContext"]["runAsNonRoot"] is True, name
    assert pod["securityContext"]["runAsUser"] >= 10000, name
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
    assert pod["automountServiceAccountToken"] is False, name
    assert pod["enableServiceLinks"] is False, f"{name}: service links would inject <SERVICE>_PORT settings"
    for container in pod["containers"]:
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False, name
        assert security["readOnlyRootFilesystem"] is True, name
        assert security["capabilities"]["drop"] == ["ALL"], name
        resources = container["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[kind]), f"{name}: {kind}"
        # Read-only root: /tmp must be a volume.
        assert any(m["mountPath"] == "/tmp" for m in container["volumeMounts"]), name


def test_each_http_deployment_has_probes_resources_and_hardening():
    deployments = k8s_objects("Deployment")
    for name, port in SERVICES.items():
        deployment = deployments[name]
        assert "replicas" not in deployment["spec"], f"{name}: the HPA owns the replica count"
        pod = _pod(deployment)
        _assert_hardened(name, pod)
        (container,) = pod["containers"]
        assert container["image"].startswith(f"talentflow/{name}:")
        assert container["args"][:4] == ["talentflow", "serve", name, "--no-workers"]
        assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        startup = container["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] >= 30, name
        assert {e.get("configMapRef", e.get("secretRef"))["name"] for e in container["envFrom"]} == {
            "talentflow-config",
            "talentflow-secrets",
        }


def test_each_http_deployment_has_a_service_an_autoscaler_and_a_disruption_budget():
    deployments, services = k8s_objects("Deployment"), k8s_objects("Service")
    autoscalers, budgets = k8s_objects("HorizontalPodAutoscaler"), k8s_objects("PodDisruptionBudget")
    for name, port in SERVICES.items():
        pod_labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        service = services[name]
        assert service["spec"]["selector"].items() <= pod_labels.items(), name
        assert service["spec"]["ports"][0]["port"] == port and service["spec"]["ports"][0]["targetPort"] == "http"
        hpa = autoscalers[name]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"], name
        pdb = budgets[name]
        assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), name
        # A budget that allows no disruption would block every node drain.
        assert pdb["spec"].get("maxUnavailable", 1) >= 1, name


def test_worker_replicas_never_exceed_the_partitions_they_can_use():
    deployments = k8s_objects("Deployment")
    for name in SERVICES:
        worker = deployments[f"{name}-worker"]
        consumed = [t["partitions"] for t in topics().values() if name in t["consumed_by"]]
        useful = max(consumed, default=1)
        assert worker["metadata"]["annotations"]["talentflow.io/max-useful-replicas"] == str(useful), name
        assert 1 <= worker["spec"]["replicas"] <= useful, name
        pod = _pod(worker)
        _assert_hardened(f"{name}-worker", pod)
        (container,) = pod["containers"]
        assert container["args"] == ["talentflow", "work", name]
        assert container["image"].startswith("talentflow/worker:")
        assert container["livenessProbe"]["exec"]["command"][-1] == "--heartbeat"
        env = {e["name"]: e["value"] for e in container["env"]}
        assert env["TALENTFLOW_HEARTBEAT_FILE"].startswith("/tmp/"), "the heartbeat needs a writable place"
        assert "ports" not in container


def test_bootstrap_jobs_run_the_scripts_shipped_in_the_worker_image():
    jobs = {name: job for name, job in k8s_objects("Job").items() if name != "matching-replay"}
    assert set(jobs) == {"kafka-topics", "elasticsearch-bootstrap"}
    shipped = {
        "/opt/talentflow/deploy/kafka/create_topics.py": "deploy/kafka/create_topics.py",
        "/opt/talentflow/deploy/elasticsearch/bootstrap.py": "deploy/elasticsearch/bootstrap.py",
    }
    for name, job in jobs.items():
        pod = _pod(job)
        (container,) = pod["containers"]
        script = container["args"][1]
        assert script in shipped and (ROOT / shipped[script]).exists(), name
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_replay_job_has_scratch_space_for_the_staging_index():
    pod = _pod(k8s_objects("Job")["matching-replay"])
    _assert_hardened("matching-replay", pod)
    (container,) = pod["containers"]
    assert container["args"] == ["talentflow", "replay", "matching"]
    tmpdir = {e["name"]: e["value"] for e in container["env"]}["TMPDIR"]
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == tmpdir]
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert volume["emptyDir"]["sizeLimit"].endswith("Gi") and int(volume["emptyDir"]["sizeLimit"][:-2]) >= 5


def test_configuration_keeps_secrets_out_of_the_configmap_and_placeholders_marked():
    config = k8s_objects("ConfigMap")["talentflow-config"]["data"]
    service_urls = {f"TALENTFLOW_{name.upper()}_URL": f"http://{name}:{port}" for name, port in SERVICES.items()}
    assert service_urls.items() <= config.items(), "each service finds the others through their Services"
    for key in set(config) - set(service_urls):
        assert not re.search(r"KEY|PASSWORD|SECRET|TOKEN|_URL$", key), f"{key} belongs in the Secret"
    secret = k8s_objects("Secret")["talentflow-secrets"]
    assert "REPLACE_ME" in secret["metadata"]["annotations"]["talentflow.io/placeholder"]
    for key, value in secret["stringData"].items():
        assert value == "" or "REPLACE_ME" in value, f"{key} must be an obvious placeholder"
    assert {"TALENTFLOW_SIGNING_KEY", "TALENTFLOW_PREVIOUS_SIGNING_KEYS", "DATABASE_URL"} <= set(secret["stringData"])
    namespace = k8s_objects("Namespace")["talentflow"]
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


# --- Elasticsearch -------------------------------------------------------------------------------


def _field(mappings: dict, dotted: str) -> dict:
    node = {"properties": mappings["properties"]}
    for part in dotted.split("."):
        node = node.get("properties", {}).get(part) or node.get("fields", {}).get(part)
        assert node is not None, f"no field {dotted}"
    return node


def _walk(properties: dict, prefix: str = ""):
    for field_name, field in properties.items():
        yield prefix + field_name, field
        yield from _walk(field.get("properties", {}), f"{prefix}{field_name}.")
        yield from _walk(field.get("fields", {}), f"{prefix}{field_name}.")


# Analyzers an Elasticsearch plugin provides, and the plugin; built-in analyzers need none.
PLUGIN_ANALYZERS = {"smartcn": "analysis-smartcn", "ik_max_word": "analysis-ik", "ik_smart": "analysis-ik"}
BUILTIN_ANALYZERS = {"standard", "simple", "whitespace", "keyword"}


def test_bootstrap_installs_the_templates_the_matching_adapter_generates():
    """One source for the index shape: the adapter's own mappings, written to generated/."""
    from services.matching.index.elastic import GENERATED_TEMPLATES

    # (Whether the files are up to date with the adapter's mappings is matching's own test.)
    assert es_bootstrap().DEFAULT_TEMPLATES.resolve() == GENERATED_TEMPLATES.resolve()


def test_index_templates_set_refresh_location_and_versioned_aliases():
    assert set(es_templates()) == {"talentflow-workers", "talentflow-postings", "talentflow-courses"}
    for name, template in es_templates().items():
        meta = template["_meta"]
        assert meta["alias"] == name
        assert re.fullmatch(rf"{name}-v\d+", meta["initial_index"])
        patterns = [re.compile(p.replace("*", ".*")) for p in template["index_patterns"]]
        assert any(p.fullmatch(meta["initial_index"]) for p in patterns), name
        assert not any(p.fullmatch(meta["alias"]) for p in patterns), "the alias must not match its own template"
        settings = template["template"]["settings"]["index"]
        assert re.fullmatch(r"\d+(ms|s)", settings["refresh_interval"]), name
        mappings = template["template"]["mappings"]
        assert mappings["dynamic"] in ("strict", False), "a stray field must never grow the mapping"
        assert _field(mappings, "location")["type"] == "geo_point"
        for keyword in ("id", "region", "city", "province", "skills", "occupations"):
            assert _field(mappings, keyword)["type"] == "keyword", keyword
        assert _field(mappings, "version")["type"] == "long"
        assert _field(mappings, "text")["type"] == "text"


def test_every_analyzer_a_template_names_is_defined_or_installed_in_the_image():
    es_dockerfile = (ROOT / "deploy/elasticsearch/Dockerfile").read_text(encoding="utf-8")
    for name, template in es_templates().items():
        defined = set(template["template"]["settings"]["index"].get("analysis", {}).get("analyzer", {}))
        for path, field in _walk(template["template"]["mappings"]["properties"]):
            for key in ("analyzer", "search_analyzer"):
                analyzer = field.get(key)
                if analyzer is None or analyzer in defined or analyzer in BUILTIN_ANALYZERS:
                    continue
                assert analyzer in PLUGIN_ANALYZERS, f"{name}: {path} uses unknown analyzer {analyzer}"
                assert f"install --batch {PLUGIN_ANALYZERS[analyzer]}" in es_dockerfile, (
                    f"{name}: {path} needs the {PLUGIN_ANALYZERS[analyzer]} plugin in deploy/elasticsearch/Dockerfile"
                )
    text = _field(es_templates()["talentflow-workers"]["template"]["mappings"], "text")
    assert text["analyzer"] in ("smartcn", "ik_max_word"), "Chinese text needs a Chinese analyzer"


def test_templates_map_every_field_the_matching_service_indexes():
    """search.FIELDS is what both index adapters index; the templates must type it."""
    from services.matching.index import FIELDS, FieldType, Kind

    allowed = {
        FieldType.keyword: {"keyword"},
        FieldType.text: {"text"},
        FieldType.int: {"integer", "long", "date"},  # epoch seconds may be mapped as dates
        FieldType.float: {"scaled_float", "double", "float", "half_float"},
        FieldType.bool: {"boolean"},
    }
    for kind in Kind:
        mappings = es_templates()[f"talentflow-{kind.value}"]["template"]["mappings"]
        for field_name, field_type in FIELDS[kind].items():
            assert _field(mappings, field_name)["type"] in allowed[field_type], f"{kind}.{field_name}"
    workers = es_templates()["talentflow-workers"]["template"]["mappings"]
    postings = es_templates()["talentflow-postings"]["template"]["mappings"]
    assert _field(workers, "level")["type"] in ("integer", "long")
    assert _field(postings, "min_level")["type"] in ("integer", "long")
    for mappings in (workers, postings):
        assert _field(mappings, "wage_month")["type"] in ("scaled_float", "double")
    # Contact data never reaches the index.
    assert not [path for path, _ in _walk(workers["properties"]) if "contact" in path]


class FakeElasticsearch:
    """Just enough of Elasticsearch's REST API for bootstrap.ensure."""

    def __init__(self, indices: dict[str, set[str]] | None = None):
        self.templates: dict[str, dict] = {}
        self.indices = indices or {}  # index -> its aliases
        self.requests: list[tuple[str, str]] = []

    def aliases(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for index, aliases in self.indices.items():
            for alias in aliases:
                found.setdefault(alias, []).append(index)
        return found

    def __call__(self, method: str, path: str, body: dict | None):
        self.requests.append((method, path))
        name = path.strip("/")
        if method == "PUT" and path.startswith("/_index_template/"):
            self.templates[path.rsplit("/", 1)[1]] = body
            return 200, {"acknowledged": True}
        if method == "HEAD":
            return (200 if name in self.indices or name in self.aliases() else 404), None
        if method == "GET" and path.startswith("/_alias/"):
            alias = path.rsplit("/", 1)[1]
            indices = self.aliases().get(alias)
            return (200, {i: {"aliases": {alias: {}}} for i in indices}) if indices else (404, {"error": "missing"})
        if method == "PUT":
            if name in self.indices or name in self.aliases():
                return 400, {"error": {"type": "resource_already_exists_exception"}}
            self.indices[name] = set(body.get("aliases", {}))
            return 200, {"acknowledged": True}
        if method == "POST" and path == "/_aliases":
            for action in body["actions"]:
                self.indices[action["add"]["index"]].add(action["add"]["alias"])
            return 200, {"acknowledged": True}
        return 405, {"error": f"{method} {path} not faked"}


def test_es_bootstrap_creates_templates_and_versioned_indexes_behind_aliases():
    es = FakeElasticsearch()
    es_bootstrap().ensure(es, es_templates())
    assert set(es.templates) == {"talentflow-workers", "talentflow-postings", "talentflow-courses"}
    assert es.indices == {
        "talentflow-workers-v1": {"talentflow-workers"},
        "talentflow-postings-v1": {"talentflow-postings"},
        "talentflow-courses-v1": {"talentflow-courses"},
    }
    # A second run changes nothing and never moves an alias.
    es.requests.clear()
    es_bootstrap().ensure(es, es_templates())
    assert not [r for r in es.requests if r[0] in ("POST",) or (r[0] == "PUT" and "_index_template" not in r[1])]


def test_es_bootstrap_leaves_a_moved_alias_where_it_is():
    es = FakeElasticsearch({"talentflow-workers-v2": {"talentflow-workers"}})
    es_bootstrap().ensure(es, es_templates())
    assert es.indices["talentflow-workers-v2"] == {"talentflow-workers"}
    assert "talentflow-workers-v1" not in es.indices


def test_es_bootstrap_refuses_a_concrete_index_named_like_the_alias():
    es = FakeElasticsearch({"talentflow-workers": set()})
    with pytest.raises(es_bootstrap().BootstrapError, match="concrete index"):
        es_bootstrap().ensure(es, es_templates())


# --- Dockerfile and images -----------------------------------------------------------------------


def test_dockerfile_has_a_target_per_service_and_a_worker():
    stages = dockerfile_stages()
    assert {"builder", "runtime", "worker", *SERVICES} <= set(stages)
    assert stage_base("builder") == stage_base("runtime") == "${PYTHON_IMAGE}"
    args = [c.value[0] for c in dockerfile.parse_file(str(ROOT / "Dockerfile")) if c.cmd == "ARG"]
    assert "PYTHON_IMAGE=python:3.11-slim" in args
    assert list(stages)[-1] == "worker", "a plain `docker build .` should not pick one HTTP service"


def test_each_service_target_exposes_its_port_and_serves_without_workers():
    for name, port in SERVICES.items():
        assert stage_base(name) == "runtime"
        assert [c.value for c in stage_commands(name, "EXPOSE")] == [(str(port),)]
        (cmd,) = stage_commands(name, "CMD")
        assert cmd.json and list(cmd.value) == [
            "talentflow", "serve", name, "--no-workers", "--host", "0.0.0.0", "--port", str(port),
        ]
        (env,) = stage_commands(name, "ENV")
        assert env.value == ("HEALTHCHECK_PORT", str(port))
        (health,) = stage_commands(name, "HEALTHCHECK")
        assert "/opt/talentflow/healthcheck.py" in health.original
    (worker_cmd,) = stage_commands("worker", "CMD")
    assert list(worker_cmd.value)[:2] == ["talentflow", "work"]
    (worker_health,) = stage_commands("worker", "HEALTHCHECK")
    assert "--heartbeat" in worker_health.original


def test_final_images_run_as_a_non_root_user_without_compilers():
    pod_user = k8s_objects("Deployment")["profiles"]["spec"]["template"]["spec"]["securityContext"]["runAsUser"]
    for name in [*SERVICES, "worker"]:
        users = inherited_commands(name, "USER")
        # Numeric, so the kubelet can check runAsNonRoot, and the same user the pods declare.
        assert users and users[-1].value[0] == f"{pod_user}:{pod_user}", name
        runs = " ".join(c.original for c in inherited_commands(name, "RUN"))
        for tool in ("gcc", "build-essential", "g++", "make ", "python3-dev"):
            assert tool not in runs, f"{name} installs {tool}"
        venv = [c for c in inherited_commands(name, "COPY") if c.flags == ("--from=builder",)]
        assert [c.value for c in venv] == [("/opt/venv", "/opt/venv")], name


def test_dockerfile_copies_only_files_that_exist_and_the_build_context_admits():
    ignore = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()]
    ignore = [line for line in ignore if line and not line.startswith("#")]
    assert ignore[0] == "*", ".dockerignore should be an allow-list"
    allowed = [line[1:].rstrip("/") for line in ignore if line.startswith("!")]
    for stage in dockerfile_stages():
        for copy_instruction in stage_commands(stage, "COPY"):
            if copy_instruction.flags:
                continue  # --from=... copies from another stage
            *sources, _destination = copy_instruction.value
            for source in sources:
                source = source.rstrip("/")
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
                assert any(source == a or source.startswith(a + "/") for a in allowed), (
                    f"COPY {source} is excluded by .dockerignore"
                )
    for secret_place in (".venv", ".git", "var", ".env"):
        assert f"!{secret_place}" not in ignore


def test_healthcheck_script_reads_heartbeat_age():
    module = _load_script("deploy/docker/healthcheck.py")
    heartbeat = ROOT / "deploy/docker/healthcheck.py"  # any existing file: its mtime is the beat
    mtime = heartbeat.stat().st_mtime
    assert module.check_heartbeat(heartbeat, max_age_s=60, grace_s=0, now=mtime + 10)[0] is True
    assert module.check_heartbeat(heartbeat, max_age_s=60, grace_s=0, now=mtime + 61)[0] is False
    assert module.check_heartbeat(ROOT / "no-such-heartbeat", max_age_s=60, grace_s=0)[0] is False


# --- a read-only root: where each service writes -----------------------------------------------
# Every `talentflow` process writes to TALENTFLOW_HOME (the store, the local state, and profiles'
# import spool, services/profiles/app.py) and to /tmp. On a read-only root both must be volumes,
# TALENTFLOW_HOME must be absolute (the working directory is read-only too), and the volume under
# profiles' spool must hold every upload that may wait there.

_QUANTITY = re.compile(r"^(\d+)\s*(Ki|Mi|Gi|Ti|k|K|M|G|T|m|g|t|b|B)?$")
_UNITS = {None: 1, "b": 1, "B": 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
          "k": 10**3, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}
_COMPOSE_UNITS = {"k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}  # Docker's tmpfs sizes are binary


def _quantity_bytes(text: str, *, compose: bool = False) -> int:
    match = _QUANTITY.match(str(text).strip())
    assert match, f"not a size: {text!r}"
    unit = match.group(2)
    factor = _COMPOSE_UNITS[unit.lower()] if compose and unit and unit.lower() in _COMPOSE_UNITS else _UNITS[unit]
    return int(match.group(1)) * factor


def test_sizes_are_read_as_kubernetes_and_docker_mean_them():
    assert _quantity_bytes("64Mi") == 64 * 2**20 and _quantity_bytes("2Gi") == 2 * 2**30
    assert _quantity_bytes("1G") == 10**9 and _quantity_bytes("256m", compose=True) == 256 * 2**20
    with pytest.raises(AssertionError):
        _quantity_bytes("lots")


def _import_spool_bytes(env: dict[str, str]) -> int:
    """The most profiles' import spool holds: PROFILES_IMPORT_MAX_QUEUED uploads of PROFILES_IMPORT_MAX_BYTES."""
    from services.profiles.app import Settings

    fields = Settings.model_fields
    max_bytes = int(env.get("PROFILES_IMPORT_MAX_BYTES", fields["import_max_bytes"].default))
    queued = int(env.get("PROFILES_IMPORT_MAX_QUEUED", fields["import_max_queued"].default))
    return max_bytes * queued


def _image_env() -> dict[str, str]:
    values: list[str] = []
    for command in stage_commands("runtime", "ENV"):
        values += list(command.value)
    return dict(zip(values[::2], values[1::2], strict=True))


def _under(path: str, mount: str) -> bool:
    return path == mount or path.startswith(mount.rstrip("/") + "/")


def test_the_image_sets_an_absolute_data_folder_its_user_owns():
    home = _image_env()["TALENTFLOW_HOME"]
    assert home.startswith("/") and home != "/tmp", home
    assert any(c.original.startswith("RUN") and "install -d -o 10001 -g 10001" in c.original and home in c.original
               for c in stage_commands("runtime", "RUN")), "a fresh volume at TALENTFLOW_HOME must be writable by 10001"


def _k8s_read_only_containers():
    for kind in ("Deployment", "Job"):
        for name, workload in k8s_objects(kind).items():
            pod = _pod(workload)
            for container in pod["containers"]:
                if container["securityContext"].get("readOnlyRootFilesystem"):
                    yield name, pod, container


def _k8s_env(container: dict) -> dict[str, str]:
    env = dict(_image_env())
    config = k8s_objects("ConfigMap")["talentflow-config"]["data"]
    for source in container.get("envFrom", []):
        if source.get("configMapRef", {}).get("name") == "talentflow-config":
            env.update(config)
    env.update({e["name"]: e["value"] for e in container.get("env", []) if "value" in e})
    return env


def test_every_talentflow_pod_on_a_read_only_root_has_a_writable_data_folder_and_tmp():
    checked = set()
    for name, pod, container in _k8s_read_only_containers():
        command = container.get("args") or container.get("command")
        if command[0] != "talentflow":
            # the one-shot set-up scripts (create_topics.py, bootstrap.py) never read TALENTFLOW_HOME
            assert command[0] == "python" and command[1].startswith("/opt/talentflow/deploy/"), name
            continue
        env = _k8s_env(container)
        home = env.get("TALENTFLOW_HOME")
        assert home and home.startswith("/"), f"{name}: TALENTFLOW_HOME must be set and absolute, not {home!r}"
        volumes = {v["name"]: v for v in pod["volumes"]}
        (mount,) = [m for m in container["volumeMounts"] if _under(home, m["mountPath"]) and m["mountPath"] != "/"]
        assert not mount.get("readOnly"), f"{name}: {home} is mounted read-only"
        volume = volumes[mount["name"]]
        assert "emptyDir" in volume or "persistentVolumeClaim" in volume, f"{name}: {home} needs a writable volume"
        (tmp,) = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
        assert "emptyDir" in volumes[tmp["name"]], name
        if command[1:3] == ["serve", "profiles"]:
            limit = _quantity_bytes(volume["emptyDir"]["sizeLimit"])
            assert limit >= _import_spool_bytes(env), f"{name}: the import spool at {home} needs {_import_spool_bytes(env)} bytes"
        checked.add(name)
    assert {*SERVICES, *(f"{s}-worker" for s in SERVICES), "matching-replay"} <= checked


def _compose_mounts(service: dict) -> list[tuple[str, str]]:
    """(target, kind) of each writable mount of a compose service: kind "volume" or "tmpfs:<bytes>"."""
    mounts = []
    for entry in service.get("volumes", []):
        parts = entry.split(":") if isinstance(entry, str) else [entry.get("source", ""), entry["target"]]
        if len(parts) == 1:
            mounts.append((parts[0], "volume"))  # anonymous
        elif not (len(parts) == 3 and "ro" in parts[2].split(",")):
            mounts.append((parts[1], "volume"))
    for entry in service.get("tmpfs", []):
        target, _, options = entry.partition(":")
        size = dict(o.split("=", 1) for o in options.split(",") if "=" in o).get("size")
        mounts.append((target, f"tmpfs:{_quantity_bytes(size, compose=True) if size else 0}"))
    return mounts


def test_every_compose_talentflow_container_on_a_read_only_root_has_a_writable_data_folder_and_tmp():
    checked = set()
    for name, service in compose()["services"].items():
        if not service.get("read_only"):
            continue
        target = service.get("build", {}).get("target")
        command = service.get("command") or list(stage_commands(target, "CMD")[-1].value)
        assert command[0] == "talentflow", name
        env = {**_image_env(), **{k: str(v) for k, v in service.get("environment", {}).items()}}
        home = env.get("TALENTFLOW_HOME")
        assert home and home.startswith("/"), f"{name}: TALENTFLOW_HOME must be set and absolute, not {home!r}"
        mounts = _compose_mounts(service)
        holding = [kind for path, kind in mounts if _under(home, path)]
        assert holding, f"{name}: nothing writable is mounted at {home}"
        assert any(path == "/tmp" for path, _ in mounts), f"{name}: /tmp must be writable"
        if command[:3] == ["talentflow", "serve", "profiles"]:
            kind = holding[-1]
            # a disk volume grows with the host's disk; a tmpfs must be sized for the spool
            assert kind == "volume" or int(kind.split(":")[1]) >= _import_spool_bytes(env), name
        checked.add(name)
    assert {*SERVICES, *(f"{s}-worker" for s in SERVICES), "matching-replay"} <= checked


def test_the_writable_checks_catch_a_missing_data_folder():
    spec = compose()
    broken = dict(spec["services"]["profiles"], volumes=[])
    assert not any(_under("/var/lib/talentflow/data", path) for path, _ in _compose_mounts(broken))
    assert _compose_mounts({"volumes": ["./deploy/x:/etc/x:ro"], "tmpfs": ["/tmp:size=64m"]}) == [
        ("/tmp", f"tmpfs:{64 * 2**20}")]
