from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.skill_level import SkillLevel
from ..models.worker_status import WorkerStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.achievement import Achievement
    from ..models.award import Award
    from ..models.certificate import Certificate
    from ..models.occupation import Occupation
    from ..models.patch_worker_json_worker_patch_availability_type_0 import (
        PatchWorkerJsonWorkerPatchAvailabilityType0,
    )
    from ..models.patch_worker_json_worker_patch_consent_type_0 import (
        PatchWorkerJsonWorkerPatchConsentType0,
    )
    from ..models.patch_worker_json_worker_patch_contact_type_0 import (
        PatchWorkerJsonWorkerPatchContactType0,
    )
    from ..models.patch_worker_json_worker_patch_location_type_0 import (
        PatchWorkerJsonWorkerPatchLocationType0,
    )
    from ..models.patch_worker_json_worker_patch_wage_expectation_type_0 import (
        PatchWorkerJsonWorkerPatchWageExpectationType0,
    )
    from ..models.skill import Skill


T = TypeVar("T", bound="PatchWorkerJsonWorkerPatch")


@_attrs_define
class PatchWorkerJsonWorkerPatch:
    """An RFC 7396 merge patch of a worker: every field optional, `null` removes (resets) a field.

    Objects (`contact`, `location`, `availability`, `wage_expectation`, `consent`) merge key by key;
    lists replace the whole list. Only the top-level names and list items are checked here; the
    merged document is then validated as a whole `WorkerIn`, so a patch can never produce a profile
    that a PUT would refuse.

        Attributes:
            achievements (list[Achievement] | None | Unset):
            agency_id (None | str | Unset):
            availability (None | PatchWorkerJsonWorkerPatchAvailabilityType0 | Unset):
            awards (list[Award] | None | Unset):
            certificates (list[Certificate] | None | Unset):
            consent (None | PatchWorkerJsonWorkerPatchConsentType0 | Unset):
            contact (None | PatchWorkerJsonWorkerPatchContactType0 | Unset):
            experience_years (float | int | None | Unset):
            location (None | PatchWorkerJsonWorkerPatchLocationType0 | Unset):
            name (None | str | Unset):
            occupations (list[Occupation] | None | Unset):
            open_regions (list[str] | None | Unset):
            region (None | str | Unset):
            skill_level (None | SkillLevel | Unset):
            skills (list[Skill] | None | Unset):
            status (None | Unset | WorkerStatus):
            wage_expectation (None | PatchWorkerJsonWorkerPatchWageExpectationType0 | Unset):
    """

    achievements: list[Achievement] | None | Unset = UNSET
    agency_id: None | str | Unset = UNSET
    availability: None | PatchWorkerJsonWorkerPatchAvailabilityType0 | Unset = UNSET
    awards: list[Award] | None | Unset = UNSET
    certificates: list[Certificate] | None | Unset = UNSET
    consent: None | PatchWorkerJsonWorkerPatchConsentType0 | Unset = UNSET
    contact: None | PatchWorkerJsonWorkerPatchContactType0 | Unset = UNSET
    experience_years: float | int | None | Unset = UNSET
    location: None | PatchWorkerJsonWorkerPatchLocationType0 | Unset = UNSET
    name: None | str | Unset = UNSET
    occupations: list[Occupation] | None | Unset = UNSET
    open_regions: list[str] | None | Unset = UNSET
    region: None | str | Unset = UNSET
    skill_level: None | SkillLevel | Unset = UNSET
    skills: list[Skill] | None | Unset = UNSET
    status: None | Unset | WorkerStatus = UNSET
    wage_expectation: None | PatchWorkerJsonWorkerPatchWageExpectationType0 | Unset = (
        UNSET
    )

    def to_dict(self) -> dict[str, Any]:
        from ..models.patch_worker_json_worker_patch_availability_type_0 import (
            PatchWorkerJsonWorkerPatchAvailabilityType0,
        )
        from ..models.patch_worker_json_worker_patch_consent_type_0 import (
            PatchWorkerJsonWorkerPatchConsentType0,
        )
        from ..models.patch_worker_json_worker_patch_contact_type_0 import (
            PatchWorkerJsonWorkerPatchContactType0,
        )
        from ..models.patch_worker_json_worker_patch_location_type_0 import (
            PatchWorkerJsonWorkerPatchLocationType0,
        )
        from ..models.patch_worker_json_worker_patch_wage_expectation_type_0 import (
            PatchWorkerJsonWorkerPatchWageExpectationType0,
        )

        achievements: list[dict[str, Any]] | None | Unset
        if isinstance(self.achievements, Unset):
            achievements = UNSET
        elif isinstance(self.achievements, list):
            achievements = []
            for achievements_type_0_item_data in self.achievements:
                achievements_type_0_item = achievements_type_0_item_data.to_dict()
                achievements.append(achievements_type_0_item)

        else:
            achievements = self.achievements

        agency_id: None | str | Unset
        if isinstance(self.agency_id, Unset):
            agency_id = UNSET
        else:
            agency_id = self.agency_id

        availability: dict[str, Any] | None | Unset
        if isinstance(self.availability, Unset):
            availability = UNSET
        elif isinstance(self.availability, PatchWorkerJsonWorkerPatchAvailabilityType0):
            availability = self.availability.to_dict()
        else:
            availability = self.availability

        awards: list[dict[str, Any]] | None | Unset
        if isinstance(self.awards, Unset):
            awards = UNSET
        elif isinstance(self.awards, list):
            awards = []
            for awards_type_0_item_data in self.awards:
                awards_type_0_item = awards_type_0_item_data.to_dict()
                awards.append(awards_type_0_item)

        else:
            awards = self.awards

        certificates: list[dict[str, Any]] | None | Unset
        if isinstance(self.certificates, Unset):
            certificates = UNSET
        elif isinstance(self.certificates, list):
            certificates = []
            for certificates_type_0_item_data in self.certificates:
                certificates_type_0_item = certificates_type_0_item_data.to_dict()
                certificates.append(certificates_type_0_item)

        else:
            certificates = self.certificates

        consent: dict[str, Any] | None | Unset
        if isinstance(self.consent, Unset):
            consent = UNSET
        elif isinstance(self.consent, PatchWorkerJsonWorkerPatchConsentType0):
            consent = self.consent.to_dict()
        else:
            consent = self.consent

        contact: dict[str, Any] | None | Unset
        if isinstance(self.contact, Unset):
            contact = UNSET
        elif isinstance(self.contact, PatchWorkerJsonWorkerPatchContactType0):
            contact = self.contact.to_dict()
        else:
            contact = self.contact

        experience_years: float | int | None | Unset
        if isinstance(self.experience_years, Unset):
            experience_years = UNSET
        else:
            experience_years = self.experience_years

        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, PatchWorkerJsonWorkerPatchLocationType0):
            location = self.location.to_dict()
        else:
            location = self.location

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        occupations: list[dict[str, Any]] | None | Unset
        if isinstance(self.occupations, Unset):
            occupations = UNSET
        elif isinstance(self.occupations, list):
            occupations = []
            for occupations_type_0_item_data in self.occupations:
                occupations_type_0_item = occupations_type_0_item_data.to_dict()
                occupations.append(occupations_type_0_item)

        else:
            occupations = self.occupations

        open_regions: list[str] | None | Unset
        if isinstance(self.open_regions, Unset):
            open_regions = UNSET
        elif isinstance(self.open_regions, list):
            open_regions = self.open_regions

        else:
            open_regions = self.open_regions

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        skill_level: None | str | Unset
        if isinstance(self.skill_level, Unset):
            skill_level = UNSET
        elif isinstance(self.skill_level, SkillLevel):
            skill_level = self.skill_level.value
        else:
            skill_level = self.skill_level

        skills: list[dict[str, Any]] | None | Unset
        if isinstance(self.skills, Unset):
            skills = UNSET
        elif isinstance(self.skills, list):
            skills = []
            for skills_type_0_item_data in self.skills:
                skills_type_0_item = skills_type_0_item_data.to_dict()
                skills.append(skills_type_0_item)

        else:
            skills = self.skills

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, WorkerStatus):
            status = self.status.value
        else:
            status = self.status

        wage_expectation: dict[str, Any] | None | Unset
        if isinstance(self.wage_expectation, Unset):
            wage_expectation = UNSET
        elif isinstance(
            self.wage_expectation, PatchWorkerJsonWorkerPatchWageExpectationType0
        ):
            wage_expectation = self.wage_expectation.to_dict()
        else:
            wage_expectation = self.wage_expectation

        field_dict: dict[str, Any] = {}

        field_dict.update({})
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
        if name is not UNSET:
            field_dict["name"] = name
        if occupations is not UNSET:
            field_dict["occupations"] = occupations
        if open_regions is not UNSET:
            field_dict["open_regions"] = open_regions
        if region is not UNSET:
            field_dict["region"] = region
        if skill_level is not UNSET:
            field_dict["skill_level"] = skill_level
        if skills is not UNSET:
            field_dict["skills"] = skills
        if status is not UNSET:
            field_dict["status"] = status
        if wage_expectation is not UNSET:
            field_dict["wage_expectation"] = wage_expectation

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.achievement import Achievement
        from ..models.award import Award
        from ..models.certificate import Certificate
        from ..models.occupation import Occupation
        from ..models.patch_worker_json_worker_patch_availability_type_0 import (
            PatchWorkerJsonWorkerPatchAvailabilityType0,
        )
        from ..models.patch_worker_json_worker_patch_consent_type_0 import (
            PatchWorkerJsonWorkerPatchConsentType0,
        )
        from ..models.patch_worker_json_worker_patch_contact_type_0 import (
            PatchWorkerJsonWorkerPatchContactType0,
        )
        from ..models.patch_worker_json_worker_patch_location_type_0 import (
            PatchWorkerJsonWorkerPatchLocationType0,
        )
        from ..models.patch_worker_json_worker_patch_wage_expectation_type_0 import (
            PatchWorkerJsonWorkerPatchWageExpectationType0,
        )
        from ..models.skill import Skill

        d = dict(src_dict)

        def _parse_achievements(data: object) -> list[Achievement] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                achievements_type_0 = []
                _achievements_type_0 = data
                for achievements_type_0_item_data in _achievements_type_0:
                    achievements_type_0_item = Achievement.from_dict(
                        achievements_type_0_item_data
                    )

                    achievements_type_0.append(achievements_type_0_item)

                return achievements_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Achievement] | None | Unset, data)

        achievements = _parse_achievements(d.pop("achievements", UNSET))

        def _parse_agency_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        agency_id = _parse_agency_id(d.pop("agency_id", UNSET))

        def _parse_availability(
            data: object,
        ) -> None | PatchWorkerJsonWorkerPatchAvailabilityType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                availability_type_0 = (
                    PatchWorkerJsonWorkerPatchAvailabilityType0.from_dict(data)
                )

                return availability_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None | PatchWorkerJsonWorkerPatchAvailabilityType0 | Unset, data
            )

        availability = _parse_availability(d.pop("availability", UNSET))

        def _parse_awards(data: object) -> list[Award] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                awards_type_0 = []
                _awards_type_0 = data
                for awards_type_0_item_data in _awards_type_0:
                    awards_type_0_item = Award.from_dict(awards_type_0_item_data)

                    awards_type_0.append(awards_type_0_item)

                return awards_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Award] | None | Unset, data)

        awards = _parse_awards(d.pop("awards", UNSET))

        def _parse_certificates(data: object) -> list[Certificate] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                certificates_type_0 = []
                _certificates_type_0 = data
                for certificates_type_0_item_data in _certificates_type_0:
                    certificates_type_0_item = Certificate.from_dict(
                        certificates_type_0_item_data
                    )

                    certificates_type_0.append(certificates_type_0_item)

                return certificates_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Certificate] | None | Unset, data)

        certificates = _parse_certificates(d.pop("certificates", UNSET))

        def _parse_consent(
            data: object,
        ) -> None | PatchWorkerJsonWorkerPatchConsentType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                consent_type_0 = PatchWorkerJsonWorkerPatchConsentType0.from_dict(data)

                return consent_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PatchWorkerJsonWorkerPatchConsentType0 | Unset, data)

        consent = _parse_consent(d.pop("consent", UNSET))

        def _parse_contact(
            data: object,
        ) -> None | PatchWorkerJsonWorkerPatchContactType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                contact_type_0 = PatchWorkerJsonWorkerPatchContactType0.from_dict(data)

                return contact_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PatchWorkerJsonWorkerPatchContactType0 | Unset, data)

        contact = _parse_contact(d.pop("contact", UNSET))

        def _parse_experience_years(data: object) -> float | int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | int | None | Unset, data)

        experience_years = _parse_experience_years(d.pop("experience_years", UNSET))

        def _parse_location(
            data: object,
        ) -> None | PatchWorkerJsonWorkerPatchLocationType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                location_type_0 = PatchWorkerJsonWorkerPatchLocationType0.from_dict(
                    data
                )

                return location_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PatchWorkerJsonWorkerPatchLocationType0 | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_occupations(data: object) -> list[Occupation] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                occupations_type_0 = []
                _occupations_type_0 = data
                for occupations_type_0_item_data in _occupations_type_0:
                    occupations_type_0_item = Occupation.from_dict(
                        occupations_type_0_item_data
                    )

                    occupations_type_0.append(occupations_type_0_item)

                return occupations_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Occupation] | None | Unset, data)

        occupations = _parse_occupations(d.pop("occupations", UNSET))

        def _parse_open_regions(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                open_regions_type_0 = cast(list[str], data)

                return open_regions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        open_regions = _parse_open_regions(d.pop("open_regions", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_skill_level(data: object) -> None | SkillLevel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                skill_level_type_0 = SkillLevel(data)

                return skill_level_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkillLevel | Unset, data)

        skill_level = _parse_skill_level(d.pop("skill_level", UNSET))

        def _parse_skills(data: object) -> list[Skill] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                skills_type_0 = []
                _skills_type_0 = data
                for skills_type_0_item_data in _skills_type_0:
                    skills_type_0_item = Skill.from_dict(skills_type_0_item_data)

                    skills_type_0.append(skills_type_0_item)

                return skills_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Skill] | None | Unset, data)

        skills = _parse_skills(d.pop("skills", UNSET))

        def _parse_status(data: object) -> None | Unset | WorkerStatus:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = WorkerStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | WorkerStatus, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_wage_expectation(
            data: object,
        ) -> None | PatchWorkerJsonWorkerPatchWageExpectationType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                wage_expectation_type_0 = (
                    PatchWorkerJsonWorkerPatchWageExpectationType0.from_dict(data)
                )

                return wage_expectation_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(
                None | PatchWorkerJsonWorkerPatchWageExpectationType0 | Unset, data
            )

        wage_expectation = _parse_wage_expectation(d.pop("wage_expectation", UNSET))

        patch_worker_json_worker_patch = cls(
            achievements=achievements,
            agency_id=agency_id,
            availability=availability,
            awards=awards,
            certificates=certificates,
            consent=consent,
            contact=contact,
            experience_years=experience_years,
            location=location,
            name=name,
            occupations=occupations,
            open_regions=open_regions,
            region=region,
            skill_level=skill_level,
            skills=skills,
            status=status,
            wage_expectation=wage_expectation,
        )

        return patch_worker_json_worker_patch
