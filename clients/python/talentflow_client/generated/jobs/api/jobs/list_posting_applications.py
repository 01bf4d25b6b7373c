from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application_status import ApplicationStatus
from ...models.page_application import PageApplication
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    posting_id: str,
    *,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ApplicationStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/postings/{posting_id}/applications".format(
            posting_id=quote(str(posting_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageApplication | Problem | None:
    if response.status_code == 200:
        response_200 = PageApplication.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[PageApplication | Problem]:
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
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PageApplication | Problem]:
    """List Posting Applications

    Args:
        posting_id (str): a posting id
        status (ApplicationStatus | None | Unset):
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageApplication | Problem]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PageApplication | Problem | None:
    """List Posting Applications

    Args:
        posting_id (str): a posting id
        status (ApplicationStatus | None | Unset):
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageApplication | Problem
    """

    return sync_detailed(
        posting_id=posting_id,
        client=client,
        status=status,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PageApplication | Problem]:
    """List Posting Applications

    Args:
        posting_id (str): a posting id
        status (ApplicationStatus | None | Unset):
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageApplication | Problem]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    status: ApplicationStatus | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PageApplication | Problem | None:
    """List Posting Applications

    Args:
        posting_id (str): a posting id
        status (ApplicationStatus | None | Unset):
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageApplication | Problem
    """

    return (
        await asyncio_detailed(
            posting_id=posting_id,
            client=client,
            status=status,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
