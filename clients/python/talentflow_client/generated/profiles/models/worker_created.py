from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.skill_level import SkillLevel
from ..models.worker_status import WorkerStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.achievement import Achievement
    from ..models.availability import Availability
    from ..models.award import Award
    from ..models.certificate import Certificate
    from ..models.consent import Consent
    from ..models.contact import Contact
    from ..models.location import Location
    from ..models.occupation import Occupation
    from ..models.skill import Skill
    from ..models.wage import Wage


T = TypeVar("T", bound="WorkerCreated")


@_attrs_define
class WorkerCreated:
    """201 answer of POST /v1/workers; `worker_token` only when an agency or admin created it.

    Attributes:
        city (str): first four digits of region (GB/T 2260 city)
        created_at (datetime.datetime):
        id (str):
        name (str):
        province (str): first two digits of region (GB/T 2260 province)
        region (str):
        updated_at (datetime.datetime):
        version (int):
        achievements (list[Achievement] | Unset):
        agency_id (None | str | Unset):
        availability (Availability | None | Unset):
        awards (list[Award] | Unset):
        certificates (list[Certificate] | Unset):
        consent (Consent | Unset):
        contact (Contact | Unset): Personal data: never in events, search hits or logs; shown only after mutual
            interest.
        experience_years (float | int | Unset):  Default: 0.
        location (Location | None | Unset):
        occupations (list[Occupation] | Unset):
        open_regions (list[str] | Unset):
        skill_level (SkillLevel | Unset): The national skill ladder (职业技能等级), lowest first; compare with `rank`.
        skills (list[Skill] | Unset):
        status (WorkerStatus | Unset):
        wage_expectation (None | Unset | Wage):
        worker_token (None | str | Unset): a worker token for the new id (agency/admin creates)
    """

    city: str
    created_at: datetime.datetime
    id: str
    name: str
    province: str
    region: str
    updated_at: datetime.datetime
    version: int
    achievements: list[Achievement] | Unset = UNSET
    agency_id: None | str | Unset = UNSET
    availability: Availability | None | Unset = UNSET
    awards: list[Award] | Unset = UNSET
    certificates: list[Certificate] | Unset = UNSET
    consent: Consent | Unset = UNSET
    contact: Contact | Unset = UNSET
    experience_years: float | int | Unset = 0
    location: Location | None | Unset = UNSET
    occupations: list[Occupation] | Unset = UNSET
    open_regions: list[str] | Unset = UNSET
    skill_level: SkillLevel | Unset = UNSET
    skills: list[Skill] | Unset = UNSET
    status: WorkerStatus | Unset = UNSET
    wage_expectation: None | Unset | Wage = UNSET
    worker_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.availability import Availability
        from ..models.location import Location
        from ..models.wage import Wage

        city = self.city

        created_at = self.created_at.isoformat()

        id = self.id

        name = self.name

        province = self.province

        region = self.region

        updated_at = self.updated_at.isoformat()

        version = self.version

        achievements: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.achievements, Unset):
            achievements = []
            for achievements_item_data in self.achievements:
                achievements_item = achievements_item_data.to_dict()
                achievements.append(achievements_item)

        agency_id: None | str | Unset
        if isinstance(self.agency_id, Unset):
            agency_id = UNSET
        else:
            agency_id = self.agency_id

        availability: dict[str, Any] | None | Unset
        if isinstance(self.availability, Unset):
            availability = UNSET
        elif isinstance(self.availability, Availability):
            availability = self.availability.to_dict()
        else:
            availability = self.availability

        awards: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.awards, Unset):
            awards = []
            for awards_item_data in self.awards:
                awards_item = awards_item_data.to_dict()
                awards.append(awards_item)

        certificates: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.certificates, Unset):
            certificates = []
            for certificates_item_data in self.certificates:
                certificates_item = certificates_item_data.to_dict()
                certificates.append(certificates_item)

        consent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.to_dict()

        contact: dict[str, Any] | Unset = UNSET
        if not isinstance(self.contact, Unset):
            contact = self.contact.to_dict()

        experience_years: float | int | Unset
        if isinstance(self.experience_years, Unset):
            experience_years = UNSET
        else:
            experience_years = self.experience_years

        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, Location):
            location = self.location.to_dict()
        else:
            location = self.location

        occupations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.occupations, Unset):
            occupations = []
            for occupations_item_data in self.occupations:
                occupations_item = occupations_item_data.to_dict()
                occupations.append(occupations_item)

        open_regions: list[str] | Unset = UNSET
        if not isinstance(self.open_regions, Unset):
            open_regions = self.open_regions

        skill_level: str | Unset = UNSET
        if not isinstance(self.skill_level, Unset):
            skill_level = self.skill_level.value

        skills: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.skills, Unset):
            skills = []
            for skills_item_data in self.skills:
                skills_item = skills_item_data.to_dict()
                skills.append(skills_item)

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        wage_expectation: dict[str, Any] | None | Unset
        if isinstance(self.wage_expectation, Unset):
            wage_expectation = UNSET
        elif isinstance(self.wage_expectation, Wage):
            wage_expectation = self.wage_expectation.to_dict()
        else:
            wage_expectation = self.wage_expectation

        worker_token: None | str | Unset
        if isinstance(self.worker_token, Unset):
            worker_token = UNSET
        else:
            worker_token = self.worker_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "city": city,
                "created_at": created_at,
                "id": id,
                "name": name,
                "province": province,
                "region": region,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if achievements is not UNSET:
            field_dict["achievements"] = achievements
        if agency_id is not UNSET:
            field_dict["agency_id"] = agency_id
        if availability is not UNSET:
            field_dict["availability"] = availability
        if awards is not UNSET:
            field_dict["awards"] = awards
        if certificates is not UNSET:
            field_dict["certificates"] = certificates
        if consent is not UNSET:
            field_dict["consent"] = consent
        if contact is not UNSET:
            field_dict["contact"] = contact
        if experience_years is not UNSET:
            field_dict["experience_years"] = experience_years
        if location is not UNSET:
            field_dict["location"] = location
        if occupations is not UNSET:
            field_dict["occupations"] = occupations
        if open_regions is not UNSET:
            field_dict["open_regions"] = open_regions
        if skill_level is not UNSET:
            field_dict["skill_level"] = skill_level
        if skills is not UNSET:
            field_dict["skills"] = skills
        if status is not UNSET:
            field_dict["status"] = status
        if wage_expectation is not UNSET:
            field_dict["wage_expectation"] = wage_expectation
        if worker_token is not UNSET:
            field_dict["worker_token"] = worker_token

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.achievement import Achievement
        from ..models.availability import Availability
        from ..models.award import Award
        from ..models.certificate import Certificate
        from ..models.consent import Consent
        from ..models.contact import Contact
        from ..models.location import Location
        from ..models.occupation import Occupation
        from ..models.skill import Skill
        from ..models.wage import Wage

        d = dict(src_dict)
        city = d.pop("city")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        id = d.pop("id")

        name = d.pop("name")

        province = d.pop("province")

        region = d.pop("region")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        _achievements = d.pop("achievements", UNSET)
        achievements: list[Achievement] | Unset = UNSET
        if _achievements is not UNSET:
            achievements = []
            for achievements_item_data in _achievements:
                achievements_item = Achievement.from_dict(achievements_item_data)

                achievements.append(achievements_item)

        def _parse_agency_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agency_id = _parse_agency_id(d.pop("agency_id", UNSET))

        def _parse_availability(data: object) -> Availability | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                availability_type_0 = Availability.from_dict(data)

                return availability_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Availability | None | Unset, data)

        availability = _parse_availability(d.pop("availability", UNSET))

        _awards = d.pop("awards", UNSET)
        awards: list[Award] | Unset = UNSET
        if _awards is not UNSET:
            awards = []
            for awards_item_data in _awards:
                awards_item = Award.from_dict(awards_item_data)

                awards.append(awards_item)

        _certificates = d.pop("certificates", UNSET)
        certificates: list[Certificate] | Unset = UNSET
        if _certificates is not UNSET:
            certificates = []
            for certificates_item_data in _certificates:
                certificates_item = Certificate.from_dict(certificates_item_data)

                certificates.append(certificates_item)

        _consent = d.pop("consent", UNSET)
        consent: Consent | Unset
        if isinstance(_consent, Unset):
            consent = UNSET
        else:
            consent = Consent.from_dict(_consent)

        _contact = d.pop("contact", UNSET)
        contact: Contact | Unset
        if isinstance(_contact, Unset):
            contact = UNSET
        else:
            contact = Contact.from_dict(_contact)

        def _parse_experience_years(data: object) -> float | int | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | int | Unset, data)

        experience_years = _parse_experience_years(d.pop("experience_years", UNSET))

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

        _occupations = d.pop("occupations", UNSET)
        occupations: list[Occupation] | Unset = UNSET
        if _occupations is not UNSET:
            occupations = []
            for occupations_item_data in _occupations:
                occupations_item = Occupation.from_dict(occupations_item_data)

                occupations.append(occupations_item)

        open_regions = cast(list[str], d.pop("open_regions", UNSET))

        _skill_level = d.pop("skill_level", UNSET)
        skill_level: SkillLevel | Unset
        if isinstance(_skill_level, Unset):
            skill_level = UNSET
        else:
            skill_level = SkillLevel(_skill_level)

        _skills = d.pop("skills", UNSET)
        skills: list[Skill] | Unset = UNSET
        if _skills is not UNSET:
            skills = []
            for skills_item_data in _skills:
                skills_item = Skill.from_dict(skills_item_data)

                skills.append(skills_item)

        _status = d.pop("status", UNSET)
        status: WorkerStatus | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = WorkerStatus(_status)

        def _parse_wage_expectation(data: object) -> None | Unset | Wage:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                wage_expectation_type_0 = Wage.from_dict(data)

                return wage_expectation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | Wage, data)

        wage_expectation = _parse_wage_expectation(d.pop("wage_expectation", UNSET))

        def _parse_worker_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        worker_token = _parse_worker_token(d.pop("worker_token", UNSET))

        worker_created = cls(
            city=city,
            created_at=created_at,
            id=id,
            name=name,
            province=province,
            region=region,
            updated_at=updated_at,
            version=version,
            achievements=achievements,
            agency_id=agency_id,
            availability=availability,
            awards=awards,
            certificates=certificates,
            consent=consent,
            contact=contact,
            experience_years=experience_years,
            location=location,
            occupations=occupations,
            open_regions=open_regions,
            skill_level=skill_level,
            skills=skills,
            status=status,
            wage_expectation=wage_expectation,
            worker_token=worker_token,
        )

        worker_created.additional_properties = d
        return worker_created

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
