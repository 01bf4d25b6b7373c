"""Training courses in matching (issue 16): indexed from `talentflow.courses`, found by
`POST /v1/search/courses`, and recommended by the growth path (`GET /v1/workers/{id}/growth`).

- `documents.py` — a course event's data → the index document (`Kind.courses`), and the names a
  skill is known by (vocabulary and synonyms), shared by indexing and querying;
- `domain.py` — the search body, the filters (reach: remote for anyone, on-site and blended within a
  region), and the one formula that scores a course with its explanation (Chinese or English);
- `handlers.py` — course search, the growth path (gaps from `vocabulary.growth`, the open courses
  that close them, the postings the next rung unlocks, counted in the index);
- `api.py` — the two routes; `consumers.py` — the `matching-courses` consumer group.
"""
