from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.course_closed_reason_type_0 import CourseClosedReasonType0
from ..models.course_mode import CourseMode
from ..models.course_status import CourseStatus
from ..models.skill_level import SkillLevel
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.course_skill import CourseSkill
    from ..models.fee import Fee
    from ..models.occupation import Occupation


T = TypeVar("T", bound="Course")


@_attrs_define
class Course:
    """A course as the service answers it.

    Attributes:
        created_at (datetime.datetime):
        end_on (datetime.date):
        hours (float | int):
        id (str):
        mode (CourseMode): How a training course is held: at the provider's site, remotely (远程培训), or both.
        org_id (str):
        region (str):
        skills (list[CourseSkill]):
        start_on (datetime.date):
        title (str):
        updated_at (datetime.datetime):
        version (int):
        closed_at (datetime.datetime | None | Unset):
        closed_reason (CourseClosedReasonType0 | None | Unset):
        description (str | Unset):  Default: ''.
        fee (Fee | None | Unset):
        occupation (None | Occupation | Unset):
        prepares_for_level (None | SkillLevel | Unset):
        seats (int | None | Unset):
        status (CourseStatus | Unset): A course's lifecycle, as a posting's: open ⇄ paused, then full, closed or expired
            (final).
        subsidy_eligible (bool | Unset):  Default: False.
    """

    created_at: datetime.datetime
    end_on: datetime.date
    hours: float | int
    id: str
    mode: CourseMode
    org_id: str
    region: str
    skills: list[CourseSkill]
    start_on: datetime.date
    title: str
    updated_at: datetime.datetime
    version: int
    closed_at: datetime.datetime | None | Unset = UNSET
    closed_reason: CourseClosedReasonType0 | None | Unset = UNSET
    description: str | Unset = ""
    fee: Fee | None | Unset = UNSET
    occupation: None | Occupation | Unset = UNSET
    prepares_for_level: None | SkillLevel | Unset = UNSET
    seats: int | None | Unset = UNSET
    status: CourseStatus | Unset = UNSET
    subsidy_eligible: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        from ..models.fee import Fee
        from ..models.occupation import Occupation

        created_at = self.created_at.isoformat()

        end_on = self.end_on.isoformat()

        hours: float | int
        hours = self.hours

        id = self.id

        mode = self.mode.value

        org_id = self.org_id

        region = self.region

        skills = []
        for skills_item_data in self.skills:
            skills_item = skills_item_data.to_dict()
            skills.append(skills_item)

        start_on = self.start_on.isoformat()

        title = self.title

        updated_at = self.updated_at.isoformat()

        version = self.version

        closed_at: None | str | Unset
        if isinstance(self.closed_at, Unset):
            closed_at = UNSET
        elif isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        closed_reason: None | str | Unset
        if isinstance(self.closed_reason, Unset):
            closed_reason = UNSET
        elif isinstance(self.closed_reason, CourseClosedReasonType0):
            closed_reason = self.closed_reason.value
        else:
            closed_reason = self.closed_reason

        description = self.description

        fee: dict[str, Any] | None | Unset
        if isinstance(self.fee, Unset):
            fee = UNSET
        elif isinstance(self.fee, Fee):
            fee = self.fee.to_dict()
        else:
            fee = self.fee

        occupation: dict[str, Any] | None | Unset
        if isinstance(self.occupation, Unset):
            occupation = UNSET
        elif isinstance(self.occupation, Occupation):
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

        seats: int | None | Unset
        if isinstance(self.seats, Unset):
            seats = UNSET
        else:
            seats = self.seats

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        subsidy_eligible = self.subsidy_eligible

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "end_on": end_on,
                "hours": hours,
                "id": id,
                "mode": mode,
                "org_id": org_id,
                "region": region,
                "skills": skills,
                "start_on": start_on,
                "title": title,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if closed_at is not UNSET:
            field_dict["closed_at"] = closed_at
        if closed_reason is not UNSET:
            field_dict["closed_reason"] = closed_reason
        if description is not UNSET:
            field_dict["description"] = description
        if fee is not UNSET:
            field_dict["fee"] = fee
        if occupation is not UNSET:
            field_dict["occupation"] = occupation
        if prepares_for_level is not UNSET:
            field_dict["prepares_for_level"] = prepares_for_level
        if seats is not UNSET:
            field_dict["seats"] = seats
        if status is not UNSET:
            field_dict["status"] = status
        if subsidy_eligible is not UNSET:
            field_dict["subsidy_eligible"] = subsidy_eligible

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.course_skill import CourseSkill
        from ..models.fee import Fee
        from ..models.occupation import Occupation

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        end_on = datetime.date.fromisoformat(d.pop("end_on"))

        def _parse_hours(data: object) -> float | int:
            return cast(float | int, data)

        hours = _parse_hours(d.pop("hours"))

        id = d.pop("id")

        mode = CourseMode(d.pop("mode"))

        org_id = d.pop("org_id")

        region = d.pop("region")

        skills = []
        _skills = d.pop("skills")
        for skills_item_data in _skills:
            skills_item = CourseSkill.from_dict(skills_item_data)

            skills.append(skills_item)

        start_on = datetime.date.fromisoformat(d.pop("start_on"))

        title = d.pop("title")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        def _parse_closed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        closed_at = _parse_closed_at(d.pop("closed_at", UNSET))

        def _parse_closed_reason(
            data: object,
        ) -> CourseClosedReasonType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_reason_type_0 = CourseClosedReasonType0(data)

                return closed_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CourseClosedReasonType0 | None | Unset, data)

        closed_reason = _parse_closed_reason(d.pop("closed_reason", UNSET))

        description = d.pop("description", UNSET)

        def _parse_fee(data: object) -> Fee | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fee_type_0 = Fee.from_dict(data)

                return fee_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Fee | None | Unset, data)

        fee = _parse_fee(d.pop("fee", UNSET))

        def _parse_occupation(data: object) -> None | Occupation | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                occupation_type_0 = Occupation.from_dict(data)

                return occupation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Occupation | Unset, data)

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

        def _parse_seats(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seats = _parse_seats(d.pop("seats", UNSET))

        _status = d.pop("status", UNSET)
        status: CourseStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = CourseStatus(_status)

        subsidy_eligible = d.pop("subsidy_eligible", UNSET)

        course = cls(
            created_at=created_at,
            end_on=end_on,
            hours=hours,
            id=id,
            mode=mode,
            org_id=org_id,
            region=region,
            skills=skills,
            start_on=start_on,
            title=title,
            updated_at=updated_at,
            version=version,
            closed_at=closed_at,
            closed_reason=closed_reason,
            description=description,
            fee=fee,
            occupation=occupation,
            prepares_for_level=prepares_for_level,
            seats=seats,
            status=status,
            subsidy_eligible=subsidy_eligible,
        )

        return course
