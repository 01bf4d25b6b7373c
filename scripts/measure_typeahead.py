"""Typeahead latency of the taxonomy (uncached): p50, p95 and max over a fixed set of queries.

    .venv/bin/python scripts/measure_typeahead.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.matching.vocabulary import taxonomy  # noqa: E402

QUERIES = ["hg", "焊", "焊工", "电工", "dg", "维修", "6-31", "6-18-02-04", "cnc", "qzj", "数控", "叉车", "gl",
           "化工", "zh", "hangong", "钳工", "起重", "tdsj", "汽修", "ev", "plc", "氩弧", "锅炉", "工"]


def main() -> int:
    taxonomy.vocabulary()
    taxonomy.suggest_occupations("warm-up", 10)
    timings = {"occupations": [], "skills": []}
    for _ in range(20):
        for q in QUERIES:
            for kind, fn, cached in (("occupations", taxonomy.suggest_occupations, taxonomy._suggest_occupations),
                                     ("skills", taxonomy.suggest_skills, taxonomy._suggest_skills)):
                cached.cache_clear()
                start = time.perf_counter()
                fn(q, 10)
                timings[kind].append((time.perf_counter() - start) * 1000)
    for kind, values in timings.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{kind}: n={len(values)} p50={statistics.median(values):.3f} ms p95={p95:.3f} ms max={values[-1]:.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
