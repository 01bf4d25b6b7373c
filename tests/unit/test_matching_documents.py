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
from services.matching.search import FIELDS, Kind
from tests.fakes_search import posting_closed, posting_data, posting_upserted, worker_data, worker_upserted

pytestmark = pytest.mark.unit


def doc_of_worker(**overrides):
    return worker_doc(worker_upserted(worker_data(**overrides)).parsed())


def test_worker_fields_are_exactly_the_declared_ones_with_folded_skills_and_ancestors():
    doc = doc_of_worker(skills=[{"name": "TIG焊", "proficiency": 5, "years": 3}])
    assert set(doc.fields) <= set(FIELDS[Kind.workers])
    assert doc.fields["matchable"] is True
    assert doc.fields["level"] == 4  # technician
    assert doc.fields["skills"] == ["氩弧焊"]
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
