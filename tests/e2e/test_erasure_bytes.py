"""Erasure down to the last byte (DESIGN §6): after DELETE and a clean stop, no file holds the person.

The embedded system runs as `talentflow up` does, with the local log compacting every 2 s. Two
people with distinctive data go through everything that keeps a copy: one registers itself (with
an Idempotency-Key, so the first answer is cached), edits its profile (several `worker.upserted`
in the log), applies with a message, is shortlisted (a notification and an e-mail to its address,
which cannot be sent: it waits in the store) and is seen by the employer's webhook; the other comes
in through an agency's bulk import (an upload spooled to disk) and is invited with a message
that names them (the applicant's message gives its phone number, as people do). A
third person, never erased, is the control: the same search must find them, so a miss proves
nothing is left rather than that the search cannot see. Both are erased, the local log compacts,
the system stops on SIGINT, and every file under the data folder is searched for each name, phone,
e-mail and certificate number, as UTF-8, UTF-16, GB18030, JSON-escaped and base64 text (also once
before the stop: the WALs are checkpointed after each erasure).
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import signal
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.system import eventually, running_system
from tests.fixtures.infra import free_port

pytestmark = pytest.mark.e2e

COMPACT_INTERVAL_S = 2.0


def person(name: str, phone: str, email: str, certificate: str, **extra: object) -> dict:
    return {
        "name": name,
        "contact": {"phone": phone, "email": email},
        "region": "150602",
        "location": {"lat": 39.817, "lon": 109.993},
        "occupations": [{"code": "6-18-02-04", "name": "焊工"}],
        "skill_level": "technician",
        "skills": [{"name": "氩弧焊", "proficiency": 5, "years": 12}],
        "certificates": [{"occupation": "焊工", "level": "technician", "number": certificate,
                          "issuer": "内蒙古职业技能鉴定中心", "issued_on": "2019-06-01", "verified": False}],
        "experience_years": 15,
        "availability": {"modes": ["project", "part_time"], "hours_per_week": 16, "available_from": "2026-12-01"},
        "wage_expectation": {"min": 300, "max": 500, "unit": "day"},
        "open_regions": ["1506"],
        "consent": {"matching": True, "share_contact": True},
        "status": "active",
        **extra,
    }


SELF = person("蔺翠翘", "13957219364", "cuiqiao.lin.e2e@example.org", "7731946028551")
IMPORTED = person("邬瑾瑜", "15862047193", "jinyu.wu.e2e@example.org", "6620583914476",
                  consent={"matching": True, "share_contact": False})  # only the person gives that consent
CONTROL = person("宓晨阳", "18733920416", "chenyang.mi.e2e@example.org", "5518204739962")
POSTING = {
    "kind": "project",
    "title": "压力容器焊接修复",
    "description": "承压设备裂纹修复，需氩弧焊打底",
    "occupation": {"code": "6-18-02-04", "name": "焊工"},
    "skills": [{"name": "氩弧焊", "min_proficiency": 4, "required": True}],
    "min_skill_level": "senior",
    "certificates": [],
    "headcount": 2,
    "wage": {"min": 400, "max": 800, "unit": "day"},
    "region": "150602",
    "remote_ok": False,
    "start_on": "2027-01-15",
    "duration_days": 60,
    "deadline": "2027-01-10",
    "status": "open",
}


def needles(profile: dict) -> dict[str, str]:
    return {"name": profile["name"], "phone": profile["contact"]["phone"], "email": profile["contact"]["email"],
            "certificate number": profile["certificates"][0]["number"]}


def base64_forms(data: bytes) -> set[bytes]:
    """`data` inside any base64 text (the idempotency cache keeps bodies so): one form per alignment,
    the characters that depend on `data` alone, in the standard and the URL-safe alphabet."""
    forms = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data)
        core = encoded[(8 * shift + 5) // 6 : (8 * (shift + len(data))) // 6]
        forms |= {core, core.replace(b"+", b"-").replace(b"/", b"_")}
    return forms


def encodings(text: str) -> set[bytes]:
    """The byte forms a text can take in a file: UTF-8, UTF-16 either way, GB18030, JSON \\u escapes,
    and base64 of the UTF-8 and escaped forms."""
    escaped = json.dumps(text)[1:-1]
    plain = {text.encode("utf-8"), escaped.encode(), escaped.upper().replace("\\U", "\\u").encode()}
    forms = plain | {text.encode("utf-16-le"), text.encode("utf-16-be"), text.encode("gb18030")}
    for form in plain:
        forms |= base64_forms(form)
    return forms


def files_holding(folder: Path, text: str) -> list[str]:
    forms = encodings(text)
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            content = path.read_bytes()
            if any(form in content for form in forms):
                found.append(str(path.relative_to(folder)))
    return found


class WebhookSink(http.server.ThreadingHTTPServer):
    """An employer's webhook endpoint on loopback: answers 204 and keeps the bodies it got."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 — the stdlib's name
                sink.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)


