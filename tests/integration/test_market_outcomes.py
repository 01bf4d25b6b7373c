"""Regional flows and placement outcomes (issue 17) through the log, the consumers and HTTP.

Every figure is recomputed here from the test's own engagement plan, without the service's code:
flows by origin and destination at province and city level, the counts of a period, the time from
a posting to its first hire, and the hire rate by the rank at which the hired worker was shown.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from collections import Counter
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from services.common import events
from services.matching.market.outcomes import market_engagements, market_shown
from services.matching.ranking.formula import Weights
from tests.integration.test_market_support import (  # noqa: F401 — the harness fixture
    ADMIN,
    harness,
    posting_event,
    worker_erased,
    worker_event,
)

UTC = dt.UTC
MARCH = dt.datetime(2026, 3, 2, 2, tzinfo=UTC)  # inside 2026-03 in China Standard Time
FEBRUARY = dt.datetime(2026, 2, 10, 2, tzinfo=UTC)
W_REGIONS = ["150602", "150202", "110105", "440305", "150603"]
P_REGIONS = ["150602", "440305", "110105", "440306"]
LEVELS = ["senior", "technician", "intermediate"]
OCCUPATIONS = ["6-18-02-04", "6-31-01-03"]


def _event(kind: str, model, subject: str):
    return events.make_event(kind, model, subject=subject, source="/test", entityversion=1)


@dataclass
class Plan:
    """The test's own record of what happened: facts as (fact, worker, posting, time)."""

    workers: dict[str, dict] = field(default_factory=dict)
    postings: dict[str, dict] = field(default_factory=dict)
    facts: list[tuple[str, str, str, dt.datetime]] = field(default_factory=list)

    def flows(self, start: dt.datetime, end: dt.datetime, digits: int, occupation: str | None = None,
              level: str | None = None) -> dict[tuple[str, str], Counter]:
        out: dict[tuple[str, str], Counter] = {}
        seen_pairs = set()
        for fact, w, p, at in self.facts:
            if not start <= at < end or fact not in ("shown", "invited", "applied", "hired"):
                continue
            if fact == "shown":
                if (w, p) in seen_pairs:
                    continue
                seen_pairs.add((w, p))
            if occupation and self.postings[p]["occupation"] != occupation:
                continue
            if level and self.workers[w]["level"] != level:
                continue
            key = (self.workers[w]["region"][:digits], self.postings[p]["region"][:digits])
            out.setdefault(key, Counter())[fact] += 1
        return out


