"""Acceptance: the system as the README starts it, the README's commands as written, three journeys.

One system for the module: `make run` in a scratch copy of the repository, with the user's shell
environment (no TALENTFLOW_* or engine variable; HOME their own), on the README's ports 8001–8004.
Every call below goes over HTTP as a client's would, with tokens from `talentflow token` as the
README says. Matching and notify are eventually consistent: those steps poll with a bounded wait.

- the README: every shell block runs as written in a fresh `bash` and succeeds (HTTP errors fail);
- a worker: own profile, read, PATCH with If-Match, recommendations, apply with a message, inbox,
  contact consent, erasure, coming back, erasure again (DESIGN §3, §6);
- an employer: a posting with an Idempotency-Key retried under a new token, candidates with
  explanations and masked personal data, invitation, application, shortlist, contact refused
  without the worker's consent and given with it;
- an agency: CSV imports (UTF-8; GBK with Chinese headers), the job polled, the upload retried
  with its key, invitations listed and answered for its workers (its `share_contact` counting only
  once the person recorded that the agency holds their consent), their inbox read, webhooks to a
  local receiver with Standard Webhooks signatures verified (imports announced too);
- after the journeys: no dead letter, every consumer caught up; last, Ctrl-C stops every service,
  no file under ./var (nor the run's output) holds the erased worker, and a second `make run`
  still has the data, accepts the old tokens and answers a retried POST with its first answer.

Checks that do not gate the next step are collected (`Shortfalls`) so that one run lists every
broken promise of a journey; the test still fails at its end if any was found.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
from pathlib import Path

import httpx
import pytest
import standardwebhooks

from services.common.settings import DEFAULT_SIGNING_KEY_FILE
from tests.e2e.as_user import (
    README_PORTS,
    REPO_ROOT,
    WebhookReceiver,
    busy_readme_ports,
    command_blocks,
    is_command_block,
    port_busy_is_fatal,
    readme_blocks,
    run_block,
    runnable_text,
    scratch_clone,
    started_as_readme_says,
    starts_system,
)
from tests.e2e.system import eventually
from tests.fixtures.infra import port_open

pytestmark = pytest.mark.e2e

MATCH_WAIT_S = 60  # event → index → ranking, on a busy shared machine
NOTIFY_WAIT_S = 60
CJK = re.compile(r"[\u4e00-\u9fff]")
MICROSECOND_TIME = re.compile(r"\d{2}:\d{2}:\d{2}\.\d{3,}")


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    busy = busy_readme_ports()
    if busy:
        reason = (f"the README's ports {busy} are in use (another `make run`?): the acceptance suite starts "
                  "the system on 8001-8004 as the README does; stop what listens there")
        if port_busy_is_fatal():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    root = scratch_clone(tmp_path_factory.mktemp("clone"))
    with started_as_readme_says(root) as running:
        yield running


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=20) as client:
        yield client


class Shortfalls:
    """Contract checks that do not gate the next step: recorded, the journey goes on, the test fails at its end.

    A journey stopped at its first shortfall would hide every later one; this way one run lists them all.
    """

    def __init__(self) -> None:
        self.found: list[str] = []

    def check(self, ok: bool, message: str) -> bool:
        if not ok:
            self.found.append(message)
        return ok

    def assert_none(self) -> None:
        assert not self.found, f"{len(self.found)} shortfall(s):\n- " + "\n- ".join(self.found)


@pytest.fixture
def shortfalls():
    found = Shortfalls()
    yield found
    if found.found:  # shown with a failure that stopped the journey before its end
        print("shortfalls recorded before the journey stopped:\n- " + "\n- ".join(found.found))


def soft_eventually(shortfalls: Shortfalls, probe, timeout_s: float, what: str):
    try:
        return eventually(probe, timeout_s, what=what)
    except AssertionError as exc:
        shortfalls.check(False, str(exc))
        return None


# People the journeys erased: after the clean stop at the end, no file of the run may still hold them.
ERASED: list[dict[str, str]] = []


def rid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def phone() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


def welder(name: str, tel: str) -> dict:
    """DESIGN §3's worker as a client writes it: dates kept in the future, the certificate unverified
    (only an agency or admin may mark it verified, docs/profiles.md), no consent to share contact data."""
    today = dt.date.today()
    return {
        "name": name,
        "contact": {"phone": tel, "email": f"{tel}@example.com"},
        "region": "150602",
        "location": {"lat": 39.817, "lon": 109.993},
        "occupations": [{"code": "6-18-02-04", "name": "焊工"}],
        "skill_level": "technician",
        "skills": [{"name": "氩弧焊", "proficiency": 5, "years": 12}, {"name": "压力容器焊接", "proficiency": 4, "years": 8}],
        "certificates": [{"occupation": "焊工", "level": "technician", "number": "19150" + tel[3:], "issuer": "内蒙古职业技能鉴定中心",
                          "issued_on": "2019-06-01", "verified": False}],
        "awards": [{"name": "全国职业院校技能大赛", "tier": "national", "rank": 3, "year": 2023}],
        "achievements": [{"kind": "patent", "title": "一种管道焊接定位装置", "year": 2022}],
        "experience_years": 15,
        "availability": {"modes": ["project", "part_time"], "hours_per_week": 16, "available_from": today.isoformat()},
        "wage_expectation": {"min": 300, "max": 500, "unit": "day"},
        "open_regions": ["1506", "1502"],
        "consent": {"matching": True, "share_contact": False},
        "agency_id": None,
        "status": "active",
    }


def project_posting(title: str = "煤化工压力容器焊接修复技术攻关") -> dict:
    """DESIGN §3's posting as an employer writes it (deadline and start a few weeks ahead)."""
    today = dt.date.today()
    return {
        "kind": "project",
        "title": title,
        "description": "承压设备裂纹修复，需氩弧焊打底，现场作业约两个月",
        "occupation": {"code": "6-18-02-04", "name": "焊工"},
        "skills": [{"name": "氩弧焊", "min_proficiency": 4, "required": True},
                   {"name": "压力容器焊接", "min_proficiency": 3, "required": False}],
        "min_skill_level": "senior",
        "certificates": ["焊工"],
        "headcount": 2,
        "wage": {"min": 400, "max": 800, "unit": "day"},
        "region": "150602",
        "location": {"lat": 39.82, "lon": 110.0},
        "remote_ok": False,
        "start_on": (today + dt.timedelta(days=40)).isoformat(),
        "duration_days": 60,
        "deadline": (today + dt.timedelta(days=30)).isoformat(),
        "status": "open",
    }


