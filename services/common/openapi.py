"""Each service's OpenAPI document, completed so that a generated client works (DESIGN §3).

FastAPI writes the operations, their parameters and their success bodies from the routes. This
module adds, once for every service and every route (those added later included), what FastAPI
cannot know:

- the bearer scheme (`Authorization: Bearer <JWT>`): an operation whose dependencies reach the
  kit's `current_principal` requires it, any other (health, metrics, public reports, the market
  page) says `security: []`;
- the headers the kit honours: `Idempotency-Key` on every authenticated POST (the kit's
  middleware, or the import route itself), `If-Match` where the route reads it (412, 428),
  `If-None-Match` where it compares it (304), and the `ETag`, `Location` and `Retry-After`
  answers;
- every error as `application/problem+json` with the kit's `Problem` schema (validation names each
  field in `errors[].field`), in place of FastAPI's `HTTPValidationError`: 401/403 where a token
  is needed, 404 where a path names an object, 409 on writes, 412/428 with If-Match, 413 where a
  body is read, 422 where anything is read, 503 where a store, log or index is used;
- schemas that a route inlined with their own `$defs` are moved into `components.schemas`, so
  every `$ref` resolves.

What a route does is read from its code, not declared twice: the functions it calls (its own
module's helpers one level down) name `parse_if_match`, `etag` and the like. A route can say more
with `responses=` and `openapi_extra=`; what it declares is kept, and only the body of an error
is made the problem schema.
"""

from __future__ import annotations

import copy
import types
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing

__all__ = [
    "BEARER_SCHEME",
    "IF_MATCH_MAX_CHARS",
    "IF_MATCH_PATTERN",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_SCHEMA",
    "SERVICES",
    "complete_openapi",
    "install_openapi",
    "service_document",
    "unresolved_refs",
    "write_openapi_docs",
]

BEARER_SCHEME = "bearerAuth"
PROBLEM_MEDIA_TYPE = "application/problem+json"
_REF = "#/components/schemas/"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details; a validation problem names each field in `errors`.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "a URI naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "what went wrong, for a person"},
        "request_id": {"type": "string", "description": "quote it when asking about this answer"},
        "errors": {"type": "array", "items": {"$ref": _REF + "ProblemField"},
                   "description": "each invalid field (validation, forbidden fields, rule breaks)"},
    },
}
PROBLEM_FIELD_SCHEMA: dict[str, Any] = {
    "title": "ProblemField",
    "type": "object",
    "required": ["field", "message"],
    "properties": {
        "field": {"type": "string", "description": "where: `body.skills.0.proficiency`, `query.limit`, `header.If-Match`"},
        "message": {"type": "string"},
        "type": {"type": "string", "description": "the kind of error (pydantic's error type, or `value_error`)"},
    },
}

# What each error status means in every service; a route's own description wins.
_ERROR_TEXT: dict[int, str] = {
    400: "the body cannot be read as the declared media type (not JSON, or cut short)",
    401: "no valid bearer token",
    403: "this role or caller may not do this",
    404: "no such object, or not one the caller may see",
    409: "the object's state does not allow this, or the first request with this Idempotency-Key is still running",
    412: "If-Match names another version than the current one",
    413: "the body is too large",
    415: "the body's media type is not one this operation reads",
    422: "invalid input; `errors` names each field",
    428: "If-Match is required here",
    429: "too many requests; retry after `Retry-After` seconds",
    503: "a store, log, index or service this needs cannot be reached; retry later",
}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying",
                                "schema": {"type": "string"}}}
_WWW_AUTHENTICATE = {"WWW-Authenticate": {"description": "`Bearer`", "schema": {"type": "string"}}}
_ERROR_HEADERS: dict[int, dict[str, Any]] = {401: _WWW_AUTHENTICATE, 409: _RETRY_AFTER, 429: _RETRY_AFTER,
                                              503: _RETRY_AFTER}
_FASTAPI_DEFAULTS = {"Validation Error", "Successful Response"}

