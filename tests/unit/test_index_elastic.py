"""The Elasticsearch adapter's pure translations — mappings, filters, queries, bulk actions and
bulk results — checked without a server (the conformance suite runs them against one when
ELASTICSEARCH_URL is set)."""

from __future__ import annotations

import pytest

from services.matching.index.elastic import (
    BOOST_TERM_WEIGHT,
    LEGACY_ERASED_VERSION,
    MATCH_ALL,
    MAX_VERSION,
    MATCH_NOTHING,
    SearchIndexUnavailable,
    alias_swap_actions,
    applied_count,
    delete_actions,
    erase_actions,
    filter_clause,
    filters_query,
    generation_of,
    index_template,
    mappings_for,
    search_body,
    settings_for,
    upsert_actions,
)
from services.matching.index import FIELDS, AllOf, AnyOf, Boost, FieldType, IndexDoc, Kind, Range, SearchQuery, Terms

pytestmark = pytest.mark.unit

W = Kind.workers


def test_mappings_cover_every_field_with_its_engine_type() -> None:
    for kind in Kind:
        properties = mappings_for(kind)["properties"]
        assert set(FIELDS[kind]) | {"id", "version", "source", "location"} == set(properties)
        for name, field_type in FIELDS[kind].items():
            expected = {"keyword": "keyword", "text": "text", "int": "long", "float": "double", "bool": "boolean"}
            assert properties[name]["type"] == expected[field_type.value], name
    workers = mappings_for(W)
    assert workers["dynamic"] == "strict"
    assert workers["properties"]["source"] == {"type": "object", "enabled": False}
    assert workers["properties"]["text"] == {"type": "text", "analyzer": "smartcn"}
    assert workers["properties"]["location"] == {"type": "geo_point"}


def test_the_ik_analyzer_searches_with_ik_smart() -> None:
    text = mappings_for(W, analyzer="ik_max_word")["properties"]["text"]
    assert text == {"type": "text", "analyzer": "ik_max_word", "search_analyzer": "ik_smart"}


def test_settings_keep_tombstones_long_and_refresh_explicitly() -> None:
    index = settings_for(W, refresh_interval="250ms", shards=3, replicas=2)["index"]
    assert index == {
        "number_of_shards": 3,
        "number_of_replicas": 2,
        "refresh_interval": "250ms",
        "gc_deletes": "7d",
        "max_result_window": 10_000,
    }


def test_a_template_shapes_the_versioned_indexes_behind_the_alias() -> None:
    template = index_template(Kind.postings, prefix="tf")
    assert template["index_patterns"] == ["tf-postings-v*"]
    assert template["_meta"] == {**template["_meta"], "alias": "tf-postings", "initial_index": "tf-postings-v1"}
    assert template["template"]["mappings"] == mappings_for(Kind.postings)
    assert "number_of_replicas" not in template["template"]["settings"]["index"]


def test_terms_and_ranges_translate_to_filter_clauses() -> None:
    assert filter_clause(W, Terms("modes", ("project", "part_time"))) == {"terms": {"modes": ["project", "part_time"]}}
    assert filter_clause(W, Terms("matchable", (True,))) == {"terms": {"matchable": [True]}}
    assert filter_clause(W, Terms("level", (4, 5.0))) == {"terms": {"level": [4, 5]}}
    assert filter_clause(W, Terms("id", ("w-1",))) == {"terms": {"id": ["w-1"]}}
    assert filter_clause(W, Terms("skills", ())) == MATCH_NOTHING
    assert filter_clause(W, Range("level", gte=4)) == {"range": {"level": {"gte": 4}}}
    assert filter_clause(W, Range("level", gte=4.5, lte=6.5)) == {"range": {"level": {"gte": 5, "lte": 6}}}
    assert filter_clause(W, Range("wage_month", lte=8000)) == {"range": {"wage_month": {"lte": 8000.0}}}
    assert filter_clause(W, Range("experience")) == {"exists": {"field": "experience"}}


