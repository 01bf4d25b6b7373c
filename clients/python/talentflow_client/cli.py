"""The agency CLI on the SDK: `talentflow import|jobs|export|invitations|webhooks`.

Hooked into the `talentflow` command (services/common/cli.py) as subcommands, and installed alone
as `talentflow-agency` with the SDK. Help in Simplified Chinese or English: `--lang zh|en`, else
LC_ALL / LC_MESSAGES / LANG (English when it starts with `en`, Chinese otherwise, as DESIGN §3 says).

Configuration: the token from `--token` or TALENTFLOW_TOKEN; the services at `--gateway URL`, or
TALENTFLOW_<SERVICE>_URL, or the embedded run's ports 8001-8004.

Exit codes (for scripts):
    0  done
    1  done, but some rows failed (import) or some items could not be handled
    2  usage: a bad option, a file that cannot be read
    3  authentication: no token, an invalid or expired one (401), or not allowed (403)
    4  unreachable: no answer from a service, or 503 after the retries
    5  the API refused the request (404, 409, 412, 422 …): the problem is printed with its fields
    6  timed out waiting (import --wait --timeout)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import http.server
import io
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .client import TalentFlow
from .errors import ApiError, Forbidden, NotFound, ServiceUnavailable, TalentFlowError, Unauthorized, Unreachable
from .webhooks import WebhookVerificationError, WebhookVerifier

EXIT_OK, EXIT_ROWS_FAILED, EXIT_USAGE, EXIT_AUTH, EXIT_UNREACHABLE, EXIT_REFUSED, EXIT_TIMEOUT = range(7)
COMMANDS = ("import", "jobs", "export", "invitations", "webhooks")

# --- texts: (Chinese, English) -------------------------------------------------------------------------

TEXTS: dict[str, tuple[str, str]] = {
    "lang": ("帮助与输出的语言：zh 或 en（默认取 LANG）", "language of help and output: zh or en (default from LANG)"),
    "token": ("访问令牌（默认取环境变量 TALENTFLOW_TOKEN）", "access token (default: TALENTFLOW_TOKEN)"),
    "gateway": ("所有服务的统一地址（默认取 TALENTFLOW_<服务>_URL，否则本机 8001–8004 端口）",
                "one URL for every service (default: TALENTFLOW_<SERVICE>_URL, else the local ports 8001-8004)"),
    "import": ("批量导入人员（CSV 或 JSONL）", "bulk-import workers (CSV or JSONL)"),
    "import.file": ("要上传的文件（.csv、.jsonl）", "the file to upload (.csv, .jsonl)"),
    "import.format": ("文件格式（默认按扩展名）", "file format (default: from the extension)"),
    "import.wait": ("等待导入完成，显示进度、汇总和失败行", "wait until the import finishes; show progress, a summary and failed rows"),
    "import.failed_out": ("失败行原样另存到此文件（默认 <文件名>.failed.csv 或 .jsonl；原因在旁边的 .reasons.csv），改正后可重新上传",
                          "write the failed rows as uploaded to this file (default <file>.failed.csv or .jsonl; "
                          "reasons beside it in .reasons.csv) to fix and re-upload"),
    "import.key": ("幂等键（默认取文件内容的 SHA-256：24 小时内重复上传同一文件会得到同一任务）",
                   "Idempotency-Key (default: the file's SHA-256, so re-running within 24 h answers the same job)"),
    "import.timeout": ("最多等待的秒数", "seconds to wait at most"),
    "jobs": ("跟进岗位、匹配和消息", "follow postings, matches and the inbox"),
    "jobs.watch": ("持续显示新的岗位、候选人排名变化和收件箱消息", "show new postings, candidate ranking changes and inbox messages as they come"),
    "jobs.org": ("跟进此雇主机构的岗位（可重复）", "follow this employer org's postings (repeatable)"),
    "jobs.posting": ("跟进此岗位的候选人排名（可重复）", "follow this posting's candidate ranking (repeatable)"),
    "jobs.worker": ("也读取此人员的收件箱（可重复）", "also read this worker's inbox (repeatable)"),
    "jobs.interval": ("轮询间隔（秒）", "seconds between polls"),
    "jobs.polls": ("轮询次数后退出（默认一直运行，Ctrl-C 退出）", "exit after this many polls (default: until Ctrl-C)"),
    "export": ("导出数据", "export data"),
    "export.workers": ("导出本机构管理的人员（列名与导入相同，可改后重新导入）",
                       "export the workers the agency manages (import's columns: edit and re-import)"),
    "export.format": ("输出格式", "output format"),
    "export.out": ("输出文件（默认标准输出）", "output file (default: standard output)"),
    "export.filter": ("只导出符合条件的人员", "only workers matching this filter"),
    "invitations": ("本机构人员收到的邀请", "invitations to the agency's workers"),
    "invitations.list": ("列出邀请", "list invitations"),
    "invitations.status": ("只列出此状态", "only this status"),
    "invitations.worker": ("只列出此人员的邀请", "only this worker's invitations"),
    "invitations.accept": ("代人员接受邀请", "accept an invitation for the worker"),
    "invitations.decline": ("代人员拒绝邀请", "decline an invitation for the worker"),
    "invitations.id": ("邀请 ID", "invitation id"),
    "invitations.share": ("同时向该雇主提供联系方式（须已记录本人同意）",
                          "also give the worker's contact to the employer (the person's consent must be on record)"),
    "webhooks": ("Webhook 工具", "webhook tools"),
    "webhooks.listen": ("在本机接收 Webhook，校验签名并打印事件", "receive webhooks locally, verify signatures, print events"),
    "webhooks.port": ("监听端口", "port to listen on"),
    "webhooks.host": ("监听地址", "address to listen on"),
    "webhooks.secret": ("签名密钥 whsec_…（可重复；默认取 TALENTFLOW_WEBHOOK_SECRET）",
                        "signing secret whsec_… (repeatable; default: TALENTFLOW_WEBHOOK_SECRET)"),
    "webhooks.subscribe": ("先为本机地址创建订阅（用其密钥），退出时删除", "first subscribe this address (using its secret); delete it on exit"),
    "webhooks.events": ("订阅的事件类型（默认全部）", "event types to subscribe to (default: all)"),
    "webhooks.max": ("收到这么多条后退出", "exit after this many messages"),
    "epilog": ("退出码：0 成功；1 部分行失败；2 用法错误；3 认证失败；4 无法连接；5 请求被拒绝；6 等待超时",
               "exit codes: 0 ok; 1 some rows failed; 2 usage; 3 authentication; 4 unreachable; 5 refused; 6 timed out"),
    # output
    "no_token": ("缺少令牌：用 --token 或设置 TALENTFLOW_TOKEN", "no token: pass --token or set TALENTFLOW_TOKEN"),
    "unreadable": ("无法读取文件", "cannot read the file"),
    "uploaded": ("已上传，导入任务", "uploaded; import job"),
    "importing": ("导入中", "importing"),
    "summary": ("导入汇总", "import summary"),
    "created": ("新建", "created"),
    "updated": ("更新", "updated"),
    "failed": ("失败", "failed"),
    "rows": ("行数", "rows"),
    "rows_total": ("共 {n} 行", "{n} rows"),
    "outcome": ("结果", "outcome"),
    "row": ("行", "row"),
    "reason": ("原因", "reason"),
    "failed_rows": ("失败行", "failed rows"),
    "failed_written": ("失败行已写入", "failed rows written to"),
    "more_failed": ("另有 {n} 行失败，见 CSV", "{n} more failed rows in the CSV"),
    "timed_out": ("等待超时", "timed out waiting"),
    "unreachable": ("无法连接服务", "service unreachable"),
    "auth": ("认证或权限不足", "not authenticated or not allowed"),
    "refused": ("请求被拒绝", "request refused"),
    "exported": ("已导出 {n} 名人员", "exported {n} workers"),
    "listening": ("正在 {url} 接收 Webhook（Ctrl-C 退出）", "listening for webhooks on {url} (Ctrl-C to stop)"),
    "subscribed": ("已订阅", "subscribed"),
    "bad_signature": ("签名无效，已拒绝", "bad signature, refused"),
    "no_secret": ("缺少签名密钥：用 --secret、TALENTFLOW_WEBHOOK_SECRET 或 --subscribe",
                  "no secret: pass --secret, set TALENTFLOW_WEBHOOK_SECRET, or use --subscribe"),
    "new_posting": ("新岗位", "new posting"),
    "changed_posting": ("岗位变更", "posting changed"),
    "candidates": ("候选人排名", "candidates"),
    "inbox": ("消息", "inbox"),
    "accepted": ("已接受", "accepted"),
    "invitation": ("邀请", "invitation"),
    "posting": ("岗位", "posting"),
    "worker": ("人员", "worker"),
    "status": ("状态", "status"),
    "sent_at": ("发出时间", "sent"),
    "status.pending": ("待答复", "pending"),
    "status.accepted": ("已接受", "accepted"),
    "status.declined": ("已拒绝", "declined"),
    "status.expired": ("已过期", "expired"),
    "declined": ("已拒绝", "declined"),
    "none": ("（无）", "(none)"),
}


def choose_language(argv: Sequence[str] | None = None, environ: dict[str, str] | None = None) -> str:
    """`--lang X` in argv wins; else the locale variables; Chinese unless they say English."""
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return "en" if args[i + 1].lower().startswith("en") else "zh"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1].lower().startswith("en") else "zh"
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


class Texts:
    def __init__(self, lang: str):
        self.lang = lang
        self.index = 1 if lang == "en" else 0

    def __call__(self, key: str, **values: Any) -> str:
        text = TEXTS[key][self.index]
        return text.format(**values) if values else text


# --- the parser -------------------------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser, t: Texts) -> None:
    parser.add_argument("--token", help=t("token"))
    parser.add_argument("--gateway", help=t("gateway"))
    parser.add_argument("--lang", choices=["zh", "en"], help=t("lang"))


def register(sub: argparse._SubParsersAction, lang: str | None = None) -> None:
    """Add the agency commands to a `talentflow` subparsers object."""
    t = Texts(lang or choose_language())
    fmt = argparse.RawDescriptionHelpFormatter

    def add(subparsers, name: str, key: str) -> argparse.ArgumentParser:
        return subparsers.add_parser(name, help=t(key), description=t(key), epilog=t("epilog"), formatter_class=fmt)

    p = add(sub, "import", "import")
    p.add_argument("file", type=Path, help=t("import.file"))
    p.add_argument("--format", choices=["csv", "jsonl"], help=t("import.format"))
    p.add_argument("--wait", action="store_true", help=t("import.wait"))
    p.add_argument("--failed-out", type=Path, help=t("import.failed_out"))
    p.add_argument("--idempotency-key", help=t("import.key"))
    p.add_argument("--timeout", type=float, default=1800, help=t("import.timeout"))
    _common(p, t)
    p.set_defaults(func=run, command_func=cmd_import, texts=t)

    jobs = add(sub, "jobs", "jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    p = add(jobs_sub, "watch", "jobs.watch")
    p.add_argument("--org", action="append", default=[], help=t("jobs.org"))
    p.add_argument("--posting", action="append", default=[], help=t("jobs.posting"))
    p.add_argument("--worker", action="append", default=[], help=t("jobs.worker"))
    p.add_argument("--interval", type=float, default=10.0, help=t("jobs.interval"))
    p.add_argument("--polls", type=int, default=0, help=t("jobs.polls"))
    _common(p, t)
    p.set_defaults(func=run, command_func=cmd_jobs_watch, texts=t)

    export = add(sub, "export", "export")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    p = add(export_sub, "workers", "export.workers")
    p.add_argument("--format", choices=["csv", "jsonl"], default="csv", help=t("export.format"))
    p.add_argument("--out", type=Path, help=t("export.out"))
    for name in ("status", "region", "occupation", "level"):
        p.add_argument(f"--{name}", help=t("export.filter"))
    _common(p, t)
    p.set_defaults(func=run, command_func=cmd_export_workers, texts=t)

    inv = add(sub, "invitations", "invitations")
    inv_sub = inv.add_subparsers(dest="invitations_command", required=True)
    p = add(inv_sub, "list", "invitations.list")
    p.add_argument("--status", help=t("invitations.status"))
    p.add_argument("--worker", help=t("invitations.worker"))
    _common(p, t)
    p.set_defaults(func=run, command_func=cmd_invitations_list, texts=t)
    for name, key in (("accept", "invitations.accept"), ("decline", "invitations.decline")):
        p = add(inv_sub, name, key)
        p.add_argument("invitation_id", help=t("invitations.id"))
        if name == "accept":
            p.add_argument("--share-contact", action="store_true", help=t("invitations.share"))
        _common(p, t)
        p.set_defaults(func=run, command_func=cmd_invitations_answer, answer=name, texts=t)

    hooks = add(sub, "webhooks", "webhooks")
    hooks_sub = hooks.add_subparsers(dest="webhooks_command", required=True)
    p = add(hooks_sub, "listen", "webhooks.listen")
    p.add_argument("--port", type=int, default=9000, help=t("webhooks.port"))
    p.add_argument("--host", default="127.0.0.1", help=t("webhooks.host"))
    p.add_argument("--secret", action="append", default=[], help=t("webhooks.secret"))
    p.add_argument("--subscribe", action="store_true", help=t("webhooks.subscribe"))
    p.add_argument("--event-type", action="append", default=[], help=t("webhooks.events"))
    p.add_argument("--max", type=int, default=0, help=t("webhooks.max"))
    _common(p, t)
    p.set_defaults(func=run, command_func=cmd_webhooks_listen, texts=t)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    lang = choose_language(argv)
    t = Texts(lang)
    parser = argparse.ArgumentParser(prog="talentflow-agency", description=t("import") + " · " + t("jobs") + " · "
                                     + t("export") + " · " + t("invitations") + " · " + t("webhooks"),
                                     epilog=t("epilog"))
    parser.add_argument("--lang", choices=["zh", "en"], help=t("lang"))
    register(parser.add_subparsers(dest="command", required=True), lang)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    return args.func(args)


def run(args: argparse.Namespace) -> int:
    """Run a parsed agency command, turning the SDK's errors into exit codes and one readable line."""
    t: Texts = args.texts
    if getattr(args, "lang", None):
        t = args.texts = Texts(args.lang)
    err = Console(stderr=True, highlight=False)
    try:
        return args.command_func(args)
    except (Unauthorized, Forbidden) as exc:
        err.print(f"[red]{t('auth')}[/red]: {exc}")
        return EXIT_AUTH
    except (Unreachable, ServiceUnavailable) as exc:
        err.print(f"[red]{t('unreachable')}[/red]: {exc}")
        return EXIT_UNREACHABLE
    except ApiError as exc:
        err.print(f"[red]{t('refused')}[/red]: {exc.status} {exc.title}: {exc.detail}")
        for error in exc.errors:
            err.print(f"  {error.field}: {error.message}")
        return EXIT_REFUSED
    except TimeoutError as exc:
        err.print(f"[red]{t('timed_out')}[/red]: {exc}")
        return EXIT_TIMEOUT
    except _Usage as exc:
        err.print(f"[red]{exc}[/red]")
        return exc.code
    except KeyboardInterrupt:
        return EXIT_OK


