from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AcceptanceIn")


@_attrs_define
class AcceptanceIn:
    """The optional body of POST /v1/invitations/{iid}/accept: `share_contact: true` consents to
    giving this posting's org the worker's contact data (the acceptance alone does not).

        Attributes:
            share_contact (bool | Unset):  Default: False.
    """

    share_contact: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        share_contact = self.share_contact

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if share_contact is not UNSET:
            field_dict["share_contact"] = share_contact

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        share_contact = d.pop("share_contact", UNSET)

        acceptance_in = cls(
            share_contact=share_contact,
        )

        return acceptance_in
