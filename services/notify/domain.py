"""The notify service's own models and rules: pure Python and pydantic, no I/O.

- who a notification goes to (`Recipient`) and what it says (`Notice`), composed from the events
  of the other services without any personal data (ids, statuses and titles only);
- preferences: channels per notification type, immediate or daily digest, quiet hours in the
  recipient's IANA time zone, the notification e-mail address;
- webhook rules of the Standard Webhooks spec: secrets, signatures, the retry schedule with jitter,
  `Retry-After`, and which addresses an endpoint may resolve to (the SSRF guard's classification);
- the digest rules: when a recipient's queued e-mails are due.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import email.utils
import hashlib
import hmac
import ipaddress
import math
import random
import secrets
import uuid
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator, model_validator

from services.common.auth import Principal, Role
from services.common.contracts import Strict, WholeNumber
from services.common.errors import Forbidden, InvalidInput
from services.common.events import (
    ApplicationSubmitted,
    ApplicationUpdated,
    ImportCompleted,
    InvitationAnswered,
    InvitationSent,
    MarketReportPublished,
    MatchFound,
    PostingClosed,
)
from services.notify import texts

# --- recipients and notification types ---------------------------------------------------------


class RecipientKind(StrEnum):
    worker = "worker"
    org = "org"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whose inbox: a worker (id = worker id) or an org (id = the employer's or agency's org id)."""

    kind: RecipientKind
    id: str

    @classmethod
    def of(cls, principal: Principal) -> Recipient:
        """A caller's own inbox: a worker's is its subject, an employer's or agency's is its org."""
        if principal.role is Role.worker:
            return cls(RecipientKind.worker, principal.subject)
        if principal.role in (Role.employer, Role.agency):
            if not principal.org:
                raise Forbidden("this token names no org, so it has no inbox")
            return cls(RecipientKind.org, principal.org)
        raise Forbidden(f"role {principal.role.value} has no inbox; use a worker, employer or agency token")


class NotificationType(StrEnum):
    match_found = "match.found"
    application_submitted = "application.submitted"
    application_updated = "application.updated"
    invitation_sent = "invitation.sent"
    invitation_answered = "invitation.answered"
    posting_closed = "posting.closed"
    market_report_published = "market.report_published"
    subscription_disabled = "subscription.disabled"
    import_completed = "import.completed"


# Types an org can receive, hence the ones a webhook subscription may ask for.
WEBHOOK_TYPES: tuple[NotificationType, ...] = (
    NotificationType.match_found,
    NotificationType.application_submitted,
    NotificationType.invitation_answered,
    NotificationType.market_report_published,
    NotificationType.subscription_disabled,
    NotificationType.import_completed,
)
TEST_EVENT_TYPE = "webhook.test"
# What each kind of recipient can be told.
TYPES_FOR: dict[RecipientKind, tuple[NotificationType, ...]] = {
    RecipientKind.worker: (
        NotificationType.match_found,
        NotificationType.application_updated,
        NotificationType.invitation_sent,
        NotificationType.posting_closed,
        NotificationType.market_report_published,
    ),
    RecipientKind.org: WEBHOOK_TYPES,
}


class Channel(StrEnum):
    inbox = "inbox"
    webhook = "webhook"
    email = "email"


class DeliveryMode(StrEnum):
    immediate = "immediate"
    daily_digest = "daily_digest"