def test_any_of_and_all_of_nest_as_bool_queries() -> None:
    node = AnyOf((Terms("city", ("1506",)), AllOf((Terms("modes", ("remote_service",)), Range("level", gte=5)))))
    assert filter_clause(W, node) == {
        "bool": {
            "should": [
                {"terms": {"city": ["1506"]}},
                {"bool": {"filter": [{"terms": {"modes": ["remote_service"]}}, {"range": {"level": {"gte": 5}}}]}},
            ],
            "minimum_should_match": 1,
        }
    }
    assert filter_clause(W, AnyOf(())) == MATCH_NOTHING
    assert filter_clause(W, AllOf(())) == MATCH_ALL
    assert filters_query(W, []) == MATCH_ALL
    assert filters_query(W, [Terms("city", ("1506",))]) == {"bool": {"filter": [{"terms": {"city": ["1506"]}}]}}


@pytest.mark.parametrize(
    ("node", "named"),
    [
        (Terms("salary", ("1",)), "salary"),
        (Terms("text", ("焊接",)), "text"),
        (Terms("level", ("high",)), "level"),
        (Terms("matchable", (1,)), "matchable"),
        (Terms("skills", (3,)), "skills"),
        (Range("modes", gte=1), "modes"),
        (Range("level", gte=float("nan")), "level"),
    ],
)
def test_bad_filters_name_the_field(node, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        filter_clause(W, node)


def test_a_search_filters_scores_text_and_boosts_and_breaks_ties_by_id() -> None:
    query = SearchQuery(
        filters=(Terms("matchable", (True,)),),
        text="压力容器焊接",
        boost_terms=(("skills", "氩弧焊"),),
        require_relevance=True,
        limit=20,
        offset=40,
    )
    body = search_body(W, query)
    assert body["query"] == {
        "bool": {
            "filter": [{"terms": {"matchable": [True]}}],
            "should": [
                {"match": {"text": {"query": "压力容器焊接"}}},
                {"constant_score": {"filter": {"term": {"skills": "氩弧焊"}}, "boost": BOOST_TERM_WEIGHT}},
            ],
            "minimum_should_match": 1,
        }
    }
    assert (body["from"], body["size"]) == (40, 20)
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}]
    assert body["version"] is True and body["_source"] == ["source"]


def test_boosts_become_constant_score_should_clauses_that_never_count_as_the_required_hit() -> None:
    """The same query the tantivy adapter builds: the relevance clauses in a must of their own (one
    must match), the first-cut boosts beside them as should clauses of their weight."""
    query = SearchQuery(
        filters=(Terms("matchable", (True,)),),
        boost_terms=(("skills", "氩弧焊"),),
        require_relevance=True,
        boosts=(Boost(Terms("skills", ("氩弧焊",)), 3.0), Boost(Range("level", gte=5), 1.0),
                Boost(Terms("region", ("150602",)), 0.6)),
    )
    assert search_body(W, query)["query"] == {
        "bool": {
            "filter": [{"terms": {"matchable": [True]}}],
            "must": [{"bool": {"should": [
                {"constant_score": {"filter": {"term": {"skills": "氩弧焊"}}, "boost": BOOST_TERM_WEIGHT}},
            ], "minimum_should_match": 1}}],
            "should": [
                {"constant_score": {"filter": {"terms": {"skills": ["氩弧焊"]}}, "boost": 3.0}},
                {"constant_score": {"filter": {"range": {"level": {"gte": 5}}}, "boost": 1.0}},
                {"constant_score": {"filter": {"terms": {"region": ["150602"]}}, "boost": 0.6}},
            ],
            "minimum_should_match": 0,
        }
    }
    # without required relevance, boosts only order what the filters admit
    ordering = search_body(W, SearchQuery(filters=(Range("level", gte=1),), boosts=(Boost(Range("level", gte=5), 1.0),)))
    assert ordering["query"]["bool"]["minimum_should_match"] == 0
    assert ordering["query"]["bool"]["should"] == [{"constant_score": {"filter": {"range": {"level": {"gte": 5}}}, "boost": 1.0}}]
    with pytest.raises(ValueError, match="salary"):
        search_body(W, SearchQuery(boosts=(Boost(Terms("salary", ("1",)), 1.0),)))


