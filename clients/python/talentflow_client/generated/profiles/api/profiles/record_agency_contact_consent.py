from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.agency_contact_consent import AgencyContactConsent
from ...models.agency_contact_consent_in import AgencyContactConsentIn
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    worker_id: str,
    *,
    body: AgencyContactConsentIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/workers/{worker_id}/agency-contact-consent".format(
            worker_id=quote(str(worker_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AgencyContactConsent | Problem | None:
    if response.status_code == 200:
        response_200 = AgencyContactConsent.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AgencyContactConsent | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    body: AgencyContactConsentIn,
) -> Response[AgencyContactConsent | Problem]:
    """Record Agency Contact Consent

     The worker itself (its own token, not one an agency minted) or an admin records that the
    managing agency holds the worker's consent; only then does the agency's word (its token, or a
    worker token it minted) count as consent to share contact data.

    Args:
        worker_id (str): the worker id
        body (AgencyContactConsentIn): PUT /v1/workers/{id}/agency-contact-consent: the worker (or
            an admin) records that its
            managing agency holds its consent to pass its contact data on to employers, and on what
            basis.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AgencyContactConsent | Problem]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    body: AgencyContactConsentIn,
) -> AgencyContactConsent | Problem | None:
    """Record Agency Contact Consent

     The worker itself (its own token, not one an agency minted) or an admin records that the
    managing agency holds the worker's consent; only then does the agency's word (its token, or a
    worker token it minted) count as consent to share contact data.

    Args:
        worker_id (str): the worker id
        body (AgencyContactConsentIn): PUT /v1/workers/{id}/agency-contact-consent: the worker (or
            an admin) records that its
            managing agency holds its consent to pass its contact data on to employers, and on what
            basis.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AgencyContactConsent | Problem
    """

    return sync_detailed(
        worker_id=worker_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    body: AgencyContactConsentIn,
) -> Response[AgencyContactConsent | Problem]:
    """Record Agency Contact Consent

     The worker itself (its own token, not one an agency minted) or an admin records that the
    managing agency holds the worker's consent; only then does the agency's word (its token, or a
    worker token it minted) count as consent to share contact data.

    Args:
        worker_id (str): the worker id
        body (AgencyContactConsentIn): PUT /v1/workers/{id}/agency-contact-consent: the worker (or
            an admin) records that its
            managing agency holds its consent to pass its contact data on to employers, and on what
            basis.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AgencyContactConsent | Problem]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    body: AgencyContactConsentIn,
) -> AgencyContactConsent | Problem | None:
    """Record Agency Contact Consent

     The worker itself (its own token, not one an agency minted) or an admin records that the
    managing agency holds the worker's consent; only then does the agency's word (its token, or a
    worker token it minted) count as consent to share contact data.

    Args:
        worker_id (str): the worker id
        body (AgencyContactConsentIn): PUT /v1/workers/{id}/agency-contact-consent: the worker (or
            an admin) records that its
            managing agency holds its consent to pass its contact data on to employers, and on what
            basis.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AgencyContactConsent | Problem
    """

    return (
        await asyncio_detailed(
            worker_id=worker_id,
            client=client,
            body=body,
        )
    ).parsed
