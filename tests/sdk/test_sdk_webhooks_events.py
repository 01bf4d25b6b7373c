"""The SDK's webhook verifier against notify's own signing (services/notify/domain.py), and its
event models against the kit's events (services/common/events.py)."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import standardwebhooks

from services.common.events import WorkerUpserted, encode, make_event
from services.notify.domain import new_secret, webhook_headers
from talentflow_client.events import EVENT_TYPES, UnknownEventType, parse_event
from talentflow_client.webhooks import WebhookVerificationError, WebhookVerifier, sign

pytestmark = pytest.mark.unit

BODY = json.dumps({"type": "invitation.answered", "timestamp": "2026-12-03T08:00:00+00:00",
                   "data": {"invitation_id": "inv_1", "status": "accepted"}}, ensure_ascii=False).encode()


def signed(secrets: list[str], body: bytes = BODY, at: int | None = None) -> dict[str, str]:
    return webhook_headers(secrets, f"msg_{uuid.uuid4().hex}", at or int(time.time()), body)


def test_what_notify_signs_verifies_and_reads():
    secret = new_secret()
    headers = signed([secret])
    message = WebhookVerifier(secret).verify(BODY, headers)
    assert message.type == "invitation.answered" and message.data["status"] == "accepted"
    assert message.id == headers["webhook-id"]
    # the reference implementation agrees with both sides
    standardwebhooks.Webhook(secret).verify(BODY, headers)


def test_a_changed_body_another_secret_or_a_stale_timestamp_is_refused():
    secret = new_secret()
    headers = signed([secret])
    with pytest.raises(WebhookVerificationError, match="no matching signature"):
        WebhookVerifier(secret).verify(BODY.replace(b"accepted", b"declined"), headers)
    with pytest.raises(WebhookVerificationError, match="no matching signature"):
        WebhookVerifier(new_secret()).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError, match="too old"):
        WebhookVerifier(secret).verify(BODY, signed([secret], at=int(time.time()) - 600))
    with pytest.raises(WebhookVerificationError, match="missing"):
        WebhookVerifier(secret).verify(BODY, {"webhook-id": "x"})
    with pytest.raises(ValueError, match="not a webhook secret"):
        WebhookVerifier("whsec_***")


def test_during_a_rotation_either_secret_verifies():
    old, new = new_secret(), new_secret()
    headers = signed([new, old])  # notify signs with every secret in use, the new one first
    assert WebhookVerifier(old).verify(BODY, headers).type == "invitation.answered"
    assert WebhookVerifier([new]).verify(BODY, headers).type == "invitation.answered"
    assert sign(new, headers["webhook-id"], int(headers["webhook-timestamp"]), BODY) in headers["webhook-signature"]


def test_a_kit_event_parses_into_its_generated_model():
    data = {"id": "w_1", "name": "王建国", "region": "150602", "province": "15", "city": "1506", "version": 2,
            "skills": [{"name": "氩弧焊", "proficiency": 5, "years": 12}],
            "created_at": "2026-12-01T00:00:00+00:00", "updated_at": "2026-12-01T00:00:00+00:00", "matchable": True}
    event = make_event("worker.upserted", WorkerUpserted.model_validate(data), subject="w_1", source="/profiles", entityversion=2)
    parsed = parse_event(encode(event).value)  # the Kafka message value, as a consumer reads it
    assert type(parsed).__name__ == "WorkerUpsertedEvent"
    assert parsed.type == "worker.upserted" and parsed.data.skills[0].proficiency == 5
    assert parsed.entityversion == 2


def test_every_event_type_of_the_asyncapi_document_has_a_model():
    document = json.load(open("docs/asyncapi.json"))
    assert set(EVENT_TYPES) == {m["name"] for m in document["components"]["messages"].values()}
    with pytest.raises(UnknownEventType):
        parse_event({"type": "worker.teleported", "data": {}})
