"""Courses in matching through HTTP and the event log: `talentflow.courses` → the `matching-courses`
consumer → the tantivy index → `POST /v1/search/courses` (any token), with closed courses leaving
the results, a malformed course message in the DLQ, bad input as problem+json naming the field, and
explanations in Chinese or English."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from services.common.events import COURSES, dlq, encode
from services.common.ports import OutgoingMessage
from services.matching import handlers
from services.matching.app import Settings, create_app
from services.matching.courses.consumers import COURSES_GROUP
from services.matching.index import Kind
from tests.fakes_courses import TODAY, course_closed, course_data, course_upserted
from tests.fakes_search import new_id, worker_data, worker_upserted
from tests.fixtures.engines import StoreBackend
from tests.support import auth, runtime_for, settings_kwargs

pytestmark = pytest.mark.integration


@pytest.fixture
def matching(tmp_path):
    backend = StoreBackend("sqlite", None, None, tmp_path)
    settings = Settings(**settings_kwargs(backend), index_path=tmp_path / "index")
    runtime = runtime_for("matching", settings, backend)
    app = create_app(settings, runtime=runtime)
    app.state.course_consumer.poll_timeout_s = 0.05  # an empty poll ends a drain
    with TestClient(app) as client:
        yield app, client
    runtime.close()


def publish(app, *events) -> None:
    app.state.runtime.event_log.publish([encode(e) for e in events])


def drain(worker) -> int:
    total = 0
    while n := worker.run_once():
        total += n
    return total


def read_topic(app, topic: str) -> list:
    consumer = app.state.runtime.event_log.consumer(new_id("reader"), [topic], from_beginning=True)
    try:
        records, batch = [], consumer.poll(0.2, 1000)
        while batch:
            records += batch
            batch = consumer.poll(0.05, 1000)
        return records
    finally:
        consumer.close()


def search(client, body, headers=None, **more):
    return client.post("/v1/search/courses", json=body, headers={**(headers or auth("worker", "w-any")), **more})


ONSITE = dict(title="氩弧焊实操提高班", description="钨极氩弧焊打底与盖面，现场实操", skills=[{"name": "TIG焊", "proficiency": 5}],
              mode="onsite", prepares_for_level=None, subsidy_eligible=False)


def test_course_events_reach_search_through_their_consumer_and_a_closing_takes_the_course_out(matching):
    app, client = matching
    remote, onsite = course_data(), course_data(**ONSITE)
    publish(app, course_upserted(remote), course_upserted(onsite))
    assert app.state.course_consumer.group == COURSES_GROUP
    assert drain(app.state.course_consumer) == 2
    found = search(client, {"skills": ["氩弧焊"]}).json()["items"]
    assert [hit["course_id"] for hit in found] == [onsite["id"]]  # TIG焊 is 氩弧焊
    assert {h["course_id"] for h in search(client, {"text": "焊接"}).json()["items"]} >= {remote["id"]}

    publish(app, course_closed(onsite, 2, status="full", reason="full"), course_upserted(onsite))  # an old copy after it
    assert drain(app.state.course_consumer) == 2
    assert search(client, {"skills": ["氩弧焊"]}).json()["items"] == []
    assert app.state.index().get(Kind.courses, onsite["id"]).version == 2
    # The index consumer of workers and postings is another group: it never saw the courses topic.
    assert COURSES not in app.state.index_consumer.topics


def test_a_malformed_course_message_goes_to_the_dlq_and_the_rest_is_indexed(matching):
    app, client = matching
    good = course_data()
    broken = course_upserted(course_data())
    broken.data["mode"] = "by-carrier-pigeon"  # an envelope whose data does not parse
    app.state.runtime.event_log.publish([OutgoingMessage(COURSES, "junk", b"{not a cloud event", {}),
                                         encode(broken), encode(course_upserted(good))])
    consumer = app.state.course_consumer
    consumer.backoff_s = 0.001
    assert drain(consumer) == 3
    assert consumer.dead_lettered == 2
    assert [h["course_id"] for h in search(client, {}).json()["items"]] == [good["id"]]
    dead = read_topic(app, dlq(COURSES))
    assert {r.key for r in dead} == {"junk", broken.subject}


@pytest.fixture
def catalogue(matching):
    app, client = matching
    made = {
        "remote": course_data(),
        "onsite": course_data(**ONSITE),
        "beijing": course_data(title="氩弧焊高级班", skills=[{"name": "氩弧焊", "proficiency": 5}], mode="onsite",
                               region="110101"),
        "later": course_data(title="压力容器焊接春季班", start_on=(TODAY + dt.timedelta(days=150)).isoformat(),
                             end_on=(TODAY + dt.timedelta(days=200)).isoformat(), subsidy_eligible=False),
    }
    me = worker_data(region="150602", open_regions=[])
    handlers.apply_to_index(app.state.index(), [course_upserted(c) for c in made.values()] + [worker_upserted(me)])
    return client, made, me


@pytest.mark.parametrize("who", [("worker", "w-1"), ("employer", "u-1", "org-x"), ("agency", "a-1", "ag-1"),
                                 ("admin", "root"), ("service", "jobs")])
def test_any_token_may_search_courses(catalogue, who):
    client, _, _ = catalogue
    assert search(client, {"region": "15"}, auth(*who)).status_code == 200


def test_without_a_token_it_is_401(catalogue):
    client, _, _ = catalogue
    response = client.post("/v1/search/courses", json={})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


def test_hits_are_ranked_scored_and_explained(catalogue):
    client, made, _ = catalogue
    items = search(client, {"skills": ["压力容器焊接", "氩弧焊"], "region": "1506"}).json()["items"]
    assert [i["course_id"] for i in items] == [made["remote"]["id"], made["onsite"]["id"], made["later"]["id"]]
    for hit in items:
        assert 0 <= hit["score"] <= 1
        assert sum(hit["explanation"]["factors"].values()) == pytest.approx(hit["score"], abs=2e-3)
    first = items[0]["explanation"]
    assert first["matched_skills"] == ["压力容器焊接"] and first["missing_skills"] == ["氩弧焊"]
    assert "远程授课" in first["summary"] and "职业培训补贴" in first["summary"]
    assert items[0]["course"]["title"] == made["remote"]["title"]


def test_reach_remote_for_anyone_in_person_inside_the_region(catalogue):
    client, made, me = catalogue
    found = lambda body, headers=None: {i["course_id"] for i in search(client, body, headers).json()["items"]}  # noqa: E731
    assert found({"region": "11"}) == {made["remote"]["id"], made["beijing"]["id"], made["later"]["id"]}
    assert made["beijing"]["id"] not in found({"region": "150602"})
    # a worker without a region: its own reach (its city; Beijing is not in it)
    assert found({}, auth("worker", me["id"])) == {made["remote"]["id"], made["onsite"]["id"], made["later"]["id"]}
    # an employer without a region: every open course
    assert made["beijing"]["id"] in found({}, auth("employer", "u-1", "org-x"))


def test_filters(catalogue):
    client, made, _ = catalogue
    ids = lambda body: {i["course_id"] for i in search(client, body).json()["items"]}  # noqa: E731
    assert ids({"modes": ["remote"]}) == {made["remote"]["id"], made["later"]["id"]}
    assert ids({"subsidy_eligible": True, "modes": ["remote"]}) == {made["remote"]["id"]}
    assert ids({"starts_after": (TODAY + dt.timedelta(days=100)).isoformat()}) == {made["later"]["id"]}
    assert ids({"level": "technician", "region": "1506"}) == {made["remote"]["id"], made["later"]["id"]}
    assert ids({"occupation": "6-31"}) == set()
    assert ids({"occupation": "焊工", "text": "打底"}) == {made["onsite"]["id"]}


def test_english_explanations_with_accept_language(catalogue):
    client, _, _ = catalogue
    items = search(client, {"skills": ["压力容器焊接"], "modes": ["remote"]}, None, **{"Accept-Language": "en-US,en;q=0.9"}).json()["items"]
    summary = items[0]["explanation"]["summary"]
    assert "closes: 压力容器焊接 (to proficiency 4)" in summary and "remote, open to anyone" in summary
    chinese = search(client, {"skills": ["压力容器焊接"], "modes": ["remote"]}, None, **{"Accept-Language": "zh-CN"}).json()
    assert chinese["items"][0]["explanation"]["summary"].startswith("可补足：压力容器焊接")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"region": "99"}, "body.region"),
        ({"region": "1506x"}, "body.region"),
        ({"modes": ["by-post"]}, "body.modes.0"),
        ({"level": "grandmaster"}, "body.level"),
        ({"limit": 0}, "body.limit"),
        ({"limit": 101}, "body.limit"),
        ({"starts_after": "next week"}, "body.starts_after"),
        ({"subsidy_eligible": "yes"}, "body.subsidy_eligible"),
        ({"occupation": "9-99-99-99"}, "body.occupation"),
        ({"skills": ["焊"] * 21}, "body.skills"),
        ({"text": "焊" * 201}, "body.text"),
        ({"colour": "blue"}, "body.colour"),
    ],
)
def test_bad_input_is_422_naming_the_field(catalogue, body, field):
    client, _, _ = catalogue
    response = search(client, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


def test_replay_rebuilds_the_courses_equal_to_the_live_index(matching, tmp_path):
    from services.matching.index.tantivy import TantivyIndex
    from services.matching.replay import read_log

    app, _ = matching
    kept, closed = course_data(), course_data(title="氩弧焊周末班")
    changed = {**kept, "version": 2, "title": "压力容器焊接（第二期）"}
    publish(app, course_upserted(kept), course_upserted(closed), course_upserted(changed),
            course_closed(closed, 2, reason="withdrawn"))
    drain(app.state.course_consumer)
    live = {h.id: (h.version, h.source) for h in app.state.index().scan(Kind.courses)}
    rebuilt = TantivyIndex(tmp_path / "replayed")
    try:
        read_log(app.state.runtime.event_log, rebuilt, group=new_id("replay"), first_wait_s=1.0, poll_timeout_s=0.05,
                 idle_polls=2)
        rebuilt.refresh()
        replayed = {h.id: (h.version, h.source) for h in rebuilt.scan(Kind.courses)}
    finally:
        rebuilt.close()
    assert replayed == live
    assert replayed[kept["id"]][1]["title"] == "压力容器焊接（第二期）"
    assert replayed[closed["id"]][1]["status"] == "closed"