_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "any string up to 200 characters: a retry with the same key and body (same caller, within "
                   "24 h) gets the first answer, with `Idempotent-Replayed: true`; another body with it is 422",
    "schema": {"type": "string", "maxLength": 200},
}
# If-Match as the kit reads it (RFC 9110 entity-tags naming versions; the quotes may be left out).
_ETAG_VERSION = r'(?:W/)?(?:"[0-9]{1,18}"|[0-9]{1,18})'
IF_MATCH_PATTERN = rf"^[ \t]*(?:\*|{_ETAG_VERSION}(?:[ \t]*,[ \t]*{_ETAG_VERSION})*)[ \t]*$"
IF_MATCH_MAX_CHARS = 200
_IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False,
    "description": "the ETag last read (`\"3\"`), or `*`: the change is refused with 412 if the object has "
                   "moved on (some objects require it: 428)",
    "schema": {"type": "string", "maxLength": IF_MATCH_MAX_CHARS, "pattern": IF_MATCH_PATTERN},
}
_IF_NONE_MATCH = {
    "name": "If-None-Match", "in": "header", "required": False,
    "description": "the ETag last read: 304 without a body while it is still current (any other value: 200)",
    "schema": {"type": "string"},
}
_ETAG = {"ETag": {"description": "the object's version, for If-Match / If-None-Match", "schema": {"type": "string"}}}
_LOCATION = {"Location": {"description": "where the object (or the job) is", "schema": {"type": "string"}}}
_REPLAYED = {"Idempotent-Replayed": {"description": "`true` when this is the stored first answer to an "
                                                    "earlier request with the same Idempotency-Key",
                                     "schema": {"type": "string", "enum": ["true"]}}}

_WRITES = ("post", "put", "patch", "delete")


# --- reading the routes --------------------------------------------------------------------------


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    for sub in getattr(dependant, "dependencies", ()) or ():
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _needs_token(route: Any) -> bool:
    from services.common.web import current_principal

    return any(call is current_principal for call in _calls(route.dependant))


def _mentions(fn: Callable[..., Any], depth: int = 2) -> set[str]:
    """Names and string constants in a route's code, and in the helpers of its own package it calls
    (`depth` levels down): how the document learns that a route reads If-Match or sets an ETag."""
    found: set[str] = set()
    seen: set[int] = set()
    package = (getattr(fn, "__module__", "") or "").split(".")[:2]

    def walk(code: types.CodeType, glb: dict[str, Any], level: int) -> None:
        found.update(code.co_names)
        for const in code.co_consts:
            if isinstance(const, str):
                found.add(const)
            elif isinstance(const, types.CodeType):
                walk(const, glb, level)  # closures, lambdas, comprehensions
        if level == 0:
            return
        for name in code.co_names:
            target = glb.get(name)
            if isinstance(target, types.FunctionType) and id(target) not in seen \
                    and target.__module__.split(".")[:2] == package:
                seen.add(id(target))
                walk(target.__code__, target.__globals__, level - 1)

    target = getattr(fn, "__wrapped__", fn)
    code = getattr(target, "__code__", None)
    if code is not None:
        seen.add(id(target))
        walk(code, target.__globals__, depth)
    return found


def _api_routes(app: FastAPI) -> Iterator[Any]:
    for context in routing.iter_route_contexts(app.routes):
        if isinstance(context.original_route, routing.APIRoute):
            yield context


# --- completing the document ---------------------------------------------------------------------


def _problem_content() -> dict[str, Any]:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _REF + "Problem"}}}


def _add_error(op: dict[str, Any], status: int) -> None:
    responses = op.setdefault("responses", {})
    entry = responses.get(str(status))
    if entry is None or entry.get("description") in _FASTAPI_DEFAULTS:
        entry = {"description": _ERROR_TEXT.get(status, "error")}
    else:
        entry = dict(entry)
    entry["content"] = _problem_content()
    if status in _ERROR_HEADERS:
        entry["headers"] = {**_ERROR_HEADERS[status], **entry.get("headers", {})}
    responses[str(status)] = entry


def _add_header_param(op: dict[str, Any], param: dict[str, Any]) -> None:
    params = op.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name", "").lower() == param["name"].lower() for p in params):
        params.append(copy.deepcopy(param))


def _add_response_headers(op: dict[str, Any], headers: dict[str, Any], statuses: Callable[[int], bool]) -> None:
    for code, entry in op.get("responses", {}).items():
        if code.isdigit() and statuses(int(code)):
            entry["headers"] = {**copy.deepcopy(headers), **entry.get("headers", {})}