def default_channels(kind: RecipientKind, type_: NotificationType) -> list[Channel]:
    """What a recipient gets before it says otherwise.

    Market reports are opt-in for the inbox and e-mail (a subscription alone brings their webhook);
    everything addressed to a recipient personally goes to every channel it has set up.
    """
    if type_ is NotificationType.market_report_published:
        return [Channel.webhook] if kind is RecipientKind.org else []
    if kind is RecipientKind.worker:
        return [Channel.inbox, Channel.email]
    return [Channel.inbox, Channel.webhook, Channel.email]


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification for one recipient, before it is stored. Never carries personal data."""

    recipient: Recipient
    type: NotificationType
    title: str
    body: str
    data: dict[str, Any]
    worker_id: str | None = None  # the worker it concerns, so erasure can find it


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


# --- composing notices from events -------------------------------------------------------------
# Free-text messages written by one side (an application's or invitation's `message`) are left out:
# they may hold phone numbers or names, and they are read in the jobs service after login; the
# notice says only whether there is one (`has_message`). Names come from notify's read model
# (`Names`): the posting's title and the worker's name masked as search hits show it. The texts
# themselves are services/notify/texts.py; a notice carries them in Chinese and the reader's
# language and zone are applied when it is stored and again when it is read.


@dataclass(frozen=True, slots=True)
class Names:
    """What notify knows to call a posting and a worker by (None where it has not seen them)."""

    posting_title: str | None = None
    worker_name: str | None = None

    def data(self) -> dict[str, str]:
        return {k: v for k, v in (("posting_title", self.posting_title), ("worker_name", self.worker_name)) if v}


def _notice(recipient: Recipient, type_: NotificationType, data: dict[str, Any], worker_id: str | None = None) -> Notice:
    title, body = texts.render(type_.value, data, recipient_kind=recipient.kind.value)
    return Notice(recipient, type_, title[:300], body[:2000], data, worker_id=worker_id)


def localized(notice: Notice, language: texts.Language, zone: str) -> Notice:
    """The same notice with its title and body in a reader's language and zone."""
    title, body = texts.render(notice.type.value, notice.data, recipient_kind=notice.recipient.kind.value,
                               language=language, zone=zone)
    return dataclasses.replace(notice, title=title[:300], body=body[:2000])


def match_notice(m: MatchFound, names: Names = Names()) -> Notice:
    recipient = Recipient(RecipientKind(m.recipient_kind), m.recipient_id)
    data = {"posting_id": m.posting_id, "worker_id": m.worker_id, "org_id": m.org_id, "score": m.score,
            "summary": m.summary[:1000], **names.data()}
    if recipient.kind is RecipientKind.worker:
        data.pop("worker_name", None)  # a worker is not told its own (masked) name
    return _notice(recipient, NotificationType.match_found, data, worker_id=m.worker_id)


def application_submitted_notice(a: ApplicationSubmitted, names: Names = Names()) -> Notice:
    data = {"application_id": a.id, "posting_id": a.posting_id, "worker_id": a.worker_id, "status": a.status,
            "has_message": a.has_message or bool(a.message), **names.data()}
    return _notice(Recipient(RecipientKind.org, a.org_id), NotificationType.application_submitted, data,
                   worker_id=a.worker_id)


def application_updated_notice(a: ApplicationUpdated, names: Names = Names()) -> Notice:
    data = {"application_id": a.id, "posting_id": a.posting_id, "org_id": a.org_id, "status": a.status,
            "previous_status": a.previous_status, **Names(posting_title=names.posting_title).data()}
    return _notice(Recipient(RecipientKind.worker, a.worker_id), NotificationType.application_updated, data,
                   worker_id=a.worker_id)


def invitation_sent_notice(i: InvitationSent, names: Names = Names()) -> Notice:
    data = {"invitation_id": i.id, "posting_id": i.posting_id, "org_id": i.org_id,
            "expires_at": i.expires_at.isoformat(), "has_message": i.has_message or bool(i.message),
            **Names(posting_title=names.posting_title).data()}
    return _notice(Recipient(RecipientKind.worker, i.worker_id), NotificationType.invitation_sent, data,
                   worker_id=i.worker_id)


def invitation_answered_notice(i: InvitationAnswered, names: Names = Names()) -> Notice:
    data = {"invitation_id": i.id, "posting_id": i.posting_id, "worker_id": i.worker_id, "answer": i.answer,
            **names.data()}
    return _notice(Recipient(RecipientKind.org, i.org_id), NotificationType.invitation_answered, data,
                   worker_id=i.worker_id)


def posting_closed_notice(p: PostingClosed, worker_id: str, names: Names = Names()) -> Notice:
    data = {"posting_id": p.id, "org_id": p.org_id, "status": p.status.value, "reason": p.reason[:200],
            **Names(posting_title=names.posting_title).data()}
    return _notice(Recipient(RecipientKind.worker, worker_id), NotificationType.posting_closed, data,
                   worker_id=worker_id)


def market_report_data(r: MarketReportPublished) -> dict[str, Any]:
    return {"report_id": r.id, "period": r.period, "title": r.title[:300], "url": r.url,
            "published_at": r.published_at.isoformat()}


def market_report_notice(r: MarketReportPublished, recipient: Recipient) -> Notice:
    return _notice(recipient, NotificationType.market_report_published, market_report_data(r))


