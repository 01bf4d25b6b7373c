from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.availability_mode import AvailabilityMode
from ..types import UNSET, Unset

T = TypeVar("T", bound="Availability")


@_attrs_define
class Availability:
    """
    Attributes:
        modes (list[AvailabilityMode]):
        available_from (datetime.date | None | Unset):
        hours_per_week (int | None | Unset):
    """

    modes: list[AvailabilityMode]
    available_from: datetime.date | None | Unset = UNSET
    hours_per_week: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        modes = []
        for modes_item_data in self.modes:
            modes_item = modes_item_data.value
            modes.append(modes_item)

        available_from: None | str | Unset
        if isinstance(self.available_from, Unset):
            available_from = UNSET
        elif isinstance(self.available_from, datetime.date):
            available_from = self.available_from.isoformat()
        else:
            available_from = self.available_from

        hours_per_week: int | None | Unset
        if isinstance(self.hours_per_week, Unset):
            hours_per_week = UNSET
        else:
            hours_per_week = self.hours_per_week

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "modes": modes,
            }
        )
        if available_from is not UNSET:
            field_dict["available_from"] = available_from
        if hours_per_week is not UNSET:
            field_dict["hours_per_week"] = hours_per_week

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        modes = []
        _modes = d.pop("modes")
        for modes_item_data in _modes:
            modes_item = AvailabilityMode(modes_item_data)

            modes.append(modes_item)

        def _parse_available_from(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                available_from_type_0 = datetime.date.fromisoformat(data)

                return available_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        available_from = _parse_available_from(d.pop("available_from", UNSET))

        def _parse_hours_per_week(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        hours_per_week = _parse_hours_per_week(d.pop("hours_per_week", UNSET))

        availability = cls(
            modes=modes,
            available_from=available_from,
            hours_per_week=hours_per_week,
        )

        return availability