@contextlib.contextmanager
def webhook_sink() -> Iterator[WebhookSink]:
    sink = WebhookSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.shutdown()
        sink.server_close()


def upserts_left(events_db: Path, worker_id: str) -> list[str]:
    """The types of the records the local log still holds for a worker (read-only, while it runs)."""
    with contextlib.closing(sqlite3.connect(f"file:{events_db}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            "SELECT r.headers FROM records r JOIN partitions p ON r.id >> 40 = p.pid "
            "WHERE p.topic = 'talentflow.workers' AND r.key = ?", (worker_id,)
        ).fetchall()
    return [json.loads(headers or "{}").get("ce_type", "") for (headers,) in rows]


def test_no_file_under_the_data_folder_holds_an_erased_person_after_a_clean_stop(tmp_path: Path) -> None:
    home = tmp_path / "var"
    smtp_nowhere = free_port()  # nothing listens: e-mails wait in the store, bodies and all
    env = {
        "TALENTFLOW_LOG_COMPACT_INTERVAL_S": str(COMPACT_INTERVAL_S),
        "NOTIFY_SMTP_HOST": "127.0.0.1",
        "NOTIFY_SMTP_PORT": str(smtp_nowhere),
        "NOTIFY_DISPATCH_POLL_S": "0.2",
    }
    suffix = uuid.uuid4().hex[:8]
    self_id, control_id, agency_org, employer_org = f"w-self-{suffix}", f"w-ctrl-{suffix}", f"ag-{suffix}", f"emp-{suffix}"
    with webhook_sink() as sink, running_system(str(home), env) as system, httpx.Client(timeout=15) as http:
        urls = system.urls

        def auth(token: str, **more: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {token}", **more}

        worker = system.token("worker", self_id)
        control = system.token("worker", control_id)
        agency = system.token("agency", agency_org, org=agency_org)
        employer = system.token("employer", f"hr-{suffix}", org=employer_org)

        # The person registers (Idempotency-Key: the first answer is kept for replays) and edits twice.
        created = http.post(urls["profiles"] + "/v1/workers", json=SELF, headers=auth(worker, **{"Idempotency-Key": f"reg-{suffix}"}))
        assert created.status_code == 201, created.text
        for hours in (20, 24):
            current = http.get(f"{urls['profiles']}/v1/workers/{self_id}", headers=auth(worker)).json()
            edited = http.patch(f"{urls['profiles']}/v1/workers/{self_id}", json={"availability": {**SELF["availability"], "hours_per_week": hours}},
                                headers=auth(worker, **{"If-Match": f'"{current["version"]}"'}))
            assert edited.status_code == 200, edited.text
        assert http.post(urls["profiles"] + "/v1/workers", json=CONTROL, headers=auth(control)).status_code == 201
        assert http.put(urls["notify"] + "/v1/preferences", json={"email": SELF["contact"]["email"]}, headers=auth(worker)).status_code == 200

        # The agency imports the other person: the upload is spooled to disk, then written in the background.
        upload = json.dumps({**IMPORTED, "agency_id": agency_org}, ensure_ascii=False).encode() + b"\n"
        job = http.post(urls["profiles"] + "/v1/workers/import", content=upload,
                        headers=auth(agency, **{"Content-Type": "application/x-ndjson", "Idempotency-Key": f"imp-{suffix}"}))
        assert job.status_code == 202, job.text
        done = eventually(lambda: (r := http.get(urls["profiles"] + job.headers["Location"], headers=auth(agency)).json())
                          .get("status") in ("done", "failed") and r, 60, what="the import")
        [row] = done["results"]["items"]
        assert (done["status"], row["outcome"]) == ("done", "created"), row
        imported_id = row["worker_id"]

        # The employer posts, subscribes a webhook; the person applies with a message and is shortlisted;
        # the imported person is invited with a message.
        assert http.post(urls["notify"] + "/v1/subscriptions", json={"url": f"http://127.0.0.1:{sink.server_port}/hook", "event_types": ["*"]},
                         headers=auth(employer)).status_code == 201
        posting = http.post(urls["jobs"] + "/v1/postings", json=POSTING, headers=auth(employer, **{"Idempotency-Key": f"post-{suffix}"}))
        assert posting.status_code == 201, posting.text
        posting_id = posting.json()["id"]
        applied = http.post(f"{urls['jobs']}/v1/postings/{posting_id}/applications", json={"message": f"您好，我有十二年氩弧焊经验，电话 {SELF['contact']['phone']}。"},
                            headers=auth(worker, **{"Idempotency-Key": f"apply-{suffix}"}))
        assert applied.status_code == 201, applied.text
        moved = http.patch(f"{urls['jobs']}/v1/postings/{posting_id}/applications/{applied.json()['id']}", json={"status": "shortlisted"},
                           headers=auth(employer))
        assert moved.status_code == 200, moved.text
        invited = http.post(f"{urls['jobs']}/v1/postings/{posting_id}/invitations", json={"worker_id": imported_id, "message": f"{IMPORTED['name']}师傅您好，诚邀参与项目。"},
                            headers=auth(employer, **{"Idempotency-Key": f"inv-{suffix}"}))
        assert invited.status_code == 201, invited.text

        # Everything has travelled: indexed, notified, delivered.
        def candidates() -> set[str]:
            r = http.get(f"{urls['matching']}/v1/postings/{posting_id}/candidates?limit=50", headers=auth(employer))
            return {hit["worker_id"] for hit in r.json().get("items", [])} if r.status_code == 200 else set()

        eventually(lambda: {self_id, imported_id, control_id} <= candidates(), 60, what="all three indexed")
        eventually(lambda: http.get(urls["notify"] + "/v1/inbox", headers=auth(worker)).json().get("items"), 60, what="the shortlist notice")
        eventually(lambda: sink.bodies, 60, what="a webhook delivery")
        for profile in (SELF, IMPORTED):
            for what, text in needles(profile).items():
                print(f"before erasure, {profile['name']}'s {what} is in {files_holding(home, text)}")
            assert files_holding(home, profile["name"]), "the search cannot see the person even before erasure"

        # Erasure: by the person, and by the agency for the person it manages.
        started = time.monotonic()
        assert http.delete(f"{urls['profiles']}/v1/workers/{self_id}", headers=auth(worker)).status_code == 204
        assert http.delete(f"{urls['profiles']}/v1/workers/{imported_id}", headers=auth(agency)).status_code == 204
        events_db = home / "events.db"
        eventually(lambda: upserts_left(events_db, self_id) == ["worker.erased"] and upserts_left(events_db, imported_id) == ["worker.erased"],
                   60, 0.05, what="compaction to leave only the tombstones")
        compacted_after_s = time.monotonic() - started
        print(f"local log compacted {compacted_after_s:.2f}s after the DELETE")
        assert compacted_after_s < 30, f"compaction took {compacted_after_s:.1f}s with a {COMPACT_INTERVAL_S}s interval"

        eventually(lambda: not {self_id, imported_id} & candidates() and control_id in candidates(), 60, what="erased from the index")
        eventually(lambda: http.get(urls["notify"] + "/v1/inbox", headers=auth(worker)).json().get("items") == [], 60,
                   what="the inbox emptied")
        eventually(lambda: [a for a in http.get(f"{urls['jobs']}/v1/postings/{posting_id}/applications", headers=auth(employer)).json()["items"]
                            if a.get("worker_id") == self_id] == [], 60, what="the application erased")
        # While it still runs, too: the erasures checkpointed the stores' and key-value files' WALs.
        eventually(lambda: not any(files_holding(home, text) for profile in (SELF, IMPORTED) for text in needles(profile).values()),
                   30, 0.5, what="no file to hold the erased people while the system runs")

        system.proc.send_signal(signal.SIGINT)
        assert system.proc.wait(60) == 0

    leftovers = {
        f"{who} {what}": files_holding(home, text)
        for who, profile in (("self-registered", SELF), ("imported", IMPORTED))
        for what, text in needles(profile).items()
    }
    assert {k: v for k, v in leftovers.items() if v} == {}
    # The control was never erased: the same search finds every piece of it, so a miss above is real.
    for what, text in needles(CONTROL).items():
        assert files_holding(home, text), f"the control's {what} is nowhere: the search is blind"
