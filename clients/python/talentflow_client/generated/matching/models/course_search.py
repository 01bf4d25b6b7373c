from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.course_mode import CourseMode
from ..models.skill_level import SkillLevel
from ..types import UNSET, Unset

T = TypeVar("T", bound="CourseSearch")


@_attrs_define
class CourseSearch:
    """Find open training courses; every field narrows the search, `skills` and `text` also rank.

    Attributes:
        level (None | SkillLevel | Unset): courses preparing for this skill level
        limit (int | Unset):  Default: 20.
        modes (list[CourseMode] | Unset): any of these modes
        occupation (None | str | Unset): an occupation code (6-18-02-04, or a group like 6-18) or a name
        region (None | str | Unset): 2-, 4- or 6-digit GB/T 2260 code: on-site and blended courses inside it; remote
            ones always. Without it a worker's search uses the worker's city and open regions
        skills (list[str] | Unset): courses teaching any of these skills (synonyms folded: TIG焊 ≈ 氩弧焊)
        starts_after (datetime.date | None | Unset): courses starting on or after this date
        subsidy_eligible (bool | None | Unset): only courses that (true) or that do not (false) qualify for 职业培训补贴
        text (str | Unset): free text, cut into words and matched against title, description, skills Default: ''.
    """

    level: None | SkillLevel | Unset = UNSET
    limit: int | Unset = 20
    modes: list[CourseMode] | Unset = UNSET
    occupation: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    skills: list[str] | Unset = UNSET
    starts_after: datetime.date | None | Unset = UNSET
    subsidy_eligible: bool | None | Unset = UNSET
    text: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        level: None | str | Unset
        if isinstance(self.level, Unset):
            level = UNSET
        elif isinstance(self.level, SkillLevel):
            level = self.level.value
        else:
            level = self.level

        limit = self.limit

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

        skills: list[str] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = self.skills

        starts_after: None | str | Unset
        if isinstance(self.starts_after, Unset):
            starts_after = UNSET
        elif isinstance(self.starts_after, datetime.date):
            starts_after = self.starts_after.isoformat()
        else:
            starts_after = self.starts_after

        subsidy_eligible: bool | None | Unset
        if isinstance(self.subsidy_eligible, Unset):
            subsidy_eligible = UNSET
        else:
            subsidy_eligible = self.subsidy_eligible

        text = self.text

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if level is not UNSET:
            field_dict["level"] = level
        if limit is not UNSET:
            field_dict["limit"] = limit
        if modes is not UNSET:
            field_dict["modes"] = modes
        if occupation is not UNSET:
            field_dict["occupation"] = occupation
        if region is not UNSET:
            field_dict["region"] = region
        if skills is not UNSET:
            field_dict["skills"] = skills
        if starts_after is not UNSET:
            field_dict["starts_after"] = starts_after
        if subsidy_eligible is not UNSET:
            field_dict["subsidy_eligible"] = subsidy_eligible
        if text is not UNSET:
            field_dict["text"] = text

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_level(data: object) -> None | SkillLevel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                level_type_0 = SkillLevel(data)

                return level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkillLevel | Unset, data)

        level = _parse_level(d.pop("level", UNSET))

        limit = d.pop("limit", UNSET)

        _modes = d.pop("modes", UNSET)
        modes: list[CourseMode] | Unset = UNSET
        if _modes is not UNSET:
            modes = []
            for modes_item_data in _modes:
                modes_item = CourseMode(modes_item_data)

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

        skills = cast(list[str], d.pop("skills", UNSET))

        def _parse_starts_after(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_after_type_0 = datetime.date.fromisoformat(data)

                return starts_after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        starts_after = _parse_starts_after(d.pop("starts_after", UNSET))

        def _parse_subsidy_eligible(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        subsidy_eligible = _parse_subsidy_eligible(d.pop("subsidy_eligible", UNSET))

        text = d.pop("text", UNSET)

        course_search = cls(
            level=level,
            limit=limit,
            modes=modes,
            occupation=occupation,
            region=region,
            skills=skills,
            starts_after=starts_after,
            subsidy_eligible=subsidy_eligible,
            text=text,
        )

        return course_search
