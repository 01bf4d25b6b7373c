"""What happens for each incoming event and each command of the notify service.

One function each; dependencies come in through `NotifyDeps`; every function works on the caller's
connection, inside the caller's transaction, so an event's notifications, webhook deliveries and
e-mails are stored together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Row

from services.common.auth import Principal, Role
from services.common.contracts import mask_name
from services.common.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from services.common.events import (
    ApplicationSubmitted,
    ApplicationUpdated,
    CloudEvent,
    ImportCompleted,
    InvitationAnswered,
    InvitationSent,
    MarketReportPublished,
    MatchFound,
    PostingClosed,
    PostingUpserted,
    WorkerErased,
    WorkerUpserted,
)
from services.common.ports import KeyValue
from services.notify import store
from services.notify.domain import (
    TEST_EVENT_TYPE,
    AddressPolicy,
    AttemptResult,
    Channel,
    DeliveryStatus,
    EmailRoute,
    EndpointRefused,
    Notice,
    NotificationType,
    Outcome,
    Preferences,
    PreferencesIn,
    Recipient,
    RecipientKind,
    RetryPolicy,
    SubscriptionIn,
    SubscriptionStatus,
    application_submitted_notice,
    application_updated_notice,
    digest_due_at,
    invitation_answered_notice,
    invitation_sent_notice,
    localized,
    market_report_data,
    import_completed_notice,
    market_report_notice,
    match_notice,
    new_id,
    new_secret,
    posting_closed_notice,
    route_email,
    subscription_disabled_notice,
    subscription_wants,
)
from services.notify.webhooks import Resolver, resolve, vet_endpoint

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class NotifyDeps:
    """What the handlers need from outside: the key-value port, the clock, and the policies."""

    key_value: KeyValue
    clock: Clock = utc_now
    mail_enabled: bool = False
    email_burst: int = 3
    email_refill_per_s: float = 1 / 300
    address_policy: AddressPolicy = field(default_factory=AddressPolicy)
    resolver: Resolver = resolve
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    disable_after: dt.timedelta = dt.timedelta(days=5)
    secret_grace: dt.timedelta = dt.timedelta(hours=24)
    max_subscriptions_per_org: int = 20
    email_retry: RetryPolicy = field(default_factory=lambda: RetryPolicy((0, 60, 300, 1800, 7200), 0.1))
    digest_settle: dt.timedelta = dt.timedelta(minutes=10)
    delivery_retention: dt.timedelta = dt.timedelta(days=30)
    inbox_retention: dt.timedelta = dt.timedelta(days=365)


@dataclass
class Effects:
    """What a handler queued, so the caller knows whether to wake the dispatcher."""

    notifications: int = 0
    deliveries: int = 0
    emails: int = 0

    def __iadd__(self, other: Effects) -> Effects:
        self.notifications += other.notifications
        self.deliveries += other.deliveries
        self.emails += other.emails
        return self

    @property
    def to_send(self) -> bool:
        return bool(self.deliveries or self.emails)


# --- incoming events ---------------------------------------------------------------------------


def handle_event(conn: Connection, deps: NotifyDeps, event: CloudEvent) -> Effects:
    """Apply one event. Idempotent: a redelivered event finds its notifications and deliveries
    already stored (unique per event and recipient / subscription) and adds nothing."""
    data = event.parsed()
    if isinstance(data, MatchFound):
        if store.is_erased(conn, data.worker_id):
            return Effects()
        names = store.names_for(conn, posting_id=data.posting_id, worker_id=data.worker_id)
        return notify(conn, deps, event.id, match_notice(data, names))
    if isinstance(data, (ApplicationSubmitted, ApplicationUpdated, InvitationSent, InvitationAnswered)):
        names = store.names_for(conn, posting_id=data.posting_id, worker_id=data.worker_id)
    if isinstance(data, ApplicationSubmitted):
        return _engagement(conn, deps, event.id, "application", data.id, data.posting_id, data.worker_id, data.status,
                           data.submitted_at, application_submitted_notice(data, names))
    if isinstance(data, ApplicationUpdated):
        return _engagement(conn, deps, event.id, "application", data.id, data.posting_id, data.worker_id, data.status,
                           data.updated_at, application_updated_notice(data, names))
    if isinstance(data, InvitationSent):
        return _engagement(conn, deps, event.id, "invitation", data.id, data.posting_id, data.worker_id, "sent",
                           data.sent_at, invitation_sent_notice(data, names))
    if isinstance(data, InvitationAnswered):
        return _engagement(conn, deps, event.id, "invitation", data.id, data.posting_id, data.worker_id, data.answer,
                           data.answered_at, invitation_answered_notice(data, names))
    if isinstance(data, PostingClosed):
        effects = Effects()
        names = store.names_for(conn, posting_id=data.id)
        for worker_id in store.engaged_workers(conn, data.id):
            effects += notify(conn, deps, event.id, posting_closed_notice(data, worker_id, names))
        return effects
    if isinstance(data, PostingUpserted):
        store.remember_name(conn, "posting", data.id, data.title, data.version)
        return Effects()
    if isinstance(data, MarketReportPublished):
        return market_report(conn, deps, event.id, data)
    if isinstance(data, WorkerErased):
        known = store.worker_version(conn, data.id)
        if known is not None and known > event.entityversion:
            # an old erasure delivered again after the person came back (versions go on across
            # lives): the new profile's inbox and preferences stay
            return Effects()
        erase_worker(conn, deps, data.id, data.erased_at)
        return Effects()
    if isinstance(data, ImportCompleted):
        if data.org_id is None:
            return Effects()  # an admin's import: admins have no inbox
        return notify(conn, deps, event.id, import_completed_notice(data))
    if isinstance(data, WorkerUpserted):
        if not store.is_erased(conn, data.id):
            store.remember_agency(conn, data.id, data.agency_id, data.version)
        if data.created_at == data.updated_at:
            # A person who erased their profile may come back under the same id (profiles continues
            # above the erased version): a profile created after the erasure lifts the marker, or they
            # would never be notified again. An older event replayed after the erasure lifts nothing.
            store.lift_erasure(conn, data.id, created_at=data.created_at)
        if data.name and not store.is_erased(conn, data.id):
            # masked as search hits show it (idempotent when the event already carries it masked)
            store.remember_name(conn, "worker", data.id, mask_name(data.name), data.version)
    return Effects()  # nothing to tell anyone


def _engagement(conn: Connection, deps: NotifyDeps, event_id: str, kind: str, engagement_id: str, posting_id: str,
                worker_id: str, status: str, at: dt.datetime, notice: Notice) -> Effects:
    if store.is_erased(conn, worker_id):
        return Effects()
    store.upsert_engagement(conn, kind=kind, engagement_id=engagement_id, posting_id=posting_id, worker_id=worker_id,
                            status=status, at=at)
    return notify(conn, deps, event_id, notice)


def notify(conn: Connection, deps: NotifyDeps, event_id: str, notice: Notice, *, prefs: Preferences | None = None,
           webhooks: bool = True) -> Effects:
    """Store one notification for one recipient and fan it out to the channels it chose."""
    now = deps.clock()
    prefs = prefs or store.load_preferences(conn, notice.recipient)
    notice = localized(notice, prefs.language, prefs.timezone)  # stored as this reader reads it
    channels = prefs.channels_for(notice.type)
    notification_id = store.add_notification(conn, event_id, notice, in_inbox=Channel.inbox in channels, now=now)
    if notification_id is None:
        return Effects()  # this event already notified this recipient
    effects = Effects(notifications=1)
    if webhooks and notice.recipient.kind is RecipientKind.org and Channel.webhook in channels:
        payload = webhook_payload(notice.type.value, now, {"notification_id": notification_id, **notice.data})
        for subscription in store.active_subscriptions(conn, notice.recipient.id):
            if subscription_wants(subscription.event_types, notice.type.value):
                if store.add_delivery(conn, subscription, event_id=event_id, event_type=notice.type.value,
                                      payload=payload, worker_id=notice.worker_id, now=now):
                    effects.deliveries += 1
    route = route_email(prefs, notice.type, now, mail_enabled=deps.mail_enabled,
                        take_token=lambda: _take_email_token(deps, notice.recipient))
    if route is EmailRoute.now:
        store.add_email(conn, notice.recipient, "single", [notification_id], now)
        effects.emails += 1
    elif route is EmailRoute.digest:
        store.queue_for_digest(conn, notification_id)
    return effects


def _email_bucket(recipient: Recipient) -> str:
    return f"email-rate:{recipient.kind.value}:{recipient.id}"


def _take_email_token(deps: NotifyDeps, recipient: Recipient) -> bool:
    try:
        return deps.key_value.take_token(_email_bucket(recipient), deps.email_burst, deps.email_refill_per_s)
    except Exception as exc:  # noqa: BLE001 — a key-value outage must not lose the notification
        log.warning("rate bucket unavailable (%s); the e-mail waits for the digest", type(exc).__name__)
        return False


def webhook_payload(type_: str, at: dt.datetime, data: dict[str, Any]) -> str:
    """The body Standard Webhooks recommends: type, timestamp and the data."""
    return store.json_text({"type": type_, "timestamp": at.isoformat(), "data": data})


def market_report(conn: Connection, deps: NotifyDeps, event_id: str, report: MarketReportPublished) -> Effects:
    """Tell the recipients who opted in (inbox, e-mail) and every subscription that asked for reports."""
    effects = Effects()
    for prefs in store.market_report_readers(conn):
        effects += notify(conn, deps, event_id, market_report_notice(report, prefs.recipient), prefs=prefs, webhooks=False)
    now = deps.clock()
    type_ = NotificationType.market_report_published
    payload = webhook_payload(type_.value, now, market_report_data(report))
    org_prefs: dict[str, Preferences] = {}
    for subscription in store.active_subscriptions(conn):
        if not subscription_wants(subscription.event_types, type_.value):
            continue
        prefs = org_prefs.get(subscription.org_id)
        if prefs is None:
            prefs = org_prefs[subscription.org_id] = store.load_preferences(
                conn, Recipient(RecipientKind.org, subscription.org_id))
        if Channel.webhook in prefs.channels_for(type_):
            if store.add_delivery(conn, subscription, event_id=event_id, event_type=type_.value, payload=payload,
                                  worker_id=None, now=now):
                effects.deliveries += 1
    return effects


def erase_worker(conn: Connection, deps: NotifyDeps, worker_id: str, erased_at: dt.datetime) -> store.ErasureCounts:
    counts = store.erase_worker(conn, worker_id, erased_at)
    try:
        deps.key_value.delete(_email_bucket(Recipient(RecipientKind.worker, worker_id)))
    except Exception as exc:  # noqa: BLE001 — the bucket holds no personal data and expires by itself
        log.warning("could not drop an erased worker's rate bucket (%s)", type(exc).__name__)
    return counts


# --- inbox and preferences ---------------------------------------------------------------------


def worker_recipient(conn: Connection, principal: Principal, worker_id: str) -> Recipient:
    """A worker's inbox, for the worker itself, an admin, or an agency whose org manages the worker
    (its `agency_id`, as worker.upserted told notify) or whose token lists the worker in acts_for."""
    if principal.role is Role.worker:
        if worker_id != principal.subject:
            raise Forbidden("a worker reads only its own inbox")
    elif principal.role is Role.agency:
        managed = worker_id in principal.acts_for or (
            principal.org is not None and store.agency_of(conn, worker_id) == principal.org)
        if not managed:
            raise Forbidden(f"your agency does not manage worker {worker_id} (or notify has not yet heard "
                            "that it does: retry in a moment)")
    elif principal.role is not Role.admin:
        raise Forbidden(f"role {principal.role.value} reads no worker's inbox")
    return Recipient(RecipientKind.worker, worker_id)


def put_preferences(conn: Connection, deps: NotifyDeps, recipient: Recipient, given: PreferencesIn,
                    expected_version: int | None) -> Preferences:
    """Replace the recipient's preferences; 412 when `expected_version` is stale.

    The row is locked while it is read and written, so of two writers naming the same version one
    wins and the other gets 412. Only two *first* writes can still meet (there was no row to lock):
    the loser's If-Match is then stale (412), and a write without If-Match simply goes second.
    """
    given.check_for(recipient)
    for _ in range(2):
        current = store.load_preferences(conn, recipient, for_update=True)
        if expected_version is not None and expected_version != current.version:
            raise StaleVersion(f"the preferences are at version {current.version}, not {expected_version}; read them again")
        prefs = Preferences.from_input(recipient, given, version=current.version + 1, updated_at=deps.clock())
        try:
            store.save_preferences(conn, prefs)
        except store.ConcurrentChange:
            continue  # read again: the other writer's row is committed and now visible
        return prefs
    raise Conflict("the preferences changed meanwhile; read them again and retry")


# --- subscriptions -----------------------------------------------------------------------------


def require_subscriber(principal: Principal) -> None:
    principal.require(Role.employer, Role.agency)
    if not principal.org:
        raise Forbidden("this token names no org; webhooks belong to an employer's or agency's org")


def subscriber_orgs(principal: Principal) -> list[str]:
    """The orgs whose subscriptions a caller manages: its own, and for an agency those it acts for."""
    orgs = [principal.org] if principal.org else []
    if principal.role is Role.agency:
        orgs += [o for o in principal.acts_for if o not in orgs]
    return orgs


def owned_subscription(conn: Connection, principal: Principal, subscription_id: str, *, for_update: bool = False) -> Row:
    """The subscription, when the caller manages its org; 404 otherwise (existence is not revealed)."""
    require_subscriber(principal)
    row = store.get_subscription(conn, subscription_id, for_update=for_update)
    if row is None or not principal.may_act_for_org(row.org_id):
        raise NotFound(f"no subscription {subscription_id}")
    return row


def check_endpoint(deps: NotifyDeps, url: str) -> None:
    try:
        vet_endpoint(url, deps.address_policy, deps.resolver)
    except EndpointRefused as exc:
        raise InvalidInput.field("body.url", str(exc)) from None


def create_subscription(conn: Connection, deps: NotifyDeps, principal: Principal, given: SubscriptionIn) -> tuple[Row, str]:
    require_subscriber(principal)
    org_id = given.org_id or principal.org
    if not principal.may_act_for_org(org_id):
        raise Forbidden(f"you do not act for org {org_id}")
    check_endpoint(deps, given.url)
    if store.count_subscriptions(conn, org_id) >= deps.max_subscriptions_per_org:
        raise Conflict(f"org {org_id} has {deps.max_subscriptions_per_org} subscriptions, the most allowed; delete one first")
    now = deps.clock()
    secret = new_secret()
    row = store.add_subscription(conn, {
        "id": new_id("sub"), "org_id": org_id, "url": given.url.strip(), "event_types": given.event_types,
        "description": given.description, "secret": secret, "previous_secret": None,
        "previous_secret_expires_at": None, "status": SubscriptionStatus.active.value, "disabled_reason": None,
        "disabled_at": None, "failing_since": None, "version": 1, "created_at": now, "updated_at": now,
    })
    return row, secret


def rotate_secret(conn: Connection, deps: NotifyDeps, subscription: Row) -> tuple[Row, str]:
    """A new secret; the current one stays valid for the grace period (both signatures are sent)."""
    now = deps.clock()
    secret = new_secret()
    store.update_subscription(conn, subscription.id, secret=secret, previous_secret=subscription.secret,
                              previous_secret_expires_at=now + deps.secret_grace, version=subscription.version + 1,
                              updated_at=now)
    return store.get_subscription(conn, subscription.id), secret


def enable_subscription(conn: Connection, deps: NotifyDeps, subscription: Row) -> Row:
    """Turn a disabled subscription back on (after its owner fixed the endpoint); the URL is vetted again."""
    if subscription.status == SubscriptionStatus.active.value:
        return subscription
    check_endpoint(deps, subscription.url)
    store.update_subscription(conn, subscription.id, status=SubscriptionStatus.active.value, disabled_reason=None,
                              disabled_at=None, failing_since=None, version=subscription.version + 1,
                              updated_at=deps.clock())
    return store.get_subscription(conn, subscription.id)


def send_test(conn: Connection, deps: NotifyDeps, subscription: Row) -> str:
    if subscription.status != SubscriptionStatus.active.value:
        raise Conflict("the subscription is disabled; enable it first")
    now = deps.clock()
    event_id = new_id("test")
    payload = webhook_payload(TEST_EVENT_TYPE, now, {"subscription_id": subscription.id,
                                                     "message": "a test webhook from TalentFlow"})
    delivery_id = store.add_delivery(conn, subscription, event_id=event_id, event_type=TEST_EVENT_TYPE, payload=payload,
                                     worker_id=None, now=now)
    assert delivery_id is not None  # a fresh event id cannot collide
    return delivery_id


def redeliver(conn: Connection, deps: NotifyDeps, subscription: Row, delivery_id: str) -> Row:
    delivery = store.get_delivery(conn, subscription.id, delivery_id)
    if delivery is None:
        raise NotFound(f"no delivery {delivery_id} for subscription {subscription.id}")
    if subscription.status != SubscriptionStatus.active.value:
        raise Conflict("the subscription is disabled; enable it first")
    if delivery.payload is None:
        raise Conflict("this delivery's payload was erased (PIPL/GDPR); it cannot be sent again")
    store.reschedule_delivery(conn, delivery.id, deps.clock())
    return store.get_delivery(conn, subscription.id, delivery.id)


# --- the dispatcher's decisions ----------------------------------------------------------------


def secrets_in_use(claimed: store.ClaimedDelivery, now: dt.datetime) -> list[str]:
    in_use = [claimed.secret]
    if claimed.previous_secret and claimed.previous_secret_expires_at and claimed.previous_secret_expires_at > now:
        in_use.append(claimed.previous_secret)
    return in_use


def settle_delivery(conn: Connection, deps: NotifyDeps, claimed: store.ClaimedDelivery, outcome: Outcome,
                    attempted_at: dt.datetime) -> DeliveryStatus | None:
    """Record an attempt and decide what follows: done, retry later, failed, or the endpoint disabled.

    Returns the delivery's new status, or None when the claim was lost (another dispatcher took over).
    """
    result = outcome.result
    now = deps.clock()
    if result is AttemptResult.succeeded:
        status, next_at, step = DeliveryStatus.succeeded, None, claimed.retry_step
    elif result is AttemptResult.gone:
        status, next_at, step = DeliveryStatus.failed, None, claimed.retry_step
    else:
        step = claimed.retry_step + 1
        delay = deps.retry.next_delay(step, outcome.retry_after_s)
        if delay is None:
            status, next_at = DeliveryStatus.failed, None
        else:
            status, next_at = DeliveryStatus.pending, now + dt.timedelta(seconds=delay)
    kept = store.record_attempt(conn, claimed, attempted_at=attempted_at, status_code=outcome.status_code,
                                error=outcome.error, duration_ms=outcome.duration_ms, outcome=status,
                                next_attempt_at=next_at, retry_step=step)
    if not kept:
        return None
    subscription = store.get_subscription(conn, claimed.subscription_id, for_update=True)
    if subscription is None or subscription.status != SubscriptionStatus.active.value:
        return status
    if result is AttemptResult.succeeded:
        if subscription.failing_since is not None:
            store.update_subscription(conn, subscription.id, failing_since=None)
    elif result is AttemptResult.gone:
        disable_subscription(conn, deps, subscription, "the endpoint answered 410 Gone")
    else:
        failing_since = store.utc(subscription.failing_since) or now
        if subscription.failing_since is None:
            store.update_subscription(conn, subscription.id, failing_since=now)
        if now - failing_since >= deps.disable_after:
            days = (now - failing_since).total_seconds() / 86400
            disable_subscription(conn, deps, subscription, f"the endpoint has failed every attempt for {days:.1f} days")
    return status


def disable_subscription(conn: Connection, deps: NotifyDeps, subscription: Row, reason: str) -> None:
    """Disable an endpoint, cancel what it still had to receive, and tell its owner in the inbox."""
    now = deps.clock()
    version = subscription.version + 1
    store.update_subscription(conn, subscription.id, status=SubscriptionStatus.disabled.value, disabled_reason=reason[:300],
                              disabled_at=now, version=version, updated_at=now)
    store.cancel_pending_deliveries(conn, subscription.id, f"subscription disabled: {reason}")
    notice = subscription_disabled_notice(subscription.org_id, subscription.id, subscription.url, reason)
    notify(conn, deps, f"subscription.disabled:{subscription.id}:{version}", notice, webhooks=False)


def email_retry_at(deps: NotifyDeps, attempts_before: int, now: dt.datetime) -> dt.datetime | None:
    delay = deps.email_retry.next_delay(attempts_before + 1)
    return None if delay is None else now + dt.timedelta(seconds=delay)


def make_digests(conn_factory: Callable[[], Any], deps: NotifyDeps) -> int:
    """Turn every recipient's due digest queue into one digest e-mail; returns how many were made.

    `conn_factory()` opens a transaction (engine.begin): each recipient's digest is its own.
    """
    now = deps.clock()
    made = 0
    with conn_factory() as conn:
        queues = store.digest_queues(conn)
    for queue in queues:
        with conn_factory() as conn:
            prefs = store.load_preferences(conn, queue.recipient)
            if not (deps.mail_enabled and prefs.email):
                store.take_digest_items(conn, queue.recipient)  # nowhere to send: they stay in the inbox only
                continue
            if now < digest_due_at(prefs, queue.oldest, queue.newest, settle=deps.digest_settle):
                continue
            ids = store.take_digest_items(conn, queue.recipient)
            if ids:
                store.add_email(conn, queue.recipient, "digest", ids, now)
                made += 1
    return made


def purge_expired(conn: Connection, deps: NotifyDeps) -> store.Purged:
    now = deps.clock()
    return store.purge_expired(conn, deliveries_before=now - deps.delivery_retention,
                               inbox_before=now - deps.inbox_retention)
