from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_notification_out import PageNotificationOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    unread: bool | Unset = False,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(accept_language, Unset):
        headers["accept-language"] = accept_language

    params: dict[str, Any] = {}

    params["unread"] = unread

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_worker_id: None | str | Unset
    if isinstance(worker_id, Unset):
        json_worker_id = UNSET
    else:
        json_worker_id = worker_id
    params["worker_id"] = json_worker_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/inbox",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageNotificationOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageNotificationOut.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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
) -> Response[PageNotificationOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    unread: bool | Unset = False,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
) -> Response[PageNotificationOut | Problem]:
    """List Inbox

     The caller's notifications, newest first; an agency reads a worker's it manages with `worker_id`.

    Args:
        unread (bool | Unset): only notifications not read yet Default: False.
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        accept_language (None | str | Unset): `en` for English texts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageNotificationOut | Problem]
    """

    kwargs = _get_kwargs(
        unread=unread,
        limit=limit,
        cursor=cursor,
        worker_id=worker_id,
        accept_language=accept_language,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    unread: bool | Unset = False,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
) -> PageNotificationOut | Problem | None:
    """List Inbox

     The caller's notifications, newest first; an agency reads a worker's it manages with `worker_id`.

    Args:
        unread (bool | Unset): only notifications not read yet Default: False.
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        accept_language (None | str | Unset): `en` for English texts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageNotificationOut | Problem
    """

    return sync_detailed(
        client=client,
        unread=unread,
        limit=limit,
        cursor=cursor,
        worker_id=worker_id,
        accept_language=accept_language,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    unread: bool | Unset = False,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
) -> Response[PageNotificationOut | Problem]:
    """List Inbox

     The caller's notifications, newest first; an agency reads a worker's it manages with `worker_id`.

    Args:
        unread (bool | Unset): only notifications not read yet Default: False.
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        accept_language (None | str | Unset): `en` for English texts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageNotificationOut | Problem]
    """

    kwargs = _get_kwargs(
        unread=unread,
        limit=limit,
        cursor=cursor,
        worker_id=worker_id,
        accept_language=accept_language,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    unread: bool | Unset = False,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
) -> PageNotificationOut | Problem | None:
    """List Inbox

     The caller's notifications, newest first; an agency reads a worker's it manages with `worker_id`.

    Args:
        unread (bool | Unset): only notifications not read yet Default: False.
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        accept_language (None | str | Unset): `en` for English texts

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageNotificationOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            unread=unread,
            limit=limit,
            cursor=cursor,
            worker_id=worker_id,
            accept_language=accept_language,
        )
    ).parsed
