"""The notify service's rules, without I/O: signatures, retries, the SSRF guard's classification,
quiet hours and digests, preferences and subscriptions as clients write them, composed notices.
"""

from __future__ import annotations

import base64
import datetime as dt
import random

import pytest
from pydantic import ValidationError
from standardwebhooks.webhooks import Webhook

from services.common.auth import Principal, Role
from services.common.errors import Forbidden, InvalidInput
from services.common.events import ApplicationSubmitted
from services.notify.app import Settings
from services.notify.domain import (
    STANDARD_SCHEDULE_S,
    AddressPolicy,
    AttemptResult,
    Channel,
    DeliveryMode,
    EmailRoute,
    EndpointRefused,
    NotificationType,
    Outcome,
    Preferences,
    PreferencesIn,
    QuietHours,
    Recipient,
    RecipientKind,
    RetryPolicy,
    SubscriptionIn,
    application_submitted_notice,
    check_addresses,
    digest_due_at,
    endpoint_label,
    erased_worker_data,
    new_secret,
    parse_endpoint,
    parse_retry_after,
    route_email,
    sign,
    signature_header,
    subscription_wants,
)

pytestmark = pytest.mark.unit

UTC = dt.UTC
WORKER = Recipient(RecipientKind.worker, "w-1")
ORG = Recipient(RecipientKind.org, "org-1")


# --- signatures --------------------------------------------------------------------------------


def test_secrets_follow_the_spec_format():
    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    assert new_secret() != secret


def test_our_signature_is_the_reference_implementations():
    secret, body = new_secret(), '{"type":"match.found","data":{"score":0.9}}'
    at = dt.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    ours = sign(secret, "msg_1", int(at.timestamp()), body.encode())
    assert ours == Webhook(secret).sign("msg_1", at, body)
    assert sign(secret, "msg_2", int(at.timestamp()), body.encode()) != ours


def test_during_a_rotation_both_signatures_are_sent_space_separated():
    old, new = new_secret(), new_secret()
    header = signature_header([new, old], "msg_1", 1_700_000_000, b"{}")
    first, second = header.split(" ")
    assert first == sign(new, "msg_1", 1_700_000_000, b"{}") and second == sign(old, "msg_1", 1_700_000_000, b"{}")


# --- retries -----------------------------------------------------------------------------------


def test_the_default_schedule_is_the_specs():
    assert STANDARD_SCHEDULE_S == (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
    policy = RetryPolicy(jitter=0)
    assert [policy.next_delay(step) for step in range(1, 9)] == [5, 300, 1800, 7200, 18000, 36000, 36000, None]


def test_jitter_spreads_retries_within_its_bounds():
    policy = RetryPolicy(jitter=0.1)
    rng = random.Random(7)
    delays = {policy.next_delay(2, rng=rng) for _ in range(50)}
    assert all(270 <= d <= 330 for d in delays) and len(delays) > 40


def test_retry_after_delays_but_never_beyond_the_cap():
    policy = RetryPolicy(schedule_s=(0, 5, 10), jitter=0, max_retry_after_s=600)
    assert policy.next_delay(1, retry_after_s=120) == 120
    assert policy.next_delay(1, retry_after_s=1) == 5  # never sooner than the schedule
    assert policy.next_delay(1, retry_after_s=86400) == 600
    assert policy.next_delay(3, retry_after_s=10) is None  # the schedule is used up all the same


def test_retry_after_is_read_as_seconds_or_a_date():
    now = dt.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Sun, 01 Nov 2026 08:02:00 GMT", now) == 120
    assert parse_retry_after("Sun, 01 Nov 2026 07:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None, now) is None and parse_retry_after("-5", now) is None


@pytest.mark.parametrize("status,result", [(200, "succeeded"), (204, "succeeded"), (410, "gone"), (301, "failed"),
                                           (404, "failed"), (500, "failed"), (None, "failed")])
def test_what_an_attempt_comes_to(status, result):
    assert Outcome(status, None, 1).result is AttemptResult(result)


# --- the SSRF guard ----------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "::1", "169.254.169.254",
                                     "fe80::1", "fc00::1", "100.64.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
                                     "2002:c0a8:101::1", "0.0.0.0", "224.0.0.1", "ff02::1", "255.255.255.255"])
def test_non_public_addresses_are_refused_by_default(address):
    with pytest.raises(EndpointRefused):
        AddressPolicy().check_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"])
def test_public_addresses_are_allowed(address):
    AddressPolicy().check_address(address)


def test_loopback_and_private_allowances_are_separate():
    loopback_only = AddressPolicy(allow_loopback=True)
    loopback_only.check_address("127.0.0.1")
    loopback_only.check_address("::1")
    with pytest.raises(EndpointRefused):
        loopback_only.check_address("10.0.0.1")
    private = AddressPolicy(allow_private=True)
    for address in ("10.0.0.1", "127.0.0.1", "169.254.1.1"):
        private.check_address(address)
    for never in ("224.0.0.1", "0.0.0.0", "::"):
        with pytest.raises(EndpointRefused):
            private.check_address(never)


