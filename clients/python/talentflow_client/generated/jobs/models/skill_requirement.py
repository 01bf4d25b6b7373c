from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SkillRequirement")


@_attrs_define
class SkillRequirement:
    """
    Attributes:
        name (str):
        min_proficiency (int | Unset):  Default: 1.
        required (bool | Unset):  Default: True.
    """

    name: str
    min_proficiency: int | Unset = 1
    required: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        min_proficiency = self.min_proficiency

        required = self.required

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if min_proficiency is not UNSET:
            field_dict["min_proficiency"] = min_proficiency
        if required is not UNSET:
            field_dict["required"] = required

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        min_proficiency = d.pop("min_proficiency", UNSET)

        required = d.pop("required", UNSET)

        skill_requirement = cls(
            name=name,
            min_proficiency=min_proficiency,
            required=required,
        )

        return skill_requirement
