from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.worker import Worker
from ...models.worker_in import WorkerIn
from ...types import UNSET, Response, Unset


def _get_kwargs(
    worker_id: str,
    *,
    body: WorkerIn,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/workers/{worker_id}".format(
            worker_id=quote(str(worker_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | Worker | None:
    if response.status_code == 200:
        response_200 = Worker.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | Worker]:
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
    body: WorkerIn,
    if_match: str | Unset = UNSET,
) -> Response[Problem | Worker]:
    """Replace Worker

     Replace the whole profile (`agency_id` left out keeps the managing agency). Honours If-Match.

    Args:
        worker_id (str): the worker id
        if_match (str | Unset):
        body (WorkerIn): A worker as a client writes it: every shared worker field plus contact
            data (personal data).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Worker]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    body: WorkerIn,
    if_match: str | Unset = UNSET,
) -> Problem | Worker | None:
    """Replace Worker

     Replace the whole profile (`agency_id` left out keeps the managing agency). Honours If-Match.

    Args:
        worker_id (str): the worker id
        if_match (str | Unset):
        body (WorkerIn): A worker as a client writes it: every shared worker field plus contact
            data (personal data).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Worker
    """

    return sync_detailed(
        worker_id=worker_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    body: WorkerIn,
    if_match: str | Unset = UNSET,
) -> Response[Problem | Worker]:
    """Replace Worker

     Replace the whole profile (`agency_id` left out keeps the managing agency). Honours If-Match.

    Args:
        worker_id (str): the worker id
        if_match (str | Unset):
        body (WorkerIn): A worker as a client writes it: every shared worker field plus contact
            data (personal data).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | Worker]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    body: WorkerIn,
    if_match: str | Unset = UNSET,
) -> Problem | Worker | None:
    """Replace Worker

     Replace the whole profile (`agency_id` left out keeps the managing agency). Honours If-Match.

    Args:
        worker_id (str): the worker id
        if_match (str | Unset):
        body (WorkerIn): A worker as a client writes it: every shared worker field plus contact
            data (personal data).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | Worker
    """

    return (
        await asyncio_detailed(
            worker_id=worker_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
