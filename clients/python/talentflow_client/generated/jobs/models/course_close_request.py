from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.course_close_reason import CourseCloseReason

T = TypeVar("T", bound="CourseCloseRequest")


@_attrs_define
class CourseCloseRequest:
    """
    Attributes:
        reason (CourseCloseReason):
    """

    reason: CourseCloseReason

    def to_dict(self) -> dict[str, Any]:
        reason = self.reason.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        reason = CourseCloseReason(d.pop("reason"))

        course_close_request = cls(
            reason=reason,
        )

        return course_close_request
