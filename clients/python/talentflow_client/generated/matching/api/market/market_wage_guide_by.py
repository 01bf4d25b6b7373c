from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.market_wage_guide_by_dimension import MarketWageGuideByDimension
from ...models.market_wage_guide_by_level_type_0 import MarketWageGuideByLevelType0
from ...models.market_wage_guide_by_response_market_wage_guide_by import (
    MarketWageGuideByResponseMarketWageGuideBy,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    dimension: MarketWageGuideByDimension,
    *,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketWageGuideByLevelType0 | None | Unset = UNSET,
    period: None | str | Unset = UNSET,
    depth: int | None | Unset = UNSET,
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
    elif isinstance(level, MarketWageGuideByLevelType0):
        json_level = level.value
    else:
        json_level = level
    params["level"] = json_level

    json_period: None | str | Unset
    if isinstance(period, Unset):
        json_period = UNSET
    else:
        json_period = period
    params["period"] = json_period

    json_depth: int | None | Unset
    if isinstance(depth, Unset):
        json_depth = UNSET
    else:
        json_depth = depth
    params["depth"] = json_depth

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/market/wage-guide/by/{dimension}".format(
            dimension=quote(str(dimension), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MarketWageGuideByResponseMarketWageGuideBy | Problem | None:
    if response.status_code == 200:
        response_200 = MarketWageGuideByResponseMarketWageGuideBy.from_dict(
            response.json()
        )

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
) -> Response[MarketWageGuideByResponseMarketWageGuideBy | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dimension: MarketWageGuideByDimension,
    *,
    client: AuthenticatedClient,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketWageGuideByLevelType0 | None | Unset = UNSET,
    period: None | str | Unset = UNSET,
    depth: int | None | Unset = UNSET,
) -> Response[MarketWageGuideByResponseMarketWageGuideBy | Problem]:
    """Wage Guide By

    Args:
        dimension (MarketWageGuideByDimension):
        occupation (None | str | Unset): a code of 职业分类大典 at any level; includes everything below
            it
        region (None | str | Unset): province (2 digits), city (4) or county (6)
        level (MarketWageGuideByLevelType0 | None | Unset): a skill level, or high_skill (senior
            and above)
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default
        depth (int | None | Unset): occupation: 1 major … 4 occupation; region: 1 province, 2
            city, 3 county

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MarketWageGuideByResponseMarketWageGuideBy | Problem]
    """

    kwargs = _get_kwargs(
        dimension=dimension,
        occupation=occupation,
        region=region,
        level=level,
        period=period,
        depth=depth,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    dimension: MarketWageGuideByDimension,
    *,
    client: AuthenticatedClient,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketWageGuideByLevelType0 | None | Unset = UNSET,
    period: None | str | Unset = UNSET,
    depth: int | None | Unset = UNSET,
) -> MarketWageGuideByResponseMarketWageGuideBy | Problem | None:
    """Wage Guide By

    Args:
        dimension (MarketWageGuideByDimension):
        occupation (None | str | Unset): a code of 职业分类大典 at any level; includes everything below
            it
        region (None | str | Unset): province (2 digits), city (4) or county (6)
        level (MarketWageGuideByLevelType0 | None | Unset): a skill level, or high_skill (senior
            and above)
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default
        depth (int | None | Unset): occupation: 1 major … 4 occupation; region: 1 province, 2
            city, 3 county

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MarketWageGuideByResponseMarketWageGuideBy | Problem
    """

    return sync_detailed(
        dimension=dimension,
        client=client,
        occupation=occupation,
        region=region,
        level=level,
        period=period,
        depth=depth,
    ).parsed


async def asyncio_detailed(
    dimension: MarketWageGuideByDimension,
    *,
    client: AuthenticatedClient,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketWageGuideByLevelType0 | None | Unset = UNSET,
    period: None | str | Unset = UNSET,
    depth: int | None | Unset = UNSET,
) -> Response[MarketWageGuideByResponseMarketWageGuideBy | Problem]:
    """Wage Guide By

    Args:
        dimension (MarketWageGuideByDimension):
        occupation (None | str | Unset): a code of 职业分类大典 at any level; includes everything below
            it
        region (None | str | Unset): province (2 digits), city (4) or county (6)
        level (MarketWageGuideByLevelType0 | None | Unset): a skill level, or high_skill (senior
            and above)
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default
        depth (int | None | Unset): occupation: 1 major … 4 occupation; region: 1 province, 2
            city, 3 county

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MarketWageGuideByResponseMarketWageGuideBy | Problem]
    """

    kwargs = _get_kwargs(
        dimension=dimension,
        occupation=occupation,
        region=region,
        level=level,
        period=period,
        depth=depth,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    dimension: MarketWageGuideByDimension,
    *,
    client: AuthenticatedClient,
    occupation: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    level: MarketWageGuideByLevelType0 | None | Unset = UNSET,
    period: None | str | Unset = UNSET,
    depth: int | None | Unset = UNSET,
) -> MarketWageGuideByResponseMarketWageGuideBy | Problem | None:
    """Wage Guide By

    Args:
        dimension (MarketWageGuideByDimension):
        occupation (None | str | Unset): a code of 职业分类大典 at any level; includes everything below
            it
        region (None | str | Unset): province (2 digits), city (4) or county (6)
        level (MarketWageGuideByLevelType0 | None | Unset): a skill level, or high_skill (senior
            and above)
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default
        depth (int | None | Unset): occupation: 1 major … 4 occupation; region: 1 province, 2
            city, 3 county

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MarketWageGuideByResponseMarketWageGuideBy | Problem
    """

    return (
        await asyncio_detailed(
            dimension=dimension,
            client=client,
            occupation=occupation,
            region=region,
            level=level,
            period=period,
            depth=depth,
        )
    ).parsed
