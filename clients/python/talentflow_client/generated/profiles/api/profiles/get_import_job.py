from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.import_job_view import ImportJobView
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: str,
    *,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    outcome: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_outcome: None | str | Unset
    if isinstance(outcome, Unset):
        json_outcome = UNSET
    else:
        json_outcome = outcome
    params["outcome"] = json_outcome

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workers/import/{job_id}".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ImportJobView | Problem | None:
    if response.status_code == 200:
        response_200 = ImportJobView.from_dict(response.json())

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
) -> Response[ImportJobView | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    outcome: None | str | Unset = UNSET,
) -> Response[ImportJobView | Problem]:
    """Get Import Job

     Status, counts and one page of per-row results (row order; follow `results.next_cursor`).

    Args:
        job_id (str):
        limit (int | Unset): per-row results on this page Default: 100.
        cursor (None | str | Unset):
        outcome (None | str | Unset): only rows with this outcome

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportJobView | Problem]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        limit=limit,
        cursor=cursor,
        outcome=outcome,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    outcome: None | str | Unset = UNSET,
) -> ImportJobView | Problem | None:
    """Get Import Job

     Status, counts and one page of per-row results (row order; follow `results.next_cursor`).

    Args:
        job_id (str):
        limit (int | Unset): per-row results on this page Default: 100.
        cursor (None | str | Unset):
        outcome (None | str | Unset): only rows with this outcome

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportJobView | Problem
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        limit=limit,
        cursor=cursor,
        outcome=outcome,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    outcome: None | str | Unset = UNSET,
) -> Response[ImportJobView | Problem]:
    """Get Import Job

     Status, counts and one page of per-row results (row order; follow `results.next_cursor`).

    Args:
        job_id (str):
        limit (int | Unset): per-row results on this page Default: 100.
        cursor (None | str | Unset):
        outcome (None | str | Unset): only rows with this outcome

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportJobView | Problem]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        limit=limit,
        cursor=cursor,
        outcome=outcome,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    cursor: None | str | Unset = UNSET,
    outcome: None | str | Unset = UNSET,
) -> ImportJobView | Problem | None:
    """Get Import Job

     Status, counts and one page of per-row results (row order; follow `results.next_cursor`).

    Args:
        job_id (str):
        limit (int | Unset): per-row results on this page Default: 100.
        cursor (None | str | Unset):
        outcome (None | str | Unset): only rows with this outcome

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportJobView | Problem
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            limit=limit,
            cursor=cursor,
            outcome=outcome,
        )
    ).parsed
