"""The scale-out `SearchIndex`: Elasticsearch through the official client (elasticsearch-py 9).

Per Kind an index `{prefix}-{kind}-v{N}` sits behind the alias `{prefix}-{kind}`; every read and
write goes through the alias, so `rebuild()` can fill `v{N+1}` from the log and swap the alias in
one atomic `_aliases` call. Settings and mappings are generated from `search.FIELDS`
(`mappings_for`, `settings_for`); `write_templates()` writes the same as composable index
templates to deploy/elasticsearch/generated/, and a test keeps those files up to date.

Versioning is Elasticsearch's own external versioning: a document is indexed with
`version_type=external` and the entity version, so an older or equal version is refused by the
engine with a 409 (counted as not applied), on every shard copy, whatever order writes arrive in.
A delete carries the version too (`external_gte`: the port deletes at "at least the held
version") and leaves a tombstone that refuses older upserts for `index.gc_deletes` (7 days here);
replays of older events after that window could resurrect a deleted document (docs/matching.md).
An erasure is such a delete at the erasure's own version (refreshed at once): a repeated or older
erasure is refused with a 409 (a no-op), and a returning person's profile, whose versions continue
above the erasure, is indexed as usual. Older code deleted erased ids at 2^62; Elasticsearch cannot
lower an external version, so such a tombstone refuses a returning person until `gc_deletes` has
passed or `talentflow replay matching` has built a new generation (which starts without it).
Tombstone versions cannot be read back through the API, so `versions()` reports live documents
only (`reports_tombstone_versions = False`).

Only this module imports the Elasticsearch client. The pure functions (mappings, filter and query
translation, bulk actions, result counting) are unit-tested without a server.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from services.matching.index.port import (
    BOOST_TERM_WEIGHT,
    LEGACY_ERASED_VERSION,
    MAX_VERSION,
    SearchIndexUnavailable,
    FIELDS,
    AllOf,
    AnyOf,
    FieldType,
    Filter,
    IndexDoc,
    IndexHit,
    Kind,
    Range,
    SearchQuery,
    Terms,
)

__all__ = [
    "BOOST_TERM_WEIGHT",
    "GENERATED_TEMPLATES",
    "LEGACY_ERASED_VERSION",
    "MAX_VERSION",
    "ElasticsearchIndex",
    "SearchIndexUnavailable",
    "applied_count",
    "delete_actions",
    "erase_actions",
    "filter_clause",
    "index_template",
    "mappings_for",
    "search_body",
    "settings_for",
    "upsert_actions",
    "write_templates",
]

MAX_RESULT_WINDOW = 10_000
MAX_ID_LENGTH = 512
GC_DELETES = "7d"
DEFAULT_ANALYZER = "smartcn"
BULK_CHUNK = 1_000
TEMPLATE_VERSION = 1
# High enough to win over a catch-all template an operator may have for `*` indexes.
TEMPLATE_PRIORITY = 600
GENERATED_TEMPLATES = Path(__file__).resolve().parents[3] / "deploy" / "elasticsearch" / "generated"

_GENERATION = re.compile(r"-v(\d+)$")



# --- names, settings, mappings, templates -------------------------------------------------------


def alias_name(prefix: str, kind: Kind) -> str:
    return f"{prefix}-{Kind(kind).value}"


def index_name(prefix: str, kind: Kind, generation: int) -> str:
    return f"{alias_name(prefix, kind)}-v{generation}"


def _text_mapping(analyzer: str) -> dict[str, Any]:
    mapping: dict[str, Any] = {"type": "text", "analyzer": analyzer}
    if analyzer == "ik_max_word":
        mapping["search_analyzer"] = "ik_smart"  # IK's usual pair: fine-grained index, coarse query
    return mapping


_TYPE_MAPPINGS: dict[FieldType, dict[str, Any]] = {
    FieldType.keyword: {"type": "keyword"},
    FieldType.int: {"type": "long"},
    FieldType.float: {"type": "double"},
    FieldType.bool: {"type": "boolean"},
}


def mappings_for(kind: Kind, *, analyzer: str = DEFAULT_ANALYZER) -> dict[str, Any]:
    """The index mappings for a Kind, generated from FIELDS (plus id, version, source, location)."""
    properties: dict[str, Any] = {
        "id": {"type": "keyword"},
        "version": {"type": "long"},
        # Kept in _source and handed back with hits; never indexed, never searched.
        "source": {"type": "object", "enabled": False},
        # Not sent by the port today; mapped so a distance filter can be added without a rebuild.
        "location": {"type": "geo_point"},
    }
    for name, field_type in FIELDS[Kind(kind)].items():
        properties[name] = _text_mapping(analyzer) if field_type is FieldType.text else dict(_TYPE_MAPPINGS[field_type])
    return {"dynamic": "strict", "properties": properties}


def settings_for(kind: Kind, *, refresh_interval: str = "500ms", shards: int = 1, replicas: int = 1) -> dict[str, Any]:
    """Index settings: explicit refresh interval, long-lived delete tombstones, the result window."""
    return {
        "index": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "refresh_interval": refresh_interval,
            "gc_deletes": GC_DELETES,
            "max_result_window": MAX_RESULT_WINDOW,
        }
    }


def index_template(
    kind: Kind, *, prefix: str = "talentflow", analyzer: str = DEFAULT_ANALYZER, refresh_interval: str = "500ms"
) -> dict[str, Any]:
    """A composable index template (`PUT _index_template/<name>`) shaping `{prefix}-{kind}-v*`, in
    the format deploy/elasticsearch/bootstrap.py installs (`_meta.alias`, `_meta.initial_index`)."""
    kind = Kind(kind)
    settings = settings_for(kind, refresh_interval=refresh_interval)
    settings["index"].pop("number_of_replicas")
    settings["index"]["auto_expand_replicas"] = "0-1"
    return {
        "index_patterns": [f"{alias_name(prefix, kind)}-v*"],
        "priority": TEMPLATE_PRIORITY,
        "version": TEMPLATE_VERSION,
        "_meta": {
            "description": (
                f"Generated from services/matching/index/port.py FIELDS[{kind.value}] by "
                "services.matching.index.elastic.write_templates(); do not edit by hand."
            ),
            "alias": alias_name(prefix, kind),
            "initial_index": index_name(prefix, kind, 1),
        },
        "template": {"settings": settings, "mappings": mappings_for(kind, analyzer=analyzer)},
    }


def render_templates(prefix: str = "talentflow") -> dict[str, str]:
    """File name → JSON text of every generated template."""
    return {
        f"{alias_name(prefix, kind)}.json": json.dumps(index_template(kind, prefix=prefix), ensure_ascii=False, indent=2) + "\n"
        for kind in Kind
    }


def write_templates(folder: Path = GENERATED_TEMPLATES) -> list[Path]:
    """(Re)write deploy/elasticsearch/generated/*.json from FIELDS; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in render_templates().items():
        path = folder / file_name
        path.write_text(text, "utf-8")
        written.append(path)
    return written


# --- validation shared by writes and queries ----------------------------------------------------


def _check_id(doc_id: str) -> None:
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > MAX_ID_LENGTH:
        raise ValueError(f"document id must be a non-empty string of at most {MAX_ID_LENGTH} characters: {doc_id!r}")


def _check_version(version: int) -> None:
    if isinstance(version, bool) or not isinstance(version, int) or not 0 <= version < MAX_VERSION:
        raise ValueError(f"version must be an integer in [0, 2^62): {version!r}")


def _field_type(kind: Kind, name: str, *, for_filter: bool) -> FieldType:
    if for_filter and name == "id":
        return FieldType.keyword
    field_type = FIELDS[Kind(kind)].get(name)
    if field_type is None:
        raise ValueError(f"unknown field {name!r} of {Kind(kind).value}")
    return field_type


def _typed(where: str, field_type: FieldType, value: Any) -> Any:
    """A scalar in the field's type; strict, because a wrong type is a caller's bug, not a miss."""
    if field_type in (FieldType.keyword, FieldType.text):
        if not isinstance(value, str):
            raise ValueError(f"{where}: expected a string, got {value!r}")
        return value
    if field_type is FieldType.bool:
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true/false, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{where}: expected a finite number, got {value!r}")
    if field_type is FieldType.int:
        if value != int(value):
            raise ValueError(f"{where}: expected an integer, got {value!r}")
        return int(value)
    return float(value)


def document_body(kind: Kind, doc: IndexDoc) -> dict[str, Any]:
    """The `_source` of one document: the port's fields, id, version and the stored source."""
    _check_id(doc.id)
    _check_version(doc.version)
    body: dict[str, Any] = {"id": doc.id, "version": doc.version, "source": doc.source}
    for name, value in doc.fields.items():
        field_type = _field_type(kind, name, for_filter=False)
        if value is None:
            continue
        where = f"{Kind(kind).value} document {doc.id}: field {name!r}"
        if field_type is FieldType.keyword:
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, (list, tuple)):
                raise ValueError(f"{where}: expected a string or a list of strings")
            body[name] = [_typed(where, field_type, v) for v in values if v != ""]
        else:
            body[name] = _typed(where, field_type, value)
    return body


# --- filters and queries ------------------------------------------------------------------------

MATCH_NOTHING: dict[str, Any] = {"bool": {"must_not": [{"match_all": {}}]}}
MATCH_ALL: dict[str, Any] = {"match_all": {}}


def filter_clause(kind: Kind, node: Filter) -> dict[str, Any]:
    """One node of the filter AST as an Elasticsearch query clause (filter context, no scoring)."""
    if isinstance(node, Terms):
        field_type = _field_type(kind, node.field, for_filter=True)
        if field_type is FieldType.text:
            raise ValueError(f"filter on text field {node.field!r}: use SearchQuery.text")
        values = [_typed(f"filter {node.field!r}", field_type, v) for v in node.values]
        return {"terms": {node.field: values}} if values else MATCH_NOTHING
    if isinstance(node, Range):
        field_type = _field_type(kind, node.field, for_filter=True)
        if field_type not in (FieldType.int, FieldType.float):
            raise ValueError(f"range filter on {field_type} field {node.field!r}: only int and float fields")
        if node.gte is None and node.lte is None:
            return {"exists": {"field": node.field}}
        bounds: dict[str, Any] = {}
        if node.gte is not None:
            bounds["gte"] = _typed(f"range {node.field!r}", FieldType.float, node.gte)
        if node.lte is not None:
            bounds["lte"] = _typed(f"range {node.field!r}", FieldType.float, node.lte)
        if field_type is FieldType.int:  # integer bounds as tantivy uses them: ceil(gte), floor(lte)
            bounds = {k: (math.ceil(v) if k == "gte" else math.floor(v)) for k, v in bounds.items()}
        return {"range": {node.field: bounds}}
    if isinstance(node, AnyOf):
        if not node.clauses:
            return MATCH_NOTHING
        return {"bool": {"should": [filter_clause(kind, c) for c in node.clauses], "minimum_should_match": 1}}
    if isinstance(node, AllOf):
        if not node.clauses:
            return MATCH_ALL
        return {"bool": {"filter": [filter_clause(kind, c) for c in node.clauses]}}
    raise ValueError(f"not a filter: {node!r}")


def filters_query(kind: Kind, filters: Sequence[Filter]) -> dict[str, Any]:
    if not filters:
        return MATCH_ALL
    return {"bool": {"filter": [filter_clause(kind, f) for f in filters]}}


def _check_window(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")
    if limit + offset > MAX_RESULT_WINDOW:
        raise ValueError(f"offset + limit must be at most {MAX_RESULT_WINDOW}")


def search_body(kind: Kind, query: SearchQuery) -> dict[str, Any]:
    """The `_search` request for a SearchQuery: filters in filter context, text by BM25 on `text`,
    each boost term a constant `BOOST_TERM_WEIGHT`, each `Boost` a `constant_score` should clause
    of its weight (the same query the tantivy adapter builds); ties broken by id so pages never
    overlap."""
    _check_window(query.limit, query.offset)
    relevance: list[dict[str, Any]] = []
    if _field_type(kind, query.text_field, for_filter=False) is not FieldType.text:
        raise ValueError(f"text field {query.text_field!r} is not a text field of {Kind(kind).value}")
    if query.text.strip():
        relevance.append({"match": {query.text_field: {"query": query.text}}})
    for field_name, value in query.boost_terms:
        if _field_type(kind, field_name, for_filter=False) is not FieldType.keyword:
            raise ValueError(f"boost term field {field_name!r} is not a keyword field of {Kind(kind).value}")
        relevance.append({"constant_score": {"filter": {"term": {field_name: str(value)}}, "boost": BOOST_TERM_WEIGHT}})
    boolean: dict[str, Any] = {"filter": [filter_clause(kind, f) for f in query.filters]}
    boosts = [{"constant_score": {"filter": filter_clause(kind, b.filter), "boost": float(b.weight)}}
              for b in query.boosts]
    if relevance and boosts and query.require_relevance:
        # A boost must not count as the required hit: the relevance clauses go in a must of their own.
        boolean["must"] = [{"bool": {"should": relevance, "minimum_should_match": 1}}]
        boolean["should"] = boosts
        boolean["minimum_should_match"] = 0
    elif relevance or boosts:
        # Without require_relevance the text only orders; with it, one clause must match.
        boolean["should"] = relevance + boosts
        boolean["minimum_should_match"] = 1 if query.require_relevance and relevance else 0
    return {
        "query": {"bool": boolean},
        "from": query.offset,
        "size": query.limit,
        "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "asc"}}],
        "track_scores": True,
        "track_total_hits": False,
        "version": True,
        "_source": ["source"],
    }


# --- bulk writes --------------------------------------------------------------------------------


def upsert_actions(index: str, kind: Kind, docs: Sequence[IndexDoc]) -> list[dict[str, Any]]:
    """Bulk `index` actions with external versions (validated all before any is sent)."""
    return [
        {
            "_op_type": "index",
            "_index": index,
            "_id": doc.id,
            "version": doc.version,
            "version_type": "external",
            "_source": document_body(kind, doc),
        }
        for doc in docs
    ]


def delete_actions(index: str, items: Sequence[tuple[str, int]], *, version_type: str = "external_gte") -> list[dict[str, Any]]:
    actions = []
    for doc_id, version in items:
        _check_id(doc_id)
        _check_version(version)
        actions.append({"_op_type": "delete", "_index": index, "_id": doc_id, "version": version, "version_type": version_type})
    return actions


def erase_actions(index: str, doc_id: str, version: int) -> list[dict[str, Any]]:
    """The bulk action of an erasure: a delete at the erasure's own version (`external_gte`, as any
    delete: a document held at that very version goes too; an older erasure gets a 409)."""
    return delete_actions(index, [(doc_id, version)])


def applied_count(results: Iterable[tuple[bool, dict[str, Any]]]) -> int:
    """How many bulk items took effect. A 409 is a stale version (not applied, not an error); a
    delete of a missing document (404) still records its tombstone, so it counts as applied.
    Anything else fails the call: SearchIndexUnavailable when every failure is worth a retry
    (429, 5xx, a transport error), RuntimeError otherwise (a document the mapping refuses)."""
    applied = 0
    failures: list[tuple[int, str]] = []
    for ok, item in results:
        ((op_type, info),) = item.items()
        status = info.get("status", 500)
        status = status if isinstance(status, int) else 500
        if ok or (op_type == "delete" and status == 404):
            applied += 1
        elif status != 409:
            failures.append((status, f"{op_type} {info.get('_id')}: {status} {info.get('error')}"))
    if failures:
        message = f"{len(failures)} bulk item(s) failed: " + "; ".join(text for _, text in failures[:5])
        if all(status == 429 or status >= 500 for status, _ in failures):
            raise SearchIndexUnavailable(message)
        raise RuntimeError(message)
    return applied


def alias_swap_actions(alias: str, old_indices: Sequence[str], new_index: str) -> list[dict[str, Any]]:
    """One atomic `_aliases` request moving `alias` from the old indices to the new one."""
    actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": alias}} for old in old_indices]
    actions.append({"add": {"index": new_index, "alias": alias, "is_write_index": True}})
    return actions


def generation_of(index: str) -> int:
    found = _GENERATION.search(index)
    return int(found.group(1)) if found else 0


def _body(answer: Any) -> dict[str, Any]:
    """The JSON body of a client response (ObjectApiResponse) or of a plain dict from a fake."""
    return dict(answer.body if hasattr(answer, "body") else answer)


def _hit(raw: dict[str, Any]) -> IndexHit:
    return IndexHit(
        id=raw["_id"],
        version=int(raw.get("_version", 0)),
        relevance=float(raw.get("_score") or 0.0),
        source=(raw.get("_source") or {}).get("source") or {},
    )


# --- the adapter --------------------------------------------------------------------------------


class ElasticsearchIndex:
    """`SearchIndex` on Elasticsearch (see the module docstring)."""

    reports_tombstone_versions = False

    def __init__(
        self,
        url: str | None = None,
        *,
        prefix: str = "talentflow",
        refresh_interval: str = "500ms",
        analyzer: str = DEFAULT_ANALYZER,
        shards: int = 1,
        replicas: int = 1,
        client: Any | None = None,
        api_key: str | None = None,
        request_timeout_s: float = 10.0,
        create_indexes: bool = True,
    ) -> None:
        from elasticsearch import Elasticsearch

        if client is None and not url:
            raise ValueError("ElasticsearchIndex needs a url or a client")
        self.prefix = prefix
        self.refresh_interval = refresh_interval
        self.analyzer = analyzer
        self.shards = shards
        self.replicas = replicas
        self._owns_client = client is None
        self._client = client or Elasticsearch(
            url, api_key=api_key, request_timeout=request_timeout_s, max_retries=3, retry_on_timeout=True
        )
        if create_indexes:  # False when deploy/elasticsearch/bootstrap.py has set the cluster up
            for kind in Kind:
                self._ensure(kind)

    # --- set-up and rebuild ---------------------------------------------------------------------

    def _alias(self, kind: Kind) -> str:
        return alias_name(self.prefix, kind)

    def _ensure(self, kind: Kind) -> None:
        """Create `{prefix}-{kind}-v1` behind its alias, or add missing fields to the existing one."""
        from elasticsearch import BadRequestError

        alias = self._alias(kind)
        mappings = mappings_for(kind, analyzer=self.analyzer)
        with self._translated():
            if self._client.indices.exists_alias(name=alias):
                # Additive only: a field of another type makes Elasticsearch refuse, loudly.
                self._client.indices.put_mapping(index=alias, properties=mappings["properties"])
                return
            try:
                self._client.indices.create(
                    index=index_name(self.prefix, kind, 1),
                    settings=settings_for(
                        kind, refresh_interval=self.refresh_interval, shards=self.shards, replicas=self.replicas
                    ),
                    mappings=mappings,
                    aliases={alias: {"is_write_index": True}},
                )
            except BadRequestError as error:
                # Another process created it a moment ago: that is fine.
                if "resource_already_exists_exception" not in str(error):
                    raise

    def _indices_of(self, kind: Kind) -> dict[str, Any]:
        with self._translated():
            answer = self._client.indices.get(index=f"{self._alias(kind)}-v*", expand_wildcards="open")
        return _body(answer)

    def rebuild(self, kind: Kind, docs: Iterable[IndexDoc], *, keep_old: bool = False) -> str:
        """Fill a new generation `{prefix}-{kind}-v{N+1}` from `docs` (e.g. a replay of the log),
        then move the alias to it atomically; returns the new index name. Writes that reach the
        alias during the rebuild go to the old generation only: replay the log tail afterwards
        (external versions make re-applying safe), as `talentflow replay` does."""
        from elasticsearch import NotFoundError, helpers

        kind = Kind(kind)
        alias = self._alias(kind)
        with self._translated():
            try:
                old_indices = sorted(_body(self._client.indices.get_alias(name=alias)))
            except NotFoundError:  # never set up (create_indexes=False, no bootstrap): a first build
                old_indices = []
        generation = max([generation_of(name) for name in self._indices_of(kind)] + [0]) + 1
        new_index = index_name(self.prefix, kind, generation)
        settings = settings_for(kind, refresh_interval="-1", shards=self.shards, replicas=0)  # bulk load: no refreshes, no copies
        with self._translated():
            self._client.indices.create(index=new_index, settings=settings, mappings=mappings_for(kind, analyzer=self.analyzer))
            iterator = iter(docs)
            while chunk := list(islice(iterator, BULK_CHUNK)):
                results = helpers.streaming_bulk(
                    self._client, upsert_actions(new_index, kind, chunk), raise_on_error=False, raise_on_exception=False
                )
                applied_count(results)
            self._client.indices.put_settings(
                index=new_index,
                settings={"index": {"refresh_interval": self.refresh_interval, "number_of_replicas": self.replicas}},
            )
            self._client.indices.refresh(index=new_index)
            self._client.indices.update_aliases(actions=alias_swap_actions(alias, old_indices, new_index))
            if not keep_old and old_indices:
                self._client.indices.delete(index=",".join(old_indices))
        return new_index

    def drop(self) -> None:
        """Delete every index of this prefix (tests and tear-down; never in a running system)."""
        from elasticsearch import NotFoundError

        with self._translated():
            try:
                answer = self._client.indices.get(index=f"{self.prefix}-*", expand_wildcards="all")
            except NotFoundError:
                return
            names = list(_body(answer))
            if names:
                self._client.indices.delete(index=",".join(names))

    # --- writes ---------------------------------------------------------------------------------

    def upsert(self, kind: Kind, docs: Sequence[IndexDoc]) -> int:
        return self._bulk(upsert_actions(self._alias(kind), kind, docs))

    def delete(self, kind: Kind, items: Sequence[tuple[str, int]]) -> int:
        return self._bulk(delete_actions(self._alias(kind), items))

    def erase(self, kind: Kind, doc_id: str, version: int) -> bool:
        """Delete at the erasure's version: the document goes, a payload-free tombstone refuses older
        upserts for `gc_deletes`; refreshed at once so the person leaves search results now. An
        erasure older than what is held (a newer profile) is refused by the engine: False. (A
        repeated one deletes nothing and may count as applied: Elasticsearch cannot tell.)"""
        return self._bulk(erase_actions(self._alias(kind), doc_id, version), refresh=True) > 0

    def _bulk(self, actions: list[dict[str, Any]], *, refresh: bool = False) -> int:
        from elasticsearch import helpers

        if not actions:
            return 0
        with self._translated():
            results = helpers.streaming_bulk(
                self._client,
                actions,
                chunk_size=BULK_CHUNK,
                raise_on_error=False,
                raise_on_exception=False,
                refresh=refresh,
            )
            return applied_count(results)

    def refresh(self) -> None:
        with self._translated():
            self._client.indices.refresh(index=",".join(self._alias(kind) for kind in Kind))

    # --- reads ----------------------------------------------------------------------------------

    def get(self, kind: Kind, doc_id: str) -> IndexHit | None:
        from elasticsearch import NotFoundError

        with self._translated():
            try:
                raw = self._client.get(index=self._alias(kind), id=doc_id, source_includes=["source"])
            except NotFoundError:
                return None
        return _hit(_body(raw))

    def versions(self, kind: Kind, ids: Sequence[str]) -> dict[str, int]:
        if not ids:
            return {}
        with self._translated():
            answer = self._client.mget(index=self._alias(kind), ids=list(ids), source=False)
        return {doc["_id"]: int(doc["_version"]) for doc in answer["docs"] if doc.get("found")}

    def search(self, kind: Kind, query: SearchQuery) -> list[IndexHit]:
        body = search_body(kind, query)
        if query.limit == 0:
            return []
        with self._translated():
            answer = self._client.search(
                index=self._alias(kind),
                query=body["query"],
                from_=body["from"],
                size=body["size"],
                sort=body["sort"],
                track_scores=body["track_scores"],
                track_total_hits=body["track_total_hits"],
                version=body["version"],
                source=body["_source"],
            )
        return [_hit(raw) for raw in answer["hits"]["hits"]]

    def count(self, kind: Kind, filters: Sequence[Filter] = ()) -> int:
        with self._translated():
            return int(self._client.count(index=self._alias(kind), query=filters_query(kind, filters))["count"])

    def scan(self, kind: Kind) -> Iterator[IndexHit]:
        from elasticsearch import helpers

        with self._translated():
            for raw in helpers.scan(
                self._client,
                index=self._alias(kind),
                query={"query": MATCH_ALL, "_source": ["source"], "version": True},
                size=BULK_CHUNK,
            ):
                yield _hit(raw)

    def ping(self) -> bool:
        try:
            return bool(self._client.ping())
        except Exception:  # /readyz must answer, whatever the transport raises
            return False

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __repr__(self) -> str:
        return f"ElasticsearchIndex(prefix={self.prefix!r})"

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        """Engine failures a caller can only retry become SearchIndexUnavailable; a 4xx (a bug in
        what we sent) stays what the client raised."""
        from elasticsearch import ApiError, TransportError

        try:
            yield
        except TransportError as error:  # connection refused, timeout, TLS
            raise SearchIndexUnavailable(f"Elasticsearch unreachable: {error}") from None
        except ApiError as error:
            if error.status_code == 429 or error.status_code >= 500:
                raise SearchIndexUnavailable(f"Elasticsearch answered {error.status_code}: {error}") from None
            raise


if __name__ == "__main__":  # python -m services.matching.index.elastic: refresh the generated templates
    for written in write_templates():
        print(written)
