from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.posting_contact import PostingContact
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    posting_id: str,
    worker_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/postings/{posting_id}/contacts/{worker_id}".format(
            posting_id=quote(str(posting_id), safe=""),
            worker_id=quote(str(worker_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PostingContact | Problem | None:
    if response.status_code == 200:
        response_200 = PostingContact.from_dict(response.json())

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
) -> Response[PostingContact | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    posting_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[PostingContact | Problem]:
    """Get Worker Contact

     A worker's contact data, to the posting's org only, after mutual interest (403
    `no-mutual-interest` before) and with the worker's consent for this employer (403
    `contact-consent-missing` without). Each answer is recorded in profiles as a disclosure.

    Args:
        posting_id (str): a posting id
        worker_id (str): a worker id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostingContact | Problem]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        worker_id=worker_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    posting_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
) -> PostingContact | Problem | None:
    """Get Worker Contact

     A worker's contact data, to the posting's org only, after mutual interest (403
    `no-mutual-interest` before) and with the worker's consent for this employer (403
    `contact-consent-missing` without). Each answer is recorded in profiles as a disclosure.

    Args:
        posting_id (str): a posting id
        worker_id (str): a worker id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostingContact | Problem
    """

    return sync_detailed(
        posting_id=posting_id,
        worker_id=worker_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    posting_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[PostingContact | Problem]:
    """Get Worker Contact

     A worker's contact data, to the posting's org only, after mutual interest (403
    `no-mutual-interest` before) and with the worker's consent for this employer (403
    `contact-consent-missing` without). Each answer is recorded in profiles as a disclosure.

    Args:
        posting_id (str): a posting id
        worker_id (str): a worker id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PostingContact | Problem]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        worker_id=worker_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    posting_id: str,
    worker_id: str,
    *,
    client: AuthenticatedClient,
) -> PostingContact | Problem | None:
    """Get Worker Contact

     A worker's contact data, to the posting's org only, after mutual interest (403
    `no-mutual-interest` before) and with the worker's consent for this employer (403
    `contact-consent-missing` without). Each answer is recorded in profiles as a disclosure.

    Args:
        posting_id (str): a posting id
        worker_id (str): a worker id

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PostingContact | Problem
    """

    return (
        await asyncio_detailed(
            posting_id=posting_id,
            worker_id=worker_id,
            client=client,
        )
    ).parsed
