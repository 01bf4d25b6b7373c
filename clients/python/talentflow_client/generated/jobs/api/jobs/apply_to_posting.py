from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application import Application
from ...models.application_in import ApplicationIn
from ...models.http_validation_error import HTTPValidationError
from ...types import UNSET, Response, Unset


def _get_kwargs(
    posting_id: str,
    *,
    body: ApplicationIn | None | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/postings/{posting_id}/applications".format(
            posting_id=quote(str(posting_id), safe=""),
        ),
    }

    if isinstance(body, ApplicationIn):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Application | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = Application.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Application.from_dict(response.json())

        return response_201

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Application | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    posting_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ApplicationIn | None | Unset = UNSET,
) -> Response[Application | HTTPValidationError]:
    """Apply To Posting

     A worker applies to an open posting, once: a second try answers the first application (200).
    An agency (or admin) applies for a worker it manages by naming `worker_id` in the body.

    Args:
        posting_id (str): a posting id
        body (ApplicationIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Application | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    posting_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ApplicationIn | None | Unset = UNSET,
) -> Application | HTTPValidationError | None:
    """Apply To Posting

     A worker applies to an open posting, once: a second try answers the first application (200).
    An agency (or admin) applies for a worker it manages by naming `worker_id` in the body.

    Args:
        posting_id (str): a posting id
        body (ApplicationIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Application | HTTPValidationError
    """

    return sync_detailed(
        posting_id=posting_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    posting_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ApplicationIn | None | Unset = UNSET,
) -> Response[Application | HTTPValidationError]:
    """Apply To Posting

     A worker applies to an open posting, once: a second try answers the first application (200).
    An agency (or admin) applies for a worker it manages by naming `worker_id` in the body.

    Args:
        posting_id (str): a posting id
        body (ApplicationIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Application | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    posting_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: ApplicationIn | None | Unset = UNSET,
) -> Application | HTTPValidationError | None:
    """Apply To Posting

     A worker applies to an open posting, once: a second try answers the first application (200).
    An agency (or admin) applies for a worker it manages by naming `worker_id` in the body.

    Args:
        posting_id (str): a posting id
        body (ApplicationIn | None | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Application | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            posting_id=posting_id,
            client=client,
            body=body,
        )
    ).parsed
