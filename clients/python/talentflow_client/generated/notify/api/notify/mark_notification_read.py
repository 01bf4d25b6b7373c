from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.notification_out import NotificationOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    notification_id: str,
    *,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(accept_language, Unset):
        headers["accept-language"] = accept_language

    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    json_worker_id: None | str | Unset
    if isinstance(worker_id, Unset):
        json_worker_id = UNSET
    else:
        json_worker_id = worker_id
    params["worker_id"] = json_worker_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/inbox/{notification_id}/read".format(
            notification_id=quote(str(notification_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> NotificationOut | Problem | None:
    if response.status_code == 200:
        response_200 = NotificationOut.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[NotificationOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    notification_id: str,
    *,
    client: AuthenticatedClient,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[NotificationOut | Problem]:
    """Mark Read

     Mark one of the caller's notifications read (or, with `worker_id`, one of a managed worker's);
    reading it again keeps the first read time.

    Args:
        notification_id (str): an id this API returned
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        accept_language (None | str | Unset): `en` for English texts
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationOut | Problem]
    """

    kwargs = _get_kwargs(
        notification_id=notification_id,
        worker_id=worker_id,
        accept_language=accept_language,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    notification_id: str,
    *,
    client: AuthenticatedClient,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> NotificationOut | Problem | None:
    """Mark Read

     Mark one of the caller's notifications read (or, with `worker_id`, one of a managed worker's);
    reading it again keeps the first read time.

    Args:
        notification_id (str): an id this API returned
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        accept_language (None | str | Unset): `en` for English texts
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationOut | Problem
    """

    return sync_detailed(
        notification_id=notification_id,
        client=client,
        worker_id=worker_id,
        accept_language=accept_language,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    notification_id: str,
    *,
    client: AuthenticatedClient,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> Response[NotificationOut | Problem]:
    """Mark Read

     Mark one of the caller's notifications read (or, with `worker_id`, one of a managed worker's);
    reading it again keeps the first read time.

    Args:
        notification_id (str): an id this API returned
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        accept_language (None | str | Unset): `en` for English texts
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[NotificationOut | Problem]
    """

    kwargs = _get_kwargs(
        notification_id=notification_id,
        worker_id=worker_id,
        accept_language=accept_language,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    notification_id: str,
    *,
    client: AuthenticatedClient,
    worker_id: None | str | Unset = UNSET,
    accept_language: None | str | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
) -> NotificationOut | Problem | None:
    """Mark Read

     Mark one of the caller's notifications read (or, with `worker_id`, one of a managed worker's);
    reading it again keeps the first read time.

    Args:
        notification_id (str): an id this API returned
        worker_id (None | str | Unset): an agency (or admin): the managed worker whose inbox or
            preferences these are
        accept_language (None | str | Unset): `en` for English texts
        idempotency_key (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        NotificationOut | Problem
    """

    return (
        await asyncio_detailed(
            notification_id=notification_id,
            client=client,
            worker_id=worker_id,
            accept_language=accept_language,
            idempotency_key=idempotency_key,
        )
    ).parsed
