"""How long the embedded local log keeps an erased worker's records: DELETE → its `worker.upserted` gone.

    .venv/bin/python scripts/measure_erasure_compaction.py [erasures]

Starts the embedded system (as `talentflow up`, default settings, a scratch data folder), then for
each erasure registers a worker, waits until its `worker.upserted` is in `events.db`, DELETEs it and
times until only its `worker.erased` tombstone is left. Prints each figure and min/median/max.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.system import eventually, running_system  # noqa: E402
from tests.e2e.test_erasure_bytes import SELF, upserts_left  # noqa: E402


def main(erasures: int = 5) -> None:
    home = Path(tempfile.mkdtemp(prefix="talentflow-measure-")) / "var"
    samples: list[float] = []
    with running_system(str(home)) as system, httpx.Client(timeout=15) as http:
        for n in range(erasures):
            worker_id = f"w-measure-{uuid.uuid4().hex[:8]}"
            headers = {"Authorization": f"Bearer {system.token('worker', worker_id)}"}
            assert http.post(system.urls["profiles"] + "/v1/workers", json=SELF, headers=headers).status_code == 201
            eventually(lambda: upserts_left(home / "events.db", worker_id) == ["worker.upserted"], 30, 0.02)
            started = time.monotonic()
            assert http.delete(f"{system.urls['profiles']}/v1/workers/{worker_id}", headers=headers).status_code == 204
            eventually(lambda: upserts_left(home / "events.db", worker_id) == ["worker.erased"], 300, 0.02)
            samples.append(time.monotonic() - started)
            print(f"erasure {n + 1}: upserts gone {samples[-1]:.2f} s after the DELETE", flush=True)
    print(f"min {min(samples):.2f} s, median {statistics.median(samples):.2f} s, max {max(samples):.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
