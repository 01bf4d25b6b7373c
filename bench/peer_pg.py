"""The peer: the candidates query answered the way a team would otherwise build it, on PostgreSQL.

PostgreSQL has no Chinese parser here (zhparser is not installed), so each worker's text is cut by
the same jieba cutter the embedded index uses (`services.matching.index.textcut`) and stored as
whitespace-separated words; `to_tsvector('simple', …)` then indexes them one lexeme each. The hard
filters are SQL over plain and array columns; relevance is `ts_rank` plus the same constant per
matched boost term (required skills, the occupation) that the tantivy adapter adds; at least one
text word or boost term must match. Indexes are what a competent engineer would add: GIN on the
tsvector and on every array column, btree on level, city and region.

The query is not hand-written per posting: the `SearchQuery` matching builds for the posting
(`handlers.candidate_query`) is translated clause by clause (`to_sql`), so both engines answer the
same question. Latency is measured from Python through psycopg, without HTTP and without ranking:
it is the peer's retrieval, to be compared with our engine floor and, conservatively, with our
whole HTTP answer.

Everything lives in a schema of its own, dropped when the peer is closed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from services.matching.index import FIELDS, AllOf, AnyOf, FieldType, Filter, Kind, Range, SearchQuery, Terms

# Same constant as the adapters (index_tantivy.BOOST_TERM_WEIGHT): a boost term weighs like a good word.
BOOST_TERM_WEIGHT = 2.0
WORKER_FIELDS = FIELDS[Kind.workers]
# Keyword fields that hold several values per worker (text[] columns); the others are scalars.
ARRAY_FIELDS = frozenset({"modes", "open_regions", "skills", "occupations", "agency_id"})
SQL_TYPES = {FieldType.int: "bigint", FieldType.float: "double precision", FieldType.bool: "boolean", FieldType.keyword: "text"}
COLUMNS: tuple[str, ...] = ("id", "matchable", "level", "modes", "region", "city", "province", "open_regions", "skills",
                            "occupations", "agency_id", "experience", "wage_month", "updated", "text_cut")

DDL = """
CREATE TABLE workers (
    id text PRIMARY KEY,
    matchable boolean NOT NULL,
    level bigint NOT NULL,
    modes text[] NOT NULL,
    region text NOT NULL,
    city text NOT NULL,
    province text NOT NULL,
    open_regions text[] NOT NULL,
    skills text[] NOT NULL,
    occupations text[] NOT NULL,
    agency_id text[] NOT NULL,
    experience double precision,
    wage_month double precision,
    updated bigint,
    text_cut text NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text_cut)) STORED
)
"""
INDEXES = (
    "CREATE INDEX workers_tsv ON workers USING gin (tsv)",
    "CREATE INDEX workers_modes ON workers USING gin (modes)",
    "CREATE INDEX workers_open_regions ON workers USING gin (open_regions)",
    "CREATE INDEX workers_skills ON workers USING gin (skills)",
    "CREATE INDEX workers_occupations ON workers USING gin (occupations)",
    "CREATE INDEX workers_level ON workers (level)",
    "CREATE INDEX workers_city ON workers (city)",
    "CREATE INDEX workers_region ON workers (region)",
)


def _column(field: str) -> str:
    if field not in WORKER_FIELDS:
        raise ValueError(f"{field!r} is not a worker field")
    return field  # the column names are the field names (checked above, so never user text)


def filter_sql(node: Filter, params: list[Any]) -> str:
    """One filter of the AST as a SQL condition; its values are appended to `params` (%s placeholders)."""
    if isinstance(node, Terms):
        column = _column(node.field)
        if node.field in ARRAY_FIELDS:
            params.append([str(v) for v in node.values])
            return f"{column} && %s::text[]"
        params.append(list(node.values))
        return f"{column} = ANY(%s::{SQL_TYPES[WORKER_FIELDS[node.field]]}[])"
    if isinstance(node, Range):
        column = _column(node.field)
        parts = []
        if node.gte is not None:
            params.append(node.gte)
            parts.append(f"{column} >= %s")
        if node.lte is not None:
            params.append(node.lte)
            parts.append(f"{column} <= %s")
        return "(" + " AND ".join(parts) + ")" if parts else "TRUE"
    if isinstance(node, AnyOf | AllOf):
        if not node.clauses:
            return "TRUE" if isinstance(node, AllOf) else "FALSE"
        joiner = " OR " if isinstance(node, AnyOf) else " AND "
        return "(" + joiner.join(filter_sql(clause, params) for clause in node.clauses) + ")"
    raise TypeError(f"not a filter: {node!r}")


def tsquery_text(tokens: Sequence[str]) -> str:
    """Tokens as a tsquery of quoted lexemes joined by OR (quotes and backslashes escaped)."""
    quoted = ["'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in tokens if t]
    return " | ".join(quoted)


def to_sql(query: SearchQuery, text_tokens: Sequence[str]) -> tuple[str, list[Any]]:
    """The candidates `SearchQuery` as one SELECT of worker ids, best first, and its parameters."""
    params: list[Any] = []
    ts = tsquery_text(text_tokens)
    rank_parts: list[str] = []
    relevance: list[str] = []
    if ts:
        params.append(ts)
        rank_parts.append("ts_rank(tsv, %s::tsquery)")
    for field, value in query.boost_terms:
        params.append([value])
        rank_parts.append(f"CASE WHEN {_column(field)} && %s::text[] THEN {BOOST_TERM_WEIGHT} ELSE 0 END")
    for boost in query.boosts:  # the engine's first cut of ranking, as both adapters score it
        rank_parts.append(f"CASE WHEN {filter_sql(boost.filter, params)} THEN {float(boost.weight)!r} ELSE 0 END")
    select = f"SELECT id, {' + '.join(rank_parts) or '0'} AS relevance FROM workers"
    where = [filter_sql(f, params) for f in query.filters]
    if query.require_relevance:
        if ts:
            params.append(ts)
            relevance.append("tsv @@ %s::tsquery")
        for field, value in query.boost_terms:
            params.append([value])
            relevance.append(f"{_column(field)} && %s::text[]")
        where.append("(" + " OR ".join(relevance) + ")" if relevance else "FALSE")
    sql = select + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY relevance DESC, id LIMIT %s OFFSET %s"
    params += [query.limit, query.offset]
    return sql, params


def worker_row(doc_id: str, fields: dict[str, Any], text_cut: str) -> tuple[Any, ...]:
    """A worker's indexed fields (documents.worker_fields) as a row of COLUMNS."""
    return (
        doc_id, bool(fields["matchable"]), int(fields["level"]), list(fields["modes"]), fields["region"],
        fields["city"], fields["province"], list(fields["open_regions"]), list(fields["skills"]),
        list(fields["occupations"]), list(fields.get("agency_id") or []), fields.get("experience"),
        fields.get("wage_month"), fields.get("updated"), text_cut,
    )


