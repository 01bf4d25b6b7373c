from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.achievement_kind import AchievementKind

T = TypeVar("T", bound="Achievement")


@_attrs_define
class Achievement:
    """
    Attributes:
        kind (AchievementKind):
        title (str):
        year (int):
    """

    kind: AchievementKind
    title: str
    year: int

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        title = self.title

        year = self.year

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "kind": kind,
                "title": title,
                "year": year,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kind = AchievementKind(d.pop("kind"))

        title = d.pop("title")

        year = d.pop("year")

        achievement = cls(
            kind=kind,
            title=title,
            year=year,
        )

        return achievement
