"""The SearchIndex conformance suite: every test runs on each adapter (tantivy; Elasticsearch when
ELASTICSEARCH_URL is set — see tests/fixtures/search.py).

A new adapter is done when this suite passes on it. The few tests that depend on something only
one engine can do say so (`reports_tombstone_versions`, reopening on a folder) and still assert
what every adapter must do. Tests near the end cover the tantivy adapter's own machinery (text
cutting, restart, the generated Elasticsearch templates) that need no server.
"""

from __future__ import annotations

import json
from pathlib import Path
import threading
import time
from collections.abc import Callable

import pytest

from services.matching.index import elastic as index_elastic
from services.matching.index.elastic import ElasticsearchIndex, SearchIndexUnavailable
from services.matching.index import (
    AllOf,
    AnyOf,
    Boost,
    IndexDoc,
    Kind,
    Range,
    SearchIndex,
    SearchQuery,
    Terms,
)
from services.matching.index.textcut import ChineseCutter, index_tokens, query_tokens
from tests.fixtures.infra import free_port

pytestmark = pytest.mark.contract

W = Kind.workers
P = Kind.postings


def worker(doc_id: str, version: int = 1, **fields) -> IndexDoc:
    """A worker document: a matchable senior welder unless fields say otherwise."""
    values = {
        "matchable": True,
        "level": 4,
        "modes": ["full_time"],
        "region": "150602",
        "city": "1506",
        "province": "15",
        "open_regions": [],
        "skills": [],
        "occupations": [],
        "text": "",
        "experience": 5.0,
        "wage_month": 8000.0,
        "updated": 1_700_000_000,
    }
    values.update(fields)
    return IndexDoc(doc_id, version, values, {"id": doc_id, "v": version, "summary": f"{doc_id} 高级工"})


def ids(hits) -> list[str]:
    return [hit.id for hit in hits]


def found(index: SearchIndex, *filters, kind: Kind = W) -> set[str]:
    return set(ids(index.search(kind, SearchQuery(filters=tuple(filters), limit=1000))))


# --- writes, reads and the version guard --------------------------------------------------------


def test_upsert_then_get_returns_the_stored_source_and_version(search_index: SearchIndex) -> None:
    doc = IndexDoc("w-1", 3, {"level": 5, "skills": ["氩弧焊"]}, {"name": "王**", "nested": {"skills": ["氩弧焊", "焊接"]}, "n": 1.5})

    assert search_index.upsert(W, [doc]) == 1

    hit = search_index.get(W, "w-1")
    assert hit is not None
    assert (hit.id, hit.version) == ("w-1", 3)
    assert hit.source == {"name": "王**", "nested": {"skills": ["氩弧焊", "焊接"]}, "n": 1.5}
    assert search_index.get(W, "w-unknown") is None
    assert search_index.get(P, "w-1") is None  # kinds are separate indexes


def test_older_or_equal_versions_change_nothing_and_are_not_counted(search_index: SearchIndex) -> None:
    assert search_index.upsert(W, [worker("w-1", 5, level=5), worker("w-2", 1)]) == 2

    applied = search_index.upsert(W, [worker("w-1", 4, level=1), worker("w-1", 5, level=2), worker("w-2", 2, level=7)])

    assert applied == 1
    assert search_index.get(W, "w-1").version == 5
    assert search_index.versions(W, ["w-1", "w-2", "w-3"]) == {"w-1": 5, "w-2": 2}
    search_index.refresh()
    assert found(search_index, Terms("level", (5,))) == {"w-1"}
    assert found(search_index, Terms("level", (1, 2))) == set()
    assert found(search_index, Terms("level", (7,))) == {"w-2"}


def test_a_batch_applies_in_order_so_a_late_older_version_loses(search_index: SearchIndex) -> None:
    assert search_index.upsert(W, [worker("w-1", 2, level=6), worker("w-1", 1, level=1)]) == 1
    assert search_index.get(W, "w-1").version == 2
    assert search_index.upsert(W, [worker("w-2", 1), worker("w-2", 2, level=8)]) == 2
    search_index.refresh()
    assert search_index.count(W) == 2
    assert found(search_index, Terms("level", (8,))) == {"w-2"}


