from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.contact_consent import ContactConsent
from ...models.contact_consent_in import ContactConsentIn
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    posting_id: str,
    *,
    body: ContactConsentIn | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/postings/{posting_id}/contact-consent".format(
            posting_id=quote(str(posting_id), safe=""),
        ),
    }

    if isinstance(body, ContactConsentIn):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ContactConsent | Problem | None:
    if response.status_code == 200:
        response_200 = ContactConsent.from_dict(response.json())

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
) -> Response[ContactConsent | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    body: ContactConsentIn | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ContactConsent | Problem]:
    """Grant Contact Consent

     The worker consents (later than its application or acceptance) to give this posting's org
    its contact data. Through an agency (its token, or a worker token it minted) the consent counts
    only where the worker's profile records that the agency holds it.

    Args:
        posting_id (str): a posting id
        idempotency_key (str | Unset):
        body (ContactConsentIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactConsent | Problem]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    body: ContactConsentIn | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ContactConsent | Problem | None:
    """Grant Contact Consent

     The worker consents (later than its application or acceptance) to give this posting's org
    its contact data. Through an agency (its token, or a worker token it minted) the consent counts
    only where the worker's profile records that the agency holds it.

    Args:
        posting_id (str): a posting id
        idempotency_key (str | Unset):
        body (ContactConsentIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactConsent | Problem
    """

    return sync_detailed(
        posting_id=posting_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    body: ContactConsentIn | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[ContactConsent | Problem]:
    """Grant Contact Consent

     The worker consents (later than its application or acceptance) to give this posting's org
    its contact data. Through an agency (its token, or a worker token it minted) the consent counts
    only where the worker's profile records that the agency holds it.

    Args:
        posting_id (str): a posting id
        idempotency_key (str | Unset):
        body (ContactConsentIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ContactConsent | Problem]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    body: ContactConsentIn | None | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> ContactConsent | Problem | None:
    """Grant Contact Consent

     The worker consents (later than its application or acceptance) to give this posting's org
    its contact data. Through an agency (its token, or a worker token it minted) the consent counts
    only where the worker's profile records that the agency holds it.

    Args:
        posting_id (str): a posting id
        idempotency_key (str | Unset):
        body (ContactConsentIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ContactConsent | Problem
    """

    return (
        await asyncio_detailed(
            posting_id=posting_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
