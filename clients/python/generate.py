"""Regenerate the SDK's generated layer from the services' live contracts (what `make sdk` runs).

1. Each service's OpenAPI document, taken from its app in-process (`services.<svc>.app:create_app`
   on a scratch TALENTFLOW_HOME, no loops started), is written to `openapi/<svc>.json`; the
   AsyncAPI document (`services.common.events.asyncapi_document`) to `openapi/asyncapi.json`.
2. openapi-python-client turns each OpenAPI document into `talentflow_client/generated/<svc>/`
   (typed httpx operations and attrs models).
3. datamodel-code-generator turns each event payload of the AsyncAPI document into pydantic models
   in `talentflow_client/generated/events/`.
4. `talentflow_client/generated/manifest.json` records each operation id's module and the SHA-256
   of every source document, so the drift test can tell a stale SDK from a current one.

Run with the project's venv (it imports `services`); the generators come from `--tools`, a venv of
their own (clients/python/sdkgen-requirements.txt), so they are never runtime dependencies.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SERVICES = ("profiles", "jobs", "matching", "notify")
OPENAPI = HERE / "openapi"
GENERATED = HERE / "talentflow_client" / "generated"


def canonical(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def live_documents() -> dict[str, dict]:
    """The four OpenAPI documents and the AsyncAPI document as the code serves them now."""
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(prefix="talentflow-sdk-") as home:
        os.environ["TALENTFLOW_HOME"] = home
        os.environ["TALENTFLOW_RUN_WORKERS"] = "false"
        documents = {}
        for service in SERVICES:
            app = importlib.import_module(f"services.{service}.app").create_app()
            try:
                documents[service] = app.openapi()
            finally:
                runtime = getattr(app.state, "runtime", None)
                if runtime is not None:
                    runtime.close()
        from services.common.events import asyncapi_document

        documents["asyncapi"] = asyncapi_document()
    return documents


def write_documents(documents: dict[str, dict]) -> None:
    OPENAPI.mkdir(exist_ok=True)
    for name, document in documents.items():
        (OPENAPI / f"{name}.json").write_text(canonical(document))


def generate_operations(tools: Path) -> list[str]:
    warnings = []
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"}  # its ruff formats the code
    for service in SERVICES:
        target = GENERATED / service
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as config:
            config.write(f"package_name_override: {service}\nliteral_enums: false\n")
        try:
            done = subprocess.run(
                [str(tools / "openapi-python-client"), "generate", "--path", str(OPENAPI / f"{service}.json"),
                 "--meta", "none", "--output-path", str(target), "--overwrite", "--config", config.name],
                env=env, capture_output=True, text=True)
        finally:
            os.unlink(config.name)
        if done.returncode != 0:
            sys.exit(f"openapi-python-client failed for {service}:\n{done.stdout}\n{done.stderr}")
        warnings += [f"{service}: {line}" for line in (done.stdout + done.stderr).splitlines() if line.startswith("WARNING")]
    return warnings


def event_module_name(event_type: str) -> str:
    return re.sub(r"\W", "_", event_type)


def generate_events(tools: Path, asyncapi: dict) -> dict[str, str]:
    target = GENERATED / "events"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    modules = {}
    with tempfile.TemporaryDirectory() as scratch:
        for message in asyncapi["components"]["messages"].values():
            event_type = message["name"]
            module = event_module_name(event_type)
            schema_path = Path(scratch) / f"{module}.json"
            schema = dict(message["payload"])
            schema["title"] = "".join(part.capitalize() for part in re.split(r"[._]", event_type)) + "Event"
            schema_path.write_text(json.dumps(schema, ensure_ascii=False))
            done = subprocess.run(
                [str(tools / "datamodel-codegen"), "--input", str(schema_path), "--input-file-type", "jsonschema",
                 "--output", str(target / f"{module}.py"), "--output-model-type", "pydantic_v2.BaseModel",
                 "--target-python-version", "3.11", "--use-standard-collections", "--use-union-operator",
                 "--class-name", schema["title"], "--disable-timestamp", "--use-schema-description",
                 "--use-annotated", "--field-constraints",
                 "--extra-fields", "allow"],  # a consumer keeps working when an event gains a field
                capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"datamodel-codegen failed for {event_type}:\n{done.stderr}")
            modules[event_type] = f"{module}:{schema['title']}"
    (target / "__init__.py").write_text('"""Generated from docs/asyncapi.json by clients/python/generate.py: do not edit."""\n')
    return modules


def operation_index() -> dict[str, str]:
    """operation id → module under `generated` (the generator names a module after its operation id)."""
    index = {}
    for service in SERVICES:
        for path in sorted((GENERATED / service / "api").glob("*/*.py")):
            if path.name != "__init__.py":
                index[path.stem] = f"{service}.api.{path.parent.name}.{path.stem}"
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", required=True, type=Path, help="bin folder of the venv with the generators")
    parser.add_argument("--documents-only", action="store_true", help="only write openapi/*.json")
    args = parser.parse_args(argv)
    documents = live_documents()
    write_documents(documents)
    if args.documents_only:
        return 0
    GENERATED.mkdir(parents=True, exist_ok=True)
    (GENERATED / "__init__.py").write_text(
        '"""Generated by clients/python/generate.py (`make sdk`) from clients/python/openapi/*.json: do not edit."""\n')
    warnings = generate_operations(args.tools.resolve())
    events = generate_events(args.tools.resolve(), documents["asyncapi"])
    manifest = {
        "sources": {name: hashlib.sha256(canonical(doc).encode()).hexdigest() for name, doc in sorted(documents.items())},
        "operations": operation_index(),
        "events": events,
        "skipped": warnings,  # operations the generator could not express; the facade covers them by hand
    }
    (GENERATED / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    for line in warnings:
        print(line, file=sys.stderr)
    print(f"generated {len(manifest['operations'])} operations and {len(events)} event models")
    return 0


if __name__ == "__main__":
    sys.exit(main())
