"""The kit's part of the OpenAPI contract on a small app of its own: what it reads from the routes
(token, If-Match, If-None-Match, ETag, Location), what it fixes in pydantic's output ($defs, bounds
of unions), and the answers it makes match (405's Allow, If-Match's grammar)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import APIRouter, Body, Request, Response
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from pydantic import BaseModel, Field, StrictFloat, StrictInt

from services.common.adapters.kv_memory import MemoryKeyValue
from services.common.auth import Principal, Role, TokenIssuer
from services.common.openapi import IF_MATCH_PATTERN, unresolved_refs
from services.common.web import Caller, create_service_app, etag, parse_if_match

pytestmark = pytest.mark.contract

ISSUER = TokenIssuer(["openapi-kit-test-key-" + "x" * 32])


class Kind(BaseModel):
    name: str


class Thing(BaseModel):
    kind: Kind
    hours: StrictInt | StrictFloat = Field(gt=0, le=100)


def _app():
    router = APIRouter(prefix="/v1")
    state = {"version": 1}

    @router.post("/things", status_code=201, operation_id="create_thing")
    def create(body: Thing, response: Response, principal: Principal = Caller) -> dict[str, Any]:
        response.headers["Location"] = "/v1/things/1"
        response.headers["ETag"] = etag(1)
        return {"id": 1}

    @router.get("/things/{tid}", operation_id="get_thing")
    def read(tid: str, request: Request, principal: Principal = Caller) -> Response:
        if request.headers.get("if-none-match") == etag(state["version"]):
            return Response(status_code=304)
        return Response("{}", media_type="application/json", headers={"ETag": etag(state["version"])})

    @router.put("/things/{tid}", operation_id="replace_thing")
    def replace(tid: str, request: Request, principal: Principal = Caller) -> dict[str, Any]:
        return {"if_match": parse_if_match(request)}

    @router.patch("/things/{tid}", operation_id="patch_thing", openapi_extra={"requestBody": {"content": {
        "application/merge-patch+json": {"schema": Thing.model_json_schema()}}}})
    def patch(tid: str, body: dict[str, Any] = Body(...), principal: Principal = Caller) -> dict[str, Any]:
        return body

    @router.get("/public", operation_id="public_thing")
    def public() -> dict[str, str]:
        return {"ok": "yes"}

    return create_service_app(service="kit", title="kit", version="0", token_issuer=ISSUER,
                              key_value=MemoryKeyValue(), routers=[router], checks={})


@pytest.fixture(scope="module")
def client():
    with TestClient(_app()) as c:
        yield c


@pytest.fixture(scope="module")
def doc(client) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def _headers(op: dict[str, Any]) -> set[str]:
    return {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}


def test_the_document_is_read_from_what_the_routes_do(doc):
    validate(doc)
    assert unresolved_refs(doc) == set()
    things = doc["paths"]["/v1/things"]["post"]
    assert things["security"] == [{"bearerAuth": []}]
    assert "Idempotency-Key" in _headers(things)
    assert {"Location", "ETag", "Idempotent-Replayed"} <= set(things["responses"]["201"]["headers"])
    assert {"400", "401", "403", "409", "413", "422", "503"} <= set(things["responses"])
    read = doc["paths"]["/v1/things/{tid}"]["get"]
    assert _headers(read) == {"If-None-Match"} and {"304", "404"} <= set(read["responses"])
    replace = doc["paths"]["/v1/things/{tid}"]["put"]
    assert "If-Match" in _headers(replace) and {"412", "428"} <= set(replace["responses"])
    assert "If-Match" not in _headers(doc["paths"]["/v1/things/{tid}"]["patch"])  # it does not read it
    public = doc["paths"]["/v1/public"]["get"]
    assert public["security"] == [] and "401" not in public["responses"]


def test_pydantic_output_is_made_standard(doc):
    hours = doc["components"]["schemas"]["Thing"]["properties"]["hours"]
    assert "gt" not in hours and "le" not in hours
    assert all(m["exclusiveMinimum"] == 0 and m["maximum"] == 100 for m in hours["anyOf"])
    patch = doc["paths"]["/v1/things/{tid}"]["patch"]["requestBody"]["content"]
    assert patch["application/json"] == patch["application/merge-patch+json"]
    assert "$defs" not in str(patch) and "#/components/schemas/Kind" in str(patch)


def test_405_names_every_method_of_the_resource(client):
    response = client.request("OPTIONS", "/v1/things/7")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == "GET, PATCH, PUT"
    assert client.request("DELETE", "/v1/things").headers["allow"] == "POST"


@pytest.mark.parametrize(("value", "version"), [
    ('"3"', 3), ("3", 3), ('W/"3"', 3), ("*", "*"), (' "1", W/"4" ', 4), ("\t*", "*"),
])
def test_if_match_values_the_document_allows_are_read(client, value, version):
    assert re.fullmatch(IF_MATCH_PATTERN, value)
    answer = client.put("/v1/things/1", headers={"If-Match": value, "Authorization": _token()})
    assert answer.status_code == 200 and answer.json() == {"if_match": version}


@pytest.mark.parametrize("value", ['"3', 'yesterday', '""3""', '"3";', '"1",', '"' + "9" * 19 + '"', '"1",' * 60 + '"1"'])
def test_if_match_values_the_document_refuses_are_422(client, value):
    assert not (re.fullmatch(IF_MATCH_PATTERN, value) and len(value) <= 200)
    answer = client.put("/v1/things/1", headers={"If-Match": value, "Authorization": _token()})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "header.If-Match"


def _token() -> str:
    return "Bearer " + ISSUER.issue(Role.admin, "admin")