class _Usage(TalentFlowError):
    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


def _client(args: argparse.Namespace) -> TalentFlow:
    token = args.token or os.environ.get("TALENTFLOW_TOKEN")
    if not token:
        raise _Usage(args.texts("no_token"), EXIT_AUTH)
    return TalentFlow(token, gateway=args.gateway, language=args.texts.lang)


# --- import -----------------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    """As the server reads an upload without a charset: UTF-8 (BOM or not), else GB18030."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("gb18030", errors="replace")


def original_rows(content: bytes, format: str) -> tuple[list[str] | None, dict[int, list[str] | str]]:
    """The upload's records numbered as the server numbers them (from 1, blank records skipped;
    CSV: after the header). CSV rows are cell lists, JSONL rows their line."""
    text = _decode(content)
    if format == "jsonl":
        lines = [line for line in text.splitlines() if line.strip()]
        return None, {i: line for i, line in enumerate(lines, 1)}
    records = [row for row in csv.reader(io.StringIO(text, newline="")) if row]
    if not records:
        return None, {}
    return records[0], {i: row for i, row in enumerate(records[1:], 1)}


def write_failed_rows(target: Path, format: str, header: list[str] | None, rows: dict[int, Any],
                      failures: list[tuple[int, str]], t: Texts) -> Path:
    """The failed rows exactly as uploaded (same header, same columns: fix them and upload this file
    again), and beside it `<name>.reasons.csv`: each row's number in the upload, in this file, and why."""
    if format == "csv":
        with target.open("w", newline="", encoding="utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(header or [])
            for row, _ in failures:
                writer.writerow(rows.get(row) or [])
    else:
        with target.open("w", encoding="utf-8") as out:
            for row, _ in failures:
                out.write(f"{rows.get(row, '')}\n")
    reasons = target.with_name(target.stem + ".reasons.csv")
    with reasons.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow([t("row"), f"{t('row')} ({target.name})", t("reason")])
        for position, (row, reason) in enumerate(failures, 1):
            writer.writerow([row, position, reason])
    return reasons


def cmd_import(args: argparse.Namespace) -> int:
    t: Texts = args.texts
    out = Console(highlight=False)
    try:
        content = args.file.read_bytes()
    except OSError as exc:
        raise _Usage(f"{t('unreadable')} {args.file}: {exc.strerror or exc}") from None
    format = args.format or ("jsonl" if args.file.suffix.lower() in (".jsonl", ".ndjson") else "csv")
    key = args.idempotency_key or "import-" + hashlib.sha256(content).hexdigest()
    with _client(args) as tf:
        job = tf.import_workers(content, format=format, idempotency_key=key)
        out.print(f"{t('uploaded')} [bold]{job.id}[/bold] ({t('rows_total', n=job.total)})")
        if not args.wait:
            return EXIT_OK
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=out, transient=False) as progress:
            task = progress.add_task(t("importing"), total=job.total or None)
            job = tf.wait_import(job.id, timeout_s=args.timeout, poll_s=0.5,
                                 on_progress=lambda j: progress.update(task, completed=j.processed, total=j.total or None))
        counts = {"created": 0, "updated": 0, "failed": 0}
        failures: list[tuple[int, str]] = []
        for result in tf.import_results(job.id, page_size=1000):
            outcome = str(_value(result, "outcome"))  # a plain string, whether the document makes it an enum or not
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome == "failed":
                reasons = "; ".join(f"{e.get('field', '')}: {e.get('message', '')}" for e in _errors(result))
                failures.append((result.row, reasons))
    summary = Table(title=t("summary"))
    summary.add_column(t("outcome"))
    summary.add_column(t("rows"), justify="right")
    for name in ("created", "updated", "failed"):
        summary.add_row(t(name), str(counts.get(name, 0)))
    out.print(summary)
    if job.detail and isinstance(job.detail, str):
        out.print(job.detail)
    if not failures:
        return EXIT_OK
    shown = Table(title=t("failed_rows"))
    for column in ("row", "reason"):
        shown.add_column(t(column))
    for row, reason in failures[:20]:
        shown.add_row(str(row), reason)
    out.print(shown)
    if len(failures) > 20:
        out.print(t("more_failed", n=len(failures) - 20))
    target = args.failed_out or args.file.with_name(f"{args.file.stem}.failed.{format}")
    header, rows = original_rows(content, format)
    reasons = write_failed_rows(target, format, header, rows, failures, t)
    out.print(f"{t('failed_written')} {target} ({t('reason')}: {reasons})")
    return EXIT_ROWS_FAILED


