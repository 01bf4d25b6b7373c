from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.worker_created import WorkerCreated
from ...models.worker_in import WorkerIn
from ...types import Response


def _get_kwargs(
    *,
    body: WorkerIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/workers",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | WorkerCreated | None:
    if response.status_code == 201:
        response_201 = WorkerCreated.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = cast(Any, None)
        return response_401

    if response.status_code == 403:
        response_403 = cast(Any, None)
        return response_403

    if response.status_code == 404:
        response_404 = cast(Any, None)
        return response_404

    if response.status_code == 409:
        response_409 = cast(Any, None)
        return response_409

    if response.status_code == 422:
        response_422 = cast(Any, None)
        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | WorkerCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WorkerIn,
) -> Response[Any | WorkerCreated]:
    """Create Worker

     Create a profile. A worker token creates its own (id = its subject); an agency or admin gets a
    new id and a `worker_token` for the person. Accepts `Idempotency-Key`.

    Args:
        body (WorkerIn): A worker as a client writes it: every shared worker field plus contact
            data (personal data).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | WorkerCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: WorkerIn,
) -> Any | WorkerCreated | None:
    """Create Worker

     Create a profile. A worker token creates its own (id = its subject); an agency or admin gets a
    new id and a `worker_token` for the person. Accepts `Idempotency-Key`.

    Args:
        body (WorkerIn): A worker as a client writes it: every shared worker field plus contact
            data (personal data).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | WorkerCreated
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WorkerIn,
) -> Response[Any | WorkerCreated]:
    """Create Worker

     Create a profile. A worker token creates its own (id = its subject); an agency or admin gets a
    new id and a `worker_token` for the person. Accepts `Idempotency-Key`.

    Args:
        body (WorkerIn): A worker as a client writes it: every shared worker field plus contact
            data (personal data).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | WorkerCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: WorkerIn,
) -> Any | WorkerCreated | None:
    """Create Worker

     Create a profile. A worker token creates its own (id = its subject); an agency or admin gets a
    new id and a `worker_token` for the person. Accepts `Idempotency-Key`.

    Args:
        body (WorkerIn): A worker as a client writes it: every shared worker field plus contact
            data (personal data).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | WorkerCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
