from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.growth import Growth
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    worker_id: str,
    *,
    posting_id: None | str | Unset = UNSET,
    limit: int | Unset = 10,
    accept_language: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(accept_language, Unset):
        headers["accept-language"] = accept_language

    params: dict[str, Any] = {}

    json_posting_id: None | str | Unset
    if isinstance(posting_id, Unset):
        json_posting_id = UNSET
    else:
        json_posting_id = posting_id
    params["posting_id"] = json_posting_id

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workers/{worker_id}/growth".format(
            worker_id=quote(str(worker_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Growth | Problem | None:
    if response.status_code == 200:
        response_200 = Growth.from_dict(response.json())

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
) -> Response[Growth | Problem]:
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
    posting_id: None | str | Unset = UNSET,
    limit: int | Unset = 10,
    accept_language: None | str | Unset = UNSET,
) -> Response[Growth | Problem]:
    """Worker Growth

     What the worker lacks for a posting, the open courses that close it, and the next rung of the
    ladder.

    Args:
        worker_id (str): an id as the API returned it
        posting_id (None | str | Unset): the posting to measure the gaps against
        limit (int | Unset): how many courses, best first Default: 10.
        accept_language (None | str | Unset): `en` for English texts; Chinese otherwise

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Growth | Problem]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
        posting_id=posting_id,
        limit=limit,
        accept_language=accept_language,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    posting_id: None | str | Unset = UNSET,
    limit: int | Unset = 10,
    accept_language: None | str | Unset = UNSET,
) -> Growth | Problem | None:
    """Worker Growth

     What the worker lacks for a posting, the open courses that close it, and the next rung of the
    ladder.

    Args:
        worker_id (str): an id as the API returned it
        posting_id (None | str | Unset): the posting to measure the gaps against
        limit (int | Unset): how many courses, best first Default: 10.
        accept_language (None | str | Unset): `en` for English texts; Chinese otherwise

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Growth | Problem
    """

    return sync_detailed(
        worker_id=worker_id,
        client=client,
        posting_id=posting_id,
        limit=limit,
        accept_language=accept_language,
    ).parsed


async def asyncio_detailed(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    posting_id: None | str | Unset = UNSET,
    limit: int | Unset = 10,
    accept_language: None | str | Unset = UNSET,
) -> Response[Growth | Problem]:
    """Worker Growth

     What the worker lacks for a posting, the open courses that close it, and the next rung of the
    ladder.

    Args:
        worker_id (str): an id as the API returned it
        posting_id (None | str | Unset): the posting to measure the gaps against
        limit (int | Unset): how many courses, best first Default: 10.
        accept_language (None | str | Unset): `en` for English texts; Chinese otherwise

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Growth | Problem]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
        posting_id=posting_id,
        limit=limit,
        accept_language=accept_language,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    posting_id: None | str | Unset = UNSET,
    limit: int | Unset = 10,
    accept_language: None | str | Unset = UNSET,
) -> Growth | Problem | None:
    """Worker Growth

     What the worker lacks for a posting, the open courses that close it, and the next rung of the
    ladder.

    Args:
        worker_id (str): an id as the API returned it
        posting_id (None | str | Unset): the posting to measure the gaps against
        limit (int | Unset): how many courses, best first Default: 10.
        accept_language (None | str | Unset): `en` for English texts; Chinese otherwise

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Growth | Problem
    """

    return (
        await asyncio_detailed(
            worker_id=worker_id,
            client=client,
            posting_id=posting_id,
            limit=limit,
            accept_language=accept_language,
        )
    ).parsed
