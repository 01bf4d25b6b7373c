from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.market_trends_level_type_0 import MarketTrendsLevelType0
from ...models.market_trends_response_market_trends import (
    MarketTrendsResponseMarketTrends,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketTrendsLevelType0 | None | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_occupation: None | str | Unset
    if isinstance(occupation, Unset):
        json_occupation = UNSET
    else:
        json_occupation = occupation
    params["occupation"] = json_occupation

    json_region: None | str | Unset
    if isinstance(region, Unset):
        json_region = UNSET
    else:
        json_region = region
    params["region"] = json_region

    json_level: None | str | Unset
    if isinstance(level, Unset):
        json_level = UNSET
    elif isinstance(level, MarketTrendsLevelType0):
        json_level = level.value
    else:
        json_level = level
    params["level"] = json_level

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    else:
        json_until = until
    params["until"] = json_until

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/market/trends",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MarketTrendsResponseMarketTrends | Problem | None:
    if response.status_code == 200:
        response_200 = MarketTrendsResponseMarketTrends.from_dict(response.json())

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
) -> Response[MarketTrendsResponseMarketTrends | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketTrendsLevelType0 | None | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> Response[MarketTrendsResponseMarketTrends | Problem]:
    """Trends

     Each figure over the last periods from published reports, and next period's openings forecast.

    Args:
        occupation (None | str | Unset): a code of 职业分类大典 at any level; includes everything below
            it
        region (None | str | Unset): province (2 digits), city (4) or county (6)
        level (MarketTrendsLevelType0 | None | Unset): a skill level, or high_skill (senior and
            above)
        until (None | str | Unset): last period shown; the latest reported one by default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MarketTrendsResponseMarketTrends | Problem]
    """

    kwargs = _get_kwargs(
        occupation=occupation,
        region=region,
        level=level,
        until=until,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketTrendsLevelType0 | None | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> MarketTrendsResponseMarketTrends | Problem | None:
    """Trends

     Each figure over the last periods from published reports, and next period's openings forecast.

    Args:
        occupation (None | str | Unset): a code of 职业分类大典 at any level; includes everything below
            it
        region (None | str | Unset): province (2 digits), city (4) or county (6)
        level (MarketTrendsLevelType0 | None | Unset): a skill level, or high_skill (senior and
            above)
        until (None | str | Unset): last period shown; the latest reported one by default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MarketTrendsResponseMarketTrends | Problem
    """

    return sync_detailed(
        client=client,
        occupation=occupation,
        region=region,
        level=level,
        until=until,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketTrendsLevelType0 | None | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> Response[MarketTrendsResponseMarketTrends | Problem]:
    """Trends

     Each figure over the last periods from published reports, and next period's openings forecast.

    Args:
        occupation (None | str | Unset): a code of 职业分类大典 at any level; includes everything below
            it
        region (None | str | Unset): province (2 digits), city (4) or county (6)
        level (MarketTrendsLevelType0 | None | Unset): a skill level, or high_skill (senior and
            above)
        until (None | str | Unset): last period shown; the latest reported one by default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MarketTrendsResponseMarketTrends | Problem]
    """

    kwargs = _get_kwargs(
        occupation=occupation,
        region=region,
        level=level,
        until=until,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketTrendsLevelType0 | None | Unset = UNSET,
    until: None | str | Unset = UNSET,
) -> MarketTrendsResponseMarketTrends | Problem | None:
    """Trends

     Each figure over the last periods from published reports, and next period's openings forecast.

    Args:
        occupation (None | str | Unset): a code of 职业分类大典 at any level; includes everything below
            it
        region (None | str | Unset): province (2 digits), city (4) or county (6)
        level (MarketTrendsLevelType0 | None | Unset): a skill level, or high_skill (senior and
            above)
        until (None | str | Unset): last period shown; the latest reported one by default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MarketTrendsResponseMarketTrends | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            occupation=occupation,
            region=region,
            level=level,
            until=until,
        )
    ).parsed