def test_delete_leaves_a_tombstone_that_older_upserts_cannot_pass(search_index: SearchIndex) -> None:
    search_index.upsert(W, [worker("w-1", 1), worker("w-2", 1)])

    assert search_index.delete(W, [("w-1", 2)]) == 1
    assert search_index.get(W, "w-1") is None
    assert search_index.upsert(W, [worker("w-1", 1), worker("w-1", 2)]) == 0
    search_index.refresh()
    assert found(search_index) == {"w-2"}
    assert search_index.count(W) == 1
    assert found(search_index, Terms("id", ("w-1", "w-2"))) == {"w-2"}
    assert found(search_index, AnyOf((Terms("id", ("w-1",)), Terms("level", (4,))))) == {"w-2"}
    assert search_index.count(W, [AllOf(())]) == 1

    assert search_index.upsert(W, [worker("w-1", 3, level=7)]) == 1  # a newer profile comes back
    search_index.refresh()
    assert found(search_index) == {"w-1", "w-2"}
    assert search_index.get(W, "w-1").version == 3


def test_delete_older_than_the_held_version_is_ignored(search_index: SearchIndex) -> None:
    search_index.upsert(W, [worker("w-1", 4)])
    assert search_index.delete(W, [("w-1", 3)]) == 0
    assert search_index.get(W, "w-1").version == 4
    assert search_index.delete(W, [("w-1", 4)]) == 1  # "at least the held version"
    assert search_index.get(W, "w-1") is None


def test_deleting_an_unknown_id_still_guards_against_a_late_upsert(search_index: SearchIndex) -> None:
    assert search_index.delete(W, [("w-late", 5)]) == 1
    assert search_index.upsert(W, [worker("w-late", 4)]) == 0
    assert search_index.upsert(W, [worker("w-late", 6)]) == 1
    assert search_index.get(W, "w-late").version == 6


def test_versions_include_tombstones_where_the_engine_can_tell(search_index: SearchIndex) -> None:
    search_index.upsert(W, [worker("w-1", 2), worker("w-2", 7)])
    search_index.delete(W, [("w-2", 8)])
    search_index.refresh()

    held = search_index.versions(W, ["w-1", "w-2", "w-none"])

    assert held["w-1"] == 2
    assert "w-none" not in held
    if getattr(search_index, "reports_tombstone_versions", False):
        assert held["w-2"] == 8
    else:
        assert "w-2" not in held


def test_erase_removes_the_document_and_older_upserts_stay_shadowed(search_index: SearchIndex) -> None:
    search_index.upsert(W, [worker("w-1", 3, text="氩弧焊 焊接"), worker("w-2", 1, text="焊接")])
    search_index.refresh()

    assert search_index.erase(W, "w-1", 4) is True

    assert search_index.get(W, "w-1") is None  # gone at once, no refresh needed
    assert search_index.upsert(W, [worker("w-1", 2), worker("w-1", 3), worker("w-1", 4)]) == 0
    search_index.refresh()
    assert "w-1" not in ids(search_index.search(W, SearchQuery(text="焊接")))
    assert ids(search_index.scan(W)) == ["w-2"]
    assert search_index.count(W) == 1


def test_a_person_who_comes_back_after_erasure_is_indexed_like_anyone(search_index: SearchIndex) -> None:
    search_index.upsert(W, [worker("w-1", 3, text="焊接")])
    search_index.erase(W, "w-1", 4)

    # the new profile's versions continue above the erasure's
    assert search_index.upsert(W, [worker("w-1", 5, text="数控车床")]) == 1
    search_index.refresh()
    assert search_index.get(W, "w-1").version == 5
    assert ids(search_index.search(W, SearchQuery(text="数控车床", require_relevance=True))) == ["w-1"]

    # the old erasure delivered again is a no-op: the new life stays
    assert search_index.erase(W, "w-1", 4) is False
    assert search_index.get(W, "w-1").version == 5

    # and the new life can be erased in turn, twice without harm
    assert search_index.erase(W, "w-1", 6) is True
    search_index.erase(W, "w-1", 6)
    assert search_index.get(W, "w-1") is None
    assert search_index.upsert(W, [worker("w-1", 5)]) == 0
    search_index.refresh()
    assert search_index.count(W) == 0


def test_erase_of_an_unknown_id_blocks_a_late_older_upsert(search_index: SearchIndex) -> None:
    assert search_index.erase(W, "w-never", 3) is True
    assert search_index.upsert(W, [worker("w-never", 2)]) == 0
    assert search_index.get(W, "w-never") is None
    assert search_index.upsert(W, [worker("w-never", 4)]) == 1


