"""The ranking formula: bounded, explainable, each factor moving the score the way a recruiter expects."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from pydantic import ValidationError

from services.common.contracts import SkillLevel
from services.matching.documents import posting_doc, posting_view, worker_doc, worker_view
from services.matching.domain import AwardHeld, WorkerView
from services.matching.ranking import FACTORS, Weights, rank
from tests.fakes_search import posting_data, posting_upserted, worker_data, worker_upserted

pytestmark = pytest.mark.unit

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
WEIGHTS = Weights()


def views(worker: dict | None = None, posting: dict | None = None):
    w = worker_data(**(worker or {}), updated_at=NOW.isoformat())
    p = posting_data(**(posting or {}), updated_at=NOW.isoformat())
    wdoc = worker_doc(worker_upserted(w).parsed())
    pdoc = posting_doc(posting_upserted(p).parsed())
    return posting_view(pdoc.source), worker_view(wdoc.source)


def score(worker: dict | None = None, posting: dict | None = None) -> float:
    posting_v, worker_v = views(worker, posting)
    return rank(posting_v, worker_v, WEIGHTS, NOW).score


def test_default_weights_sum_to_one_and_any_scale_is_normalised():
    assert sum(Weights().as_dict().values()) == pytest.approx(1.0)
    doubled = Weights(**{name: 2 * value for name, value in Weights().as_dict().items()})
    assert doubled.normalised() == pytest.approx(Weights().normalised())


def test_weights_refuse_nonsense():
    with pytest.raises(ValidationError):
        Weights(skills=-1)
    with pytest.raises(ValidationError):
        Weights(**{name: 0 for name in FACTORS})
    with pytest.raises(ValidationError):
        Weights(charm=0.5)


def test_the_design_example_scores_high_and_explains_itself_in_chinese():
    posting_v, worker_v = views()
    ranked = rank(posting_v, worker_v, WEIGHTS, NOW)
    explanation = ranked.explanation
    assert 0.9 <= ranked.score <= 1.0
    assert set(explanation.factors) == set(FACTORS)
    assert sum(explanation.factors.values()) == pytest.approx(ranked.score, abs=1e-3)
    assert explanation.matched_skills == ["氩弧焊", "压力容器焊接"]
    assert explanation.missing_skills == []
    summary = explanation.summary
    for phrase in ("匹配必需技能1/1（氩弧焊）", "技师高于要求的高级工", "同区县", "日薪期望在范围内"):
        assert phrase in summary


def test_score_stays_in_bounds_for_an_empty_posting_and_an_empty_profile():
    posting_v, worker_v = views(
        {"skills": [], "certificates": [], "awards": [], "achievements": [], "occupations": [], "wage_expectation": None},
        {"skills": [], "certificates": [], "occupation": None, "wage": None, "min_skill_level": None},
    )
    ranked = rank(posting_v, worker_v, WEIGHTS, NOW)
    assert 0.0 <= ranked.score <= 1.0
    assert ranked.explanation.summary


def test_synonyms_count_as_the_skill_asked_for():
    assert score({"skills": [{"name": "TIG焊", "proficiency": 5, "years": 12}]}) > score(
        {"skills": [{"name": "手工电弧焊", "proficiency": 5, "years": 12}]}
    )
    _, worker_v = views({"skills": [{"name": "TIG焊", "proficiency": 5, "years": 12}]})
    posting_v, _ = views()
    assert "氩弧焊" in rank(posting_v, worker_v, WEIGHTS, NOW).explanation.matched_skills


def test_a_missing_required_skill_is_named_and_costs_the_most():
    posting_v, worker_v = views({"skills": [{"name": "压力容器焊接", "proficiency": 5, "years": 8}]})
    explanation = rank(posting_v, worker_v, WEIGHTS, NOW).explanation
    assert explanation.missing_skills == ["氩弧焊"]
    assert "缺少氩弧焊" in explanation.summary
    assert score({"skills": [{"name": "压力容器焊接", "proficiency": 5, "years": 8}]}) < score() - 0.2


def test_proficiency_below_the_minimum_is_said_and_scores_lower():
    low = {"skills": [{"name": "氩弧焊", "proficiency": 3, "years": 12}, {"name": "压力容器焊接", "proficiency": 4, "years": 8}]}
    posting_v, worker_v = views(low)
    assert "氩弧焊3级低于要求4级" in rank(posting_v, worker_v, WEIGHTS, NOW).explanation.summary
    assert score(low) < score()


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        ({"skill_level": "senior_technician"}, {"skill_level": "senior"}),
        ({"region": "150602"}, {"region": "150603"}),  # same county > same city
        ({"region": "150603"}, {"region": "150203", "open_regions": ["15"]}),  # city > province
        ({"region": "150203", "open_regions": ["15"]}, {"region": "320583", "open_regions": ["1506"]}),  # > open-to
        ({"wage_expectation": {"min": 300, "max": 500, "unit": "day"}},
         {"wage_expectation": {"min": 950, "max": 1200, "unit": "day"}}),
        ({"certificates": [{"occupation": "焊工", "level": "senior", "number": "X1234567", "verified": True}]},
         {"certificates": [{"occupation": "焊工", "level": "senior", "number": "X1234567", "verified": False}]}),
        ({"experience_years": 15}, {"experience_years": 2}),
        ({"awards": [{"name": "全国技能大赛", "tier": "national", "rank": 1, "year": 2025}]},
         {"awards": [], "achievements": []}),
        ({"availability": {"modes": ["project"], "hours_per_week": 40, "available_from": None}},
         {"availability": {"modes": ["project"], "hours_per_week": 40, "available_from": "2026-09-30"}}),
    ],
)
def test_each_factor_moves_the_score_the_way_a_recruiter_expects(better, worse):
    assert score(better) > score(worse)


def test_remote_service_is_the_last_rung_of_the_region_ladder():
    posting = {"kind": "service", "remote_ok": True}
    remote = {"region": "440305", "open_regions": [], "availability": {"modes": ["remote_service"]}}
    open_to = {"region": "440305", "open_regions": ["15"], "availability": {"modes": ["project"]}}
    assert score(open_to, posting) > score(remote, posting)


def test_freshness_prefers_a_recently_updated_profile():
    posting_v, worker_v = views()
    stale = dataclasses.replace(worker_v, updated_at=NOW - dt.timedelta(days=400))
    assert rank(posting_v, worker_v, WEIGHTS, NOW).score > rank(posting_v, stale, WEIGHTS, NOW).score


def test_recommendations_judge_freshness_on_the_posting():
    posting_v, worker_v = views()
    old_posting = dataclasses.replace(posting_v, updated_at=NOW - dt.timedelta(days=400))
    fresh = rank(posting_v, worker_v, WEIGHTS, NOW, ranked="posting").explanation.factors["freshness"]
    old = rank(old_posting, worker_v, WEIGHTS, NOW, ranked="posting").explanation.factors["freshness"]
    assert fresh > old


def test_a_single_weight_makes_the_score_that_factor_alone():
    only_region = Weights(**{name: (1.0 if name == "region" else 0.0) for name in FACTORS})
    posting_v, worker_v = views({"region": "150603"})
    assert rank(posting_v, worker_v, only_region, NOW).score == pytest.approx(0.85)


def test_a_search_without_a_profile_is_neutral_where_it_says_nothing():
    posting_v, _ = views()
    wishes = WorkerView(id=None, level=SkillLevel.technician, region="150602")
    ranked = rank(posting_v, wishes, WEIGHTS, NOW)
    assert 0.4 < ranked.score < 0.9
    assert "技师高于要求的高级工" in ranked.explanation.summary


def test_old_awards_count_less_than_recent_ones():
    posting_v, worker_v = views()
    recent = dataclasses.replace(worker_v, awards=(AwardHeld("national", 1, 2025),), achievements=())
    old = dataclasses.replace(worker_v, awards=(AwardHeld("national", 1, 2001),), achievements=())
    assert rank(posting_v, recent, WEIGHTS, NOW).score > rank(posting_v, old, WEIGHTS, NOW).score


def test_weights_and_thresholds_come_from_matching_settings(monkeypatch):
    from services.matching.app import Settings

    monkeypatch.setenv("MATCHING_WEIGHTS", '{"skills": 3, "region": 1}')
    monkeypatch.setenv("MATCHING_MATCH_THRESHOLD", "0.75")
    tuning = Settings().tuning()
    assert tuning.weights.skills == 3 and tuning.weights.normalised()["skills"] > 0.5
    assert tuning.match_threshold == 0.75
    monkeypatch.setenv("MATCHING_WEIGHTS", '{"skills": -1}')
    with pytest.raises(ValidationError):
        Settings()


# --- the formula compiled for one posting gives rank()'s scores exactly --------------------------


def _sources() -> tuple[list[dict], list[dict]]:
    import random

    from bench.datagen import iter_postings, iter_workers
    from tests.unit.test_matching_ranking_quality import LABELS, expand_posting, expand_worker

    workers = [expand_worker(w) for w in LABELS["workers"]]
    postings = [expand_posting(p) for p in LABELS["postings"]]
    rng = random.Random(5)
    for i, w in enumerate(iter_workers(60, seed=3)):
        data = {k: v for k, v in w.items() if k != "contact"}
        days = rng.choice([0, 20, 45, 200, 400])
        data.update(id=f"bw-{i}", version=1, created_at=NOW.isoformat(),
                    updated_at=(NOW - dt.timedelta(days=days)).isoformat(), matchable=True)
        workers.append(data)
    workers.append(worker_data(availability=None, wage_expectation=None, awards=[], achievements=[], certificates=[],
                               occupations=[{"name": "电焊工"}], experience_years=0))
    for i, p in enumerate(iter_postings(15, seed=4)):
        postings.append(dict(p, id=f"bp-{i}", org_id="org-1", version=1, created_at=NOW.isoformat(),
                             updated_at=NOW.isoformat()))
    postings += [posting_data(skills=[], occupation=None, min_skill_level=None, wage=None, certificates=[]),
                 posting_data(occupation={"name": "电焊工"}, certificates=[], remote_ok=True, kind="service",
                              wage={"min": 9000, "max": 12000, "unit": "month"}),
                 posting_data(skills=[{"name": "TIG焊", "min_proficiency": 5, "required": False}], start_on=None)]
    return ([worker_doc(worker_upserted(w).parsed()).source for w in workers],
            [posting_doc(posting_upserted(p).parsed()).source for p in postings])


@pytest.mark.parametrize(("weights", "now"), [
    (Weights(), NOW), (Weights(), NOW + dt.timedelta(days=3650)), (Weights(**dict.fromkeys(FACTORS, 1.0)), NOW),
    (Weights(skills=0, wage=0.5, availability=0.3, freshness=0.2), NOW)])
def test_the_compiled_scorer_gives_exactly_the_scores_of_rank(weights, now):
    """Exactly, not approximately: the candidates are ordered by these floats."""
    from services.matching.ranking import CandidateScorer

    workers, postings = _sources()
    worker_views = [worker_view(w) for w in workers]
    for posting in postings:
        view = posting_view(posting)
        scorer = CandidateScorer(view, weights, now)
        for worker, wview in zip(workers, worker_views, strict=True):
            assert scorer.score(worker) == rank(view, wview, weights, now, explain=False).score


def test_the_compiled_scorer_serves_search_criteria_too():
    from services.matching.domain import PostingView, SkillWanted
    from services.matching.ranking import CandidateScorer

    workers, _ = _sources()
    wishes = PostingView(id=None, region="15", skills=(SkillWanted("氩弧焊", "氩弧焊"),), occupation_name="焊工")
    scorer = CandidateScorer(wishes, WEIGHTS, NOW)
    for worker in workers:
        assert scorer.score(worker) == rank(wishes, worker_view(worker), WEIGHTS, NOW, explain=False).score


def test_the_explanation_adds_up_to_the_score_that_ordered_the_list():
    """One formula: the explanation shown is built from the very qualities the fast score summed, so
    each factor's contribution is its share of that score and they add up to it (to the rounding)."""
    from services.matching.ranking import PostingSide, WorkerFeatures

    workers, postings = _sources()
    features = [WorkerFeatures.from_source(w) for w in workers]
    for posting in postings:
        side = PostingSide(posting_view(posting), WEIGHTS, NOW)
        for worker in features:
            fast = side.score(worker)
            explained = side.explain(worker)
            assert list(explained.explanation.factors) == list(FACTORS)
            assert abs(sum(explained.explanation.factors.values()) - fast) <= 0.0005 * len(FACTORS)
            assert explained.score == round(min(1.0, max(0.0, sum(explained.explanation.factors.values()))), 4)
            qualities = side.qualities(worker)
            assert [round(s * min(1.0, max(0.0, q)), 4) for s, q in zip(side.shares, qualities, strict=True)] \
                == list(explained.explanation.factors.values())
