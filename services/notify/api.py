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
from sqlalchemy.engine import Engine, Row

from services.common.auth import Principal
from services.common.errors import InvalidInput, NotFound
from services.common.web import Caller, Page, check_if_match, decode_cursor, encode_cursor, etag, parse_if_match
from services.notify import handlers, store, texts
from services.notify.domain import (
    AttemptOut,
    DeliveryOut,
    DeliveryStatus,
    NotificationOut,
    PreferencesIn,
    PreferencesOut,
    Recipient,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionWithSecret,
)

router = APIRouter(prefix="/v1", tags=["notify"])

Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the previous page")]
ObjectId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", description="an id this API returned")]


def _engine(request: Request) -> Engine:
    return request.app.state.runtime.engine


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


def _recipient(request: Request, principal: Principal, worker_id: str | None) -> Recipient:
    """The caller's own inbox, or with `worker_id` a worker's that the caller acts for (DESIGN §3)."""
    if worker_id is None:
        return Recipient.of(principal)
    with _engine(request).connect() as conn:
        return handlers.worker_recipient(conn, principal, worker_id)


def _notification(row: Row, reader: tuple[texts.Language, str] | None = None,
                  data: dict[str, Any] | None = None) -> NotificationOut:
    """One notification, its texts written again in the reader's (language, zone) when given, from
    `data` (the stored data with the names known now) when given."""
    if data is None:
        data = row.data if not isinstance(row.data, str) else json.loads(row.data)
    title, body = row.title, row.body
    if reader is not None:
        title, body = texts.render_stored(row.type, data, recipient_kind=row.recipient_kind, stored_body=row.body,
                                          language=reader[0], zone=reader[1])
    return NotificationOut(id=row.id, type=row.type, title=title, body=body, data=data, event_id=row.event_id,
                           created_at=store.utc(row.created_at), read_at=store.utc(row.read_at),
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
    recipient = _recipient(request, principal, worker_id)
    before = _cursor_int(cursor, "seq")
    with _engine(request).connect() as conn:
        rows = store.inbox_page(conn, recipient, unread_only=unread, before_seq=before, limit=limit + 1)
        reader = _reader(conn, recipient, accept_language)
        more = len(rows) > limit
        rows = rows[:limit]
        datas = store.data_with_names(conn, rows)
    return Page(items=[_notification(r, reader, d) for r, d in zip(rows, datas, strict=True)],
                next_cursor=encode_cursor({"seq": rows[-1].seq}) if more else None)


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
    recipient = _recipient(request, principal, worker_id)
    with _engine(request).begin() as conn:
        row = store.mark_read(conn, recipient, notification_id, _deps(request).clock())
        if row is None:
            raise NotFound(f"no notification {notification_id} in your inbox")
        reader = _reader(conn, recipient, accept_language)
        (data,) = store.data_with_names(conn, [row])
    return _notification(row, reader, data)


def _reader(conn, recipient: Recipient, accept_language: str | None) -> tuple[texts.Language, str]:
    """The language (Accept-Language first, then the preference) and zone an inbox read is written in."""
    prefs = store.load_preferences(conn, recipient)
    return texts.language_of(accept_language) or prefs.language, prefs.timezone


# --- preferences -------------------------------------------------------------------------------


@router.get("/preferences", operation_id="get_preferences", response_model=PreferencesOut)
def get_preferences(request: Request, response: Response, principal: Principal = Caller,
                    worker_id: ForWorker = None) -> PreferencesOut:
    """The caller's preferences (or a managed worker's, with `worker_id`); defaults until written
    (version 0 means never written)."""
    recipient = _recipient(request, principal, worker_id)
    with _engine(request).connect() as conn:
        prefs = store.load_preferences(conn, recipient)
    response.headers["ETag"] = etag(prefs.version)
    return PreferencesOut.of(prefs)


@router.put("/preferences", operation_id="put_preferences", response_model=PreferencesOut)
def put_preferences(request: Request, response: Response, body: PreferencesIn, principal: Principal = Caller,
                    worker_id: ForWorker = None) -> PreferencesOut:
    """Replace the caller's preferences (or a managed worker's, with `worker_id`). If-Match is
    honoured (412 when stale) but not required."""
    recipient = _recipient(request, principal, worker_id)
    wanted = parse_if_match(request)
    with _engine(request).begin() as conn:
        prefs = handlers.put_preferences(conn, _deps(request), recipient, body,
                                         wanted if isinstance(wanted, int) else None)
    response.headers["ETag"] = etag(prefs.version)
    return PreferencesOut.of(prefs)


# --- subscriptions -----------------------------------------------------------------------------


def _subscription(row: Row) -> dict[str, Any]:
    return {
        "id": row.id, "org_id": row.org_id, "url": row.url, "event_types": list(row.event_types),
        "description": row.description, "status": row.status, "disabled_reason": row.disabled_reason,
        "disabled_at": store.utc(row.disabled_at), "failing_since": store.utc(row.failing_since),
        "previous_secret_expires_at": store.utc(row.previous_secret_expires_at), "version": row.version,
        "created_at": store.utc(row.created_at), "updated_at": store.utc(row.updated_at),
    }


def _delivery(row: Row, attempts: list[Row] | None = None) -> DeliveryOut:
    return DeliveryOut(
        id=row.id, subscription_id=row.subscription_id, event_id=row.event_id, event_type=row.event_type,
        status=row.status, attempts=row.attempts, next_attempt_at=store.utc(row.next_attempt_at),
        last_attempt_at=store.utc(row.last_attempt_at), last_status_code=row.last_status_code,
        last_error=row.last_error, created_at=store.utc(row.created_at), succeeded_at=store.utc(row.succeeded_at),
        payload=json.loads(row.payload) if row.payload is not None else None,
        attempt_log=None if attempts is None else [
            AttemptOut(attempted_at=store.utc(a.attempted_at), status_code=a.status_code, error=a.error,
                       duration_ms=a.duration_ms) for a in attempts],
    )


@router.post("/subscriptions", operation_id="create_subscription", status_code=201, response_model=SubscriptionWithSecret)
def create_subscription(request: Request, response: Response, body: SubscriptionIn,
                        principal: Principal = Caller) -> SubscriptionWithSecret:
    """Register a webhook endpoint. The signing secret is in this answer only: keep it."""
    with _engine(request).begin() as conn:
        row, secret = handlers.create_subscription(conn, _deps(request), principal, body)
    response.headers["ETag"] = etag(row.version)
    response.headers["Location"] = f"/v1/subscriptions/{row.id}"
    return SubscriptionWithSecret(**_subscription(row), secret=secret)


@router.get("/subscriptions", operation_id="list_subscriptions", response_model=Page[SubscriptionOut])
def list_subscriptions(request: Request, principal: Principal = Caller, limit: Limit = 20,
                       cursor: Cursor = None) -> Page[SubscriptionOut]:
    """Subscriptions of the caller's org (and, for an agency, of the orgs it acts for), oldest first."""
    handlers.require_subscriber(principal)
    after = _cursor_int(cursor, "seq")
    with _engine(request).connect() as conn:
        rows = store.subscriptions_page(conn, handlers.subscriber_orgs(principal), after_seq=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=[SubscriptionOut(**_subscription(r)) for r in rows],
                next_cursor=encode_cursor({"seq": rows[-1].seq}) if more else None)


@router.get("/subscriptions/{subscription_id}", operation_id="get_subscription", response_model=SubscriptionOut)
def get_subscription(request: Request, response: Response, subscription_id: ObjectId,
                     principal: Principal = Caller) -> SubscriptionOut:
    with _engine(request).connect() as conn:
        row = handlers.owned_subscription(conn, principal, subscription_id)
    response.headers["ETag"] = etag(row.version)
    return SubscriptionOut(**_subscription(row))


@router.delete("/subscriptions/{subscription_id}", operation_id="delete_subscription", status_code=204)
def delete_subscription(request: Request, subscription_id: ObjectId, principal: Principal = Caller) -> Response:
    """Remove the endpoint and its delivery log; nothing more is sent to it. If-Match is honoured."""
    with _engine(request).begin() as conn:
        row = handlers.owned_subscription(conn, principal, subscription_id, for_update=True)
        check_if_match(request, row.version)
        store.delete_subscription(conn, row.id)
    return Response(status_code=204)


@router.post("/subscriptions/{subscription_id}/rotate", operation_id="rotate_subscription_secret",
             response_model=SubscriptionWithSecret)
def rotate_secret(request: Request, response: Response, subscription_id: ObjectId,
                  principal: Principal = Caller) -> SubscriptionWithSecret:
    """A new signing secret. The old one stays valid for 24 h: until then each webhook carries both
    signatures in `webhook-signature`, space-separated, so receivers can switch without a gap."""
    with _engine(request).begin() as conn:
        row = handlers.owned_subscription(conn, principal, subscription_id, for_update=True)
        check_if_match(request, row.version)
        row, secret = handlers.rotate_secret(conn, _deps(request), row)
    response.headers["ETag"] = etag(row.version)
    return SubscriptionWithSecret(**_subscription(row), secret=secret)


@router.post("/subscriptions/{subscription_id}/enable", operation_id="enable_subscription", response_model=SubscriptionOut)
def enable_subscription(request: Request, response: Response, subscription_id: ObjectId,
                        principal: Principal = Caller) -> SubscriptionOut:
    """Turn a disabled endpoint back on once it is fixed (its URL is checked again)."""
    with _engine(request).begin() as conn:
        row = handlers.owned_subscription(conn, principal, subscription_id, for_update=True)
        check_if_match(request, row.version)
        row = handlers.enable_subscription(conn, _deps(request), row)
    response.headers["ETag"] = etag(row.version)
    return SubscriptionOut(**_subscription(row))


@router.post("/subscriptions/{subscription_id}/test", operation_id="test_subscription", status_code=202,
             response_model=DeliveryOut)
def send_test(request: Request, subscription_id: ObjectId, principal: Principal = Caller) -> DeliveryOut:
    """Queue a `webhook.test` delivery to the endpoint; follow it in the deliveries list."""
    with _engine(request).begin() as conn:
        row = handlers.owned_subscription(conn, principal, subscription_id)
        delivery_id = handlers.send_test(conn, _deps(request), row)
        delivery = store.get_delivery(conn, row.id, delivery_id)
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
    before = _cursor_int(cursor, "seq")
    with _engine(request).connect() as conn:
        row = handlers.owned_subscription(conn, principal, subscription_id)
        rows = store.deliveries_page(conn, row.id, status=status.value if status else None, before_seq=before,
                                     limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=[_delivery(r) for r in rows], next_cursor=encode_cursor({"seq": rows[-1].seq}) if more else None)


@router.get("/subscriptions/{subscription_id}/deliveries/{delivery_id}", operation_id="get_delivery",
            response_model=DeliveryOut)
def get_delivery(request: Request, subscription_id: ObjectId, delivery_id: ObjectId,
                 principal: Principal = Caller) -> DeliveryOut:
    """One delivery with its attempts (newest first)."""
    with _engine(request).connect() as conn:
        row = handlers.owned_subscription(conn, principal, subscription_id)
        delivery = store.get_delivery(conn, row.id, delivery_id)
        if delivery is None:
            raise NotFound(f"no delivery {delivery_id} for subscription {subscription_id}")
        attempts = store.attempts_of(conn, delivery.id)
    return _delivery(delivery, attempts)


@router.post("/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver", operation_id="redeliver",
             status_code=202, response_model=DeliveryOut)
def redeliver(request: Request, subscription_id: ObjectId, delivery_id: ObjectId,
              principal: Principal = Caller) -> DeliveryOut:
    """Send a delivery again, now, with a fresh retry schedule and the same `webhook-id`
    (receivers that already processed it can recognise it)."""
    with _engine(request).begin() as conn:
        row = handlers.owned_subscription(conn, principal, subscription_id)
        delivery = handlers.redeliver(conn, _deps(request), row, delivery_id)
    _wake_dispatcher(request)
    return _delivery(delivery)
