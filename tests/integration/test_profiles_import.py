"""Bulk import through HTTP on SQLite and PostgreSQL: streamed upload, per-row results, batches, limits."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.common.uow import domain_error
from services.profiles import store
from services.profiles.app import Settings, create_app
from tests.integration.test_profiles_helpers import ProfilesEnv, jsonl, sample_worker
from tests.support import auth, random_id, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration

AGENCY = auth("agency", "staff-1", org="org-a")
NDJSON = {"Content-Type": "application/x-ndjson"}
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def small(store_backend) -> Iterator[ProfilesEnv]:
    """The app with small import limits and batches of 4, so a few rows cross batch boundaries."""
    settings = Settings(**settings_kwargs(store_backend), import_batch_size=4, import_max_rows=30,
                        import_max_row_bytes=4096, import_max_bytes=200_000)
    app = create_app(settings, runtime=runtime_for("profiles", settings, store_backend))
    with TestClient(app) as client:
        yield ProfilesEnv(app, client, store_backend.name)


def upload(env: ProfilesEnv, body: bytes, headers=AGENCY, content_type=NDJSON):
    return env.client.post("/v1/workers/import", content=body, headers={**headers, **content_type})


def run(env: ProfilesEnv, body: bytes, headers=AGENCY, content_type=NDJSON, **params) -> dict:
    response = upload(env, body, headers, content_type)
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/v1/workers/import/{response.json()['id']}"
    job = env.wait_for_job(response.headers["location"], headers, **params)
    assert job["status"] == "done", job
    return job


def test_jsonl_with_good_and_bad_rows(small: ProfilesEnv):
    cert = dict(sample_worker()["certificates"][0], verified=True)  # the managing agency may verify
    rows = [
        sample_worker(name="甲"),
        "{not json",
        sample_worker(name="乙", certificates=[cert]),
        "",  # blank lines are not rows
        [1, 2],
        sample_worker(name="丙", skills=[{"name": "焊", "proficiency": 9}]),
        sample_worker(name="丁", agency_id="org-b"),
        sample_worker(name="戊", nickname="x"),
        {"name": "己", "region": "110101"},
        sample_worker(name="庚", contact={"phone": "13900000000", "email": None}),
        sample_worker(name="辛", region="990101"),
        {"name": "x" * 5000, "region": "110101"},  # over the 4 KiB row limit
        sample_worker(name="壬", agency_id="org-a"),
    ]
    job = run(small, jsonl(*rows), limit=100)
    assert (job["total"], job["processed"], job["ok"], job["failed"]) == (12, 12, 5, 7)
    outcomes = {r["row"]: r for r in job["results"]["items"]}
    assert [outcomes[n]["outcome"] for n in range(1, 13)] == [
        "created", "failed", "created", "failed", "failed", "failed", "failed", "created", "created", "failed", "failed", "created"]
    assert outcomes[2]["errors"][0]["field"] == "row"
    assert outcomes[4]["errors"][0]["message"] == "each line must be a JSON object"
    assert outcomes[5]["errors"][0]["field"] == "skills.0.proficiency"
    assert outcomes[6]["errors"][0]["field"] == "agency_id"
    assert outcomes[7]["errors"][0]["field"] == "nickname"
    assert outcomes[10]["errors"][0]["field"] == "region"
    assert outcomes[11]["errors"][0]["message"].startswith("longer than 4096 bytes")
    # nothing personal is echoed in the results
    assert "13900000000" not in json.dumps(job, ensure_ascii=False)

    created = [r["worker_id"] for r in job["results"]["items"] if r["outcome"] == "created"]
    listed = small.client.get("/v1/workers", headers=AGENCY, params={"limit": 50}).json()["items"]
    assert sorted(w["id"] for w in listed) == sorted(created)
    assert {w["agency_id"] for w in listed} == {"org-a"}
    assert next(w for w in listed if w["name"] == "乙")["certificates"][0]["verified"] is True
    # one event per created worker, nothing for a failed row, and no half-written record
    events = [e for e in small.events() if e.type != "import.completed"]  # the job's end is announced too
    assert sorted(e.subject for e in events) == sorted(created)
    assert {(e.type, e.entityversion) for e in events} == {("worker.upserted", 1)}
    assert small.count(store.workers) == 5
    with small.engine.connect() as conn:
        orphans = conn.execute(sa.select(sa.func.count()).select_from(store.worker_occupations)
                               .where(store.worker_occupations.c.worker_id.not_in(created))).scalar_one()
    assert orphans == 0


def test_csv_layout_with_json_columns_quotes_and_bom(small: ProfilesEnv):
    header = "name,phone,email,region,lat,lon,skill_level,experience_years,consent_matching,occupations,skills,open_regions"
    skills = json.dumps([{"name": "氩弧焊", "proficiency": 5, "years": 12}], ensure_ascii=False).replace('"', '""')
    occupations = json.dumps([{"code": "6-18-02-04", "name": "焊工"}], ensure_ascii=False).replace('"', '""')
    lines = [
        "\ufeff" + header,
        f'王建国,13800000001,wjg@example.com,150602,39.8,109.9,technician,15,true,"{occupations}","{skills}","[""1506""]"',
        '"李\n四",,,110101,,,senior,3,no,,,',  # a quoted field spanning two lines is one row
        "张三,,,110101,,,senior,three,maybe,,,",
        "赵六,,,110101,,,senior,3,1,[oops,,",
        "钱七,,,110101",
    ]
    job = run(small, ("\r\n".join(lines) + "\r\n").encode(), content_type=CSV)
    assert (job["total"], job["ok"], job["failed"]) == (5, 2, 3)
    results = {r["row"]: r for r in job["results"]["items"]}
    assert {e["field"] for e in results[3]["errors"]} == {"experience_years", "consent.matching"}
    assert results[4]["errors"][0]["field"] == "occupations"
    assert results[5]["errors"][0]["message"] == "has 4 cells, the header has 12 columns"

    first = small.client.get(f"/v1/workers/{results[1]['worker_id']}", headers=AGENCY).json()
    assert first["contact"] == {"phone": "13800000001", "email": "wjg@example.com"}
    assert first["location"] == {"lat": 39.8, "lon": 109.9}
    assert first["skills"] == [{"name": "氩弧焊", "proficiency": 5, "years": 12}]
    assert first["consent"]["matching"] is True and first["open_regions"] == ["1506"]
    second = small.client.get(f"/v1/workers/{results[2]['worker_id']}", headers=AGENCY).json()
    assert second["name"] == "李\n四"


def test_csv_in_gbk(small: ProfilesEnv):
    body = "name,region\n王建国,150602\n".encode("gbk")
    job = run(small, body, content_type={"Content-Type": "text/csv; charset=GBK"})
    assert job["ok"] == 1
    worker_id = job["results"]["items"][0]["worker_id"]
    assert small.client.get(f"/v1/workers/{worker_id}", headers=AGENCY).json()["name"] == "王建国"


def test_rows_with_an_id_update_workers_the_agency_manages(small: ProfilesEnv):
    mine = small.create_as_agency("org-a")
    theirs = small.create_as_agency("org-b")
    rows = [
        {**sample_worker(experience_years=30), "id": mine["id"]},
        {**sample_worker(), "id": theirs["id"]},
        {**sample_worker(), "id": "w_nobody"},
        {**sample_worker(experience_years=31), "id": mine["id"]},
    ]
    job = run(small, jsonl(*rows))
    outcomes = [r["outcome"] for r in job["results"]["items"]]
    assert outcomes == ["updated", "failed", "failed", "failed"]
    assert job["results"]["items"][1]["errors"] == job["results"]["items"][2]["errors"]  # no hint who owns it
    assert job["results"]["items"][3]["errors"][0]["field"] == "id"
    updated = small.client.get(f"/v1/workers/{mine['id']}", headers=AGENCY).json()
    assert (updated["version"], updated["experience_years"], updated["agency_id"]) == (2, 30, "org-a")
    assert [e.entityversion for e in small.events(mine["id"])] == [1, 2]
    assert [e.entityversion for e in small.events(theirs["id"])] == [1]


def test_results_page_and_filter(small: ProfilesEnv):
    rows = [sample_worker(name=f"w{i}") if i % 3 else "oops" for i in range(10)]
    job = run(small, jsonl(*rows))
    location = f"/v1/workers/import/{job['id']}"
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = small.client.get(location, headers=AGENCY, params=params).json()["results"]
        seen += [r["row"] for r in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(range(1, 11))
    failed = small.client.get(location, headers=AGENCY, params={"outcome": "failed"}).json()["results"]["items"]
    assert [r["row"] for r in failed] == [1, 4, 7, 10]


def test_a_row_the_store_refuses_fails_alone(small: ProfilesEnv, monkeypatch):
    real_insert = store.ProfilesStore.insert_workers

    def refuse_one(self, states, codes):
        if any(s.document["name"] == "坏" for s in states):  # as the store says a driver's refusal
            raise domain_error(sa.exc.IntegrityError("INSERT", {}, Exception("refused")))
        return real_insert(self, states, codes)

    monkeypatch.setattr(store.ProfilesStore, "insert_workers", refuse_one)
    job = run(small, jsonl(*[sample_worker(name=n) for n in ("甲", "乙", "坏", "丁", "戊")]))
    assert (job["ok"], job["failed"]) == (4, 1)
    assert job["results"]["items"][2] == {"row": 3, "outcome": "failed", "worker_id": None, "worker_token_url": None,
                                          "errors": [{"field": "row", "message": "the store refused this row"}]}
    assert small.count(store.workers) == 4
    assert [e.type for e in small.events()] == ["worker.upserted"] * 4 + ["import.completed"]


def test_upload_limits_and_formats(small: ProfilesEnv):
    too_many = upload(small, jsonl(*[{"name": "x", "region": "110101"}] * 31))
    assert too_many.status_code == 413
    assert too_many.json()["errors"][0]["field"] == "body"
    too_big = upload(small, b'{"name": "x", "region": "110101"}\n' + b" " * 200_001)
    assert too_big.status_code == 413
    wrong_type = upload(small, b"<xml/>", content_type={"Content-Type": "application/xml"})
    assert wrong_type.status_code == 415
    assert wrong_type.json()["errors"][0]["field"] == "header.Content-Type"
    bad_charset = upload(small, b"name,region\n", content_type={"Content-Type": "text/csv; charset=latin-9"})
    assert bad_charset.status_code == 415
    unknown_column = upload(small, b"name,region,shoe_size\n", content_type=CSV)
    assert unknown_column.status_code == 422
    assert unknown_column.json()["errors"][0]["field"] == "csv.header.shoe_size"
    missing_column = upload(small, b"name\n", content_type=CSV)
    assert missing_column.json()["errors"][0]["field"] == "csv.header.region"
    empty = upload(small, b"\n\n")
    assert empty.status_code == 422
    with small.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.import_jobs)).scalar_one() == 0
    assert list(small.app.state.importer.folder.glob("*.upload")) == []  # refused uploads leave no file


@pytest.mark.parametrize(
    ("headers", "expected"),
    [(auth("worker", "w-1"), 403), (auth("employer", "e", org="org-e"), 403), (auth("service", "jobs"), 403),
     (auth("agency", "s"), 403)],
)
def test_who_may_import(small: ProfilesEnv, headers, expected):
    assert upload(small, jsonl(sample_worker()), headers=headers).status_code == expected


def test_jobs_belong_to_their_org(small: ProfilesEnv):
    job = run(small, jsonl(sample_worker()))
    location = f"/v1/workers/import/{job['id']}"
    assert small.client.get(location, headers=auth("agency", "staff-2", org="org-a")).status_code == 200
    assert small.client.get(location, headers=auth("agency", "staff-3", org="org-b")).status_code == 404
    assert small.client.get(location, headers=auth("admin", "root")).status_code == 200
    assert small.client.get(location, headers=auth("worker", "w-1")).status_code == 403
    assert small.client.get("/v1/workers/import/imp_nothing", headers=AGENCY).status_code == 404


def test_admin_import_keeps_the_agency_of_each_row(small: ProfilesEnv):
    job = run(small, jsonl(sample_worker(agency_id="org-q"), sample_worker()), headers=auth("admin", "root"))
    ids = [r["worker_id"] for r in job["results"]["items"]]
    agencies = [small.client.get(f"/v1/workers/{i}", headers=auth("admin", "root")).json()["agency_id"] for i in ids]
    assert agencies == ["org-q", None]


def test_a_job_left_running_by_a_dead_process_is_marked_interrupted(small: ProfilesEnv):
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    job_id = random_id("imp")
    with small.engine.begin() as conn:
        store.ProfilesStore(conn).create_import_job(store.ImportJob(
            id=job_id, owner_role="agency", owner_id="org-a", format="jsonl", charset="utf-8", status="running",
            total=10, processed=4, ok=4, failed=0, detail=None, created_at=long_ago, updated_at=long_ago, finished_at=None))
    small.app.state.importer.start()
    job = small.client.get(f"/v1/workers/import/{job_id}", headers=AGENCY).json()
    assert job["status"] == "interrupted"
    assert job["finished_at"] is not None


def test_a_full_import_queue_answers_429(small: ProfilesEnv):
    importer = small.app.state.importer
    for _ in range(importer.limits.max_queued):
        importer.reserve()
    try:
        response = upload(small, jsonl(sample_worker()))
        assert response.status_code == 429
        assert response.headers["retry-after"] == "30"
    finally:
        for _ in range(importer.limits.max_queued):
            importer.release()
    assert upload(small, jsonl(sample_worker())).status_code == 202
