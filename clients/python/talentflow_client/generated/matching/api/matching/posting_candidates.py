from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.worker_ranking import WorkerRanking
from ...types import UNSET, Response, Unset


def _get_kwargs(
    posting_id: str,
    *,
    limit: int | Unset = 20,
    min_score: float | Unset = 0.0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["min_score"] = min_score

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/postings/{posting_id}/candidates".format(
            posting_id=quote(str(posting_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WorkerRanking | None:
    if response.status_code == 200:
        response_200 = WorkerRanking.from_dict(response.json())

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
) -> Response[Problem | WorkerRanking]:
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
    limit: int | Unset = 20,
    min_score: float | Unset = 0.0,
) -> Response[Problem | WorkerRanking]:
    """Posting Candidates

     Workers ranked for a posting: the hard filters of DESIGN §5, then the ranking formula.

    Args:
        posting_id (str): an id as the API returned it
        limit (int | Unset): how many hits, best first Default: 20.
        min_score (float | Unset): leave out hits scoring below this Default: 0.0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkerRanking]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        limit=limit,
        min_score=min_score,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    min_score: float | Unset = 0.0,
) -> Problem | WorkerRanking | None:
    """Posting Candidates

     Workers ranked for a posting: the hard filters of DESIGN §5, then the ranking formula.

    Args:
        posting_id (str): an id as the API returned it
        limit (int | Unset): how many hits, best first Default: 20.
        min_score (float | Unset): leave out hits scoring below this Default: 0.0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkerRanking
    """

    return sync_detailed(
        posting_id=posting_id,
        client=client,
        limit=limit,
        min_score=min_score,
    ).parsed


async def asyncio_detailed(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    min_score: float | Unset = 0.0,
) -> Response[Problem | WorkerRanking]:
    """Posting Candidates

     Workers ranked for a posting: the hard filters of DESIGN §5, then the ranking formula.

    Args:
        posting_id (str): an id as the API returned it
        limit (int | Unset): how many hits, best first Default: 20.
        min_score (float | Unset): leave out hits scoring below this Default: 0.0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkerRanking]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        limit=limit,
        min_score=min_score,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    posting_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    min_score: float | Unset = 0.0,
) -> Problem | WorkerRanking | None:
    """Posting Candidates

     Workers ranked for a posting: the hard filters of DESIGN §5, then the ranking formula.

    Args:
        posting_id (str): an id as the API returned it
        limit (int | Unset): how many hits, best first Default: 20.
        min_score (float | Unset): leave out hits scoring below this Default: 0.0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkerRanking
    """

    return (
        await asyncio_detailed(
            posting_id=posting_id,
            client=client,
            limit=limit,
            min_score=min_score,
        )
    ).parsed
