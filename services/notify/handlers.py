"""What happens for each incoming event and each command of the notify service.

The handler shape of every service (docs/kit.md, "Unit of work"): a plain function
`command(deps, …) -> result`, `deps` first; `deps.uow` is the unit of work. A handler opens
`with deps.uow as uow:` (one transaction; a consumer that opened one for its batch is joined, so an
event's notifications, webhook deliveries and e-mails are stored together or not at all). Helpers
that take `uow` work inside the caller's open unit.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
from services.common.uow import UnitOfWork
from services.notify import store, texts
from services.notify.store import Delivery, Notification, NotifyStore, Subscription
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
Tx = UnitOfWork[NotifyStore]  # an open unit of work: its store and its transaction



def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class NotifyDeps:
    """What the handlers need from outside: the unit of work, the key-value port, the clock, the policies."""

    key_value: KeyValue
    uow: Tx
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


def handle_event(deps: NotifyDeps, event: CloudEvent) -> Effects:
    """Apply one event. Idempotent: a redelivered event finds its notifications and deliveries
    already stored (unique per event and recipient / subscription) and adds nothing."""
    with deps.uow as uow:
        return _apply_event(uow, deps, event)


def _apply_event(uow: Tx, deps: NotifyDeps, event: CloudEvent) -> Effects:
    data = event.parsed()
    if isinstance(data, MatchFound):
        # A match for the profile of a person who came back (found at a version above their erasure)
        # may arrive before notify reads that profile on the other topic: it lifts the marker itself.
        if uow.store.is_erased(data.worker_id) and not (
                data.worker_version is not None and uow.store.lift_erasure_for_version(data.worker_id, data.worker_version)):
            return Effects()
        names = uow.store.names_for(posting_id=data.posting_id, worker_id=data.worker_id)
        return notify(uow, deps, event.id, match_notice(data, names))
    if isinstance(data, (ApplicationSubmitted, ApplicationUpdated, InvitationSent, InvitationAnswered)):
        names = uow.store.names_for(posting_id=data.posting_id, worker_id=data.worker_id)
    if isinstance(data, ApplicationSubmitted):
        return _engagement(uow, deps, event.id, "application", data.id, data.posting_id, data.worker_id, data.status,
                           data.submitted_at, application_submitted_notice(data, names))
    if isinstance(data, ApplicationUpdated):
        return _engagement(uow, deps, event.id, "application", data.id, data.posting_id, data.worker_id, data.status,
                           data.updated_at, application_updated_notice(data, names))
    if isinstance(data, InvitationSent):
        return _engagement(uow, deps, event.id, "invitation", data.id, data.posting_id, data.worker_id, "sent",
                           data.sent_at, invitation_sent_notice(data, names))
    if isinstance(data, InvitationAnswered):
        return _engagement(uow, deps, event.id, "invitation", data.id, data.posting_id, data.worker_id, data.answer,
                           data.answered_at, invitation_answered_notice(data, names))
    if isinstance(data, PostingClosed):
        effects = Effects()
        names = uow.store.names_for(posting_id=data.id)
        for worker_id in uow.store.engaged_workers(data.id):
            effects += notify(uow, deps, event.id, posting_closed_notice(data, worker_id, names))
        return effects
    if isinstance(data, PostingUpserted):
        uow.store.remember_name("posting", data.id, data.title, data.version)
        return Effects()
    if isinstance(data, MarketReportPublished):
        return market_report(uow, deps, event.id, data)
    if isinstance(data, WorkerErased):
        known = uow.store.worker_version(data.id)
        if known is not None and known > event.entityversion:
            # an old erasure delivered again after the person came back (versions go on across
            # lives): the new profile's inbox and preferences stay
            return Effects()
        erase_worker(uow, deps, data.id, data.erased_at, event.entityversion)
        return Effects()
    if isinstance(data, ImportCompleted):
        if data.org_id is None:
            return Effects()  # an admin's import: admins have no inbox
        return notify(uow, deps, event.id, import_completed_notice(data))
    if isinstance(data, WorkerUpserted):
        if not uow.store.is_erased(data.id):
            uow.store.remember_agency(data.id, data.agency_id, data.version)
        if data.created_at == data.updated_at:
            # A person who erased their profile may come back under the same id (profiles continues
            # above the erased version): a profile created after the erasure lifts the marker, or they
            # would never be notified again. An older event replayed after the erasure lifts nothing.
            uow.store.lift_erasure(data.id, created_at=data.created_at)
        if data.name and not uow.store.is_erased(data.id):
            # masked as search hits show it (idempotent when the event already carries it masked)
            uow.store.remember_name("worker", data.id, mask_name(data.name), data.version)
    return Effects()  # nothing to tell anyone


def _engagement(uow: Tx, deps: NotifyDeps, event_id: str, kind: str, engagement_id: str, posting_id: str,
                worker_id: str, status: str, at: dt.datetime, notice: Notice) -> Effects:
    if uow.store.is_erased(worker_id):
        return Effects()
    uow.store.upsert_engagement(kind=kind, engagement_id=engagement_id, posting_id=posting_id, worker_id=worker_id,
                                status=status, at=at)
    return notify(uow, deps, event_id, notice)


def notify(uow: Tx, deps: NotifyDeps, event_id: str, notice: Notice, *, prefs: Preferences | None = None,
           webhooks: bool = True) -> Effects:
    """Store one notification for one recipient and fan it out to the channels it chose."""
    now = deps.clock()
    prefs = prefs or uow.store.load_preferences(notice.recipient)
    notice = localized(notice, prefs.language, prefs.timezone)  # stored as this reader reads it
    channels = prefs.channels_for(notice.type)
    notification_id = uow.store.add_notification(event_id, notice, in_inbox=Channel.inbox in channels, now=now)
    if notification_id is None:
        return Effects()  # this event already notified this recipient
    effects = Effects(notifications=1)
    if webhooks and notice.recipient.kind is RecipientKind.org and Channel.webhook in channels:
        payload = webhook_payload(notice.type.value, now, {"notification_id": notification_id, **notice.data})
        for subscription in uow.store.active_subscriptions(notice.recipient.id):
            if subscription_wants(subscription.event_types, notice.type.value):
                if uow.store.add_delivery(subscription, event_id=event_id, event_type=notice.type.value,
                                          payload=payload, worker_id=notice.worker_id, now=now):
                    effects.deliveries += 1
    route = route_email(prefs, notice.type, now, mail_enabled=deps.mail_enabled,
                        take_token=lambda: _take_email_token(deps, notice.recipient))
    if route is EmailRoute.now:
        uow.store.add_email(notice.recipient, "single", [notification_id], now)
        effects.emails += 1
    elif route is EmailRoute.digest:
        uow.store.queue_for_digest(notification_id)
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


def market_report(uow: Tx, deps: NotifyDeps, event_id: str, report: MarketReportPublished) -> Effects:
    """Tell the recipients who opted in (inbox, e-mail) and every subscription that asked for reports."""
    effects = Effects()
    for prefs in uow.store.market_report_readers():
        effects += notify(uow, deps, event_id, market_report_notice(report, prefs.recipient), prefs=prefs, webhooks=False)
    now = deps.clock()
    type_ = NotificationType.market_report_published
    payload = webhook_payload(type_.value, now, market_report_data(report))
    org_prefs: dict[str, Preferences] = {}
    for subscription in uow.store.active_subscriptions():
        if not subscription_wants(subscription.event_types, type_.value):
            continue
        prefs = org_prefs.get(subscription.org_id)
        if prefs is None:
            prefs = org_prefs[subscription.org_id] = uow.store.load_preferences(
                Recipient(RecipientKind.org, subscription.org_id))
        if Channel.webhook in prefs.channels_for(type_):
            if uow.store.add_delivery(subscription, event_id=event_id, event_type=type_.value, payload=payload,
                                      worker_id=None, now=now):
                effects.deliveries += 1
    return effects


def erase_worker(uow: Tx, deps: NotifyDeps, worker_id: str, erased_at: dt.datetime,
                 version: int | None = None) -> store.ErasureCounts:
    counts = uow.store.erase_worker(worker_id, erased_at, version)
    try:
        deps.key_value.delete(_email_bucket(Recipient(RecipientKind.worker, worker_id)))
    except Exception as exc:  # noqa: BLE001 — the bucket holds no personal data and expires by itself
        log.warning("could not drop an erased worker's rate bucket (%s)", type(exc).__name__)
    return counts


# --- inbox and preferences ---------------------------------------------------------------------


def recipient_of(deps: NotifyDeps, principal: Principal, worker_id: str | None) -> Recipient:
    """The caller's own inbox, or with `worker_id` a worker's that the caller acts for (DESIGN §3):
    the worker itself, an admin, or an agency whose org manages the worker (its `agency_id`, as
    worker.upserted told notify) or whose token lists the worker in acts_for."""
    if worker_id is None:
        return Recipient.of(principal)
    if principal.role is Role.worker:
        if worker_id != principal.subject:
            raise Forbidden("a worker reads only its own inbox")
    elif principal.role is Role.agency:
        managed = worker_id in principal.acts_for
        if not managed and principal.org is not None:
            with deps.uow.read() as uow:
                managed = uow.store.agency_of(worker_id) == principal.org
        if not managed:
            raise Forbidden(f"your agency does not manage worker {worker_id} (or notify has not yet heard "
                            "that it does: retry in a moment)")
    elif principal.role is not Role.admin:
        raise Forbidden(f"role {principal.role.value} reads no worker's inbox")
    return Recipient(RecipientKind.worker, worker_id)


@dataclass(frozen=True)
class InboxItem:
    """A stored notification, its data with the names known now, and the reader's (language, zone)."""

    notification: Notification
    data: dict[str, Any]
    reader: tuple[texts.Language, str]


