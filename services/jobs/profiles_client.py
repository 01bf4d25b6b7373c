"""The jobs service's one synchronous read of another service: contact data and consent from profiles.

`ProfilesClient` is the port; `HttpProfilesClient` reads the profiles service's public API with a
`service` token. Tests hand it an `httpx.MockTransport` (no patching of httpx's insides). Every
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
from services.jobs.domain import ContactCard

log = logging.getLogger(__name__)


class ProfilesUnavailable(Unavailable):
    """The profiles service did not give a usable answer; the caller may retry later."""


class ProfilesClient(Protocol):
    def share_contact(self, worker_id: str) -> bool | None:
        """The worker's `consent.share_contact`, or None when profiles knows no such worker."""

    def contact(self, worker_id: str) -> ContactCard | None:
        """The worker's name, phone and e-mail, or None when profiles knows no such worker."""

    def agency_of(self, worker_id: str) -> str | None:
        """The org of the worker's managing agency, or None (no agency, or no such worker)."""

    def close(self) -> None: ...


class HttpProfilesClient:
    """`ProfilesClient` over HTTP: GET /v1/workers/{id} and GET /v1/workers/{id}/contact."""

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

    def share_contact(self, worker_id: str) -> bool | None:
        body = self._get(_worker_path(worker_id))
        if body is None:
            return None
        consent = body.get("consent")
        if not isinstance(consent, dict):
            return False  # no consent recorded is no consent
        return consent.get("share_contact") is True

    def contact(self, worker_id: str) -> ContactCard | None:
        path = _worker_path(worker_id)
        body = self._get(path + "/contact") if path else None
        if body is None:
            return None
        try:
            return ContactCard.model_validate(body)
        except ValidationError:
            raise ProfilesUnavailable("the profiles service answered contact data in an unknown shape") from None

    def agency_of(self, worker_id: str) -> str | None:
        body = self._get(_worker_path(worker_id))
        agency_id = body.get("agency_id") if body else None
        return agency_id if isinstance(agency_id, str) else None

    def close(self) -> None:
        self._http.close()

    def _get(self, path: str) -> dict[str, Any] | None:
        if not path:
            return None
        try:
            response = self._http.get(path, headers={"Authorization": f"Bearer {self._token()}"})
        except httpx.TimeoutException:
            raise ProfilesUnavailable("the profiles service did not answer in time; retry later") from None
        except httpx.HTTPError as exc:
            log.warning("profiles service unreachable: %s", type(exc).__name__)
            raise ProfilesUnavailable("the profiles service cannot be reached; retry later") from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
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


def _worker_path(worker_id: str) -> str:
    """The worker's path, or "" for an id that would resolve to another path ("." or "..")."""
    if worker_id.strip(".") == "":
        return ""
    return "/v1/workers/" + quote(worker_id, safe="")
