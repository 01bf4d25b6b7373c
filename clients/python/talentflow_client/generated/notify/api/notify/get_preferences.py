from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.preferences_out import PreferencesOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    worker_id: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_worker_id: None | str | Unset
    if isinstance(worker_id, Unset):
        json_worker_id = UNSET
    else:
        json_worker_id = worker_id
    params["worker_id"] = json_worker_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/preferences",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PreferencesOut | Problem | None:
    if response.status_code == 200:
        response_200 = PreferencesOut.from_dict(response.json())

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
) -> Response[PreferencesOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    worker_id: None | str | Unset = UNSET,
) -> Response[PreferencesOut | Problem]:
    """Get Preferences

     The caller's preferences (or a managed worker's, with `worker_id`); defaults until written
    (version 0 means never written).

    Args:
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PreferencesOut | Problem]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    worker_id: None | str | Unset = UNSET,
) -> PreferencesOut | Problem | None:
    """Get Preferences

     The caller's preferences (or a managed worker's, with `worker_id`); defaults until written
    (version 0 means never written).

    Args:
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PreferencesOut | Problem
    """

    return sync_detailed(
        client=client,
        worker_id=worker_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    worker_id: None | str | Unset = UNSET,
) -> Response[PreferencesOut | Problem]:
    """Get Preferences

     The caller's preferences (or a managed worker's, with `worker_id`); defaults until written
    (version 0 means never written).

    Args:
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PreferencesOut | Problem]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    worker_id: None | str | Unset = UNSET,
) -> PreferencesOut | Problem | None:
    """Get Preferences

     The caller's preferences (or a managed worker's, with `worker_id`); defaults until written
    (version 0 means never written).

    Args:
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PreferencesOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            worker_id=worker_id,
        )
    ).parsed
