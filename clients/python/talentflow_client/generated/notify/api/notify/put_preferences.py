from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.preferences_in import PreferencesIn
from ...models.preferences_out import PreferencesOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: PreferencesIn,
    worker_id: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    params: dict[str, Any] = {}

    json_worker_id: None | str | Unset
    if isinstance(worker_id, Unset):
        json_worker_id = UNSET
    else:
        json_worker_id = worker_id
    params["worker_id"] = json_worker_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/preferences",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PreferencesOut | Problem | None:
    if response.status_code == 200:
        response_200 = PreferencesOut.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 428:
        response_428 = Problem.from_dict(response.json())

        return response_428

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
    body: PreferencesIn,
    worker_id: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Response[PreferencesOut | Problem]:
    """Put Preferences

     Replace the caller's preferences (or a managed worker's, with `worker_id`). If-Match is
    honoured (412 when stale) but not required.

    Args:
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        if_match (str | Unset):
        body (PreferencesIn): What a recipient writes with PUT /v1/preferences (the whole
            document; missing fields default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PreferencesOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        worker_id=worker_id,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: PreferencesIn,
    worker_id: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> PreferencesOut | Problem | None:
    """Put Preferences

     Replace the caller's preferences (or a managed worker's, with `worker_id`). If-Match is
    honoured (412 when stale) but not required.

    Args:
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        if_match (str | Unset):
        body (PreferencesIn): What a recipient writes with PUT /v1/preferences (the whole
            document; missing fields default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PreferencesOut | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
        worker_id=worker_id,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PreferencesIn,
    worker_id: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Response[PreferencesOut | Problem]:
    """Put Preferences

     Replace the caller's preferences (or a managed worker's, with `worker_id`). If-Match is
    honoured (412 when stale) but not required.

    Args:
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        if_match (str | Unset):
        body (PreferencesIn): What a recipient writes with PUT /v1/preferences (the whole
            document; missing fields default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PreferencesOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
        worker_id=worker_id,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PreferencesIn,
    worker_id: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> PreferencesOut | Problem | None:
    """Put Preferences

     Replace the caller's preferences (or a managed worker's, with `worker_id`). If-Match is
    honoured (412 when stale) but not required.

    Args:
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        if_match (str | Unset):
        body (PreferencesIn): What a recipient writes with PUT /v1/preferences (the whole
            document; missing fields default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PreferencesOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            worker_id=worker_id,
            if_match=if_match,
        )
    ).parsed
