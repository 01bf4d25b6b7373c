"""Matching on enriched skills (services/matching/inferred.py): a posting or profile whose structured
skills are few is indexed with the skills its free text names, marked as inferred; retrieval finds
by them, ranking counts them at the `Weights.inferred` discount, explanations name them; negated
mentions add nothing; the threshold is a setting."""

from __future__ import annotations

import datetime as dt

import pytest

from services.matching import handlers, inferred
from services.matching.documents import doc_from_source, posting_doc, worker_doc_of
from services.matching.handlers import Tuning
from services.matching.index import Kind
from services.matching.ranking import Weights
from services.matching.ranking.formula import PostingSide, WorkerFeatures
from services.common.events import PostingUpserted
from tests.fakes_search import FakeSearchIndex, posting_data, posting_upserted, worker_data, worker_upserted

pytestmark = pytest.mark.unit

NOW = dt.datetime.now(dt.UTC)

PROSE = {
    "title": "急招师傅修补锅炉管道",
    "description": "厂里锅炉管道泄漏，需要会电焊补焊的老师傅，有氩弧焊打底经验优先，不要求焊工证，干完结账",
    "occupation": None,
    "skills": [],
    "certificates": [],
    "min_skill_level": None,
}


@pytest.fixture(autouse=True)
def default_enrichment():
    inferred.configure(inferred.Enrichment())
    yield
    inferred.configure(inferred.Enrichment())


def prose_posting(**overrides) -> dict:
    return posting_data(**{**PROSE, **overrides})


def test_a_prose_posting_is_indexed_with_the_skills_and_occupation_its_text_names():
    doc = posting_doc(PostingUpserted.model_validate(prose_posting()))
    added = doc.source["inferred"]
    names = {s["name"] for s in added["skills"]}
    assert "氩弧焊" in names and "焊缝返修" in names  # 补焊 is the vocabulary's 焊缝返修
    assert all(s["confidence"] >= inferred.Enrichment().min_confidence for s in added["skills"])
    assert added["occupation"]["code"] == "6-18-02-04"
    assert {"氩弧焊", "焊缝返修"} <= set(doc.fields["skills"]) and "氩弧焊" in doc.fields["required_skills"]
    assert "6-18-02-04" in doc.fields["occupations"] and "6-18" in doc.fields["occupations"]
    # rebuilt from the stored source alone (a replay, a copy between engines): the same document
    rebuilt = doc_from_source(Kind.postings, doc.id, doc.version, doc.source)
    assert rebuilt.fields == doc.fields


def test_a_negated_certificate_adds_nothing():
    doc = posting_doc(PostingUpserted.model_validate(prose_posting(
        title="仓库招搬运工", description="不要求焊工证，无需电工证，能吃苦")))
    added = doc.source.get("inferred") or {"skills": [], "occupation": None}
    names = {s["canonical"] for s in added["skills"]}
    assert not names & {"焊工", "电工", "熔化焊接与热切割", "低压电工作业"}
    assert (added["occupation"] or {}).get("code") not in ("6-18-02-04", "6-31-01-03")


def test_enough_structured_skills_means_no_enrichment_and_the_threshold_is_a_setting():
    # two structured skills: at the default threshold (fewer than 2) the text is not read
    structured = posting_data(description="承压设备裂纹补焊，需氩弧焊打底")
    assert "inferred" not in posting_doc(PostingUpserted.model_validate(structured)).source
    inferred.configure(inferred.Enrichment(posting_few=3))
    assert "inferred" in posting_doc(PostingUpserted.model_validate(structured)).source
    inferred.configure(inferred.Enrichment(enabled=False))
    assert "inferred" not in posting_doc(PostingUpserted.model_validate(prose_posting())).source


def test_a_profile_with_few_skills_is_enriched_from_its_free_text():
    data = worker_data(skills=[{"name": "看图纸", "proficiency": 4, "years": 6}], occupations=[],
                       achievements=[{"kind": "work_method", "title": "锅炉管道带压补焊操作法", "year": 2024}],
                       awards=[], certificates=[])
    doc = worker_doc_of(data)
    names = {s["canonical"] for s in doc.source["inferred"]["skills"]}
    assert "焊缝返修" in names
    assert "焊缝返修" in doc.fields["skills"]
    assert doc.source["inferred"]["occupation"]["code"] == "6-18-02-04"
    welder = worker_doc_of(worker_data())  # two structured skills: nothing added
    assert "inferred" not in welder.source


def _ranked(index, posting) -> list[dict]:
    source = handlers.indexed_posting(index, posting["id"])
    return handlers.rank_candidates(index, source, Tuning(), NOW, limit=20)


def trade(name: str, code: str, occupation: str, skills: list[tuple[str, int]]) -> dict:
    return worker_data(occupations=[{"code": code, "name": occupation}],
                       skills=[{"name": s, "proficiency": p, "years": 8} for s, p in skills],
                       certificates=[], awards=[], achievements=[], name=name)


