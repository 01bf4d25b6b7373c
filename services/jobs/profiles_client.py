"""The jobs service's synchronous reads of another service: contact data (and who manages a worker) from profiles.

`ProfilesClient` is the port; `HttpProfilesClient` reads the profiles service's public API with a
`service` token. Contact data is read only through `POST /v1/workers/{id}/contact-disclosures`:
profiles checks the consent it owns (the profile's `share_contact`, the agency-held consent),
records who saw the contact, when and on what basis, and answers the contact in the same
transaction; a refusal there is `ContactConsentMissing` (403). Tests hand it an `httpx.MockTransport` (no patching of httpx's insides). Every
failure to get an answer — refused connection, timeout, a 5xx, a refused token, a body that is
not what the contract says — becomes `ProfilesUnavailable` (503 problem+json), never a 500; a
worker that profiles does not know (erased) is `None`.

Nothing read here is logged: it is personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from services.common.errors import Unavailable
from services.jobs.domain import ConsentBasis, ContactConsentMissing, DisclosedContact

log = logging.getLogger(__name__)


class ProfilesUnavailable(Unavailable):
    """The profiles service did not give a usable answer; the caller may retry later."""


class ProfilesClient(Protocol):
    def disclose_contact(
        self, worker_id: str, *, posting_id: str, viewer_role: str, viewer_id: str, viewer_org: str,
        offered: list[tuple[ConsentBasis, str | None]],
    ) -> DisclosedContact | None:
        """The worker's name, phone and e-mail for `viewer_org`, on the first of the `offered`
        consents (basis, agency org) that holds; profiles records the disclosure. None when profiles
        knows no such worker; `ContactConsentMissing` when none of the offered consents holds."""

    def agency_of(self, worker_id: str) -> str | None:
        """The org of the worker's managing agency, or None (no agency, or no such worker)."""

    def close(self) -> None: ...


class HttpProfilesClient:
    """`ProfilesClient` over HTTP: GET /v1/workers/{id} and POST /v1/workers/{id}/contact-disclosures."""

    def __init__(
        self,
        base_url: str,
        service_token: Callable[[], str],
        *,
        timeout_s: float = 3.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self._token = service_token
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 1.0)),
            transport=transport,
            follow_redirects=False,
        )

    def disclose_contact(
        self, worker_id: str, *, posting_id: str, viewer_role: str, viewer_id: str, viewer_org: str,
        offered: list[tuple[ConsentBasis, str | None]],
    ) -> DisclosedContact | None:
        path = _worker_path(worker_id)
        request = {
            "posting_id": posting_id, "viewer_role": viewer_role, "viewer_id": viewer_id, "viewer_org": viewer_org,
            "offered": [{"basis": basis.value, "agency_id": agency_id} for basis, agency_id in offered],
        }
        body = self._send("POST", path + "/contact-disclosures", request) if path else None
        if body is None:
            return None
        contact, disclosure = body.get("contact"), body.get("disclosure")
        if not isinstance(contact, dict) or not isinstance(disclosure, dict):
            raise ProfilesUnavailable("the profiles service answered contact data in an unknown shape")
        try:
            return DisclosedContact.model_validate(
                {**contact, "consent": disclosure.get("basis"), "disclosure_id": disclosure.get("id")})
        except ValidationError:
            raise ProfilesUnavailable("the profiles service answered contact data in an unknown shape") from None

    def agency_of(self, worker_id: str) -> str | None:
        body = self._get(_worker_path(worker_id))
        agency_id = body.get("agency_id") if body else None
        return agency_id if isinstance(agency_id, str) else None

    def close(self) -> None:
        self._http.close()

    def _get(self, path: str) -> dict[str, Any] | None:
        return self._send("GET", path)

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        if not path:
            return None
        try:
            response = self._http.request(method, path, json=body, headers={"Authorization": f"Bearer {self._token()}"})
        except httpx.TimeoutException:
            raise ProfilesUnavailable("the profiles service did not answer in time; retry later") from None
        except httpx.HTTPError as exc:
            log.warning("profiles service unreachable: %s", type(exc).__name__)
            raise ProfilesUnavailable("the profiles service cannot be reached; retry later") from None
        if response.status_code == 404:
            return None
        if response.status_code == 403 and _problem_type(response).endswith("/contact-consent-missing"):
            raise ContactConsentMissing(_problem_detail(response))
        if response.status_code not in (200, 201):
            # 401/403 mean the service token is refused: a deployment fault the caller cannot fix.
            log.warning("profiles service answered %s to a service read", response.status_code)
            raise ProfilesUnavailable(f"the profiles service answered {response.status_code}; retry later")
        try:
            body = response.json()
        except ValueError:
            raise ProfilesUnavailable("the profiles service answered something that is not JSON") from None
        if not isinstance(body, dict):
            raise ProfilesUnavailable("the profiles service answered an unexpected shape")
        return body


def _problem_type(response: httpx.Response) -> str:
    try:
        kind = response.json().get("type")
    except (ValueError, AttributeError):
        return ""
    return kind if isinstance(kind, str) else ""


def _problem_detail(response: httpx.Response) -> str:
    detail = response.json().get("detail")
    if isinstance(detail, str) and detail:
        return detail
    return "the worker has not consented to share contact data with this employer"


def _worker_path(worker_id: str) -> str:
    """The worker's path, or "" for an id that would resolve to another path ("." or "..")."""
    if worker_id.strip(".") == "":
        return ""
    return "/v1/workers/" + quote(worker_id, safe="")
