from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.application_status import ApplicationStatus

T = TypeVar("T", bound="ApplicationChange")


@_attrs_define
class ApplicationChange:
    """
    Attributes:
        status (ApplicationStatus):
    """

    status: ApplicationStatus

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        status = ApplicationStatus(d.pop("status"))

        application_change = cls(
            status=status,
        )

        return application_change