def import_completed_notice(i: ImportCompleted) -> Notice:
    """Tell the agency that owns an import that it ended, with its counts (never rows or names)."""
    data = {"import_id": i.id, "status": i.status, "format": i.format, "total": i.total, "processed": i.processed,
            "ok": i.ok, "failed": i.failed, "finished_at": i.finished_at.isoformat(), "url": i.url}
    return _notice(Recipient(RecipientKind.org, i.org_id or ""), NotificationType.import_completed, data)


def subscription_disabled_notice(org_id: str, subscription_id: str, url: str, reason: str) -> Notice:
    data = {"subscription_id": subscription_id, "reason": reason, "endpoint": endpoint_label(url)}
    return _notice(Recipient(RecipientKind.org, org_id), NotificationType.subscription_disabled, data)


def endpoint_label(url: str) -> str:
    """The scheme and host of an endpoint: enough to recognise it, without paths that may hold tokens."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def erased_worker_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """A stored notification's data once the worker it mentions is erased: the reference, the
    worker's (masked) name and matching's words about them go."""
    gone = ("worker_id", "worker_name", "summary")
    return {k: v for k, v in data.items() if k not in gone} | {"worker_erased": True}


# --- preferences -------------------------------------------------------------------------------


def _printable(text: str) -> str:
    """Refuse control characters (NUL above all: PostgreSQL cannot store it, and no client means it)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise ValueError("must not contain control characters")
    return text


Printable = AfterValidator(_printable)

EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,63}$", max_length=254), Printable
]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class QuietHours(Strict):
    """Local clock times (HH:MM) between which no immediate e-mail is sent; may wrap midnight."""

    start: ClockTime
    end: ClockTime

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHours:
        if self.start == self.end:
            raise ValueError("quiet hours must start and end at different times")
        return self

    def contains(self, local: dt.time) -> bool:
        start, end = _clock(self.start), _clock(self.end)
        moment = local.replace(second=0, microsecond=0, tzinfo=None)
        if start < end:
            return start <= moment < end
        return moment >= start or moment < end

    def end_after(self, local_now: dt.datetime) -> dt.datetime:
        """The first end of quiet hours after a local moment (aware, same zone)."""
        end = _clock(self.end)
        candidate = local_now.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        return candidate if candidate > local_now else _next_day_at(local_now, end)


def _clock(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _next_day_at(local: dt.datetime, at: dt.time) -> dt.datetime:
    day = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, at, tzinfo=local.tzinfo)


