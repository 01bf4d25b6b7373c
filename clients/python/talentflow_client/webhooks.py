"""Verify the webhooks notify sends (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, the key being the base64 part
of the subscription's `whsec_…` secret).

    from talentflow_client import WebhookVerifier, WebhookVerificationError

    verifier = WebhookVerifier(secret)                      # the `secret` answered when subscribing
    message = verifier.verify(request_body, request_headers)  # raises on a bad or stale signature
    print(message.type, message.data)

During a secret rotation notify signs with every secret in use; pass both to `WebhookVerifier`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SECRET_PREFIX = "whsec_"
DEFAULT_TOLERANCE_S = 300  # the spec's window against replays of old messages


class WebhookVerificationError(Exception):
    """The message is not from TalentFlow, was altered, or is too old or too new to trust."""


@dataclass(frozen=True)
class WebhookMessage:
    """A verified webhook: `type` (e.g. `invitation.answered`, `import.completed`, `webhook.test`),
    `timestamp` (when the event happened), `data` (the notification's fields) and the message `id`
    (the same on every redelivery: use it to drop duplicates)."""

    id: str
    type: str
    timestamp: str
    data: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


def _key(secret: str) -> bytes:
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not a webhook secret: expected whsec_ followed by base64") from None


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,…` signature of one message (what a receiver compares; handy in tests)."""
    mac = hmac.new(_key(secret), f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


class WebhookVerifier:
    def __init__(self, secrets: str | Iterable[str], *, tolerance_s: int = DEFAULT_TOLERANCE_S,
                 clock: Callable[[], float] = time.time):
        self.secrets = [secrets] if isinstance(secrets, str) else list(secrets)
        if not self.secrets:
            raise ValueError("give at least one secret")
        for secret in self.secrets:
            _key(secret)
        self.tolerance_s = tolerance_s
        self.clock = clock

    def verify(self, body: bytes | str, headers: Mapping[str, str]) -> WebhookMessage:
        """The message, if a signature matches one of the secrets and its timestamp is within the tolerance."""
        lowered = {k.lower(): v for k, v in headers.items()}
        message_id = lowered.get("webhook-id")
        stamp = lowered.get("webhook-timestamp")
        signatures = lowered.get("webhook-signature")
        if not (message_id and stamp and signatures):
            raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature header")
        try:
            timestamp = int(stamp)
        except ValueError:
            raise WebhookVerificationError("webhook-timestamp is not a whole number of seconds") from None
        now = self.clock()
        if timestamp < now - self.tolerance_s:
            raise WebhookVerificationError("message too old (webhook-timestamp outside the tolerance)")
        if timestamp > now + self.tolerance_s:
            raise WebhookVerificationError("message timestamp too new (webhook-timestamp in the future)")
        payload = body.encode() if isinstance(body, str) else bytes(body)
        given = [s.split(",", 1)[1] for s in signatures.split() if s.startswith("v1,")]
        expected = [sign(secret, message_id, timestamp, payload).split(",", 1)[1] for secret in self.secrets]
        if not any(hmac.compare_digest(g, e) for g in given for e in expected):
            raise WebhookVerificationError("no matching signature")
        try:
            document = json.loads(payload)
        except ValueError:
            raise WebhookVerificationError("the body is not JSON") from None
        if not isinstance(document, dict):
            raise WebhookVerificationError("the body is not a JSON object")
        return WebhookMessage(id=message_id, type=str(document.get("type", "")),
                              timestamp=str(document.get("timestamp", "")), data=dict(document.get("data") or {}),
                              raw=document)


def age_s(message: WebhookMessage, now: dt.datetime | None = None) -> float | None:
    """Seconds since the event happened (from the body's timestamp), None if it has none."""
    try:
        at = dt.datetime.fromisoformat(message.timestamp)
    except ValueError:
        return None
    return ((now or dt.datetime.now(dt.UTC)) - at).total_seconds()


__all__ = ["WebhookMessage", "WebhookVerificationError", "WebhookVerifier", "age_s", "sign"]