def test_relevance_only_orders_unless_required_and_is_left_out_when_empty() -> None:
    assert search_body(W, SearchQuery(text="焊接"))["query"]["bool"]["minimum_should_match"] == 0
    filters_only = search_body(W, SearchQuery(text="  ", require_relevance=True))["query"]["bool"]
    assert filters_only == {"filter": []}


def test_text_is_matched_on_the_text_field_the_query_names() -> None:
    body = search_body(W, SearchQuery(text="管道焊接", require_relevance=True, text_field="achievement_text"))
    assert body["query"]["bool"]["should"] == [{"match": {"achievement_text": {"query": "管道焊接"}}}]
    assert search_body(W, SearchQuery(text="焊接"))["query"]["bool"]["should"] == [{"match": {"text": {"query": "焊接"}}}]
    with pytest.raises(ValueError, match="achievement_years"):
        search_body(W, SearchQuery(text="焊接", text_field="achievement_years"))


def test_a_search_refuses_a_deep_window_and_boosts_on_non_keywords() -> None:
    with pytest.raises(ValueError, match="offset"):
        search_body(W, SearchQuery(limit=100, offset=9_950))
    with pytest.raises(ValueError, match="level"):
        search_body(W, SearchQuery(boost_terms=(("level", "5"),)))


def test_upserts_carry_external_versions_and_only_known_fields() -> None:
    doc = IndexDoc("w-1", 7, {"skills": "氩弧焊", "level": 5, "agency_id": None, "wage_month": 8000}, {"title": "x"})
    (action,) = upsert_actions("tf-workers", W, [doc])
    assert action == {
        "_op_type": "index",
        "_index": "tf-workers",
        "_id": "w-1",
        "version": 7,
        "version_type": "external",
        "_source": {"id": "w-1", "version": 7, "source": {"title": "x"}, "skills": ["氩弧焊"], "level": 5, "wage_month": 8000.0},
    }
    with pytest.raises(ValueError, match="phone"):
        upsert_actions("tf-workers", W, [IndexDoc("w-1", 1, {"phone": "1"}, {})])
    with pytest.raises(ValueError, match="version"):
        upsert_actions("tf-workers", W, [IndexDoc("w-1", -1, {}, {})])
    with pytest.raises(ValueError, match="id"):
        upsert_actions("tf-workers", W, [IndexDoc("", 1, {}, {})])


def test_deletes_carry_versions() -> None:
    assert delete_actions("tf-workers", [("w-1", 3)]) == [
        {"_op_type": "delete", "_index": "tf-workers", "_id": "w-1", "version": 3, "version_type": "external_gte"}
    ]


def test_an_erasure_is_a_delete_at_its_own_version_not_a_ban() -> None:
    # worker.erased carries the version after the person's last profile version: the tombstone
    # sits there, so older upserts are refused (409) and a returning person's newer ones pass.
    assert erase_actions("tf-workers", "w-1", 4) == [
        {"_op_type": "delete", "_index": "tf-workers", "_id": "w-1", "version": 4, "version_type": "external_gte"}
    ]
    # the old sentinel (every later registration refused) can no longer be written
    assert LEGACY_ERASED_VERSION == MAX_VERSION == 2**62
    for version in (LEGACY_ERASED_VERSION, -1, True):
        with pytest.raises(ValueError, match="version"):
            erase_actions("tf-workers", "w-1", version)
        with pytest.raises(ValueError, match="version"):
            delete_actions("tf-workers", [("w-1", version)])
    assert erase_actions("tf-workers", "w-1", MAX_VERSION - 1)[0]["version"] == MAX_VERSION - 1


def test_an_erasure_older_than_the_held_profile_counts_as_not_applied() -> None:
    # Elasticsearch answers 409 to a delete whose external version is below the held one (the
    # person came back): not applied, not an error, so a redelivered old worker.erased is a no-op.
    assert applied_count([_item("delete", 409)]) == 0
    assert applied_count([_item("delete", 200)]) == 1
    assert applied_count([_item("delete", 404)]) == 1  # nothing held: the tombstone is still written


def _item(op: str, status: int, doc_id: str = "w") -> tuple[bool, dict]:
    return 200 <= status < 300, {op: {"_id": doc_id, "status": status, "error": None if status < 300 else {"type": "x"}}}