class PreferencesIn(Strict):
    """What a recipient writes with PUT /v1/preferences (the whole document; missing fields default)."""

    email: EmailAddress | None = Field(None, description="where e-mails go; personal data, never in events or logs")
    timezone: str = Field("Asia/Shanghai", max_length=64,
                          description="IANA time zone: quiet hours, digests, and the times notifications show")
    language: Literal["zh", "en"] = Field("zh", description="language of notifications and e-mails: zh (简体中文) or en")
    delivery: DeliveryMode = Field(DeliveryMode.immediate, description="e-mail each notification, or one daily digest")
    digest_hour: WholeNumber = Field(8, ge=0, le=23, description="local hour of the daily digest (an integer: false is not 0)")
    quiet_hours: QuietHours | None = None
    channels: dict[NotificationType, list[Channel]] = Field(
        default_factory=dict, description="channels per notification type; types left out keep their defaults"
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {name!r} (e.g. Asia/Shanghai)") from None
        return name

    @field_validator("channels")
    @classmethod
    def _no_repeats(cls, channels: dict[NotificationType, list[Channel]]) -> dict[NotificationType, list[Channel]]:
        for type_, chosen in channels.items():
            if len(set(chosen)) != len(chosen):
                raise ValueError(f"channels of {type_.value} repeat")
        return channels

    def check_for(self, recipient: Recipient) -> None:
        """Rules that depend on who writes: each kind has its own types; webhooks are for orgs."""
        for type_, chosen in self.channels.items():
            if type_ not in TYPES_FOR[recipient.kind]:
                allowed = ", ".join(t.value for t in TYPES_FOR[recipient.kind])
                raise InvalidInput.field(f"body.channels.{type_.value}",
                                         f"a {recipient.kind.value} is never sent {type_.value}; choose from {allowed}")
            if recipient.kind is RecipientKind.worker and Channel.webhook in chosen:
                raise InvalidInput.field(
                    f"body.channels.{type_.value}", "webhooks are for employers and agencies; a worker may choose inbox or email"
                )


@dataclass(frozen=True)
class Preferences:
    """A recipient's effective preferences (the stored document, or the defaults)."""

    recipient: Recipient
    email: str | None = None
    timezone: str = "Asia/Shanghai"
    delivery: DeliveryMode = DeliveryMode.immediate
    digest_hour: int = 8
    quiet_hours: QuietHours | None = None
    channels: Mapping[NotificationType, Sequence[Channel]] = field(default_factory=dict)
    version: int = 0
    updated_at: dt.datetime | None = None
    language: texts.Language = texts.DEFAULT_LANGUAGE

    def channels_for(self, type_: NotificationType) -> list[Channel]:
        chosen = self.channels.get(type_)
        return list(chosen) if chosen is not None else default_channels(self.recipient.kind, type_)

    def effective_channels(self) -> dict[str, list[str]]:
        return {t.value: [c.value for c in self.channels_for(t)] for t in TYPES_FOR[self.recipient.kind]}

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def wants_market_reports(self) -> bool:
        """Opted in to market reports in the inbox or by e-mail (webhooks go by subscription)."""
        chosen = self.channels_for(NotificationType.market_report_published)
        return Channel.inbox in chosen or Channel.email in chosen

    def quiet_at(self, now: dt.datetime) -> bool:
        return self.quiet_hours is not None and self.quiet_hours.contains(now.astimezone(self.zone).timetz())

    @classmethod
    def from_input(cls, recipient: Recipient, given: PreferencesIn, *, version: int, updated_at: dt.datetime) -> Preferences:
        return cls(recipient, given.email, given.timezone, given.delivery, given.digest_hour, given.quiet_hours,
                   dict(given.channels), version, updated_at, given.language)


class PreferencesOut(BaseModel):
    recipient_kind: RecipientKind
    recipient_id: str
    email: str | None
    timezone: str
    language: texts.Language
    delivery: DeliveryMode
    digest_hour: int
    quiet_hours: QuietHours | None
    channels: dict[str, list[str]]
    version: int
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, p: Preferences) -> PreferencesOut:
        return cls(recipient_kind=p.recipient.kind, recipient_id=p.recipient.id, email=p.email, timezone=p.timezone,
                   language=p.language, delivery=p.delivery, digest_hour=p.digest_hour, quiet_hours=p.quiet_hours,
                   channels=p.effective_channels(), version=p.version, updated_at=p.updated_at)


class EmailRoute(StrEnum):
    """What happens to a notification's e-mail."""

    none = "none"
    now = "now"  # one e-mail for this notification, sent by the dispatcher
    digest = "digest"  # queued for the recipient's next digest


def route_email(prefs: Preferences, type_: NotificationType, now: dt.datetime, *, mail_enabled: bool,
                take_token: Any) -> EmailRoute:
    """Decide a notification's e-mail. `take_token()` is only called when an immediate e-mail is possible.

    Daily-digest recipients always queue; quiet hours queue until they end; an empty rate bucket
    (a burst) queues until the burst is over, so a burst becomes one digest, not a flood.
    """
    if not mail_enabled or not prefs.email or Channel.email not in prefs.channels_for(type_):
        return EmailRoute.none
    if prefs.delivery is DeliveryMode.daily_digest or prefs.quiet_at(now):
        return EmailRoute.digest
    return EmailRoute.now if take_token() else EmailRoute.digest


def digest_due_at(prefs: Preferences, oldest: dt.datetime, newest: dt.datetime, *, settle: dt.timedelta) -> dt.datetime:
    """When a recipient's queued e-mails go out as one digest (UTC).

    Daily digest: at the first `digest_hour` (local) after the oldest queued item. Immediate: once
    the burst is over — no new item for `settle` — and outside quiet hours.
    """
    zone = prefs.zone
    if prefs.delivery is DeliveryMode.daily_digest:
        local = oldest.astimezone(zone)
        at = dt.time(prefs.digest_hour)
        candidate = local.replace(hour=at.hour, minute=0, second=0, microsecond=0)
        due = candidate if candidate > local else _next_day_at(local, at)
        return due.astimezone(dt.UTC)
    due = newest + settle
    if prefs.quiet_hours is not None and prefs.quiet_hours.contains(due.astimezone(zone).timetz()):
        due = prefs.quiet_hours.end_after(due.astimezone(zone)).astimezone(dt.UTC)
    return due


