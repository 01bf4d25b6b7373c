"""The SDK is generated from the documents the services serve now: a changed OpenAPI (or AsyncAPI)
document without `make sdk` fails here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

CLIENT = Path(__file__).resolve().parents[2] / "clients" / "python"
SERVICES = ("profiles", "jobs", "matching", "notify")


@pytest.fixture(scope="module")
def live(tmp_path_factory, monkeypatch_module):
    import importlib

    monkeypatch_module.setenv("TALENTFLOW_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch_module.setenv("TALENTFLOW_RUN_WORKERS", "false")
    for name in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "ELASTICSEARCH_URL", "REDIS_URL"):
        monkeypatch_module.delenv(name, raising=False)
    documents = {}
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.app").create_app()
        try:
            documents[service] = app.openapi()
        finally:
            app.state.runtime.close()
    from services.common.events import asyncapi_document

    documents["asyncapi"] = asyncapi_document()
    return documents


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.mark.parametrize("name", [*SERVICES, "asyncapi"])
def test_the_committed_document_is_the_live_one(live, name):
    committed = json.loads((CLIENT / "openapi" / f"{name}.json").read_text())
    assert committed == json.loads(json.dumps(live[name])), (
        f"{name}'s contract changed since the SDK was generated: run `make sdk` and commit clients/python")


def test_the_generated_code_is_from_the_committed_documents():
    manifest = json.loads((CLIENT / "talentflow_client" / "generated" / "manifest.json").read_text())
    for name, digest in manifest["sources"].items():
        assert hashlib.sha256((CLIENT / "openapi" / f"{name}.json").read_bytes()).hexdigest() == digest, (
            f"openapi/{name}.json was changed without regenerating: run `make sdk`")
    for operation, module in manifest["operations"].items():
        assert (CLIENT / "talentflow_client" / "generated" / (module.replace(".", "/") + ".py")).is_file(), operation


def test_every_operation_the_facade_calls_is_in_the_generated_layer():
    """A renamed or removed operation id fails here, not at a partner's first call."""
    import re

    from talentflow_client.client import LISTS, operation

    source = (CLIENT / "talentflow_client" / "client.py").read_text()
    called = set(re.findall(r'_call\("(\w+)"', source)) | set(LISTS.values()) | {"get_import_job"}
    assert len(called) > 30
    for operation_id in sorted(called):
        module = operation(operation_id)
        assert callable(module._get_kwargs) and callable(module._parse_response), operation_id


def test_the_models_the_facade_is_typed_with_exist():
    """client.py names generated models for type checkers only (TYPE_CHECKING): a regeneration that
    renames one fails here instead of leaving partners' type hints dangling."""
    import ast
    import typing

    from talentflow_client import client

    tree = ast.parse((CLIENT / "talentflow_client" / "client.py").read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    names: dict = {}
    exec(compile(ast.Module(body=block.body, type_ignores=[]), "client.py", "exec"),  # noqa: S102
         {"__package__": "talentflow_client", "__name__": "talentflow_client.client"}, names)
    namespace = {**vars(client), **names}
    checked = 0
    for cls in (client.Workers, client.Postings, client.Invitations, client.Applications, client.Matching,
                client.Inbox, client.Subscriptions, client.TalentFlow):
        for name, method in vars(cls).items():
            if callable(method) and not name.startswith("_"):
                typing.get_type_hints(method, globalns=namespace)
                checked += 1
    assert checked > 40