def _complete_operation(route: Any, method: str, op: dict[str, Any]) -> None:
    authenticated = _needs_token(route)
    names = _mentions(route.endpoint)
    reads_if_match = "parse_if_match" in names or "check_if_match" in names
    reads_if_none_match = "if-none-match" in names or "If-None-Match" in names
    sets_etag = "etag" in names or "ETag" in names
    sets_location = "Location" in names

    op["security"] = [{BEARER_SCHEME: []}] if authenticated else []
    if authenticated and method == "post":
        _add_header_param(op, _IDEMPOTENCY_KEY)
        _add_response_headers(op, _REPLAYED, lambda s: 200 <= s < 300)
    if reads_if_match and method in _WRITES:
        _add_header_param(op, _IF_MATCH)
    if reads_if_none_match and method == "get":
        _add_header_param(op, _IF_NONE_MATCH)
        op.setdefault("responses", {}).setdefault("304", {"description": "not modified: the ETag in If-None-Match is current"})
    if sets_etag:
        _add_response_headers(op, _ETAG, lambda s: 200 <= s < 300 and s != 204 or s == 304)
    if sets_location:
        _add_response_headers(op, _LOCATION, lambda s: s in (201, 202))

    errors: set[int] = {int(code) for code in op.get("responses", {}) if code.isdigit() and int(code) >= 400}
    has_input = bool(op.get("parameters")) or "requestBody" in op
    if has_input:
        errors.add(422)
    if authenticated:
        errors |= {401, 403, 503}
    if "{" in route.path_format:
        errors.add(404)
    if authenticated and method in _WRITES:
        errors.add(409)
    if "requestBody" in op:
        errors |= {400, 413}
    if reads_if_match:
        errors |= {412, 428}
    for status in sorted(errors):
        if status != 500:
            _add_error(op, status)


def _hoist_local_defs(doc: dict[str, Any]) -> None:
    """Schemas a route inlined with their own `$defs` (`Model.model_json_schema()`) point at
    `#/$defs/X`, which does not resolve in an OpenAPI document: move those definitions into
    `components.schemas` (reusing an equal one of the same name) and point the references there."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})

    def rewrite(node: Any, names: dict[str, str]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in names:
                node = {**node, "$ref": _REF + names[ref[8:]]}
            return {k: rewrite(v, names) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v, names) for v in node]
        return node

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            if isinstance(node.get("$defs"), dict):
                defs = node["$defs"]
                names: dict[str, str] = {}
                for name in defs:
                    target, n = name, 1
                    while target in schemas and schemas[target] != rewrite(defs[name], {k: k for k in defs}):
                        n += 1
                        target = f"{name}{n}"
                    names[name] = target
                for name, schema in defs.items():
                    schemas.setdefault(names[name], rewrite(schema, names))
                node = rewrite({k: v for k, v in node.items() if k != "$defs"}, names)
            return {k: visit(v) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v) for v in node]
        return node

    doc["paths"] = visit(doc.get("paths", {}))


_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


def _standard_bounds(node: Any) -> Any:
    """pydantic writes the bounds of a constrained union (`StrictInt | StrictFloat` with `gt=0`) as
    its own keys (`gt`, `le`), which JSON Schema ignores: a generator would send 0 hours and a
    validator let it through. Write them as `exclusiveMinimum`, `maximum` … on each numeric member."""
    if isinstance(node, list):
        return [_standard_bounds(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: _standard_bounds(v) for k, v in node.items()}
    bounds = {_BOUNDS[k]: node.pop(k) for k in list(node) if k in _BOUNDS and isinstance(node[k], (int, float))}
    if bounds:
        members = node.get("anyOf")
        numeric = [m for m in members or [] if isinstance(m, dict) and m.get("type") in ("integer", "number")]
        for member in numeric:
            member.update(bounds)
        if not numeric:
            node.update(bounds)
    return node


def _merge_patch_as_json(op: dict[str, Any]) -> None:
    """A route that reads an RFC 7396 merge patch reads it as `application/json` too; when FastAPI
    describes that media type as a free-form object, it gets the merge patch's schema."""
    content = op.get("requestBody", {}).get("content", {})
    patch = content.get("application/merge-patch+json", {}).get("schema")
    plain = content.get("application/json", {}).get("schema")
    if patch and plain is not None and "$ref" not in plain and not plain.get("properties"):
        content["application/json"] = {"schema": copy.deepcopy(patch)}


