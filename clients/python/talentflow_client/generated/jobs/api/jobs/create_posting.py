from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.posting import Posting
from ...models.posting_create import PostingCreate
from ...types import Response


def _get_kwargs(
    *,
    body: PostingCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/postings",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | Posting | None:
    if response.status_code == 201:
        response_201 = Posting.from_dict(response.json())

        return response_201

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HTTPValidationError | Posting]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostingCreate,
) -> Response[HTTPValidationError | Posting]:
    """Create Posting

     Publish a posting. An employer posts for its own org; an agency or admin names `org_id`.

    Args:
        body (PostingCreate): `PostingIn` plus the org it is posted for: an employer's own org by
            default, required of
            an agency (one of the orgs it acts for) and of an admin.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | Posting]
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
    body: PostingCreate,
) -> HTTPValidationError | Posting | None:
    """Create Posting

     Publish a posting. An employer posts for its own org; an agency or admin names `org_id`.

    Args:
        body (PostingCreate): `PostingIn` plus the org it is posted for: an employer's own org by
            default, required of
            an agency (one of the orgs it acts for) and of an admin.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | Posting
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PostingCreate,
) -> Response[HTTPValidationError | Posting]:
    """Create Posting

     Publish a posting. An employer posts for its own org; an agency or admin names `org_id`.

    Args:
        body (PostingCreate): `PostingIn` plus the org it is posted for: an employer's own org by
            default, required of
            an agency (one of the orgs it acts for) and of an admin.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | Posting]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PostingCreate,
) -> HTTPValidationError | Posting | None:
    """Create Posting

     Publish a posting. An employer posts for its own org; an agency or admin names `org_id`.

    Args:
        body (PostingCreate): `PostingIn` plus the org it is posted for: an employer's own org by
            default, required of
            an agency (one of the orgs it acts for) and of an admin.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | Posting
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
