"""Event models for consumers of the AsyncAPI document (docs/asyncapi.json): the CloudEvents 1.0
envelope with typed `data`, one pydantic model per event type, generated from the document by
`make sdk` (generated/events/). This package never imports the services.

    from talentflow_client.events import parse_event

    event = parse_event(kafka_message.value)      # bytes, str or dict
    if event.type == "worker.upserted":
        print(event.data.skills)

A model accepts fields it does not know (a newer producer), so a consumer keeps working when an
event gains a field; an unknown event type raises `UnknownEventType`.
"""

from __future__ import annotations

import functools
import importlib
import json
from typing import Any

from pydantic import BaseModel

from .client import _manifest


class UnknownEventType(ValueError):
    pass


@functools.cache
def event_model(event_type: str) -> type[BaseModel]:
    """The generated model of an event type (`worker.upserted` → `WorkerUpsertedEvent`)."""
    try:
        module, name = _manifest()["events"][event_type].split(":")
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type!r}; known: {', '.join(EVENT_TYPES)}") from None
    return getattr(importlib.import_module(f"{__package__}.generated.events.{module}"), name)


EVENT_TYPES: tuple[str, ...] = tuple(sorted(_manifest()["events"]))


def parse_event(message: bytes | str | dict[str, Any]) -> BaseModel:
    """The typed event of a CloudEvents JSON message, validated against its type's schema."""
    document = json.loads(message) if isinstance(message, (bytes, str)) else message
    if not isinstance(document, dict) or "type" not in document:
        raise ValueError("not a CloudEvent: a JSON object with a `type` is expected")
    return event_model(document["type"]).model_validate(document)


__all__ = ["EVENT_TYPES", "UnknownEventType", "event_model", "parse_event"]