def test_a_prose_posting_ranks_welders_first_and_says_what_was_inferred():
    welder = trade("张焊", "6-18-02-04", "焊工", [("氩弧焊", 5), ("手工电弧焊", 4)])
    electrician = trade("李电", "6-31-01-03", "电工", [("低压电工作业", 5), ("电气设备安装", 4)])
    machinist = trade("王车", "6-18-01-01", "车工", [("数控车床操作", 5), ("车削加工", 4)])
    posting = prose_posting()
    index = FakeSearchIndex()
    handlers.apply_to_index(index, [worker_upserted(w) for w in (welder, electrician, machinist)]
                            + [posting_upserted(posting)])
    hits = _ranked(index, posting)
    assert hits and hits[0]["worker_id"] == welder["id"]
    explanation = hits[0]["explanation"]
    assert "氩弧焊" in explanation["inferred_skills"]["posting"]
    assert "由标题和描述推断" in explanation["summary"]
    assert "氩弧焊" in explanation["matched_skills"]
    assert hits[0]["posting"] if "posting" in hits[0] else True
    others = {h["worker_id"]: h["score"] for h in hits[1:]}
    assert all(score < hits[0]["score"] for score in others.values())


def test_inferred_skills_count_at_the_configured_discount():
    from services.matching.documents import posting_view, worker_view

    posting = posting_doc(PostingUpserted.model_validate(posting_data(
        skills=[{"name": "氩弧焊", "min_proficiency": 1, "required": True}],
        title="急招师傅", description="需要焊缝返修经验")))
    view = posting_view(posting.source)
    assert [s.inferred for s in view.skills] == [False, True]
    holds_both = worker_view(worker_doc_of(worker_data(skills=[
        {"name": "氩弧焊", "proficiency": 5, "years": 5}, {"name": "焊缝返修", "proficiency": 5, "years": 5}])).source)
    holds_inferred_only = worker_view(worker_doc_of(worker_data(skills=[
        {"name": "焊缝返修", "proficiency": 5, "years": 5}, {"name": "电气设备安装", "proficiency": 5, "years": 5}])).source)
    holds_structured_only = worker_view(worker_doc_of(worker_data(skills=[
        {"name": "氩弧焊", "proficiency": 5, "years": 5}, {"name": "电气设备安装", "proficiency": 5, "years": 5}])).source)
    for discount in (0.3, 0.6, 1.0):
        side = PostingSide(view, Weights(inferred=discount), NOW)
        coverage = [side.qualities(WorkerFeatures.from_view(w))[0]
                    for w in (holds_both, holds_structured_only, holds_inferred_only)]
        assert coverage[0] > coverage[1] >= coverage[2]
        assert (coverage[1] > coverage[2]) == (discount < 1.0)  # a skill the text names weighs less
        # the structured skill weighs 1, the inferred one `discount`: the share they cover follows
        structured_share = 1 / (1 + discount)
        assert coverage[1] == pytest.approx(0.85 * structured_share + 0.15 * 1.0, abs=1e-6)


def test_a_worker_s_inferred_skill_counts_at_most_the_discount():
    posting = posting_doc(PostingUpserted.model_validate(posting_data(
        skills=[{"name": "焊缝返修", "min_proficiency": 1, "required": True}], occupation=None,
        title="招聘", description="")))
    structured = worker_doc_of(worker_data(occupations=[], skills=[
        {"name": "焊缝返修", "proficiency": 3, "years": 5}, {"name": "电气设备安装", "proficiency": 3, "years": 5}]))
    guessed = worker_doc_of(worker_data(occupations=[], awards=[], skills=[], certificates=[],
                                        achievements=[{"kind": "work_method", "title": "锅炉管道补焊操作法", "year": 2024}]))
    assert "焊缝返修" in {s["canonical"] for s in guessed.source["inferred"]["skills"]}
    from services.matching.documents import posting_view

    side = PostingSide(posting_view(posting.source), Weights(inferred=0.5), NOW)
    assert side.qualities(WorkerFeatures.from_source(structured.source))[0] == pytest.approx(1.0)
    assert side.qualities(WorkerFeatures.from_source(guessed.source))[0] == pytest.approx(0.5)
    explained = side.explain(WorkerFeatures.from_source(guessed.source)).explanation
    assert explained.inferred_skills == {"posting": [], "worker": ["焊缝返修"]}
    assert "焊缝返修由求职者资料文字推断" in explained.summary


def test_explanations_in_english_on_request_with_the_same_score():
    from services.matching.documents import posting_view

    posting = posting_doc(PostingUpserted.model_validate(prose_posting()))
    welder = worker_doc_of(trade("张焊", "6-18-02-04", "焊工", [("氩弧焊", 5), ("手工电弧焊", 4)]))
    side = PostingSide(posting_view(posting.source), Weights(), NOW)
    chinese = side.explain(WorkerFeatures.from_source(welder.source))
    english = side.explain(WorkerFeatures.from_source(welder.source), "en")
    assert english.score == chinese.score and english.explanation.factors == chinese.explanation.factors
    summary = english.explanation.summary
    assert summary.startswith("required skills matched ")
    assert "skills inferred from the posting's title and description (氩弧焊" in summary
    assert "technician" in summary and "same county" in summary
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in summary.replace("氩弧焊", "").replace("焊缝返修", "")
                   .replace("手工电弧焊", "").replace("焊工", "").replace("管道焊接", "").replace("焊接", ""))
    assert side.explain(WorkerFeatures.from_source(welder.source), "fr").explanation.summary == chinese.explanation.summary