def assert_problem(response: httpx.Response, status: int, *patterns: str) -> dict:
    """An RFC 9457 problem with this status whose text matches each regular expression (case-insensitive)."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.text}"
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers["content-type"]
    problem = response.json()
    text = json.dumps(problem, ensure_ascii=False)
    for pattern in patterns:
        assert re.search(pattern, text, re.IGNORECASE), f"the {status} problem does not say {pattern!r}: {problem}"
    return problem


CONSENT_MISSING = r"consent|agree|同意"  # DESIGN §3: the 403 says that the worker's consent is missing


class Client:
    """The four public APIs, as a client on the README's ports calls them."""

    def __init__(self, system, http: httpx.Client):
        self.urls = system.urls
        self.http = http

    def __getattr__(self, service: str):
        if service not in README_PORTS:
            raise AttributeError(service)
        base = self.urls[service]
        http = self.http

        class Service:
            def __getattr__(self, method: str):
                return lambda path, **kw: http.request(method.upper(), base + path, **kw)

        return Service()


@pytest.fixture(scope="module")
def api(system, http):
    return Client(system, http)


def post_posting(api: Client, token: str, body: dict | None = None, **headers: str) -> dict:
    created = api.jobs.post("/v1/postings", json=body or project_posting(), headers=auth(token, **headers))
    assert created.status_code == 201, created.text
    return created.json()


def candidate_ids(api: Client, token: str, posting_id: str) -> list[str]:
    got = api.matching.get(f"/v1/postings/{posting_id}/candidates?limit=100", headers=auth(token))
    assert got.status_code in (200, 404), got.text  # 404 until the posting is indexed
    return [h["worker_id"] for h in got.json().get("items", [])] if got.status_code == 200 else []


def inbox(api: Client, token: str, **params: str) -> list[dict]:
    got = api.notify.get("/v1/inbox", params={"limit": 100, **params}, headers=auth(token))
    assert got.status_code == 200, got.text
    return got.json()["items"]


def check_texts_for_people(shortfalls: Shortfalls, notes: list[dict], *raw_ids: str) -> None:
    """DESIGN §3: Simplified Chinese by default, the reader's time, names instead of raw ids."""
    for note in notes:
        text = f"{note['title']}\n{note['body']}"
        shortfalls.check(bool(CJK.search(text)), f"a {note['type']} notification not in Chinese: {text!r}")
        shortfalls.check(not MICROSECOND_TIME.search(text) and "+00:00" not in text,
                         f"a raw UTC timestamp in a notification: {text!r}")
        for raw in raw_ids:
            shortfalls.check(raw not in text, f"a raw id ({raw}) in a notification instead of a name: {text!r}")


# --- the README ------------------------------------------------------------------------------------

README_BLOCKS = command_blocks(REPO_ROOT / "README.md")


def test_readme_names_the_four_services_ports_and_its_blocks_are_told_apart():
    assert README_PORTS == {"profiles": 8001, "jobs": 8002, "matching": 8003, "notify": 8004}, README_PORTS
    sample = readme_blocks(
        "```\nmake run   # start\n```\n"
        "```\nTOKEN=$(.venv/bin/talentflow token --role admin --subject root)\ncurl -sf http://x/\n```\n"
        "```\nservices/common     settings\ndeploy/             manifests\n```\n"
        '```json\n{"name": "王建国"}\n```\n'
        "```bash\nsomething-not-installed --flag\n```\n"
    )
    assert [is_command_block(b) for b in sample] == [True, True, False, False, True]
    assert [starts_system(b) for b in sample] == [True, False, False, False, False]
    assert runnable_text(sample[0]).strip() == "" and "curl" in runnable_text(sample[1])


def test_readme_says_how_to_start_the_system_and_has_commands_to_try():
    assert any(starts_system(b) for b in README_BLOCKS), "README.md has no block with `make run`"
    assert any(runnable_text(b).strip() for b in README_BLOCKS), "README.md has no command to try on a running system"


@pytest.mark.parametrize(
    "block", [b for b in README_BLOCKS if runnable_text(b).strip()], ids=lambda b: f"README.md:{b.line}"
)
def test_readme_command_block_runs_as_written(system, block):
    done = run_block(block, system.root)
    assert done.returncode == 0, (
        f"README.md line {block.line}, run as written in a fresh bash, failed ({done.returncode}):\n"
        f"{block.text}\n--- stdout\n{done.stdout[-2000:]}\n--- stderr\n{done.stderr[-2000:]}"
    )


