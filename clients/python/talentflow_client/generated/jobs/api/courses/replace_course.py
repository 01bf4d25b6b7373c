from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.course import Course
from ...models.course_in import CourseIn
from ...models.http_validation_error import HTTPValidationError
from ...types import Response


def _get_kwargs(
    course_id: str,
    *,
    body: CourseIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/courses/{course_id}".format(
            course_id=quote(str(course_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Course | HTTPValidationError | None:
    if response.status_code == 200:
        response_200 = Course.from_dict(response.json())

        return response_200

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
    course_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CourseIn,
) -> Response[Course | HTTPValidationError]:
    """Replace Course

     Replace the client-written fields; honours If-Match (412 on a stale version).

    Args:
        course_id (str): a course id
        body (CourseIn): A course as its provider writes it; each rule is a field validator, so a
            refusal names its field.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Course | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        course_id=course_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    course_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CourseIn,
) -> Course | HTTPValidationError | None:
    """Replace Course

     Replace the client-written fields; honours If-Match (412 on a stale version).

    Args:
        course_id (str): a course id
        body (CourseIn): A course as its provider writes it; each rule is a field validator, so a
            refusal names its field.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Course | HTTPValidationError
    """

    return sync_detailed(
        course_id=course_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    course_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CourseIn,
) -> Response[Course | HTTPValidationError]:
    """Replace Course

     Replace the client-written fields; honours If-Match (412 on a stale version).

    Args:
        course_id (str): a course id
        body (CourseIn): A course as its provider writes it; each rule is a field validator, so a
            refusal names its field.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Course | HTTPValidationError]
    """

    kwargs = _get_kwargs(
        course_id=course_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    course_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CourseIn,
) -> Course | HTTPValidationError | None:
    """Replace Course

     Replace the client-written fields; honours If-Match (412 on a stale version).

    Args:
        course_id (str): a course id
        body (CourseIn): A course as its provider writes it; each rule is a field validator, so a
            refusal names its field.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Course | HTTPValidationError
    """

    return (
        await asyncio_detailed(
            course_id=course_id,
            client=client,
            body=body,
        )
    ).parsed
