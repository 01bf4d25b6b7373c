from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.application import Application
from ...models.application_change import ApplicationChange
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    posting_id: str,
    application_id: str,
    *,
    body: ApplicationChange,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/postings/{posting_id}/applications/{application_id}".format(
            posting_id=quote(str(posting_id), safe=""),
            application_id=quote(str(application_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Application | Problem | None:
    if response.status_code == 200:
        response_200 = Application.from_dict(response.json())

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
) -> Response[Application | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    posting_id: str,
    application_id: str,
    *,
    client: AuthenticatedClient,
    body: ApplicationChange,
    if_match: str | Unset = UNSET,
) -> Response[Application | Problem]:
    """Change Application

     The employer side: submitted → shortlisted → hired | rejected; the worker: → withdrawn.

    Args:
        posting_id (str): a posting id
        application_id (str): an application id
        if_match (str | Unset):
        body (ApplicationChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Application | Problem]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        application_id=application_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    posting_id: str,
    application_id: str,
    *,
    client: AuthenticatedClient,
    body: ApplicationChange,
    if_match: str | Unset = UNSET,
) -> Application | Problem | None:
    """Change Application

     The employer side: submitted → shortlisted → hired | rejected; the worker: → withdrawn.

    Args:
        posting_id (str): a posting id
        application_id (str): an application id
        if_match (str | Unset):
        body (ApplicationChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Application | Problem
    """

    return sync_detailed(
        posting_id=posting_id,
        application_id=application_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    posting_id: str,
    application_id: str,
    *,
    client: AuthenticatedClient,
    body: ApplicationChange,
    if_match: str | Unset = UNSET,
) -> Response[Application | Problem]:
    """Change Application

     The employer side: submitted → shortlisted → hired | rejected; the worker: → withdrawn.

    Args:
        posting_id (str): a posting id
        application_id (str): an application id
        if_match (str | Unset):
        body (ApplicationChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Application | Problem]
    """

    kwargs = _get_kwargs(
        posting_id=posting_id,
        application_id=application_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    posting_id: str,
    application_id: str,
    *,
    client: AuthenticatedClient,
    body: ApplicationChange,
    if_match: str | Unset = UNSET,
) -> Application | Problem | None:
    """Change Application

     The employer side: submitted → shortlisted → hired | rejected; the worker: → withdrawn.

    Args:
        posting_id (str): a posting id
        application_id (str): an application id
        if_match (str | Unset):
        body (ApplicationChange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Application | Problem
    """

    return (
        await asyncio_detailed(
            posting_id=posting_id,
            application_id=application_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
