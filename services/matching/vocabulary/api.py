"""HTTP routes of the taxonomy and enrichment (DESIGN §3, issue 16): any valid token may call them.

- `GET /v1/taxonomy/occupations?q=&limit=` — typeahead over codes, names, colloquial names, pinyin
- `GET /v1/taxonomy/occupations/{code}` — ancestors, colloquial names, typical skills, related occupations
- `GET /v1/taxonomy/skills?q=&limit=` — canonical skills with synonyms, permits and occupations
- `GET /v1/taxonomy/versions`, `GET /v1/taxonomy/changes?since=&until=` — the vocabulary's versions and change feed
- `POST /v1/enrich` `{"text": "..."}` — the occupations and skills a free text names

The GET answers depend only on the vocabulary's version and the request: each carries an ETag (the
version and a digest of the answer), `Cache-Control: private, max-age=3600`, and a request with a
matching `If-None-Match` gets 304. Answers are cached in the process as well.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path as PathParam, Query, Request, Response
from pydantic import StringConstraints

from services.common.auth import Principal
from services.common.contracts import Strict
from services.common.errors import InvalidInput, NotFound
from services.common.web import Caller
from services.matching.vocabulary import taxonomy
from services.matching.vocabulary.enrich import MAX_TEXT, enrich_json

CACHE_CONTROL = "private, max-age=3600"

QueryText = Annotated[str, Query(min_length=1, max_length=50, description="a prefix: code, name, colloquial name, pinyin or its initials")]
Limit = Annotated[int, Query(ge=1, le=taxonomy.MAX_LIMIT, description="at most this many hits")]
CodePath = Annotated[str, PathParam(pattern=r"^\d(-\d{2}){0,3}$", description="a code of 职业分类大典 2022, any level")]
VersionQuery = Annotated[str, Query(pattern=r"^\d+\.\d+\.\d+$", description="a vocabulary version, like 1.0.0")]


class EnrichRequest(Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT, pattern=r"^[^\x00]*$")]


def _answer(request: Request, body: Any) -> Response:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256(payload).hexdigest()[:20]
    tag = f'"{taxonomy.vocabulary().version}-{digest}"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    wanted = request.headers.get("if-none-match", "")
    if tag in [t.strip().removeprefix("W/") for t in wanted.split(",")] or wanted.strip() == "*":
        return Response(status_code=304, headers=headers)
    return Response(payload, media_type="application/json", headers=headers)


router = APIRouter(tags=["taxonomy"])


@router.get("/v1/taxonomy/occupations", operation_id="taxonomy_occupations")
def occupations(request: Request, q: QueryText, limit: Limit = 10, _caller: Principal = Caller) -> Response:
    hits = taxonomy.suggest_occupations(q, limit)
    return _answer(request, {"q": q, "items": hits, "vocabulary_version": taxonomy.vocabulary().version})


@router.get("/v1/taxonomy/occupations/{code}", operation_id="taxonomy_occupation")
def occupation(request: Request, code: CodePath, _caller: Principal = Caller) -> Response:
    detail = taxonomy.occupation_detail(code)
    if detail is None:
        raise NotFound(f"no occupation {code} in 职业分类大典 2022")
    return _answer(request, detail)


@router.get("/v1/taxonomy/skills", operation_id="taxonomy_skills")
def skills(request: Request, q: QueryText, limit: Limit = 10, _caller: Principal = Caller) -> Response:
    hits = taxonomy.suggest_skills(q, limit)
    return _answer(request, {"q": q, "items": hits, "vocabulary_version": taxonomy.vocabulary().version})


@router.get("/v1/taxonomy/versions", operation_id="taxonomy_versions")
def versions(request: Request, _caller: Principal = Caller) -> Response:
    vocab = taxonomy.vocabulary()
    return _answer(request, {"current": vocab.version, "released": vocab.released, "versions": taxonomy.versions()})


@router.get("/v1/taxonomy/changes", operation_id="taxonomy_changes")
def changes(request: Request, since: VersionQuery, until: VersionQuery | None = None,
            _caller: Principal = Caller) -> Response:
    known = taxonomy.versions()
    if since not in known:
        raise InvalidInput.field("query.since", f"unknown version {since}; known: {', '.join(known)}")
    if until is not None and until not in known:
        raise InvalidInput.field("query.until", f"unknown version {until}; known: {', '.join(known)}")
    return _answer(request, taxonomy.change_feed(since, until))


@router.post("/v1/enrich", operation_id="enrich")
def enrich(body: EnrichRequest, _caller: Principal = Caller) -> Response:
    return Response(enrich_json(body.text), media_type="application/json", headers={"Cache-Control": "no-store"})
