"""Event contracts: envelope, encoding, upcasting, and the committed schema documents."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from services.common import events
from services.common.events import (
    EVENT_TYPES,
    UndecodableEvent,
    WorkerUpserted,
    asyncapi_document,
    decode,
    encode,
    json_schemas,
    make_event,
)

pytestmark = pytest.mark.unit
DOCS = Path(__file__).resolve().parents[2] / "docs"
NOW = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


def _worker(**over) -> WorkerUpserted:
    base = dict(id="w-1", version=3, created_at=NOW, updated_at=NOW, matchable=True, name="王建国", region="150602",
                skill_level="technician", consent={"matching": True, "share_contact": False})
    return WorkerUpserted(**{**base, **over})


def test_every_topic_of_the_design_has_its_types():
    by_topic = {}
    for t in EVENT_TYPES.values():
        by_topic.setdefault(t.topic, set()).add(t.type)
    assert by_topic == {
        "talentflow.workers": {"worker.upserted", "worker.erased"},
        "talentflow.postings": {"posting.upserted", "posting.closed"},
        "talentflow.engagements": {"application.submitted", "application.updated", "invitation.sent", "invitation.answered"},
        "talentflow.matches": {"match.found"},
        "talentflow.market": {"market.report_published"},
        "talentflow.courses": {"course.upserted", "course.closed"},
        "talentflow.imports": {"import.completed"},  # added beside DESIGN §4's topics (docs/profiles.md)
    }


def test_encode_uses_entity_id_as_key_and_carries_id_and_traceparent_in_headers():
    event = make_event("worker.upserted", _worker(), subject="w-1", source="/profiles", entityversion=3)
    msg = encode(event)
    assert (msg.topic, msg.key) == ("talentflow.workers", "w-1")
    assert msg.headers["ce_id"] == event.id.encode()
    assert msg.headers["traceparent"].decode().startswith("00-")
    envelope = json.loads(msg.value)
    assert envelope["specversion"] == "1.0" and envelope["entityversion"] == 3
    assert envelope["dataschema"] == "urn:talentflow:events:worker.upserted:v3"


def test_decode_round_trips_and_validates_against_the_published_schema():
    event = make_event("worker.upserted", _worker(), subject="w-1", source="/profiles", entityversion=3)
    raw = encode(event).value
    back = decode(raw)
    assert back.id == event.id and back.parsed() == _worker()
    jsonschema.validate(json.loads(raw), json_schemas()["worker.upserted"])


def test_a_version_1_worker_event_is_upcast_with_matchable_derived():
    v1 = {"id": "w-2", "version": 1, "created_at": NOW.isoformat(), "updated_at": NOW.isoformat(),
          "name": "李", "region": "440305", "status": "paused", "consent": {"matching": True}}
    envelope = {"specversion": "1.0", "id": "e1", "source": "/profiles", "type": "worker.upserted", "subject": "w-2",
                "time": NOW.isoformat(), "entityversion": 1, "dataschema": "urn:talentflow:events:worker.upserted:v1", "data": v1}
    parsed = decode(json.dumps(envelope).encode()).parsed()
    assert parsed.matchable is False  # paused → not matchable, whatever the consent


def test_a_version_2_worker_event_is_upcast_to_the_lean_version_3():
    v2 = {"id": "w-2", "version": 4, "created_at": NOW.isoformat(), "updated_at": NOW.isoformat(), "matchable": True,
          "name": "王建国", "region": "150602", "location": {"lat": 39.834567, "lon": 109.987654}}
    envelope = {"specversion": "1.0", "id": "e2", "source": "/profiles", "type": "worker.upserted", "subject": "w-2",
                "time": NOW.isoformat(), "entityversion": 4, "dataschema": "urn:talentflow:events:worker.upserted:v2", "data": v2}
    parsed = decode(json.dumps(envelope).encode()).parsed()
    assert parsed.name == "王**"  # as search hits show it
    assert (parsed.location.lat, parsed.location.lon) == (39.83, 109.99)  # about 1 km


def test_a_version_1_posting_closed_is_upcast_without_a_snapshot_and_v2_carries_the_posting():
    v1 = {"id": "p-1", "org_id": "o-1", "status": "filled", "reason": "filled", "closed_at": NOW.isoformat()}
    envelope = {"specversion": "1.0", "id": "e3", "source": "/jobs", "type": "posting.closed", "subject": "p-1",
                "time": NOW.isoformat(), "entityversion": 2, "dataschema": "urn:talentflow:events:posting.closed:v1",
                "data": v1}
    parsed = decode(json.dumps(envelope).encode()).parsed()
    assert (parsed.status.value, parsed.posting) == ("filled", None)

    state = events.PostingUpserted(id="p-1", org_id="o-1", version=2, created_at=NOW, updated_at=NOW, title="焊工",
                                   kind="full_time", region="150602", status="filled")
    closed = events.PostingClosed(id="p-1", org_id="o-1", status="filled", reason="filled", closed_at=NOW,
                                  posting=state)
    raw = encode(make_event("posting.closed", closed, subject="p-1", source="/jobs", entityversion=2)).value
    assert json.loads(raw)["dataschema"] == "urn:talentflow:events:posting.closed:v2"
    jsonschema.validate(json.loads(raw), json_schemas()["posting.closed"])
    assert decode(raw).parsed().posting == state


def test_version_3_worker_data_is_lean_whoever_builds_it():
    worker = _worker(name="欧阳娜娜", location={"lat": 22.543096, "lon": 114.057865})
    assert worker.name == "欧***" and (worker.location.lat, worker.location.lon) == (22.54, 114.06)
    again = WorkerUpserted.model_validate(worker.model_dump(mode="json"))  # idempotent: a v3 event read back
    assert again == worker
    data = make_event("worker.upserted", worker, subject="w-1", source="/profiles", entityversion=3).data
    assert "欧阳娜娜" not in json.dumps(data, ensure_ascii=False) and "22.543096" not in json.dumps(data)


def test_make_event_refuses_data_of_another_type():
    with pytest.raises(TypeError):
        make_event("worker.erased", _worker(), subject="w-1", source="/profiles", entityversion=1)


@pytest.mark.parametrize("raw", [b"not json", b'{"specversion": "1.0"}', json.dumps({
    "specversion": "1.0", "id": "x", "source": "s", "type": "nobody.knows", "subject": "s", "entityversion": 1, "data": {}}).encode()])
def test_undecodable_messages_raise_a_dedicated_error(raw):
    with pytest.raises(UndecodableEvent):
        decode(raw)


def test_personal_contact_data_has_no_place_in_worker_events():
    props = json_schemas()["worker.upserted"]["properties"]["data"]["properties"]
    assert "contact" not in props and "phone" not in json.dumps(props)


def test_committed_schema_documents_match_the_models():
    """Drift check: regenerate with `make schemas` (talentflow schemas --out docs) and commit."""
    for name, schema in json_schemas().items():
        committed = json.loads((DOCS / "events" / f"{name}.schema.json").read_text())
        assert committed == json.loads(json.dumps(schema)), f"docs/events/{name}.schema.json is stale"
    assert json.loads((DOCS / "asyncapi.json").read_text()) == json.loads(json.dumps(asyncapi_document()))


def test_asyncapi_names_every_topic_as_a_channel():
    doc = asyncapi_document()
    assert {c["address"] for c in doc["channels"].values()} == set(events.TOPICS)