def _errors(result: Any) -> list[dict[str, Any]]:
    items = result.errors if isinstance(result.errors, list) else []
    return [e.to_dict() if hasattr(e, "to_dict") else dict(e) for e in items]


# --- jobs watch -------------------------------------------------------------------------------------------


def _value(item: Any, name: str) -> Any:
    value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
    return getattr(value, "value", value)


def cmd_jobs_watch(args: argparse.Namespace) -> int:
    """Poll every `--interval` seconds. An outage while watching without `--polls` is reported and
    the watch goes on; with `--polls` (a script) it ends the command with exit code 4."""
    t: Texts = args.texts
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    seen = WatchState()
    polls = 0
    with _client(args) as tf:
        while True:
            polls += 1
            try:
                _poll_once(tf, args, seen, out, t)
            except (Unreachable, ServiceUnavailable) as exc:
                if args.polls:
                    raise
                err.print(f"[yellow]{t('unreachable')}[/yellow]: {exc}")
            if args.polls and polls >= args.polls:
                return EXIT_OK
            time.sleep(args.interval)


class WatchState:
    def __init__(self) -> None:
        self.postings: dict[str, int] = {}
        self.rankings: dict[str, list[str]] = {}
        self.notes: set[str] = set()
        self.inboxes_read: set[str | None] = set()


