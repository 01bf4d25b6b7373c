"""A person who erases themselves and comes back, as clients see it (DESIGN §6: erasure is an end,
not a ban), on the embedded default and on real engines (the `system` fixture of the scenario).

The welder registers with their own worker token, is ranked for a posting, erases themselves,
registers again under the same id, is ranked, recommended and told of the match again, and erases
themselves a second time: no consumer of any service dead-letters anything on the way.
"""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest

from tests.e2e.system import SERVICES, eventually
from tests.e2e.test_scenario import POSTING, WELDER, system  # noqa: F401 - the fixture

pytestmark = pytest.mark.e2e


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _dead_letters(http: httpx.Client, url: str) -> float:
    text = http.get(url + "/metrics").text
    return sum(float(value) for value in re.findall(r'^talentflow_dlq_messages(?:_total)?\{[^}]*\} ([0-9.e+]+)$', text, re.M))


def test_a_person_who_erased_themselves_comes_back_and_leaves_again_cleanly(system):  # noqa: F811
    urls = system.urls
    http = httpx.Client(timeout=10)
    worker_id = f"w-{uuid.uuid4().hex[:12]}"
    person = system.token("worker", worker_id)
    employer = system.token("employer", "boss-r", org="org-returning")
    # registering themselves, a person cannot mark their own certificate verified
    profile = {**WELDER, "consent": {"matching": True, "share_contact": False},
               "certificates": [{**c, "verified": False} for c in WELDER["certificates"]]}

    posted = http.post(urls["jobs"] + "/v1/postings", json=POSTING, headers=_h(employer))
    assert posted.status_code == 201, posted.text
    posting_id = posted.json()["id"]

    def ranked():
        r = http.get(f"{urls['matching']}/v1/postings/{posting_id}/candidates?limit=20", headers=_h(employer))
        return r.status_code == 200 and worker_id in [h["worker_id"] for h in r.json()["items"]]

    def recommended():
        r = http.get(f"{urls['matching']}/v1/workers/{worker_id}/recommendations", headers=_h(person))
        return r.status_code == 200 and posting_id in [h["posting_id"] for h in r.json()["items"]]

    def told_of_the_match():
        r = http.get(urls["notify"] + "/v1/inbox", headers=_h(person))
        return r.status_code == 200 and [n for n in r.json()["items"] if n["type"] == "match.found"]

    first = http.post(urls["profiles"] + "/v1/workers", json=profile, headers=_h(person))
    assert first.status_code == 201, first.text
    eventually(ranked, 60, what="the welder among the candidates")
    assert http.delete(f"{urls['profiles']}/v1/workers/{worker_id}", headers=_h(person)).status_code == 204
    eventually(lambda: not ranked(), 60, what="the erased welder gone from the candidates")
    eventually(lambda: http.get(f"{urls['matching']}/v1/workers/{worker_id}/recommendations",
                                headers=_h(person)).status_code == 404, 30, what="recommendations gone")

    # the same person registers again: a new profile, matchable like any other
    started = time.monotonic()
    again = http.post(urls["profiles"] + "/v1/workers", json=profile, headers=_h(person))
    assert again.status_code == 201, again.text
    assert again.json()["version"] == 3  # above the erasure's version 2
    eventually(ranked, 60, what="the returning welder among the candidates again")
    searchable_after_s = time.monotonic() - started
    eventually(recommended, 30, what="the posting among the returning welder's recommendations")
    eventually(told_of_the_match, 60, what="match.found in the returning welder's inbox")

    # and leaves again: clean, nothing dead-lettered by any service
    assert http.delete(f"{urls['profiles']}/v1/workers/{worker_id}", headers=_h(person)).status_code == 204
    eventually(lambda: not ranked(), 60, what="the welder erased a second time gone from the candidates")
    eventually(lambda: http.get(urls["notify"] + "/v1/inbox", headers=_h(person)).json().get("items") == [], 60,
               what="the inbox emptied again")
    time.sleep(2)  # a failing erasure would be retried with backoff before reaching the DLQ
    assert {name: _dead_letters(http, urls[name]) for name in SERVICES} == {name: 0.0 for name in SERVICES}
    print(f"returning welder searchable {searchable_after_s:.2f} s after registering again")
