"""The benchmark's pure helpers: quantiles, latency summaries, the dataset's events, profile summaries."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bench.datagen import iter_postings, iter_workers, org_of
from bench.run import (
    figures_from,
    latency_summary,
    percentile,
    posting_event,
    ratio,
    sample_indices,
    summarize_collapsed,
    worker_event,
)
from services.common.events import POSTINGS, WORKERS, PostingUpserted, WorkerUpserted, decode, encode, make_event
from services.common.ports import Record

pytestmark = pytest.mark.unit

AT = "2026-11-24T08:00:00+00:00"


def as_record(message) -> Record:
    return Record(message.topic, 0, 0, message.key, message.value, message.headers, 0)


# --- quantiles -------------------------------------------------------------------------------------


def test_percentile_interpolates_linearly_between_ranks_as_numpy_does():
    samples = [4.0, 1.0, 3.0, 2.0]  # unsorted on purpose
    assert percentile(samples, 0.0) == 1.0
    assert percentile(samples, 1.0) == 4.0
    assert percentile(samples, 0.5) == pytest.approx(2.5)
    assert percentile(samples, 0.99) == pytest.approx(3.97)  # numpy.percentile([1,2,3,4], 99)
    assert percentile([7.0], 0.99) == 7.0


def test_percentile_refuses_no_samples_and_quantiles_outside_0_1():
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 99)


def test_latency_summary_reports_milliseconds():
    summary = latency_summary([0.001, 0.002, 0.003, 0.004, 0.100])
    assert summary["n"] == 5
    assert summary["p50_ms"] == 3.0
    assert summary["max_ms"] == 100.0
    assert summary["p99_ms"] == pytest.approx(96.16)
    assert summary["mean_ms"] == 22.0
    assert latency_summary([]) == {"n": 0}


def test_ratio_is_none_without_both_figures():
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(None, 10.0) is None
    assert ratio(5.0, None) is None
    assert ratio(5.0, 0) is None


def test_sample_indices_are_reproducible_and_inside_the_population():
    drawn = sample_indices(50, 7, seed=3)
    assert drawn == sample_indices(50, 7, seed=3)
    assert len(drawn) == 50 and set(drawn) <= set(range(7))


# --- the dataset as events -------------------------------------------------------------------------


def test_worker_event_reads_back_like_the_kit_would_have_encoded_it():
    worker = next(iter_workers(1, 1, start=5))
    fast = decode(as_record(worker_event(5, worker, AT)))
    body = {k: v for k, v in worker.items() if k != "contact"}
    at = dt.datetime.fromisoformat(AT)
    data = WorkerUpserted(id="bw-5", version=1, created_at=at, updated_at=at,
                          matchable=worker["consent"]["matching"] and worker["status"] == "active", **body)
    slow = decode(as_record(encode(make_event("worker.upserted", data, subject="bw-5", source="x", entityversion=1))))
    assert fast.parsed() == slow.parsed()
    assert (fast.type, fast.subject, fast.entityversion, fast.dataschema) == (slow.type, slow.subject, 1, slow.dataschema)


def test_worker_event_is_keyed_by_the_worker_and_carries_no_contact_data():
    worker = next(iter_workers(1, 1, start=9))
    message = worker_event(9, worker, AT)
    assert (message.topic, message.key) == (WORKERS, "bw-9")
    text = message.value.decode()
    assert worker["contact"]["phone"] not in text
    assert worker["contact"]["email"] not in text
    assert "contact" not in json.loads(text)["data"]


def test_worker_event_is_not_matchable_without_consent_or_when_paused():
    worker = next(iter_workers(1, 1))
    worker["consent"] = {"matching": False, "share_contact": False}
    assert decode(as_record(worker_event(0, worker, AT))).parsed().matchable is False
    worker["consent"] = {"matching": True, "share_contact": False}
    worker["status"] = "paused"
    assert decode(as_record(worker_event(0, worker, AT))).parsed().matchable is False


def test_posting_event_reads_back_with_its_org():
    posting = next(iter_postings(1, 2, start=3))
    event = decode(as_record(posting_event(3, posting, AT)))
    data = event.parsed()
    assert isinstance(data, PostingUpserted)
    assert (data.id, data.org_id, data.version, data.title) == ("bp-3", org_of(3), 1, posting["title"])
    assert posting_event(3, posting, AT).topic == POSTINGS


# --- profiles and figures --------------------------------------------------------------------------


def test_summarize_collapsed_counts_self_and_inclusive_samples_per_function():
    lines = [
        "main (a.py:1);search (b.py:2);rank (c.py:3) 4\n",
        "main (a.py:1);search (b.py:2);rank (c.py:9) 2\n",  # another line of the same function
        "main (a.py:1);search (b.py:2) 3\n",
        "main (a.py:1);decode (d.py:4) 1\n",
        "worker (e.py:1);Condition.wait (threading.py:331) 50\n",  # a waiting thread
        "garbage line without a count\n",
    ]
    text = summarize_collapsed(lines)
    assert text.startswith("10 samples of working threads (50 more waiting")
    self_part, total_part = text.split("total %")
    assert "60.0 | rank (c.py)" in self_part
    assert "90.0 | search (b.py)" in total_part
    assert "100.0 | main (a.py)" in total_part
    assert "Condition.wait" not in text
    assert summarize_collapsed([]) == "no samples\n"


def test_figures_are_picked_from_the_phases_and_the_peer_ratio_computed():
    details = {
        "candidates": {"p50_ms": 4.0, "p99_ms": 10.0},
        "peer": {"p50_ms": 6.0, "p99_ms": 30.0},
        "engine_floor": {"p50_ms": 1.0, "p99_ms": 5.0},
        "ingest": {"events_per_s": 12_000},
        "matching_memory": {"rss_mib": 900, "peak_rss_mib": 1000},
    }
    figures = figures_from(details)
    assert figures["candidates_p99_ms"] == 10.0
    assert figures["peer_ratio_p99"] == 3.0
    assert figures["peer_ratio_floor_p99"] == 6.0
    assert figures["ingest_events_per_s"] == 12_000
    assert figures["matching_rss_mib"] == 900
    assert figures["market_report_s"] is None  # a phase that did not run leaves its figure empty


def test_a_group_is_not_waited_for_on_topics_it_does_not_read(tmp_path):
    """matching-market-engagements reads engagements and matches only: the market phase must not wait
    300 s for it to 'catch up' on the workers' topic (it once did)."""
    from bench.run import LogProgress, local_log
    from services.common.events import ENGAGEMENTS

    log = local_log(tmp_path)
    try:
        log.publish([worker_event(1, next(iter_workers(1, 1, start=1)), AT)])
        readers = log.consumer("market", [WORKERS], from_beginning=True)
        other = log.consumer("engagements", [ENGAGEMENTS], from_beginning=True)
        other.commit(other.poll(0.1, 10))
        progress = LogProgress(tmp_path / "events.db")
        assert progress.lag("engagements", [WORKERS, POSTINGS]) == 0
        assert progress.lag("market", [WORKERS, POSTINGS]) == 1
        readers.commit(readers.poll(0.5, 10))
        assert progress.lag("market", [WORKERS, POSTINGS]) == 0
        readers.close()
        other.close()
    finally:
        log.close()