def _reader(uow: Tx, recipient: Recipient, accept_language: str | None) -> tuple[texts.Language, str]:
    """The language (Accept-Language first, then the preference) and zone an inbox read is written in."""
    prefs = uow.store.load_preferences(recipient)
    return texts.language_of(accept_language) or prefs.language, prefs.timezone


def list_inbox(deps: NotifyDeps, principal: Principal, worker_id: str | None, *, unread_only: bool,
               before_seq: int | None, limit: int, accept_language: str | None) -> tuple[list[InboxItem], bool]:
    """One page of the inbox, newest first, and whether another page follows."""
    recipient = recipient_of(deps, principal, worker_id)
    with deps.uow.read() as uow:
        rows = uow.store.inbox_page(recipient, unread_only=unread_only, before_seq=before_seq, limit=limit + 1)
        reader = _reader(uow, recipient, accept_language)
        more = len(rows) > limit
        rows = rows[:limit]
        datas = uow.store.data_with_names(rows)
    return [InboxItem(r, d, reader) for r, d in zip(rows, datas, strict=True)], more


def mark_read(deps: NotifyDeps, principal: Principal, worker_id: str | None, notification_id: str, *,
              accept_language: str | None) -> InboxItem:
    """Mark one of the recipient's notifications read; reading it again keeps the first read time."""
    recipient = recipient_of(deps, principal, worker_id)
    with deps.uow as uow:
        row = uow.store.mark_read(recipient, notification_id, deps.clock())
        if row is None:
            raise NotFound(f"no notification {notification_id} in your inbox")
        reader = _reader(uow, recipient, accept_language)
        (data,) = uow.store.data_with_names([row])
    return InboxItem(row, data, reader)


