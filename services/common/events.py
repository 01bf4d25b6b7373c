"""Event contracts (DESIGN §4): a CloudEvents 1.0 envelope and versioned data models.

Every event type names its topic and the entity its key is taken from. `encode` turns an event into
a message for the event log (key = entity id, id and traceparent also in headers); `decode` reads
one back, upcasting older versions of the data to the current model, so a consumer keeps reading
what an older producer wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.contracts import (
    LOCATION_DECIMALS,
    CourseFields,
    CourseStatus,
    Location,
    PostingFields,
    PostingStatus,
    WorkerFields,
    mask_name,
    round_location,
)
from services.common.ports import OutgoingMessage, Record

WORKERS = "talentflow.workers"
POSTINGS = "talentflow.postings"
ENGAGEMENTS = "talentflow.engagements"
MATCHES = "talentflow.matches"
MARKET = "talentflow.market"
IMPORTS = "talentflow.imports"
COURSES = "talentflow.courses"
TOPICS = (WORKERS, POSTINGS, ENGAGEMENTS, MATCHES, MARKET, IMPORTS, COURSES)


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


class CloudEvent(BaseModel):
    """CloudEvents 1.0 JSON envelope plus the `entityversion` and `traceparent` extensions."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str
    time: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    entityversion: int = Field(ge=0)
    traceparent: str | None = None
    data: dict[str, Any]

    def parsed(self) -> BaseModel:
        """The data as its current model (upcast from an older version when needed)."""
        return EVENT_TYPES[self.type].parse(self.data, schema_version(self.dataschema))


# --- data models -------------------------------------------------------------------------------


class _Data(BaseModel):
    model_config = ConfigDict(extra="ignore")  # readers tolerate fields added by newer producers


class WorkerUpserted(_Data, WorkerFields):
    """The whole current profile, contact data left out; `matchable` says if matching may use it.

    Version 3 is lean (DESIGN §6): the name masked as search hits show it (王建国 → 王**) and the
    location rounded to about 1 km; certificate numbers come masked from the producer. The model
    masks and rounds whatever it is given, so no reader ever sees more (idempotent on v3 data).
    """

    model_config = ConfigDict(extra="ignore")

    id: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    matchable: bool

    @field_validator("name")
    @classmethod
    def _masked_name(cls, name: str) -> str:
        return mask_name(name)

    @field_validator("location")
    @classmethod
    def _coarse_location(cls, location: Location | None) -> Location | None:
        return round_location(location)


class WorkerErased(_Data):
    id: str
    erased_at: dt.datetime


class PostingUpserted(_Data, PostingFields):
    model_config = ConfigDict(extra="ignore")

    id: str
    org_id: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PostingClosed(_Data):
    """A posting closed, filled, expired or deleted.

    Version 2 also carries `posting`, the posting's whole state after closing (the posting.upserted
    shape): on a keyed, compacted topic this event is the posting's last record, so a replay must be
    able to rebuild the closed posting from it alone. Version 1 data upcasts with `posting` None.
    """

    id: str
    org_id: str
    status: PostingStatus
    reason: str
    closed_at: dt.datetime
    posting: PostingUpserted | None = None


