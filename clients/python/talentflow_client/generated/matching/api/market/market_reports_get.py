from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.market_reports_get_format import MarketReportsGetFormat
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    report_id: str,
    *,
    format_: MarketReportsGetFormat | Unset = MarketReportsGetFormat.JSON,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/market/reports/{report_id}".format(
            report_id=quote(str(report_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | None:
    if response.status_code == 200:
        response_200 = response.json()
        return response_200

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    report_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: MarketReportsGetFormat | Unset = MarketReportsGetFormat.JSON,
) -> Response[Any | Problem]:
    """Get Report

     One published report: its tables as JSON, or as CSV (`.csv` or `?format=csv`).

    Args:
        report_id (str):
        format_ (MarketReportsGetFormat | Unset):  Default: MarketReportsGetFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        report_id=report_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    report_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: MarketReportsGetFormat | Unset = MarketReportsGetFormat.JSON,
) -> Any | Problem | None:
    """Get Report

     One published report: its tables as JSON, or as CSV (`.csv` or `?format=csv`).

    Args:
        report_id (str):
        format_ (MarketReportsGetFormat | Unset):  Default: MarketReportsGetFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        report_id=report_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    report_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: MarketReportsGetFormat | Unset = MarketReportsGetFormat.JSON,
) -> Response[Any | Problem]:
    """Get Report

     One published report: its tables as JSON, or as CSV (`.csv` or `?format=csv`).

    Args:
        report_id (str):
        format_ (MarketReportsGetFormat | Unset):  Default: MarketReportsGetFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        report_id=report_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    report_id: str,
    *,
    client: AuthenticatedClient | Client,
    format_: MarketReportsGetFormat | Unset = MarketReportsGetFormat.JSON,
) -> Any | Problem | None:
    """Get Report

     One published report: its tables as JSON, or as CSV (`.csv` or `?format=csv`).

    Args:
        report_id (str):
        format_ (MarketReportsGetFormat | Unset):  Default: MarketReportsGetFormat.JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            report_id=report_id,
            client=client,
            format_=format_,
        )
    ).parsed