def get_preferences(deps: NotifyDeps, principal: Principal, worker_id: str | None) -> Preferences:
    """The recipient's preferences; defaults until written (version 0 means never written)."""
    recipient = recipient_of(deps, principal, worker_id)
    with deps.uow.read() as uow:
        return uow.store.load_preferences(recipient)


def put_preferences(deps: NotifyDeps, principal: Principal, worker_id: str | None, given: PreferencesIn,
                    expected_version: int | None) -> Preferences:
    """Replace the recipient's preferences; 412 when `expected_version` is stale.

    The row is locked while it is read and written, so of two writers naming the same version one
    wins and the other gets 412. Only two *first* writes can still meet (there was no row to lock):
    the loser's If-Match is then stale (412), and a write without If-Match simply goes second.
    """
    recipient = recipient_of(deps, principal, worker_id)
    given.check_for(recipient)
    with deps.uow as uow:
        for _ in range(2):
            current = uow.store.load_preferences(recipient, for_update=True)
            if expected_version is not None and expected_version != current.version:
                raise StaleVersion(f"the preferences are at version {current.version}, not {expected_version}; "
                                   "read them again")
            prefs = Preferences.from_input(recipient, given, version=current.version + 1, updated_at=deps.clock())
            try:
                uow.store.save_preferences(prefs)
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


