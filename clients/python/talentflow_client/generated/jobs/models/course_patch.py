from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.course_mode import CourseMode
from ..models.course_status import CourseStatus
from ..models.skill_level import SkillLevel
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.course_patch_fee_type_0 import CoursePatchFeeType0
    from ..models.course_patch_occupation_type_0 import CoursePatchOccupationType0


T = TypeVar("T", bound="CoursePatch")


@_attrs_define
class CoursePatch:
    """A JSON merge patch (RFC 7396) of a course: present keys replace, `null` resets to the
    default, objects merge key by key. Only the merged whole is validated (as `CourseIn`).

        Attributes:
            description (None | str | Unset):
            end_on (datetime.date | None | Unset):
            fee (CoursePatchFeeType0 | None | Unset):
            hours (float | int | None | Unset):
            mode (CourseMode | None | Unset):
            occupation (CoursePatchOccupationType0 | None | Unset):
            prepares_for_level (None | SkillLevel | Unset):
            region (None | str | Unset):
            seats (int | None | Unset):
            skills (list[Any] | None | Unset):
            start_on (datetime.date | None | Unset):
            status (CourseStatus | None | Unset):
            subsidy_eligible (bool | None | Unset):
            title (None | str | Unset):
    """

    description: None | str | Unset = UNSET
    end_on: datetime.date | None | Unset = UNSET
    fee: CoursePatchFeeType0 | None | Unset = UNSET
    hours: float | int | None | Unset = UNSET
    mode: CourseMode | None | Unset = UNSET
    occupation: CoursePatchOccupationType0 | None | Unset = UNSET
    prepares_for_level: None | SkillLevel | Unset = UNSET
    region: None | str | Unset = UNSET
    seats: int | None | Unset = UNSET
    skills: list[Any] | None | Unset = UNSET
    start_on: datetime.date | None | Unset = UNSET
    status: CourseStatus | None | Unset = UNSET
    subsidy_eligible: bool | None | Unset = UNSET
    title: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.course_patch_fee_type_0 import CoursePatchFeeType0
        from ..models.course_patch_occupation_type_0 import CoursePatchOccupationType0

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        end_on: None | str | Unset
        if isinstance(self.end_on, Unset):
            end_on = UNSET
        elif isinstance(self.end_on, datetime.date):
            end_on = self.end_on.isoformat()
        else:
            end_on = self.end_on

        fee: dict[str, Any] | None | Unset
        if isinstance(self.fee, Unset):
            fee = UNSET
        elif isinstance(self.fee, CoursePatchFeeType0):
            fee = self.fee.to_dict()
        else:
            fee = self.fee

        hours: float | int | None | Unset
        if isinstance(self.hours, Unset):
            hours = UNSET
        else:
            hours = self.hours

        mode: None | str | Unset
        if isinstance(self.mode, Unset):
            mode = UNSET
        elif isinstance(self.mode, CourseMode):
            mode = self.mode.value
        else:
            mode = self.mode

        occupation: dict[str, Any] | None | Unset
        if isinstance(self.occupation, Unset):
            occupation = UNSET
        elif isinstance(self.occupation, CoursePatchOccupationType0):
            occupation = self.occupation.to_dict()
        else:
            occupation = self.occupation

        prepares_for_level: None | str | Unset
        if isinstance(self.prepares_for_level, Unset):
            prepares_for_level = UNSET
        elif isinstance(self.prepares_for_level, SkillLevel):
            prepares_for_level = self.prepares_for_level.value
        else:
            prepares_for_level = self.prepares_for_level

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        seats: int | None | Unset
        if isinstance(self.seats, Unset):
            seats = UNSET
        else:
            seats = self.seats

        skills: list[Any] | None | Unset
        if isinstance(self.skills, Unset):
            skills = UNSET
        elif isinstance(self.skills, list):
            skills = self.skills

        else:
            skills = self.skills

        start_on: None | str | Unset
        if isinstance(self.start_on, Unset):
            start_on = UNSET
        elif isinstance(self.start_on, datetime.date):
            start_on = self.start_on.isoformat()
        else:
            start_on = self.start_on

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, CourseStatus):
            status = self.status.value
        else:
            status = self.status

        subsidy_eligible: bool | None | Unset
        if isinstance(self.subsidy_eligible, Unset):
            subsidy_eligible = UNSET
        else:
            subsidy_eligible = self.subsidy_eligible

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if end_on is not UNSET:
            field_dict["end_on"] = end_on
        if fee is not UNSET:
            field_dict["fee"] = fee
        if hours is not UNSET:
            field_dict["hours"] = hours
        if mode is not UNSET:
            field_dict["mode"] = mode
        if occupation is not UNSET:
            field_dict["occupation"] = occupation
        if prepares_for_level is not UNSET:
            field_dict["prepares_for_level"] = prepares_for_level
        if region is not UNSET:
            field_dict["region"] = region
        if seats is not UNSET:
            field_dict["seats"] = seats
        if skills is not UNSET:
            field_dict["skills"] = skills
        if start_on is not UNSET:
            field_dict["start_on"] = start_on
        if status is not UNSET:
            field_dict["status"] = status
        if subsidy_eligible is not UNSET:
            field_dict["subsidy_eligible"] = subsidy_eligible
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.course_patch_fee_type_0 import CoursePatchFeeType0
        from ..models.course_patch_occupation_type_0 import CoursePatchOccupationType0

        d = dict(src_dict)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_end_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                end_on_type_0 = datetime.date.fromisoformat(data)

                return end_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        end_on = _parse_end_on(d.pop("end_on", UNSET))

        def _parse_fee(data: object) -> CoursePatchFeeType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fee_type_0 = CoursePatchFeeType0.from_dict(data)

                return fee_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CoursePatchFeeType0 | None | Unset, data)

        fee = _parse_fee(d.pop("fee", UNSET))

        def _parse_hours(data: object) -> float | int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | int | None | Unset, data)

        hours = _parse_hours(d.pop("hours", UNSET))

        def _parse_mode(data: object) -> CourseMode | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                mode_type_0 = CourseMode(data)

                return mode_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CourseMode | None | Unset, data)

        mode = _parse_mode(d.pop("mode", UNSET))

        def _parse_occupation(
            data: object,
        ) -> CoursePatchOccupationType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                occupation_type_0 = CoursePatchOccupationType0.from_dict(data)

                return occupation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CoursePatchOccupationType0 | None | Unset, data)

        occupation = _parse_occupation(d.pop("occupation", UNSET))

        def _parse_prepares_for_level(data: object) -> None | SkillLevel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prepares_for_level_type_0 = SkillLevel(data)

                return prepares_for_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkillLevel | Unset, data)

        prepares_for_level = _parse_prepares_for_level(
            d.pop("prepares_for_level", UNSET)
        )

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_seats(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seats = _parse_seats(d.pop("seats", UNSET))

        def _parse_skills(data: object) -> list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                skills_type_0 = cast(list[Any], data)

                return skills_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None | Unset, data)

        skills = _parse_skills(d.pop("skills", UNSET))

        def _parse_start_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_on_type_0 = datetime.date.fromisoformat(data)

                return start_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        start_on = _parse_start_on(d.pop("start_on", UNSET))

        def _parse_status(data: object) -> CourseStatus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = CourseStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CourseStatus | None | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_subsidy_eligible(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        subsidy_eligible = _parse_subsidy_eligible(d.pop("subsidy_eligible", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        course_patch = cls(
            description=description,
            end_on=end_on,
            fee=fee,
            hours=hours,
            mode=mode,
            occupation=occupation,
            prepares_for_level=prepares_for_level,
            region=region,
            seats=seats,
            skills=skills,
            start_on=start_on,
            status=status,
            subsidy_eligible=subsidy_eligible,
            title=title,
        )

        return course_patch