FIRST_INBOX_PAGE = 20  # the first poll shows this many of the newest messages per inbox


def _poll_once(tf: TalentFlow, args: argparse.Namespace, seen: WatchState, out: Console, t: Texts) -> None:
    for org in args.org:
        for posting in tf.postings.iter(org_id=org, page_size=100):
            pid, version = _value(posting, "id"), _value(posting, "version")
            if seen.postings.get(pid) != version:
                label = t("new_posting") if pid not in seen.postings else t("changed_posting")
                out.print(f"[green]{label}[/green] {pid} {_value(posting, 'title')} "
                          f"({_value(posting, 'status')}, v{version})")
                seen.postings[pid] = version
    for posting_id in args.posting:
        try:
            hits = _page_items(tf.postings.candidates(posting_id, limit=10))
        except NotFound as exc:  # a new posting reaches matching a moment after jobs: say so, look again next time
            if seen.rankings.get(posting_id) != []:
                out.print(f"[cyan]{t('candidates')}[/cyan] {posting_id}: {exc.detail}")
                seen.rankings[posting_id] = []
            continue
        ranking = [str(_value(h, "worker_id")) for h in hits]
        if seen.rankings.get(posting_id) != ranking:
            seen.rankings[posting_id] = ranking
            top = ", ".join(f"{_value(h, 'worker_id')} {float(_value(h, 'score')):.2f}" for h in hits[:5])
            out.print(f"[cyan]{t('candidates')}[/cyan] {posting_id}: {top or t('none')}")
    for worker_id in [None, *args.worker]:
        scope = {"worker_id": worker_id} if worker_id else {}
        if worker_id in seen.inboxes_read:
            notes = tf.inbox.iter(page_size=50, **scope)
        else:  # the first look: the newest page only, not the whole history
            notes = _page_items(tf.inbox.list(limit=FIRST_INBOX_PAGE, **scope))
            seen.inboxes_read.add(worker_id)
        fresh = []
        for note in notes:  # newest first: stop at the first one already shown
            if _value(note, "id") in seen.notes:
                break
            fresh.append(note)
        for note in reversed(fresh):  # print oldest first, as a log reads
            seen.notes.add(_value(note, "id"))
            who = f" [{worker_id}]" if worker_id else ""
            out.print(f"[magenta]{t('inbox')}{who}[/magenta] {_value(note, 'type_') or _value(note, 'type')}: "
                      f"{_value(note, 'title')} — {_value(note, 'body')}")


