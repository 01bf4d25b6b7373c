from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.close_reason import CloseReason

T = TypeVar("T", bound="CloseRequest")


@_attrs_define
class CloseRequest:
    """
    Attributes:
        reason (CloseReason):
    """

    reason: CloseReason

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
        reason = CloseReason(d.pop("reason"))

        close_request = cls(
            reason=reason,
        )

        return close_request