# --- webhook subscriptions ---------------------------------------------------------------------


class SubscriptionStatus(StrEnum):
    active = "active"
    disabled = "disabled"


def _event_types_schema(schema: dict[str, Any]) -> None:
    """The closed vocabulary in the OpenAPI document: distinct webhook types, or `"*"` (which stands
    alone: a rule the description states, left to the validator so generated clients stay simple)."""
    schema["items"] = {"type": "string", "enum": [*sorted(t.value for t in WEBHOOK_TYPES), "*"]}
    schema["uniqueItems"] = True


class SubscriptionIn(Strict):
    url: Annotated[str, Printable] = Field(min_length=1, max_length=2048, description="http(s) endpoint that receives the webhooks")
    event_types: list[str] = Field(min_length=1, max_length=20, description='distinct types to receive, or ["*"] alone for all',
                                   json_schema_extra=_event_types_schema)
    description: Annotated[str, Printable] = Field("", max_length=500)
    org_id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                               description="the org it is for: your own (default), or one an agency acts for")

    @field_validator("event_types")
    @classmethod
    def _known_types(cls, types: list[str]) -> list[str]:
        allowed = {t.value for t in WEBHOOK_TYPES}
        if "*" in types:
            if len(types) != 1:
                raise ValueError('"*" means every type and stands alone')
            return types
        unknown = [t for t in types if t not in allowed]
        if unknown:
            raise ValueError(f"unknown event types {unknown}; choose from {sorted(allowed)} or ['*']")
        if len(set(types)) != len(types):
            raise ValueError("event types repeat")
        return types


def subscription_wants(event_types: Sequence[str], type_: str) -> bool:
    return "*" in event_types or type_ in event_types


class SubscriptionOut(BaseModel):
    id: str
    org_id: str
    url: str
    event_types: list[str] = Field(json_schema_extra=_event_types_schema)
    description: str
    status: SubscriptionStatus
    disabled_reason: str | None
    disabled_at: dt.datetime | None
    failing_since: dt.datetime | None
    previous_secret_expires_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class SubscriptionWithSecret(SubscriptionOut):
    secret: str = Field(description="whsec_… signing secret; shown only now, keep it safe")