def _page_items(page: Any) -> list[Any]:
    items = page.get("items") if isinstance(page, dict) else getattr(page, "items", None)
    return list(items or [])


# --- export workers ---------------------------------------------------------------------------------------

# The import's CSV columns (docs/profiles.md), so an export can be edited and uploaded again.
TEXT_COLUMNS = ("id", "name", "region", "phone", "email", "skill_level", "status", "agency_id", "experience_years",
                "consent_matching", "consent_share_contact", "lat", "lon")
JSON_COLUMNS = ("occupations", "skills", "certificates", "awards", "achievements", "availability", "wage_expectation",
                "open_regions")


def csv_row(worker: dict[str, Any]) -> list[str]:
    contact = worker.get("contact") or {}
    consent = worker.get("consent") or {}
    location = worker.get("location") or {}
    flat = {**worker, "phone": contact.get("phone"), "email": contact.get("email"),
            "consent_matching": consent.get("matching"), "consent_share_contact": consent.get("share_contact"),
            "lat": location.get("lat"), "lon": location.get("lon")}
    cells = []
    for column in TEXT_COLUMNS:
        value = flat.get(column)
        cells.append("" if value is None else str(value).lower() if isinstance(value, bool) else str(value))
    for column in JSON_COLUMNS:
        value = worker.get(column)
        cells.append("" if value in (None, [], {}) else json.dumps(value, ensure_ascii=False))
    return cells


