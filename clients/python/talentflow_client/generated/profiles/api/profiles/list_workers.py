from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.skill_level import SkillLevel
from ...models.worker_page import WorkerPage
from ...models.worker_status import WorkerStatus
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: None | Unset | WorkerStatus = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    level: None | SkillLevel | Unset = UNSET,
    min_level: None | SkillLevel | Unset = UNSET,
    agency_id: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, WorkerStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

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

    json_level: None | str | Unset
    if isinstance(level, Unset):
        json_level = UNSET
    elif isinstance(level, SkillLevel):
        json_level = level.value
    else:
        json_level = level
    params["level"] = json_level

    json_min_level: None | str | Unset
    if isinstance(min_level, Unset):
        json_min_level = UNSET
    elif isinstance(min_level, SkillLevel):
        json_min_level = min_level.value
    else:
        json_min_level = min_level
    params["min_level"] = json_min_level

    json_agency_id: None | str | Unset
    if isinstance(agency_id, Unset):
        json_agency_id = UNSET
    else:
        json_agency_id = agency_id
    params["agency_id"] = json_agency_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/workers",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WorkerPage | None:
    if response.status_code == 200:
        response_200 = WorkerPage.from_dict(response.json())

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
) -> Response[Problem | WorkerPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: None | Unset | WorkerStatus = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    level: None | SkillLevel | Unset = UNSET,
    min_level: None | SkillLevel | Unset = UNSET,
    agency_id: None | str | Unset = UNSET,
) -> Response[Problem | WorkerPage]:
    """List Workers

     An agency's workers (its org's, plus those its token acts for), or for an admin everyone's, in
    creation order.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        status (None | Unset | WorkerStatus):
        region (None | str | Unset): province (2), city (4) or county (6) code
        occupation (None | str | Unset): occupation code; workers with any code below it count
        level (None | SkillLevel | Unset): exactly this skill level
        min_level (None | SkillLevel | Unset): this skill level or higher
        agency_id (None | str | Unset): admin only: one agency's workers

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkerPage]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        status=status,
        region=region,
        occupation=occupation,
        level=level,
        min_level=min_level,
        agency_id=agency_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: None | Unset | WorkerStatus = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    level: None | SkillLevel | Unset = UNSET,
    min_level: None | SkillLevel | Unset = UNSET,
    agency_id: None | str | Unset = UNSET,
) -> Problem | WorkerPage | None:
    """List Workers

     An agency's workers (its org's, plus those its token acts for), or for an admin everyone's, in
    creation order.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        status (None | Unset | WorkerStatus):
        region (None | str | Unset): province (2), city (4) or county (6) code
        occupation (None | str | Unset): occupation code; workers with any code below it count
        level (None | SkillLevel | Unset): exactly this skill level
        min_level (None | SkillLevel | Unset): this skill level or higher
        agency_id (None | str | Unset): admin only: one agency's workers

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkerPage
    """

    return sync_detailed(
        client=client,
        limit=limit,
        cursor=cursor,
        status=status,
        region=region,
        occupation=occupation,
        level=level,
        min_level=min_level,
        agency_id=agency_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: None | Unset | WorkerStatus = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    level: None | SkillLevel | Unset = UNSET,
    min_level: None | SkillLevel | Unset = UNSET,
    agency_id: None | str | Unset = UNSET,
) -> Response[Problem | WorkerPage]:
    """List Workers

     An agency's workers (its org's, plus those its token acts for), or for an admin everyone's, in
    creation order.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        status (None | Unset | WorkerStatus):
        region (None | str | Unset): province (2), city (4) or county (6) code
        occupation (None | str | Unset): occupation code; workers with any code below it count
        level (None | SkillLevel | Unset): exactly this skill level
        min_level (None | SkillLevel | Unset): this skill level or higher
        agency_id (None | str | Unset): admin only: one agency's workers

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WorkerPage]
    """

    kwargs = _get_kwargs(
        limit=limit,
        cursor=cursor,
        status=status,
        region=region,
        occupation=occupation,
        level=level,
        min_level=min_level,
        agency_id=agency_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    status: None | Unset | WorkerStatus = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    level: None | SkillLevel | Unset = UNSET,
    min_level: None | SkillLevel | Unset = UNSET,
    agency_id: None | str | Unset = UNSET,
) -> Problem | WorkerPage | None:
    """List Workers

     An agency's workers (its org's, plus those its token acts for), or for an admin everyone's, in
    creation order.

    Args:
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        status (None | Unset | WorkerStatus):
        region (None | str | Unset): province (2), city (4) or county (6) code
        occupation (None | str | Unset): occupation code; workers with any code below it count
        level (None | SkillLevel | Unset): exactly this skill level
        min_level (None | SkillLevel | Unset): this skill level or higher
        agency_id (None | str | Unset): admin only: one agency's workers

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WorkerPage
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            cursor=cursor,
            status=status,
            region=region,
            occupation=occupation,
            level=level,
            min_level=min_level,
            agency_id=agency_id,
        )
    ).parsed
