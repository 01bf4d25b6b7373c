"""The agency CLI without a system: languages, exit codes, the failed-rows file, the hook into `talentflow`."""

from __future__ import annotations

import csv
import socket
import subprocess
import sys

import pytest

from services.common.cli import build_parser
from talentflow_client import cli

pytestmark = pytest.mark.unit


def test_the_language_comes_from_lang_option_then_the_locale_and_is_chinese_by_default():
    assert cli.choose_language(["import", "--lang", "en"], {"LANG": "zh_CN.UTF-8"}) == "en"
    assert cli.choose_language(["--lang=zh"], {"LANG": "en_US.UTF-8"}) == "zh"
    assert cli.choose_language([], {"LANG": "en_GB.UTF-8"}) == "en"
    assert cli.choose_language([], {"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert cli.choose_language([], {}) == "zh"


@pytest.mark.parametrize(("lang", "expected"), [("zh", "批量导入人员"), ("en", "bulk-import workers")])
def test_help_of_every_command_in_both_languages(lang, expected):
    env = {"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}
    for argv in (["import"], ["jobs", "watch"], ["export", "workers"], ["invitations", "accept"], ["webhooks", "listen"]):
        done = subprocess.run([sys.executable, "-m", "services.common.cli", *argv, "--help", "--lang", lang],
                              capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        assert ("退出码" if lang == "zh" else "exit codes") in done.stdout, argv
    top = subprocess.run([sys.executable, "-m", "services.common.cli", "--help"], capture_output=True, text=True,
                         env={**env, "LANG": "en_US.UTF-8" if lang == "en" else "zh_CN.UTF-8"})
    assert expected in top.stdout and "token" in top.stdout  # the platform's own commands are still there


def test_the_platform_commands_still_parse():
    args = build_parser(["token", "--role", "admin", "--subject", "root"]).parse_args(
        ["token", "--role", "admin", "--subject", "root"])
    assert args.func.__name__ == "cmd_token"


def test_no_token_exits_3_and_an_unreachable_service_exits_4(monkeypatch, tmp_path):
    monkeypatch.delenv("TALENTFLOW_TOKEN", raising=False)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,region\n王建国,150602\n", encoding="utf-8")
    assert cli.main(["import", str(roster), "--lang", "en"]) == cli.EXIT_AUTH
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    code = cli.main(["import", str(roster), "--token", "t", "--gateway", f"http://127.0.0.1:{closed}"])
    assert code == cli.EXIT_UNREACHABLE
    assert cli.main(["import", str(tmp_path / "missing.csv"), "--token", "t"]) == cli.EXIT_USAGE
    with pytest.raises(SystemExit) as usage:
        cli.main(["import"])
    assert usage.value.code == cli.EXIT_USAGE


def test_rows_are_numbered_as_the_server_numbers_them_and_failed_rows_are_written_as_uploaded(tmp_path):
    content = ("姓名,地区,技能\n张三,150602,\"氩弧焊:5\n二氧化碳保护焊\"\n\n李四,,焊接\n王五,1506,\n").encode("gb18030")
    header, rows = cli.original_rows(content, "csv")
    assert header == ["姓名", "地区", "技能"] and rows[2] == ["李四", "", "焊接"] and len(rows) == 3
    target = tmp_path / "roster.failed.csv"
    reasons = cli.write_failed_rows(target, "csv", header, rows, [(2, "region: Field required")], cli.Texts("zh"))
    with target.open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [["姓名", "地区", "技能"], ["李四", "", "焊接"]]
    with reasons.open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f))[1] == ["2", "1", "region: Field required"]
    _, lines = cli.original_rows(b'{"name": "a"}\n\n{"name": "b"}\n', "jsonl")
    assert lines == {1: '{"name": "a"}', 2: '{"name": "b"}'}


def test_an_export_row_uses_the_import_columns():
    row = cli.csv_row({"id": "w_1", "name": "王建国", "region": "150602", "contact": {"phone": "13800000001"},
                       "consent": {"matching": True, "share_contact": False},
                       "skills": [{"name": "氩弧焊", "proficiency": 5, "years": 12}]})
    columns = dict(zip([*cli.TEXT_COLUMNS, *cli.JSON_COLUMNS], row, strict=True))
    assert columns["phone"] == "13800000001" and columns["consent_matching"] == "true"
    assert columns["skills"] == '[{"name": "氩弧焊", "proficiency": 5, "years": 12}]' and columns["awards"] == ""


def test_times_are_shown_in_the_readers_zone(monkeypatch):
    monkeypatch.delenv("TZ", raising=False)
    assert cli.local_time("2026-12-03T13:18:40.202701+00:00") == "2026-12-03 21:18"
    monkeypatch.setenv("TZ", "Europe/Berlin")
    assert cli.local_time("2026-12-03T13:18:40+00:00") == "2026-12-03 14:18"


def test_jobs_watch_shows_each_message_once_oldest_first_and_rides_out_an_outage(monkeypatch):
    import argparse

    import httpx
    from rich.console import Console

    from talentflow_client import TalentFlow
    from talentflow_client.transport import RetryPolicy

    at = "2026-12-03T08:00:00+00:00"
    inbox = [{"id": f"ntf_{i}", "type": "match.found", "title": f"标题{i}", "body": "…", "created_at": at, "read": False,
              "read_at": None, "event_id": f"evt_{i}", "data": {}} for i in (2, 1)]
    down = {"now": False}

    def handler(request):
        if down["now"]:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"items": inbox, "next_cursor": None})

    tf = TalentFlow("tok", gateway="http://gw.test", transport=httpx.MockTransport(handler),
                    retry=RetryPolicy(attempts=1))
    args = argparse.Namespace(org=[], posting=[], worker=[], polls=0, interval=0, texts=cli.Texts("en"))
    console = Console(record=True, width=200)
    state = cli.WatchState()
    cli._poll_once(tf, args, state, console, args.texts)
    inbox.insert(0, {**inbox[0], "id": "ntf_3", "title": "标题3"})
    cli._poll_once(tf, args, state, console, args.texts)
    lines = [line for line in console.export_text().splitlines() if line]
    assert [line.split(": ")[1].split(" —")[0] for line in lines] == ["标题1", "标题2", "标题3"], lines

    # an outage during an unbounded watch is reported and the watch goes on
    polls = {"n": 0}

    def poll(*_):
        polls["n"] += 1
        if polls["n"] == 1:
            down["now"] = True
            cli._poll_once(tf, args, state, console, args.texts)
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_poll_once", poll)
    monkeypatch.setattr(cli, "_client", lambda a: tf)
    assert cli.run(argparse.Namespace(**{**vars(args), "command_func": cli.cmd_jobs_watch, "lang": None})) == cli.EXIT_OK
    assert polls["n"] == 2
    bounded = argparse.Namespace(**{**vars(args), "polls": 1, "command_func": cli.cmd_jobs_watch, "lang": None})
    monkeypatch.setattr(cli, "_poll_once", lambda *a: (_ for _ in ()).throw(cli.Unreachable("http://gw.test", OSError())))
    assert cli.run(bounded) == cli.EXIT_UNREACHABLE
