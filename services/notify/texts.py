"""Texts for people (DESIGN §3): what a notification, an e-mail and a digest say.

Simplified Chinese by default, English when the reader's preference says `language: en` or an
inbox read sends `Accept-Language: en`. Times are shown in the reader's zone (default
Asia/Shanghai) to the minute ("2026年12月17日 16:02"); names stand in for ids: the posting's title
(from `posting.upserted`, kept by notify), the worker's name masked as search hits show it (from
`worker.upserted`). Where a name is not known (an event older than the read model) the text says
"a posting" / "a worker" rather than printing an id; ids stay in `data` for programs.

Pure functions of a notification's type and data: the inbox renders again on every read, so a
reader who switches language or zone sees every notification in the new one.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any, Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE: Language = "zh"
DEFAULT_ZONE = "Asia/Shanghai"

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_APPLICATION_STATUS = {
    "zh": {"submitted": "已提交", "shortlisted": "已入围", "hired": "已录用", "rejected": "未通过", "withdrawn": "已撤回"},
    "en": {"submitted": "submitted", "shortlisted": "shortlisted", "hired": "hired", "rejected": "not successful",
           "withdrawn": "withdrawn"},
}
_POSTING_STATUS = {
    "zh": {"open": "招聘中", "paused": "已暂停", "closed": "已关闭", "filled": "已招满", "expired": "已过期"},
    "en": {"open": "open", "paused": "paused", "closed": "closed", "filled": "filled", "expired": "expired"},
}
_ANSWER = {
    "zh": {"accepted": "接受", "declined": "谢绝", "expired": "未在期限内答复"},
    "en": {"accepted": "accepted", "declined": "declined", "expired": "let expire"},
}


def language_of(accept_language: str | None) -> Language | None:
    """The language an `Accept-Language` header asks for, when it is one we write; None otherwise.

    Ranges are taken by their quality (q=); `en`, `en-US`… mean English, `zh`, `zh-CN`, `zh-Hans`… Chinese.
    """
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None  # type: ignore[return-value]


def format_time(at: dt.datetime | str | None, zone: str, language: Language) -> str:
    """A moment as a reader reads it: in its zone, to the minute, no offset or microseconds."""
    if at is None:
        return ""
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    local = at.astimezone(_zone(zone))
    if language == "en":
        return f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


def _posting(data: Mapping[str, Any], language: Language) -> str:
    title = data.get("posting_title")
    if title:
        return f"岗位「{title}」" if language == "zh" else f"“{title}”"
    return "一个岗位" if language == "zh" else "a posting"


def _worker(data: Mapping[str, Any], language: Language) -> str:
    name = None if data.get("worker_erased") else data.get("worker_name")
    if name:  # a masked name ("王**") reads better apart from the Chinese that follows it
        return f"{name} " if language == "zh" else name
    return "一位求职者" if language == "zh" else "a worker"


def _percent(score: Any) -> str:
    try:
        return f"{round(float(score) * 100)}%"
    except (TypeError, ValueError):
        return "—"


def render(type_: str, data: Mapping[str, Any], *, recipient_kind: str = "worker", language: Language = DEFAULT_LANGUAGE,
           zone: str = DEFAULT_ZONE) -> tuple[str, str]:
    """The title and body of one notification for one reader (`recipient_kind` "worker" or "org")."""
    en = language == "en"
    posting = _posting(data, language)
    worker = _worker(data, language)
    if type_ == "match.found":
        score = _percent(data.get("score"))
        if recipient_kind == "org":
            title = (f"{worker} matches your posting {posting} ({score})" if en
                     else f"{worker}与您的{posting}匹配（匹配度 {score}）")
        else:
            title = (f"A posting matches your profile: {posting} ({score})" if en
                     else f"{posting}与您的档案匹配（匹配度 {score}）")
        # matching's explanation is written in Chinese; it is passed on as it is
        summary = "" if data.get("worker_erased") else str(data.get("summary") or "")
        if en:
            return title, f"Why: {summary}" if summary else "Open it to see why."
        return title, summary or "打开查看匹配理由。"
    if type_ == "application.submitted":
        title = f"New application for {posting}" if en else f"{worker}申请了您的{posting}"
        if en:
            body = f"{worker[0].upper() + worker[1:]} applied."
            body += " The application carries a message." if data.get("has_message") else ""
            body += " Open it to read it and answer."
        else:
            body = "申请附有留言，" if data.get("has_message") else ""
            body += "请打开申请查看并答复。"
        return title, body
    if type_ == "application.updated":
        status = _APPLICATION_STATUS[language].get(str(data.get("status")), str(data.get("status")))
        previous = _APPLICATION_STATUS[language].get(str(data.get("previous_status")), str(data.get("previous_status")))
        if en:
            return (f"Your application for {posting} is {status}",
                    f"Your application for {posting} moved from {previous} to {status}.")
        return f"您申请的{posting}：{status}", f"您对{posting}的申请状态由“{previous}”变为“{status}”。"
    if type_ == "invitation.sent":
        until = format_time(data.get("expires_at"), zone, language)
        if en:
            body = "An employer invites you"
            body += " with a message" if data.get("has_message") else ""
            body += f"; please answer before {until}." if until else "."
            return f"You are invited to {posting}", body
        body = "企业邀请您应聘" + ("，并附有留言" if data.get("has_message") else "")
        body += f"；请在 {until} 前答复。" if until else "。"
        return f"您收到{posting}的邀请", body
    if type_ == "invitation.answered":
        answer = _ANSWER[language].get(str(data.get("answer")), str(data.get("answer")))
        if en:
            return f"{worker[0].upper() + worker[1:]} {answer} your invitation to {posting}", \
                f"Answer to your invitation to {posting}: {answer}."
        return f"{worker}{answer}了您对{posting}的邀请", f"{worker}对{posting}邀请的答复：{answer}。"
    if type_ == "posting.closed":
        status = _POSTING_STATUS[language].get(str(data.get("status")), str(data.get("status")))
        if en:
            return f"{posting[0].upper() + posting[1:]} is {status}", \
                f"A posting you applied to or were invited to is no longer open ({status})."
        return f"{posting}{status}", f"您申请或受邀的{posting}已不再招聘（{status}）。"
    if type_ == "market.report_published":
        report = data.get("title") or ("市场报告" if not en else "market report")
        period = data.get("period") or ""
        published = format_time(data.get("published_at"), zone, language)
        if en:
            return (f"Market report published: {report}",
                    f"The {period} supply-demand and wage guide report is out ({published}).")
        return f"市场报告发布：{report}", f"{period} 供求状况与工资指导价位报告已发布（{published}）。"
    if type_ == "import.completed":
        ok, failed, total = data.get("ok", 0), data.get("failed", 0), data.get("total", 0)
        finished = format_time(data.get("finished_at"), zone, language)
        status = str(data.get("status") or "done")
        if en:
            ended = {"done": "finished", "failed": "stopped on an error", "interrupted": "was interrupted"}.get(status, status)
            return (f"Your worker import {ended}: {ok} of {total} rows imported",
                    f"{ok} rows imported, {failed} failed ({finished}). Open the import to see each row's result "
                    "and to get the imported workers' tokens.")
        ended = {"done": "已完成", "failed": "因错误中止", "interrupted": "被中断"}.get(status, status)
        return (f"人员导入{ended}：共 {total} 行，成功 {ok} 行",
                f"成功 {ok} 行，失败 {failed} 行（{finished}）。打开导入任务可查看每行结果，并为导入的人员获取令牌。")
    if type_ == "subscription.disabled":
        endpoint = data.get("endpoint") or ""
        reason = str(data.get("reason") or "")
        if en:
            return ("A webhook endpoint was disabled",
                    f"Your webhook endpoint {endpoint} was disabled: {reason}. Fix the endpoint, then enable the "
                    "subscription again or create a new one.".replace("endpoint  was", "endpoint was"))
        return ("一个 Webhook 接收地址已停用",
                f"您的 Webhook 接收地址 {endpoint} 已停用，原因：{_reason_zh(reason)}。请修复该地址后重新启用订阅或新建订阅。"
                .replace("地址  已", "地址已"))
    return type_, ""


def _reason_zh(reason: str) -> str:
    """The dispatcher's reasons for disabling an endpoint, in Chinese (others pass as they are)."""
    if reason.startswith("the endpoint answered 410"):
        return "接收地址返回 410 Gone"
    found = re.search(r"failed every attempt for ([\d.]+) days", reason)
    if found:
        return f"接收地址连续 {found.group(1)} 天投递均失败"
    return reason