def test_every_resolved_address_must_pass():
    assert check_addresses(["93.184.216.34", "8.8.8.8"], AddressPolicy()) == "93.184.216.34"
    with pytest.raises(EndpointRefused, match="private"):
        check_addresses(["93.184.216.34", "10.0.0.1"], AddressPolicy())
    with pytest.raises(EndpointRefused, match="does not resolve"):
        check_addresses([], AddressPolicy())


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "gopher://x", "javascript:alert(1)",
                                 "example.com/path", "http://", "http://user:pw@example.com/", "http://example.com:99999/"])
def test_only_plain_http_urls_are_endpoints(url):
    with pytest.raises(EndpointRefused):
        parse_endpoint(url, AddressPolicy())


def test_an_endpoint_is_rebuilt_for_its_vetted_address():
    endpoint = parse_endpoint("https://Hooks.Example.com:8443/in?x=1", AddressPolicy())
    assert (endpoint.host, endpoint.port, endpoint.target) == ("hooks.example.com", 8443, "/in?x=1")
    assert endpoint.host_header == "hooks.example.com:8443"
    assert endpoint.url_for("2606:4700::1") == "https://[2606:4700::1]:8443/in?x=1"
    assert parse_endpoint("http://example.com", AddressPolicy()).host_header == "example.com"
    with pytest.raises(EndpointRefused, match="https"):
        parse_endpoint("http://example.com/", AddressPolicy(require_https=True))
    assert endpoint_label("https://user@hooks.example.com:8443/secret-token") == "https://hooks.example.com:8443"
    idn = parse_endpoint("https://例子.测试/hook", AddressPolicy())
    assert idn.host == "xn--fsqu00a.xn--0zwm56d" and idn.host_header == idn.host
    with pytest.raises(EndpointRefused, match="domain name"):
        parse_endpoint("http://bad..name.example/", AddressPolicy())


def test_settings_choose_the_address_policy():
    embedded = Settings(signing_key="k" * 40)
    assert embedded.address_policy == AddressPolicy(allow_loopback=True)
    scale_out = Settings(signing_key="k" * 40, database_url="postgresql://db/x")
    assert scale_out.address_policy == AddressPolicy()
    production = Settings(signing_key="k" * 40, env="production")
    assert production.address_policy == AddressPolicy(require_https=True)
    operator = Settings(signing_key="k" * 40, database_url="postgresql://db/x", allow_private_webhooks=True)
    assert operator.address_policy.allow_private
    with pytest.raises(ValidationError):
        Settings(signing_key="k" * 40, webhook_retry_schedule_s=[0, -5])


# --- quiet hours and digests -------------------------------------------------------------------


def test_quiet_hours_may_wrap_midnight():
    night = QuietHours(start="22:00", end="07:00")
    assert night.contains(dt.time(23, 15)) and night.contains(dt.time(6, 59)) and night.contains(dt.time(22, 0))
    assert not night.contains(dt.time(7, 0)) and not night.contains(dt.time(12, 0))
    lunch = QuietHours(start="12:00", end="13:30")
    assert lunch.contains(dt.time(12, 45)) and not lunch.contains(dt.time(13, 30))
    with pytest.raises(ValidationError):
        QuietHours(start="08:00", end="08:00")


def test_immediate_digests_wait_for_the_burst_to_end_and_for_quiet_hours():
    prefs = Preferences(ORG, email="o@example.com", timezone="Asia/Shanghai")
    newest = dt.datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
    assert digest_due_at(prefs, newest, newest, settle=dt.timedelta(minutes=10)) == newest + dt.timedelta(minutes=10)
    quiet = Preferences(ORG, email="o@example.com", timezone="Asia/Shanghai", quiet_hours=QuietHours(start="11:00", end="14:00"))
    assert digest_due_at(quiet, newest, newest, settle=dt.timedelta(minutes=10)) == dt.datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def test_the_daily_digest_is_due_at_the_next_local_digest_hour():
    prefs = Preferences(WORKER, email="w@example.com", timezone="Europe/Berlin", delivery=DeliveryMode.daily_digest, digest_hour=8)
    before = dt.datetime(2026, 3, 28, 6, 0, tzinfo=UTC)  # 07:00 CET
    assert digest_due_at(prefs, before, before, settle=dt.timedelta(0)) == dt.datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    after = dt.datetime(2026, 3, 28, 9, 0, tzinfo=UTC)  # 10:00 CET; tomorrow is summer time
    assert digest_due_at(prefs, after, after, settle=dt.timedelta(0)) == dt.datetime(2026, 3, 29, 6, 0, tzinfo=UTC)


