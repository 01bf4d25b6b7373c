from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.course import Course
from ...models.course_create import CourseCreate
from ...models.http_validation_error import HTTPValidationError
from ...types import Response


def _get_kwargs(
    *,
    body: CourseCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/courses",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Course | HTTPValidationError | None:
    if response.status_code == 201:
        response_201 = Course.from_dict(response.json())

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
) -> Response[Course | HTTPValidationError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CourseCreate,
) -> Response[Course | HTTPValidationError]:
    """Create Course

     Publish a training course. A training school (employer token) or agency publishes for its
    own org, or names `org_id` of an org it acts for; an admin names `org_id`.

    Args:
        body (CourseCreate): `CourseIn` plus the provider org: an employer's or agency's own org
            by default; an agency may
            name an org it acts for, and an admin must name one.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Course | HTTPValidationError]
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
    body: CourseCreate,
) -> Course | HTTPValidationError | None:
    """Create Course

     Publish a training course. A training school (employer token) or agency publishes for its
    own org, or names `org_id` of an org it acts for; an admin names `org_id`.

    Args:
        body (CourseCreate): `CourseIn` plus the provider org: an employer's or agency's own org
            by default; an agency may
            name an org it acts for, and an admin must name one.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Course | HTTPValidationError
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: CourseCreate,
) -> Response[Course | HTTPValidationError]:
    """Create Course

     Publish a training course. A training school (employer token) or agency publishes for its
    own org, or names `org_id` of an org it acts for; an admin names `org_id`.

    Args:
        body (CourseCreate): `CourseIn` plus the provider org: an employer's or agency's own org
            by default; an agency may
            name an org it acts for, and an admin must name one.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Course | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: CourseCreate,
) -> Course | HTTPValidationError | None:
    """Create Course

     Publish a training course. A training school (employer token) or agency publishes for its
    own org, or names `org_id` of an org it acts for; an admin names `org_id`.

    Args:
        body (CourseCreate): `CourseIn` plus the provider org: an employer's or agency's own org
            by default; an agency may
            name an org it acts for, and an admin must name one.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Course | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
