"""Matching's search index: the `SearchIndex` port (port.py) and its adapters.

- `port.py` — the Protocol, document fields, the filter language, `SearchIndexUnavailable` and
  the version constants every adapter shares;
- `tantivy.py` — the embedded default (one folder on disk), `textcut.py` its Chinese cutter;
- `elastic.py` — Elasticsearch, for scale-out;
- `holder.py` — index generations on disk and the `IndexHolder` a running service reads through.

Importing this package gives the port only; an adapter is imported where it is chosen (app.py).
"""

from services.matching.index.port import (
    BOOST_TERM_WEIGHT,
    ERASED_VERSION,
    FIELDS,
    LEGACY_ERASED_VERSION,
    MAX_VERSION,
    AllOf,
    AnyOf,
    Boost,
    FieldType,
    Filter,
    IndexDoc,
    IndexHit,
    Kind,
    MatchOrder,
    Range,
    SearchIndex,
    SearchIndexUnavailable,
    SearchQuery,
    Terms,
)

__all__ = [
    "BOOST_TERM_WEIGHT",
    "ERASED_VERSION",
    "FIELDS",
    "LEGACY_ERASED_VERSION",
    "MAX_VERSION",
    "AllOf",
    "AnyOf",
    "Boost",
    "FieldType",
    "Filter",
    "IndexDoc",
    "IndexHit",
    "Kind",
    "MatchOrder",
    "Range",
    "SearchIndex",
    "SearchIndexUnavailable",
    "SearchQuery",
    "Terms",
]
