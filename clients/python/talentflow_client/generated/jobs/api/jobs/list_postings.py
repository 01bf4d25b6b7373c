from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_posting import PagePosting
from ...models.posting_kind import PostingKind
from ...models.posting_status import PostingStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    org_id: None | str | Unset = UNSET,
    status: None | PostingStatus | Unset = UNSET,
    kind: None | PostingKind | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_org_id: None | str | Unset
    if isinstance(org_id, Unset):
        json_org_id = UNSET
    else:
        json_org_id = org_id
    params["org_id"] = json_org_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, PostingStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_kind: None | str | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    elif isinstance(kind, PostingKind):
        json_kind = kind.value
    else:
        json_kind = kind
    params["kind"] = json_kind

    json_region: None | str | Unset
    if isinstance(region, Unset):
        json_region = UNSET
    else:
        json_region = region
    params["region"] = json_region

    json_occupation: None | str | Unset
    if isinstance(occupation, Unset):
        json_occupation = UNSET
    else:
        json_occupation = occupation
    params["occupation"] = json_occupation

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/postings",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PagePosting | Problem | None:
    if response.status_code == 200:
        response_200 = PagePosting.from_dict(response.json())

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
) -> Response[PagePosting | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    status: None | PostingStatus | Unset = UNSET,
    kind: None | PostingKind | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PagePosting | Problem]:
    """List Postings

     Postings newest first: open ones for everyone, the others of the orgs the caller manages.

    Args:
        org_id (None | str | Unset):
        status (None | PostingStatus | Unset):
        kind (None | PostingKind | Unset):
        region (None | str | Unset): province, city or county code
        occupation (None | str | Unset): a code; its sub-codes match too
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PagePosting | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        status=status,
        kind=kind,
        region=region,
        occupation=occupation,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    status: None | PostingStatus | Unset = UNSET,
    kind: None | PostingKind | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PagePosting | Problem | None:
    """List Postings

     Postings newest first: open ones for everyone, the others of the orgs the caller manages.

    Args:
        org_id (None | str | Unset):
        status (None | PostingStatus | Unset):
        kind (None | PostingKind | Unset):
        region (None | str | Unset): province, city or county code
        occupation (None | str | Unset): a code; its sub-codes match too
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PagePosting | Problem
    """

    return sync_detailed(
        client=client,
        org_id=org_id,
        status=status,
        kind=kind,
        region=region,
        occupation=occupation,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    status: None | PostingStatus | Unset = UNSET,
    kind: None | PostingKind | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PagePosting | Problem]:
    """List Postings

     Postings newest first: open ones for everyone, the others of the orgs the caller manages.

    Args:
        org_id (None | str | Unset):
        status (None | PostingStatus | Unset):
        kind (None | PostingKind | Unset):
        region (None | str | Unset): province, city or county code
        occupation (None | str | Unset): a code; its sub-codes match too
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PagePosting | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        status=status,
        kind=kind,
        region=region,
        occupation=occupation,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    status: None | PostingStatus | Unset = UNSET,
    kind: None | PostingKind | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PagePosting | Problem | None:
    """List Postings

     Postings newest first: open ones for everyone, the others of the orgs the caller manages.

    Args:
        org_id (None | str | Unset):
        status (None | PostingStatus | Unset):
        kind (None | PostingKind | Unset):
        region (None | str | Unset): province, city or county code
        occupation (None | str | Unset): a code; its sub-codes match too
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PagePosting | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            org_id=org_id,
            status=status,
            kind=kind,
            region=region,
            occupation=occupation,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
