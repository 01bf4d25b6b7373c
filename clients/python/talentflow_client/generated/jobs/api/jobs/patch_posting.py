from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.posting import Posting
from ...models.posting_patch import PostingPatch
from ...types import UNSET, Response


def _get_kwargs(
    posting_id: str,
    *,
    body: PostingPatch | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/postings/{posting_id}".format(
            posting_id=quote(str(posting_id), safe=""),
        ),
    }

    if isinstance(body, PostingPatch):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, PostingPatch):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/merge-patch+json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | Posting | None:
    if response.status_code == 200:
        response_200 = Posting.from_dict(response.json())

        return response_200

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
    posting_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PostingPatch | Unset = UNSET,
) -> Response[HTTPValidationError | Posting]:
    """Patch Posting

     JSON merge patch (RFC 7396); the merged posting is validated as a whole.

    Args:
        posting_id (str): a posting id
        body (PostingPatch): A JSON merge patch (RFC 7396) of a posting: present keys replace,
            `null` resets to the
            default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).
        body (PostingPatch): A JSON merge patch (RFC 7396) of a posting: present keys replace,
            `null` resets to the
            default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | Posting]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    posting_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PostingPatch | Unset = UNSET,
) -> HTTPValidationError | Posting | None:
    """Patch Posting

     JSON merge patch (RFC 7396); the merged posting is validated as a whole.

    Args:
        posting_id (str): a posting id
        body (PostingPatch): A JSON merge patch (RFC 7396) of a posting: present keys replace,
            `null` resets to the
            default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).
        body (PostingPatch): A JSON merge patch (RFC 7396) of a posting: present keys replace,
            `null` resets to the
            default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | Posting
    """

    return sync_detailed(
        posting_id=posting_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    posting_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PostingPatch | Unset = UNSET,
) -> Response[HTTPValidationError | Posting]:
    """Patch Posting

     JSON merge patch (RFC 7396); the merged posting is validated as a whole.

    Args:
        posting_id (str): a posting id
        body (PostingPatch): A JSON merge patch (RFC 7396) of a posting: present keys replace,
            `null` resets to the
            default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).
        body (PostingPatch): A JSON merge patch (RFC 7396) of a posting: present keys replace,
            `null` resets to the
            default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | Posting]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    posting_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: PostingPatch | Unset = UNSET,
) -> HTTPValidationError | Posting | None:
    """Patch Posting

     JSON merge patch (RFC 7396); the merged posting is validated as a whole.

    Args:
        posting_id (str): a posting id
        body (PostingPatch): A JSON merge patch (RFC 7396) of a posting: present keys replace,
            `null` resets to the
            default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).
        body (PostingPatch): A JSON merge patch (RFC 7396) of a posting: present keys replace,
            `null` resets to the
            default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | Posting
    """

    return (
        await asyncio_detailed(
            posting_id=posting_id,
            client=client,
            body=body,
        )
    ).parsed