@pytest.mark.parametrize("version", [-1, 2**62, True, "5"])
def test_erase_refuses_a_version_out_of_range(search_index: SearchIndex, version) -> None:
    with pytest.raises(ValueError, match="version"):
        search_index.erase(W, "w-1", version)


def test_the_fake_keeps_the_same_version_semantics() -> None:
    """tests/fakes_search.py stands in for the adapters in unit tests: the erasure rules above hold there too."""
    from tests.fakes_search import FakeSearchIndex

    fake = FakeSearchIndex()
    test_erase_removes_the_document_and_older_upserts_stay_shadowed(fake)
    fake = FakeSearchIndex()
    test_a_person_who_comes_back_after_erasure_is_indexed_like_anyone(fake)
    fake = FakeSearchIndex()
    test_erase_of_an_unknown_id_blocks_a_late_older_upsert(fake)
    for version in (-1, 2**62):
        with pytest.raises(ValueError, match="version"):
            FakeSearchIndex().erase(W, "w-1", version)


# --- filters ------------------------------------------------------------------------------------


@pytest.fixture
def crew(search_index: SearchIndex) -> SearchIndex:
    """Five workers whose fields make every filter node tell them apart."""
    search_index.upsert(
        W,
        [
            worker("a", level=4, modes=["full_time", "project"], skills=["氩弧焊", "压力容器焊接"], experience=12.0, wage_month=9000.5, region="150602", city="1506", open_regions=["1502"]),
            worker("b", level=5, modes=["part_time"], skills=["氩弧焊"], experience=3.5, wage_month=6000.0, region="150203", city="1502"),
            worker("c", level=6, modes=["project", "remote_service"], skills=["数控车床"], experience=20.0, wage_month=15000.0, region="320506", city="3205", province="32"),
            worker("d", level=3, modes=["full_time"], skills=[], experience=0.0, wage_month=4000.0, matchable=False),
            worker("e", level=7, modes=["remote_service"], skills=["PLC编程", "数控车床"], experience=8.25, wage_month=12000.0, agency_id="agency-9"),
        ],
    )
    search_index.refresh()
    return search_index


def test_terms_on_a_multi_valued_keyword_matches_any_value(crew: SearchIndex) -> None:
    assert found(crew, Terms("modes", ("project",))) == {"a", "c"}
    assert found(crew, Terms("modes", ("part_time", "remote_service"))) == {"b", "c", "e"}
    assert found(crew, Terms("skills", ("氩弧焊",))) == {"a", "b"}
    assert found(crew, Terms("agency_id", ("agency-9",))) == {"e"}
    assert found(crew, Terms("id", ("a", "e", "zz"))) == {"a", "e"}
    assert found(crew, Terms("skills", ())) == set()  # no value can match


def test_terms_on_int_and_bool(crew: SearchIndex) -> None:
    assert found(crew, Terms("level", (4, 6))) == {"a", "c"}
    assert found(crew, Terms("matchable", (False,))) == {"d"}
    assert found(crew, Terms("matchable", (True,))) == {"a", "b", "c", "e"}


def test_range_on_int_and_float_is_inclusive(crew: SearchIndex) -> None:
    assert found(crew, Range("level", gte=5)) == {"b", "c", "e"}
    assert found(crew, Range("level", gte=4, lte=6)) == {"a", "b", "c"}
    assert found(crew, Range("level", lte=3)) == {"d"}
    assert found(crew, Range("level", gte=4.5)) == {"b", "c", "e"}  # an int field rounds bounds inward
    assert found(crew, Range("experience", gte=3.5, lte=8.25)) == {"b", "e"}
    assert found(crew, Range("wage_month", gte=9000.25)) == {"a", "c", "e"}
    assert found(crew, Range("wage_month", gte=10, lte=5)) == set()


def test_any_of_and_all_of_nest(crew: SearchIndex) -> None:
    region_fits = AnyOf((Terms("city", ("1502",)), Terms("open_regions", ("1502",)), Terms("modes", ("remote_service",))))
    assert found(crew, region_fits) == {"a", "b", "c", "e"}

    nested = AnyOf(
        (
            AllOf((Terms("skills", ("氩弧焊",)), Range("experience", gte=10))),
            AllOf((Terms("skills", ("数控车床",)), Range("level", gte=7))),
        )
    )
    assert found(crew, nested) == {"a", "e"}
    assert found(crew, Terms("matchable", (True,)), nested, Range("wage_month", lte=10000)) == {"a"}
    assert found(crew, AnyOf(())) == set()
    assert found(crew, AllOf(())) == {"a", "b", "c", "d", "e"}