def _seed(h, rnd: random.Random) -> Plan:
    plan = Plan()
    for i in range(15):
        w = {"region": W_REGIONS[i % len(W_REGIONS)], "level": LEVELS[i % len(LEVELS)]}
        plan.workers[f"w-{i}"] = w
        h.send(worker_event(f"w-{i}", region=w["region"], level=w["level"]))
    for j in range(6):
        p = {"region": P_REGIONS[j % len(P_REGIONS)], "occupation": OCCUPATIONS[j % 2],
             "created_at": dt.datetime(2026, 1, 20 + j, tzinfo=UTC)}
        plan.postings[f"p-{j}"] = p
        h.send(posting_event(f"p-{j}", region=p["region"], occupation=p["occupation"], created_at=p["created_at"]))
    sent = []
    serial = 0
    for p in plan.postings:
        for w in plan.workers:
            base = rnd.choice([FEBRUARY, MARCH])
            at = base + dt.timedelta(hours=rnd.randint(0, 200))
            org = "org-1"
            if rnd.random() < 0.6:
                for recipient_kind, recipient in (("worker", w), ("org", org)):  # two announcements, one match
                    sent.append(_event("match.found", events.MatchFound(
                        recipient_kind=recipient_kind, recipient_id=recipient, worker_id=w, posting_id=p, org_id=org,
                        score=0.8, summary="匹配", found_at=at), recipient))
                plan.facts.append(("shown", w, p, at))
            if rnd.random() < 0.3:
                serial += 1
                sent.append(_event("invitation.sent", events.InvitationSent(
                    id=f"i-{serial}", posting_id=p, org_id=org, worker_id=w, expires_at=at + dt.timedelta(days=7),
                    sent_at=at + dt.timedelta(hours=1)), p))
                plan.facts.append(("invited", w, p, at + dt.timedelta(hours=1)))
                answer = rnd.choice(["accepted", "declined"])
                sent.append(_event("invitation.answered", events.InvitationAnswered(
                    id=f"i-{serial}", posting_id=p, org_id=org, worker_id=w, answer=answer,
                    answered_at=at + dt.timedelta(hours=2)), p))
                if answer == "accepted":
                    plan.facts.append(("accepted", w, p, at + dt.timedelta(hours=2)))
            if rnd.random() < 0.4:
                serial += 1
                app = f"a-{serial}"
                sent.append(_event("application.submitted", events.ApplicationSubmitted(
                    id=app, posting_id=p, org_id=org, worker_id=w, status="submitted",
                    submitted_at=at + dt.timedelta(hours=3)), p))
                plan.facts.append(("applied", w, p, at + dt.timedelta(hours=3)))
                if rnd.random() < 0.6:
                    sent.append(_event("application.updated", events.ApplicationUpdated(
                        id=app, posting_id=p, org_id=org, worker_id=w, status="shortlisted",
                        previous_status="submitted", updated_at=at + dt.timedelta(hours=4)), p))
                    plan.facts.append(("shortlisted", w, p, at + dt.timedelta(hours=4)))
                    if rnd.random() < 0.5:
                        hired_at = at + dt.timedelta(hours=5 + rnd.randint(0, 48))
                        sent.append(_event("application.updated", events.ApplicationUpdated(
                            id=app, posting_id=p, org_id=org, worker_id=w, status="hired",
                            previous_status="shortlisted", updated_at=hired_at), p))
                        plan.facts.append(("hired", w, p, hired_at))
                elif rnd.random() < 0.5:  # rejected: no fact of its own
                    sent.append(_event("application.updated", events.ApplicationUpdated(
                        id=app, posting_id=p, org_id=org, worker_id=w, status="rejected",
                        previous_status="submitted", updated_at=at + dt.timedelta(hours=4)), p))
    h.send(*sent)
    h.send(*sent[: len(sent) // 2])  # a redelivery counts nothing twice
    return plan


MARCH_START = dt.datetime(2026, 2, 28, 16, tzinfo=UTC)  # 2026-03-01 00:00 CST
MARCH_END = dt.datetime(2026, 3, 31, 16, tzinfo=UTC)
FEB_START = dt.datetime(2026, 1, 31, 16, tzinfo=UTC)


def _as_table(body: dict) -> dict[tuple[str, str], dict[str, int]]:
    return {(i["from"], i["to"]): {"shown": i["matches"], "invited": i["invitations"], "applied": i["applications"],
                                   "hired": i["hires"]} for i in body["items"]}


def _expected_table(flows: dict[tuple[str, str], Counter]) -> dict[tuple[str, str], dict[str, int]]:
    return {k: {f: c[f] for f in ("shown", "invited", "applied", "hired")} for k, c in flows.items()}


def test_flows_count_each_fact_from_the_workers_region_to_the_postings_region(harness):  # noqa: F811
    plan = _seed(harness, random.Random(17))
    body = harness.get("/v1/market/flows", period="2026-03").json()
    assert body["period"] == "2026-03" and body["depth"] == 1
    assert _as_table(body) == _expected_table(plan.flows(MARCH_START, MARCH_END, 2))
    hires = [i["hires"] for i in body["items"]]
    assert hires == sorted(hires, reverse=True)  # biggest flows first
    names = {i["to"]: i["to_name"] for i in body["items"]}
    assert names.get("44") == "广东省" and names.get("15") == "内蒙古自治区"
    march = [f for f in plan.facts if MARCH_START <= f[3] < MARCH_END]
    assert body["totals"]["hires"] == sum(1 for f in march if f[0] == "hired") > 0
    assert body["totals"]["applications"] == sum(1 for f in march if f[0] == "applied")
    across = sum(c["hired"] for (o, d), c in plan.flows(MARCH_START, MARCH_END, 2).items() if o != d)
    assert body["totals"]["across_regions"]["hires"] == across

    city = harness.get("/v1/market/flows", period="2026-03", depth=2).json()
    assert _as_table(city) == _expected_table(plan.flows(MARCH_START, MARCH_END, 4))
    welders = harness.get("/v1/market/flows", period="2026-03", occupation="6-18-02-04", level="technician").json()
    assert _as_table(welders) == _expected_table(plan.flows(MARCH_START, MARCH_END, 2, "6-18-02-04", "technician"))
    february = harness.get("/v1/market/flows", period="2026-02").json()
    assert _as_table(february) == _expected_table(plan.flows(FEB_START, MARCH_START, 2))
    assert harness.get("/v1/market/flows", period="2026-03", limit=2).json()["items"] == body["items"][:2]


def test_flows_and_outcomes_refuse_bad_queries_by_field(harness):  # noqa: F811
    for params, field_name in (({"period": "2030-01"}, "query.period"), ({"depth": 3}, "query.depth"),
                               ({"level": "wizard"}, "query.level"), ({"occupation": "9-99-99-99"}, "query.occupation"),
                               ({"period": "2026-13"}, "query.period")):
        answer = harness.get("/v1/market/flows", **params)
        assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["errors"][0]["field"] == field_name, (params, answer.json())
    assert harness.get("/v1/market/flows", headers=None).status_code == 401
    assert harness.get("/v1/market/outcomes", headers=None).status_code == 401
    assert harness.get("/v1/market/outcomes", period="2026-W60").status_code == 422
    assert harness.get("/v1/market/outcomes/ranking-variants").status_code == 403  # admins only


def _bucket(rank: int) -> str:
    for label, low, high in (("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4-5", 4, 5), ("6-10", 6, 10),
                             ("11-20", 11, 20)):
        if low <= rank <= high:
            return label
    return "21+"


def test_outcomes_count_the_period_time_to_first_hire_and_hire_rate_by_rank(harness):  # noqa: F811
    plan = _seed(harness, random.Random(5))
    march = [f for f in plan.facts if MARCH_START <= f[3] < MARCH_END]
    hired_pairs = {(w, p) for fact, w, p, _ in plan.facts if fact == "hired"}
    # candidates answers under two ranking variants: a shuffled list per posting, some shown twice
    rnd = random.Random(9)
    default, skills_first = Weights(), Weights(skills=0.6)
    shown: dict[tuple[str, str, str], int] = {}
    fingerprints = {}
    for weights, label in ((default, "default"), (skills_first, "skills")):
        for p in plan.postings:
            for _ in range(2):
                order = rnd.sample(sorted(plan.workers), 12)
                harness.market.shown.record(p, order, weights)
                for rank, w in enumerate(order, start=1):
                    key = (label, p, w)
                    shown[key] = min(shown.get(key, 99), rank)
        fingerprints[label] = None
    assert harness.market.shown.flush() > 0
    body = harness.get("/v1/market/outcomes", period="2026-03").json()
    count = Counter(f[0] for f in march)
    assert (body["invitations"], body["invitations_accepted"], body["applications"], body["shortlists"], body["hires"]) \
        == (count["invited"], count["accepted"], count["applied"], count["shortlisted"], count["hired"])
    assert body["matches"] == len({(w, p) for fact, w, p, _ in march if fact == "shown"})

    first: dict[str, dt.datetime] = {}
    for fact, _, p, at in plan.facts:
        if fact == "hired" and (p not in first or at < first[p]):
            first[p] = at
    days = [(at - plan.postings[p]["created_at"]).total_seconds() / 86400 for p, at in first.items()
            if MARCH_START <= at < MARCH_END]
    assert days, "the plan hires someone in March"
    assert body["time_to_first_hire"] == {"postings": len(days), "median_days": round(statistics.median(days), 1),
                                          "mean_days": round(statistics.fmean(days), 1)}

    per_bucket: dict[str, list[int]] = {}
    for (_, p, w), rank in shown.items():
        entry = per_bucket.setdefault(_bucket(rank), [0, 0])
        entry[0] += 1
        entry[1] += (w, p) in hired_pairs
    got = {b["rank"]: b for b in body["hire_rate_by_rank"]}
    for label, (n, hires) in per_bucket.items():
        assert (got[label]["shown"], got[label]["hires"]) == (n, hires)
        assert got[label]["hire_rate"] == pytest.approx(round(hires / n, 4))
    assert got["21+"]["shown"] == 0 and got["21+"]["hire_rate"] is None
    total_hired = sum(1 for (_, p, w) in shown if (w, p) in hired_pairs)
    assert body["shown"] == {"pairs": len(shown), "hires": total_hired, "hire_rate": round(total_hired / len(shown), 4)}

    variants = harness.get("/v1/market/outcomes/ranking-variants", headers=ADMIN, period="2026-03").json()["variants"]
    assert len(variants) == 2
    by_weights = {v["weights"]["skills"] > 0.4: v for v in variants}
    for label, wants_skills in (("default", False), ("skills", True)):
        mine = {k: r for k, r in shown.items() if k[0] == label}
        hires = [r for (_, p, w), r in mine.items() if (w, p) in hired_pairs]
        variant = by_weights[wants_skills]
        assert (variant["shown"], variant["hires"]) == (len(mine), len(hires))
        assert variant["hire_rate"] == pytest.approx(round(len(hires) / len(mine), 4))
        top3 = [(k, r) for k, r in mine.items() if r <= 3]
        assert variant["top3_hire_rate"] == pytest.approx(
            round(sum(1 for (k, _) in top3 if (k[2], k[1]) in hired_pairs) / len(top3), 4))
        assert variant["mean_rank_of_hires"] == (pytest.approx(round(statistics.fmean(hires), 2)) if hires else None)


def test_erasure_keeps_the_flow_but_forgets_the_worker_and_shown_lists_are_swept(harness):  # noqa: F811
    plan = _seed(harness, random.Random(23))
    harness.market.shown.record("p-0", ["w-1", "w-2", "w-3"], Weights())
    harness.market.shown.flush()
    before = harness.get("/v1/market/flows", period="2026-03").json()
    harness.send(worker_erased("w-1", 2))
    after = harness.get("/v1/market/flows", period="2026-03").json()
    assert after["items"] == before["items"] and after["totals"] == before["totals"]
    engine = harness.runtime.engine
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(market_engagements)
                            .where(market_engagements.c.worker_id == "w-1")).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(market_shown)
                            .where(market_shown.c.worker_id == "w-1")).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(market_shown)).scalar() == 2
        keys = [k for (k,) in conn.execute(sa.select(market_engagements.c.key))]
    assert keys and not any("w-1" in k for k in keys)  # keys name no worker
    assert sum(1 for f in plan.facts if f[1] == "w-1") > 0  # w-1 did have facts
    swept = harness.market.shown.sweep(harness.clock.now + dt.timedelta(days=181))
    assert swept == 2
    assert harness.market.shown.sweep(harness.clock.now + dt.timedelta(days=181)) == 0


