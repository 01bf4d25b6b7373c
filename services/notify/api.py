"""HTTP routes of the notify service: parse, authorise, call a handler, shape the answer.

- `/v1/inbox`: a recipient's notifications (a worker's own, or an employer's / agency's org's);
- `/v1/preferences`: channels per type, digest or immediate, quiet hours, the e-mail address;
- `/v1/subscriptions`: webhook endpoints of employers and agencies, their deliveries and secrets.

Another recipient's notification and another org's subscription answer 404: their existence is
not revealed.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response

from services.common.auth import Principal
from services.common.errors import InvalidInput
from services.common.web import Caller, Page, decode_cursor, encode_cursor, etag, parse_if_match
from services.notify import handlers, texts
from services.notify.store import Attempt, Delivery, Subscription, utc
from services.notify.domain import (
    AttemptOut,
    DeliveryOut,
    DeliveryStatus,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionWithSecret,
)

router = APIRouter(prefix="/v1", tags=["notify"])

Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the previous page")]
ObjectId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="an id this API returned")]


def _deps(request: Request) -> handlers.NotifyDeps:
    return request.app.state.deps


def _wake_dispatcher(request: Request) -> None:
    request.app.state.dispatcher.wake()


def _cursor_int(cursor: str | None, key: str) -> int | None:
    position = decode_cursor(cursor)
    if position is None:
        return None
    value = position.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise InvalidInput.field("query.cursor", "not a cursor this API returned")
    return value


# --- inbox -------------------------------------------------------------------------------------

ForWorker = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_.:-]{1,64}$",
                                        description="an agency (or admin): the managed worker whose inbox or preferences these are")]


def _notification(item: handlers.InboxItem) -> NotificationOut:
    """One notification, its texts written again in the reader's (language, zone), from its data
    with the names known now."""
    row, data, (language, zone) = item.notification, item.data, item.reader
    title, body = texts.render_stored(row.type, data, recipient_kind=row.recipient_kind, stored_body=row.body,
                                      language=language, zone=zone)
    return NotificationOut(id=row.id, type=row.type, title=title, body=body, data=data, event_id=row.event_id,
                           created_at=utc(row.created_at), read_at=utc(row.read_at),
                           read=row.read_at is not None)


@router.get("/inbox", operation_id="list_inbox", response_model=Page[NotificationOut])
def list_inbox(
    request: Request,
    principal: Principal = Caller,
    accept_language: Annotated[str | None, Header(max_length=500, description="`en` for English texts")] = None,
    unread: Annotated[bool, Query(description="only notifications not read yet")] = False,
    limit: Limit = 20,
    cursor: Cursor = None,
    worker_id: ForWorker = None,
) -> Page[NotificationOut]:
    """The caller's notifications, newest first; an agency reads a worker's it manages with `worker_id`."""
    items, more = handlers.list_inbox(_deps(request), principal, worker_id, unread_only=unread,
                                      before_seq=_cursor_int(cursor, "seq"), limit=limit,
                                      accept_language=accept_language)
    return Page(items=[_notification(item) for item in items],
                next_cursor=encode_cursor({"seq": items[-1].notification.seq}) if more else None)


@router.post("/inbox/{notification_id}/read", operation_id="mark_notification_read", response_model=NotificationOut)
def mark_read(
    request: Request,
    notification_id: ObjectId,
    principal: Principal = Caller,
    accept_language: Annotated[str | None, Header(max_length=500, description="`en` for English texts")] = None,
    worker_id: ForWorker = None,
) -> NotificationOut:
    """Mark one of the caller's notifications read (or, with `worker_id`, one of a managed worker's);
    reading it again keeps the first read time."""
    return _notification(handlers.mark_read(_deps(request), principal, worker_id, notification_id,
                                            accept_language=accept_language))


# --- preferences -------------------------------------------------------------------------------


@router.get("/preferences", operation_id="get_preferences", response_model=PreferencesOut)
def get_preferences(request: Request, response: Response, principal: Principal = Caller,
                    worker_id: ForWorker = None) -> PreferencesOut:
    """The caller's preferences (or a managed worker's, with `worker_id`); defaults until written
    (version 0 means never written)."""
    prefs = handlers.get_preferences(_deps(request), principal, worker_id)
    response.headers["ETag"] = etag(prefs.version)
    return PreferencesOut.of(prefs)


@router.put("/preferences", operation_id="put_preferences", response_model=PreferencesOut)
def put_preferences(request: Request, response: Response, body: PreferencesIn, principal: Principal = Caller,
                    worker_id: ForWorker = None) -> PreferencesOut:
    """Replace the caller's preferences (or a managed worker's, with `worker_id`). If-Match is
    honoured (412 when stale) but not required."""
    wanted = parse_if_match(request)
    prefs = handlers.put_preferences(_deps(request), principal, worker_id, body,
                                     wanted if isinstance(wanted, int) else None)
    response.headers["ETag"] = etag(prefs.version)
    return PreferencesOut.of(prefs)


# --- subscriptions -----------------------------------------------------------------------------


def _subscription(row: Subscription) -> dict[str, Any]:
    return {
        "id": row.id, "org_id": row.org_id, "url": row.url, "event_types": list(row.event_types),
        "description": row.description, "status": row.status, "disabled_reason": row.disabled_reason,
        "disabled_at": utc(row.disabled_at), "failing_since": utc(row.failing_since),
        "previous_secret_expires_at": utc(row.previous_secret_expires_at), "version": row.version,
        "created_at": utc(row.created_at), "updated_at": utc(row.updated_at),
    }


def _delivery(row: Delivery, attempts: list[Attempt] | None = None) -> DeliveryOut:
    return DeliveryOut(
        id=row.id, subscription_id=row.subscription_id, event_id=row.event_id, event_type=row.event_type,
        status=row.status, attempts=row.attempts, next_attempt_at=utc(row.next_attempt_at),
        last_attempt_at=utc(row.last_attempt_at), last_status_code=row.last_status_code,
        last_error=row.last_error, created_at=utc(row.created_at), succeeded_at=utc(row.succeeded_at),
        payload=json.loads(row.payload) if row.payload is not None else None,
        attempt_log=None if attempts is None else [
            AttemptOut(attempted_at=utc(a.attempted_at), status_code=a.status_code, error=a.error,
                       duration_ms=a.duration_ms) for a in attempts],
    )


@router.post("/subscriptions", operation_id="create_subscription", status_code=201, response_model=SubscriptionWithSecret)
def create_subscription(request: Request, response: Response, body: SubscriptionIn,
                        principal: Principal = Caller) -> SubscriptionWithSecret:
    """Register a webhook endpoint. The signing secret is in this answer only: keep it."""
    row, secret = handlers.create_subscription(_deps(request), principal, body)
    response.headers["ETag"] = etag(row.version)
    response.headers["Location"] = f"/v1/subscriptions/{row.id}"
    return SubscriptionWithSecret(**_subscription(row), secret=secret)


@router.get("/subscriptions", operation_id="list_subscriptions", response_model=Page[SubscriptionOut])
def list_subscriptions(request: Request, principal: Principal = Caller, limit: Limit = 20,
                       cursor: Cursor = None) -> Page[SubscriptionOut]:
    """Subscriptions of the caller's org (and, for an agency, of the orgs it acts for), oldest first."""
    handlers.require_subscriber(principal)
    rows, more = handlers.list_subscriptions(_deps(request), principal, after_seq=_cursor_int(cursor, "seq"),
                                             limit=limit)
    return Page(items=[SubscriptionOut(**_subscription(r)) for r in rows],
                next_cursor=encode_cursor({"seq": rows[-1].seq}) if more else None)