def test_count_applies_the_same_filters(crew: SearchIndex) -> None:
    assert crew.count(W) == 5
    assert crew.count(W, [Terms("matchable", (True,))]) == 4
    assert crew.count(W, [Terms("matchable", (True,)), Range("level", gte=5)]) == 3
    assert crew.count(W, [AnyOf((Terms("skills", ("氩弧焊",)), Terms("agency_id", ("agency-9",))))]) == 3
    assert crew.count(P) == 0


def test_bad_filters_and_documents_are_refused_with_the_field_named(search_index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="salary"):
        search_index.search(W, SearchQuery(filters=(Terms("salary", ("1",)),)))
    with pytest.raises(ValueError, match="level"):
        search_index.count(W, [Terms("level", ("five",))])
    with pytest.raises(ValueError, match="modes"):
        search_index.search(W, SearchQuery(filters=(Range("modes", gte=1),)))
    with pytest.raises(ValueError, match="phone"):
        search_index.upsert(W, [IndexDoc("w-1", 1, {"phone": "13800000001"}, {})])
    with pytest.raises(ValueError, match="level"):
        search_index.upsert(W, [worker("w-2", 1), IndexDoc("w-3", 1, {"level": "high"}, {})])
    with pytest.raises(ValueError, match="offset"):
        search_index.search(W, SearchQuery(limit=300, offset=9_800))
    assert search_index.get(W, "w-2") is None  # a refused batch writes nothing


# --- relevance ----------------------------------------------------------------------------------


@pytest.fixture
def trades(search_index: SearchIndex) -> SearchIndex:
    """Two welders (one clearly more about welding), a lathe operator and an electrician."""
    search_index.upsert(
        W,
        [
            worker("welder-strong", skills=["氩弧焊", "压力容器焊接"], text="焊工 压力容器焊接 管道焊接 氩弧焊 焊接工艺评定"),
            worker("welder-some", skills=["氩弧焊"], text="钳工 设备安装 焊接 机械维修 装配 调试 起重"),
            worker("turner", skills=["数控车床"], text="车工 数控车床 编程 加工中心"),
            worker("electrician", skills=["PLC编程"], text="电工 高压电工作业 PLC编程 配电"),
        ],
    )
    search_index.refresh()
    return search_index


def test_chinese_text_finds_the_welders_most_relevant_first(trades: SearchIndex) -> None:
    hits = trades.search(W, SearchQuery(text="焊接", require_relevance=True))

    assert ids(hits) == ["welder-strong", "welder-some"]
    assert hits[0].relevance > hits[1].relevance > 0


def test_a_word_inside_a_longer_word_is_found(trades: SearchIndex) -> None:
    assert ids(trades.search(W, SearchQuery(text="数控", require_relevance=True))) == ["turner"]
    assert ids(trades.search(W, SearchQuery(text="容器", require_relevance=True))) == ["welder-strong"]
    assert ids(trades.search(W, SearchQuery(text="plc", require_relevance=True))) == ["electrician"]


def test_without_require_relevance_text_orders_but_does_not_filter(trades: SearchIndex) -> None:
    hits = trades.search(W, SearchQuery(text="焊接"))

    assert set(ids(hits)) == {"welder-strong", "welder-some", "turner", "electrician"}
    assert ids(hits)[:2] == ["welder-strong", "welder-some"]
    assert hits[2].relevance == hits[3].relevance == 0


def test_boost_terms_raise_the_documents_that_hold_them(trades: SearchIndex) -> None:
    plain = trades.search(W, SearchQuery(text="数控 电工", require_relevance=True))
    boosted = trades.search(
        W, SearchQuery(text="数控 电工", boost_terms=(("skills", "PLC编程"),), require_relevance=True)
    )

    assert set(ids(plain)) == set(ids(boosted)) == {"turner", "electrician"}
    assert ids(boosted)[0] == "electrician"
    by_id = {hit.id: hit.relevance for hit in plain}
    assert {hit.id: hit.relevance for hit in boosted}["electrician"] > by_id["electrician"]


