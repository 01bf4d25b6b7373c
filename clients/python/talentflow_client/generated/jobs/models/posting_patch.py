from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.posting_kind import PostingKind
from ..models.posting_status import PostingStatus
from ..models.skill_level import SkillLevel
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.posting_patch_location_type_0 import PostingPatchLocationType0
    from ..models.posting_patch_occupation_type_0 import PostingPatchOccupationType0
    from ..models.posting_patch_wage_type_0 import PostingPatchWageType0


T = TypeVar("T", bound="PostingPatch")


@_attrs_define
class PostingPatch:
    """A JSON merge patch (RFC 7396) of a posting: present keys replace, `null` resets to the
    default, objects merge key by key. Only the merged whole is validated (as `PostingIn`).

        Attributes:
            certificates (list[Any] | None | Unset):
            deadline (datetime.date | None | Unset):
            description (None | str | Unset):
            duration_days (int | None | Unset):
            headcount (int | None | Unset):
            kind (None | PostingKind | Unset):
            location (None | PostingPatchLocationType0 | Unset):
            min_skill_level (None | SkillLevel | Unset):
            occupation (None | PostingPatchOccupationType0 | Unset):
            region (None | str | Unset):
            remote_ok (bool | None | Unset):
            skills (list[Any] | None | Unset):
            start_on (datetime.date | None | Unset):
            status (None | PostingStatus | Unset):
            title (None | str | Unset):
            wage (None | PostingPatchWageType0 | Unset):
    """

    certificates: list[Any] | None | Unset = UNSET
    deadline: datetime.date | None | Unset = UNSET
    description: None | str | Unset = UNSET
    duration_days: int | None | Unset = UNSET
    headcount: int | None | Unset = UNSET
    kind: None | PostingKind | Unset = UNSET
    location: None | PostingPatchLocationType0 | Unset = UNSET
    min_skill_level: None | SkillLevel | Unset = UNSET
    occupation: None | PostingPatchOccupationType0 | Unset = UNSET
    region: None | str | Unset = UNSET
    remote_ok: bool | None | Unset = UNSET
    skills: list[Any] | None | Unset = UNSET
    start_on: datetime.date | None | Unset = UNSET
    status: None | PostingStatus | Unset = UNSET
    title: None | str | Unset = UNSET
    wage: None | PostingPatchWageType0 | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.posting_patch_location_type_0 import PostingPatchLocationType0
        from ..models.posting_patch_occupation_type_0 import PostingPatchOccupationType0
        from ..models.posting_patch_wage_type_0 import PostingPatchWageType0

        certificates: list[Any] | None | Unset
        if isinstance(self.certificates, Unset):
            certificates = UNSET
        elif isinstance(self.certificates, list):
            certificates = self.certificates

        else:
            certificates = self.certificates

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.date):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        duration_days: int | None | Unset
        if isinstance(self.duration_days, Unset):
            duration_days = UNSET
        else:
            duration_days = self.duration_days

        headcount: int | None | Unset
        if isinstance(self.headcount, Unset):
            headcount = UNSET
        else:
            headcount = self.headcount

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, PostingKind):
            kind = self.kind.value
        else:
            kind = self.kind

        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, PostingPatchLocationType0):
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
        elif isinstance(self.occupation, PostingPatchOccupationType0):
            occupation = self.occupation.to_dict()
        else:
            occupation = self.occupation

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        remote_ok: bool | None | Unset
        if isinstance(self.remote_ok, Unset):
            remote_ok = UNSET
        else:
            remote_ok = self.remote_ok

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
        elif isinstance(self.status, PostingStatus):
            status = self.status.value
        else:
            status = self.status

        title: None | str | Unset
        if isinstance(self.title, Unset):
            title = UNSET
        else:
            title = self.title

        wage: dict[str, Any] | None | Unset
        if isinstance(self.wage, Unset):
            wage = UNSET
        elif isinstance(self.wage, PostingPatchWageType0):
            wage = self.wage.to_dict()
        else:
            wage = self.wage

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if certificates is not UNSET:
            field_dict["certificates"] = certificates
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if description is not UNSET:
            field_dict["description"] = description
        if duration_days is not UNSET:
            field_dict["duration_days"] = duration_days
        if headcount is not UNSET:
            field_dict["headcount"] = headcount
        if kind is not UNSET:
            field_dict["kind"] = kind
        if location is not UNSET:
            field_dict["location"] = location
        if min_skill_level is not UNSET:
            field_dict["min_skill_level"] = min_skill_level
        if occupation is not UNSET:
            field_dict["occupation"] = occupation
        if region is not UNSET:
            field_dict["region"] = region
        if remote_ok is not UNSET:
            field_dict["remote_ok"] = remote_ok
        if skills is not UNSET:
            field_dict["skills"] = skills
        if start_on is not UNSET:
            field_dict["start_on"] = start_on
        if status is not UNSET:
            field_dict["status"] = status
        if title is not UNSET:
            field_dict["title"] = title
        if wage is not UNSET:
            field_dict["wage"] = wage

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.posting_patch_location_type_0 import PostingPatchLocationType0
        from ..models.posting_patch_occupation_type_0 import PostingPatchOccupationType0
        from ..models.posting_patch_wage_type_0 import PostingPatchWageType0

        d = dict(src_dict)

        def _parse_certificates(data: object) -> list[Any] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                certificates_type_0 = cast(list[Any], data)

                return certificates_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None | Unset, data)

        certificates = _parse_certificates(d.pop("certificates", UNSET))

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

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_duration_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duration_days = _parse_duration_days(d.pop("duration_days", UNSET))

        def _parse_headcount(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        headcount = _parse_headcount(d.pop("headcount", UNSET))

        def _parse_kind(data: object) -> None | PostingKind | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = PostingKind(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingKind | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))

        def _parse_location(data: object) -> None | PostingPatchLocationType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                location_type_0 = PostingPatchLocationType0.from_dict(data)

                return location_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingPatchLocationType0 | Unset, data)

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

        def _parse_occupation(
            data: object,
        ) -> None | PostingPatchOccupationType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                occupation_type_0 = PostingPatchOccupationType0.from_dict(data)

                return occupation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingPatchOccupationType0 | Unset, data)

        occupation = _parse_occupation(d.pop("occupation", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_remote_ok(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        remote_ok = _parse_remote_ok(d.pop("remote_ok", UNSET))

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

        def _parse_status(data: object) -> None | PostingStatus | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = PostingStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingStatus | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        title = _parse_title(d.pop("title", UNSET))

        def _parse_wage(data: object) -> None | PostingPatchWageType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                wage_type_0 = PostingPatchWageType0.from_dict(data)

                return wage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PostingPatchWageType0 | Unset, data)

        wage = _parse_wage(d.pop("wage", UNSET))

        posting_patch = cls(
            certificates=certificates,
            deadline=deadline,
            description=description,
            duration_days=duration_days,
            headcount=headcount,
            kind=kind,
            location=location,
            min_skill_level=min_skill_level,
            occupation=occupation,
            region=region,
            remote_ok=remote_ok,
            skills=skills,
            start_on=start_on,
            status=status,
            title=title,
            wage=wage,
        )

        return posting_patch
