"""The HTTP kit: problem+json, auth, Idempotency-Key, If-Match, cursors, body limit, ops routes."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json

import pytest
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from services.common.adapters.kv_memory import MemoryKeyValue
from services.common.auth import Principal, Role, TokenIssuer
from services.common.errors import Conflict, NotFound
from services.common.web import (
    Caller,
    check_if_match,
    create_service_app,
    decode_cursor,
    encode_cursor,
    etag,
    idempotency_cache_key,
)

pytestmark = pytest.mark.unit
KEY = "k" * 40
ISSUER = TokenIssuer([KEY])


class ThingIn(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    size: int = Field(ge=0)


def _app(ready: bool = True):
    router = APIRouter(prefix="/v1")
    counter = itertools.count(1)
    state = {"version": 1}

    @router.post("/things", status_code=201)
    def create(body: ThingIn, principal: Principal = Caller):
        return {"id": next(counter), "name": body.name, "owner": principal.subject}

    @router.get("/things/{tid}")
    def read(tid: int, principal: Principal = Caller):
        if tid != 1:
            raise NotFound("no such thing")
        return {"id": 1}

    @router.put("/things/1")
    def replace(request: Request, principal: Principal = Caller):
        check_if_match(request, state["version"], required=True)
        state["version"] += 1
        return {"version": state["version"]}

    @router.post("/conflict")
    def conflict(principal: Principal = Caller):
        raise Conflict("taken")

    @router.post("/boom")
    def boom(principal: Principal = Caller):
        raise RuntimeError("secret internals 13800000001")

    return create_service_app(
        service="test", title="t", version="0", token_issuer=ISSUER, key_value=MemoryKeyValue(),
        routers=[router], checks={"store": lambda: ready}, max_body_bytes=1000,
    )


@pytest.fixture
def client():
    with TestClient(_app(), raise_server_exceptions=False) as c:
        yield c


def _auth(role="worker", sub="w1", **kw):
    return {"Authorization": "Bearer " + ISSUER.issue(Role(role), sub, **kw)}


def test_validation_errors_are_problem_json_naming_each_field(client):
    r = client.post("/v1/things", json={"name": "toolongname", "size": -1, "extra": 1}, headers=_auth())
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert {"type", "title", "status", "detail", "errors"} <= body.keys()
    fields = {e["field"] for e in body["errors"]}
    assert {"body.name", "body.size"} <= fields


def test_malformed_json_is_a_4xx_problem_not_a_500(client):
    r = client.post("/v1/things", content=b"{not json", headers={**_auth(), "content-type": "application/json"})
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_missing_and_bad_tokens_are_401(client):
    assert client.get("/v1/things/1").status_code == 401
    r = client.get("/v1/things/1", headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["status"] == 401
    other = TokenIssuer(["z" * 40]).issue(Role.admin, "root")
    assert client.get("/v1/things/1", headers={"Authorization": f"Bearer {other}"}).status_code == 401


def test_previous_signing_key_still_verifies_after_rotation():
    old, new = "o" * 40, "n" * 40
    token = TokenIssuer([old]).issue(Role.employer, "e1", org="org-1")
    principal = TokenIssuer([new, old]).verify(token)
    assert principal.role is Role.employer and principal.org == "org-1"


def test_domain_errors_map_to_their_status(client):
    assert client.get("/v1/things/2", headers=_auth()).status_code == 404
    r = client.post("/v1/conflict", headers=_auth())
    assert r.status_code == 409 and r.json()["detail"] == "taken"


def test_unexpected_errors_are_a_bare_500_without_internals(client):
    r = client.post("/v1/boom", headers=_auth())
    assert r.status_code == 500
    assert "secret" not in r.text and "Traceback" not in r.text and "13800000001" not in r.text
    assert r.json()["request_id"] == r.headers["x-request-id"]


def test_idempotency_key_replays_the_first_response(client):
    h = {**_auth(), "Idempotency-Key": "abc"}
    first = client.post("/v1/things", json={"name": "a", "size": 1}, headers=h)
    again = client.post("/v1/things", json={"name": "a", "size": 1}, headers=h)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("idempotent-replayed") == "true"
    fresh = client.post("/v1/things", json={"name": "a", "size": 1}, headers={**_auth(), "Idempotency-Key": "other"})
    assert fresh.json()["id"] != first.json()["id"]


def test_idempotency_key_is_scoped_to_the_caller(client):
    a = client.post("/v1/things", json={"name": "a", "size": 1}, headers={**_auth(sub="w1"), "Idempotency-Key": "k"})
    b = client.post("/v1/things", json={"name": "a", "size": 1}, headers={**_auth(sub="w2"), "Idempotency-Key": "k"})
    assert a.json()["id"] != b.json()["id"] and b.json()["owner"] == "w2"


def test_idempotency_key_belongs_to_the_caller_not_to_the_token_string(client):
    first_token, second_token = _auth("employer", "e1", org="org-1"), _auth("employer", "e1", org="org-1")
    assert first_token != second_token  # two fresh tokens of one employer
    body = {"name": "a", "size": 1}
    first = client.post("/v1/things", json=body, headers={**first_token, "Idempotency-Key": "post-1"})
    again = client.post("/v1/things", json=body, headers={**second_token, "Idempotency-Key": "post-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    # another org of the same subject name is another caller
    elsewhere = client.post("/v1/things", json=body, headers={**_auth("employer", "e1", org="org-2"), "Idempotency-Key": "post-1"})
    assert elsewhere.json()["id"] != first.json()["id"]


def test_idempotency_key_without_a_valid_token_is_not_cached(client):
    r = client.post("/v1/things", json={"name": "a", "size": 1}, headers={"Idempotency-Key": "anon", "Authorization": "Bearer nope"})
    assert r.status_code == 401
    assert len(client.app.state.key_value) == 0


def test_idempotency_retry_while_the_first_runs_is_409(client):
    kv = client.app.state.key_value
    body = b'{"name":"a","size":1}'
    key = idempotency_cache_key(Principal(Role.worker, "w1"), "/v1/things", b"slow")
    kv.set(key, json.dumps({"state": "running", "fp": hashlib.sha256(body).hexdigest()}).encode(), ttl_s=60)
    r = client.post("/v1/things", content=body, headers={**_auth(), "Idempotency-Key": "slow", "content-type": "application/json"})
    assert r.status_code == 409 and r.headers["content-type"] == "application/problem+json"
    assert r.headers["retry-after"] == "1"


def test_idempotency_reuse_with_another_body_is_422_for_another_token_too(client):
    client.post("/v1/things", json={"name": "a", "size": 1}, headers={**_auth(), "Idempotency-Key": "k2"})
    r = client.post("/v1/things", json={"name": "b", "size": 1}, headers={**_auth(), "Idempotency-Key": "k2"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "header.Idempotency-Key"


def test_idempotency_key_reused_with_another_body_is_422(client):
    h = {**_auth(), "Idempotency-Key": "same"}
    client.post("/v1/things", json={"name": "a", "size": 1}, headers=h)
    r = client.post("/v1/things", json={"name": "b", "size": 1}, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "header.Idempotency-Key"


def test_if_match_stale_is_412_and_missing_is_428(client):
    assert client.put("/v1/things/1", headers=_auth()).status_code == 428
    assert client.put("/v1/things/1", headers={**_auth(), "If-Match": etag(1)}).status_code == 200
    assert client.put("/v1/things/1", headers={**_auth(), "If-Match": etag(1)}).status_code == 412
    r = client.put("/v1/things/1", headers={**_auth(), "If-Match": "garbage"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "header.If-Match"


def test_body_over_the_limit_is_413(client):
    r = client.post("/v1/things", content=b'{"name":"' + b"x" * 2000 + b'"}', headers={**_auth(), "content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"


def test_cursor_round_trip_and_garbage_is_422():
    assert decode_cursor(encode_cursor({"after": "w-9", "n": 3})) == {"after": "w-9", "n": 3}
    assert decode_cursor(None) is None
    with pytest.raises(Exception) as exc:
        decode_cursor("!!!notacursor")
    assert exc.value.status == 422


@pytest.mark.parametrize("payload", [
    b"[" * 3000,
    b'{"a":' * 3000 + b"1" + b"}" * 3000,
    b'{"after": [[[[[["x"]]]]]]}',
    b'{"after": "' + b"x" * 3000 + b'"}',
])
def test_a_hostile_cursor_is_a_422_naming_the_cursor_not_a_500(payload):
    cursor = base64.urlsafe_b64encode(payload).decode()
    with pytest.raises(Exception) as exc:
        decode_cursor(cursor)
    assert exc.value.status == 422 and exc.value.errors[0]["field"] == "query.cursor"


def test_a_cursor_with_brackets_inside_strings_still_decodes():
    position = {"after": "[[[[[[[[[[", "q": "\\\"{{{{{{{{"}
    assert decode_cursor(encode_cursor(position)) == position


def test_ops_routes(client):
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").status_code == 200
    client.get("/v1/things/1", headers=_auth())
    metrics = client.get("/metrics").text
    assert "talentflow_http_requests_total" in metrics


def test_readyz_is_503_when_a_check_fails():
    with TestClient(_app(ready=False)) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"] == {"store": False}


def test_principal_ownership_rules():
    agency = Principal(Role.agency, "a1", org="ag-1", acts_for=("org-7",))
    assert agency.may_act_for_org("org-7") and not agency.may_act_for_org("org-8")
    assert agency.may_manage_worker("w-1", "ag-1") and not agency.may_manage_worker("w-1", "ag-2")
    worker = Principal(Role.worker, "w-1")
    assert worker.may_manage_worker("w-1", None) and not worker.may_manage_worker("w-2", None)
    employer = Principal(Role.employer, "e1", org="org-7")
    assert employer.may_act_for_org("org-7") and not employer.may_manage_worker("w-1", None)


def test_a_chunked_body_over_the_limit_is_413_not_400(client):
    def chunks():
        for _ in range(20):
            yield b'{"name": "' + b"x" * 100

    r = client.post("/v1/things", content=chunks(), headers={**_auth(), "content-type": "application/json"})
    assert r.status_code == 413, r.text
    assert r.headers["content-type"] == "application/problem+json" and r.json()["status"] == 413
    keyed = client.post("/v1/things", content=chunks(),
                        headers={**_auth(), "content-type": "application/json", "Idempotency-Key": "big"})
    assert keyed.status_code == 413
    assert len(client.app.state.key_value) == 0  # nothing cached for a refused body


def test_fastapi_telemetry_is_off_unless_an_exporter_is_configured(monkeypatch):
    """FastAPI asks the OpenTelemetry globals on every request while its telemetry is on."""
    from services.common.web import create_service_app

    def app():
        return create_service_app(service="probe", title="probe", version="0", token_issuer=TokenIssuer(["k" * 40]),
                                  key_value=MemoryKeyValue(), routers=[APIRouter()], checks={})

    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("FASTAPI_OTEL_AUTO_CONFIGURE", raising=False)
    assert app()._telemetry["tracing"] is False and app()._telemetry["metrics"] is False
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    assert app()._telemetry["tracing"] is True


def test_json_answers_without_a_response_model_are_encoded_by_orjson():
    from fastapi.datastructures import DefaultPlaceholder

    from services.common.web import OrjsonResponse, create_service_app

    router = APIRouter()

    @router.get("/plain")
    def plain():
        return {"名字": "王", "n": 1}

    app = create_service_app(service="probe", title="probe", version="0", token_issuer=TokenIssuer(["k" * 40]),
                             key_value=MemoryKeyValue(), routers=[router], checks={})
    # a placeholder, so that routes with a response model keep FastAPI's pydantic-to-bytes path
    assert isinstance(app.router.default_response_class, DefaultPlaceholder)
    assert app.router.default_response_class.value is OrjsonResponse
    response = TestClient(app).get("/plain")
    assert response.status_code == 200 and response.content == '{"名字":"王","n":1}'.encode()
    assert OrjsonResponse({"x": float("nan"), 1: "a"}).body == b'{"x":null,"1":"a"}'  # Starlette's JSONResponse refuses NaN
