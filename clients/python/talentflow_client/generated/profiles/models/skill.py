from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Skill")


@_attrs_define
class Skill:
    """
    Attributes:
        name (str):
        proficiency (int):
        years (float | int | Unset):  Default: 0.
    """

    name: str
    proficiency: int
    years: float | int | Unset = 0

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        proficiency = self.proficiency

        years: float | int | Unset
        if isinstance(self.years, Unset):
            years = UNSET
        else:
            years = self.years

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "proficiency": proficiency,
            }
        )
        if years is not UNSET:
            field_dict["years"] = years

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        proficiency = d.pop("proficiency")

        def _parse_years(data: object) -> float | int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | int | Unset, data)

        years = _parse_years(d.pop("years", UNSET))

        skill = cls(
            name=name,
            proficiency=proficiency,
            years=years,
        )

        return skill
