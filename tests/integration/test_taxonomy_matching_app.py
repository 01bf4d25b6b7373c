"""The matching service serves the taxonomy and enrichment routes (issue 16), registered in its app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from services.matching.app import Settings, create_app
from tests.fixtures.engines import StoreBackend
from tests.support import auth, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    backend = StoreBackend("sqlite", None, None, tmp_path_factory.mktemp("matching-taxonomy"))
    settings = Settings(**settings_kwargs(backend), index_path=backend.home / "index")
    runtime = runtime_for("matching", settings, backend)
    app = create_app(settings, runtime=runtime)
    with TestClient(app) as c:
        yield c
    runtime.close()


def test_matching_serves_typeahead_occupations_skills_and_enrichment(client):
    headers = auth("worker", "w-tax")
    hit = client.get("/v1/taxonomy/occupations", params={"q": "hg"}, headers=headers)
    assert hit.status_code == 200 and hit.json()["items"][0]["code"] == "6-18-02-04"
    assert client.get("/v1/taxonomy/occupations/6-31-01-03", headers=headers).json()["name"] == "电工"
    assert client.get("/v1/taxonomy/skills", params={"q": "二保焊"}, headers=headers).json()["items"][0]["name"] == "二氧化碳保护焊"
    enriched = client.post("/v1/enrich", json={"text": "急招叉车司机，持N1证"}, headers=headers)
    assert enriched.status_code == 200 and enriched.json()["occupations"][0]["code"] == "6-30-05-01"
    assert client.get("/v1/taxonomy/occupations", params={"q": "hg"}).status_code == 401
