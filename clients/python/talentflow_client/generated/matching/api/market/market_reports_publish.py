from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.market_reports_publish_response_market_reports_publish import (
    MarketReportsPublishResponseMarketReportsPublish,
)
from ...models.report_request import ReportRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: None | ReportRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/market/reports",
    }

    if isinstance(body, ReportRequest):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish | None:
    if response.status_code == 201:
        response_201 = MarketReportsPublishResponseMarketReportsPublish.from_dict(
            response.json()
        )

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
) -> Response[HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReportRequest | Unset = UNSET,
) -> Response[HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish]:
    """Publish Report

     Publish a report of the market now (admins only); announced as market.report_published.

    Args:
        body (None | ReportRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish]
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
    body: None | ReportRequest | Unset = UNSET,
) -> HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish | None:
    """Publish Report

     Publish a report of the market now (admins only); announced as market.report_published.

    Args:
        body (None | ReportRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReportRequest | Unset = UNSET,
) -> Response[HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish]:
    """Publish Report

     Publish a report of the market now (admins only); announced as market.report_published.

    Args:
        body (None | ReportRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: None | ReportRequest | Unset = UNSET,
) -> HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish | None:
    """Publish Report

     Publish a report of the market now (admins only); announced as market.report_published.

    Args:
        body (None | ReportRequest | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | MarketReportsPublishResponseMarketReportsPublish
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
