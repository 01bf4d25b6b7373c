from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.availability_mode import AvailabilityMode
from ..models.skill_level import SkillLevel
from ..types import UNSET, Unset

T = TypeVar("T", bound="WorkerSearch")


@_attrs_define
class WorkerSearch:
    """Find workers: everyone returned is matchable (consent given, profile active).

    Attributes:
        limit (int | Unset):  Default: 20.
        min_level (None | SkillLevel | Unset): at least this skill level
        modes (list[AvailabilityMode] | Unset): accepts any of these modes
        occupation (None | str | Unset): an occupation code (6-18-02-04, or a group like 6-18) or a name
        region (None | str | Unset): a 2-, 4- or 6-digit GB/T 2260 code: province, city or county
        remote (bool | None | Unset):
        skills (list[str] | Unset): any of these skills (synonyms folded)
        text (str | Unset): free text, cut into words and matched against the documents Default: ''.
    """

    limit: int | Unset = 20
    min_level: None | SkillLevel | Unset = UNSET
    modes: list[AvailabilityMode] | Unset = UNSET
    occupation: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    remote: bool | None | Unset = UNSET
    skills: list[str] | Unset = UNSET
    text: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        limit = self.limit

        min_level: None | str | Unset
        if isinstance(self.min_level, Unset):
            min_level = UNSET
        elif isinstance(self.min_level, SkillLevel):
            min_level = self.min_level.value
        else:
            min_level = self.min_level

        modes: list[str] | Unset = UNSET
        if not isinstance(self.modes, Unset):
            modes = []
            for modes_item_data in self.modes:
                modes_item = modes_item_data.value
                modes.append(modes_item)

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

        remote: bool | None | Unset
        if isinstance(self.remote, Unset):
            remote = UNSET
        else:
            remote = self.remote

        skills: list[str] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = self.skills

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if limit is not UNSET:
            field_dict["limit"] = limit
        if min_level is not UNSET:
            field_dict["min_level"] = min_level
        if modes is not UNSET:
            field_dict["modes"] = modes
        if occupation is not UNSET:
            field_dict["occupation"] = occupation
        if region is not UNSET:
            field_dict["region"] = region
        if remote is not UNSET:
            field_dict["remote"] = remote
        if skills is not UNSET:
            field_dict["skills"] = skills
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        limit = d.pop("limit", UNSET)

        def _parse_min_level(data: object) -> None | SkillLevel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                min_level_type_0 = SkillLevel(data)

                return min_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkillLevel | Unset, data)

        min_level = _parse_min_level(d.pop("min_level", UNSET))

        _modes = d.pop("modes", UNSET)
        modes: list[AvailabilityMode] | Unset = UNSET
        if _modes is not UNSET:
            modes = []
            for modes_item_data in _modes:
                modes_item = AvailabilityMode(modes_item_data)

                modes.append(modes_item)

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

        def _parse_remote(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        remote = _parse_remote(d.pop("remote", UNSET))

        skills = cast(list[str], d.pop("skills", UNSET))

        text = d.pop("text", UNSET)

        worker_search = cls(
            limit=limit,
            min_level=min_level,
            modes=modes,
            occupation=occupation,
            region=region,
            remote=remote,
            skills=skills,
            text=text,
        )

        return worker_search
