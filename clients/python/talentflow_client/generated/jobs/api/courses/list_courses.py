from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.course_mode import CourseMode
from ...models.course_status import CourseStatus
from ...models.page_course import PageCourse
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    org_id: None | str | Unset = UNSET,
    status: CourseStatus | None | Unset = UNSET,
    mode: CourseMode | None | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    skill: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_org_id: None | str | Unset
    if isinstance(org_id, Unset):
        json_org_id = UNSET
    else:
        json_org_id = org_id
    params["org_id"] = json_org_id

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, CourseStatus):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_mode: None | str | Unset
    if isinstance(mode, Unset):
        json_mode = UNSET
    elif isinstance(mode, CourseMode):
        json_mode = mode.value
    else:
        json_mode = mode
    params["mode"] = json_mode

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

    json_skill: None | str | Unset
    if isinstance(skill, Unset):
        json_skill = UNSET
    else:
        json_skill = skill
    params["skill"] = json_skill

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/courses",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageCourse | Problem | None:
    if response.status_code == 200:
        response_200 = PageCourse.from_dict(response.json())

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
) -> Response[PageCourse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    status: CourseStatus | None | Unset = UNSET,
    mode: CourseMode | None | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    skill: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PageCourse | Problem]:
    """List Courses

     Courses newest first: open ones for everyone, the others of the orgs the caller manages.

    Args:
        org_id (None | str | Unset): the provider org
        status (CourseStatus | None | Unset):
        mode (CourseMode | None | Unset):
        region (None | str | Unset): province, city or county code
        occupation (None | str | Unset): a code; its sub-codes match too
        skill (None | str | Unset): a skill the course teaches (exact name, any case)
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageCourse | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        status=status,
        mode=mode,
        region=region,
        occupation=occupation,
        skill=skill,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    status: CourseStatus | None | Unset = UNSET,
    mode: CourseMode | None | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    skill: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PageCourse | Problem | None:
    """List Courses

     Courses newest first: open ones for everyone, the others of the orgs the caller manages.

    Args:
        org_id (None | str | Unset): the provider org
        status (CourseStatus | None | Unset):
        mode (CourseMode | None | Unset):
        region (None | str | Unset): province, city or county code
        occupation (None | str | Unset): a code; its sub-codes match too
        skill (None | str | Unset): a skill the course teaches (exact name, any case)
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageCourse | Problem
    """

    return sync_detailed(
        client=client,
        org_id=org_id,
        status=status,
        mode=mode,
        region=region,
        occupation=occupation,
        skill=skill,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    status: CourseStatus | None | Unset = UNSET,
    mode: CourseMode | None | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    skill: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PageCourse | Problem]:
    """List Courses

     Courses newest first: open ones for everyone, the others of the orgs the caller manages.

    Args:
        org_id (None | str | Unset): the provider org
        status (CourseStatus | None | Unset):
        mode (CourseMode | None | Unset):
        region (None | str | Unset): province, city or county code
        occupation (None | str | Unset): a code; its sub-codes match too
        skill (None | str | Unset): a skill the course teaches (exact name, any case)
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageCourse | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        status=status,
        mode=mode,
        region=region,
        occupation=occupation,
        skill=skill,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    org_id: None | str | Unset = UNSET,
    status: CourseStatus | None | Unset = UNSET,
    mode: CourseMode | None | Unset = UNSET,
    region: None | str | Unset = UNSET,
    occupation: None | str | Unset = UNSET,
    skill: None | str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PageCourse | Problem | None:
    """List Courses

     Courses newest first: open ones for everyone, the others of the orgs the caller manages.

    Args:
        org_id (None | str | Unset): the provider org
        status (CourseStatus | None | Unset):
        mode (CourseMode | None | Unset):
        region (None | str | Unset): province, city or county code
        occupation (None | str | Unset): a code; its sub-codes match too
        skill (None | str | Unset): a skill the course teaches (exact name, any case)
        limit (int | Unset): items per page Default: 20.
        cursor (None | str | Unset): next_cursor of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageCourse | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            org_id=org_id,
            status=status,
            mode=mode,
            region=region,
            occupation=occupation,
            skill=skill,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
