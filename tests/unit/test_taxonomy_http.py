"""The taxonomy and enrichment routes through HTTP: any valid token, cached answers, problem+json."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.common.adapters.kv_memory import MemoryKeyValue
from services.common.auth import Role, TokenIssuer
from services.common.web import create_service_app
from services.matching.vocabulary import api

pytestmark = pytest.mark.unit

ISSUER = TokenIssuer(["t" * 40])


@pytest.fixture(scope="module")
def client():
    app = create_service_app(service="matching-test", title="t", version="0", token_issuer=ISSUER,
                             key_value=MemoryKeyValue(), routers=[api.router], checks={})
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _auth(role: str = "worker", sub: str = "w1", **kw) -> dict[str, str]:
    return {"Authorization": "Bearer " + ISSUER.issue(Role(role), sub, **kw)}


@pytest.mark.parametrize("role", ["worker", "employer", "agency", "admin"])
def test_any_valid_token_may_ask(client, role):
    kw = {"org": "o1"} if role in ("employer", "agency") else {}
    r = client.get("/v1/taxonomy/occupations", params={"q": "hg"}, headers=_auth(role, **kw))
    assert r.status_code == 200
    assert r.json()["items"][0] == {"code": "6-18-02-04", "name": "焊工", "level": "occupation",
                                    "matched": "焊工", "match": "initials"}


def test_without_a_token_401(client):
    for method, path, kw in (("get", "/v1/taxonomy/occupations?q=hg", {}), ("get", "/v1/taxonomy/occupations/6-18-02-04", {}),
                             ("get", "/v1/taxonomy/skills?q=tig", {}), ("post", "/v1/enrich", {"json": {"text": "焊工"}})):
        r = getattr(client, method)(path, **kw)
        assert r.status_code == 401, path
        assert r.headers["content-type"].startswith("application/problem+json")


def test_typeahead_answers_carry_an_etag_and_a_matching_if_none_match_is_304(client):
    r = client.get("/v1/taxonomy/occupations", params={"q": "电焊", "limit": 3}, headers=_auth())
    assert r.status_code == 200 and r.headers["Cache-Control"] == "private, max-age=3600"
    tag = r.headers["ETag"]
    assert tag.startswith('"2.0.0-')
    again = client.get("/v1/taxonomy/occupations", params={"q": "电焊", "limit": 3}, headers={**_auth(), "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == tag
    other = client.get("/v1/taxonomy/occupations", params={"q": "电工", "limit": 3}, headers={**_auth(), "If-None-Match": tag})
    assert other.status_code == 200 and other.headers["ETag"] != tag


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "query.q"), ({"q": ""}, "query.q"), ({"q": "x" * 51}, "query.q"), ({"q": "hg", "limit": 0}, "query.limit"),
     ({"q": "hg", "limit": 51}, "query.limit"), ({"q": "hg", "limit": "many"}, "query.limit")],
)
def test_bad_typeahead_input_is_problem_json_naming_the_field(client, params, field):
    for path in ("/v1/taxonomy/occupations", "/v1/taxonomy/skills"):
        r = client.get(path, params=params, headers=_auth())
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in r.json()["errors"]]


def test_an_occupation_and_its_neighbours(client):
    r = client.get("/v1/taxonomy/occupations/6-18-02-04", headers=_auth())
    assert r.status_code == 200 and "ETag" in r.headers
    body = r.json()
    assert [a["code"] for a in body["ancestors"]] == ["6-18-02", "6-18", "6"]
    assert body["skills"][0]["certificates"][0]["kind"] == "特种作业操作证"
    assert body["related"][0]["overlap"] >= 1 and body["related"][0]["shared_skills"]


def test_an_unknown_or_malformed_code(client):
    r = client.get("/v1/taxonomy/occupations/9-99-99-99", headers=_auth())
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    bad = client.get("/v1/taxonomy/occupations/welder", headers=_auth())
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "path.code"


def test_skills_with_synonyms_and_permits(client):
    r = client.get("/v1/taxonomy/skills", params={"q": "gl"}, headers=_auth())
    assert r.status_code == 200
    names = [s["name"] for s in r.json()["items"]]
    assert "锅炉运行" in names or "工业锅炉司炉" in names
    tig = client.get("/v1/taxonomy/skills", params={"q": "TIG"}, headers=_auth()).json()["items"][0]
    assert tig["name"] == "氩弧焊" and "钨极氩弧焊" in tig["synonyms"]


def test_versions_and_the_change_feed(client):
    r = client.get("/v1/taxonomy/versions", headers=_auth())
    assert r.json()["versions"] == ["1.0.0", "2.0.0"] and r.json()["current"] == "2.0.0"
    feed = client.get("/v1/taxonomy/changes", params={"since": "1.0.0"}, headers=_auth())
    assert feed.status_code == 200 and feed.json()["summary"]["skills_added"] > 100
    unknown = client.get("/v1/taxonomy/changes", params={"since": "0.9.0"}, headers=_auth())
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "query.since"
    malformed = client.get("/v1/taxonomy/changes", params={"since": "../x"}, headers=_auth())
    assert malformed.status_code == 422


def test_enrich_a_posting_text(client):
    text = "招电焊工，会氩弧焊，不要求电工证"
    r = client.post("/v1/enrich", json={"text": text}, headers=_auth("employer", "e1", org="o1"))
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    body = r.json()
    assert [o["code"] for o in body["occupations"]] == ["6-18-02-04"]
    assert body["skills"][0]["name"] == "氩弧焊"
    span = body["skills"][0]["span"]
    assert text[span["start"]:span["end"]] == "氩弧焊"
    assert [n["code"] for n in body["negated"]] == ["6-31-01-03"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [({}, "body.text"), ({"text": ""}, "body.text"), ({"text": "   "}, "body.text"), ({"text": 5}, "body.text"),
     ({"text": "x" * 20_001}, "body.text"), ({"text": "焊工", "extra": 1}, "body.extra")],
)
def test_bad_enrich_input_is_problem_json_naming_the_field(client, payload, field):
    r = client.post("/v1/enrich", json=payload, headers=_auth())
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in r.json()["errors"]]