def with_names(data: Mapping[str, Any], recipient_kind: str, titles: Mapping[str, str],
               workers: Mapping[str, str]) -> dict[str, Any]:
    """A stored notification's data with the names notify knows now where it had none (a posting
    whose `posting.upserted` arrived after the engagement event, on another topic): the posting's
    title, and for an org the worker's masked name — never for an erased worker."""
    filled = dict(data)
    if "posting_title" not in filled and filled.get("posting_id") in titles:
        filled["posting_title"] = titles[filled["posting_id"]]
    if (recipient_kind == "org" and "worker_name" not in filled and not filled.get("worker_erased")
            and filled.get("worker_id") in workers):
        filled["worker_name"] = workers[filled["worker_id"]]
    return filled


def render_stored(type_: str, data: Mapping[str, Any], *, recipient_kind: str, stored_body: str,
                  language: Language = DEFAULT_LANGUAGE, zone: str = DEFAULT_ZONE) -> tuple[str, str]:
    """`render` for a stored notification. A match stored before its data kept matching's summary
    has the summary only as its body: it is used as the summary."""
    if type_ == "match.found" and "summary" not in data and not data.get("worker_erased"):
        data = {**data, "summary": stored_body}
    return render(type_, data, recipient_kind=recipient_kind, language=language, zone=zone)


def letter_texts(language: Language) -> dict[str, str]:
    """The fixed parts of an e-mail in one language."""
    if language == "en":
        return {"brand": "[TalentFlow]", "footer": "TalentFlow notifications. Change what you receive with PUT /v1/preferences."}
    return {"brand": "【TalentFlow】", "footer": "TalentFlow 通知。可通过 PUT /v1/preferences 修改接收方式。"}


def digest_heading(count: int, language: Language) -> str:
    if language == "en":
        return f"You have {count} new notification{'s' if count != 1 else ''}"
    return f"您有 {count} 条新通知"
