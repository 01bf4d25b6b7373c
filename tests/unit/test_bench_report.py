"""The benchmark's table and the peer's SQL: verdicts against DESIGN §7, the JSON shape, the filter translation."""

from __future__ import annotations

import pytest

from bench.peer_pg import filter_sql, to_sql, tsquery_text, worker_row
from bench.report import FIGURE_KEYS, TARGETS, assess, missing_keys, render_markdown
from bench.run import figures_from
from services.matching.index import AllOf, AnyOf, Boost, Range, SearchQuery, Terms

pytestmark = pytest.mark.unit


def results(**figures: float | None) -> dict:
    return {
        "size": "tiny",
        "started_at": "2026-11-24T00:00:00+00:00",
        "elapsed_s": 12.0,
        "dataset": {"workers": 10, "postings": 2, "worker_seed": 1, "posting_seed": 2},
        "machine": {"cores": 2, "memory_gib": 4.0, "python": "3.11.7", "load_average_start": 1.0, "load_average_end": 2.0},
        "code": {"commit": "abc1234", "changed_files": 3, "services_sha256": "0123456789abcdef"},
        "figures": {**figures_from({}), **figures},
        "details": {"load_average_by_phase": {"ingest": 1.5}},
        "notes": ["a note"],
    }


def test_targets_are_the_design_targets():
    bounds = {t.figure: (t.rule, t.bound) for t in TARGETS}
    assert bounds == {
        "candidates_p99_ms": ("lt", 25),
        "event_to_searchable_p50_ms": ("lt", 250),
        "event_to_searchable_p99_ms": ("lt", 1000),
        "ingest_events_per_s": ("ge", 20_000),
        "profile_writes_per_s": ("ge", 1_500),
        "market_report_s": ("lt", 2),
        "matching_rss_mib": ("lt", 2048),
    }


def test_assess_says_met_missed_or_not_measured():
    verdicts = {t.figure: met for t, _, met in assess({"candidates_p99_ms": 24.9, "ingest_events_per_s": 19_999,
                                                         "matching_rss_mib": 2048})}
    assert verdicts["candidates_p99_ms"] is True
    assert verdicts["ingest_events_per_s"] is False
    assert verdicts["matching_rss_mib"] is False  # "< 2 GiB": exactly 2 GiB misses
    assert verdicts["market_report_s"] is None


def test_markdown_names_each_target_its_value_and_verdict():
    text = render_markdown(results(candidates_p99_ms=30.0, market_report_s=0.5, peer_candidates_p99_ms=60.0,
                                   peer_ratio_p99=2.0))
    assert "| candidates p99 (HTTP) | 30.0 ms | < 25 ms | MISSED |" in text
    assert "| market report | 0.50 s | < 2 s | met |" in text
    assert "| index ingest | — events/s | ≥ 20000 events/s | not measured |" in text
    assert "Peer ratio (peer p99 ÷ our HTTP p99): 2.00×" in text
    assert "ingest 1.5" in text and "- a note" in text
    assert "commit abc1234 with 3 files changed" in text


def test_a_complete_results_document_misses_no_key_and_an_empty_one_misses_all():
    assert missing_keys(results()) == []
    absent = missing_keys({"figures": {}})
    assert "size" in absent and "machine" in absent
    assert {f"figures.{k}" for k in FIGURE_KEYS} <= set(absent)


# --- the peer's SQL ---------------------------------------------------------------------------------


def test_keyword_lists_become_array_overlaps_and_scalars_any():
    params: list = []
    assert filter_sql(Terms("modes", ("project", "part_time")), params) == "modes && %s::text[]"
    assert filter_sql(Terms("city", ("1506",)), params) == "city = ANY(%s::text[])"
    assert filter_sql(Terms("matchable", (True,)), params) == "matchable = ANY(%s::boolean[])"
    assert params == [["project", "part_time"], ["1506"], [True]]


def test_ranges_and_nested_clauses_keep_their_parameters_in_order():
    params: list = []
    node = AllOf((Range("level", gte=4), AnyOf((Terms("city", ("1506",)), Terms("open_regions", ("1506", "15"))))))
    sql = filter_sql(node, params)
    assert sql == "((level >= %s) AND (city = ANY(%s::text[]) OR open_regions && %s::text[]))"
    assert params == [4, ["1506"], ["1506", "15"]]
    assert filter_sql(AnyOf(()), []) == "FALSE"


def test_unknown_fields_are_refused_so_no_text_reaches_the_sql_unchecked():
    with pytest.raises(ValueError):
        filter_sql(Terms("name; DROP TABLE workers", ("x",)), [])


def test_tsquery_quotes_every_token_and_escapes_quotes():
    assert tsquery_text(["氩弧焊", "焊工"]) == "'氩弧焊' | '焊工'"
    assert tsquery_text(["o'neil", ""]) == "'o''neil'"


def test_candidates_query_ranks_by_text_and_boosts_and_requires_one_of_them():
    query = SearchQuery(filters=(Terms("matchable", (True,)),), text="氩弧焊", boost_terms=(("skills", "氩弧焊"),),
                        require_relevance=True, limit=300)
    sql, params = to_sql(query, ["氩弧焊"])
    assert sql.startswith("SELECT id, ts_rank(tsv, %s::tsquery) + CASE WHEN skills && %s::text[] THEN 2.0 ELSE 0 END")
    assert "(tsv @@ %s::tsquery OR skills && %s::text[])" in sql
    assert sql.endswith("ORDER BY relevance DESC, id LIMIT %s OFFSET %s")
    assert sql.count("%s") == len(params)
    assert params == ["'氩弧焊'", ["氩弧焊"], [True], "'氩弧焊'", ["氩弧焊"], 300, 0]


def test_the_peer_scores_the_first_cut_boosts_as_the_adapters_do():
    query = SearchQuery(filters=(Terms("matchable", (True,)),), boost_terms=(("skills", "氩弧焊"),),
                        require_relevance=True, limit=60,
                        boosts=(Boost(Terms("skills", ("氩弧焊",)), 3.0), Boost(Range("level", gte=5), 0.5)))
    sql, params = to_sql(query, [])
    assert sql.startswith("SELECT id, CASE WHEN skills && %s::text[] THEN 2.0 ELSE 0 END"
                          " + CASE WHEN skills && %s::text[] THEN 3.0 ELSE 0 END"
                          " + CASE WHEN (level >= %s) THEN 0.5 ELSE 0 END AS relevance")
    assert sql.count("%s") == len(params)
    assert params == [["氩弧焊"], ["氩弧焊"], 5, [True], ["氩弧焊"], 60, 0]


def test_worker_row_follows_the_column_order():
    fields = {"matchable": True, "level": 5, "modes": ["project"], "region": "150602", "city": "1506", "province": "15",
              "open_regions": ["1502"], "skills": ["氩弧焊"], "occupations": ["6", "6-18"], "agency_id": [],
              "experience": 12.0, "wage_month": 9000.0, "updated": 1, "text": "氩弧焊"}
    row = worker_row("w-1", fields, "氩弧焊")
    assert row[:4] == ("w-1", True, 5, ["project"])
    assert row[-1] == "氩弧焊" and len(row) == 15
