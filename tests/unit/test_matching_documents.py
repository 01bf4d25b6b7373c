"""Events → index documents: the fields the filters need, and a source with no personal data."""

from __future__ import annotations

import json

import pytest

from services.matching.documents import (
    closed_posting_doc,
    doc_from_source,
    posting_doc,
    posting_summary,
    worker_doc,
    worker_summary,
)
from services.matching.index import FIELDS, Kind
from tests.fakes_search import posting_closed, posting_data, posting_upserted, worker_data, worker_upserted

pytestmark = pytest.mark.unit


def doc_of_worker(**overrides):
    return worker_doc(worker_upserted(worker_data(**overrides)).parsed())


def test_worker_fields_are_exactly_the_declared_ones_with_folded_skills_and_ancestors():
    doc = doc_of_worker(skills=[{"name": "TIG焊", "proficiency": 5, "years": 3}])
    assert set(doc.fields) <= set(FIELDS[Kind.workers])
    assert doc.fields["matchable"] is True
    assert doc.fields["level"] == 4  # technician
    # the skill, one its patent's title names (inferred: one structured skill is few), then the
    # trade its occupation and certificate hold
    assert doc.fields["skills"] == ["氩弧焊", "管道焊接", "焊工"]
    assert [s["name"] for s in doc.source["inferred"]["skills"]] == ["管道焊接"]
    assert doc.fields["occupations"] == ["6-18-02-04", "6-18-02", "6-18", "6"]
    assert (doc.fields["region"], doc.fields["city"], doc.fields["province"]) == ("150602", "1506", "15")
    assert doc.fields["wage_month"] == pytest.approx(300 * 21.75)
    assert "TIG焊" in doc.fields["text"] and "氩弧焊" in doc.fields["text"] and "全国职业院校技能大赛" in doc.fields["text"]


def test_no_personal_data_in_the_source_or_the_fields():
    doc = doc_of_worker()
    stored = json.dumps({"fields": doc.fields, "source": doc.source}, ensure_ascii=False)
    assert "王建国" not in stored  # the name is stored masked
    assert "1915000000123" not in stored  # certificate numbers too
    assert doc.source["name"] == "王**"
    assert "location" not in doc.source and "contact" not in doc.source and "consent" not in doc.source


def test_the_hit_summary_masks_again_and_shows_no_agency():
    doc = doc_of_worker(agency_id="agency-1")
    summary = worker_summary({**doc.source, "name": "李四光", "certificates": [
        {"occupation": "焊工", "level": "senior", "number": "1234567890", "verified": True}]})
    assert summary["name"] == "李**"
    assert summary["certificates"][0]["number"] == "12******90"
    assert "agency_id" not in summary and "contact" not in summary


@pytest.mark.parametrize(
    ("overrides", "matchable"),
    [
        ({}, True),
        ({"consent": {"matching": False, "share_contact": False}}, False),
        ({"status": "paused"}, False),
        ({"matchable": False}, False),
    ],
)
def test_only_consenting_active_workers_are_matchable(overrides, matchable):
    assert doc_of_worker(**overrides).fields["matchable"] is matchable


def test_a_profile_without_availability_counts_as_looking_for_full_time():
    assert doc_of_worker(availability=None).fields["modes"] == ["full_time"]


def test_a_free_text_trade_is_indexed_under_its_classified_code():
    doc = doc_of_worker(occupations=[{"code": None, "name": "电焊工"}])
    assert doc.fields["occupations"][0] == "6-18-02-04"


def test_posting_fields_and_deadline():
    doc = posting_doc(posting_upserted(posting_data(min_skill_level=None)).parsed())
    assert set(doc.fields) <= set(FIELDS[Kind.postings])
    assert doc.fields["status"] == "open" and doc.fields["org_id"] == "org-coal"
    assert doc.fields["min_level"] == 0
    assert doc.fields["required_skills"] == ["氩弧焊"]
    assert doc.fields["skills"] == ["氩弧焊", "压力容器焊接"]
    assert doc.fields["deadline"] > 0
    assert doc.fields["wage_month"] == pytest.approx(600 * 21.75)


