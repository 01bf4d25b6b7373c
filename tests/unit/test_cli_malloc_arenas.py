"""`talentflow` caps glibc's malloc arenas (matching's RSS, issue 14), unless the operator chose a cap."""

from __future__ import annotations

import sys

import pytest

from services.common.cli import MALLOC_ARENAS, fewer_malloc_arenas

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's arenas: Linux only")


def test_the_cap_is_set_for_this_process_and_the_ones_it_starts():
    environ: dict[str, str] = {"PATH": "/usr/bin"}
    assert fewer_malloc_arenas(environ) == MALLOC_ARENAS
    assert environ["MALLOC_ARENA_MAX"] == str(MALLOC_ARENAS)  # uvicorn's HTTP processes and `up`'s services inherit it


def test_an_operator_s_own_cap_is_kept():
    environ = {"MALLOC_ARENA_MAX": "8"}
    assert fewer_malloc_arenas(environ) is None
    assert environ == {"MALLOC_ARENA_MAX": "8"}


def test_only_the_commands_that_run_services_set_it(monkeypatch):
    from services.common import cli

    calls: list[str] = []
    monkeypatch.setattr(cli, "fewer_malloc_arenas", lambda: calls.append("capped"))
    monkeypatch.setattr(cli, "cmd_schemas", lambda args: 0)
    monkeypatch.setattr(cli, "cmd_work", lambda args: 0)
    assert cli.main(["schemas", "--out", "/nonexistent"]) == 0
    assert calls == []
    assert cli.main(["work", "profiles"]) == 0
    assert calls == ["capped"]
