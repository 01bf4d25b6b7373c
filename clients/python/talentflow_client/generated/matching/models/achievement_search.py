from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.achievement_search_kinds_item import AchievementSearchKindsItem
from ..types import UNSET, Unset

T = TypeVar("T", bound="AchievementSearch")


@_attrs_define
class AchievementSearch:
    """Achievements and awards of matchable workers, by occupation, region, kind, year and text.

    Attributes:
        kinds (list[AchievementSearchKindsItem] | Unset): any of these kinds; `award` is a skills-competition award
        limit (int | Unset):  Default: 20.
        occupation (None | str | Unset): the holder's occupation: a code (6-18-02-04, or a group like 6-18) or a name
        region (None | str | Unset): the holder's region: a 2-, 4- or 6-digit GB/T 2260 code
        text (str | Unset): words of the title (technical problem, method, product) Default: ''.
        year_from (int | None | Unset): from this year on
        year_to (int | None | Unset): up to this year
    """

    kinds: list[AchievementSearchKindsItem] | Unset = UNSET
    limit: int | Unset = 20
    occupation: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    text: str | Unset = ""
    year_from: int | None | Unset = UNSET
    year_to: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        kinds: list[str] | Unset = UNSET
        if not isinstance(self.kinds, Unset):
            kinds = []
            for kinds_item_data in self.kinds:
                kinds_item = kinds_item_data.value
                kinds.append(kinds_item)

        limit = self.limit

        occupation: None | str | Unset
        if isinstance(self.occupation, Unset):
            occupation = UNSET
        else:
            occupation = self.occupation

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        text = self.text

        year_from: int | None | Unset
        if isinstance(self.year_from, Unset):
            year_from = UNSET
        else:
            year_from = self.year_from

        year_to: int | None | Unset
        if isinstance(self.year_to, Unset):
            year_to = UNSET
        else:
            year_to = self.year_to

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if kinds is not UNSET:
            field_dict["kinds"] = kinds
        if limit is not UNSET:
            field_dict["limit"] = limit
        if occupation is not UNSET:
            field_dict["occupation"] = occupation
        if region is not UNSET:
            field_dict["region"] = region
        if text is not UNSET:
            field_dict["text"] = text
        if year_from is not UNSET:
            field_dict["year_from"] = year_from
        if year_to is not UNSET:
            field_dict["year_to"] = year_to

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        _kinds = d.pop("kinds", UNSET)
        kinds: list[AchievementSearchKindsItem] | Unset = UNSET
        if _kinds is not UNSET:
            kinds = []
            for kinds_item_data in _kinds:
                kinds_item = AchievementSearchKindsItem(kinds_item_data)

                kinds.append(kinds_item)

        limit = d.pop("limit", UNSET)

        def _parse_occupation(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        occupation = _parse_occupation(d.pop("occupation", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        text = d.pop("text", UNSET)

        def _parse_year_from(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        year_from = _parse_year_from(d.pop("year_from", UNSET))

        def _parse_year_to(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        year_to = _parse_year_to(d.pop("year_to", UNSET))

        achievement_search = cls(
            kinds=kinds,
            limit=limit,
            occupation=occupation,
            region=region,
            text=text,
            year_from=year_from,
            year_to=year_to,
        )

        return achievement_search