def test_readme_endpoints_of_every_service_answer(system, http):
    """README: each service serves /healthz, /readyz, /metrics and /docs; data and key under ./var."""
    for name, url in system.urls.items():
        assert http.get(url + "/healthz").json()["status"] == "ok", name
        ready = http.get(url + "/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready", (name, ready.text)
        metrics = http.get(url + "/metrics")
        assert metrics.status_code == 200 and "# TYPE" in metrics.text, name
        docs = http.get(url + "/docs")
        assert docs.status_code == 200 and "<html" in docs.text.lower(), name
    var = system.root / "var"
    assert (var / DEFAULT_SIGNING_KEY_FILE).is_file(), f"no signing key in ./var (README): {sorted(p.name for p in var.iterdir())}"
    in_home = Path.home() / DEFAULT_SIGNING_KEY_FILE  # where the shell's HOME once sent it (issue 13 item 1)
    assert not in_home.exists() or in_home.stat().st_mtime < system.started_at, f"the run wrote {in_home}"


def test_docs_work_on_a_closed_network(system, http):
    """DESIGN §3: `/docs` serves its own assets, no outside host."""
    outside = {}
    for name, url in system.urls.items():
        page = http.get(url + "/docs").text
        hosts = re.findall(r"""(?:src|href)=["'](https?://[^/"']+)""", page)
        if hosts:
            outside[name] = sorted(set(hosts))
    assert not outside, f"/docs loads assets from outside hosts: {outside}"


# --- a worker ----------------------------------------------------------------------------------------


def test_worker_journey_profile_match_apply_consent_erase_return_erase(system, api, shortfalls):
    worker_id = rid("wkr")
    me = system.token("worker", worker_id)
    org = rid("org")
    employer = system.token("employer", rid("boss"), org=org)
    tel = phone()
    profile = welder("李卫东", tel)

    created = api.profiles.post("/v1/workers", json=profile, headers=auth(me))
    assert created.status_code == 201, created.text
    assert created.json()["id"] == worker_id and created.json()["version"] == 1
    etag = created.headers["ETag"]

    read = api.profiles.get(f"/v1/workers/{worker_id}", headers=auth(me))
    assert read.status_code == 200, read.text
    assert read.json()["contact"]["phone"] == tel and read.json()["skills"] == profile["skills"]
    assert read.headers["ETag"] == etag

    patched = api.profiles.patch(f"/v1/workers/{worker_id}", json={"experience_years": 16},
                                 headers=auth(me, **{"If-Match": etag}))
    assert patched.status_code == 200, patched.text
    assert patched.json()["experience_years"] == 16 and patched.json()["version"] == 2
    assert patched.headers["ETag"] != etag
    stale = api.profiles.patch(f"/v1/workers/{worker_id}", json={"experience_years": 17},
                               headers=auth(me, **{"If-Match": etag}))
    assert_problem(stale, 412)

    posting = post_posting(api, employer)
    posting_id = posting["id"]

    def recommended():
        got = api.matching.get(f"/v1/workers/{worker_id}/recommendations?limit=100", headers=auth(me))
        return got.status_code == 200 and [h for h in got.json()["items"] if h["posting_id"] == posting_id]

    hit = eventually(recommended, MATCH_WAIT_S, what="the posting among the worker's recommendations")[0]
    assert 0 < hit["score"] <= 1 and hit["explanation"]["summary"]

    applied = api.jobs.post(f"/v1/postings/{posting_id}/applications", json={"message": "十五年氩弧焊经验，可随时到岗"},
                            headers=auth(me))
    assert applied.status_code == 201, applied.text
    application = applied.json()
    assert application["worker_id"] == worker_id and application["status"] == "submitted"
    moved = api.jobs.patch(f"/v1/postings/{posting_id}/applications/{application['id']}", json={"status": "shortlisted"},
                           headers=auth(employer))
    assert moved.status_code == 200, moved.text

    def told(kind: str):
        return [n for n in inbox(api, me) if n["type"] == kind and posting_id in json.dumps(n["data"])]

    eventually(lambda: told("match.found"), NOTIFY_WAIT_S, what="match.found in the worker's inbox")
    eventually(lambda: told("application.updated"), NOTIFY_WAIT_S, what="the shortlisting in the worker's inbox")
    notes = inbox(api, me)
    check_texts_for_people(shortfalls, notes, posting_id, worker_id)
    english = api.notify.get("/v1/inbox", params={"limit": 100}, headers=auth(me, **{"Accept-Language": "en"})).json()["items"]
    chinese_titles = {n["id"]: n["title"] for n in notes}
    assert {n["id"] for n in english} == set(chinese_titles), "the language changed what the inbox holds"
    for note in english:
        shortfalls.check(note["title"] != chinese_titles.get(note["id"]) and re.search(r"[A-Za-z]{3,}", note["title"]),
                         f"Accept-Language: en still answers {note['title']!r} for {note['type']}")
    read_one = api.notify.post(f"/v1/inbox/{notes[0]['id']}/read", headers=auth(me))
    assert read_one.status_code == 200 and read_one.json()["read"] is True, read_one.text

    contact_url = f"/v1/postings/{posting_id}/contacts/{worker_id}"
    assert_problem(api.jobs.get(contact_url, headers=auth(employer)), 403, CONSENT_MISSING)
    # the worker consents later, for this posting only (DESIGN §3: "or a later grant for that posting")
    granted = api.jobs.post(f"/v1/postings/{posting_id}/contact-consent", headers=auth(me))
    assert granted.status_code in (200, 201), granted.text
    assert granted.json()["posting_id"] == posting_id and granted.json()["worker_id"] == worker_id
    contact = api.jobs.get(contact_url, headers=auth(employer))
    assert contact.status_code == 200, contact.text
    assert contact.json()["phone"] == tel
    # ... and sees who was given it, when, on what basis (issue 12: each reveal is recorded)
    disclosures = api.profiles.get(f"/v1/workers/{worker_id}/contact-disclosures", headers=auth(me))
    assert disclosures.status_code == 200, disclosures.text
    assert [(d["org_id"], d["posting_id"]) for d in disclosures.json()["items"]] == [(org, posting_id)], disclosures.text
    assert disclosures.json()["items"][0]["basis"] and disclosures.json()["items"][0]["disclosed_at"]
    stored = api.profiles.get(f"/v1/workers/{worker_id}", headers=auth(me)).json()
    assert stored["consent"]["share_contact"] is False, "a grant for one posting became a consent for every employer"

    # erasure: the person is gone from every service
    ERASED.append({"name": profile["name"], "phone": tel, "email": profile["contact"]["email"],
                   "certificate": profile["certificates"][0]["number"]})
    erased = api.profiles.delete(f"/v1/workers/{worker_id}", headers=auth(me))
    assert erased.status_code == 204, erased.text
    assert api.profiles.get(f"/v1/workers/{worker_id}", headers=auth(me)).status_code == 404
    eventually(lambda: worker_id not in candidate_ids(api, employer, posting_id), MATCH_WAIT_S,
               what="the erased worker gone from the candidates")
    eventually(lambda: inbox(api, me) == [], NOTIFY_WAIT_S, what="the erased worker's inbox emptied")
    assert api.jobs.get(contact_url, headers=auth(employer)).status_code in (403, 404)

    # coming back with the same id: a new profile, matchable like any other
    again = api.profiles.post("/v1/workers", json=profile, headers=auth(me))
    assert again.status_code == 201, again.text
    assert again.json()["id"] == worker_id
    soft_eventually(shortfalls, lambda: worker_id in candidate_ids(api, employer, posting_id), MATCH_WAIT_S,
                    what="the returning worker among the candidates again")
    soft_eventually(shortfalls, recommended, MATCH_WAIT_S, what="recommendations for the returning worker")

    # erasing again is as clean as the first time
    erased = api.profiles.delete(f"/v1/workers/{worker_id}", headers=auth(me))
    assert erased.status_code == 204, erased.text
    assert api.profiles.get(f"/v1/workers/{worker_id}", headers=auth(me)).status_code == 404
    eventually(lambda: worker_id not in candidate_ids(api, employer, posting_id), MATCH_WAIT_S,
               what="the worker erased a second time gone from the candidates")
    eventually(lambda: api.matching.get(f"/v1/workers/{worker_id}/recommendations", headers=auth(me)).status_code == 404,
               MATCH_WAIT_S, what="matching forgetting the worker erased a second time")
    eventually(lambda: inbox(api, me) == [], NOTIFY_WAIT_S, what="the inbox empty after the second erasure")
    assert api.profiles.delete(f"/v1/workers/{worker_id}", headers=auth(me)).status_code == 404
    shortfalls.assert_none()


# --- an employer -------------------------------------------------------------------------------------


def test_employer_journey_idempotent_posting_candidates_invite_shortlist_contact_with_consent(system, api, shortfalls):
    org, boss = rid("org"), rid("boss")
    first_token = system.token("employer", boss, org=org)
    key = str(uuid.uuid4())
    body = project_posting(f"压力容器焊接修复 {org}")

    first = api.jobs.post("/v1/postings", json=body, headers=auth(first_token, **{"Idempotency-Key": key}))
    assert first.status_code == 201, first.text
    posting_id = first.json()["id"]
    assert first.json()["org_id"] == org

    # a client that retries after a lost answer mints a new token: the key belongs to the employer, not the token
    retry_token = system.token("employer", boss, org=org)
    assert retry_token != first_token
    retried = api.jobs.post("/v1/postings", json=body, headers=auth(retry_token, **{"Idempotency-Key": key}))
    shortfalls.check(retried.status_code == 201 and retried.json().get("id") == posting_id,
                     f"a retried POST with the same Idempotency-Key and a new token did not answer the first: {retried.text}")
    listed = api.jobs.get("/v1/postings", params={"org_id": org, "limit": 100}, headers=auth(retry_token))
    shortfalls.check([p["id"] for p in listed.json()["items"]] == [posting_id],
                     f"the employer has more than the one posting after a retry: {listed.text}")
    # ... and another employer's key of the same value is theirs alone
    other_org = rid("org")
    other = api.jobs.post("/v1/postings", json=body,
                          headers=auth(system.token("employer", boss, org=other_org), **{"Idempotency-Key": key}))
    shortfalls.check(other.status_code == 201 and other.json().get("id") != posting_id
                     and other.json().get("org_id") == other_org,
                     f"another employer's POST with the same key value got the first employer's answer: {other.text}")

    # three welders, none consenting on the profile to pass on contact data
    people = {}
    for name in ("赵红梅", "孙志刚", "钱文斌"):
        worker_id, tel = rid("wkr"), phone()
        token = system.token("worker", worker_id)
        made = api.profiles.post("/v1/workers", json=welder(name, tel), headers=auth(token))
        assert made.status_code == 201, made.text
        people[name] = {"id": worker_id, "token": token, "phone": tel, "email": f"{tel}@example.com"}
    reluctant, willing, applicant = people["赵红梅"], people["孙志刚"], people["钱文斌"]

    def ranked():
        got = api.matching.get(f"/v1/postings/{posting_id}/candidates?limit=100", headers=auth(first_token))
        if got.status_code != 200:
            return None
        hits = {h["worker_id"]: h for h in got.json()["items"]}
        return hits if all(p["id"] in hits for p in people.values()) else None

    hits = eventually(ranked, MATCH_WAIT_S, what="the three welders among the posting's candidates")
    for name, person in people.items():
        hit = hits[person["id"]]
        assert 0 < hit["score"] <= 1
        explanation = hit["explanation"]
        assert explanation["factors"] and all(isinstance(v, int | float) for v in explanation["factors"].values())
        assert "氩弧焊" in explanation["matched_skills"] and explanation["summary"].strip()
        shown = json.dumps(hit, ensure_ascii=False)
        for personal in (name, person["phone"], person["email"]):
            assert personal not in shown, f"personal data {personal!r} unmasked in a candidate hit: {shown}"

    def contact(person: dict) -> httpx.Response:
        return api.jobs.get(f"/v1/postings/{posting_id}/contacts/{person['id']}", headers=auth(first_token))

    # invitations: one worker accepts without consent, one gives consent for this employer in the answer
    invitations = {}
    for person in (reluctant, willing):
        sent = api.jobs.post(f"/v1/postings/{posting_id}/invitations",
                             json={"worker_id": person["id"], "message": "您好，诚邀参与压力容器焊接修复项目"},
                             headers=auth(first_token))
        assert sent.status_code == 201 and sent.json()["status"] == "pending", sent.text
        invitations[person["id"]] = sent.json()["id"]
        mine = api.jobs.get("/v1/invitations", headers=auth(person["token"]))
        assert invitations[person["id"]] in [i["id"] for i in mine.json()["items"]], mine.text
    seen = api.jobs.get(f"/v1/postings/{posting_id}/invitations", headers=auth(first_token))
    assert set(invitations.values()) <= {i["id"] for i in seen.json()["items"]}, seen.text
    accepted = api.jobs.post(f"/v1/invitations/{invitations[reluctant['id']]}/accept", headers=auth(reluctant["token"]))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.text
    accepted = api.jobs.post(f"/v1/invitations/{invitations[willing['id']]}/accept", json={"share_contact": True},
                             headers=auth(willing["token"]))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.text

    refused = contact(reluctant)  # mutual interest, but no consent
    shortfalls.check(refused.status_code == 403 and reluctant["phone"] not in refused.text
                     and bool(re.search(CONSENT_MISSING, refused.text, re.IGNORECASE)),
                     f"an accepted invitation without consent gave the contact, or the refusal does not say that "
                     f"consent is missing: {refused.status_code} {refused.text[:200]}")
    given = contact(willing)
    assert given.status_code == 200, given.text
    assert given.json()["phone"] == willing["phone"] and given.json()["email"] == willing["email"]
    assert "no-store" in given.headers.get("cache-control", "")
    # not to another employer, even one that knows the ids
    foreign = api.jobs.get(f"/v1/postings/{posting_id}/contacts/{willing['id']}",
                           headers=auth(system.token("employer", rid("boss"), org=other_org)))
    assert foreign.status_code in (403, 404), foreign.text

    # an application that gives consent in its body: the contact after the shortlist, not before
    applied = api.jobs.post(f"/v1/postings/{posting_id}/applications",
                            json={"message": "有压力容器焊接经验", "share_contact": True}, headers=auth(applicant["token"]))
    assert applied.status_code == 201, applied.text
    application_id = applied.json()["id"]
    seen = api.jobs.get(f"/v1/postings/{posting_id}/applications", headers=auth(first_token))
    assert [a["worker_id"] for a in seen.json()["items"] if a["id"] == application_id] == [applicant["id"]], seen.text
    assert contact(applicant).status_code == 403, "contact given before mutual interest"
    moved = api.jobs.patch(f"/v1/postings/{posting_id}/applications/{application_id}", json={"status": "shortlisted"},
                           headers=auth(first_token))
    assert moved.status_code == 200 and moved.json()["status"] == "shortlisted", moved.text
    given = contact(applicant)
    assert given.status_code == 200 and given.json()["phone"] == applicant["phone"], given.text

    # the reluctant worker consents later, on the profile: now the contact is given
    current = api.profiles.get(f"/v1/workers/{reluctant['id']}", headers=auth(reluctant["token"]))
    consented = api.profiles.patch(f"/v1/workers/{reluctant['id']}", json={"consent": {"share_contact": True}},
                                   headers=auth(reluctant["token"], **{"If-Match": current.headers["ETag"]}))
    assert consented.status_code == 200, consented.text
    given = contact(reluctant)
    assert given.status_code == 200 and given.json()["phone"] == reluctant["phone"], given.text

    def employer_told(kind: str):
        return [n for n in inbox(api, first_token) if n["type"] == kind]

    eventually(lambda: employer_told("application.submitted"), NOTIFY_WAIT_S, what="the application in the employer's inbox")
    eventually(lambda: len(employer_told("invitation.answered")) >= 2, NOTIFY_WAIT_S,
               what="both acceptances in the employer's inbox")
    notes = inbox(api, first_token)
    check_texts_for_people(shortfalls, notes, posting_id, *(p["id"] for p in people.values()))
    shown = json.dumps(notes, ensure_ascii=False)
    for person in people.values():
        assert person["phone"] not in shown and person["email"] not in shown
    shortfalls.assert_none()


# --- an agency -------------------------------------------------------------------------------------------


def roster_csv(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def handed_tokens(api: Client, agency: str, job: dict) -> dict[str, str]:
    """The worker tokens an agency is handed for the people an import created (to pass on to each)."""
    tokens = api.profiles.post(f"/v1/workers/import/{job['id']}/tokens", headers=auth(agency))
    assert tokens.status_code == 200, tokens.text
    handed = {t["worker_id"]: t["worker_token"] for t in tokens.json()["items"]}
    assert all(handed.values()), tokens.text
    return handed


def finished_import(api: Client, token: str, accepted: httpx.Response) -> dict:
    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["Location"]
    assert location.endswith(accepted.json()["id"])

    def done():
        got = api.profiles.get(location, params={"limit": 1000}, headers=auth(token))
        assert got.status_code == 200, got.text
        return got.json() if got.json()["status"] not in ("queued", "running") else None

    return eventually(done, 60, what=f"the import job {location} finished")


@pytest.fixture
def receiver():
    with WebhookReceiver() as endpoint:
        yield endpoint


def test_agency_journey_imports_acts_for_its_workers_and_gets_signed_webhooks(system, api, shortfalls, receiver):
    agency_org, agent = rid("agy"), rid("agent")
    agency = system.token("agency", agent, org=agency_org)
    employer_org = rid("org")
    employer = system.token("employer", rid("boss"), org=employer_org)

    # webhooks first (so the imports are announced too): one for the agency's own org, one for the
    # employer org it acts for, both on a receiver of ours on 127.0.0.1
    acting = system.token("agency", rid("agent"), org=agency_org, acts_for=(employer_org,))
    own = api.notify.post("/v1/subscriptions", json={"url": receiver.url + "/agency", "event_types": ["*"]},
                          headers=auth(agency))
    assert own.status_code == 201, own.text
    for_employer = api.notify.post("/v1/subscriptions",
                                   json={"url": receiver.url + "/employer", "org_id": employer_org,
                                         "event_types": ["invitation.answered", "application.submitted"]},
                                   headers=auth(acting))
    assert for_employer.status_code == 201 and for_employer.json()["org_id"] == employer_org, for_employer.text
    secrets = {"/agency": own.json()["secret"], "/employer": for_employer.json()["secret"]}
    assert api.notify.post(f"/v1/subscriptions/{own.json()['id']}/test", headers=auth(agency)).status_code == 202

    # a UTF-8 roster in the documented columns
    skills = json.dumps([{"name": "氩弧焊", "proficiency": 5, "years": 10}], ensure_ascii=False)
    occupations = json.dumps([{"code": "6-18-02-04", "name": "焊工"}], ensure_ascii=False)
    availability = json.dumps({"modes": ["project"], "hours_per_week": 40}, ensure_ascii=False)
    utf8_people = [{"name": name, "region": "150602", "phone": phone(), "occupations": occupations, "skills": skills,
                    "skill_level": "senior", "availability": availability, "consent_matching": "true"}
                   for name in ("周建华", "吴海涛")]
    columns = ["name", "region", "phone", "occupations", "skills", "skill_level", "availability", "consent_matching"]
    upload = roster_csv(utf8_people, columns).encode("utf-8")
    key = str(uuid.uuid4())
    headers = {"Content-Type": "text/csv; charset=utf-8", "Idempotency-Key": key}
    first = api.profiles.post("/v1/workers/import", content=upload, headers=auth(agency, **headers))
    job = finished_import(api, agency, first)
    assert job["status"] == "done" and (job["ok"], job["failed"]) == (2, 0), job
    utf8_ids = [r["worker_id"] for r in job["results"]["items"] if r["outcome"] == "created"]
    assert len(utf8_ids) == 2, job

    # the same upload retried with its key (by the same token, and by a fresh token of the same agency)
    for which, token in (("same token", agency), ("fresh token", system.token("agency", agent, org=agency_org))):
        retried = api.profiles.post("/v1/workers/import", content=upload, headers=auth(token, **headers))
        shortfalls.check(retried.status_code == 202 and retried.json().get("id") == first.json()["id"],
                         f"an upload retried with its Idempotency-Key ({which}) did not answer the first job: "
                         f"{retried.status_code} {retried.text[:300]}")
    if retried.status_code == 202 and retried.json().get("id") != first.json()["id"]:
        finished_import(api, agency, retried)  # let a duplicate job finish before counting
    managed = api.profiles.get("/v1/workers", params={"limit": 200}, headers=auth(agency))
    shortfalls.check(sorted(w["id"] for w in managed.json()["items"]) == sorted(utf8_ids),
                     f"a retried upload imported the roster again: {len(managed.json()['items'])} workers, not 2")

    # a GBK roster as Excel saves it in China, with the Chinese headers of a bureau's template
    gbk_people = [
        {"姓名": "郑国强", "手机": phone(), "地区": "150602", "职业": "焊工", "职业代码": "6-18-02-04",
         "技能等级": "高级工", "技能": "氩弧焊:5；压力容器焊接:4", "工作年限": "12"},
        {"姓名": "冯丽娟", "手机": phone(), "地区": "150602", "职业": "电焊工", "职业代码": "6-18-02-04",
         "技能等级": "技师", "技能": "氩弧焊", "工作年限": "8"},
        # a code whose name is not the one written: refused, never counted under the wrong trade
        {"姓名": "何志明", "手机": phone(), "地区": "150602", "职业": "车工", "职业代码": "6-20-01-01",
         "技能等级": "中级工", "技能": "车削", "工作年限": "5"},
    ]
    gbk = roster_csv(gbk_people, ["姓名", "手机", "地区", "职业", "职业代码", "技能等级", "技能", "工作年限"]).encode("gbk")
    gbk_job = finished_import(api, agency, api.profiles.post("/v1/workers/import", content=gbk,
                                                             headers=auth(agency, **{"Content-Type": "text/csv"})))
    assert (gbk_job["ok"], gbk_job["failed"]) == (2, 1), gbk_job
    by_row = {r["row"]: r for r in gbk_job["results"]["items"]}
    assert by_row[3]["outcome"] == "failed" and any("occupation" in e["field"] for e in by_row[3]["errors"]), by_row[3]
    gbk_id = by_row[1]["worker_id"]
    imported = api.profiles.get(f"/v1/workers/{gbk_id}", headers=auth(agency))
    assert imported.status_code == 200, imported.text
    assert imported.json()["name"] == "郑国强" and imported.json()["contact"]["phone"] == gbk_people[0]["手机"]
    assert imported.json()["skill_level"] == "senior" and imported.json()["agency_id"] == agency_org
    assert [o["code"] for o in imported.json()["occupations"]] == ["6-18-02-04"]

    # the employer invites two imported workers; the agency lists and answers for them
    posting_id = post_posting(api, employer)["id"]
    invitations = {}
    second_id, second_phone = by_row[2]["worker_id"], gbk_people[1]["手机"]
    for worker_id in (utf8_ids[0], gbk_id, second_id):
        sent = api.jobs.post(f"/v1/postings/{posting_id}/invitations", json={"worker_id": worker_id},
                             headers=auth(employer))
        assert sent.status_code == 201, sent.text
        invitations[worker_id] = sent.json()["id"]
    for worker_id, invitation_id in invitations.items():
        listed = api.jobs.get("/v1/invitations", params={"worker_id": worker_id}, headers=auth(agency))
        shortfalls.check(listed.status_code == 200 and invitation_id in [i["id"] for i in listed.json()["items"]],
                         f"the agency cannot list its worker's invitations: {listed.status_code} {listed.text[:300]}")
    accepted = api.jobs.post(f"/v1/invitations/{invitations[gbk_id]}/accept", headers=auth(agency))
    shortfalls.check(accepted.status_code == 200 and accepted.json().get("status") == "accepted",
                     f"the agency cannot accept for its worker: {accepted.status_code} {accepted.text[:300]}")
    declined = api.jobs.post(f"/v1/invitations/{invitations[utf8_ids[0]]}/decline", headers=auth(agency))
    shortfalls.check(declined.status_code == 200 and declined.json().get("status") == "declined",
                     f"the agency cannot decline for its worker: {declined.status_code} {declined.text[:300]}")
    answered_by_agency = accepted.status_code == 200 or declined.status_code == 200
    if accepted.status_code == 200:
        # mutual interest, but the roster gave no consent to pass contact data on
        reveal = api.jobs.get(f"/v1/postings/{posting_id}/contacts/{gbk_id}", headers=auth(employer))
        shortfalls.check(reveal.status_code == 403 and gbk_people[0]["手机"] not in reveal.text,
                         f"contact given without the worker's consent after the agency accepted: {reveal.status_code}")
    # another agency can neither see nor answer them
    stranger = system.token("agency", rid("agent"), org=rid("agy"))
    assert api.jobs.get("/v1/invitations", params={"worker_id": gbk_id}, headers=auth(stranger)).status_code in (403, 404)
    assert api.jobs.post(f"/v1/invitations/{invitations[second_id]}/accept", headers=auth(stranger)).status_code in (403, 404)

    # the agency's word on contact counts only where the person recorded that the agency holds their consent
    accepted = api.jobs.post(f"/v1/invitations/{invitations[second_id]}/accept", json={"share_contact": True},
                             headers=auth(agency))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted", accepted.text
    contact_url = f"/v1/postings/{posting_id}/contacts/{second_id}"
    reveal = api.jobs.get(contact_url, headers=auth(employer))
    shortfalls.check(reveal.status_code == 403 and second_phone not in reveal.text,
                     f"the agency's share_contact gave the contact with no agency-held consent recorded: {reveal.status_code}")
    holds = {"basis": "2026年12月签署的书面同意书"}
    minted = api.profiles.put(f"/v1/workers/{second_id}/agency-contact-consent", json=holds,
                              headers=auth(handed_tokens(api, agency, gbk_job)[second_id]))
    shortfalls.check(minted.status_code == 403,
                     f"a worker token the agency was handed recorded the agency's consent itself: {minted.status_code}")
    persons_own = system.token("worker", second_id)  # the person's own token, as `talentflow token` issues it
    recorded = api.profiles.put(f"/v1/workers/{second_id}/agency-contact-consent", json=holds, headers=auth(persons_own))
    shortfalls.check(recorded.status_code == 200, f"the worker could not record the agency's consent: {recorded.text[:300]}")
    reveal = api.jobs.get(contact_url, headers=auth(employer))
    shortfalls.check(reveal.status_code == 200 and reveal.json().get("phone") == second_phone,
                     f"contact refused although the agency holds the recorded consent: {reveal.status_code} {reveal.text[:300]}")
    seen_by = api.profiles.get(f"/v1/workers/{second_id}/contact-disclosures", headers=auth(persons_own))
    shortfalls.check(seen_by.status_code == 200 and [(d["org_id"], d["basis"]) for d in seen_by.json()["items"]]
                     == [(employer_org, "agency")], f"the disclosure is not recorded on the agency's basis: {seen_by.text[:300]}")

    # the agency reads its workers' inbox: with the tokens it is handed for the people it imported ...
    handed = handed_tokens(api, agency, gbk_job)
    assert set(handed) == {gbk_id, second_id}, handed

    def invitation_notes(token: str, **params: str):
        got = api.notify.get("/v1/inbox", params={"limit": 100, **params}, headers=auth(token))
        return got.status_code == 200 and [n for n in got.json()["items"]
                                           if n["type"] == "invitation.sent" and posting_id in json.dumps(n["data"])]

    notes = eventually(lambda: invitation_notes(handed[gbk_id]), NOTIFY_WAIT_S,
                       what="the invitation in the imported worker's inbox, read with the token its agency was handed")
    check_texts_for_people(shortfalls, notes, posting_id, gbk_id)
    # ... and with its own token, as DESIGN §3 says an agency acts for its workers in every service
    soft_eventually(shortfalls, lambda: invitation_notes(agency, worker_id=gbk_id), NOTIFY_WAIT_S,
                    what="the managed worker's invitation read with the agency's own token (GET /v1/inbox?worker_id=)")
    stranger_read = api.notify.get("/v1/inbox", params={"worker_id": gbk_id}, headers=auth(stranger))
    assert stranger_read.status_code in (403, 404) or not invitation_notes(stranger, worker_id=gbk_id), stranger_read.text

    def delivered():
        paths = {r.path for r in receiver.received}
        types = {json.loads(r.body)["type"] for r in receiver.received}
        if not answered_by_agency:  # already a shortfall: nothing was answered, so nothing to announce
            return "/agency" in paths and "webhook.test" in types
        return {"/agency", "/employer"} <= paths and {"webhook.test", "invitation.answered"} <= types

    eventually(delivered, NOTIFY_WAIT_S, what="the test and invitation.answered webhooks at the receiver")

    def imports_announced():  # issue 13 item 3: an event says that an import finished
        done = [json.dumps(json.loads(r.body)["data"]) for r in receiver.received if r.path == "/agency"
                and json.loads(r.body)["type"] == "import.completed"]
        return all(any(job_id in d for d in done) for job_id in (first.json()["id"], gbk_job["id"]))

    soft_eventually(shortfalls, imports_announced,
                    NOTIFY_WAIT_S, what="import.completed for both imports at the agency's webhook")
    for got in list(receiver.received):
        payload = standardwebhooks.Webhook(secrets[got.path]).verify(got.body, got.headers)
        assert payload["type"] and "data" in payload
        forged = dict(got.headers, **{"webhook-signature": "v1," + "A" * 44})
        with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
            standardwebhooks.Webhook(secrets[got.path]).verify(got.body, forged)
    answered = [json.loads(r.body) for r in receiver.received if r.path == "/employer"
                and json.loads(r.body)["type"] == "invitation.answered"]
    assert {json.dumps(a["data"]).count(posting_id) > 0 for a in answered} == {True}, answered
    shown = json.dumps([json.loads(r.body) for r in receiver.received], ensure_ascii=False)
    for person in gbk_people + utf8_people:
        assert person.get("手机", person.get("phone")) not in shown

    deliveries = api.notify.get(f"/v1/subscriptions/{own.json()['id']}/deliveries", headers=auth(agency))
    assert deliveries.status_code == 200 and deliveries.json()["items"], deliveries.text
    shortfalls.assert_none()


# --- after the journeys -------------------------------------------------------------------------------------


def metric_samples(http: httpx.Client, url: str, name: str) -> dict[str, float]:
    """`{labels: value}` of one metric on a service's /metrics (Prometheus text; a counter may end in _total)."""
    found = {}
    for m in re.finditer(rf"^{name}(?:_total)?(\{{[^}}]*\}})?\s+(\S+)$", http.get(url + "/metrics").text, re.MULTILINE):
        found[m.group(1) or ""] = float(m.group(2))
    return found


def test_the_journeys_left_no_dead_letter_and_every_consumer_caught_up(system, http):
    """DESIGN §6: repeated or late events are no-ops, never DLQ entries (the erasures, the return and the
    second erasure above); operators see each group's lag and dead letters on /metrics."""
    dead = {name: metric_samples(http, url, "talentflow_dlq_messages") for name, url in system.urls.items()}
    assert any(dead.values()), f"no service reports talentflow_dlq_messages on /metrics: {dead}"
    assert not {name: d for name, d in dead.items() if any(d.values())}, f"records went to a DLQ: {dead}"

    def caught_up():
        lag = {name: metric_samples(http, url, "talentflow_consumer_lag") for name, url in system.urls.items()}
        behind = {name: {k: v for k, v in by.items() if v} for name, by in lag.items()}
        return any(lag.values()) and not any(behind.values()) and lag

    eventually(caught_up, 30, what="every consumer group at the head of its topics (talentflow_consumer_lag 0)")
    for name, url in system.urls.items():
        ready = http.get(url + "/readyz")
        assert ready.status_code == 200, f"{name} not ready after the journeys: {ready.text}"


def files_holding(where: Path, people: list[dict[str, str]]) -> dict[str, list[str]]:
    """`{file: [what of whom]}` for every file under `where` whose bytes hold a person's name, phone,
    e-mail or certificate number (as UTF-8, or as JSON's \\u escapes of the name)."""
    needles = {}
    for person in people:
        for what, value in person.items():
            needles[value.encode()] = f"{what} of {person['name']}"
            escaped = json.dumps(value).strip('"').encode()
            needles.setdefault(escaped, f"{what} of {person['name']} (escaped)")
    found = {}
    for path in [where] if where.is_file() else sorted(p for p in where.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = [label for needle, label in needles.items() if needle in data]
        if hits:
            found[str(path)] = hits
    return found


# --- Ctrl-C and a restart (last: they stop the module's system) ----------------------------------------------


def test_ctrl_c_stops_every_service_and_a_restart_keeps_data_key_and_idempotency(system, api):
    """README: Ctrl-C stops them; data and the token signing key survive restarts.
    DESIGN §3: an Idempotency-Key is kept 24 h and survives a restart on both runtimes."""
    worker_id = rid("wkr")
    worker = system.token("worker", worker_id)
    kept = {"name": "陈立新", "phone": phone()}
    created = api.profiles.post("/v1/workers", json=welder(kept["name"], kept["phone"]), headers=auth(worker))
    assert created.status_code == 201, created.text
    org, boss, key = rid("org"), rid("boss"), str(uuid.uuid4())
    body = project_posting(f"重启前的项目 {org}")
    posting_id = post_posting(api, system.token("employer", boss, org=org), body, **{"Idempotency-Key": key})["id"]

    system.stop()
    still = [port for port in README_PORTS.values() if port_open("127.0.0.1", port, 0.2)]
    assert not still, f"ports still served after Ctrl-C: {still}\n{system.log()[-2000:]}"
    # DESIGN §6: after a clean stop no file of the system holds an erased person (nor does the log of the run);
    # the same search does find a person who was not erased (so it can see what it looks for)
    assert files_holding(system.root / "var", [kept]), "the byte search finds not even a person still registered"
    if ERASED:
        assert not files_holding(system.root / "var", ERASED) | files_holding(system.log_path, ERASED), \
            f"files still holding an erased person: {files_holding(system.root / 'var', ERASED)}"

    with started_as_readme_says(system.root):
        again = api.profiles.get(f"/v1/workers/{worker_id}", headers=auth(worker))  # a token minted before the restart
        assert again.status_code == 200 and again.json()["id"] == worker_id, again.text
        retried = api.jobs.post("/v1/postings", json=body,
                                headers=auth(system.token("employer", boss, org=org), **{"Idempotency-Key": key}))
        assert retried.status_code == 201, retried.text
        assert retried.json()["id"] == posting_id, "a POST retried after a restart with its Idempotency-Key made a duplicate"
