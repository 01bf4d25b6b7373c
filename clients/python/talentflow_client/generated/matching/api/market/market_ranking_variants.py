from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.market_ranking_variants_response_market_ranking_variants import (
    MarketRankingVariantsResponseMarketRankingVariants,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    period: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_period: None | str | Unset
    if isinstance(period, Unset):
        json_period = UNSET
    else:
        json_period = period
    params["period"] = json_period

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/market/outcomes/ranking-variants",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MarketRankingVariantsResponseMarketRankingVariants | Problem | None:
    if response.status_code == 200:
        response_200 = MarketRankingVariantsResponseMarketRankingVariants.from_dict(
            response.json()
        )

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
) -> Response[MarketRankingVariantsResponseMarketRankingVariants | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
) -> Response[MarketRankingVariantsResponseMarketRankingVariants | Problem]:
    """Ranking Variants

     Hire rate per ranking-weights fingerprint (admins): compares ranking variants on real outcomes.

    Args:
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MarketRankingVariantsResponseMarketRankingVariants | Problem]
    """

    kwargs = _get_kwargs(
        period=period,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
) -> MarketRankingVariantsResponseMarketRankingVariants | Problem | None:
    """Ranking Variants

     Hire rate per ranking-weights fingerprint (admins): compares ranking variants on real outcomes.

    Args:
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MarketRankingVariantsResponseMarketRankingVariants | Problem
    """

    return sync_detailed(
        client=client,
        period=period,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
) -> Response[MarketRankingVariantsResponseMarketRankingVariants | Problem]:
    """Ranking Variants

     Hire rate per ranking-weights fingerprint (admins): compares ranking variants on real outcomes.

    Args:
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MarketRankingVariantsResponseMarketRankingVariants | Problem]
    """

    kwargs = _get_kwargs(
        period=period,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    period: None | str | Unset = UNSET,
) -> MarketRankingVariantsResponseMarketRankingVariants | Problem | None:
    """Ranking Variants

     Hire rate per ranking-weights fingerprint (admins): compares ranking variants on real outcomes.

    Args:
        period (None | str | Unset): YYYY-MM (or YYYY-Www / YYYY-MM-DD); the current period by
            default

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MarketRankingVariantsResponseMarketRankingVariants | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            period=period,
        )
    ).parsed