def test_a_report_carries_the_periods_flows_and_outcomes(harness):  # noqa: F811
    _seed(harness, random.Random(31))
    report = harness.client.post("/v1/market/reports", headers=ADMIN).json()
    assert report["period"] == "2026-03"
    live = harness.get("/v1/market/flows", period="2026-03", limit=20).json()
    assert report["flows"]["items"] == live["items"] and report["flows"]["totals"] == live["totals"]
    city = harness.get("/v1/market/flows", period="2026-03", depth=2, limit=20).json()
    assert report["flows_city"]["items"] == city["items"]
    assert report["outcomes"] == harness.get("/v1/market/outcomes", period="2026-03").json()
    stored = harness.get(f"/v1/market/reports/{report['id']}", headers=None).json()
    assert stored["outcomes"]["hires"] == report["outcomes"]["hires"] > 0


def test_the_scheduled_report_of_a_period_with_only_engagements_is_published(harness):  # noqa: F811
    scheduler = harness.market.scheduler
    assert scheduler.run_once(dt.datetime(2026, 3, 1, 1, tzinfo=UTC)) is None  # nothing at all: no report
    harness.send(_event("invitation.sent", events.InvitationSent(
        id="i-x", posting_id="p-x", org_id="org-1", worker_id="w-x", expires_at=FEBRUARY + dt.timedelta(days=7),
        sent_at=FEBRUARY), "p-x"))
    meta = scheduler.run_once(dt.datetime(2026, 3, 1, 1, tzinfo=UTC))
    assert meta is not None and meta.period == "2026-02"
    report = harness.get(f"/v1/market/reports/{meta.id}", headers=None).json()
    assert report["outcomes"]["invitations"] == 1 and report["flows"]["totals"]["unknown_region"] == 1