@router.get("/subscriptions/{subscription_id}", operation_id="get_subscription", response_model=SubscriptionOut)
def get_subscription(request: Request, response: Response, subscription_id: ObjectId,
                     principal: Principal = Caller) -> SubscriptionOut:
    row = handlers.get_subscription(_deps(request), principal, subscription_id)
    response.headers["ETag"] = etag(row.version)
    return SubscriptionOut(**_subscription(row))


@router.delete("/subscriptions/{subscription_id}", operation_id="delete_subscription", status_code=204)
def delete_subscription(request: Request, subscription_id: ObjectId, principal: Principal = Caller) -> Response:
    """Remove the endpoint and its delivery log; nothing more is sent to it. If-Match is honoured."""
    handlers.delete_subscription(_deps(request), principal, subscription_id, if_match=parse_if_match(request))
    return Response(status_code=204)


@router.post("/subscriptions/{subscription_id}/rotate", operation_id="rotate_subscription_secret",
             response_model=SubscriptionWithSecret)
def rotate_secret(request: Request, response: Response, subscription_id: ObjectId,
                  principal: Principal = Caller) -> SubscriptionWithSecret:
    """A new signing secret. The old one stays valid for 24 h: until then each webhook carries both
    signatures in `webhook-signature`, space-separated, so receivers can switch without a gap."""
    row, secret = handlers.rotate_secret(_deps(request), principal, subscription_id, if_match=parse_if_match(request))
    response.headers["ETag"] = etag(row.version)
    return SubscriptionWithSecret(**_subscription(row), secret=secret)