class CourseUpserted(_Data, CourseFields):
    """A training course's whole current state (DESIGN §3 "A course as written" plus what the server adds)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    org_id: str  # the provider: the training school or agency that publishes it
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CourseClosed(_Data):
    """A course closed (withdrawn), filled its seats, expired after its end date, or was deleted.

    `course` is the course's whole state after closing (the course.upserted shape): on the keyed,
    compacted topic this is the course's last record, so a replay rebuilds the closed course from it.
    """

    id: str
    org_id: str
    status: CourseStatus
    reason: Literal["full", "withdrawn", "expired", "deleted"]
    closed_at: dt.datetime
    course: CourseUpserted


class ApplicationSubmitted(_Data):
    id: str
    posting_id: str
    org_id: str
    worker_id: str
    status: str
    message: str | None = None
    # whether the worker wrote a message (the text itself stays in jobs: it may hold contact data)
    has_message: bool = False
    submitted_at: dt.datetime


class ApplicationUpdated(_Data):
    id: str
    posting_id: str
    org_id: str
    worker_id: str
    status: str
    previous_status: str
    updated_at: dt.datetime


class InvitationSent(_Data):
    id: str
    posting_id: str
    org_id: str
    worker_id: str
    message: str | None = None
    # whether the inviter wrote a message (the text itself stays in jobs)
    has_message: bool = False
    expires_at: dt.datetime
    sent_at: dt.datetime


class InvitationAnswered(_Data):
    id: str
    posting_id: str
    org_id: str
    worker_id: str
    answer: Literal["accepted", "declined", "expired"]
    answered_at: dt.datetime


class MatchFound(_Data):
    """A strong new match, addressed to one recipient: a worker, or the employer org of a posting."""

    recipient_kind: Literal["worker", "org"]
    recipient_id: str
    worker_id: str
    posting_id: str
    org_id: str
    score: float = Field(ge=0, le=1)
    summary: str
    found_at: dt.datetime
    # The worker's profile version the match was found with, when a worker's change found it (None:
    # found from a posting's side, or an older producer). A reader that holds the worker as erased
    # at a lower version knows the person came back (notify: the marker is lifted, the match told).
    worker_version: int | None = Field(None, ge=0)


class MarketReportPublished(_Data):
    id: str
    period: str
    title: str
    published_at: dt.datetime
    url: str


class ImportCompleted(_Data):
    """A bulk import job of profiles ended (done, failed or interrupted): counts, never rows or names.

    `org_id` is the agency org that owns the job (None for an admin's); `url` is where its per-row
    results are, and each created worker's token is issued by POST /v1/workers/{id}/token.
    """

    id: str
    owner_role: Literal["agency", "admin"]
    org_id: str | None = None
    status: Literal["done", "failed", "interrupted"]
    format: Literal["jsonl", "csv"]
    total: int = Field(ge=0)
    processed: int = Field(ge=0)
    ok: int = Field(ge=0)
    failed: int = Field(ge=0)
    detail: str | None = None
    finished_at: dt.datetime
    url: str


# --- registry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    type: str
    topic: str
    model: type[BaseModel]
    version: int = 1
    # old version → function upgrading that version's data dict to the next version's
    upcasters: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] | None = None

    @property
    def schema_uri(self) -> str:
        return f"urn:talentflow:events:{self.type}:v{self.version}"

    def parse(self, data: dict[str, Any], version: int | None) -> BaseModel:
        version = version or self.version
        while version < self.version:
            data = (self.upcasters or {})[version](data)
            version += 1
        return self.model.model_validate(data)


def _v1_worker_without_matchable(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 of worker.upserted had no `matchable`; derive it as version 2 does."""
    consent = data.get("consent") or {}
    return {**data, "matchable": bool(consent.get("matching")) and data.get("status", "active") == "active"}


def _v2_worker_lean(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 of worker.upserted carried the full name and the exact location; version 3 has the
    name masked and the location rounded to about 1 km (the model does both; done here too, so the
    dict handed on is already lean)."""
    lean = dict(data)
    if isinstance(lean.get("name"), str) and lean["name"].strip():
        lean["name"] = mask_name(lean["name"].strip())
    location = lean.get("location")
    if isinstance(location, dict) and all(isinstance(location.get(k), (int, float)) for k in ("lat", "lon")):
        lean["location"] = {k: round(location[k], LOCATION_DECIMALS) for k in ("lat", "lon")}
    return lean


def _v1_posting_closed_without_posting(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 of posting.closed carried no snapshot of the posting; version 2 has `posting` (None here)."""
    return {**data, "posting": None}


EVENT_TYPES: dict[str, EventType] = {
    e.type: e
    for e in (
        EventType("worker.upserted", WORKERS, WorkerUpserted, 3,
                  {1: _v1_worker_without_matchable, 2: _v2_worker_lean}),
        EventType("worker.erased", WORKERS, WorkerErased),
        EventType("posting.upserted", POSTINGS, PostingUpserted),
        EventType("posting.closed", POSTINGS, PostingClosed, 2, {1: _v1_posting_closed_without_posting}),
        EventType("course.upserted", COURSES, CourseUpserted),
        EventType("course.closed", COURSES, CourseClosed),
        EventType("application.submitted", ENGAGEMENTS, ApplicationSubmitted),
        EventType("application.updated", ENGAGEMENTS, ApplicationUpdated),
        EventType("invitation.sent", ENGAGEMENTS, InvitationSent),
        EventType("invitation.answered", ENGAGEMENTS, InvitationAnswered),
        EventType("match.found", MATCHES, MatchFound),
        EventType("market.report_published", MARKET, MarketReportPublished),
        EventType("import.completed", IMPORTS, ImportCompleted),
    )
}


def schema_version(dataschema: str | None) -> int | None:
    if dataschema and ":v" in dataschema:
        tail = dataschema.rsplit(":v", 1)[1]
        return int(tail) if tail.isdigit() else None
    return None


def new_traceparent() -> str:
    return f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"


def make_event(
    type_: str,
    data: BaseModel,
    *,
    subject: str,
    source: str,
    entityversion: int,
    traceparent: str | None = None,
) -> CloudEvent:
    """Build an envelope around validated data of the registered current model."""
    etype = EVENT_TYPES[type_]
    if not isinstance(data, etype.model):
        raise TypeError(f"{type_} carries {etype.model.__name__}, not {type(data).__name__}")
    return CloudEvent(
        source=source,
        type=type_,
        subject=subject,
        dataschema=etype.schema_uri,
        entityversion=entityversion,
        traceparent=traceparent or new_traceparent(),
        data=data.model_dump(mode="json"),
    )


def partition_key(event: CloudEvent) -> str:
    """The message key: the entity id (the posting for engagements, the recipient for matches)."""
    return event.subject


def encode(event: CloudEvent) -> OutgoingMessage:
    body = event.model_dump_json(exclude_none=True).encode()
    headers = {"ce_id": event.id.encode(), "ce_type": event.type.encode()}
    if event.traceparent:
        headers["traceparent"] = event.traceparent.encode()
    return OutgoingMessage(EVENT_TYPES[event.type].topic, partition_key(event), body, headers)


class UndecodableEvent(ValueError):
    """A message that is not a TalentFlow event: it goes to the DLQ, it is never retried forever."""


def decode(record: Record | bytes) -> CloudEvent:
    raw = record.value if isinstance(record, Record) else record
    try:
        event = CloudEvent.model_validate_json(raw)
    except ValueError as exc:
        raise UndecodableEvent(f"not a CloudEvent: {str(exc)[:200]}") from None
    if event.type not in EVENT_TYPES:
        raise UndecodableEvent(f"unknown event type {event.type!r}")
    return event


# --- schema export (committed under docs/ and checked for drift by a test) -----------------------


def json_schemas() -> dict[str, dict[str, Any]]:
    """One JSON Schema per event type: the envelope with its `data` replaced by the type's model."""
    out: dict[str, dict[str, Any]] = {}
    envelope = CloudEvent.model_json_schema()
    for etype in EVENT_TYPES.values():
        schema = json.loads(json.dumps(envelope))
        data_schema = etype.model.model_json_schema(ref_template="#/$defs/{model}")
        defs = {**schema.pop("$defs", {}), **data_schema.pop("$defs", {})}
        schema["properties"]["type"] = {"const": etype.type, "type": "string"}
        schema["properties"]["dataschema"] = {"const": etype.schema_uri, "type": "string"}
        schema["properties"]["data"] = data_schema
        schema["title"] = etype.type
        schema["$id"] = etype.schema_uri
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        if defs:
            schema["$defs"] = defs
        out[etype.type] = schema
    return out


def asyncapi_document() -> dict[str, Any]:
    """AsyncAPI 3.0 document for partners: channels = topics, messages = event types."""
    schemas = json_schemas()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for etype in EVENT_TYPES.values():
        msg_name = etype.type.replace(".", "_")
        messages[msg_name] = {
            "name": etype.type,
            "title": etype.type,
            "contentType": "application/cloudevents+json",
            "payload": schemas[etype.type],
        }
        channel = channels.setdefault(
            etype.topic.replace(".", "_"),
            {"address": etype.topic, "messages": {}, "description": f"Kafka topic {etype.topic}"},
        )
        channel["messages"][msg_name] = {"$ref": f"#/components/messages/{msg_name}"}
    for key, channel in channels.items():
        operations[f"receive_{key}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{m}"} for m in channel["messages"]],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "TalentFlow events",
            "version": "1",
            "description": "CloudEvents 1.0 (JSON) on Kafka; the message key is the entity id.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def write_schema_docs(folder: str | os.PathLike[str]) -> list[str]:
    """Write docs/events/<type>.schema.json and docs/asyncapi.json; returns the paths written."""
    from pathlib import Path

    root = Path(folder)
    (root / "events").mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in json_schemas().items():
        path = root / "events" / f"{name}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        written.append(str(path))
    path = root / "asyncapi.json"
    path.write_text(json.dumps(asyncapi_document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    written.append(str(path))
    return written


__all__ = [
    "COURSES", "ENGAGEMENTS", "IMPORTS", "MARKET", "MATCHES", "POSTINGS", "TOPICS", "WORKERS",
    "ApplicationSubmitted", "ApplicationUpdated", "CloudEvent", "CourseClosed", "CourseUpserted", "EVENT_TYPES", "EventType",
    "ImportCompleted", "InvitationAnswered", "InvitationSent", "MarketReportPublished", "MatchFound", "PostingClosed",
    "PostingUpserted", "UndecodableEvent", "WorkerErased", "WorkerUpserted", "asyncapi_document",
    "decode", "dlq", "encode", "json_schemas", "make_event", "write_schema_docs",
]