def test_a_closing_keeps_the_posting_with_its_new_status_and_version():
    data = posting_data()
    doc = posting_doc(posting_upserted(data).parsed())
    closed = closed_posting_doc(doc, posting_closed(data["id"], 2).parsed(), 2)
    assert closed.version == 2
    assert closed.fields["status"] == "filled" and closed.source["status"] == "filled"
    assert closed.source["title"] == data["title"]


def test_documents_rebuild_from_their_stored_source():
    for doc, kind in ((doc_of_worker(), Kind.workers), (posting_doc(posting_upserted(posting_data()).parsed()), Kind.postings)):
        rebuilt = doc_from_source(kind, doc.id, doc.version, doc.source)
        assert rebuilt.fields == doc.fields


def test_posting_summary_trims_the_description():
    doc = posting_doc(posting_upserted(posting_data(description="很长" * 500)).parsed())
    assert len(posting_summary(doc.source)["description"]) == 300


# --- the fast reader of worker.upserted: the models' output, or a decline ------------------------

import copy  # noqa: E402
import datetime as dt  # noqa: E402

from pydantic import TypeAdapter, ValidationError  # noqa: E402

from bench.datagen import iter_workers  # noqa: E402
from services.common.contracts import mask_name  # noqa: E402
from services.common.events import UndecodableEvent, WorkerUpserted, decode  # noqa: E402
from services.matching import handlers  # noqa: E402
from services.matching.documents import Declined, read_datetime, read_worker_upserted, worker_doc_of  # noqa: E402
from tests.fakes_search import as_record  # noqa: E402
from tests.unit.test_matching_ranking_quality import LABELS, expand_worker  # noqa: E402


def _models(data):
    return WorkerUpserted.model_validate(data).model_dump(mode="json")


def _corpus() -> list[dict]:
    out = [worker_data(), worker_data(availability=None, wage_expectation=None, agency_id="agency-1"),
           worker_data(location={"lat": 39.8, "lon": 110.0}, occupations=[{"name": "电焊工"}], certificates=[],
                       awards=[{"name": "省赛", "tier": "provincial", "year": 2020}], experience_years=7.5,
                       skills=[{"name": "TIG焊", "proficiency": 3}], status="paused", consent={"matching": True})]
    out += [expand_worker(w) for w in LABELS["workers"]]
    for i, w in enumerate(iter_workers(200, seed=11)):
        data = {k: v for k, v in w.items() if k != "contact"}
        data.update(id=f"bw-{i}", version=1, created_at="2026-11-20T08:00:00+00:00",
                    updated_at="2026-11-20T08:00:00.250+08:00", matchable=True)
        out.append(data)
    # as the outbox writes them: None values left out (encode uses exclude_none)
    out.append({k: v for k, v in worker_data(availability=None, agency_id=None).items() if v is not None})
    # version 2 producers sent the full name and the exact spot; v3 masks and rounds them (and any
    # name or spot the reader is given comes out as the model gives it)
    out += [worker_data(name=name, location=location) for name, location in (
        ("王", {"lat": 39.904689, "lon": 116.407173}), ("欧阳", {"lat": -33.868820, "lon": 151.209296}),
        ("王**", {"lat": 40, "lon": -73.985}), ("Zhang Wei", {"lat": 0.005, "lon": -0.005}),
        ("王建国", {"lat": 89.999, "lon": -179.999}))]
    return out


def test_the_fast_reader_gives_exactly_what_the_models_give():
    for data in _corpus():
        assert read_worker_upserted(copy.deepcopy(data)) == _models(data)
        assert worker_doc_of(read_worker_upserted(copy.deepcopy(data))) == worker_doc(WorkerUpserted.model_validate(data))