def cmd_export_workers(args: argparse.Namespace) -> int:
    t: Texts = args.texts
    filters = {k: getattr(args, k) for k in ("status", "region", "occupation", "level") if getattr(args, k)}
    # a CSV file gets a byte-order mark so that Excel opens the Chinese text as UTF-8 (the import accepts it)
    encoding = "utf-8-sig" if args.format == "csv" else "utf-8"
    target = args.out.open("w", newline="", encoding=encoding) if args.out else sys.stdout
    count = 0
    try:
        with _client(args) as tf:
            writer = csv.writer(target) if args.format == "csv" else None
            if writer:
                writer.writerow([*TEXT_COLUMNS, *JSON_COLUMNS])
            for worker in tf.workers.iter(page_size=200, **filters):
                document = worker.to_dict() if hasattr(worker, "to_dict") else dict(worker)
                if writer:
                    writer.writerow(csv_row(document))
                else:
                    target.write(json.dumps(document, ensure_ascii=False) + "\n")
                count += 1
    finally:
        if args.out:
            target.close()
    Console(stderr=True, highlight=False).print(t("exported", n=count))
    return EXIT_OK


# --- invitations ------------------------------------------------------------------------------------------


READER_ZONE = "Asia/Shanghai"  # DESIGN §3: times for people in the reader's zone (TZ overrides)