@dataclass
class PeerLoad:
    rows: int
    copy_s: float
    index_s: float
    table_mib: float


class PostgresPeer:
    """The peer's table in a schema of its own on a PostgreSQL server (psycopg 3)."""

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        import psycopg

        self.schema = schema or f"bench_peer_{uuid.uuid4().hex[:8]}"
        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        self.conn.execute(f'CREATE SCHEMA "{self.schema}"')
        self.conn.execute(f'SET search_path TO "{self.schema}"')
        self.conn.execute(DDL)

    def load(self, rows: Iterable[tuple[Any, ...]]) -> PeerLoad:
        """COPY the rows in, then build the indexes and ANALYZE (faster than indexing while loading)."""
        started = time.perf_counter()
        count = 0
        with self.conn.cursor() as cur, cur.copy(f"COPY workers ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        copied = time.perf_counter()
        for statement in INDEXES:
            self.conn.execute(statement)
        self.conn.execute("ANALYZE workers")
        indexed = time.perf_counter()
        (size,) = self.conn.execute("SELECT pg_total_relation_size('workers')").fetchone()
        return PeerLoad(count, copied - started, indexed - copied, size / 2**20)

    def candidates(self, query: SearchQuery, text_tokens: Sequence[str]) -> list[str]:
        sql, params = to_sql(query, text_tokens)
        return [row[0] for row in self.conn.execute(sql, params).fetchall()]

    def explain(self, query: SearchQuery, text_tokens: Sequence[str]) -> str:
        sql, params = to_sql(query, text_tokens)
        rows = self.conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
        return "\n".join(row[0] for row in rows)

    def close(self) -> None:
        """Drop the schema (and everything in it) and disconnect."""
        try:
            self.conn.execute(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
        finally:
            self.conn.close()