def test_a_fact_that_arrives_before_its_worker_and_posting_is_placed_once_they_are_known(harness):  # noqa: F811
    harness.send(_event("application.submitted", events.ApplicationSubmitted(
        id="a-early", posting_id="p-late", org_id="org-1", worker_id="w-late", status="submitted",
        submitted_at=MARCH), "p-late"))
    early = harness.get("/v1/market/flows", period="2026-03").json()
    assert early["items"] == [] and early["totals"]["unknown_region"] == 1
    harness.send(worker_event("w-late", region="440305"), posting_event("p-late", region="150602"))
    late = harness.get("/v1/market/flows", period="2026-03", depth=2).json()
    assert [(i["from"], i["to"], i["applications"]) for i in late["items"]] == [("4403", "1506", 1)]
    assert late["totals"]["unknown_region"] == 0
    report = harness.client.post("/v1/market/reports", headers=ADMIN).json()
    assert [(i["from"], i["to"], i["applications"]) for i in report["flows"]["items"]] == [("44", "15", 1)]


def test_the_engagements_consumer_commits_what_it_skips(harness):  # noqa: F811
    """A declined invitation or a rejection is no fact, but the group moves past it (no lag left)."""
    h = harness
    skipped = [
        _event("invitation.answered", events.InvitationAnswered(
            id="i-x", posting_id="p-x", org_id="org-1", worker_id="w-x", answer="declined", answered_at=MARCH), "p-x"),
        _event("application.updated", events.ApplicationUpdated(
            id="a-x", posting_id="p-x", org_id="org-1", worker_id="w-x", status="rejected",
            previous_status="submitted", updated_at=MARCH), "p-x"),
    ]
    h.send(*skipped)
    assert h.market.engagements.lag_by_topic().get(events.ENGAGEMENTS) == 0
    with h.runtime.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(market_engagements)).scalar() == 0
