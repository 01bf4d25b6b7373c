"""Schemathesis against each service's own OpenAPI document: the contract test (issue 18).

Every operation of profiles, jobs, matching and notify gets generated requests, valid and invalid
(the examples, coverage and fuzzing phases), sent to the app in process with a token as the bearer scheme's credentials (an admin's; an
agency's in notify), and
every answer is held to the document by all of schemathesis's checks: no server error, a
documented status, content type, headers and body, invalid input refused, valid input not
refused, a token actually required where one is declared. The number of examples per operation is
bounded (`TALENTFLOW_SCHEMATHESIS_EXAMPLES`, default below) to keep `make test` short.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.openapi.checks import RejectedPositiveData

from services.common.openapi import BEARER_SCHEME
from tests.contract.openapi_apps import caller_headers, service_app

pytestmark = pytest.mark.contract

MAX_EXAMPLES = int(os.environ.get("TALENTFLOW_SCHEMATHESIS_EXAMPLES", "8"))
HYPOTHESIS = settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))


def _schema(service: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.schemas.BaseSchema]:
    # A token as the bearer scheme's credentials: schemathesis sends it where the document asks for
    # it, and leaves it out of the cases meant to go without (401 expected there).
    token = caller_headers(service)["Authorization"].removeprefix("Bearer ")
    config = SchemathesisConfig.from_dict({"auth": {"openapi": {BEARER_SCHEME: {"bearer": token}}}})
    with service_app(service, Path(tmp_path_factory.mktemp(f"st-{service}"))) as app:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
        schema.hook("map_case")(_valid_cases_start_at_the_first_page)
        schema.hook("filter_failure")(_a_rule_is_not_a_schema_mismatch)
        yield schema


def _a_rule_is_not_a_schema_mismatch(_context, failure, _case, response) -> bool:
    """Keep every failure except a schema-valid request refused by a rule that JSON Schema cannot
    state: a 422 problem whose every error is a `value_error` (the kit's and the models' rule checks
    — a code not in 职业分类大典 or GB/T 2260, an end before its start, hours that do not fit the
    days, an Idempotency-Key reused with another body, a cursor this API did not hand out). A
    refusal for anything the schema does say (type, length, pattern, enum, a missing or unknown
    field) keeps its failure. A 412 (If-Match naming another version than the current one) is about
    the object's state, not the request's shape, and is dropped as well."""
    if not isinstance(failure, RejectedPositiveData):
        return True
    if response.status_code == 412:  # If-Match named a version the object is not at: state, not shape
        return False
    if response.status_code != 422:
        return True
    if not response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        return True
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return True
    rule = bool(errors) and all(e.get("type") == "value_error" for e in errors)
    if rule and os.environ.get("TALENTFLOW_SCHEMATHESIS_VERBOSE"):
        print("rule refusal:", _case.operation.label, [(e["field"], e["message"][:80]) for e in errors])
    return not rule


def _valid_cases_start_at_the_first_page(_context, case):
    """A cursor is valid only when this API handed it out, which no schema can say: a case meant to be
    valid starts at the first page (invalid ones still send whatever cursor they like)."""
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and case.query and "cursor" in case.query:
        case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    return case


@pytest.fixture(scope="module")
def profiles_schema(tmp_path_factory):
    yield from _schema("profiles", tmp_path_factory)


@pytest.fixture(scope="module")
def jobs_schema(tmp_path_factory):
    yield from _schema("jobs", tmp_path_factory)


@pytest.fixture(scope="module")
def matching_schema(tmp_path_factory):
    yield from _schema("matching", tmp_path_factory)


@pytest.fixture(scope="module")
def notify_schema(tmp_path_factory):
    yield from _schema("notify", tmp_path_factory)


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
    """schemathesis 4.32's lazy schemas read and rewrite `node._nodeid`, which pytest 9 no longer has."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


profiles = schemathesis.pytest.from_fixture("profiles_schema")
jobs = schemathesis.pytest.from_fixture("jobs_schema")
matching = schemathesis.pytest.from_fixture("matching_schema")
notify = schemathesis.pytest.from_fixture("notify_schema")


@profiles.parametrize()
@HYPOTHESIS
def test_profiles_answers_as_its_document_says(case):
    case.call_and_validate()


@jobs.parametrize()
@HYPOTHESIS
def test_jobs_answers_as_its_document_says(case):
    case.call_and_validate()


@matching.parametrize()
@HYPOTHESIS
def test_matching_answers_as_its_document_says(case):
    case.call_and_validate()


@notify.parametrize()
@HYPOTHESIS
def test_notify_answers_as_its_document_says(case):
    case.call_and_validate()