def test_boosts_add_their_weight_but_never_admit_a_document(trades: SearchIndex) -> None:
    """The engine's first cut of ranking: a Boost orders, whatever way a document qualified."""
    asked = SearchQuery(boost_terms=(("skills", "氩弧焊"),), require_relevance=True)
    plain = {hit.id: hit.relevance for hit in trades.search(W, asked)}
    boosts = (Boost(Terms("skills", ("压力容器焊接",)), 3.0), Boost(Terms("skills", ("PLC编程",)), 5.0),
              Boost(Range("level", gte=4), 0.5))
    boosted = trades.search(W, SearchQuery(boost_terms=asked.boost_terms, require_relevance=True, boosts=boosts))

    assert set(ids(boosted)) == set(plain) == {"welder-strong", "welder-some"}  # the electrician stays out
    by_id = {hit.id: hit.relevance for hit in boosted}
    assert by_id["welder-strong"] == pytest.approx(plain["welder-strong"] + 3.5, rel=1e-4)
    assert by_id["welder-some"] == pytest.approx(plain["welder-some"] + 0.5, rel=1e-4)
    assert ids(boosted)[0] == "welder-strong"


def test_boosts_alone_order_what_the_filters_admit(trades: SearchIndex) -> None:
    hits = trades.search(W, SearchQuery(filters=(Range("level", gte=1),), boosts=(Boost(Terms("skills", ("数控车床",)), 2.0),)))
    assert set(ids(hits)) == {"welder-strong", "welder-some", "turner", "electrician"}
    assert ids(hits)[0] == "turner" and hits[0].relevance == pytest.approx(2.0, rel=1e-4)
    assert hits[1].relevance == 0
    with pytest.raises(ValueError, match="salary"):
        trades.search(W, SearchQuery(boosts=(Boost(Terms("salary", ("1",)), 1.0),)))


def test_require_relevance_accepts_a_boost_term_alone(trades: SearchIndex) -> None:
    hits = trades.search(W, SearchQuery(boost_terms=(("skills", "氩弧焊"), ("skills", "数控车床")), require_relevance=True))
    assert set(ids(hits)) == {"welder-strong", "welder-some", "turner"}

    none = trades.search(W, SearchQuery(text="纺织", boost_terms=(("skills", "缝纫"),), require_relevance=True))
    assert none == []


def test_relevance_and_filters_combine(trades: SearchIndex) -> None:
    hits = trades.search(
        W, SearchQuery(filters=(Terms("skills", ("氩弧焊",)),), text="压力容器", require_relevance=False)
    )
    assert ids(hits) == ["welder-strong", "welder-some"]


# --- the skill achievement database: achievement fields of worker documents ----------------------


@pytest.fixture
def achievers(search_index: SearchIndex) -> SearchIndex:
    """Workers with achievements and awards (multi-valued kinds and years, a text field of their own)."""
    search_index.upsert(
        W,
        [
            worker("pipe", text="焊工 氩弧焊", achievement_kinds=["patent", "award"], achievement_years=[2015, 2023],
                   achievement_text="一种管道焊接定位装置 全国焊工技能大赛"),
            worker("boiler", text="焊工 管道焊接 锅炉", achievement_kinds=["work_method"], achievement_years=[2021],
                   achievement_text="锅炉水冷壁带压补焊操作法"),
            worker("lathe", text="车工 焊接", achievement_kinds=["process_innovation"], achievement_years=[2019],
                   achievement_text="薄壁套筒数控车削工艺改进"),
            worker("none", text="焊接 管道", achievement_kinds=[], achievement_years=[], achievement_text=""),
        ],
    )
    search_index.refresh()
    return search_index


def test_a_range_on_a_multi_valued_int_matches_any_value(achievers: SearchIndex) -> None:
    assert found(achievers, Range("achievement_years", gte=2020, lte=2022)) == {"boiler"}
    assert found(achievers, Range("achievement_years", gte=2016, lte=2019)) == {"lathe"}
    assert found(achievers, Range("achievement_years", gte=2023)) == {"pipe"}
    assert found(achievers, Range("achievement_years", gte=1950)) == {"pipe", "boiler", "lathe"}  # holds any
    assert found(achievers, Terms("achievement_kinds", ("award", "work_method"))) == {"pipe", "boiler"}


