from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.preferences_out import PreferencesOut
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
) -> HTTPValidationError | PreferencesOut | None:
    if response.status_code == 200:
        response_200 = PreferencesOut.from_dict(response.json())

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
) -> Response[HTTPValidationError | PreferencesOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    worker_id: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | PreferencesOut]:
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
        Response[HTTPValidationError | PreferencesOut]
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
    client: AuthenticatedClient | Client,
    worker_id: None | str | Unset = UNSET,
) -> HTTPValidationError | PreferencesOut | None:
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
        HTTPValidationError | PreferencesOut
    """

    return sync_detailed(
        client=client,
        worker_id=worker_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    worker_id: None | str | Unset = UNSET,
) -> Response[HTTPValidationError | PreferencesOut]:
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
        Response[HTTPValidationError | PreferencesOut]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    worker_id: None | str | Unset = UNSET,
) -> HTTPValidationError | PreferencesOut | None:
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
        HTTPValidationError | PreferencesOut
    """

    return (
        await asyncio_detailed(
            client=client,
            worker_id=worker_id,
        )
    ).parsed
