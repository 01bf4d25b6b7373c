"""The `SearchIndex` port of the matching service, its document fields and a tiny filter language.

Two adapters implement it (`tantivy.py`, embedded; `elastic.py`, scale-out) and pass one conformance
suite (tests/contract/test_search_index.py), as does the unit tests' fake (tests/fakes_search.py). Retrieval asks the index for candidates that pass hard filters, ranked by text relevance;
ranking happens afterwards in pure Python (`services.matching.ranking`), the same whichever adapter served.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol, runtime_checkable


# Versions are integers in [0, MAX_VERSION); every adapter holds to the same bound.
MAX_VERSION = 2**62
# Older code gave an erased id a tombstone at this version, outranking every later registration of
# the same id; each adapter rewrites or reads such tombstones as "erased at an unknown version".
LEGACY_ERASED_VERSION = 2**62
ERASED_VERSION = LEGACY_ERASED_VERSION  # the name DESIGN and older notes use for the same marker
# A boost term (a wanted skill) weighs like a good word in the relevance score, in every adapter.
BOOST_TERM_WEIGHT = 2.0


class SearchIndexUnavailable(RuntimeError):
    """The index cannot be reached or refuses work for now (retry later); raised by any adapter."""


class Kind(StrEnum):
    workers = "workers"
    postings = "postings"
    courses = "courses"  # training courses (talentflow.courses), for growth paths and course search


class FieldType(StrEnum):
    keyword = "keyword"  # exact values, multi-valued allowed (skills, regions, codes)
    text = "text"  # Chinese full text (jieba in tantivy, smartcn/IK in Elasticsearch)
    int = "int"  # fast/numeric: levels, versions, timestamps (epoch seconds)
    float = "float"  # wages, experience
    bool = "bool"


# The indexed fields. `id`, `version` and the stored JSON `source` are implicit in every kind.
FIELDS: dict[Kind, dict[str, FieldType]] = {
    Kind.workers: {
        "matchable": FieldType.bool,  # consent.matching and status == active
        "level": FieldType.int,  # SkillLevel.rank
        "modes": FieldType.keyword,  # availability modes
        "region": FieldType.keyword,
        "city": FieldType.keyword,
        "province": FieldType.keyword,
        "open_regions": FieldType.keyword,  # 2/4/6-digit prefixes the worker is open to
        "skills": FieldType.keyword,  # canonical skill names (synonyms folded)
        "occupations": FieldType.keyword,  # codes with all their ancestors
        "agency_id": FieldType.keyword,
        "text": FieldType.text,  # skills, occupations, certificates, awards, achievements
        # the skill achievement database (POST /v1/search/achievements, services/matching/achievements.py)
        "achievement_kinds": FieldType.keyword,  # kinds of its achievements, and "award" for awards
        "achievement_years": FieldType.int,  # years of its achievements and awards (multi-valued)
        "achievement_text": FieldType.text,  # titles of its achievements, names of its awards
        "experience": FieldType.float,
        "wage_month": FieldType.float,  # expected monthly-equivalent minimum
        "updated": FieldType.int,  # epoch seconds
    },
    Kind.postings: {
        "status": FieldType.keyword,
        "org_id": FieldType.keyword,
        "kind": FieldType.keyword,
        "min_level": FieldType.int,
        "region": FieldType.keyword,
        "city": FieldType.keyword,
        "province": FieldType.keyword,
        "remote_ok": FieldType.bool,
        "skills": FieldType.keyword,  # canonical names of all wanted skills
        "required_skills": FieldType.keyword,
        "occupations": FieldType.keyword,
        "text": FieldType.text,  # title, description, skills, occupation
        "wage_month": FieldType.float,
        "headcount": FieldType.int,
        "deadline": FieldType.int,  # epoch seconds, 0 = none
        "updated": FieldType.int,
    },
    Kind.courses: {
        "status": FieldType.keyword,
        "org_id": FieldType.keyword,
        "mode": FieldType.keyword,  # onsite, remote, blended
        "region": FieldType.keyword,
        "city": FieldType.keyword,
        "province": FieldType.keyword,
        "skills": FieldType.keyword,  # skills taught, each under every name it is known by (vocabulary, synonyms)
        "occupations": FieldType.keyword,  # codes with all their ancestors
        "level": FieldType.int,  # SkillLevel.rank of prepares_for_level, -1 = none
        "subsidy": FieldType.bool,  # 职业培训补贴
        "starts": FieldType.int,  # epoch seconds of start_on (its midnight in China)
        "ends": FieldType.int,  # epoch seconds of end_on
        "hours": FieldType.float,
        "fee": FieldType.float,  # CNY, 0 = free
        "text": FieldType.text,  # title, description, skills, occupation
        "updated": FieldType.int,
    },
}


# --- filters: a tiny AST each adapter translates to its engine's queries ------------------------


@dataclass(frozen=True)
class Terms:
    """The field holds at least one of `values` (keyword/bool/int equality)."""

    field: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Range:
    field: str
    gte: float | int | None = None
    lte: float | int | None = None


@dataclass(frozen=True)
class AnyOf:
    clauses: tuple[Filter, ...]


@dataclass(frozen=True)
class AllOf:
    clauses: tuple[Filter, ...]


Filter = Terms | Range | AnyOf | AllOf


@dataclass(frozen=True)
class Boost:
    """`weight` added to the score of a document the filter matches; never decides membership.

    The engine's first cut of ranking (required skills, level, region tier …): each adapter
    expresses it as a should clause with a constant score (tantivy `const_score_query`,
    Elasticsearch `constant_score` in `bool.should`)."""

    filter: Filter
    weight: float


@dataclass(frozen=True)
class SearchQuery:
    """Hard filters (must all hold) plus relevance: free text and keyword terms that add score.

    `text` is matched against the `text_field` (a text field; `text` unless said); `boost_terms` are (field, value) keyword matches
    that raise relevance (e.g. required skills) by BOOST_TERM_WEIGHT each. A document must match
    the filters and, when `require_relevance` is set, at least one text word or boost term.
    `boosts` only add score (the first cut of ranking), whichever way a document qualified. The
    relevance of a hit is BM25 of the text + the boost terms it holds + the boosts it matches.
    """

    filters: tuple[Filter, ...] = ()
    text: str = ""
    boost_terms: tuple[tuple[str, str], ...] = ()
    require_relevance: bool = False
    limit: int = 300
    offset: int = 0
    boosts: tuple[Boost, ...] = ()
    text_field: str = "text"


@dataclass(frozen=True)
class IndexDoc:
    id: str
    version: int
    fields: dict[str, Any]  # values for FIELDS[kind]; lists for multi-valued keywords
    source: dict[str, Any]  # the stored document, returned with hits


@dataclass
class IndexHit:
    id: str
    version: int
    relevance: float
    source: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class SearchIndex(Protocol):
    def upsert(self, kind: Kind, docs: Sequence[IndexDoc]) -> int:
        """Write docs whose version is newer than the index holds (or than a tombstone); returns how
        many were applied. Older or equal versions change nothing (replays, reordering)."""

    def delete(self, kind: Kind, items: Sequence[tuple[str, int]]) -> int:
        """Remove (id, version) when the version is at least the held one; keep a tombstone so an
        older upsert arriving later cannot resurrect the document."""

    def get(self, kind: Kind, doc_id: str) -> IndexHit | None: ...

    def versions(self, kind: Kind, ids: Sequence[str]) -> dict[str, int]:
        """Versions the index holds (documents and tombstones) for these ids."""

    def search(self, kind: Kind, query: SearchQuery) -> list[IndexHit]: ...

    def count(self, kind: Kind, filters: Sequence[Filter] = ()) -> int: ...

    def scan(self, kind: Kind) -> Iterator[IndexHit]:
        """Every live document (for replay equality checks and market read models)."""

    def refresh(self) -> None:
        """Make every write so far visible to search (near-real-time commit)."""

    def erase(self, kind: Kind, doc_id: str, version: int) -> bool:
        """PIPL/GDPR erasure at the erasure's version: the document goes, durably and from search at
        once, and a payload-free tombstone at `version` keeps older upserts out. An erasure older
        than what is held (a returning person's newer profile) changes nothing: False. A newer
        upsert (the person registering again) passes the tombstone like any other."""

    def ping(self) -> bool: ...

    def close(self) -> None: ...


MatchOrder = Literal["relevance"]