@router.post("/subscriptions/{subscription_id}/enable", operation_id="enable_subscription", response_model=SubscriptionOut)
def enable_subscription(request: Request, response: Response, subscription_id: ObjectId,
                        principal: Principal = Caller) -> SubscriptionOut:
    """Turn a disabled endpoint back on once it is fixed (its URL is checked again)."""
    row = handlers.enable_subscription(_deps(request), principal, subscription_id, if_match=parse_if_match(request))
    response.headers["ETag"] = etag(row.version)
    return SubscriptionOut(**_subscription(row))


@router.post("/subscriptions/{subscription_id}/test", operation_id="test_subscription", status_code=202,
             response_model=DeliveryOut)
def send_test(request: Request, subscription_id: ObjectId, principal: Principal = Caller) -> DeliveryOut:
    """Queue a `webhook.test` delivery to the endpoint; follow it in the deliveries list."""
    delivery = handlers.send_test(_deps(request), principal, subscription_id)
    _wake_dispatcher(request)
    return _delivery(delivery)


@router.get("/subscriptions/{subscription_id}/deliveries", operation_id="list_deliveries", response_model=Page[DeliveryOut])
def list_deliveries(
    request: Request,
    subscription_id: ObjectId,
    principal: Principal = Caller,
    status: Annotated[DeliveryStatus | None, Query(description="only deliveries in this state")] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[DeliveryOut]:
    """The endpoint's deliveries, newest first."""
    rows, more = handlers.list_deliveries(_deps(request), principal, subscription_id,
                                          status=status.value if status else None,
                                          before_seq=_cursor_int(cursor, "seq"), limit=limit)
    return Page(items=[_delivery(r) for r in rows], next_cursor=encode_cursor({"seq": rows[-1].seq}) if more else None)


@router.get("/subscriptions/{subscription_id}/deliveries/{delivery_id}", operation_id="get_delivery",
            response_model=DeliveryOut)
def get_delivery(request: Request, subscription_id: ObjectId, delivery_id: ObjectId,
                 principal: Principal = Caller) -> DeliveryOut:
    """One delivery with its attempts (newest first)."""
    delivery, attempts = handlers.get_delivery(_deps(request), principal, subscription_id, delivery_id)
    return _delivery(delivery, attempts)


@router.post("/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver", operation_id="redeliver",
             status_code=202, response_model=DeliveryOut)
def redeliver(request: Request, subscription_id: ObjectId, delivery_id: ObjectId,
              principal: Principal = Caller) -> DeliveryOut:
    """Send a delivery again, now, with a fresh retry schedule and the same `webhook-id`
    (receivers that already processed it can recognise it)."""
    delivery = handlers.redeliver(_deps(request), principal, subscription_id, delivery_id)
    _wake_dispatcher(request)
    return _delivery(delivery)
