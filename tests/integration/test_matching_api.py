"""Matching's HTTP API through TestClient on SQLite and PostgreSQL with the tantivy index: the
ownership matrix of every route, problem+json for bad input, ranked hits with personal data masked."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.matching import handlers
from services.matching.app import Settings, create_app
from tests.fakes_search import posting_data, posting_upserted, worker_data, worker_upserted
from tests.fixtures.engines import StoreBackend, postgres_reachable, postgres_url
from tests.fixtures.infra import unavailable
from tests.support import auth, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration

ORG = "org-coal"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def backend(request, tmp_path_factory):
    """`store_backend` once per module: these tests only read, so one service serves them all."""
    home = tmp_path_factory.mktemp("matching-api")
    if request.param == "sqlite":
        yield StoreBackend("sqlite", None, None, home)
        return
    url = postgres_url()
    if not postgres_reachable(url):
        unavailable("PostgreSQL not reachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield StoreBackend("postgres", url, schema, home)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="module")
def world(backend):
    """A matching service holding two workers (one managed by an agency) and a posting of ORG."""
    settings = Settings(**settings_kwargs(backend), index_path=backend.home / "index")
    runtime = runtime_for("matching", settings, backend)
    app = create_app(settings, runtime=runtime)
    worker = worker_data()
    managed = worker_data(agency_id="agency-1", name="李秀英")
    shy = worker_data(consent={"matching": False, "share_contact": False})
    posting = posting_data(org_id=ORG)
    handlers.apply_to_index(app.state.index(), [worker_upserted(w) for w in (worker, managed, shy)]
                            + [posting_upserted(posting)])
    with TestClient(app) as client:
        yield client, {"worker": worker, "managed": managed, "shy": shy, "posting": posting}
    runtime.close()


def candidates(client, posting_id, headers, query=""):
    return client.get(f"/v1/postings/{posting_id}/candidates{query}", headers=headers)


def recommendations(client, worker_id, headers, query=""):
    return client.get(f"/v1/workers/{worker_id}/recommendations{query}", headers=headers)


# --- candidates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 401),
        (("worker", "w-any"), 403),
        (("employer", "u-1", ORG), 200),
        (("employer", "u-2", "org-other"), 403),
        (("agency", "a-1", "agency-1", [ORG]), 200),
        (("agency", "a-2", "agency-2", ["org-other"]), 403),
        (("admin", "root"), 200),
        (("service", "jobs"), 403),
    ],
)
def test_who_sees_a_postings_candidates(world, who, status):
    client, data = world
    headers = auth(*who) if who else {}
    response = candidates(client, data["posting"]["id"], headers)
    assert response.status_code == status, response.text
    if status != 200:
        assert response.headers["content-type"].startswith("application/problem+json")


def test_candidates_are_ranked_explained_and_masked(world):
    client, data = world
    response = candidates(client, data["posting"]["id"], auth("employer", "u-1", ORG))
    items = response.json()["items"]
    assert {i["worker_id"] for i in items} == {data["worker"]["id"], data["managed"]["id"]}  # not the shy one
    assert items == sorted(items, key=lambda i: -i["score"])
    hit = items[0]
    assert 0 <= hit["score"] <= 1
    assert set(hit["explanation"]) == {"factors", "matched_skills", "missing_skills", "inferred_skills", "summary"}
    assert sum(hit["explanation"]["factors"].values()) == pytest.approx(hit["score"], abs=1e-3)
    body = response.text
    for secret in ("王建国", "李秀英", "1915000000123", "contact", "phone", "email", "agency-1"):
        assert secret not in body
    assert {i["worker"]["name"] for i in items} == {"王**", "李**"}


def test_unknown_posting_is_404_and_bad_query_is_422_naming_the_field(world):
    client, data = world
    employer = auth("employer", "u-1", ORG)
    assert candidates(client, "p-unknown", employer).status_code == 404
    for query, field in (("?limit=0", "query.limit"), ("?limit=1000", "query.limit"), ("?min_score=2", "query.min_score"),
                         ("?limit=abc", "query.limit")):
        response = candidates(client, data["posting"]["id"], employer, query)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == [field]
    response = candidates(client, "bad id!", employer)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "path.posting_id"


def test_limit_and_min_score(world):
    client, data = world
    employer = auth("employer", "u-1", ORG)
    assert len(candidates(client, data["posting"]["id"], employer, "?limit=1").json()["items"]) == 1
    assert candidates(client, data["posting"]["id"], employer, "?min_score=1").json()["items"] == []


# --- recommendations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        (None, "worker", 401),
        (("worker", "{worker}"), "worker", 200),
        (("worker", "w-other"), "worker", 403),
        (("employer", "u-1", ORG), "worker", 403),
        (("agency", "a-1", "agency-1"), "managed", 200),  # its managing agency
        (("agency", "a-9", "agency-9", ["{managed}"]), "managed", 200),  # an agency listing the worker
        (("agency", "a-2", "agency-2"), "managed", 404),  # not its worker: existence stays hidden
        (("agency", "a-1", "agency-1"), "worker", 404),
        (("admin", "root"), "worker", 200),
        (("service", "jobs"), "worker", 403),
    ],
)
def test_who_sees_a_workers_recommendations(world, who, target, status):
    client, data = world
    ids = {"worker": data["worker"]["id"], "managed": data["managed"]["id"]}
    headers = {}
    if who:
        role, subject, *rest = who
        org = rest[0] if rest else None
        acts_for = [a.format(**ids) for a in rest[1]] if len(rest) > 1 else []
        headers = auth(role, subject.format(**ids), org, acts_for)
    response = recommendations(client, data[target]["id"], headers)
    assert response.status_code == status, response.text


def test_recommendations_rank_open_postings_for_the_worker(world):
    client, data = world
    items = recommendations(client, data["worker"]["id"], auth("worker", data["worker"]["id"])).json()["items"]
    assert [i["posting_id"] for i in items] == [data["posting"]["id"]]
    assert items[0]["posting"]["org_id"] == ORG and items[0]["explanation"]["summary"]
    assert recommendations(client, data["worker"]["id"], auth("admin", "root"), "?kind=full_time").json()["items"] == []


def test_recommendations_for_unknown_or_unmatchable_workers(world):
    client, data = world
    assert recommendations(client, "w-unknown", auth("admin", "root")).status_code == 404
    shy = recommendations(client, data["shy"]["id"], auth("worker", data["shy"]["id"]))
    assert shy.status_code == 200 and shy.json()["items"] == []
    bad = recommendations(client, data["worker"]["id"], auth("admin", "root"), "?kind=forever")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "query.kind"


# --- search --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), (("worker", "w-1"), 403), (("employer", "u-1", ORG), 200), (("agency", "a-1", "agency-1"), 200),
     (("admin", "root"), 200)],
)
def test_who_may_search_workers(world, who, status):
    client, _ = world
    response = client.post("/v1/search/workers", json={"skills": ["氩弧焊"]}, headers=auth(*who) if who else {})
    assert response.status_code == status


def test_worker_search_finds_by_synonym_and_masks(world):
    client, data = world
    response = client.post("/v1/search/workers", json={"skills": ["TIG焊"], "region": "1506", "min_level": "senior",
                                                       "modes": ["project"], "text": "压力容器"},
                           headers=auth("employer", "u-1", ORG))
    assert response.status_code == 200
    assert {i["worker_id"] for i in response.json()["items"]} == {data["worker"]["id"], data["managed"]["id"]}
    assert "王建国" not in response.text and "1915000000123" not in response.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"skills": "氩弧焊"}, "body.skills"),
        ({"region": "99"}, "body.region"),
        ({"region": "1506021"}, "body.region"),
        ({"occupation": "6-99-99-99"}, "body.occupation"),
        ({"min_level": "wizard"}, "body.min_level"),
        ({"limit": 0}, "body.limit"),
        ({"hobby": "fishing"}, "body.hobby"),
        ({"text": "字" * 201}, "body.text"),
    ],
)
def test_bad_search_bodies_are_422_naming_the_field(world, body, field):
    client, _ = world
    response = client.post("/v1/search/workers", json=body, headers=auth("admin", "root"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_anyone_signed_in_searches_postings_and_a_worker_is_ranked_by_its_profile(world):
    client, data = world
    body = {"skills": ["氩弧焊"], "kinds": ["project"], "region": "15"}
    assert client.post("/v1/search/postings", json=body).status_code == 401
    assert client.post("/v1/search/postings", json=body, headers=auth("service", "jobs")).status_code == 403
    anonymous = client.post("/v1/search/postings", json=body, headers=auth("employer", "u-9", "org-x")).json()["items"]
    mine = client.post("/v1/search/postings", json=body, headers=auth("worker", data["worker"]["id"])).json()["items"]
    assert [i["posting_id"] for i in anonymous] == [i["posting_id"] for i in mine] == [data["posting"]["id"]]
    assert mine[0]["score"] > anonymous[0]["score"]
    bad = client.post("/v1/search/postings", json={"kinds": ["gig"]}, headers=auth("worker", "w-1"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("body.kinds")


def test_readiness_checks_the_index(world):
    client, _ = world
    ready = client.get("/readyz").json()
    assert ready["checks"]["index"] is True
