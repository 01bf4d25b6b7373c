from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.wage_unit import WageUnit

T = TypeVar("T", bound="Wage")


@_attrs_define
class Wage:
    """An amount range in CNY per unit.

    Attributes:
        max_ (float | int):
        min_ (float | int):
        unit (WageUnit):
    """

    max_: float | int
    min_: float | int
    unit: WageUnit

    def to_dict(self) -> dict[str, Any]:
        max_: float | int
        max_ = self.max_

        min_: float | int
        min_ = self.min_

        unit = self.unit.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "max": max_,
                "min": min_,
                "unit": unit,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_max_(data: object) -> float | int:
            return cast(float | int, data)

        max_ = _parse_max_(d.pop("max"))

        def _parse_min_(data: object) -> float | int:
            return cast(float | int, data)

        min_ = _parse_min_(d.pop("min"))

        unit = WageUnit(d.pop("unit"))

        wage = cls(
            max_=max_,
            min_=min_,
            unit=unit,
        )

        return wage
