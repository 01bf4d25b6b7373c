"""The write phases of the system benchmark (issue 15): profiles, postings and applications through
the HTTP API, loaded by `wrk` (bench/wrk_load.py) while the consumers read what the writes publish.

Each phase: a warm-up run (not counted), the throughput run (`connections` keep-alive connections
for `seconds`), then the proof that every write's event was published — the service's outbox
backlog (its /metrics) back to 0, the topic's head grown by at least the number of writes created,
and every consumer group that reads the topic at its head — and finally a run paced at
`rate_per_s` (wrk's `delay()`; wrk2 is not packaged by Debian) for the latency at a fixed rate.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from bench.datagen import iter_postings, iter_workers
from bench.wrk_load import Template, json_body, measure_writes, outbox_backlog, wait_until

WRITES_SEED = 77


class Progress(Protocol):
    """What the phases read of the event log (bench.run.LogProgress has it)."""

    def heads(self) -> dict[str, int]: ...

    def committed(self, group: str) -> dict[str, int]: ...

    def groups(self) -> list[str]: ...


# --- the request bodies (pure) -------------------------------------------------------------------------


def worker_templates(count: int, *, start: int = 20_000_000) -> list[Template]:
    """`POST /v1/workers` bodies (DESIGN §3 workers from datagen) an agency may write: the
    separate contact consent is the worker's to give (an agency's `share_contact: true` is a 403)."""
    templates = []
    for worker in iter_workers(count, WRITES_SEED, start=start):
        worker["consent"] = {**worker["consent"], "share_contact": False}
        worker["agency_id"] = None
        templates.append(Template("/v1/workers", json_body(worker)))
    return templates


def posting_templates(count: int, today: dt.date, *, start: int = 5_000_000) -> list[Template]:
    """`POST /v1/postings` bodies of an employer (datagen postings), their dates moved after today
    so that no deadline has passed."""
    templates = []
    for n, posting in enumerate(iter_postings(count, WRITES_SEED, start=start)):
        start_on = today + dt.timedelta(days=30 + n % 60)
        posting["start_on"] = start_on.isoformat()
        posting["deadline"] = (start_on - dt.timedelta(days=1 + n % 20)).isoformat()
        templates.append(Template("/v1/postings", json_body(posting)))
    return templates


def application_templates(posting_ids: Sequence[str], tag: str) -> list[Template]:
    """`POST /v1/postings/{id}/applications` by an admin for a worker named in the body: `{n}` makes
    each worker new, so every (posting, worker) pair is a first application (201), never a replay."""
    if not posting_ids:
        raise ValueError("no postings to apply to")
    body = json_body({"worker_id": f"bw-{tag}-" + "{n}", "message": "可以按时到岗，有相关证书。"})
    return [Template(f"/v1/postings/{posting_id}/applications", body) for posting_id in posting_ids]


# --- published and consumed ------------------------------------------------------------------------------


def readers_of(progress: Progress, topic: str) -> list[str]:
    """The consumer groups that have committed an offset on `topic` (the benchmark's own excepted)."""
    return [g for g in progress.groups() if not g.startswith("bench") and topic in progress.committed(g)]


def lags(progress: Progress, topic: str, groups: Iterable[str]) -> dict[str, int]:
    head = progress.heads().get(topic, 0)
    return {g: head - progress.committed(g).get(topic, 0) for g in groups}


def published_figures(created: int, head_before: int, head_after: int, backlog: float | None,
                      group_lags: Mapping[str, int]) -> dict[str, Any]:
    """Whether every write's event reached the log and every reader: the verdict and its parts."""
    events = head_after - head_before
    in_log = backlog == 0 and events >= created
    return {
        "events_in_log": events,
        "outbox_backlog": backlog,
        "consumer_lags": dict(group_lags),
        "in_log": in_log,  # every write's event reached the log (the outbox is empty)
        "all_published": in_log and all(lag <= 0 for lag in group_lags.values()),  # ... and every reader
    }


def paced_delay(base_url: str, pid: int, token: str, templates: Sequence[Template], *, connections: int,
                rate_per_s: float, probe_s: float = 2.0) -> float:
    """The delay (s) each connection waits between requests so that `connections` of them offer about
    `rate_per_s`: wrk's delay() comes on top of the time a request takes, so a probe paced at
    connections/rate measures that time and the delay is what is left of the period (at least 1 ms)."""
    period = delay = connections / rate_per_s
    for _ in range(2):  # a request takes longer as the rate nears the service's limit: correct twice
        probe = measure_writes(base_url, pid, token, templates, connections=connections, duration_s=probe_s,
                               rate_per_s=connections / delay)
        reached = probe.get("writes_per_s") or 0.0
        if reached <= 0:
            return delay
        taken = max(0.0, connections / reached - delay)  # what a request adds to the delay
        delay = max(0.001, period - taken)
    return delay


def measure_phase(base_url: str, pid: int, token: str, templates: Sequence[Template], *, topic: str,
                  progress: Progress, connections: int, seconds: float, warmup_s: float = 2.0,
                  rate_per_s: float | None = 1_000.0, drain_timeout_s: float = 300.0,
                  beside: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Warm-up, the throughput run, the proof that every event was published and consumed, then the
    run paced at `rate_per_s` (see the module docstring)."""
    measure_writes(base_url, pid, token, templates, connections=connections, duration_s=warmup_s)
    wait_until(lambda: outbox_backlog(base_url) == 0, drain_timeout_s)
    head_before = progress.heads().get(topic, 0)
    result = measure_writes(base_url, pid, token, templates, connections=connections, duration_s=seconds, beside=beside)
    ended = time.perf_counter()
    # wrk stops with requests in flight: the server still commits them, up to about a p99 later, and
    # their rows would otherwise reach the outbox after it was found empty
    time.sleep(min(5.0, (result.get("max_ms") or 0) / 1000 + 0.2))
    drained = wait_until(lambda: outbox_backlog(base_url) == 0, drain_timeout_s)
    groups = readers_of(progress, topic)
    caught_up = wait_until(lambda: all(lag <= 0 for lag in lags(progress, topic, groups).values()), drain_timeout_s, 0.2)
    result["published"] = {
        **published_figures(result["created"], head_before, progress.heads().get(topic, 0),
                            outbox_backlog(base_url), lags(progress, topic, groups)),
        "topic": topic,
        "outbox_empty_after_s": drained,
        "consumers_caught_up_after_s": caught_up,
        "consumers_caught_up_after_load_s": round(time.perf_counter() - ended, 2) if caught_up is not None else None,
    }
    if rate_per_s:
        pacing = paced_delay(base_url, pid, token, templates, connections=connections, rate_per_s=rate_per_s)
        paced = measure_writes(base_url, pid, token, templates, connections=connections,
                               duration_s=max(3.0, seconds / 2), rate_per_s=connections / pacing)
        result["at_rate"] = {
            "rate_offered_per_s": rate_per_s,
            "delay_per_connection_ms": round(pacing * 1000, 2),
            "rate_reached_per_s": paced["writes_per_s"],
            **{k: paced[k] for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "statuses", "server_cpu_ms_per_write",
                                     "load_average", "tool")},
            "how": "wrk has no fixed-rate mode (wrk2 is not in Debian): each connection waits a delay() "
                   "between its requests, set by two 2 s probes so that delay + the time a request takes ≈ "
                   "connections/rate; latency is not corrected for coordinated omission, and the rate reached "
                   "is reported",
        }
        wait_until(lambda: outbox_backlog(base_url) == 0, drain_timeout_s)
    result["load_average"] = round(os.getloadavg()[0], 2)
    return result
