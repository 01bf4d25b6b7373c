"""Texts for people (DESIGN §3): Chinese by default, English on request, times in the reader's
zone to the minute, names instead of ids. Exact texts, so a change of wording is a visible diff."""

from __future__ import annotations

import datetime as dt

import pytest

from services.common.events import ApplicationSubmitted, InvitationAnswered, InvitationSent, MatchFound, PostingClosed
from services.common.contracts import PostingStatus
from services.notify.domain import (
    Names,
    Preferences,
    PreferencesIn,
    Recipient,
    RecipientKind,
    application_submitted_notice,
    erased_worker_data,
    invitation_answered_notice,
    invitation_sent_notice,
    localized,
    match_notice,
    posting_closed_notice,
    subscription_disabled_notice,
)
from services.notify.texts import format_time, language_of, render, render_stored

UTC = dt.UTC
EXPIRES = dt.datetime(2026, 12, 17, 8, 2, 10, 354021, tzinfo=UTC)
TITLE = "煤化工压力容器焊接修复技术攻关"
NAMES = Names(posting_title=TITLE, worker_name="王**")


def _invitation(message: str | None = "请尽快联系") -> InvitationSent:
    return InvitationSent(id="inv-1", posting_id="pst_01abc", org_id="org-1", worker_id="w-1", message=message,
                          expires_at=EXPIRES, sent_at=EXPIRES - dt.timedelta(days=7))


def test_times_are_in_the_readers_zone_to_the_minute():
    assert format_time(EXPIRES, "Asia/Shanghai", "zh") == "2026年12月17日 16:02"
    assert format_time(EXPIRES, "Europe/Berlin", "zh") == "2026年12月17日 09:02"
    assert format_time(EXPIRES.isoformat(), "America/New_York", "en") == "17 Dec 2026, 03:02"
    assert format_time(EXPIRES, "Not/A_Zone", "zh") == "2026年12月17日 16:02"  # an unknown zone: the default


def test_an_invitation_names_the_posting_and_the_deadline_in_chinese_by_default():
    notice = invitation_sent_notice(_invitation(), NAMES)
    assert notice.title == "您收到岗位「煤化工压力容器焊接修复技术攻关」的邀请"
    assert notice.body == "企业邀请您应聘，并附有留言；请在 2026年12月17日 16:02 前答复。"
    assert notice.data["has_message"] is True and notice.data["posting_title"] == TITLE
    for raw in ("pst_01abc", "+00:00", "354021", "You are"):
        assert raw not in notice.title + notice.body


def test_the_same_invitation_in_english_and_another_zone():
    notice = localized(invitation_sent_notice(_invitation(None), NAMES), "en", "Europe/Berlin")
    assert notice.title == "You are invited to “煤化工压力容器焊接修复技术攻关”"
    assert notice.body == "An employer invites you; please answer before 17 Dec 2026, 09:02."
    assert notice.data["has_message"] is False


def test_without_a_known_title_the_text_says_a_posting_not_its_id():
    notice = invitation_sent_notice(_invitation())
    assert notice.title == "您收到一个岗位的邀请"
    assert localized(notice, "en", "UTC").title == "You are invited to a posting"


def test_employer_side_texts_name_the_worker_masked():
    applied = ApplicationSubmitted(id="a-1", posting_id="p-1", org_id="org-1", worker_id="w-1", status="submitted",
                                   has_message=True, submitted_at=EXPIRES)
    notice = application_submitted_notice(applied, NAMES)
    assert (notice.title, notice.body) == ("王** 申请了您的岗位「煤化工压力容器焊接修复技术攻关」", "申请附有留言，请打开申请查看并答复。")
    assert notice.data["has_message"] is True
    english = localized(notice, "en", "Asia/Shanghai")
    assert (english.title, english.body) == (
        "New application for “煤化工压力容器焊接修复技术攻关”",
        "王** applied. The application carries a message. Open it to read it and answer.",
    )
    answered = invitation_answered_notice(
        InvitationAnswered(id="i-1", posting_id="p-1", org_id="org-1", worker_id="w-1", answer="declined",
                           answered_at=EXPIRES), NAMES)
    assert answered.title == "王** 谢绝了您对岗位「煤化工压力容器焊接修复技术攻关」的邀请"
    assert localized(answered, "en", "UTC").title == "王** declined your invitation to “煤化工压力容器焊接修复技术攻关”"


