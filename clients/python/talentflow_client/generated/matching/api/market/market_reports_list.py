from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.market_reports_list_response_market_reports_list import (
    MarketReportsListResponseMarketReportsList,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    period: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_period: None | str | Unset
    if isinstance(period, Unset):
        json_period = UNSET
    else:
        json_period = period
    params["period"] = json_period

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/market/reports",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MarketReportsListResponseMarketReportsList | Problem | None:
    if response.status_code == 200:
        response_200 = MarketReportsListResponseMarketReportsList.from_dict(
            response.json()
        )

        return response_200

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[MarketReportsListResponseMarketReportsList | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    period: None | str | Unset = UNSET,
) -> Response[MarketReportsListResponseMarketReportsList | Problem]:
    """List Reports

     Published reports, newest first (public: 定期发布).

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MarketReportsListResponseMarketReportsList | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        period=period,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    period: None | str | Unset = UNSET,
) -> MarketReportsListResponseMarketReportsList | Problem | None:
    """List Reports

     Published reports, newest first (public: 定期发布).

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MarketReportsListResponseMarketReportsList | Problem
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        period=period,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    period: None | str | Unset = UNSET,
) -> Response[MarketReportsListResponseMarketReportsList | Problem]:
    """List Reports

     Published reports, newest first (public: 定期发布).

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MarketReportsListResponseMarketReportsList | Problem]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        period=period,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    period: None | str | Unset = UNSET,
) -> MarketReportsListResponseMarketReportsList | Problem | None:
    """List Reports

     Published reports, newest first (public: 定期发布).

    Args:
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MarketReportsListResponseMarketReportsList | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            period=period,
        )
    ).parsed
