from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.award_tier import AwardTier
from ..types import UNSET, Unset

T = TypeVar("T", bound="Award")


@_attrs_define
class Award:
    """
    Attributes:
        name (str):
        tier (AwardTier):
        year (int):
        rank (int | None | Unset):
    """

    name: str
    tier: AwardTier
    year: int
    rank: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        tier = self.tier.value

        year = self.year

        rank: int | None | Unset
        if isinstance(self.rank, Unset):
            rank = UNSET
        else:
            rank = self.rank

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "tier": tier,
                "year": year,
            }
        )
        if rank is not UNSET:
            field_dict["rank"] = rank

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        tier = AwardTier(d.pop("tier"))

        year = d.pop("year")

        def _parse_rank(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rank = _parse_rank(d.pop("rank", UNSET))

        award = cls(
            name=name,
            tier=tier,
            year=year,
            rank=rank,
        )

        return award