class DeliveryStatus(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class AttemptOut(BaseModel):
    attempted_at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    id: str
    subscription_id: str
    event_id: str
    event_type: str = Field(json_schema_extra={"enum": [*sorted(t.value for t in WEBHOOK_TYPES), TEST_EVENT_TYPE]})
    status: DeliveryStatus
    attempts: int
    next_attempt_at: dt.datetime | None
    last_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    succeeded_at: dt.datetime | None
    payload: dict[str, Any] | None = Field(description="the body as sent; null once erased (PIPL/GDPR)")
    attempt_log: list[AttemptOut] | None = None


class NotificationOut(BaseModel):
    id: str
    type: NotificationType
    title: str
    body: str
    data: dict[str, Any]
    event_id: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    read: bool


# --- Standard Webhooks: secrets, signatures ----------------------------------------------------

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """32 random bytes, base64, with the spec's whsec_ prefix."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the decoded secret as the key."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signature_header(secrets_in_use: Sequence[str], message_id: str, timestamp: int, body: bytes) -> str:
    """Every valid secret's signature, space-separated (during a rotation, the new one first)."""
    return " ".join(sign(s, message_id, timestamp, body) for s in secrets_in_use)


def webhook_headers(secrets_in_use: Sequence[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_in_use, message_id, timestamp, body),
        "content-type": "application/json",
        "user-agent": "TalentFlow-Webhooks/1",
    }


# --- retries -----------------------------------------------------------------------------------

# The spec's schedule, as delays from the previous attempt: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
STANDARD_SCHEDULE_S: tuple[float, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)


class AttemptResult(StrEnum):
    succeeded = "succeeded"
    gone = "gone"  # 410: the receiver says the endpoint is no more; disable at once
    failed = "failed"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one HTTP attempt came to."""

    status_code: int | None
    error: str | None
    duration_ms: int
    retry_after_s: float | None = None

    @property
    def result(self) -> AttemptResult:
        if self.status_code is not None and 200 <= self.status_code < 300:
            return AttemptResult.succeeded
        if self.status_code == 410:
            return AttemptResult.gone
        return AttemptResult.failed


@dataclass(frozen=True)
class RetryPolicy:
    """When the next attempt is due after a failure; `None` when the schedule is used up."""

    schedule_s: Sequence[float] = STANDARD_SCHEDULE_S
    jitter: float = 0.1  # ± this fraction, so many failing deliveries do not retry in lockstep
    max_retry_after_s: float = 86400.0

    def next_delay(self, next_step: int, retry_after_s: float | None = None, rng: random.Random | None = None) -> float | None:
        if next_step >= len(self.schedule_s):
            return None
        delay = float(self.schedule_s[next_step])
        if delay > 0 and self.jitter > 0:
            delay *= 1 + (rng or random).uniform(-self.jitter, self.jitter)
        if retry_after_s is not None:
            delay = max(delay, min(retry_after_s, self.max_retry_after_s))
        return max(delay, 0.0)


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


# --- the SSRF guard's rules --------------------------------------------------------------------


class EndpointRefused(ValueError):
    """An endpoint a webhook may not be sent to; the message says why, for the subscriber."""


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which resolved addresses an endpoint may have.

    Public (globally routable) unicast addresses always; loopback when `allow_loopback` (the
    embedded development run); every other non-public address (private, link-local, shared,
    reserved) only when `allow_private` (an operator's choice for endpoints inside their own
    network). Multicast and unspecified addresses never: nothing can serve HTTP there.
    """

    allow_private: bool = False
    allow_loopback: bool = False
    require_https: bool = False

    def check_address(self, address: str) -> None:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if isinstance(ip, ipaddress.IPv6Address):
            # IPv6 forms that reach an IPv4 address are judged by that address (mapped, 6to4, NAT64).
            embedded = ip.ipv4_mapped or ip.sixtofour
            if embedded is None and ip in _NAT64:
                embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            if embedded is not None:
                ip = embedded
        if ip.is_multicast or ip.is_unspecified:
            raise EndpointRefused(f"{ip} is a multicast or unspecified address")
        if ip.is_global:
            return
        if ip.is_loopback:
            if self.allow_loopback or self.allow_private:
                return
        elif self.allow_private:
            return
        kind = "loopback" if ip.is_loopback else "link-local" if ip.is_link_local else "private"
        raise EndpointRefused(f"{ip} is a {kind} address; webhooks go to public endpoints only")


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A parsed webhook URL: what to resolve, and how to rebuild the request for a vetted address."""

    url: str
    scheme: Literal["http", "https"]
    host: str  # hostname or IP literal, without brackets
    port: int
    target: str  # path and query, at least "/"

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"

    def url_for(self, address: str) -> str:
        literal = f"[{address}]" if ":" in address else address
        return f"{self.scheme}://{literal}:{self.port}{self.target}"


def parse_endpoint(url: str, policy: AddressPolicy) -> Endpoint:
    """Check a webhook URL's form: http(s), a host, no credentials; raises EndpointRefused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise EndpointRefused(f"not a valid URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise EndpointRefused(f"only http and https endpoints are allowed, not {scheme or 'no scheme'!r}")
    if policy.require_https and scheme != "https":
        raise EndpointRefused("this deployment sends webhooks to https endpoints only")
    if not parts.hostname:
        raise EndpointRefused("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise EndpointRefused("credentials in the URL are not allowed; verify the signature instead")
    try:  # an internationalised name travels as its ASCII (IDNA) form, in DNS and in the Host header
        host = parts.hostname if is_ip_literal(parts.hostname) else parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise EndpointRefused("the host name is not a valid domain name") from None
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return Endpoint(url.strip(), scheme, host, port or (443 if scheme == "https" else 80), target)  # type: ignore[arg-type]


def check_addresses(addresses: Sequence[str], policy: AddressPolicy) -> str:
    """The address to connect to: every resolved address must be allowed (no mixed answers)."""
    if not addresses:
        raise EndpointRefused("the host does not resolve")
    for address in addresses:
        policy.check_address(address)
    return addresses[0]


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def clamp_duration_ms(seconds: float) -> int:
    return int(min(max(seconds * 1000, 0), 2**31 - 1)) if math.isfinite(seconds) else 0
