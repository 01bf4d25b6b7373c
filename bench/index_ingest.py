"""Micro-benchmark of the embedded search index (TantivyIndex): ingest, freshness, search, memory.

    .venv/bin/python bench/index_ingest.py --docs 200000 [--queries 1000] [--path DIR] [--profile P]

1. ingest: N synthetic worker documents (shaped like the matching service's IndexDocs: keywords,
   Chinese text, numbers, a masked source) in batches of 1,000, as the consumer would write them,
   then one refresh; reports documents a second.
2. event-to-searchable: single-document upserts during a background write load, each timed until
   a search finds it (no refresh() call: the near-real-time commit does it); p50/p99.
3. search: a typical candidates query (hard filters + text + boost terms, 300 deep), p50/p99.
4. memory: the process's RSS and peak RSS (VmHWM) after all of it.

Two data profiles: `trades` (default) spreads workers over the 670 production trades of the
national classification with a Zipf share (the commonest trade ~10 %, as welders or electricians
are), each trade with its own skills; `dense` draws every worker from 8 trades and 30 skills, so a
query's words match a third of the index — a worst case for filtered retrieval.

Figures are printed as one JSON object; nothing here is asserted (see DESIGN §7 for targets).
Wall-clock figures suffer on a shared machine; the CPU figures (process CPU time, all threads) show
what the work itself costs.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.matching.index.tantivy import TantivyIndex  # noqa: E402
from services.matching.index import AnyOf, IndexDoc, Kind, Range, SearchQuery, Terms  # noqa: E402

SKILLS = [
    "氩弧焊", "压力容器焊接", "二氧化碳保护焊", "管道焊接", "数控车床", "数控铣床", "加工中心编程", "PLC编程",
    "高压电工作业", "低压电工作业", "工业机器人运维", "电梯安装维修", "钳工装配", "模具设计", "汽车维修",
    "起重机操作", "化工总控", "锅炉操作", "制冷空调维修", "电气自动化", "液压系统维修", "无损检测",
    "焊接工艺评定", "机械制图", "设备点检", "仪器仪表维修", "中式烹调", "茶艺", "美容美发", "砌筑",
]
OCCUPATIONS = [
    ("6-18-02-04", "焊工"), ("6-18-01-01", "车工"), ("6-31-01-03", "电工"), ("6-20-03-02", "工业机器人系统运维员"),
    ("6-18-01-02", "铣工"), ("6-11-01-01", "化工总控工"), ("6-29-01-03", "钳工"), ("4-03-02-01", "中式烹调师"),
]
AWARDS = ["全国职业院校技能大赛", "全国技术能手", "省级技术比武", "市级职业技能竞赛", "企业技能比武"]
ACHIEVEMENT_PARTS = ["管道", "焊接", "定位", "装置", "数控", "夹具", "改进", "工艺", "检测", "方法", "节能", "系统"]
CITIES = ["1506", "1502", "1501", "3205", "3201", "4403", "4401", "1101", "3101", "5101"]
MODES = ["full_time", "part_time", "project", "remote_service"]


class Trades:
    """The `trades` profile: production trades with Zipf shares, each with its own skills."""

    def __init__(self) -> None:
        from services.common import taxonomy

        entries = sorted(
            (e for e in taxonomy.occupations().values() if e.level == "occupation" and e.code.startswith("6-")),
            key=lambda e: e.code,
        )
        shuffle = random.Random(3)
        shuffle.shuffle(entries)
        self.trades = [(e.code, e.name) for e in entries]
        self.weights = [1 / (rank + 1) for rank in range(len(self.trades))]
        self.skills = {
            code: [name, f"{name}操作", f"{name}维修", *shuffle.sample(SKILLS, 2)] for code, name in self.trades
        }

    def pick(self, rng: random.Random) -> tuple[str, str, list[str]]:
        code, name = rng.choices(self.trades, weights=self.weights)[0]
        return code, name, self.skills[code]


PROFILE: dict[str, Trades | None] = {"trades": None}


def pick_trade(rng: random.Random) -> tuple[str, str, list[str]]:
    trades = PROFILE.get("trades")
    if trades is None:  # dense
        code, trade = rng.choice(OCCUPATIONS)
        return code, trade, SKILLS
    return trades.pick(rng)


def synthetic_worker(n: int, rng: random.Random) -> IndexDoc:
    code, trade, trade_skills = pick_trade(rng)
    skills = rng.sample(trade_skills, rng.randint(1, min(4, len(trade_skills))))
    parts = code.split("-")
    occupations = ["-".join(parts[: i + 1]) for i in range(len(parts))]
    city = rng.choice(CITIES)
    region = f"{city}{rng.randint(1, 30):02d}"
    achievement = "一种" + "".join(rng.sample(ACHIEVEMENT_PARTS, 4))
    award = rng.choice(AWARDS)
    text = " ".join([*skills, trade, f"{trade}证", award, achievement])
    level = rng.randint(1, 8)
    modes = rng.sample(MODES, rng.randint(1, 3))
    doc_id = f"w-{n:08d}"
    return IndexDoc(
        id=doc_id,
        version=1,
        fields={
            "matchable": rng.random() < 0.9,
            "level": level,
            "modes": modes,
            "region": region,
            "city": city,
            "province": city[:2],
            "open_regions": rng.sample(CITIES, rng.randint(0, 2)),
            "skills": skills,
            "occupations": occupations,
            "agency_id": None if rng.random() < 0.7 else f"agency-{rng.randint(1, 50)}",
            "text": text,
            "experience": float(rng.randint(0, 35)),
            "wage_month": float(rng.randint(40, 250) * 100),
            "updated": 1_700_000_000 + n,
        },
        source={
            "id": doc_id,
            "name": "王**",
            "region": region,
            "occupations": [{"code": code, "name": trade}],
            "skill_level": level,
            "skills": [{"name": s, "proficiency": rng.randint(1, 5), "years": rng.randint(0, 20)} for s in skills],
            "experience_years": rng.randint(0, 35),
            "availability": {"modes": modes},
        },
    )


def candidates_query(rng: random.Random) -> SearchQuery:
    _, trade, trade_skills = pick_trade(rng)
    skill = rng.choice(trade_skills)
    city = rng.choice(CITIES)
    return SearchQuery(
        filters=(
            Terms("matchable", (True,)),
            Range("level", gte=rng.randint(3, 6)),
            Terms("modes", ("project", "part_time")),
            AnyOf((Terms("city", (city,)), Terms("open_regions", (city, city[:2])), Terms("modes", ("remote_service",)))),
        ),
        text=f"{skill} {trade}",
        boost_terms=(("skills", skill),),
        require_relevance=True,
        limit=300,
    )


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb() -> tuple[float, float]:
    status = Path("/proc/self/status").read_text()
    values = {line.split(":")[0]: int(line.split()[1]) for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))}
    return values["VmRSS"] / 1024, values["VmHWM"] / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--freshness-samples", type=int, default=200)
    parser.add_argument("--path", type=Path, default=None, help="index folder (default: a temporary one)")
    parser.add_argument("--profile", choices=["trades", "dense"], default="trades")
    args = parser.parse_args()
    PROFILE["trades"] = Trades() if args.profile == "trades" else None

    rng = random.Random(7)
    folder = args.path or Path(tempfile.mkdtemp(prefix="tf-bench-index-"))
    index = TantivyIndex(folder)
    # Documents are made a batch at a time (not timed) so the corpus is never all in memory.
    ingest_s = 0.0
    cpu_started = time.process_time()
    for start in range(0, args.docs, args.batch):
        batch = [synthetic_worker(n, rng) for n in range(start, min(start + args.batch, args.docs))]
        began = time.perf_counter()
        index.upsert(Kind.workers, batch)
        ingest_s += time.perf_counter() - began
    began = time.perf_counter()
    index.refresh()
    ingest_s += time.perf_counter() - began
    ingest_cpu_s = time.process_time() - cpu_started  # all threads: ours, jieba's, tantivy's
    assert index.count(Kind.workers) == args.docs

    # Freshness under load: a background writer keeps replacing documents while we time singles.
    stop = threading.Event()

    def background_load() -> None:
        load_rng = random.Random(11)
        version = 2
        while not stop.is_set():
            batch = [synthetic_worker(load_rng.randrange(args.docs), load_rng) for _ in range(200)]
            index.upsert(Kind.workers, [IndexDoc(d.id, version, d.fields, d.source) for d in batch])
            version += 1
            time.sleep(0.01)

    loader = threading.Thread(target=background_load, daemon=True)
    loader.start()
    freshness: list[float] = []
    for n in range(args.freshness_samples):
        doc = synthetic_worker(args.docs + n, rng)
        probe = SearchQuery(filters=(Terms("id", (doc.id,)),), limit=1)
        written = time.perf_counter()
        index.upsert(Kind.workers, [doc])
        while not index.search(Kind.workers, probe):
            time.sleep(0.002)
        freshness.append(time.perf_counter() - written)
    stop.set()
    loader.join()
    index.refresh()

    latencies: list[float] = []
    hit_counts: list[int] = []
    cpu_started = time.thread_time()  # this thread only: background merges are not the query's
    for _ in range(args.queries):
        query = candidates_query(rng)
        began = time.perf_counter()
        hits = index.search(Kind.workers, query)
        latencies.append(time.perf_counter() - began)
        hit_counts.append(len(hits))
    search_cpu_ms = (time.thread_time() - cpu_started) / args.queries * 1000

    rss, peak = rss_mb()
    report = {
        "docs": args.docs,
        "profile": args.profile,
        "batch": args.batch,
        "ingest_docs_per_s": round(args.docs / ingest_s),
        "ingest_s": round(ingest_s, 2),
        # CPU seconds used (all threads) per document, so a busy shared machine can be read through.
        "ingest_cpu_us_per_doc": round(ingest_cpu_s / args.docs * 1e6, 1),
        "event_to_searchable_ms": {
            "p50": round(statistics.median(freshness) * 1000, 1),
            "p99": round(percentile(freshness, 0.99) * 1000, 1),
        },
        "search_ms": {
            "queries": args.queries,
            "p50": round(statistics.median(latencies) * 1000, 2),
            "p99": round(percentile(latencies, 0.99) * 1000, 2),
            "mean_cpu_ms": round(search_cpu_ms, 2),
            "mean_hits": round(statistics.mean(hit_counts), 1),
        },
        "rss_mb": round(rss),
        "peak_rss_mb": round(peak),
        "index_mb_on_disk": round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20),
    }
    index.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