def _owned_subscription(uow: Tx, principal: Principal, subscription_id: str, *,
                        for_update: bool = False) -> Subscription:
    """The subscription, when the caller manages its org; 404 otherwise (existence is not revealed)."""
    require_subscriber(principal)
    row = uow.store.get_subscription(subscription_id, for_update=for_update)
    if row is None or not principal.may_act_for_org(row.org_id):
        raise NotFound(f"no subscription {subscription_id}")
    return row


def check_if_match(if_match: int | str | None, current_version: int) -> None:
    """If-Match is honoured (412 when it names another version) but not required."""
    if if_match is not None and if_match != "*" and if_match != current_version:
        raise StaleVersion(f"the resource is at version {current_version}, not {if_match}; read it again")


def check_endpoint(deps: NotifyDeps, url: str) -> None:
    try:
        vet_endpoint(url, deps.address_policy, deps.resolver)
    except EndpointRefused as exc:
        raise InvalidInput.field("body.url", str(exc)) from None


def create_subscription(deps: NotifyDeps, principal: Principal, given: SubscriptionIn) -> tuple[Subscription, str]:
    """Register a webhook endpoint; the signing secret is answered once, here."""
    require_subscriber(principal)
    org_id = given.org_id or principal.org
    if not principal.may_act_for_org(org_id):
        raise Forbidden(f"you do not act for org {org_id}")
    check_endpoint(deps, given.url)
    with deps.uow as uow:
        if uow.store.count_subscriptions(org_id) >= deps.max_subscriptions_per_org:
            raise Conflict(f"org {org_id} has {deps.max_subscriptions_per_org} subscriptions, the most allowed; "
                           "delete one first")
        now = deps.clock()
        secret = new_secret()
        row = uow.store.add_subscription({
            "id": new_id("sub"), "org_id": org_id, "url": given.url.strip(), "event_types": given.event_types,
            "description": given.description, "secret": secret, "previous_secret": None,
            "previous_secret_expires_at": None, "status": SubscriptionStatus.active.value, "disabled_reason": None,
            "disabled_at": None, "failing_since": None, "version": 1, "created_at": now, "updated_at": now,
        })
    return row, secret


def list_subscriptions(deps: NotifyDeps, principal: Principal, *, after_seq: int | None,
                       limit: int) -> tuple[list[Subscription], bool]:
    """Subscriptions of the caller's org (and, for an agency, of the orgs it acts for), oldest first."""
    require_subscriber(principal)
    with deps.uow.read() as uow:
        rows = uow.store.subscriptions_page(subscriber_orgs(principal), after_seq=after_seq, limit=limit + 1)
    return rows[:limit], len(rows) > limit


def get_subscription(deps: NotifyDeps, principal: Principal, subscription_id: str) -> Subscription:
    with deps.uow.read() as uow:
        return _owned_subscription(uow, principal, subscription_id)


def delete_subscription(deps: NotifyDeps, principal: Principal, subscription_id: str, *,
                        if_match: int | str | None) -> None:
    """Remove the endpoint and its delivery log; nothing more is sent to it."""
    with deps.uow as uow:
        row = _owned_subscription(uow, principal, subscription_id, for_update=True)
        check_if_match(if_match, row.version)
        uow.store.delete_subscription(row.id)


def rotate_secret(deps: NotifyDeps, principal: Principal, subscription_id: str, *,
                  if_match: int | str | None) -> tuple[Subscription, str]:
    """A new secret; the current one stays valid for the grace period (both signatures are sent)."""
    with deps.uow as uow:
        subscription = _owned_subscription(uow, principal, subscription_id, for_update=True)
        check_if_match(if_match, subscription.version)
        now = deps.clock()
        secret = new_secret()
        uow.store.update_subscription(subscription.id, secret=secret, previous_secret=subscription.secret,
                                      previous_secret_expires_at=now + deps.secret_grace,
                                      version=subscription.version + 1, updated_at=now)
        return uow.store.get_subscription(subscription.id), secret


