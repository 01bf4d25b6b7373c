from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.posting_kind import PostingKind
from ...models.posting_ranking import PostingRanking
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    worker_id: str,
    *,
    limit: int | Unset = 20,
    kind: None | PostingKind | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_kind: None | str | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    elif isinstance(kind, PostingKind):
        json_kind = kind.value
    else:
        json_kind = kind
    params["kind"] = json_kind

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workers/{worker_id}/recommendations".format(
            worker_id=quote(str(worker_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PostingRanking | Problem | None:
    if response.status_code == 200:
        response_200 = PostingRanking.from_dict(response.json())

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
) -> Response[PostingRanking | Problem]:
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
    limit: int | Unset = 20,
    kind: None | PostingKind | Unset = UNSET,
) -> Response[PostingRanking | Problem]:
    """Worker Recommendations

     Open postings ranked for a worker, by the same formula that ranks candidates.

    Args:
        worker_id (str): an id as the API returned it
        limit (int | Unset): how many hits, best first Default: 20.
        kind (None | PostingKind | Unset): only postings of this kind

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostingRanking | Problem]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
        limit=limit,
        kind=kind,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    kind: None | PostingKind | Unset = UNSET,
) -> PostingRanking | Problem | None:
    """Worker Recommendations

     Open postings ranked for a worker, by the same formula that ranks candidates.

    Args:
        worker_id (str): an id as the API returned it
        limit (int | Unset): how many hits, best first Default: 20.
        kind (None | PostingKind | Unset): only postings of this kind

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostingRanking | Problem
    """

    return sync_detailed(
        worker_id=worker_id,
        client=client,
        limit=limit,
        kind=kind,
    ).parsed


async def asyncio_detailed(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    kind: None | PostingKind | Unset = UNSET,
) -> Response[PostingRanking | Problem]:
    """Worker Recommendations

     Open postings ranked for a worker, by the same formula that ranks candidates.

    Args:
        worker_id (str): an id as the API returned it
        limit (int | Unset): how many hits, best first Default: 20.
        kind (None | PostingKind | Unset): only postings of this kind

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostingRanking | Problem]
    """

    kwargs = _get_kwargs(
        worker_id=worker_id,
        limit=limit,
        kind=kind,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    worker_id: str,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 20,
    kind: None | PostingKind | Unset = UNSET,
) -> PostingRanking | Problem | None:
    """Worker Recommendations

     Open postings ranked for a worker, by the same formula that ranks candidates.

    Args:
        worker_id (str): an id as the API returned it
        limit (int | Unset): how many hits, best first Default: 20.
        kind (None | PostingKind | Unset): only postings of this kind

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostingRanking | Problem
    """

    return (
        await asyncio_detailed(
            worker_id=worker_id,
            client=client,
            limit=limit,
            kind=kind,
        )
    ).parsed