def local_time(value: Any) -> str:
    """A timestamp as a person reads it: minutes, in the reader's zone."""
    import datetime as dt
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if value is None or value == "":
        return ""
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    try:
        zone = ZoneInfo(os.environ.get("TZ") or READER_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(READER_ZONE)
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _name_lookup(fetch: Callable[[str], Any], field: str) -> Callable[[str], str]:
    """id → a name to show (the id itself when the object cannot be read), one request per id."""
    names: dict[str, str] = {}

    def name(object_id: str) -> str:
        if object_id not in names:
            try:
                names[object_id] = f"{_value(fetch(object_id), field)} ({object_id})"
            except TalentFlowError:
                names[object_id] = object_id
        return names[object_id]

    return name


def _status(t: Texts, status: Any) -> str:
    key = f"status.{status}"
    return t(key) if key in TEXTS else str(status)


def cmd_invitations_list(args: argparse.Namespace) -> int:
    t: Texts = args.texts
    filters = {k: v for k, v in (("status", args.status), ("worker_id", args.worker)) if v}
    table = Table(title=t("invitations"))
    for key in ("invitation", "posting", "worker", "status", "sent_at"):
        table.add_column(t(key))
    with _client(args) as tf:
        posting = _name_lookup(tf.postings.get, "title")
        worker = _name_lookup(tf.workers.get, "name")
        for invitation in tf.invitations.iter(page_size=100, **filters):
            table.add_row(str(_value(invitation, "id")), posting(_value(invitation, "posting_id")),
                          worker(_value(invitation, "worker_id")), _status(t, _value(invitation, "status")),
                          local_time(_value(invitation, "created_at")))
    Console(highlight=False, width=200).print(table if table.row_count else t("none"))
    return EXIT_OK


def cmd_invitations_answer(args: argparse.Namespace) -> int:
    t: Texts = args.texts
    with _client(args) as tf:
        if args.answer == "accept":
            invitation = tf.invitations.accept(args.invitation_id, share_contact=True if args.share_contact else None)
        else:
            invitation = tf.invitations.decline(args.invitation_id)
    label = t("accepted") if args.answer == "accept" else t("declined")
    Console(highlight=False).print(f"{label} {_value(invitation, 'id')} ({_value(invitation, 'status')})")
    return EXIT_OK


# --- webhooks listen --------------------------------------------------------------------------------------


def make_receiver(verifier: WebhookVerifier, on_message: Callable[[Any], None],
                  on_refused: Callable[[str], None]) -> type[http.server.BaseHTTPRequestHandler]:
    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                message = verifier.verify(body, dict(self.headers.items()))
            except WebhookVerificationError as exc:
                on_refused(str(exc))
                self.send_response(401)
                self.end_headers()
                return
            self.send_response(204)
            self.end_headers()
            on_message(message)

        def log_message(self, *args: Any) -> None:
            pass

    return Receiver


def cmd_webhooks_listen(args: argparse.Namespace) -> int:
    t: Texts = args.texts
    out = Console(highlight=False)
    from_env = os.environ.get("TALENTFLOW_WEBHOOK_SECRET")
    secrets = list(args.secret) or ([from_env] if from_env else [])
    url = f"http://{args.host}:{args.port}/"
    tf = _client(args) if args.subscribe else None
    subscription = None
    if tf is not None:
        subscription = tf.subscriptions.create(url, args.event_type or ["*"])
        secrets.append(subscription.secret)
        out.print(f"{t('subscribed')} {subscription.id} → {url}")
    if not secrets:
        raise _Usage(t("no_secret"))
    received = threading.Event()
    count = [0]

    def on_message(message: Any) -> None:
        count[0] += 1
        out.print(f"[green]✓[/green] {message.type} {message.id} {json.dumps(message.data, ensure_ascii=False)}")
        if args.max and count[0] >= args.max:
            received.set()

    def on_refused(reason: str) -> None:
        out.print(f"[red]✗ {t('bad_signature')}[/red]: {reason}")

    try:
        server = http.server.ThreadingHTTPServer((args.host, args.port),
                                                 make_receiver(WebhookVerifier(secrets), on_message, on_refused))
    except OSError as exc:
        if tf is not None:
            if subscription is not None:
                tf.subscriptions.delete(subscription.id)
            tf.close()
        raise _Usage(f"{args.host}:{args.port}: {exc.strerror or exc}") from None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    out.print(t("listening", url=url))
    try:
        while not received.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        if tf is not None:
            if subscription is not None:
                tf.subscriptions.delete(subscription.id)
            tf.close()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
