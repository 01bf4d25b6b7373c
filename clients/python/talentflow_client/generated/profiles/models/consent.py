from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Consent")


@_attrs_define
class Consent:
    """
    Attributes:
        matching (bool | Unset):  Default: False.
        share_contact (bool | Unset):  Default: False.
    """

    matching: bool | Unset = False
    share_contact: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        matching = self.matching

        share_contact = self.share_contact

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if matching is not UNSET:
            field_dict["matching"] = matching
        if share_contact is not UNSET:
            field_dict["share_contact"] = share_contact

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        matching = d.pop("matching", UNSET)

        share_contact = d.pop("share_contact", UNSET)

        consent = cls(
            matching=matching,
            share_contact=share_contact,
        )

        return consent