def test_text_searches_the_text_field_it_names(achievers: SearchIndex) -> None:
    on_achievements = achievers.search(W, SearchQuery(text="焊接", require_relevance=True, text_field="achievement_text"))
    assert ids(on_achievements) == ["pipe"]  # "none" and "lathe" name 焊接 only in `text`
    assert set(ids(achievers.search(W, SearchQuery(text="焊接", require_relevance=True)))) == {"boiler", "lathe", "none"}
    default = achievers.search(W, SearchQuery(text="车削", require_relevance=True))
    assert ids(default) == []  # 车削 is only in an achievement title, not in `text`
    assert ids(achievers.search(W, SearchQuery(text="车削", require_relevance=True, text_field="achievement_text"))) == ["lathe"]
    with pytest.raises(ValueError, match="achievement_kinds"):
        achievers.search(W, SearchQuery(text="焊接", text_field="achievement_kinds"))


# --- paging, scan, refresh ----------------------------------------------------------------------


def test_limit_and_offset_page_through_without_overlap(search_index: SearchIndex) -> None:
    search_index.upsert(W, [worker(f"w-{n:02d}", text="焊接 " * (1 + n % 4)) for n in range(25)])
    search_index.refresh()

    pages = [ids(search_index.search(W, SearchQuery(text="焊接", limit=10, offset=offset))) for offset in (0, 10, 20)]

    assert [len(page) for page in pages] == [10, 10, 5]
    assert len(set().union(*pages)) == 25
    assert search_index.search(W, SearchQuery(text="焊接", limit=0)) == []
    assert search_index.search(W, SearchQuery(limit=10, offset=25)) == []


def test_scan_returns_every_live_document_once(search_index: SearchIndex) -> None:
    total = 2_345  # more than one scan page
    for start in range(0, total, 1_000):
        search_index.upsert(W, [worker(f"w-{n:05d}", level=n % 8) for n in range(start, min(start + 1_000, total))])
    search_index.delete(W, [(f"w-{n:05d}", 2) for n in range(0, total, 100)])
    search_index.refresh()

    scanned = list(search_index.scan(W))

    expected = {f"w-{n:05d}" for n in range(total) if n % 100}
    assert len(scanned) == len(expected)
    assert {hit.id for hit in scanned} == expected
    assert all(hit.source["id"] == hit.id and hit.version == 1 for hit in scanned)
    assert list(search_index.scan(P)) == []


def test_refresh_makes_writes_searchable(search_index_factory: Callable[..., SearchIndex]) -> None:
    index = search_index_factory(refresh_every_s=60)
    index.upsert(W, [worker("w-1", text="焊接")])
    assert index.search(W, SearchQuery(text="焊接", require_relevance=True)) == []  # not yet

    index.refresh()

    assert ids(index.search(W, SearchQuery(text="焊接", require_relevance=True))) == ["w-1"]
    assert index.count(W) == 1


def test_writes_become_searchable_on_their_own(search_index: SearchIndex) -> None:
    search_index.upsert(W, [worker("w-nrt", text="焊接")])
    deadline = time.monotonic() + 5
    while not search_index.search(W, SearchQuery(text="焊接", require_relevance=True)):
        assert time.monotonic() < deadline, "a write never became searchable without refresh()"
        time.sleep(0.02)
    assert search_index.count(W) == 1


def test_searches_run_while_a_consumer_writes(search_index: SearchIndex) -> None:
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                for hit in search_index.search(W, SearchQuery(filters=(Range("level", gte=0),), text="焊接", limit=50)):
                    assert hit.source["id"] == hit.id
        except BaseException as error:  # surfaced below
            errors.append(error)

    readers = [threading.Thread(target=reader) for _ in range(3)]
    for thread in readers:
        thread.start()
    applied = 0
    for batch in range(10):
        docs = [worker(f"w-{batch}-{n}", version=1, text="焊接") for n in range(200)]
        applied += search_index.upsert(W, docs)
        applied += search_index.upsert(W, docs[:50])  # replayed: not applied again
    stop.set()
    for thread in readers:
        thread.join()
    search_index.refresh()

    assert errors == []
    assert applied == 2_000
    assert search_index.count(W) == 2_000


