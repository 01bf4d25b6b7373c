from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="Location")


@_attrs_define
class Location:
    """
    Attributes:
        lat (float | int):
        lon (float | int):
    """

    lat: float | int
    lon: float | int

    def to_dict(self) -> dict[str, Any]:
        lat: float | int
        lat = self.lat

        lon: float | int
        lon = self.lon

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "lat": lat,
                "lon": lon,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_lat(data: object) -> float | int:
            return cast(float | int, data)

        lat = _parse_lat(d.pop("lat"))

        def _parse_lon(data: object) -> float | int:
            return cast(float | int, data)

        lon = _parse_lon(d.pop("lon"))

        location = cls(
            lat=lat,
            lon=lon,
        )

        return location