def enable_subscription(deps: NotifyDeps, principal: Principal, subscription_id: str, *,
                        if_match: int | str | None) -> Subscription:
    """Turn a disabled subscription back on (after its owner fixed the endpoint); the URL is vetted again."""
    with deps.uow as uow:
        subscription = _owned_subscription(uow, principal, subscription_id, for_update=True)
        check_if_match(if_match, subscription.version)
        if subscription.status == SubscriptionStatus.active.value:
            return subscription
        check_endpoint(deps, subscription.url)
        uow.store.update_subscription(subscription.id, status=SubscriptionStatus.active.value, disabled_reason=None,
                                      disabled_at=None, failing_since=None, version=subscription.version + 1,
                                      updated_at=deps.clock())
        return uow.store.get_subscription(subscription.id)


def send_test(deps: NotifyDeps, principal: Principal, subscription_id: str) -> Delivery:
    """Queue a `webhook.test` delivery to the endpoint."""
    with deps.uow as uow:
        subscription = _owned_subscription(uow, principal, subscription_id)
        if subscription.status != SubscriptionStatus.active.value:
            raise Conflict("the subscription is disabled; enable it first")
        now = deps.clock()
        event_id = new_id("test")
        payload = webhook_payload(TEST_EVENT_TYPE, now, {"subscription_id": subscription.id,
                                                         "message": "a test webhook from TalentFlow"})
        delivery_id = uow.store.add_delivery(subscription, event_id=event_id, event_type=TEST_EVENT_TYPE,
                                             payload=payload, worker_id=None, now=now)
        assert delivery_id is not None  # a fresh event id cannot collide
        return uow.store.get_delivery(subscription.id, delivery_id)


def list_deliveries(deps: NotifyDeps, principal: Principal, subscription_id: str, *, status: str | None,
                    before_seq: int | None, limit: int) -> tuple[list[Delivery], bool]:
    """The endpoint's deliveries, newest first, and whether another page follows."""
    with deps.uow.read() as uow:
        subscription = _owned_subscription(uow, principal, subscription_id)
        rows = uow.store.deliveries_page(subscription.id, status=status, before_seq=before_seq, limit=limit + 1)
    return rows[:limit], len(rows) > limit


def get_delivery(deps: NotifyDeps, principal: Principal, subscription_id: str,
                 delivery_id: str) -> tuple[Delivery, list[store.Attempt]]:
    """One delivery with its attempts (newest first)."""
    with deps.uow.read() as uow:
        subscription = _owned_subscription(uow, principal, subscription_id)
        delivery = uow.store.get_delivery(subscription.id, delivery_id)
        if delivery is None:
            raise NotFound(f"no delivery {delivery_id} for subscription {subscription_id}")
        return delivery, uow.store.attempts_of(delivery.id)


def redeliver(deps: NotifyDeps, principal: Principal, subscription_id: str, delivery_id: str) -> Delivery:
    """Send a delivery again, now, with a fresh retry schedule and the same `webhook-id`."""
    with deps.uow as uow:
        subscription = _owned_subscription(uow, principal, subscription_id)
        delivery = uow.store.get_delivery(subscription.id, delivery_id)
        if delivery is None:
            raise NotFound(f"no delivery {delivery_id} for subscription {subscription.id}")
        if subscription.status != SubscriptionStatus.active.value:
            raise Conflict("the subscription is disabled; enable it first")
        if delivery.payload is None:
            raise Conflict("this delivery's payload was erased (PIPL/GDPR); it cannot be sent again")
        uow.store.reschedule_delivery(delivery.id, deps.clock())
        return uow.store.get_delivery(subscription.id, delivery.id)


# --- the dispatcher's decisions ----------------------------------------------------------------