def test_documents_versions_and_tombstones_survive_a_restart(search_index_factory: Callable[..., SearchIndex]) -> None:
    first = search_index_factory()
    first.upsert(W, [worker("w-1", 4, text="氩弧焊"), worker("w-2", 2)])
    first.upsert(P, [IndexDoc("p-1", 1, {"status": "open", "text": "焊接修复"}, {"title": "焊接修复"})])
    first.delete(W, [("w-2", 3)])
    first.close()  # no refresh: close must make everything durable

    second = search_index_factory()

    assert second.get(W, "w-1").version == 4
    assert second.get(W, "w-2") is None
    assert second.upsert(W, [worker("w-1", 4), worker("w-2", 3)]) == 0
    assert second.versions(W, ["w-1"]) == {"w-1": 4}
    assert ids(second.search(W, SearchQuery(text="氩弧焊", require_relevance=True))) == ["w-1"]
    assert second.get(P, "p-1").source == {"title": "焊接修复"}
    assert second.ping() is True


# --- the tantivy adapter's own machinery ----------------------------------------------------------


def test_common_words_only_score_unless_the_rarer_ones_cannot_fill_the_page(tmp_path) -> None:
    from services.matching.index.tantivy import TantivyIndex

    index = TantivyIndex(tmp_path / "common", common_word_share=0.5, common_word_min_docs=1)
    try:
        index.upsert(W, [worker(f"w-{n}", text="设备 维修 " + ("锅炉" if n < 3 else "")) for n in range(10)])
        index.refresh()

        narrow = index.search(W, SearchQuery(text="锅炉维修", require_relevance=True, limit=3))
        wide = index.search(W, SearchQuery(text="锅炉维修", require_relevance=True, limit=5))

        assert sorted(ids(narrow)) == ["w-0", "w-1", "w-2"]
        assert narrow[0].relevance > 0  # 维修 still scores them
        assert len(wide) == 5 and set(ids(narrow)) <= set(ids(wide))  # the page is filled by 维修 alone
        assert ids(wide)[:3] == ids(narrow)
    finally:
        index.close()


def test_tantivy_reads_an_older_erasure_tombstone_as_erased_at_an_unknown_version(tmp_path) -> None:
    """Older code wrote erasure tombstones at 2^62, shutting a returning person out for good."""
    from services.matching.index import tantivy as index_tantivy

    index = index_tantivy.TantivyIndex(tmp_path / "search")
    index.upsert(W, [worker("w-gone", 3), worker("w-kept", 1)])
    state = index._kinds[W]
    with index._lock:  # what the older erase() wrote
        index._write_tombstone(state, "w-gone", index_tantivy.LEGACY_ERASED_VERSION, replace=True)
        state.dirty = True
        index._commit_locked()
    assert index.versions(W, ["w-gone"]) == {"w-gone": index_tantivy.LEGACY_ERASED_VERSION}
    index.close()

    reopened = index_tantivy.TantivyIndex(tmp_path / "search")
    try:
        assert reopened.versions(W, ["w-gone", "w-kept"]) == {"w-gone": 0, "w-kept": 1}
        assert reopened.get(W, "w-gone") is None
        assert reopened.upsert(W, [worker("w-gone", 4, text="焊接")]) == 1  # the person came back
        reopened.refresh()
        assert ids(reopened.search(W, SearchQuery(text="焊接", require_relevance=True))) == ["w-gone"]
        assert reopened.erase(W, "w-gone", 5) is True  # and can leave again, cleanly
        assert reopened.get(W, "w-gone") is None
    finally:
        reopened.close()


# --- the Elasticsearch adapter without a server -------------------------------------------------


@pytest.fixture
def unreachable_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def test_an_unreachable_elasticsearch_is_unavailable_not_a_crash(unreachable_url: str) -> None:
    with pytest.raises(SearchIndexUnavailable):
        ElasticsearchIndex(unreachable_url, request_timeout_s=1)

    index = ElasticsearchIndex(unreachable_url, request_timeout_s=1, create_indexes=False)
    try:
        assert index.ping() is False
        # Each call gets past the client's own argument checks and fails only at the transport.
        for call in (
            lambda: index.upsert(W, [worker("w-1")]),
            lambda: index.delete(W, [("w-1", 2)]),
            lambda: index.get(W, "w-1"),
            lambda: index.versions(W, ["w-1"]),
            lambda: index.search(W, SearchQuery(text="焊接", filters=(Terms("level", (4,)),))),
            lambda: index.count(W, [Range("level", gte=4)]),
            lambda: list(index.scan(W)),
            lambda: index.refresh(),
            lambda: index.erase(W, "w-1", 2),
            lambda: index.rebuild(W, [worker("w-1")]),
        ):
            with pytest.raises(SearchIndexUnavailable):
                call()
    finally:
        index.close()


