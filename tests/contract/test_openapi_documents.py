"""Each service's OpenAPI document is one a generator can trust (issue 18, DESIGN §3): it validates,
every `$ref` resolves, it declares the bearer scheme and the headers the kit honours, every error
is problem+json with the kit's schema, and the committed copy in docs/openapi/ is current. `/docs`
and `/redoc` are served from packaged assets, naming no outside host."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from services.common.openapi import BEARER_SCHEME, PROBLEM_MEDIA_TYPE, unresolved_refs
from tests.contract.openapi_apps import SERVICES, service_app

pytestmark = pytest.mark.contract

DOCS = Path(__file__).resolve().parents[2] / "docs" / "openapi"
PUBLIC = {
    "profiles": {"/healthz", "/readyz", "/metrics"},
    "jobs": {"/healthz", "/readyz", "/metrics"},
    "matching": {"/healthz", "/readyz", "/metrics", "/market", "/v1/market/reports", "/v1/market/reports/{report_id}"},
    "notify": {"/healthz", "/readyz", "/metrics"},
}


@pytest.fixture(scope="module", params=SERVICES)
def served(request, tmp_path_factory) -> Iterator[tuple[str, TestClient]]:
    service = request.param
    with service_app(service, Path(tmp_path_factory.mktemp(f"doc-{service}"))) as app:
        yield service, TestClient(app)


@pytest.fixture(scope="module")
def document(served) -> tuple[str, dict]:
    service, client = served
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return service, response.json()


def operations(doc: dict) -> Iterator[tuple[str, str, dict]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "patch", "delete"):
                yield path, method, op


def header_params(op: dict) -> set[str]:
    return {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}


def test_the_document_validates_and_every_ref_resolves(document):
    _, doc = document
    validate(doc)
    assert unresolved_refs(doc) == set()
    assert "$defs" not in json.dumps(doc["paths"])
    assert "HTTPValidationError" not in json.dumps(doc)


def test_bearer_scheme_and_which_operations_need_it(document):
    service, doc = document
    assert doc["components"]["securitySchemes"][BEARER_SCHEME] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": doc["components"]["securitySchemes"][BEARER_SCHEME]["description"]}
    for path, method, op in operations(doc):
        if path in PUBLIC[service] and method == "get":
            assert op["security"] == [], (method, path)
            assert "401" not in op["responses"], (method, path)
        else:
            assert op["security"] == [{BEARER_SCHEME: []}], (method, path)
            assert {"401", "403"} <= set(op["responses"]), (method, path)


def test_every_error_is_problem_json_with_the_kits_schema(document):
    _, doc = document
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    assert doc["components"]["schemas"]["ProblemField"]["properties"]["field"]["type"] == "string"
    for path, method, op in operations(doc):
        for status, response in op["responses"].items():
            if status.startswith(("4", "5")) and not (path == "/readyz" and status == "503"):
                assert response["content"] == {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}, \
                    (method, path, status)
        if op.get("parameters") or "requestBody" in op:
            assert "422" in op["responses"], (method, path)


def test_writes_declare_idempotency_and_preconditions(document):
    _, doc = document
    for path, method, op in operations(doc):
        if method == "post" and op["security"]:
            assert "Idempotency-Key" in header_params(op), path
            assert "409" in op["responses"], path
        if "If-Match" in header_params(op):
            assert {"412", "428"} <= set(op["responses"]), (method, path)


def test_the_routes_that_check_versions_say_so(document):
    service, doc = document
    expected = {
        "profiles": [("put", "/v1/workers/{worker_id}"), ("patch", "/v1/workers/{worker_id}"),
                     ("delete", "/v1/workers/{worker_id}")],
        "jobs": [("put", "/v1/postings/{posting_id}"), ("patch", "/v1/postings/{posting_id}"),
                 ("delete", "/v1/postings/{posting_id}"), ("post", "/v1/postings/{posting_id}/close")],
        "matching": [],
        "notify": [("put", "/v1/preferences"), ("delete", "/v1/subscriptions/{subscription_id}")],
    }[service]
    for method, path in expected:
        op = doc["paths"][path][method]
        assert "If-Match" in header_params(op), (method, path)
        ok = next(s for s in op["responses"] if s.startswith("2"))
        if ok != "204":
            assert "ETag" in op["responses"][ok].get("headers", {}), (method, path)
    if service == "jobs":
        get = doc["paths"]["/v1/postings/{posting_id}"]["get"]
        assert "If-None-Match" in header_params(get) and "304" in get["responses"]
        assert "ETag" in get["responses"]["200"]["headers"]
        assert "Location" in doc["paths"]["/v1/postings"]["post"]["responses"]["201"]["headers"]
    # reading endpoints do not pretend to check If-Match
    for path, method, op in operations(doc):
        if method == "get":
            assert "If-Match" not in header_params(op), path


def test_success_content_types_are_the_ones_served(document):
    service, doc = document
    assert set(doc["paths"]["/metrics"]["get"]["responses"]["200"]["content"]) == {"text/plain"}
    assert "503" in doc["paths"]["/readyz"]["get"]["responses"]
    if service == "matching":
        assert set(doc["paths"]["/market"]["get"]["responses"]["200"]["content"]) == {"text/html"}
        report = doc["paths"]["/v1/market/reports/{report_id}"]["get"]["responses"]["200"]["content"]
        assert {"application/json", "text/csv"} <= set(report)
    if service == "profiles":
        patch = doc["paths"]["/v1/workers/{worker_id}"]["patch"]["requestBody"]["content"]
        schema = patch["application/merge-patch+json"]["schema"]
        assert "$defs" not in json.dumps(schema)
        kinds = doc["components"]["schemas"]["AchievementKind"]
        assert kinds.get("enum"), "AchievementKind is a closed vocabulary"


def test_the_committed_document_is_current(document):
    service, doc = document
    committed = DOCS / f"{service}.json"
    assert committed.exists(), f"run `make schemas` to write {committed}"
    assert json.loads(committed.read_text()) == json.loads(json.dumps(doc)), \
        f"docs/openapi/{service}.json is stale: run `make schemas` (and regenerate the SDK)"


OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_packaged_assets(served, page):
    _, client = served
    response = client.get(page)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not OUTSIDE.search(html), OUTSIDE.search(html)
    assert "fonts.googleapis" not in html and "cdn.jsdelivr" not in html
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts, "the page loads its viewer from this service"
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset
    if page == "/docs":  # Swagger UI before 5 shows "Unable to render this definition" for OpenAPI 3.1
        assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
        assert "isOAS31" in client.get(scripts[0]).text