def test_how_an_email_is_routed():
    now = dt.datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
    calls = []

    def token(answer):
        return lambda: calls.append(answer) or answer

    base = Preferences(WORKER, email="w@example.com")
    t = NotificationType.match_found
    assert route_email(base, t, now, mail_enabled=True, take_token=token(True)) is EmailRoute.now
    assert route_email(base, t, now, mail_enabled=True, take_token=token(False)) is EmailRoute.digest
    assert calls == [True, False]
    calls.clear()
    no_address = Preferences(WORKER)
    daily = Preferences(WORKER, email="w@example.com", delivery=DeliveryMode.daily_digest)
    quiet = Preferences(WORKER, email="w@example.com", quiet_hours=QuietHours(start="11:00", end="13:00"))
    no_channel = Preferences(WORKER, email="w@example.com", channels={t: [Channel.inbox]})
    assert route_email(no_address, t, now, mail_enabled=True, take_token=token(True)) is EmailRoute.none
    assert route_email(base, t, now, mail_enabled=False, take_token=token(True)) is EmailRoute.none
    assert route_email(no_channel, t, now, mail_enabled=True, take_token=token(True)) is EmailRoute.none
    assert route_email(daily, t, now, mail_enabled=True, take_token=token(True)) is EmailRoute.digest
    assert route_email(quiet, t, now, mail_enabled=True, take_token=token(True)) is EmailRoute.digest
    assert calls == []  # no token is spent on an e-mail that is not sent now


# --- preferences, recipients, subscriptions ----------------------------------------------------


def test_recipients_come_from_the_token():
    assert Recipient.of(Principal(Role.worker, "w-9")) == Recipient(RecipientKind.worker, "w-9")
    assert Recipient.of(Principal(Role.agency, "u", org="ag-1")) == Recipient(RecipientKind.org, "ag-1")
    for principal in (Principal(Role.employer, "u"), Principal(Role.admin, "root"), Principal(Role.service, "jobs")):
        with pytest.raises(Forbidden):
            Recipient.of(principal)


def test_market_reports_are_opt_in_and_other_types_default_to_every_channel():
    worker, org = Preferences(WORKER), Preferences(ORG)
    assert worker.channels_for(NotificationType.market_report_published) == []
    assert org.channels_for(NotificationType.market_report_published) == [Channel.webhook]
    assert org.channels_for(NotificationType.application_submitted) == [Channel.inbox, Channel.webhook, Channel.email]
    assert not worker.wants_market_reports
    assert Preferences(WORKER, channels={NotificationType.market_report_published: [Channel.email]}).wants_market_reports
    assert set(worker.effective_channels()) == {"match.found", "application.updated", "invitation.sent", "posting.closed",
                                               "market.report_published"}


def test_preferences_input_is_strict():
    for bad in ({"timezone": "Nowhere/City"}, {"channels": {"match.found": ["inbox", "inbox"]}}, {"digest_hour": -1},
                {"email": "a@b"}, {"delivery": "hourly"}, {"colour": "blue"}):
        with pytest.raises(ValidationError):
            PreferencesIn.model_validate(bad)
    with pytest.raises(InvalidInput) as refused:
        PreferencesIn.model_validate({"channels": {"invitation.sent": ["webhook"]}}).check_for(WORKER)
    assert refused.value.errors[0]["field"] == "body.channels.invitation.sent"
    with pytest.raises(InvalidInput):
        PreferencesIn.model_validate({"channels": {"posting.closed": ["inbox"]}}).check_for(ORG)
    PreferencesIn.model_validate({"channels": {"application.submitted": ["webhook", "email"]}}).check_for(ORG)


def test_subscription_types_are_known_or_everything():
    assert SubscriptionIn(url="https://x.example/", event_types=["*"]).event_types == ["*"]
    for types in ([], ["*", "match.found"], ["match.found", "match.found"], ["posting.closed"], ["nope"]):
        with pytest.raises(ValidationError):
            SubscriptionIn(url="https://x.example/", event_types=types)
    assert subscription_wants(["*"], "match.found") and subscription_wants(["match.found"], "match.found")
    assert not subscription_wants(["application.submitted"], "match.found")


# --- notices -----------------------------------------------------------------------------------


def test_notices_leave_free_text_and_contact_data_out():
    application = ApplicationSubmitted(id="a-1", posting_id="p-1", org_id="org-1", worker_id="w-1", status="submitted",
                                       message="王建国 13800000001 wjg@example.com",
                                       submitted_at=dt.datetime(2026, 11, 1, tzinfo=UTC))
    notice = application_submitted_notice(application)
    text = f"{notice.title} {notice.body} {notice.data}"
    assert notice.recipient == ORG and notice.worker_id == "w-1"
    assert "13800000001" not in text and "王建国" not in text and "wjg@" not in text
    assert notice.data["has_message"] is True


def test_an_erased_workers_reference_leaves_a_notifications_data():
    assert erased_worker_data({"worker_id": "w-1", "posting_id": "p-1"}) == {"posting_id": "p-1", "worker_erased": True}