def test_generated_elasticsearch_templates_are_up_to_date() -> None:
    rendered = index_elastic.render_templates()

    assert set(rendered) == {"talentflow-workers.json", "talentflow-postings.json", "talentflow-courses.json"}
    for file_name, text in rendered.items():
        on_disk = index_elastic.GENERATED_TEMPLATES / file_name
        assert on_disk.exists(), f"run: python -m services.matching.index.elastic ({file_name} missing)"
        assert on_disk.read_text("utf-8") == text, f"run: python -m services.matching.index.elastic ({file_name} stale)"
        template = json.loads(text)
        assert template["_meta"]["alias"] == file_name.removesuffix(".json")


# --- text cutting (what makes the tantivy adapter's Chinese search work) -----------------------


def test_text_is_cut_into_words_and_the_words_inside_them() -> None:
    assert index_tokens("压力容器焊接") == ["压力", "容器", "压力容器", "焊接"]
    assert query_tokens("焊接 焊接，焊接") == ["焊接"]
    assert query_tokens("压力容器焊接") == ["压力容器", "焊接"]  # a query keeps the long words
    assert set(query_tokens("数控车床 电焊工")) <= set(index_tokens("数控车床 电焊工"))
    assert "plc" in index_tokens("ＰＬＣ编程")  # full-width folded, Latin lower-cased
    assert index_tokens("的 、。") == []  # stop words and punctuation are not tokens


def test_occupation_names_are_dictionary_words() -> None:
    with_names = ChineseCutter(with_occupations=True).index_tokens("喷涂喷焊工")
    without = ChineseCutter(with_occupations=False).index_tokens("喷涂喷焊工")
    assert "喷涂喷焊工" in with_names
    assert "喷涂喷焊工" not in without


def test_a_reader_process_sees_what_the_writer_process_commits(tmp_path) -> None:
    """`talentflow serve matching --no-workers` beside `talentflow work matching`: one writer
    process, readers that open the index read-only and reload on each commit."""
    import subprocess
    import sys

    from services.matching.index.tantivy import TantivyIndex

    folder = tmp_path / "search"
    writer = TantivyIndex(folder)
    writer.upsert(W, [worker("w-first", skills=["氩弧焊"])])
    writer.refresh()
    reader = TantivyIndex(folder, read_only=True)
    try:
        assert reader.get(W, "w-first") is not None
        with pytest.raises(RuntimeError, match="read-only"):
            reader.upsert(W, [worker("w-x")])
        # a second writer is refused while the first holds the index
        with pytest.raises(RuntimeError, match="for writing"):
            TantivyIndex(folder)
        writer.close()
        # the writer is now another process, as `talentflow work matching` would be
        script = (
            "import sys; from services.matching.index.tantivy import TantivyIndex;"
            "from tests.contract.test_search_index import W, worker;"
            f"index = TantivyIndex({str(folder)!r}); index.upsert(W, [worker('w-later', skills=['氩弧焊'])]);"
            "index.close()"
        )
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60, cwd=Path(__file__).parents[2])
        deadline = time.monotonic() + 10
        asked = SearchQuery(boost_terms=(("skills", "氩弧焊"),), require_relevance=True)
        while {h.id for h in reader.search(W, asked)} != {"w-first", "w-later"}:
            assert time.monotonic() < deadline, "the reader never saw the other process's commit"
            time.sleep(0.05)
        reader.close()  # commits nothing, and the folder stays writable for the writer process
        TantivyIndex(folder).close()
    finally:
        reader.close()


@pytest.mark.parametrize(("run_workers", "process", "read_only"), [
    ("true", None, False),  # the embedded run: one process serves and writes
    ("false", None, False),  # a test driving the workers itself
    ("false", "http", True),  # talentflow serve matching --no-workers
    ("false", "work", False),  # talentflow work matching
])
def test_only_an_http_process_without_workers_opens_the_embedded_index_read_only(monkeypatch, run_workers, process,
                                                                                  read_only) -> None:
    from services.matching.settings import Settings

    monkeypatch.setenv("TALENTFLOW_RUN_WORKERS", run_workers)
    if process:
        monkeypatch.setenv("TALENTFLOW_PROCESS", process)
    else:
        monkeypatch.delenv("TALENTFLOW_PROCESS", raising=False)
    assert Settings().index_read_only is read_only