def secrets_in_use(claimed: store.ClaimedDelivery, now: dt.datetime) -> list[str]:
    in_use = [claimed.secret]
    if claimed.previous_secret and claimed.previous_secret_expires_at and claimed.previous_secret_expires_at > now:
        in_use.append(claimed.previous_secret)
    return in_use


def settle_delivery(deps: NotifyDeps, claimed: store.ClaimedDelivery, outcome: Outcome,
                    attempted_at: dt.datetime) -> DeliveryStatus | None:
    """Record an attempt and decide what follows: done, retry later, failed, or the endpoint disabled.

    Returns the delivery's new status, or None when the claim was lost (another dispatcher took over).
    """
    with deps.uow as uow:
        return _settle_delivery(uow, deps, claimed, outcome, attempted_at)


def _settle_delivery(uow: Tx, deps: NotifyDeps, claimed: store.ClaimedDelivery, outcome: Outcome,
                     attempted_at: dt.datetime) -> DeliveryStatus | None:
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
    kept = uow.store.record_attempt(claimed, attempted_at=attempted_at, status_code=outcome.status_code,
                                    error=outcome.error, duration_ms=outcome.duration_ms, outcome=status,
                                    next_attempt_at=next_at, retry_step=step)
    if not kept:
        return None
    subscription = uow.store.get_subscription(claimed.subscription_id, for_update=True)
    if subscription is None or subscription.status != SubscriptionStatus.active.value:
        return status
    if result is AttemptResult.succeeded:
        if subscription.failing_since is not None:
            uow.store.update_subscription(subscription.id, failing_since=None)
    elif result is AttemptResult.gone:
        disable_subscription(uow, deps, subscription, "the endpoint answered 410 Gone")
    else:
        failing_since = store.utc(subscription.failing_since) or now
        if subscription.failing_since is None:
            uow.store.update_subscription(subscription.id, failing_since=now)
        if now - failing_since >= deps.disable_after:
            days = (now - failing_since).total_seconds() / 86400
            disable_subscription(uow, deps, subscription, f"the endpoint has failed every attempt for {days:.1f} days")
    return status


def disable_subscription(uow: Tx, deps: NotifyDeps, subscription: Subscription, reason: str) -> None:
    """Disable an endpoint, cancel what it still had to receive, and tell its owner in the inbox."""
    now = deps.clock()
    version = subscription.version + 1
    uow.store.update_subscription(subscription.id, status=SubscriptionStatus.disabled.value,
                                  disabled_reason=reason[:300], disabled_at=now, version=version, updated_at=now)
    uow.store.cancel_pending_deliveries(subscription.id, f"subscription disabled: {reason}")
    notice = subscription_disabled_notice(subscription.org_id, subscription.id, subscription.url, reason)
    notify(uow, deps, f"subscription.disabled:{subscription.id}:{version}", notice, webhooks=False)


def email_retry_at(deps: NotifyDeps, attempts_before: int, now: dt.datetime) -> dt.datetime | None:
    delay = deps.email_retry.next_delay(attempts_before + 1)
    return None if delay is None else now + dt.timedelta(seconds=delay)


def make_digests(deps: NotifyDeps) -> int:
    """Turn every recipient's due digest queue into one digest e-mail; returns how many were made.

    Each recipient's digest is its own unit of work.
    """
    now = deps.clock()
    made = 0
    with deps.uow as uow:
        queues = uow.store.digest_queues()
    for queue in queues:
        with deps.uow as uow:
            prefs = uow.store.load_preferences(queue.recipient)
            if not (deps.mail_enabled and prefs.email):
                uow.store.take_digest_items(queue.recipient)  # nowhere to send: they stay in the inbox only
                continue
            if now < digest_due_at(prefs, queue.oldest, queue.newest, settle=deps.digest_settle):
                continue
            ids = uow.store.take_digest_items(queue.recipient)
            if ids:
                uow.store.add_email(queue.recipient, "digest", ids, now)
                made += 1
    return made


def purge_expired(deps: NotifyDeps) -> store.Purged:
    """Deliveries and inbox items past their retention go."""
    now = deps.clock()
    with deps.uow as uow:
        return uow.store.purge_expired(deliveries_before=now - deps.delivery_retention,
                                       inbox_before=now - deps.inbox_retention)