def _set(path: tuple, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


MUTATIONS = [
    _set(("name",), ""), _set(("name",), " 王建国"), _set(("name",), "王\x00"), _set(("name",), "王" * 101),
    _set(("name",), None), _set(("name",), KeyError), _set(("name",), 5),
    _set(("region",), "990101"), _set(("region",), "15060"), _set(("region",), 150602), _set(("region",), "１５０６０２"),
    _set(("region",), KeyError), _set(("id",), KeyError), _set(("id",), 7), _set(("id",), " w-1"),
    _set(("version",), "3"), _set(("version",), 3.0), _set(("version",), True), _set(("matchable",), "true"),
    _set(("matchable",), 1), _set(("created_at",), "yesterday"), _set(("updated_at",), 1700000000),
    _set(("updated_at",), "2026-11-20"), _set(("updated_at",), "2026-11-20 08:00:00+08:00"),
    _set(("occupations",), None), _set(("occupations", 0, "code"), "9-99-99-99"), _set(("occupations", 0, "code"), None),
    _set(("occupations", 0, "extra"), 1), _set(("occupations",), [{"code": "6-18-02-04", "name": "焊工"}] * 11),
    _set(("skill_level",), "grandmaster"), _set(("skill_level",), None), _set(("skill_level",), KeyError),
    _set(("skills", 0, "proficiency"), 6), _set(("skills", 0, "proficiency"), 4.0), _set(("skills", 0, "proficiency"), True),
    _set(("skills", 0, "years"), -1), _set(("skills", 0, "years"), None), _set(("skills", 0, "years"), KeyError),
    _set(("skills", 0, "years"), 2.5), _set(("skills", 0, "years"), float("nan")), _set(("skills", 0, "level"), 1),
    _set(("skills", 0), "氩弧焊"), _set(("skills",), {"name": "x"}),
    _set(("certificates", 0, "level"), "master"), _set(("certificates", 0, "number"), ""),
    _set(("certificates", 0, "number"), "1" * 41), _set(("certificates", 0, "issuer"), None),
    _set(("certificates", 0, "issued_on"), "2019-6-1"), _set(("certificates", 0, "issued_on"), "2019-02-30"),
    _set(("certificates", 0, "issued_on"), KeyError), _set(("certificates", 0, "verified"), "yes"),
    _set(("certificates", 0, "verified"), KeyError),
    _set(("awards", 0, "tier"), "world"), _set(("awards", 0, "rank"), 0), _set(("awards", 0, "rank"), None),
    _set(("awards", 0, "rank"), KeyError), _set(("awards", 0, "year"), 1900), _set(("awards", 0, "name"), "x" * 201),
    _set(("achievements", 0, "kind"), "poem"), _set(("achievements", 0, "title"), ""), _set(("achievements", 0, "year"), 2101),
    _set(("experience_years",), 71), _set(("experience_years",), "15"), _set(("experience_years",), None),
    _set(("experience_years",), KeyError), _set(("experience_years",), 12.5),
    _set(("availability", "modes"), []), _set(("availability", "modes"), ["project", "project"]),
    _set(("availability", "modes"), ["sometimes"]), _set(("availability", "hours_per_week"), 85),
    _set(("availability", "hours_per_week"), None), _set(("availability", "available_from"), "2026-13-01"),
    _set(("availability", "available_from"), "2026-12-01"), _set(("availability",), None), _set(("availability", "x"), 1),
    _set(("wage_expectation", "max"), 100), _set(("wage_expectation", "unit"), "week"),
    _set(("wage_expectation", "min"), -1), _set(("wage_expectation", "min"), "300"), _set(("wage_expectation",), None),
    _set(("open_regions",), ["99"]), _set(("open_regions",), ["150"]), _set(("open_regions",), ["15", "1506", "150602"]),
    _set(("open_regions",), None), _set(("open_regions",), ["15"] * 51),
    _set(("consent",), None), _set(("consent", "matching"), "yes"), _set(("consent", "extra"), True), _set(("consent",), {}),
    _set(("agency_id",), "agency one"), _set(("agency_id",), "a" * 65), _set(("agency_id",), "agency-1"),
    _set(("status",), "deleted"), _set(("status",), None), _set(("location",), {"lat": 91, "lon": 0}),
    _set(("location",), {"lat": 1}), _set(("location",), {"lat": 1, "lon": 2, "alt": 3}), _set(("location",), None),
    _set(("contact",), {"phone": "13800000000"}),  # ignored by the model, never stored
    _set(("unknown_new_field",), [1, 2]),
]


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_the_fast_reader_declines_whatever_it_does_not_vouch_for(mutate):
    data = worker_data()
    mutate(data)
    try:
        expected = _models(copy.deepcopy(data))
    except ValidationError:
        with pytest.raises(Declined):
            read_worker_upserted(copy.deepcopy(data))
        return
    try:
        assert read_worker_upserted(copy.deepcopy(data)) == expected
    except Declined:
        pass  # the models will read it: allowed, only slower


@pytest.mark.parametrize("moment", [
    "2026-11-20T08:00:00+00:00", "2026-11-20T08:00:00Z", "2026-11-20T08:00:00-00:00", "2026-11-20T08:00:00.5+08:00",
    "2026-11-20T08:00:00.123456+00:00", "2026-11-20T08:00:00.000000+00:00", "2026-11-20T08:00:00.120000-05:30",
    "2026-11-20T08:00:00", "2026-11-20 08:00:00Z", "2026-11-20T08:00Z", "20261120T080000Z", "2026-11-20T25:00:00Z",
    "2026-02-30T08:00:00Z", "2026-11-20T08:00:00+24:00", "not a time",
])
def test_datetimes_read_as_the_models_dump_them(moment):
    adapter = TypeAdapter(dt.datetime)
    try:
        expected = adapter.dump_python(adapter.validate_python(moment), mode="json")
    except ValidationError:
        with pytest.raises(Declined):
            read_datetime(moment)
        return
    assert read_datetime(moment) == expected


def test_version_3_data_is_lean_whichever_reader_reads_it():
    for data in _corpus():
        fast = read_worker_upserted(copy.deepcopy(data))
        assert fast["name"] == mask_name(data["name"]) and "*" in fast["name"]
        if data.get("location"):
            assert all(round(fast["location"][k], 2) == fast["location"][k] for k in ("lat", "lon"))
            assert all(abs(fast["location"][k] - data["location"][k]) <= 0.005 + 1e-9 for k in ("lat", "lon"))


def test_v2_records_are_upcast_and_read_fast_to_the_same_lean_change():
    data = worker_data(name="王建国", location={"lat": 39.904689, "lon": 116.407173})
    event = worker_upserted(data)
    event.dataschema = "urn:talentflow:events:worker.upserted:v2"
    event.data.update(name="王建国", location={"lat": 39.904689, "lon": 116.407173})  # what a v2 producer sent
    parsed = decode(as_record(event)).parsed()
    assert (parsed.name, parsed.location.lat, parsed.location.lon) == ("王**", 39.9, 116.41)
    fast, slow = handlers.change_of_record(as_record(event)), handlers.change_of(decode(as_record(event)))
    assert fast.doc == slow.doc and fast.doc.source["name"] == "王**"


def test_records_read_fast_make_the_same_changes_as_decoded_events():
    for data in _corpus()[:20]:
        record = as_record(worker_upserted(data))
        fast, slow = handlers.change_of_record(record), handlers.change_of(decode(record))
        assert (fast.kind, fast.id, fast.version, fast.action, fast.doc) == (slow.kind, slow.id, slow.version, slow.action, slow.doc)


def test_records_the_fast_reader_declines_fail_as_decoding_them_fails():
    event = worker_upserted(worker_data())
    event.data["skill_level"] = "grandmaster"
    with pytest.raises(ValidationError):
        handlers.change_of_record(as_record(event))
    record = as_record(worker_upserted(worker_data()))
    for value in (b"not json", b'{"type": "worker.upserted"}', b"[1, 2]", record.value.replace(b'"entityversion":1', b'"entityversion":NaN')):
        with pytest.raises((UndecodableEvent, ValidationError)):
            handlers.change_of_record(dataclasses_replace(record, value))


def dataclasses_replace(record, value: bytes):
    import dataclasses

    return dataclasses.replace(record, value=value)


def test_an_older_schema_version_is_upcast_by_the_models():
    event = worker_upserted(worker_data())
    event.dataschema = event.dataschema.replace(":v3", ":v1")
    assert event.dataschema.endswith(":v1")
    del event.data["matchable"]
    change = handlers.change_of_record(as_record(event))
    assert change.doc.fields["matchable"] is True