def test_bulk_results_count_applied_items_and_swallow_stale_versions() -> None:
    results = [_item("index", 201), _item("index", 200), _item("index", 409), _item("delete", 200), _item("delete", 404), _item("delete", 409)]
    assert applied_count(results) == 4


def test_bulk_failures_raise_retryable_or_not() -> None:
    with pytest.raises(SearchIndexUnavailable, match="2 bulk item"):
        applied_count([_item("index", 201), _item("index", 429), _item("index", 503)])
    with pytest.raises(RuntimeError, match="400") as refused:
        applied_count([_item("index", 400, "w-bad"), _item("index", 503)])
    assert not isinstance(refused.value, SearchIndexUnavailable)
    assert "w-bad" in str(refused.value)


def test_an_alias_swap_is_one_list_of_actions() -> None:
    assert alias_swap_actions("tf-workers", ["tf-workers-v1"], "tf-workers-v2") == [
        {"remove": {"index": "tf-workers-v1", "alias": "tf-workers"}},
        {"add": {"index": "tf-workers-v2", "alias": "tf-workers", "is_write_index": True}},
    ]
    assert generation_of("tf-workers-v12") == 12
    assert generation_of("tf-workers") == 0


def test_field_types_are_the_ports() -> None:
    # A new FieldType would need a mapping here and a field in the tantivy schema.
    assert {t.value for t in FieldType} == {"keyword", "text", "int", "float", "bool"}


# --- erase() on the wire: the real client against a stand-in that answers as Elasticsearch -------


class _BulkStandIn:
    """A local HTTP server answering `_bulk` as Elasticsearch does for external versions: a delete
    applies when its version is at least the held one (`external_gte`), else 409. It records the
    requests so the test can read what the adapter sent."""

    def __init__(self) -> None:
        import http.server
        import json as _json
        import threading

        self.held: dict[str, int] = {}
        self.requests: list[tuple[str, list[dict]]] = []
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _answer(self, body: dict) -> None:
                raw = _json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_PUT(self) -> None:  # noqa: N802 - the http.server name (the client bulks with PUT)
                lines = self.rfile.read(int(self.headers["Content-Length"])).decode().splitlines()
                actions = [_json.loads(line) for line in lines if line.strip()]
                stand_in.requests.append((self.path, actions))
                items = []
                for action in actions:
                    ((op, meta),) = action.items()
                    version, held = meta["version"], stand_in.held.get(meta["_id"], -1)
                    if op == "delete" and meta["version_type"] == "external_gte" and version >= held:
                        stand_in.held[meta["_id"]] = version
                        items.append({op: {"_id": meta["_id"], "status": 200, "result": "deleted"}})
                    else:
                        items.append({op: {"_id": meta["_id"], "status": 409, "error": {"type": "version_conflict_engine_exception"}}})
                self._answer({"took": 1, "errors": any(i[next(iter(i))]["status"] >= 300 for i in items), "items": items})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_erase_sends_a_delete_at_the_erasures_version_and_an_older_one_is_a_no_op() -> None:
    from services.matching.index.elastic import ElasticsearchIndex

    stand_in = _BulkStandIn()
    index = ElasticsearchIndex(stand_in.url, prefix="tf", create_indexes=False, request_timeout_s=5)
    try:
        stand_in.held["w-1"] = 5  # the person came back: their new profile is held at version 5
        assert index.erase(W, "w-1", 4) is False  # the old erasure, redelivered: refused, no error
        assert index.erase(W, "w-1", 6) is True  # erased again: applies
        path, actions = stand_in.requests[-1]
        assert path.startswith("/_bulk") and "refresh=true" in path  # out of search at once
        assert actions == [{"delete": {"_index": "tf-workers", "_id": "w-1", "version": 6, "version_type": "external_gte"}}]
        with pytest.raises(ValueError, match="version"):
            index.erase(W, "w-1", LEGACY_ERASED_VERSION)
        assert len(stand_in.requests) == 2  # refused before anything was sent
    finally:
        index.close()
        stand_in.close()