def test_match_texts_for_each_side_and_after_erasure():
    found = dict(worker_id="w-1", posting_id="p-1", org_id="org-1", score=0.87, summary="氩弧焊 5/5", found_at=EXPIRES)
    worker_side = match_notice(MatchFound(recipient_kind="worker", recipient_id="w-1", **found), NAMES)
    assert (worker_side.title, worker_side.body) == ("岗位「煤化工压力容器焊接修复技术攻关」与您的档案匹配（匹配度 87%）", "氩弧焊 5/5")
    assert "worker_name" not in worker_side.data
    org_side = match_notice(MatchFound(recipient_kind="org", recipient_id="org-1", **found), NAMES)
    assert org_side.title == "王** 与您的岗位「煤化工压力容器焊接修复技术攻关」匹配（匹配度 87%）"
    assert localized(org_side, "en", "UTC").title == "王** matches your posting “煤化工压力容器焊接修复技术攻关” (87%)"
    erased = erased_worker_data(org_side.data)
    assert render("match.found", erased, recipient_kind="org") == (
        "一位求职者与您的岗位「煤化工压力容器焊接修复技术攻关」匹配（匹配度 87%）", "打开查看匹配理由。")
    assert "worker_name" not in erased and "summary" not in erased


def test_a_closed_posting_and_a_disabled_endpoint():
    closed = PostingClosed(id="p-1", org_id="org-1", status=PostingStatus.filled, reason="", closed_at=EXPIRES)
    notice = posting_closed_notice(closed, "w-1", NAMES)
    assert (notice.title, notice.body) == ("岗位「煤化工压力容器焊接修复技术攻关」已招满",
                                           "您申请或受邀的岗位「煤化工压力容器焊接修复技术攻关」已不再招聘（已招满）。")
    assert localized(notice, "en", "UTC").title == "“煤化工压力容器焊接修复技术攻关” is filled"
    disabled = subscription_disabled_notice("org-1", "sub_1", "https://hooks.example.com/t?token=secret",
                                            "the endpoint has failed every attempt for 5.0 days")
    assert disabled.body == ("您的 Webhook 接收地址 https://hooks.example.com 已停用，原因：接收地址连续 5.0 天投递均失败。"
                             "请修复该地址后重新启用订阅或新建订阅。")
    assert "secret" not in disabled.body


@pytest.mark.parametrize(("header", "language"), [
    ("en", "en"), ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh"), ("fr, en;q=0.5", "en"),
    ("en;q=0.2, zh-Hans;q=0.8", "zh"), ("fr", None), ("", None), (None, None), ("en;q=0", None), ("en;q=x", None),
])
def test_accept_language(header, language):
    assert language_of(header) == language


def test_the_language_preference_is_zh_or_en():
    assert PreferencesIn().language == "zh"
    prefs = Preferences.from_input(Recipient(RecipientKind.worker, "w-1"), PreferencesIn(language="en"), version=1,
                                   updated_at=EXPIRES)
    assert prefs.language == "en"
    with pytest.raises(ValueError):
        PreferencesIn(language="fr")


def test_a_match_stored_before_its_data_kept_the_summary_shows_its_stored_body():
    legacy = {"posting_id": "p-1", "worker_id": "w-1", "org_id": "org-1", "score": 0.5}
    assert render_stored("match.found", legacy, recipient_kind="worker", stored_body="氩弧焊 5/5") == (
        "一个岗位与您的档案匹配（匹配度 50%）", "氩弧焊 5/5")
    erased = erased_worker_data(legacy)
    assert render_stored("match.found", erased, recipient_kind="org", stored_body="王建国 氩弧焊")[1] == "打开查看匹配理由。"
