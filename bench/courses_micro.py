"""Micro-benchmark of courses in matching: course ingest, course search and growth paths, in process.

    .venv/bin/python -m bench.courses_micro [--courses 20000] [--postings 5000] [--queries 200]

Indexes N generated courses (skills from a dozen trades, three modes, seven regions, four levels)
and M postings into an embedded tantivy index through `handlers.apply_to_index` (2,000 events a
batch), then times what the routes do after auth: `growth_path` with and without a posting (gaps,
two counts of open postings, one course search, the formula over up to 200 courses) and
`search_courses` by skill + region and by text. Prints p50/p99 wall time and the load average
before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time

from services.matching import handlers
from services.matching.courses import handlers as courses
from services.matching.courses.domain import CourseSearch
from services.matching.index.tantivy import TantivyIndex
from tests.fakes_courses import TODAY, course_data, course_upserted
from tests.fakes_search import posting_data, posting_upserted, worker_data

SKILLS = ["氩弧焊", "TIG焊", "压力容器焊接", "二保焊", "低压电工", "PLC编程", "叉车驾驶", "数控编程", "钳工装配", "管道焊接",
          "焊缝返修", "高处作业"]
REGIONS = ["150602", "150603", "150202", "110101", "440305", "320102", "510104"]


def _events(n_courses: int, n_postings: int) -> list:
    rng = random.Random(1)
    events = [course_upserted(course_data(
        f"c-{i}", title=f"培训班{i}",
        skills=[{"name": rng.choice(SKILLS), "proficiency": rng.randint(2, 5)} for _ in range(2)],
        mode=rng.choice(["onsite", "remote", "blended"]), region=rng.choice(REGIONS),
        prepares_for_level=rng.choice([None, "senior", "technician", "intermediate"]),
        start_on=(TODAY + dt.timedelta(days=rng.randint(1, 120))).isoformat(),
        end_on=(TODAY + dt.timedelta(days=130)).isoformat())) for i in range(n_courses)]
    events += [posting_upserted(posting_data(f"p-{i}", min_skill_level=rng.choice(["junior", "senior", "technician"]),
                                             region=rng.choice(REGIONS))) for i in range(n_postings)]
    return events


def _timed(call, n: int) -> str:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return f"p50 {samples[len(samples) // 2]:.1f} ms, p99 {samples[max(0, int(len(samples) * 0.99) - 1)]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=20_000)
    parser.add_argument("--postings", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}")
    events = _events(args.courses, args.postings)
    with tempfile.TemporaryDirectory(prefix="talentflow-courses-bench-") as folder:
        index = TantivyIndex(folder)
        try:
            start = time.perf_counter()
            for first in range(0, len(events), 2000):
                handlers.apply_to_index(index, events[first:first + 2000])
            print(f"ingest of {len(events)} events: {time.perf_counter() - start:.1f} s")
            now = dt.datetime.now(dt.UTC)
            worker = worker_data(skill_level="senior", skills=[{"name": "焊条电弧焊", "proficiency": 4, "years": 5}],
                                 open_regions=["1502"])
            posting = posting_data(min_skill_level="technician")
            print("growth with a posting:", _timed(lambda: courses.growth_path(index, worker, posting, now, "zh"), args.queries))
            print("growth, next level:   ", _timed(lambda: courses.growth_path(index, worker, None, now, "zh"), args.queries))
            by_skill = CourseSearch(skills=["氩弧焊"], region="1506")
            print("search skill+region:  ", _timed(lambda: courses.search_courses(index, by_skill, now, "zh"), args.queries))
            by_text = CourseSearch(text="焊接 培训")
            print("search text:          ", _timed(lambda: courses.search_courses(index, by_text, now, "zh"), args.queries))
        finally:
            index.close()
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
