from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.acceptance_in import AcceptanceIn
from ...models.http_validation_error import HTTPValidationError
from ...models.invitation import Invitation
from ...types import UNSET, Response, Unset


def _get_kwargs(
    invitation_id: str,
    *,
    body: AcceptanceIn | None | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/invitations/{invitation_id}/accept".format(
            invitation_id=quote(str(invitation_id), safe=""),
        ),
    }

    if isinstance(body, AcceptanceIn):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | Invitation | None:
    if response.status_code == 200:
        response_200 = Invitation.from_dict(response.json())

        return response_200

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HTTPValidationError | Invitation]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    invitation_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AcceptanceIn | None | Unset = UNSET,
) -> Response[HTTPValidationError | Invitation]:
    """Accept Invitation

     The invited worker, or the agency managing it; an accepted invitation is mutual interest (the
    handshake).
    `{"share_contact": true}` also consents to giving the posting's org the worker's contact data.

    Args:
        invitation_id (str): an invitation id
        body (AcceptanceIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | Invitation]
    """

    kwargs = _get_kwargs(
        invitation_id=invitation_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    invitation_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AcceptanceIn | None | Unset = UNSET,
) -> HTTPValidationError | Invitation | None:
    """Accept Invitation

     The invited worker, or the agency managing it; an accepted invitation is mutual interest (the
    handshake).
    `{"share_contact": true}` also consents to giving the posting's org the worker's contact data.

    Args:
        invitation_id (str): an invitation id
        body (AcceptanceIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | Invitation
    """

    return sync_detailed(
        invitation_id=invitation_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    invitation_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AcceptanceIn | None | Unset = UNSET,
) -> Response[HTTPValidationError | Invitation]:
    """Accept Invitation

     The invited worker, or the agency managing it; an accepted invitation is mutual interest (the
    handshake).
    `{"share_contact": true}` also consents to giving the posting's org the worker's contact data.

    Args:
        invitation_id (str): an invitation id
        body (AcceptanceIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | Invitation]
    """

    kwargs = _get_kwargs(
        invitation_id=invitation_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    invitation_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AcceptanceIn | None | Unset = UNSET,
) -> HTTPValidationError | Invitation | None:
    """Accept Invitation

     The invited worker, or the agency managing it; an accepted invitation is mutual interest (the
    handshake).
    `{"share_contact": true}` also consents to giving the posting's org the worker's contact data.

    Args:
        invitation_id (str): an invitation id
        body (AcceptanceIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | Invitation
    """

    return (
        await asyncio_detailed(
            invitation_id=invitation_id,
            client=client,
            body=body,
        )
    ).parsed