def complete_openapi(app: FastAPI, base: dict[str, Any]) -> dict[str, Any]:
    """The document FastAPI wrote, completed as the module docstring says (a new dict)."""
    doc = copy.deepcopy(base)
    components = doc.setdefault("components", {})
    components.setdefault("securitySchemes", {})[BEARER_SCHEME] = {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "a token from `talentflow token` (or an agency-issued worker token)",
    }
    doc["security"] = [{BEARER_SCHEME: []}]
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    schemas["ProblemField"] = copy.deepcopy(PROBLEM_FIELD_SCHEMA)
    paths = doc.get("paths", {})
    for route in _api_routes(app):
        if not route.include_in_schema:
            continue
        for method in route.methods or ():
            op = paths.get(route.path_format, {}).get(method.lower())
            if op is not None:
                _complete_operation(route, method.lower(), op)
                _merge_patch_as_json(op)
    _hoist_local_defs(doc)
    doc["paths"] = _standard_bounds(doc["paths"])
    components["schemas"] = _standard_bounds(components["schemas"])
    missing = unresolved_refs(doc)
    if missing:  # a route's own declaration named a schema the document does not have
        raise ValueError(f"OpenAPI references that do not resolve: {sorted(missing)[:5]}")
    return doc


def unresolved_refs(doc: dict[str, Any]) -> set[str]:
    """Every local `$ref` in the document that names nothing."""
    missing: set[str] = set()

    def resolves(ref: str) -> bool:
        node: Any = doc
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/") and not resolves(ref):
                missing.add(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    return missing


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` (and so `/openapi.json`, `/docs`, `/redoc`) answer the completed document;
    it is built again when routes are added, as FastAPI's own is."""
    built: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        base = FastAPI.openapi(app)
        if built.get("base") is not base:
            built["doc"] = complete_openapi(app, base)
            built["base"] = base
        return built["doc"]

    app.openapi = openapi  # type: ignore[method-assign]


# --- the committed documents ---------------------------------------------------------------------

SERVICES = ("profiles", "jobs", "matching", "notify")


def service_document(service: str, home: Any) -> dict[str, Any]:
    """One service's completed document, from its app built on a throwaway `home` (embedded engines,
    no loops, nothing served): what `/openapi.json` answers."""
    import importlib
    from pathlib import Path

    app_module = importlib.import_module(f"services.{service}.app")
    home = Path(home)
    embedded = {"database_url": None, "kafka_bootstrap_servers": None, "elasticsearch_url": None, "redis_url": None}
    extra = {"index_path": home / "index"} if service == "matching" else {}
    settings = app_module.Settings(home=home, run_workers=False, signing_key="openapi-document-" + "x" * 32,
                                   **embedded, **extra)
    app = app_module.create_app(settings)
    try:
        return app.openapi()
    finally:
        runtime = getattr(app.state, "runtime", None)
        for stop in (getattr(app.state, "importer", None), getattr(app.state, "index", None)):
            close = getattr(stop, "stop", None) or getattr(stop, "close", None)
            if close is not None:
                close()
        if runtime is not None:
            runtime.close()


def write_openapi_docs(folder: Any) -> list[str]:
    """Write docs/openapi/<service>.json for the four services (what SDK generators read); the paths."""
    import json
    import tempfile
    from pathlib import Path

    root = Path(folder) / "openapi"
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for service in SERVICES:
        with tempfile.TemporaryDirectory(prefix=f"openapi-{service}-") as home:
            doc = service_document(service, home)
        path = root / f"{service}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        written.append(str(path))
    return written


def main(argv: list[str] | None = None) -> int:
    """`python -m services.common.openapi [--out docs]`: write the four documents (`make schemas`)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m services.common.openapi", description=main.__doc__)
    parser.add_argument("--out", default="docs")
    args = parser.parse_args(argv)
    for path in write_openapi_docs(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
