"""The benchmark's write phases with wrk (issue 15): the Lua script, what wrk prints, the figures.

The pure parts are tested on their own; one test runs the generated script in a real wrk against a
small HTTP server in this process (skipped where wrk is not installed: scripts/ensure-wrk.sh)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import bench.http_writes as http_writes
from bench.http_writes import application_templates, posting_templates, published_figures, readers_of, worker_templates
from bench.report import FIGURE_KEYS, render_markdown, write_section
from bench.run import figures_from, write_figures_from
from bench.wrk_load import Template, _lua_string, lua_script, parse_wrk_output, prometheus_value, run_wrk, write_figures

pytestmark = pytest.mark.unit

WRK_LINE = ('WRK_RESULT {"requests": 1200, "duration_us": 2000000, "bytes": 90000, "threads": 1, '
            '"errors": {"connect": 0, "read": 0, "write": 0, "status": 3, "timeout": 0}, '
            '"latency_us": {"mean": 6500.5, "stdev": 800.0, "max": 41000, '
            '"percentiles": {"50": 6000, "90": 9000, "99": 25000, "99.9": 40000}}, "statuses": {"409": 3, "201": 1197}}')


# --- the Lua script ------------------------------------------------------------------------------


def test_a_long_string_holds_any_text_verbatim_even_its_own_closing_bracket():
    assert _lua_string("abc") == "[[abc]]"
    assert _lua_string('a]]b"\\n') == '[=[a]]b"\\n]=]'
    assert _lua_string("x]=]y]]") == "[==[x]=]y]]]==]"
    assert _lua_string("\nlead") == "[[\n\nlead]]"  # Lua drops the first newline after [[


def test_the_script_carries_every_template_the_token_and_numbers_requests_per_thread():
    script = lua_script("tok.en", [Template("/v1/workers", '{"name":"王"}'), Template("/v1/p/{n}/a", '{"w":"x-{n}"}')],
                        threads=3, connections=12, run_id="r7")
    assert '["Authorization"] = "Bearer " .. [[tok.en]]' in script
    assert 'path = [[/v1/workers]], body = [[{"name":"王"}]], varies = false' in script
    assert 'path = [[/v1/p/{n}/a]], body = [[{"w":"x-{n}"}]], varies = true' in script
    assert "local n = counter * 3 + thread_index" in script  # unique over all threads …
    assert 'local run_id = "r7"' in script and 'run_id .. "x" .. tostring(n)' in script  # … and runs
    assert "local delay_ms = nil" in script  # not paced


def test_a_paced_script_waits_connections_over_rate_between_two_requests_of_a_connection():
    script = lua_script("t", [Template("/v1/workers", "{}")], connections=16, rate_per_s=1000)
    assert "local delay_ms = 16.000000" in script


@pytest.mark.parametrize(("request_ms", "expected_ms"), [
    (4.0, 12.0),    # 16 connections at 1,000/s: a 16 ms period, 4 of them the request, 12 left to wait
    (0.0, 16.0),    # instant answers: the delay is the period
    (20.0, 1.0),    # slower than the period: the floor of 1 ms
    (None, 16.0),   # nothing answered: no correction
])
def test_the_paced_run_subtracts_the_time_a_request_takes_from_the_delay(monkeypatch, request_ms, expected_ms):
    asked = []

    def probe(*_args, rate_per_s, connections, **_kwargs):  # a service answering in request_ms
        asked.append(rate_per_s)
        if request_ms is None:
            return {"writes_per_s": 0.0}
        return {"writes_per_s": connections / (connections / rate_per_s + request_ms / 1000)}

    monkeypatch.setattr(http_writes, "measure_writes", probe)
    delay = http_writes.paced_delay("http://x", 1, "t", [], connections=16, rate_per_s=1000.0)
    assert asked[0] == 1000.0
    assert delay * 1000 == pytest.approx(expected_ms)


def test_the_paced_script_carries_the_fraction_of_a_millisecond_wrk_would_drop():
    script = lua_script("t", [Template("/v1/workers", "{}")], connections=16, rate_per_s=4_000)  # 4 ms
    assert "carried = carried + delay_ms" in script and "math.floor(carried)" in script


@pytest.mark.parametrize("kwargs", [{"threads": 0}, {"threads": 4, "connections": 2}, {"rate_per_s": 0}])
def test_the_script_refuses_settings_wrk_cannot_honour(kwargs):
    with pytest.raises(ValueError):
        lua_script("t", [Template("/v1/workers", "{}")], **kwargs)


def test_two_scripts_number_their_requests_apart_unless_told_the_same_run_id():
    templates = [Template("/v1/workers", "{n}")]
    assert lua_script("t", templates) != lua_script("t", templates)
    assert lua_script("t", templates, run_id="a1") == lua_script("t", templates, run_id="a1")
    with pytest.raises(ValueError):
        lua_script("t", templates, run_id='a"; os.exit()')


def test_the_script_refuses_no_templates_and_a_token_with_a_line_break():
    with pytest.raises(ValueError):
        lua_script("t", [])
    with pytest.raises(ValueError):
        lua_script("t\r\nX-Evil: 1", [Template("/v1/workers", "{}")])


# --- the bodies ----------------------------------------------------------------------------------


def test_worker_bodies_are_design_workers_an_agency_may_write():
    templates = worker_templates(30)
    bodies = [json.loads(t.body) for t in templates]
    assert {t.path for t in templates} == {"/v1/workers"}
    assert all(b["consent"]["share_contact"] is False and b["agency_id"] is None for b in bodies)
    assert all(b["name"] and b["skills"] and b["region"] for b in bodies)
    assert len({t.body for t in templates}) == 30


def test_posting_bodies_have_their_deadline_after_today_and_before_the_start():
    today = dt.date(2027, 3, 1)
    for template in posting_templates(40, today):
        body = json.loads(template.body)
        deadline, start = dt.date.fromisoformat(body["deadline"]), dt.date.fromisoformat(body["start_on"])
        assert today < deadline < start


def test_applications_name_a_new_worker_per_request_over_the_given_postings():
    templates = application_templates(["pst-1", "pst-2"], "t1")
    assert [t.path for t in templates] == ["/v1/postings/pst-1/applications", "/v1/postings/pst-2/applications"]
    assert all(t.varies and json.loads(t.body)["worker_id"] == "bw-t1-{n}" for t in templates)
    with pytest.raises(ValueError):
        application_templates([], "t1")


# --- what wrk prints, and the figures --------------------------------------------------------------


def test_the_result_line_is_read_in_milliseconds_and_seconds():
    result = parse_wrk_output("Running 2s test @ http://x\n  1 threads\n" + WRK_LINE + "\n")
    assert result["requests"] == 1200 and result["seconds"] == 2.0
    assert (result["p50_ms"], result["p99_ms"], result["p999_ms"], result["max_ms"]) == (6.0, 25.0, 40.0, 41.0)
    assert result["statuses"] == {"201": 1197, "409": 3}
    assert result["errors"] == {"status": 3}  # the zero counts are left out


def test_output_without_the_result_line_is_an_error_not_zero_writes():
    with pytest.raises(ValueError, match="WRK_RESULT"):
        parse_wrk_output("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_only_created_answers_count_as_writes_and_cpu_is_per_write():
    figures = write_figures(parse_wrk_output(WRK_LINE), cpu_s=2.394)
    assert figures["created"] == 1197
    assert figures["writes_per_s"] == 598.5
    assert figures["server_cpu_ms_per_write"] == 2.0
    assert figures["writes_per_s_per_server_core"] == 500.0


def test_no_created_answer_gives_no_cpu_per_write_rather_than_a_division_by_zero():
    result = {**parse_wrk_output(WRK_LINE), "statuses": {"403": 1200}}
    figures = write_figures(result, cpu_s=1.0)
    assert figures["writes_per_s"] == 0 and figures["server_cpu_ms_per_write"] is None


def test_prometheus_samples_are_summed_over_labels_and_absent_is_none():
    text = ('# HELP talentflow_outbox_backlog rows\n# TYPE talentflow_outbox_backlog gauge\n'
            'talentflow_outbox_backlog{store="a"} 3.0\ntalentflow_outbox_backlog{store="b"} 2\n'
            'talentflow_outbox_backlog_seconds 9\n')
    assert prometheus_value(text, "talentflow_outbox_backlog") == 5.0
    assert prometheus_value(text, "talentflow_missing") is None


def test_published_only_when_the_outbox_is_empty_the_log_has_every_event_and_readers_caught_up():
    assert published_figures(100, 50, 150, 0.0, {"matching-index": 0})["all_published"] is True
    assert published_figures(100, 50, 149, 0.0, {"matching-index": 0})["all_published"] is False
    assert published_figures(100, 50, 150, 1.0, {"matching-index": 0})["all_published"] is False
    assert published_figures(100, 50, 150, 0.0, {"matching-index": 4})["all_published"] is False
    assert published_figures(100, 50, 150, None, {})["all_published"] is False  # no metric: not proven
    # a reader behind is not an event lost: the log holds them all
    behind = published_figures(100, 50, 150, 0.0, {"matching-reactive": 7})
    assert (behind["in_log"], behind["all_published"]) == (True, False)
    assert published_figures(100, 50, 149, 0.0, {})["in_log"] is False


class FakeProgress:
    def heads(self):
        return {"w": 10}

    def committed(self, group):
        return {"g1": {"w": 10}, "g2": {"p": 3}, "bench-x": {"w": 1}}[group]

    def groups(self):
        return ["g1", "g2", "bench-x"]


def test_the_readers_of_a_topic_are_the_groups_that_committed_on_it_not_the_benchmarks():
    assert readers_of(FakeProgress(), "w") == ["g1"]


def test_write_figures_are_picked_per_phase_and_reported_with_the_issue_targets():
    details = {"profile_writes": {"writes_per_s": 812.3, "p50_ms": 9.1, "p99_ms": 40.2, "server_cpu_ms_per_write": 1.2,
                                  "load_average": 2.5, "published": {"all_published": True},
                                  "at_rate": {"p99_ms": 30.1, "rate_reached_per_s": 790.0}},
               "posting_writes": {"writes_per_s": 1600.0, "server_cpu_ms_per_write": 0.8, "published": {"all_published": False}},
               "application_writes": {"published": {"all_published": False, "in_log": True,
                                                    "consumer_lags": {"matching-index": 0, "matching-reactive": 11208}}}}
    figures = write_figures_from(details)
    assert figures["profile_writes_per_s"] == 812.3 and figures["posting_writes_cpu_ms"] == 0.8
    assert figures["application_writes_per_s"] is None
    assert figures["application_writes_behind"] == {"matching-reactive": 11208}
    assert set(figures) <= set(FIGURE_KEYS) <= set(figures_from({}))  # every write figure is a reported key
    text = "\n".join(write_section(figures))
    assert "| profiles `POST /v1/workers` (agency) | 1 | 812 | 9.10 | 40.2 | 1.20 | 30.1 (790/s) | yes | 2.50 |" in text
    assert "| jobs `POST /v1/postings` (employer) | 1 | 1,600 |" in text and "| NO |" in text
    assert "| yes; behind: matching-reactive 11,208 |" in text  # in the log, one reader still catching up
    # 30 ms at 790/s is not "p99 < 50 ms at 1,000/s"
    assert "| profile writes p99 at 1,000/s | 30.1 ms | < 50 ms | MISSED (the rate reached was 790/s) |" in text
    assert "| CPU per posting write (jobs process) | 0.80 ms | ≤ 1 ms | met |" in text
    assert "| CPU per profile write (profiles process) | 1.20 ms | ≤ 1 ms | MISSED |" in text
    assert "| CPU per application write (jobs process) | — ms | ≤ 1 ms | not measured |" in text
    assert "Writes through the API (wrk" in render_markdown({"figures": figures})


# --- the script in a real wrk ------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (scripts/ensure-wrk.sh)")
def test_wrk_runs_the_script_with_the_token_unique_numbers_and_counted_statuses():
    seen: list[tuple[str, str, dict]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):  # noqa: N802 — the http.server name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                seen.append((self.path, self.headers["Authorization"], body))
                status = 201 if len(seen) % 5 else 409
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        templates = [Template("/v1/postings/a/applications", '{"worker_id":"w-{n}","note":"100% 王"}'),
                     Template("/v1/postings/b/applications", '{"worker_id":"w-{n}","note":"100% 王"}')]
        script = lua_script("secret-token", templates, threads=2, connections=2, rate_per_s=200)
        result = run_wrk(f"http://127.0.0.1:{server.server_address[1]}", script, connections=2, threads=2, duration_s=1)
    finally:
        server.shutdown()
        server.server_close()
    assert seen, "wrk sent nothing"
    assert {auth for _, auth, _ in seen} == {"Bearer secret-token"}
    workers = [body["worker_id"] for _, _, body in seen]
    assert len(set(workers)) == len(workers)  # {n} is unique across both threads
    assert {body["note"] for _, _, body in seen} == {"100% 王"}  # the body is sent as written
    assert {path for path, _, _ in seen} == {"/v1/postings/a/applications", "/v1/postings/b/applications"}
    # what wrk counted is what the server answered (a request cut off at the end may be unanswered)
    answered = sum(result["statuses"].values())
    assert 0 < answered <= len(seen) and result["statuses"].get("409", 0) >= 1
    # paced: 2 connections at 200/s in total, for one second, cannot exceed ~200 requests
    assert len(seen) <= 260
