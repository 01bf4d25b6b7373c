from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.posting_closed_reason_type_0 import PostingClosedReasonType0
from ..models.posting_kind import PostingKind
from ..models.posting_status import PostingStatus
from ..models.skill_level import SkillLevel
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.location import Location
    from ..models.occupation import Occupation
    from ..models.skill_requirement import SkillRequirement
    from ..models.wage import Wage


T = TypeVar("T", bound="Posting")


@_attrs_define
class Posting:
    """A posting as the service answers it.

    Attributes:
        created_at (datetime.datetime):
        id (str):
        kind (PostingKind):
        org_id (str):
        region (str):
        title (str):
        updated_at (datetime.datetime):
        version (int):
        certificates (list[str] | Unset):
        closed_at (datetime.datetime | None | Unset):
        closed_reason (None | PostingClosedReasonType0 | Unset):
        deadline (datetime.date | None | Unset):
        description (str | Unset):  Default: ''.
        duration_days (int | None | Unset):
        headcount (int | Unset):  Default: 1.
        location (Location | None | Unset):
        min_skill_level (None | SkillLevel | Unset):
        occupation (None | Occupation | Unset):
        remote_ok (bool | Unset):  Default: False.
        skills (list[SkillRequirement] | Unset):
        start_on (datetime.date | None | Unset):
        status (PostingStatus | Unset):
        wage (None | Unset | Wage):
    """

    created_at: datetime.datetime
    id: str
    kind: PostingKind
    org_id: str
    region: str
    title: str
    updated_at: datetime.datetime
    version: int
    certificates: list[str] | Unset = UNSET
    closed_at: datetime.datetime | None | Unset = UNSET
    closed_reason: None | PostingClosedReasonType0 | Unset = UNSET
    deadline: datetime.date | None | Unset = UNSET
    description: str | Unset = ""
    duration_days: int | None | Unset = UNSET
    headcount: int | Unset = 1
    location: Location | None | Unset = UNSET
    min_skill_level: None | SkillLevel | Unset = UNSET
    occupation: None | Occupation | Unset = UNSET
    remote_ok: bool | Unset = False
    skills: list[SkillRequirement] | Unset = UNSET
    start_on: datetime.date | None | Unset = UNSET
    status: PostingStatus | Unset = UNSET
    wage: None | Unset | Wage = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.location import Location
        from ..models.occupation import Occupation
        from ..models.wage import Wage

        created_at = self.created_at.isoformat()

        id = self.id

        kind = self.kind.value

        org_id = self.org_id

        region = self.region

        title = self.title

        updated_at = self.updated_at.isoformat()

        version = self.version

        certificates: list[str] | Unset = UNSET
        if not isinstance(self.certificates, Unset):
            certificates = self.certificates

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
        elif isinstance(self.closed_reason, PostingClosedReasonType0):
            closed_reason = self.closed_reason.value
        else:
            closed_reason = self.closed_reason

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.date):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        description = self.description

        duration_days: int | None | Unset
        if isinstance(self.duration_days, Unset):
            duration_days = UNSET
        else:
            duration_days = self.duration_days

        headcount = self.headcount

        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, Location):
            location = self.location.to_dict()
        else:
            location = self.location

        min_skill_level: None | str | Unset
        if isinstance(self.min_skill_level, Unset):
            min_skill_level = UNSET
        elif isinstance(self.min_skill_level, SkillLevel):
            min_skill_level = self.min_skill_level.value
        else:
            min_skill_level = self.min_skill_level

        occupation: dict[str, Any] | None | Unset
        if isinstance(self.occupation, Unset):
            occupation = UNSET
        elif isinstance(self.occupation, Occupation):
            occupation = self.occupation.to_dict()
        else:
            occupation = self.occupation

        remote_ok = self.remote_ok

        skills: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = []
            for skills_item_data in self.skills:
                skills_item = skills_item_data.to_dict()
                skills.append(skills_item)

        start_on: None | str | Unset
        if isinstance(self.start_on, Unset):
            start_on = UNSET
        elif isinstance(self.start_on, datetime.date):
            start_on = self.start_on.isoformat()
        else:
            start_on = self.start_on

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        wage: dict[str, Any] | None | Unset
        if isinstance(self.wage, Unset):
            wage = UNSET
        elif isinstance(self.wage, Wage):
            wage = self.wage.to_dict()
        else:
            wage = self.wage

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "kind": kind,
                "org_id": org_id,
                "region": region,
                "title": title,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if certificates is not UNSET:
            field_dict["certificates"] = certificates
        if closed_at is not UNSET:
            field_dict["closed_at"] = closed_at
        if closed_reason is not UNSET:
            field_dict["closed_reason"] = closed_reason
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if description is not UNSET:
            field_dict["description"] = description
        if duration_days is not UNSET:
            field_dict["duration_days"] = duration_days
        if headcount is not UNSET:
            field_dict["headcount"] = headcount
        if location is not UNSET:
            field_dict["location"] = location
        if min_skill_level is not UNSET:
            field_dict["min_skill_level"] = min_skill_level
        if occupation is not UNSET:
            field_dict["occupation"] = occupation
        if remote_ok is not UNSET:
            field_dict["remote_ok"] = remote_ok
        if skills is not UNSET:
            field_dict["skills"] = skills
        if start_on is not UNSET:
            field_dict["start_on"] = start_on
        if status is not UNSET:
            field_dict["status"] = status
        if wage is not UNSET:
            field_dict["wage"] = wage

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.location import Location
        from ..models.occupation import Occupation
        from ..models.skill_requirement import SkillRequirement
        from ..models.wage import Wage

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        kind = PostingKind(d.pop("kind"))

        org_id = d.pop("org_id")

        region = d.pop("region")

        title = d.pop("title")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        certificates = cast(list[str], d.pop("certificates", UNSET))

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
        ) -> None | PostingClosedReasonType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_reason_type_0 = PostingClosedReasonType0(data)

                return closed_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingClosedReasonType0 | Unset, data)

        closed_reason = _parse_closed_reason(d.pop("closed_reason", UNSET))

        def _parse_deadline(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.date.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        deadline = _parse_deadline(d.pop("deadline", UNSET))

        description = d.pop("description", UNSET)

        def _parse_duration_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duration_days = _parse_duration_days(d.pop("duration_days", UNSET))

        headcount = d.pop("headcount", UNSET)

        def _parse_location(data: object) -> Location | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                location_type_0 = Location.from_dict(data)

                return location_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Location | None | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        def _parse_min_skill_level(data: object) -> None | SkillLevel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                min_skill_level_type_0 = SkillLevel(data)

                return min_skill_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkillLevel | Unset, data)

        min_skill_level = _parse_min_skill_level(d.pop("min_skill_level", UNSET))

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

        remote_ok = d.pop("remote_ok", UNSET)

        _skills = d.pop("skills", UNSET)
        skills: list[SkillRequirement] | Unset = UNSET
        if _skills is not UNSET:
            skills = []
            for skills_item_data in _skills:
                skills_item = SkillRequirement.from_dict(skills_item_data)

                skills.append(skills_item)

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

        _status = d.pop("status", UNSET)
        status: PostingStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = PostingStatus(_status)

        def _parse_wage(data: object) -> None | Unset | Wage:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                wage_type_0 = Wage.from_dict(data)

                return wage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | Wage, data)

        wage = _parse_wage(d.pop("wage", UNSET))

        posting = cls(
            created_at=created_at,
            id=id,
            kind=kind,
            org_id=org_id,
            region=region,
            title=title,
            updated_at=updated_at,
            version=version,
            certificates=certificates,
            closed_at=closed_at,
            closed_reason=closed_reason,
            deadline=deadline,
            description=description,
            duration_days=duration_days,
            headcount=headcount,
            location=location,
            min_skill_level=min_skill_level,
            occupation=occupation,
            remote_ok=remote_ok,
            skills=skills,
            start_on=start_on,
            status=status,
            wage=wage,
        )

        return posting
